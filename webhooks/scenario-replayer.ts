import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';

/** One request of a Stripe CLI trigger scenario. */
export interface FixtureStep {
  name: string;
  path: string;
  method: 'get' | 'post' | 'delete';
  params?: Record<string, unknown>;
  expected_error_type?: string;
}

export interface Scenario {
  event: string;
  aliases: string[];
  steps: FixtureStep[];
}

export class ScenarioError extends Error {}

export const TRIGGERS_DIR = path.join(__dirname, 'triggers');

export function listScenarios(dir = TRIGGERS_DIR): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -'.json'.length))
    .sort();
}

export function loadScenario(event: string, dir = TRIGGERS_DIR): Scenario {
  if (!/^[a-z_.]+$/.test(event)) throw new ScenarioError(`Not an event name: ${event}`);
  let raw: string;
  try {
    raw = readFileSync(path.join(dir, `${event}.json`), 'utf8');
  } catch {
    throw new ScenarioError(
      `No trigger scenario for ${event}; known: ${listScenarios(dir).join(', ')}`,
    );
  }
  const parsed = JSON.parse(raw) as {
    _meta?: { aliases?: string[] };
    fixtures?: FixtureStep[];
  };
  if (!Array.isArray(parsed.fixtures) || parsed.fixtures.length === 0) {
    throw new ScenarioError(`Scenario ${event} has no fixtures`);
  }
  return { event, aliases: parsed._meta?.aliases ?? [], steps: parsed.fixtures };
}

type Responses = Record<string, unknown>;

/** Replaces `${name:field.path}` with that field of an earlier response; fails loudly. */
export function resolveRefs(value: string, responses: Responses): string {
  return value.replace(/\$\{([^}:]+):([^}]+)\}/g, (_, name: string, field: string) => {
    if (!(name in responses)) {
      throw new ScenarioError(`Reference to ${name}, which no earlier step produced`);
    }
    let node: unknown = responses[name];
    for (const part of field.split('.')) {
      if (node === null || typeof node !== 'object') node = undefined;
      else node = (node as Record<string, unknown>)[part];
    }
    if (node === undefined || node === null || typeof node === 'object') {
      throw new ScenarioError(`Reference \${${name}:${field}} does not name a value`);
    }
    return String(node);
  });
}

/** Stripe form encoding of nested params: `a[b]=1`, `items[0][price]=p`. */
export function encodeForm(params: Record<string, unknown>, responses: Responses): string {
  const pairs: string[] = [];
  const add = (key: string, value: unknown): void => {
    if (Array.isArray(value)) value.forEach((v, i) => add(`${key}[${i}]`, v));
    else if (value !== null && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) add(`${key}[${k}]`, v);
    } else {
      const text = resolveRefs(String(value), responses);
      pairs.push(`${encodeURIComponent(key)}=${encodeURIComponent(text)}`);
    }
  };
  for (const [k, v] of Object.entries(params)) add(k, v);
  return pairs.join('&');
}

export interface ReplayOptions {
  apiBase: string;
  apiKey: string;
}

export interface StepResult {
  name: string;
  status: number;
  body: Record<string, unknown>;
}

/** Runs every step in order; a step that fails unexpectedly stops the scenario loudly. */
export async function replay(scenario: Scenario, opts: ReplayOptions): Promise<StepResult[]> {
  const responses: Responses = {};
  const results: StepResult[] = [];
  for (const step of scenario.steps) {
    const method = step.method.toUpperCase();
    const body = step.params ? encodeForm(step.params, responses) : '';
    const url = `${opts.apiBase}${resolveRefs(step.path, responses)}`;
    const res = await fetch(method === 'GET' && body ? `${url}?${body}` : url, {
      method,
      headers: {
        authorization: `Bearer ${opts.apiKey}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: method === 'GET' ? undefined : body,
    });
    const json = (await res.json()) as Record<string, unknown>;
    results.push({ name: step.name, status: res.status, body: json });
    const errorType = (json.error as { type?: string } | undefined)?.type;
    if (step.expected_error_type) {
      if (errorType !== step.expected_error_type) {
        throw new ScenarioError(
          `Step ${step.name} should fail with ${step.expected_error_type}, got ${res.status}`,
        );
      }
      continue;
    }
    if (!res.ok) {
      const message = (json.error as { message?: string } | undefined)?.message ?? '';
      throw new ScenarioError(`Step ${step.name} failed with ${res.status}: ${message}`);
    }
    responses[step.name] = json;
  }
  return results;
}

/** The id of the newest event so far, to find only the events a replay caused. */
export async function newestEventId(opts: ReplayOptions): Promise<string | null> {
  const res = await fetch(`${opts.apiBase}/v1/events?limit=1`, {
    headers: { authorization: `Bearer ${opts.apiKey}` },
  });
  const list = (await res.json()) as { data?: Array<{ id: string }> };
  return list.data?.[0]?.id ?? null;
}

/** Events of the scenario's type (or an alias) recorded after `sinceEventId`. */
export async function eventsSince(
  scenario: Scenario,
  sinceEventId: string | null,
  opts: ReplayOptions,
): Promise<Array<{ id: string; type: string }>> {
  const types = [scenario.event, ...scenario.aliases];
  const found: Array<{ id: string; type: string }> = [];
  let cursor = sinceEventId;
  for (let page = 0; page < 50; page++) {
    const query = cursor ? `&ending_before=${cursor}` : '';
    const res = await fetch(`${opts.apiBase}/v1/events?limit=100${query}`, {
      headers: { authorization: `Bearer ${opts.apiKey}` },
    });
    const list = (await res.json()) as {
      data: Array<{ id: string; type: string }>;
      has_more: boolean;
    };
    found.push(...list.data.filter((e) => types.includes(e.type)));
    if (!list.has_more || list.data.length === 0 || !sinceEventId) break;
    cursor = list.data[0].id;
  }
  return found;
}
