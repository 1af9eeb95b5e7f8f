import { DEFAULT_SANDBOX_PORT, SANDBOX_API_VERSION, startSandbox } from './index';

/**
 * Runs the sandbox alone: `npm run sandbox -- --port 12111 --host 127.0.0.1`.
 * Fault options can also come from SANDBOX_FAULT* and SANDBOX_WEBHOOK_* variables;
 * SANDBOX_MAX_OBJECTS_PER_KIND and SANDBOX_MAX_IDEMPOTENCY_KEYS cap memory (default 20000
 * objects of each kind, 20000 keys).
 */
function readArgs(argv: string[]): { port: number; host: string } {
  let port = Number(process.env.SANDBOX_PORT ?? DEFAULT_SANDBOX_PORT);
  let host = process.env.SANDBOX_HOST ?? '127.0.0.1';
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [name, inline] = arg.split('=', 2);
    const value = inline ?? argv[i + 1];
    if (name === '--port') port = Number(value);
    else if (name === '--host') host = value;
    else if (name === '--help' || name === '-h') {
      process.stdout.write('Usage: npm run sandbox -- [--port N] [--host ADDRESS]\n');
      process.exit(0);
    } else {
      throw new Error(`Unknown option: ${arg}`);
    }
    if (inline === undefined) i++;
  }
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`--port must be an integer between 0 and 65535`);
  }
  return { port, host };
}

async function main(): Promise<void> {
  const { port, host } = readArgs(process.argv.slice(2));
  const maxObjects = process.env.SANDBOX_MAX_OBJECTS_PER_KIND;
  const maxKeys = process.env.SANDBOX_MAX_IDEMPOTENCY_KEYS;
  const sandbox = await startSandbox({
    port,
    host,
    env: process.env,
    maxObjectsPerKind: maxObjects ? Number(maxObjects) : undefined,
    maxIdempotencyKeys: maxKeys ? Number(maxKeys) : undefined,
  });
  const lines = [
    `Stripe sandbox listening on ${sandbox.url}`,
    '',
    'Point the official SDK at it (any sk_test_ key works):',
    `  new Stripe('sk_test_sandbox', { host: '${sandbox.host}', port: ${sandbox.port},`,
    `    protocol: 'http', apiVersion: '${SANDBOX_API_VERSION}' })`,
    '',
    `Or curl it: curl ${sandbox.url}/v1/customers -u sk_test_sandbox: -d email=a@example.com`,
    `Sandbox controls (time, faults, 3-D Secure, disputes, onboarding): ${sandbox.url}/_sandbox`,
    '',
  ];
  if (!['127.0.0.1', '::1', 'localhost'].includes(sandbox.host)) {
    lines.push('Warning: /_sandbox controls need no key; keep this port off shared networks.', '');
  }
  process.stdout.write(lines.join('\n'));
  const stop = () => {
    sandbox.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`sandbox failed to start: ${(err as Error).message}\n`);
  process.exit(1);
});
