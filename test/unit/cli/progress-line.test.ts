import { describe, expect, it } from 'vitest';
import { ProgressLine } from '../../../lambda/cli/progress-line.js';
import { fixedClock } from '../../helpers/fixed-clock.js';

const terminal = (isTTY = true) => {
  const writes: string[] = [];
  return { out: { isTTY, columns: 40, write: (text: string) => writes.push(text) }, writes };
};

describe('ProgressLine', () => {
  it('draws on a terminal at most ten times a second, first and last steps at once', () => {
    // Prepare
    const { out, writes } = terminal();
    const clock = fixedClock(0);
    const line = new ProgressLine(out, { clock });

    // Act
    line.count('exporting', { done: 0, total: 3, bytes: 0, totalBytes: 300 });
    clock.advance(10);
    line.count('exporting', { done: 1, total: 3, bytes: 100, totalBytes: 300 });
    clock.advance(10);
    line.count('exporting', { done: 3, total: 3, bytes: 300, totalBytes: 300 });

    // Assess: the middle step was throttled; the line is cut to the width
    expect(writes).toHaveLength(2);
    expect(writes[0]).toBe('\r\x1b[2Kexporting 0/3 (0 B)');
    expect(writes[1]?.startsWith('\r\x1b[2Kexporting 3/3 (300 B, ')).toBe(true);
    expect(writes[1]?.length).toBeLessThanOrEqual('\r\x1b[2K'.length + 39);
  });

  it('clears itself around other output and draws again after it', () => {
    // Prepare
    const { out, writes } = terminal();
    const line = new ProgressLine(out, { clock: fixedClock(0) });
    line.show('searching 1/2', true);

    // Act
    line.around(() => writes.push('a match\n'));

    // Assess
    expect(writes).toEqual([
      '\r\x1b[2Ksearching 1/2',
      '\r\x1b[2K',
      'a match\n',
      '\r\x1b[2Ksearching 1/2',
    ]);
  });

  it('writes nothing to a pipe, nor when disabled (-q, --json)', () => {
    // Prepare
    const pipe = terminal(false);
    const quiet = terminal(true);

    // Act
    new ProgressLine(pipe.out).show('reading the catalog…', true);
    new ProgressLine(quiet.out, { enabled: false }).show('reading the catalog…', true);

    // Assess
    expect(pipe.writes).toEqual([]);
    expect(quiet.writes).toEqual([]);
  });
});
