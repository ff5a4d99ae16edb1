import { type Clock, systemClock } from '../clock.js';
import { formatBytes } from '../units.js';
import type { ProgressOutput } from './output/progress-bar.js';
import { formatEta, SmoothedRate } from './output/smoothed-rate.js';

/** At most ten frames a second, as the run's progress bar. */
const FRAME_MS = 100;
const CLEAR = '\r\x1b[2K';

/**
 * One redrawn status line for the archive commands (reading the catalog, searching, exporting,
 * verifying) on a terminal's stderr; nothing at all anywhere else (a pipe, a file, cron) or
 * with -q / --json. Output on stdout goes through `around` so the line never mixes with it.
 */
export class ProgressLine {
  readonly #out: ProgressOutput;
  readonly #clock: Clock;
  readonly #enabled: boolean;
  readonly #rate = new SmoothedRate();
  #lastFrame = Number.NEGATIVE_INFINITY;
  #shown = '';
  #latest = '';

  constructor(out: ProgressOutput, options: { enabled?: boolean; clock?: Clock } = {}) {
    this.#out = out;
    this.#clock = options.clock ?? systemClock;
    this.#enabled = out.isTTY === true && options.enabled !== false;
  }

  /** Shows `text`; throttled unless `now` (a first or last step). */
  show(text: string, now = false): void {
    if (!this.#enabled) return;
    this.#latest = text;
    const time = this.#clock.now();
    if (!now && time - this.#lastFrame < FRAME_MS) return;
    this.#lastFrame = time;
    this.#draw(text);
  }

  /**
   * `verb done/total (bytes, rate, ETA)`: the rate and ETA from the bytes, smoothed.
   * `extra` goes after the count, e.g. "3 found".
   */
  count(
    verb: string,
    progress: { done: number; total: number; bytes: number; totalBytes: number },
    extra = '',
  ): void {
    if (!this.#enabled) return;
    this.#rate.sample(this.#clock.now(), progress.bytes);
    const rate = this.#rate.perSecond;
    const speed =
      rate === null
        ? ''
        : `, ${formatBytes(rate)}/s, ETA ${formatEta((progress.totalBytes - progress.bytes) / rate)}`;
    const found = extra ? `, ${extra}` : '';
    this.show(
      `${verb} ${progress.done}/${progress.total} (${formatBytes(progress.bytes)}${speed}${found})`,
      progress.done === 0 || progress.done >= progress.total,
    );
  }

  /** Runs `write` with the line cleared, then draws it again. */
  around(write: () => void): void {
    const shown = this.#shown;
    this.clear();
    write();
    if (shown) this.#draw(this.#latest);
  }

  clear(): void {
    if (this.#shown) this.#out.write(CLEAR);
    this.#shown = '';
  }

  #draw(text: string): void {
    // One column short of the width: a line that fills it wraps on some terminals.
    const width = Math.max(10, (this.#out.columns ?? 80) - 1);
    const line = text.length > width ? `${text.slice(0, width - 1)}…` : text;
    this.#out.write(`${CLEAR}${line}`);
    this.#shown = line;
  }
}
