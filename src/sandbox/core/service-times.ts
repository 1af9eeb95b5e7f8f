/**
 * How long the sandbox spends on each API call, from request to last byte written, over the
 * last `size` calls: the latency the sandbox adds, without the client's or network's share.
 */
export class ServiceTimes {
  private readonly samples: Float64Array;
  private next = 0;
  private filled = 0;

  constructor(size = 8192) {
    this.samples = new Float64Array(size);
  }

  record(ms: number): void {
    this.samples[this.next] = ms;
    this.next = (this.next + 1) % this.samples.length;
    this.filled = Math.min(this.filled + 1, this.samples.length);
  }

  summary(): { calls: number; p50_ms: number | null; p99_ms: number | null } {
    if (this.filled === 0) return { calls: 0, p50_ms: null, p99_ms: null };
    const sorted = Array.from(this.samples.subarray(0, this.filled)).sort((a, b) => a - b);
    const at = (p: number) => Number(sorted[Math.floor(p * (sorted.length - 1))].toFixed(3));
    return { calls: this.filled, p50_ms: at(0.5), p99_ms: at(0.99) };
  }
}
