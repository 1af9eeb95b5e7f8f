import type { RequestHandler } from 'express';
import type { RouteSpec } from './route-table';

/** A dependency the service needs to take traffic; throws or resolves false when failing. */
export type ReadinessCheck = () => Promise<boolean | void>;

export function healthRoutes(checks: Record<string, ReadinessCheck>): RouteSpec[] {
  const healthz: RequestHandler = (_req, res) => {
    res.json({ status: 'ok' });
  };
  const readyz: RequestHandler = async (_req, res) => {
    const results: Record<string, 'ok' | 'failing'> = {};
    await Promise.all(
      Object.entries(checks).map(async ([name, check]) => {
        const ok = await withTimeout(check(), 2000).then(
          (value) => value !== false,
          () => false,
        );
        results[name] = ok ? 'ok' : 'failing';
      }),
    );
    const ready = Object.values(results).every((r) => r === 'ok');
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not_ready', checks: results });
  };
  return [
    { method: 'get', path: '/healthz', handlers: [healthz] },
    { method: 'get', path: '/readyz', handlers: [readyz] },
  ];
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timed out')), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (err: unknown) => {
        clearTimeout(timer);
        reject(err instanceof Error ? err : new Error(String(err)));
      },
    );
  });
}
