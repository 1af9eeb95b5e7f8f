import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const running = new Set<ChildProcess>();

/** Kills every service a test started and did not stop (a failed or timed-out test). */
export function killAllSpawned(): void {
  for (const child of running) child.kill('SIGKILL');
  running.clear();
}

export interface SpawnedService {
  url: string;
  child: ChildProcess;
  output(): string;
  /** Sends SIGTERM and resolves with the exit code. */
  stop(): Promise<number | null>;
}

/**
 * Runs `src/server.ts` as a real process, exactly as `npm start` does (`node --import tsx`, one
 * process, so SIGTERM reaches the service itself), and waits for its banner.
 */
/**
 * The child runs as a user's `npm start` would: without the test run's DATABASE_URL and
 * NODE_ENV unless the test passes them.
 */
function startEntryPoint(env: Record<string, string>): ChildProcess {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, PORT: '0', LOG_LEVEL: 'info' };
  delete childEnv.DATABASE_URL;
  delete childEnv.NODE_ENV;
  return spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: ROOT,
    env: { ...childEnv, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

export async function spawnService(
  env: Record<string, string>,
  timeoutMs = 60_000,
): Promise<SpawnedService> {
  const child = startEntryPoint(env);
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );

  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`service did not start:\n${out}`)), timeoutMs);
    const poll = setInterval(() => {
      const match = /listening on (http:\/\/[\d.]+:\d+)/.exec(out);
      if (match) {
        clearInterval(poll);
        clearTimeout(timer);
        resolve(match[1]!);
      }
    }, 50);
    void exited.then((code) => {
      clearInterval(poll);
      clearTimeout(timer);
      reject(new Error(`service exited with ${code}:\n${out}`));
    });
  });
  return {
    url,
    child,
    output: () => out,
    stop: async () => {
      child.kill('SIGTERM');
      return exited;
    },
  };
}

/** Runs the entry point expecting it to fail; resolves with its exit code and output. */
export function runServiceExpectingExit(
  env: Record<string, string>,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = startEntryPoint(env);
    let out = '';
    child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
    child.once('exit', (code) => resolve({ code, output: out }));
  });
}
