import { invalidParam, unexpectedState } from '../core/errors';
import { newId } from '../core/ids';
import { paginate } from '../core/list';
import { checkCurrency, checkPlainAmount } from '../core/money';
import { LIST_SPEC, mergeMetadata, requireParams, validate, type Spec } from '../core/params';
import { changedFields, type RequestMeta } from '../events/event-log';
import type { Router } from '../server/router';
import type { SandboxState } from '../core/state';
import type { StripeObject } from '../core/store';

const PRODUCT_SPEC: Spec = {
  name: 'string',
  description: 'string',
  metadata: 'metadata',
  active: 'boolean',
  images: 'strings',
  url: 'string',
  statement_descriptor: 'string',
  tax_code: 'string',
  unit_label: 'string',
  shippable: 'boolean',
  id: 'string',
  marketing_features: 'any',
  package_dimensions: 'any',
  default_price_data: 'any',
};

const RECURRING = {
  object: {
    interval: { enum: ['day', 'week', 'month', 'year'] },
    interval_count: 'integer',
    usage_type: { enum: ['licensed', 'metered'] },
    meter: 'string',
  },
} as const;

const PRICE_SPEC: Spec = {
  currency: 'string',
  product: 'string',
  product_data: { object: { name: 'string', metadata: 'metadata', active: 'boolean' } },
  unit_amount: 'integer',
  unit_amount_decimal: 'string',
  recurring: RECURRING,
  nickname: 'string',
  metadata: 'metadata',
  active: 'boolean',
  lookup_key: 'string',
  tax_behavior: { enum: ['exclusive', 'inclusive', 'unspecified'] },
  billing_scheme: { enum: ['per_unit'] },
  transfer_lookup_key: 'boolean',
};

export function createProduct(state: SandboxState, p: Record<string, unknown>, meta: RequestMeta) {
  requireParams(p, ['name']);
  const now = state.now();
  const id = (p.id as string | undefined) ?? newId('prod').slice(0, 19);
  if (state.store.find(id)) {
    throw invalidParam('id', `Product already exists.`, 'resource_already_exists');
  }
  const product: StripeObject = {
    id,
    object: 'product',
    active: p.active ?? true,
    created: now,
    default_price: null,
    description: p.description ?? null,
    images: p.images ?? [],
    livemode: false,
    marketing_features: [],
    metadata: mergeMetadata({}, p.metadata),
    name: p.name,
    package_dimensions: null,
    shippable: p.shippable ?? null,
    statement_descriptor: p.statement_descriptor ?? null,
    tax_code: p.tax_code ?? null,
    tax_details: null,
    type: 'service',
    unit_label: p.unit_label ?? null,
    updated: now,
    url: p.url ?? null,
  };
  state.store.insert(product);
  state.emit('product.created', product, meta);
  return product;
}

function createPrice(state: SandboxState, form: never, meta: RequestMeta) {
  const p = validate(form, PRICE_SPEC);
  requireParams(p, ['currency']);
  const currency = checkCurrency(p.currency as string);
  if (!p.product && !p.product_data)
    throw invalidParam('product', 'Missing required param: product.', 'parameter_missing');
  const product = p.product
    ? state.store.get('product', p.product as string, 'product')
    : createProduct(state, p.product_data as Record<string, unknown>, meta);
  const unitAmount =
    (p.unit_amount as number | undefined) ??
    (p.unit_amount_decimal != null ? Math.round(Number(p.unit_amount_decimal)) : undefined);
  if (unitAmount === undefined || Number.isNaN(unitAmount)) {
    throw invalidParam('unit_amount', 'Missing required param: unit_amount.', 'parameter_missing');
  }
  checkPlainAmount(unitAmount, currency, 'unit_amount');
  const recurring = p.recurring as Record<string, unknown> | undefined;
  if (recurring && !recurring.interval) {
    throw invalidParam(
      'recurring[interval]',
      'Missing required param: recurring[interval].',
      'parameter_missing',
    );
  }
  const price: StripeObject = {
    id: newId('price'),
    object: 'price',
    active: p.active ?? true,
    billing_scheme: 'per_unit',
    created: state.now(),
    currency,
    custom_unit_amount: null,
    livemode: false,
    lookup_key: p.lookup_key ?? null,
    metadata: mergeMetadata({}, p.metadata),
    nickname: p.nickname ?? null,
    product: product.id,
    recurring: recurring
      ? {
          interval: recurring.interval,
          interval_count: recurring.interval_count ?? 1,
          meter: null,
          trial_period_days: null,
          usage_type: recurring.usage_type ?? 'licensed',
        }
      : null,
    tax_behavior: p.tax_behavior ?? 'unspecified',
    tiers_mode: null,
    transform_quantity: null,
    type: recurring ? 'recurring' : 'one_time',
    unit_amount: unitAmount,
    unit_amount_decimal: String(unitAmount),
  };
  state.store.insert(price);
  if (!product.default_price) product.default_price = price.id;
  state.emit('price.created', price, meta);
  return price;
}

