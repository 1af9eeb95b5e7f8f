/**
 * The sandbox's notion of "now", in Unix seconds. It follows the wall clock plus an offset that
 * only grows: advancing time is how trials end and subscription periods renew without waiting.
 */
export class SandboxClock {
  private offsetSeconds = 0;
  private pinned: number | null = null;

  now(): number {
    return this.pinned ?? Math.floor(Date.now() / 1000) + this.offsetSeconds;
  }

  /**
   * Runs `fn` with "now" pinned to `at` (never past the real sandbox time), so work that fell
   * due during a time advance is stamped with the moment it was due.
   */
  at<T>(at: number, fn: () => T): T {
    const previous = this.pinned;
    this.pinned = Math.min(at, Math.floor(Date.now() / 1000) + this.offsetSeconds);
    try {
      return fn();
    } finally {
      this.pinned = previous;
    }
  }

  advance(seconds: number): number {
    if (!Number.isInteger(seconds) || seconds < 0) {
      throw new RangeError('seconds must be a non-negative integer');
    }
    this.offsetSeconds += seconds;
    return this.now();
  }

  reset(): void {
    this.offsetSeconds = 0;
  }
}
