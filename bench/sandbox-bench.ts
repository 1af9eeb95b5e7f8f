import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import Stripe from 'stripe';

/**
 * Payment intent create + confirm through the official SDK against the sandbox, which runs in
 * its own process (so its CPU and memory are measured alone).
 *
 *   npx tsx bench/sandbox-bench.ts [--clients 32] [--seconds 20] [--webhooks]
 *                                  [--max-objects 20000]   (also caps idempotency keys)
 *
 * Prints calls/s, per-call p50/p99 (ms), the sandbox's RSS over time and its peak RSS.
 */
interface Options {
  clients: number;
  seconds: number;
  webhooks: boolean;
  maxObjects: number;
}

function parseArgs(argv: string[]): Options {
  const opts: Options = { clients: 32, seconds: 20, webhooks: false, maxObjects: 20000 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--clients') opts.clients = Number(argv[++i]);
    else if (a === '--seconds') opts.seconds = Number(argv[++i]);
    else if (a === '--max-objects') opts.maxObjects = Number(argv[++i]);
    else if (a === '--webhooks') opts.webhooks = true;
    else throw new Error(`Unknown option ${a}`);
  }
  return opts;
}

async function startSandboxProcess(
  maxObjects: number,
): Promise<{ child: ChildProcess; port: number }> {
  const main = path.join(__dirname, '../src/sandbox/main.ts');
  const extra = process.env.SANDBOX_NODE_OPTIONS ? process.env.SANDBOX_NODE_OPTIONS.split(' ') : [];
  const child = spawn(process.execPath, [...extra, '--import', 'tsx', main, '--port', '0'], {
    env: {
      ...process.env,
      SANDBOX_MAX_OBJECTS_PER_KIND: String(maxObjects),
      SANDBOX_MAX_IDEMPOTENCY_KEYS: String(maxObjects),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /listening on http:\/\/[^:]+:(\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`sandbox exited with ${code}`)));
  });
  return { child, port };
}

/** Resident set size now and at its peak, from /proc (Linux). */
function rssOf(pid: number): { rssMb: number; peakMb: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 };
}

/** CPU seconds (user + system) the process has used, from /proc (Linux). */
function cpuSecondsOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function startReceiver(): Promise<{ url: string; close(): void; count(): number }> {
  let n = 0;
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      n++;
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    close: () => {
      server.close();
      server.closeAllConnections();
    },
    count: () => n,
  };
}

async function worker(stripe: Stripe, until: number, latencies: number[]): Promise<number> {
  let ops = 0;
  while (Date.now() < until) {
    let t = performance.now();
    const pi = await stripe.paymentIntents.create({
      amount: 2000,
      currency: 'usd',
      payment_method: 'pm_card_visa',
    });
    latencies.push(performance.now() - t);
    t = performance.now();
    await stripe.paymentIntents.confirm(pi.id);
    latencies.push(performance.now() - t);
    ops++;
  }
  return ops;
}

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  const { child, port } = await startSandboxProcess(opts.maxObjects);
  const receiver = opts.webhooks ? await startReceiver() : null;
  const client = (key: string) =>
    new Stripe(key, { host: '127.0.0.1', port, protocol: 'http', maxNetworkRetries: 0 });
  try {
    if (receiver) {
      await client('sk_test_bench').webhookEndpoints.create({
        url: receiver.url,
        enabled_events: ['*'],
      });
    }
    const warm: number[] = [];
    await worker(client('sk_test_warm'), Date.now() + 1000, warm);
    const single: number[] = [];
    await worker(client('sk_test_single'), Date.now() + 3000, single);
    single.sort((a, b) => a - b);
    const latencies: number[] = [];
    const samples: string[] = [];
    const sampler = setInterval(() => {
      samples.push(rssOf(child.pid!).rssMb.toFixed(0));
    }, 5000);
    const cpuBefore = cpuSecondsOf(child.pid!);
    const started = Date.now();
    const until = started + opts.seconds * 1000;
    const clients = Array.from({ length: opts.clients }, (_, i) => client(`sk_test_bench_${i}`));
    const ops = (await Promise.all(clients.map((c) => worker(c, until, latencies)))).reduce(
      (a, b) => a + b,
      0,
    );
    const elapsed = (Date.now() - started) / 1000;
    const cpu = cpuSecondsOf(child.pid!) - cpuBefore;
    clearInterval(sampler);
    latencies.sort((a, b) => a - b);
    const mem = rssOf(child.pid!);
    const stats = (await (await fetch(`http://127.0.0.1:${port}/_sandbox/stats`)).json()) as {
      objects: Record<string, number>;
      idempotency_keys: number;
      memory: { heap_used: number };
      service_time: { calls: number; p50_ms: number; p99_ms: number };
    };
    const lines = [
      `clients ${opts.clients}, ${elapsed.toFixed(1)} s, webhooks ${opts.webhooks ? 'on' : 'off'}`,
      `payment intents created+confirmed: ${ops} (${(ops / elapsed).toFixed(0)}/s)`,
      `calls/s: ${(latencies.length / elapsed).toFixed(0)}`,
      `per call at ${opts.clients} clients: p50 ${percentile(latencies, 50).toFixed(2)} ms, ` +
        `p99 ${percentile(latencies, 99).toFixed(2)} ms`,
      `per call, one client: p50 ${percentile(single, 50).toFixed(2)} ms, p99 ${percentile(single, 99).toFixed(2)} ms`,
      `sandbox service time per call (last ${stats.service_time.calls}): ` +
        `p50 ${stats.service_time.p50_ms} ms, p99 ${stats.service_time.p99_ms} ms`,
      `sandbox CPU: ${((cpu / elapsed) * 100).toFixed(0)}% of one core, ` +
        `${((cpu / latencies.length) * 1e6).toFixed(0)} µs per call`,
      `sandbox RSS every 5 s (MB): ${samples.join(' ')}`,
      `sandbox RSS now ${mem.rssMb.toFixed(0)} MB, peak ${mem.peakMb.toFixed(0)} MB, ` +
        `heap used ${(stats.memory.heap_used / 2 ** 20).toFixed(0)} MB`,
      `objects held: ${JSON.stringify(stats.objects)}, idempotency keys ${stats.idempotency_keys}`,
    ];
    if (receiver) lines.push(`webhooks received: ${receiver.count()}`);
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    receiver?.close();
    child.kill('SIGTERM');
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
