import { DataTypes, type ModelAttributeColumnOptions, type Model } from 'sequelize';

/**
 * A BIGINT money column read back as a JS number. pg returns BIGINT as a string; amounts here
 * are at most 8 digits and their sums stay far below 2^53, and a value that would not be a safe
 * integer is refused rather than rounded.
 */
export function moneyColumn(
  name: string,
  options: { allowNull?: boolean; defaultValue?: number } = {},
): ModelAttributeColumnOptions<Model> {
  return {
    type: DataTypes.BIGINT,
    allowNull: options.allowNull ?? false,
    defaultValue: options.defaultValue,
    get(this: Model) {
      const raw = this.getDataValue(name as never) as unknown;
      if (raw === null || raw === undefined) return raw;
      const value = Number(raw);
      if (!Number.isSafeInteger(value)) throw new RangeError(`${name} is not a safe integer`);
      return value;
    },
  };
}

/** A BIGINT that holds a Unix second (Stripe's `created`), read back as a number. */
export function epochColumn(name: string): ModelAttributeColumnOptions<Model> {
  return { ...moneyColumn(name, { defaultValue: 0 }) };
}
