import type { FormObject } from './form-parser';
import type { RequestMeta } from '../events/event-log';

/** What a route handler receives. */
export interface RouteContext {
  method: string;
  path: string;
  /** Decoded form (or JSON, on control routes) parameters, query and body merged. */
  form: FormObject;
  /** `:name` segments of the route. */
  pathParams: Record<string, string>;
  meta: RequestMeta;
}

export type Handler = (ctx: RouteContext) => unknown | Promise<unknown>;

interface Route {
  segments: string[];
  handler: Handler;
}

/** A small exact-segment router: `/v1/payment_intents/:id/confirm`. */
export class Router {
  private readonly routes = new Map<string, Route[]>();

  on(method: string, pattern: string, handler: Handler): void {
    const list = this.routes.get(method) ?? [];
    list.push({ segments: pattern.split('/').filter(Boolean), handler });
    this.routes.set(method, list);
  }

  match(
    method: string,
    path: string,
  ): { handler: Handler; pathParams: Record<string, string> } | null {
    const parts = path.split('/').filter(Boolean);
    for (const route of this.routes.get(method) ?? []) {
      if (route.segments.length !== parts.length) continue;
      const pathParams: Record<string, string> = {};
      let ok = true;
      for (let i = 0; i < parts.length && ok; i++) {
        const seg = route.segments[i];
        if (seg.startsWith(':')) {
          const value = decodeSegment(parts[i]);
          if (value === undefined) ok = false;
          else pathParams[seg.slice(1)] = value;
        } else ok = seg === parts[i];
      }
      if (ok) return { handler: route.handler, pathParams };
    }
    return null;
  }

  /** True when some other method serves this path (for a 405-style answer). */
  knows(path: string): boolean {
    for (const method of this.routes.keys()) if (this.match(method, path)) return true;
    return false;
  }
}

/** A path segment decoded, or undefined when its percent-escapes are broken (no such URL). */
function decodeSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}
