import fs from 'node:fs';
import path from 'node:path';
import type { Router } from 'express';
import express from 'express';
import swaggerUi from 'swagger-ui-express';
import { parse } from 'yaml';
import type { RouteSpec } from './route-table';

const OPENAPI_FILE = path.resolve(__dirname, '../../docs/openapi.yaml');

let cached: Record<string, unknown> | undefined;

/** docs/openapi.yaml parsed once: the contract of every route. */
export function loadOpenApiDocument(): Record<string, unknown> {
  cached ??= parse(fs.readFileSync(OPENAPI_FILE, 'utf8')) as Record<string, unknown>;
  return cached;
}

export function openApiRoutes(): RouteSpec[] {
  return [
    {
      method: 'get',
      path: '/openapi.json',
      handlers: [(_req, res) => void res.json(loadOpenApiDocument())],
    },
  ];
}

/** The browsable documentation at /docs (static UI, not part of the API contract). */
export function docsRouter(): Router {
  const router = express.Router();
  router.use(
    '/',
    swaggerUi.serveFiles(loadOpenApiDocument()),
    swaggerUi.setup(loadOpenApiDocument()),
  );
  return router;
}
