import { logger } from '../utils/logger';

/** A background loop that polls for work; `tick` resolves with how many items it handled. */
export interface PollingLoop {
  /** Finishes the tick in flight, then stops. */
  stop(): Promise<void>;
  /** True while the loop runs and its last tick succeeded recently. */
  healthy(): boolean;
}

/**
 * Runs `tick` again at once while it finds work, and waits `intervalMs` when it finds none or
 * fails. A failing tick (the database is down) is logged and retried on the next interval.
 */
export function startPollingLoop(
  name: string,
  intervalMs: number,
  tick: () => Promise<number>,
): PollingLoop {
  let stopped = false;
  let lastOkAt = Date.now();
  let wake: (() => void) | undefined;
  const pause = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  const run = async (): Promise<void> => {
    while (!stopped) {
      let handled = 0;
      try {
        handled = await tick();
        lastOkAt = Date.now();
      } catch (err) {
        logger.error('background job tick failed', { job: name, err });
      }
      if (handled === 0 && !stopped) await pause(intervalMs);
    }
  };
  const running = run();
  const staleAfterMs = Math.max(intervalMs * 5, 30_000);

  return {
    async stop() {
      stopped = true;
      wake?.();
      await running;
    },
    healthy: () => !stopped && Date.now() - lastOkAt < staleAfterMs,
  };
}
