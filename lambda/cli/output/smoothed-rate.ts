/** How fast the smoothed rate follows a change: about 63 % of a step within this time. */
const TIME_CONSTANT_MS = 5_000;

/**
 * A transfer rate smoothed exponentially over time, so one fast or slow message does not make
 * the ETA jump. Samples are (time, running total); samples at the same instant merge.
 */
export class SmoothedRate {
  #at: number | null = null;
  #total = 0;
  #rate: number | null = null;

  sample(now: number, total: number): void {
    if (this.#at === null || total < this.#total) {
      // The first sample (or a restart) only sets the origin.
      this.#at = now;
      this.#total = total;
      return;
    }
    const elapsed = now - this.#at;
    if (elapsed <= 0) return;
    const instant = ((total - this.#total) * 1000) / elapsed;
    const weight = 1 - Math.exp(-elapsed / TIME_CONSTANT_MS);
    this.#rate = this.#rate === null ? instant : this.#rate + weight * (instant - this.#rate);
    this.#at = now;
    this.#total = total;
  }

  /** Units per second; null until two samples are apart in time, or while nothing moves. */
  get perSecond(): number | null {
    return this.#rate && this.#rate > 0 ? this.#rate : null;
  }
}

/** `0:41`, `12:05`, `1:02:03`: whole seconds, rounded up. */
export const formatEta = (seconds: number): string => {
  const total = Math.ceil(Number.isFinite(seconds) ? Math.max(0, seconds) : 0);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
};
