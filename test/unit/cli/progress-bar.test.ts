import { describe, expect, it } from 'vitest';
import { ProgressBar, type ProgressOutput } from '../../../lambda/cli/output/progress-bar.js';
import { formatEta } from '../../../lambda/cli/output/smoothed-rate.js';
import type { RunProgress } from '../../../lambda/engine/run-options.js';
import { fixedClock } from '../../helpers/fixed-clock.js';

const CLEAR = '\r\x1b[2K';
const MiB = 1024 * 1024;

/** A terminal as the bar sees it: its width, isTTY, and every write kept. */
const fakeTerminal = (columns = 100, isTTY = true) => {
  const writes: string[] = [];
  const out: ProgressOutput = { isTTY, columns, write: (text: string) => writes.push(text) };
  /** The lines drawn, in order ('' for a clear). */
  const frames = () =>
    writes.map((text) => (text.startsWith(CLEAR) ? text.slice(CLEAR.length) : `<${text}>`));
  return { out, writes, frames };
};

const fetch = (
  done: number,
  bytes: number,
  plan: { total: number; totalBytes: number; waiting: number },
): RunProgress => ({ phase: 'fetch', done, bytes, ...plan });

describe('ProgressBar', () => {
  it('draws connect, login, list, fetch with a bytes-based ETA, send, and clears when done', () => {
    // Prepare
    const clock = fixedClock(0);
    const terminal = fakeTerminal();
    const bar = new ProgressBar(terminal.out, clock);
    const plan = { total: 4, totalBytes: 4 * MiB, waiting: 4 };

    // Act: 1 MiB a second, one message a second; two sends, one during the fetch
    bar.update({ phase: 'connect', host: 'pop.example.net', port: 995 });
    clock.advance(800);
    bar.update({ phase: 'login' });
    clock.advance(800);
    bar.update({ phase: 'list' });
    clock.advance(300);
    bar.update(fetch(0, 0, plan));
    for (let n = 1; n <= 4; n += 1) {
      clock.advance(1000);
      bar.update(fetch(n, n * MiB, plan));
      if (n === 2) bar.update({ phase: 'send', done: 0, total: 1 });
    }
    bar.update({ phase: 'delete', total: 4 });
    bar.update({ phase: 'finish' });
    clock.advance(500);
    bar.update({ phase: 'send', done: 1, total: 2 });
    clock.advance(500);
    bar.update({ phase: 'send', done: 2, total: 2 });
    bar.update({ phase: 'done' });

    // Assess: exact frames; the send during the fetch did not take the line
    expect(terminal.frames()).toEqual([
      'connecting to pop.example.net:995…',
      'logging in…',
      'listing…',
      'fetching 0/4 (0 B)',
      'fetching 1/4 (1.0 MiB, 1.0 MiB/s, ETA 0:03)',
      'fetching 2/4 (2.0 MiB, 1.0 MiB/s, ETA 0:02)',
      'fetching 3/4 (3.0 MiB, 1.0 MiB/s, ETA 0:01)',
      'fetching 4/4 (4.0 MiB, 1.0 MiB/s, ETA 0:00)',
      'deleting 4…',
      'sending 0/1',
      'sending 1/2',
      'sending 2/2',
      '',
    ]);
    expect(terminal.writes.at(-1)).toBe(CLEAR);
  });

  it('counts against what this run fetches and shows the new mail a limit leaves for later', () => {
    // Prepare: 508 new, the run's limit takes 500
    const clock = fixedClock(0);
    const terminal = fakeTerminal(120);
    const bar = new ProgressBar(terminal.out, clock);
    const plan = { total: 500, totalBytes: 500 * 100 * 1024, waiting: 508 };

    // Act
    bar.update(fetch(0, 0, plan));
    clock.advance(2000);
    bar.update(fetch(37, 37 * 100 * 1024, plan));

    // Assess: 37 of 500, 463 × 100 KiB to go at 1.8 MiB/s
    expect(terminal.frames()).toEqual([
      'fetching 0/500 of 508 new (0 B); the rest next run',
      'fetching 37/500 of 508 new (3.6 MiB, 1.8 MiB/s, ETA 0:26); the rest next run',
    ]);
  });

  it('says nothing about a limit when the run fetches all the new mail', () => {
    const terminal = fakeTerminal();
    const bar = new ProgressBar(terminal.out, fixedClock(0));

    bar.update(fetch(0, 0, { total: 508, totalBytes: 508, waiting: 508 }));

    expect(terminal.frames()).toEqual(['fetching 0/508 (0 B)']);
  });

  it('draws at most ten frames a second, and always the last step of a phase', () => {
    // Prepare
    const clock = fixedClock(0);
    const terminal = fakeTerminal();
    const bar = new ProgressBar(terminal.out, clock);
    const plan = { total: 50, totalBytes: 50 * 1024, waiting: 50 };
    bar.update(fetch(0, 0, plan));

    // Act: a message every 30 ms
    for (let n = 1; n <= 50; n += 1) {
      clock.advance(30);
      bar.update(fetch(n, n * 1024, plan));
    }

    // Assess: 1.5 s of updates, frames at 0, 120, 240, … ms and the 50th
    const frames = terminal.frames();
    expect(frames.map((frame) => frame.match(/^fetching (\d+)\//)?.[1])).toEqual([
      '0',
      '4',
      '8',
      '12',
      '16',
      '20',
      '24',
      '28',
      '32',
      '36',
      '40',
      '44',
      '48',
      '50',
    ]);
    expect(frames).toHaveLength(14);
  });

  it('draws a frame once when the same text comes again', () => {
    const terminal = fakeTerminal();
    const bar = new ProgressBar(terminal.out, fixedClock(0));

    bar.update({ phase: 'finish' });
    bar.update({ phase: 'send', done: 2, total: 2 });
    bar.update({ phase: 'send', done: 2, total: 2 });

    expect(terminal.frames()).toEqual(['finishing…', 'sending 2/2']);
  });

  it('smooths the rate: one fast message moves the ETA a little, not to the burst rate', () => {
    // Prepare: 10 s at 1 MiB/s of a 100 MiB fetch
    const clock = fixedClock(0);
    const terminal = fakeTerminal();
    const bar = new ProgressBar(terminal.out, clock);
    const plan = { total: 100, totalBytes: 100 * MiB, waiting: 100 };
    bar.update(fetch(0, 0, plan));
    for (let n = 1; n <= 10; n += 1) {
      clock.advance(1000);
      bar.update(fetch(n, n * MiB, plan));
    }

    // Act: the next MiB arrives in 200 ms (5 MiB/s for a moment)
    clock.advance(200);
    bar.update(fetch(11, 11 * MiB, plan));

    // Assess: 1 + (1 − e^(−0.04)) × 4 ≈ 1.16 MiB/s, 89 MiB left ≈ 1:17 (at the burst rate: 0:18)
    expect(terminal.frames().at(-1)).toBe('fetching 11/100 (11 MiB, 1.2 MiB/s, ETA 1:17)');
  });

  it('clears the line before a log line and redraws it after', () => {
    // Prepare
    const terminal = fakeTerminal();
    const bar = new ProgressBar(terminal.out, fixedClock(0));
    bar.update({ phase: 'list' });

    // Act
    bar.around(() => terminal.out.write('12:00:01 warn  DELE refused\n'));

    // Assess
    expect(terminal.writes).toEqual([
      `${CLEAR}listing…`,
      CLEAR,
      '12:00:01 warn  DELE refused\n',
      `${CLEAR}listing…`,
    ]);
  });

  it('redraws the newest text after a log line, even one the throttle held back', () => {
    const clock = fixedClock(0);
    const terminal = fakeTerminal();
    const bar = new ProgressBar(terminal.out, clock);
    const plan = { total: 3, totalBytes: 3, waiting: 3 };
    bar.update(fetch(0, 0, plan));
    clock.advance(10);
    bar.update(fetch(1, 1, plan));

    bar.around(() => terminal.out.write('line\n'));

    expect(terminal.frames()).toEqual([
      'fetching 0/3 (0 B)',
      '',
      '<line\n>',
      'fetching 1/3 (1 B, 100 B/s, ETA 0:01)',
    ]);
  });

  it('cuts the line to the width of the terminal', () => {
    const terminal = fakeTerminal(30);
    const bar = new ProgressBar(terminal.out, fixedClock(0));

    bar.update({ phase: 'connect', host: 'a-very-long-host-name.mail.example.net', port: 995 });

    const [frame] = terminal.frames();
    expect(frame).toBe('connecting to a-very-long-ho…');
    expect(frame).toHaveLength(29);
  });

  it('writes nothing at all when the output is not a terminal, and log lines pass as they are', () => {
    // Prepare
    const clock = fixedClock(0);
    const terminal = fakeTerminal(100, false);
    const bar = new ProgressBar(terminal.out, clock);
    const plan = { total: 2, totalBytes: 2, waiting: 5 };

    // Act: a whole run's events with a log line in the middle
    bar.update({ phase: 'connect', host: 'localhost', port: 110 });
    bar.update({ phase: 'login' });
    bar.update({ phase: 'list' });
    bar.update(fetch(0, 0, plan));
    clock.advance(1000);
    bar.update(fetch(1, 1, plan));
    bar.around(() => terminal.out.write('12:00:01 warn  something\n'));
    bar.update(fetch(2, 2, plan));
    bar.update({ phase: 'finish' });
    bar.update({ phase: 'send', done: 1, total: 1 });
    bar.update({ phase: 'done' });
    bar.clear();

    // Assess
    expect(terminal.writes).toEqual(['12:00:01 warn  something\n']);
  });

  it('shows "finishing…" after the session when nothing is left to send', () => {
    const terminal = fakeTerminal();
    const bar = new ProgressBar(terminal.out, fixedClock(0));

    bar.update({ phase: 'list' });
    bar.update(fetch(0, 0, { total: 0, totalBytes: 0, waiting: 0 }));
    bar.update({ phase: 'finish' });

    expect(terminal.frames()).toEqual(['listing…', 'finishing…']);
  });
});

describe('formatEta', () => {
  it('rounds up to whole seconds and adds hours when needed', () => {
    expect([0, 0.2, 41, 59.5, 61, 725, 3723, Number.POSITIVE_INFINITY].map(formatEta)).toEqual([
      '0:00',
      '0:01',
      '0:41',
      '1:00',
      '1:01',
      '12:05',
      '1:02:03',
      '0:00',
    ]);
  });
});
