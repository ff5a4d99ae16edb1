import { describe, expect, it } from 'vitest';
import {
  EXIT,
  EXIT_MEANINGS,
  EXIT_SEVERITY,
  type ExitCode,
  worstExitCode,
} from '../../../lambda/cli/exit-codes.js';
import { mainHelp } from '../../../lambda/cli/help.js';

const ALL = Object.keys(EXIT_MEANINGS).map(Number) as ExitCode[];

describe('worstExitCode', () => {
  it('is 0 for no mailbox and for mailboxes that are all fine', () => {
    expect(worstExitCode([])).toBe(0);
    expect(worstExitCode([0, 0, 0])).toBe(0);
  });

  it('orders the codes 130 > 2 > 3 > 1 > 4 > 5 > 0', () => {
    const order: ExitCode[] = [130, 2, 3, 1, 4, 5, 0];
    for (const [index, worse] of order.entries()) {
      for (const better of order.slice(index + 1)) {
        expect(worstExitCode([better, worse]), `${worse} over ${better}`).toBe(worse);
        expect(worstExitCode([worse, better]), `${worse} over ${better}, other order`).toBe(worse);
      }
    }
  });

  it('ranks every exit code the table knows (none falls through as "better than 0")', () => {
    for (const code of ALL) {
      expect(worstExitCode([EXIT.ok, code])).toBe(code);
      expect(worstExitCode([code, EXIT.interrupted])).toBe(EXIT.interrupted);
    }
  });

  it('the order lists every exit code once, and --help shows it', () => {
    expect([...EXIT_SEVERITY].sort((a, b) => a - b)).toEqual([...ALL].sort((a, b) => a - b));
    expect(mainHelp('0.0.0')).toContain(
      'Several configs (run, watch): the most urgent of theirs, 130 > 2 > 3 > 1 > 4 > 5 > 0.',
    );
  });

  it('does not depend on the order or the number of mailboxes', () => {
    const codes: ExitCode[] = [5, 0, 4, 5, 1, 0, 4];
    expect(worstExitCode(codes)).toBe(1);
    expect(worstExitCode([...codes].reverse())).toBe(1);
    expect(worstExitCode(new Set(codes))).toBe(1);
  });

  it('a sign-in refused in one mailbox outweighs a server down in another', () => {
    expect(worstExitCode([EXIT.unavailable, EXIT.signIn, EXIT.ok])).toBe(EXIT.signIn);
  });
});
