import { ConfigError, loadConfig, loadDotEnv, type AppConfig } from './config';
import { startService, type RunningService } from './service';
import { logger, setLogLevel } from './utils/logger';

function banner(config: AppConfig, service: RunningService): string {
  const stripe =
    config.stripeMode === 'sandbox'
      ? `built-in Stripe sandbox at ${service.stripe.sandboxUrl} (webhooks signed and delivered)`
      : `Stripe ${config.stripeMode} mode`;
  const lines = [
    '',
    `Payments service listening on ${service.url}`,
    `  database: ${service.database.mode} (${service.database.description})`,
    `  stripe:   ${stripe}`,
    `  health:   ${service.url}/readyz   API docs: ${service.url}/docs   ops page: ${service.url}/ops`,
  ];
  if (config.ops.metricsTokenGenerated) {
    lines.push(
      `  metrics:  ${service.url}/metrics with Authorization: Bearer ${config.ops.metricsToken}`,
    );
  }
  const keys = service.bootstrapKeys;
  if (keys) {
    lines.push(
      '',
      'First start: two API keys were created. They are shown only now; keep them.',
      `  storefront key (payments, customers): ${keys.storefront}`,
      `  ops key (admin, reports, reviews):     ${keys.ops}`,
      `  try: curl -H "Authorization: Bearer ${keys.storefront}" ${service.url}/v1/payments`,
      '  more keys: npm run cli -- keys create --name NAME --scopes payments:read,payments:write',
    );
  }
  return [...lines, ''].join('\n');
}

async function main(): Promise<void> {
  let config: AppConfig;
  try {
    loadDotEnv();
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`Configuration error: ${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  setLogLevel(config.logLevel);

  const service = await startService(config);
  process.stdout.write(`${banner(config, service)}\n`);
  logger.info('service started', {
    url: service.url,
    database: service.database.mode,
    stripeMode: config.stripeMode,
  });

  const shutdown = (signal: string): void => {
    logger.info('shutdown requested', { signal });
    const force = setTimeout(() => {
      logger.error('shutdown timed out', { timeoutMs: config.shutdownTimeoutMs });
      process.exit(1);
    }, config.shutdownTimeoutMs);
    force.unref();
    service.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error('shutdown failed', { err });
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}

process.on('unhandledRejection', (reason) => {
  logger.error('unhandled rejection', { err: reason });
});

main().catch((err: unknown) => {
  logger.error('start-up failed', { err });
  process.stderr.write(`Start-up failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
