import { PassThrough } from 'node:stream';
import winston from 'winston';
import { logger, setLogLevel } from '../../src/utils/logger';

export interface LogCapture {
  raw(): string;
  lines(): Record<string, unknown>[];
  stop(): void;
}

/** Collects what the service logger writes, with the console transport muted meanwhile. */
export function captureLogs(level = 'debug'): LogCapture {
  const stream = new PassThrough();
  let raw = '';
  stream.on('data', (chunk: Buffer) => (raw += chunk.toString()));
  const transport = new winston.transports.Stream({ stream });
  const consoles = logger.transports.filter((t) => t instanceof winston.transports.Console);
  for (const c of consoles) c.silent = true;
  logger.add(transport);
  setLogLevel(level);
  return {
    raw: () => raw,
    lines: () =>
      raw
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>),
    stop: () => {
      logger.remove(transport);
      for (const c of consoles) c.silent = false;
      setLogLevel(process.env.LOG_LEVEL ?? 'silent');
    },
  };
}
