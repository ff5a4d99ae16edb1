import { type Clock, systemClock } from '../../clock.js';
import type { RunProgress } from '../../engine/run-options.js';
import { formatBytes } from '../../units.js';
import { formatEta, SmoothedRate } from './smoothed-rate.js';

/** What the bar draws on: a terminal (stderr) or a test's stand-in for one. */
export interface ProgressOutput {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

/** At most ten frames a second: a fast fetch must not spend its time redrawing. */
const FRAME_MS = 100;
const CLEAR = '\r\x1b[2K';

type SendProgress = Extract<RunProgress, { phase: 'send' }>;
type FetchProgress = Extract<RunProgress, { phase: 'fetch' }>;

const fetchLine = (progress: FetchProgress, rate: number | null): string => {
  const { done, total, waiting, bytes, totalBytes } = progress;
  const cut = total < waiting;
  const speed =
    rate === null
      ? ''
      : `, ${formatBytes(rate)}/s, ETA ${formatEta(Math.max(0, totalBytes - bytes) / rate)}`;
  return `fetching ${done}/${total}${cut ? ` of ${waiting} new` : ''} (${formatBytes(bytes)}${speed})${cut ? '; the rest next run' : ''}`;
};

/**
 * One status line on a terminal, redrawn in place: connecting, logging in, listing, fetching
 * (with a bytes-based ETA), deleting, sending. Log lines go through `around`, which clears the
 * line, prints them and redraws it. On anything but a terminal it writes nothing at all.
 */
export class ProgressBar {
  readonly #out: ProgressOutput;
  readonly #clock: Clock;
  readonly #enabled: boolean;
  readonly #rate = new SmoothedRate();
  /** What the run is doing in front; sends also run during the fetch and show after it. */
  #phase: RunProgress['phase'] | null = null;
  #send: SendProgress | null = null;
  #lastFrame = Number.NEGATIVE_INFINITY;
  /** The text on screen now ('' when cleared). */
  #shown = '';
  /** The newest text, drawn or held back by the throttle. */
  #latest = '';
  /** The text last drawn, before it was cut to the width. */
  #drawn = '';

  constructor(out: ProgressOutput, clock: Clock = systemClock) {
    this.#out = out;
    this.#clock = clock;
    this.#enabled = out.isTTY === true;
  }

  update(progress: RunProgress): void {
    const now = this.#clock.now();
    const changed = progress.phase !== this.#phase && progress.phase !== 'send';
    switch (progress.phase) {
      case 'fetch':
        this.#rate.sample(now, progress.bytes);
        break;
      case 'send':
        this.#send = progress;
        // Sends during the fetch count, but the fetch keeps the line until it is over.
        if (this.#phase !== null && this.#phase !== 'finish') return;
        break;
      case 'done':
        this.#phase = 'done';
        this.#latest = '';
        this.clear();
        return;
    }
    if (progress.phase !== 'send') this.#phase = progress.phase;
    const text = this.#text(progress);
    if (text === null) return;
    this.#latest = text;
    // Two messages that finish together report the same count: one frame is enough.
    if (text === this.#drawn) return;
    // A new phase, or the last step of one, is drawn at once; the steps between are throttled.
    const last = 'done' in progress && progress.done >= progress.total;
    if (!changed && !last && now - this.#lastFrame < FRAME_MS) return;
    this.#lastFrame = now;
    this.#draw(text);
  }

  /** Runs `write` with the line cleared, then redraws it (with the newest text). */
  around(write: () => void): void {
    const shown = this.#shown;
    this.clear();
    write();
    if (shown) this.#draw(this.#latest);
  }

  clear(): void {
    if (this.#shown) this.#out.write(CLEAR);
    this.#shown = '';
    this.#drawn = '';
  }

  #text(progress: RunProgress): string | null {
    switch (progress.phase) {
      case 'connect':
        return `connecting to ${progress.host}:${progress.port}…`;
      case 'login':
        return 'logging in…';
      case 'list':
        return 'listing…';
      case 'fetch':
        // Nothing new to fetch (the run only deletes or sends): the line stays as it is.
        return progress.waiting === 0 ? null : fetchLine(progress, this.#rate.perSecond);
      case 'delete':
        return `deleting ${progress.total}…`;
      default: {
        const send = this.#send;
        return send && send.total > 0 ? `sending ${send.done}/${send.total}` : 'finishing…';
      }
    }
  }

  #draw(text: string): void {
    if (!this.#enabled) return;
    // One column short of the width: a line that fills it wraps on some terminals.
    const width = Math.max(10, (this.#out.columns ?? 80) - 1);
    const line = text.length > width ? `${text.slice(0, width - 1)}…` : text;
    this.#out.write(`${CLEAR}${line}`);
    this.#shown = line;
    this.#drawn = text;
  }
}
