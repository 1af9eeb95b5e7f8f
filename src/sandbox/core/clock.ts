/**
 * The sandbox's notion of "now", in Unix seconds. It follows the wall clock plus an offset that
 * only grows: advancing time is how trials end and subscription periods renew without waiting.
 */
export class SandboxClock {
  private offsetSeconds = 0;

  now(): number {
    return Math.floor(Date.now() / 1000) + this.offsetSeconds;
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
