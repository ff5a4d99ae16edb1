import type { Writable } from 'node:stream';
import { formatBytes } from '../config/units.js';
import type { RunProgress } from '../engine/run-options.js';

const WIDTH = 28;

/**
 * A one-line progress bar on a terminal: redrawn in place at most ten times a second. Log lines
 * go through `around` so they print above the bar instead of through it.
 */
export class ProgressBar {
  #last = 0;
  #line = '';
  #started = Date.now();

  constructor(private readonly out: Writable & { columns?: number }) {}

  update(progress: RunProgress): void {
    if (progress.phase !== 'fetch' || progress.total === 0) return;
    const now = Date.now();
    if (now - this.#last < 100 && progress.done < progress.total) return;
    this.#last = now;
    const ratio = Math.min(1, progress.done / progress.total);
    const filled = Math.round(ratio * WIDTH);
    const seconds = Math.max(0.001, (now - this.#started) / 1000);
    const rate = `${formatBytes(progress.bytes / seconds)}/s`;
    const text = `fetching [${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}] ${progress.done}/${progress.total} · ${formatBytes(progress.bytes)} · ${rate}`;
    this.#draw(text.slice(0, Math.max(20, (this.out.columns ?? 80) - 1)));
  }

  /** Runs `write` with the bar cleared, then redraws it. */
  around(write: () => void): void {
    const line = this.#line;
    this.clear();
    write();
    if (line) this.#draw(line);
  }

  clear(): void {
    if (this.#line) this.out.write('\r\x1b[2K');
    this.#line = '';
  }

  #draw(text: string): void {
    this.out.write(`\r\x1b[2K${text}`);
    this.#line = text;
  }
}
