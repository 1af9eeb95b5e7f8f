import http from 'node:http';
import { expand, readExpand } from '../core/expand';
import { IdempotencyStore } from '../core/idempotency';
import { newId } from '../core/ids';
import { SandboxError, authError, unknownRoute } from '../core/errors';
import { FormParseError, parseForm, type FormObject } from './form-parser';
import { RawAnswer } from '../resources/controls';
import type { Router } from './router';
import type { SandboxState } from '../core/state';
import type { RequestMeta } from '../events/event-log';

const MAX_BODY_BYTES = 1024 * 1024;
/** Any test-mode secret or restricted key; the part after the prefix is not checked. */
const TEST_KEY = /^(sk|rk)_test_[A-Za-z0-9_]{1,247}$/;
const CONTROL_PREFIX = '/_sandbox';

interface Answer {
  status: number;
  body: string;
  headers?: Record<string, string>;
}

/**
 * The sandbox's HTTP front: API-key check, fault injection, form parsing, idempotency keys,
 * routing, `expand[]` and Stripe's error shape. Control routes under `/_sandbox` take JSON or
 * form bodies and need no API key.
 */
export function createHttpServer(state: SandboxState, api: Router, control: Router): http.Server {
  const server = http.createServer((req, res) => {
    if (req.url?.startsWith('/v1/')) {
      const started = performance.now();
      res.once('finish', () => state.serviceTimes.record(performance.now() - started));
    }
    handle(state, api, control, req, res).catch((err: unknown) => {
      send(res, internalError(err));
    });
  });
  server.keepAliveTimeout = 5000;
  return server;
}

async function handle(
  state: SandboxState,
  api: Router,
  control: Router,
  req: http.IncomingMessage,
  res: http.ServerResponse,
): Promise<void> {
  const method = req.method ?? 'GET';
  const rawUrl = req.url ?? '/';
  const q = rawUrl.indexOf('?');
  const path = q < 0 ? rawUrl : rawUrl.slice(0, q);
  const query = q < 0 ? '' : rawUrl.slice(q + 1);
  const requestId = newId('req');
  if (path === CONTROL_PREFIX || path.startsWith(`${CONTROL_PREFIX}/`)) {
    const body = await readBody(req);
    send(res, await runControl(state, control, method, path, query, body, req), requestId);
    return;
  }
  const key = apiKey(req);
  if (typeof key !== 'string') return send(res, errorAnswer(key), requestId);
  const fault = state.faults.pick(path);
  if (fault?.kind === 'timeout') {
    const timer = setTimeout(() => req.socket.destroy(), fault.hangMs);
    req.socket.once('close', () => clearTimeout(timer));
    return;
  }
  const delayMs = fault?.kind === 'slow' ? fault.hangMs : 0;
  if (fault && fault.kind !== 'slow') {
    return send(res, faultAnswer(fault.kind, fault.retryAfterSeconds), requestId);
  }
  const body = await readBody(req);
  const idemKey = header(req, 'idempotency-key');
  const meta: RequestMeta = {
    requestId,
    idempotencyKey: idemKey,
    // Limitation: `Stripe-Account` only marks events with `account`, because objects are not
    // partitioned per connected account; a store keyed by account would scope them.
    account: header(req, 'stripe-account'),
  };
  if (method !== 'POST' || !idemKey) {
    await sleep(delayMs);
    const answer = await runApi(state, api, method, path, query, body, meta);
    return send(res, answer, requestId);
  }
  const scope = `${key}\n${idemKey}`;
  const fingerprint = IdempotencyStore.fingerprint(method, path, body);
  const found = state.idempotency.begin(scope, fingerprint);
  if (found.kind === 'replay') {
    const headers = { 'idempotent-replayed': 'true', 'idempotency-key': idemKey };
    return send(res, { ...found.response, headers }, requestId);
  }
  if (found.kind !== 'fresh') return send(res, idempotencyConflict(found.kind, idemKey));
  await sleep(delayMs);
  const answer = await runApi(state, api, method, path, query, body, meta);
  if (answer.status < 400 || answer.save) {
    state.idempotency.save(scope, { status: answer.status, body: answer.body });
  } else {
    state.idempotency.release(scope);
  }
  send(res, { ...answer, headers: { ...answer.headers, 'idempotency-key': idemKey } }, requestId);
}

async function runApi(
  state: SandboxState,
  api: Router,
  method: string,
  path: string,
  query: string,
  body: string,
  meta: RequestMeta,
): Promise<Answer & { save?: boolean }> {
  try {
    const route = api.match(method, path);
    if (!route) throw unknownRoute(method, path);
    const form = parseForm(body, parseForm(query));
    const expandPaths = readExpand(form.expand);
    const result = await route.handler({ method, path, form, pathParams: route.pathParams, meta });
    return { status: 200, body: JSON.stringify(expand(result, expandPaths, state.store)) };
  } catch (err) {
    if (err instanceof SandboxError) return { ...errorAnswer(err), save: err.saveForIdempotency };
    if (err instanceof FormParseError) return errorAnswer(badForm(err));
    return internalError(err);
  }
}