function updateProduct(state: SandboxState, id: string, form: never, meta: RequestMeta) {
  const p = validate(form, { ...PRODUCT_SPEC, default_price: 'string' });
  const product = state.store.get('product', id);
  const before = structuredClone(product);
  for (const f of [
    'name',
    'description',
    'active',
    'images',
    'url',
    'statement_descriptor',
    'tax_code',
    'unit_label',
    'shippable',
  ]) {
    if (p[f] !== undefined) product[f] = p[f];
  }
  if (p.default_price !== undefined) {
    if (p.default_price) state.store.get('price', p.default_price as string, 'default_price');
    product.default_price = p.default_price;
  }
  product.metadata = mergeMetadata(product.metadata as Record<string, string>, p.metadata);
  product.updated = state.now();
  state.emit('product.updated', product, meta, changedFields(before, product));
  return product;
}

export function registerProductRoutes(router: Router, state: SandboxState): void {
  registerProductOnlyRoutes(router, state);
  registerPriceRoutes(router, state);
}

/** Products. */
function registerProductOnlyRoutes(router: Router, state: SandboxState): void {
  router.on('POST', '/v1/products', (c) =>
    createProduct(state, validate(c.form, PRODUCT_SPEC), c.meta),
  );
  router.on('GET', '/v1/products/:id', (c) => {
    validate(c.form, {});
    return state.store.get('product', c.pathParams.id);
  });
  router.on('POST', '/v1/products/:id', (c) =>
    updateProduct(state, c.pathParams.id, c.form as never, c.meta),
  );
  router.on('DELETE', '/v1/products/:id', (c) => {
    validate(c.form, {});
    const product = state.store.get('product', c.pathParams.id);
    for (const price of state.store.newestFirst('price')) {
      if (price.product === product.id) {
        throw unexpectedState(
          'product_has_prices',
          'This product cannot be deleted because it has one or more user-created prices.',
        );
      }
    }
    state.store.remove(product.id);
    state.emit('product.deleted', product, c.meta);
    return { id: product.id, object: 'product', deleted: true };
  });
  router.on('GET', '/v1/products', (c) => {
    const p = validate(c.form, { ...LIST_SPEC, active: 'boolean', ids: 'strings' });
    return paginate(
      state.store,
      'product',
      p,
      '/v1/products',
      (o) =>
        (p.active === undefined || o.active === p.active) &&
        (!p.ids || (p.ids as string[]).includes(o.id)),
    );
  });
}

/** Prices, one-off and recurring. */
function registerPriceRoutes(router: Router, state: SandboxState): void {
  router.on('POST', '/v1/prices', (c) => createPrice(state, c.form as never, c.meta));
  router.on('GET', '/v1/prices/:id', (c) => {
    validate(c.form, {});
    return state.store.get('price', c.pathParams.id);
  });
  router.on('POST', '/v1/prices/:id', (c) => {
    const p = validate(c.form, {
      active: 'boolean',
      metadata: 'metadata',
      nickname: 'string',
      lookup_key: 'string',
      tax_behavior: PRICE_SPEC.tax_behavior,
      transfer_lookup_key: 'boolean',
    });
    const price = state.store.get('price', c.pathParams.id);
    const before = structuredClone(price);
    for (const f of ['active', 'nickname', 'lookup_key', 'tax_behavior']) {
      if (p[f] !== undefined) price[f] = p[f];
    }
    price.metadata = mergeMetadata(price.metadata as Record<string, string>, p.metadata);
    state.emit('price.updated', price, c.meta, changedFields(before, price));
    return price;
  });
  router.on('GET', '/v1/prices', (c) => {
    const p = validate(c.form, {
      ...LIST_SPEC,
      active: 'boolean',
      product: 'string',
      type: { enum: ['one_time', 'recurring'] },
      currency: 'string',
      lookup_keys: 'strings',
    });
    return paginate(
      state.store,
      'price',
      p,
      '/v1/prices',
      (o) =>
        (p.active === undefined || o.active === p.active) &&
        (!p.product || o.product === p.product) &&
        (!p.type || o.type === p.type) &&
        (!p.currency || o.currency === p.currency) &&
        (!p.lookup_keys || (p.lookup_keys as string[]).includes(o.lookup_key as string)),
    );
  });
}
