import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { collectSamples, SDK_TYPES } from './object-samples';
import { startHarness, type Harness } from './sandbox-harness';

/**
 * Fields the sandbox returns that the pinned SDK's types no longer have, kept on purpose:
 * `invoice.payment_intent` (Stripe moved it under `invoice.payments`) is how a subscription's
 * first payment is confirmed with `expand[]=latest_invoice.payment_intent`; and
 * `invoice.subscription`, which Stripe's own example invoice still carries.
 */
const EXTENSIONS: Record<string, string[]> = { invoice: ['payment_intent', 'subscription'] };

function withoutExtensions(kind: string, obj: Record<string, unknown>): Record<string, unknown> {
  const copy = { ...obj };
  for (const f of EXTENSIONS[kind] ?? []) delete copy[f];
  if (kind === 'event') {
    const data = copy.data as { object: Record<string, unknown> };
    const inner = withoutExtensions(String(data.object.object), data.object);
    copy.data = { ...data, object: inner };
  }
  return copy;
}

const FIXTURES = path.join(__dirname, '../fixtures/stripe/openapi-fixtures3.json');
const examples = (
  JSON.parse(readFileSync(FIXTURES, 'utf8')) as { resources: Record<string, object> }
).resources;

let h: Harness;
let samples: Array<[string, Record<string, unknown>]>;
beforeAll(async () => {
  h = await startHarness();
  samples = await collectSamples(h);
});
afterAll(() => h.sandbox.close());

describe("fidelity to Stripe's example objects", () => {
  test('Every kind sampled has an example and an SDK type', () => {
    for (const [kind] of samples) {
      expect({ kind, example: kind in examples }).toEqual({ kind, example: true });
      expect({ kind, type: kind in SDK_TYPES }).toEqual({ kind, type: true });
    }
  });

  test('Every returned object has every top-level field of its example', () => {
    const missing: string[] = [];
    for (const [kind, obj] of samples) {
      for (const field of Object.keys(examples[kind])) {
        if (!(field in obj)) missing.push(`${kind}.${field}`);
      }
    }
    expect(missing).toEqual([]);
  });
});

describe("fidelity to the SDK's types", () => {
  /**
   * Writes each returned object as a literal typed with the SDK's own type and runs the
   * TypeScript checker over it: a wrong type, a missing required field or a field the type
   * does not know (excess property) is a diagnostic.
   */
  test('Every returned object type-checks as the SDK type of its kind', () => {
    const dir = path.join(__dirname, '../../node_modules/.cache/sandbox-type-check');
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, 'samples.ts');
    // Decimal strings on the wire become the SDK's Decimal objects when it parses a response.
    const literal = (obj: unknown) =>
      JSON.stringify(obj, (key, value: unknown) =>
        key.endsWith('_decimal') && typeof value === 'string' ? '__DECIMAL__' : value,
      ).replace(/"__DECIMAL__"/g, 'D');
    const body = samples
      .map(
        ([kind, obj], i) =>
          `export const s${i}: ${SDK_TYPES[kind]} = ${literal(withoutExtensions(kind, obj))};`,
      )
      .join('\n');
    const header = `import type Stripe from 'stripe';\ndeclare const D: ReturnType<typeof Stripe.Decimal.from>;`;
    writeFileSync(file, `${header}\n${body}\n`);
    try {
      const program = ts.createProgram([file], {
        strict: true,
        noEmit: true,
        skipLibCheck: true,
        module: ts.ModuleKind.Node16,
        moduleResolution: ts.ModuleResolutionKind.Node16,
        target: ts.ScriptTarget.ES2022,
        types: [],
      });
      const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => {
        const text = ts.flattenDiagnosticMessageText(d.messageText, '\n');
        const line =
          d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line : -1;
        const kind = line >= 2 ? samples[line - 2]?.[0] : '?';
        return `${kind}: ${text.split('\n').slice(-2).join(' / ')}`;
      });
      expect(diagnostics).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60000);
});
