import winston from 'winston';
import { currentContext } from './request-context';
import { redactValue, redactText } from './redact';

const SPLAT = Symbol.for('splat');

/**
 * Redaction happens here, inside the logger, so no call site can forget it: every field and
 * the message pass through redactValue before a line is written.
 */
const redactFormat = winston.format((info) => {
  const context = currentContext();
  if (context && info.requestId === undefined) info.requestId = context.requestId;
  for (const key of Object.keys(info)) {
    if (key === 'level' || key === 'timestamp') continue;
    info[key] = key === 'message' ? redactText(String(info[key])) : redactValue(info[key]);
  }
  delete (info as Record<symbol, unknown>)[SPLAT];
  return info;
});

function buildLogger(level: string): winston.Logger {
  return winston.createLogger({
    level: level === 'silent' ? 'error' : level,
    silent: level === 'silent',
    format: winston.format.combine(
      winston.format.timestamp(),
      redactFormat(),
      winston.format.json(),
    ),
    transports: [new winston.transports.Console({ stderrLevels: [] })],
  });
}

/** The process-wide logger. Messages are fixed strings; details go in fields. */
export const logger = buildLogger(process.env.LOG_LEVEL ?? 'info');

/** Applies the configured level once configuration is loaded. */
export function setLogLevel(level: string): void {
  logger.silent = level === 'silent';
  if (level !== 'silent') logger.level = level;
}