async function runControl(
  state: SandboxState,
  control: Router,
  method: string,
  path: string,
  query: string,
  body: string,
  req: http.IncomingMessage,
): Promise<Answer> {
  try {
    const route = control.match(method, path);
    if (!route) throw unknownRoute(method, path);
    let form: FormObject = parseForm(query);
    if ((header(req, 'content-type') ?? '').includes('json') && body) {
      form = { ...form, ...jsonObject(body) };
    } else {
      form = parseForm(body, form);
    }
    const meta = { requestId: null, idempotencyKey: null };
    const result = await route.handler({ method, path, form, pathParams: route.pathParams, meta });
    if (result instanceof RawAnswer) return result;
    return { status: 200, body: JSON.stringify(result ?? { ok: true }) };
  } catch (err) {
    if (err instanceof SandboxError) return errorAnswer(err);
    if (err instanceof FormParseError) return errorAnswer(badForm(err));
    return internalError(err);
  }
}

/** JSON control bodies are flattened to strings, like form values, for one set of rules. */
function jsonObject(body: string): FormObject {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new FormParseError('Invalid JSON body');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new FormParseError('The JSON body must be an object');
  }
  const toForm = (v: unknown): FormObject[string] => {
    if (Array.isArray(v)) return v.map(toForm);
    if (v !== null && typeof v === 'object') {
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toForm(x)]));
    }
    return v === null ? '' : String(v);
  };
  return toForm(parsed) as FormObject;
}

function apiKey(req: http.IncomingMessage): string | SandboxError {
  const auth = header(req, 'authorization');
  if (!auth) {
    return authError(
      'You did not provide an API key. You need to provide your API key in the ' +
        "Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY').",
    );
  }
  let key = '';
  if (auth.startsWith('Bearer ')) key = auth.slice(7).trim();
  else if (auth.startsWith('Basic ')) {
    key = Buffer.from(auth.slice(6), 'base64').toString('utf8').split(':')[0];
  }
  if (!TEST_KEY.test(key)) {
    const shown = key.length > 8 ? `${key.slice(0, 8)}${'*'.repeat(8)}` : '********';
    return authError(`Invalid API Key provided: ${shown}`);
  }
  return key;
}

function header(req: http.IncomingMessage, name: string): string | null {
  const v = req.headers[name];
  if (Array.isArray(v)) return v[0] ?? null;
  return v ?? null;
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const collect = (c: Buffer): void => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        reject(
          new SandboxError(413, { type: 'invalid_request_error', message: 'Request too large' }),
        );
        // Discard the rest instead of destroying the socket, so the 413 reaches the caller.
        chunks.length = 0;
        req.off('data', collect);
        req.resume();
        return;
      }
      chunks.push(c);
    };
    req.on('data', collect);
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function sleep(ms: number): Promise<void> {
  return ms > 0 ? new Promise((r) => setTimeout(r, ms)) : Promise.resolve();
}

function errorAnswer(err: SandboxError): Answer {
  return { status: err.status, body: JSON.stringify({ error: err.body }), headers: err.headers };
}

function badForm(err: FormParseError): SandboxError {
  return new SandboxError(400, { type: 'invalid_request_error', message: err.message });
}

function internalError(err: unknown): Answer {
  if (err instanceof SandboxError) return errorAnswer(err);
  const message = 'An unexpected error occurred in the sandbox.';
  process.emitWarning(`sandbox handler failed: ${(err as Error)?.stack ?? String(err)}`);
  return { status: 500, body: JSON.stringify({ error: { type: 'api_error', message } }) };
}

function faultAnswer(kind: 'server_error' | 'rate_limit', retryAfter: number): Answer {
  if (kind === 'rate_limit') {
    const error = {
      type: 'invalid_request_error',
      code: 'rate_limit',
      message: 'Too many requests hit the API too quickly. Please retry with exponential backoff.',
    };
    return {
      status: 429,
      body: JSON.stringify({ error }),
      headers: { 'retry-after': String(retryAfter) },
    };
  }
  const error = {
    type: 'api_error',
    message: 'Something went wrong on our end (injected by the sandbox).',
  };
  return { status: 500, body: JSON.stringify({ error }) };
}

function idempotencyConflict(kind: 'mismatch' | 'in_flight', key: string): Answer {
  if (kind === 'in_flight') {
    const error = {
      type: 'idempotency_error',
      code: 'idempotency_key_in_use',
      message:
        'There is currently another in-progress request using this Idempotency-Key. ' +
        'Retry the request later.',
    };
    return { status: 409, body: JSON.stringify({ error }) };
  }
  const error = {
    type: 'idempotency_error',
    message:
      'Keys for idempotent requests can only be used with the same parameters they were first ' +
      `used with. Try using a key other than '${key}' if you meant to execute a different request.`,
  };
  return { status: 400, body: JSON.stringify({ error }) };
}

function send(res: http.ServerResponse, answer: Answer, requestId?: string): void {
  const headers: Record<string, string> = {
    'content-type': 'application/json; charset=utf-8',
    'stripe-version': '2026-11-18.endive',
    ...answer.headers,
  };
  if (requestId) headers['request-id'] = requestId;
  headers['content-length'] = String(Buffer.byteLength(answer.body));
  res.writeHead(answer.status, headers);
  res.end(answer.body);
}
