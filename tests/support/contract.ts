import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { Express } from 'express';
import supertest from 'supertest';
import { loadOpenApiDocument } from '../../src/routes/docs-routes';

type Json = Record<string, unknown>;

const doc = loadOpenApiDocument() as Json & { paths: Record<string, Record<string, Json>> };
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema(doc, 'openapi');

const pointer = (...parts: string[]): string =>
  'openapi#/' + parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');

const templates = Object.keys(doc.paths).map((template) => ({
  template,
  regex: new RegExp(
    '^' + template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{\w+\\?\}/g, '[^/]+') + '$',
  ),
}));

/** The documented path template a concrete path belongs to, preferring literal segments. */
export function findTemplate(path: string): string | undefined {
  const matches = templates.filter((t) => t.regex.test(path)).map((t) => t.template);
  return matches.sort((a, b) => a.split('{').length - b.split('{').length)[0];
}

function resolveRef(node: Json | undefined): Json | undefined {
  let current = node;
  while (current && typeof current.$ref === 'string') {
    const parts = current.$ref.replace(/^#\//, '').split('/');
    current = parts.reduce<Json | undefined>((acc, part) => acc?.[part] as Json | undefined, doc);
  }
  return current;
}

function validate(schemaPointer: string, value: unknown, what: string): void {
  const check = ajv.getSchema(schemaPointer);
  if (!check) throw new Error(`No schema at ${schemaPointer}`);
  if (!check(value)) {
    throw new Error(`${what} does not match docs/openapi.yaml: ${ajv.errorsText(check.errors)}`);
  }
}

/**
 * Checks one exchange against docs/openapi.yaml: the route and status are documented, the
 * answer's JSON body matches the documented schema and, for a 2xx, so does the request body.
 */
export function assertContract(
  method: string,
  rawPath: string,
  status: number,
  body: unknown,
  sent: unknown,
): void {
  const path = rawPath.split('?')[0]!;
  const template = findTemplate(path);
  if (!template) throw new Error(`${method} ${path} is not in docs/openapi.yaml`);
  const verb = method.toLowerCase();
  const operation = doc.paths[template]![verb];
  if (!operation) {
    if (status === 405 || status === 404) return;
    throw new Error(`${method} ${template} is not in docs/openapi.yaml`);
  }
  const responses = operation.responses as Record<string, Json>;
  const key = String(status) in responses ? String(status) : 'default';
  const response = resolveRef(responses[key]);
  if (!response) {
    // Errors every route may answer share the documented Error shape.
    if (status >= 400)
      return validate(pointer('components', 'schemas', 'Error'), body, `${status} body`);
    throw new Error(`${method} ${template} does not document status ${status}`);
  }
  const responsePointer = responses[key]!.$ref
    ? (responses[key]!.$ref as string).replace(/^#\//, 'openapi#/')
    : pointer('paths', template, verb, 'responses', key);
  const content = response.content as Record<string, Json> | undefined;
  if (content?.['application/json']?.schema) {
    validate(
      `${responsePointer}/content/application~1json/schema`,
      body,
      `${status} answer of ${method} ${template}`,
    );
  }
  const requestBody = resolveRef(operation.requestBody as Json | undefined);
  if (status < 300 && sent !== undefined && requestBody) {
    validate(
      pointer('paths', template, verb, 'requestBody', 'content', 'application/json', 'schema'),
      sent,
      `request of ${method} ${template}`,
    );
  }
}

type Verb = 'get' | 'post' | 'patch' | 'put' | 'delete';

/**
 * supertest with the contract check attached to every request, so each test that calls the API
 * also proves docs/openapi.yaml describes what it sent and got.
 */
export function api(app: Express): Record<Verb, (path: string) => supertest.Test> {
  const agent = supertest(app);
  const wrap = (verb: Verb) => (path: string) => {
    const test = agent[verb](path);
    return test.expect((res) => {
      const sent = (test as unknown as { _data?: unknown })._data;
      assertContract(verb, path, res.status, res.body, sent);
    });
  };
  return {
    get: wrap('get'),
    post: wrap('post'),
    patch: wrap('patch'),
    put: wrap('put'),
    delete: wrap('delete'),
  };
}

/** Every method+template pair the document describes. */
export function documentedOperations(): string[] {
  const ops: string[] = [];
  for (const [template, item] of Object.entries(doc.paths)) {
    for (const verb of ['get', 'post', 'put', 'patch', 'delete']) {
      if (item[verb]) ops.push(`${verb.toUpperCase()} ${template}`);
    }
  }
  return ops.sort();
}
