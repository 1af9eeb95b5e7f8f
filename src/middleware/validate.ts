import type { RequestHandler } from 'express';
import type Joi from 'joi';
import { AppError, type ErrorDetail } from '../errors/app-error';

export interface RequestSchemas {
  params?: Joi.ObjectSchema;
  query?: Joi.ObjectSchema;
  body?: Joi.ObjectSchema;
}

const OPTIONS: Joi.ValidationOptions = {
  abortEarly: false,
  allowUnknown: false,
  stripUnknown: false,
  convert: true,
  errors: { wrap: { label: false } },
};

function detailsOf(error: Joi.ValidationError, where: string): ErrorDetail[] {
  return error.details.map((d) => ({
    field: d.path.length > 0 ? d.path.join('.') : where,
    message: d.message,
  }));
}

/**
 * Validates path parameters, query and body against joi schemas; anything not declared is
 * refused. A part without a schema must be empty. The validated values land in `req.input`.
 */
export function validate(schemas: RequestSchemas): RequestHandler {
  return (req, _res, next) => {
    const details: ErrorDetail[] = [];
    const run = (where: 'params' | 'query' | 'body', value: unknown): unknown => {
      const schema = schemas[where];
      const empty =
        value === undefined ||
        (typeof value === 'object' && value !== null && Object.keys(value).length === 0);
      if (!schema) {
        if (!empty) details.push({ field: where, message: `${where} is not accepted here` });
        return {};
      }
      const result = schema.validate(value ?? {}, OPTIONS);
      if (result.error) details.push(...detailsOf(result.error, where));
      return result.value;
    };
    const params = run('params', req.params) as Record<string, unknown>;
    const query = run('query', req.query) as Record<string, unknown>;
    const body = run('body', req.body);
    if (details.length > 0) {
      throw new AppError(
        400,
        'invalid_request_error',
        'parameter_invalid',
        `Invalid request: ${details.map((d) => `${d.field}: ${d.message}`).join('; ')}`,
        { details },
      );
    }
    req.input = { params, query, body };
    next();
  };
}
