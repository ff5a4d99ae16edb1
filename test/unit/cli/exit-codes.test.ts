import { describe, expect, it } from 'vitest';
import { EXIT, EXIT_MEANINGS, exitCodeFor, exitHint } from '../../../lambda/cli/exit-codes.js';
import type { RunSummary } from '../../../lambda/engine/summary.js';
import { ERROR_CODES, type ErrorCode, PopfwdError } from '../../../lambda/errors.js';

const summary = (fields: Partial<RunSummary> = {}): RunSummary => ({
  fetched: 3,
  archived: 3,
  alreadyArchived: 0,
  deleted: 0,
  forwarded: 1,
  replied: 0,
  skipped: 0,
  failed: 0,
  durationMs: 120,
  remaining: 0,
  pendingActions: 0,
  stoppedBy: null,
  busy: null,
  alerts: [],
  ...fields,
});

const error = (code: ErrorCode, retryable?: boolean) =>
  new PopfwdError(code, `a ${code} error`, retryable === undefined ? {} : { retryable });

describe('exitCodeFor', () => {
  it('0: a run that finished with nothing waiting, failed messages included', () => {
    expect(exitCodeFor({ summary: summary() })).toBe(0);
    expect(exitCodeFor({ summary: summary({ failed: 2 }) })).toBe(0);
    expect(
      exitCodeFor({ summary: summary({ stoppedBy: 'maxMessagesPerRun', remaining: 40 }) }),
    ).toBe(0);
  });

  it('1: a run that failed for a reason no later run or config fix can help', () => {
    expect(exitCodeFor({ error: new Error('a bug') })).toBe(1);
    expect(exitCodeFor({ error: 'a string thrown' })).toBe(1);
    for (const code of ['ESYSPERM', 'EPROTOCOL', 'ESTORE', 'ESIZE', 'EPARSE'] as const) {
      expect(exitCodeFor({ error: error(code, false) }), code).toBe(1);
    }
  });

  it('2: usage or config, an unreadable secret included', () => {
    expect(exitCodeFor({ error: error('EUSAGE') })).toBe(2);
    expect(exitCodeFor({ error: error('ECONFIG') })).toBe(2);
    expect(exitCodeFor({ error: error('ESECRET') })).toBe(2);
    expect(exitCodeFor({ error: error('ETLS') })).toBe(2);
    expect(exitCodeFor({ error: error('EOAUTH', false) })).toBe(2);
  });

  it('3: the sign-in was refused', () => {
    expect(exitCodeFor({ error: error('EAUTH') })).toBe(3);
    expect(exitCodeFor({ error: error('EINVALIDGRANT') })).toBe(3);
  });

  it('4: the server or network is unavailable, or the mailbox busy', () => {
    for (const code of ['ECONNECTION', 'ETIMEDOUT', 'EINUSE', 'ELOGINDELAY', 'ELEASE'] as const) {
      expect(exitCodeFor({ error: error(code) }), code).toBe(4);
    }
    // The same codes as 1, 2 and 3 above, when a later run may succeed
    expect(exitCodeFor({ error: error('EAUTH', true) })).toBe(4);
    expect(exitCodeFor({ error: error('ESECRET', true) })).toBe(4);
    expect(exitCodeFor({ error: error('ESYSTEMP') })).toBe(4);
    expect(exitCodeFor({ error: error('EOAUTH') })).toBe(4);
    expect(exitCodeFor({ error: error('ESTORE') })).toBe(4);
    expect(exitCodeFor({ summary: summary({ busy: 'another client holds the mailbox' }) })).toBe(4);
  });

  it('5: the run finished, but sends are waiting or paused', () => {
    expect(exitCodeFor({ summary: summary({ pendingActions: 8 }) })).toBe(5);
    for (const code of ['ESENDCAP', 'EACCOUNT'] as const) {
      expect(
        exitCodeFor({ summary: summary({ alerts: [{ code, message: 'sending stopped' }] }) }),
        code,
      ).toBe(5);
    }
  });

  it('130: interrupted, whatever else happened', () => {
    expect(exitCodeFor({ summary: summary({ pendingActions: 3 }), interrupted: true })).toBe(130);
    expect(exitCodeFor({ error: error('EABORTED'), interrupted: true })).toBe(130);
    expect(exitCodeFor({ summary: summary({ stoppedBy: 'aborted', remaining: 5 }) })).toBe(130);
  });

  it('maps every error code, permanent or not, to a documented exit code', () => {
    for (const code of Object.keys(ERROR_CODES) as ErrorCode[]) {
      for (const retryable of [false, true]) {
        expect(Object.keys(EXIT_MEANINGS)).toContain(
          String(exitCodeFor({ error: error(code, retryable) })),
        );
      }
    }
  });
});

describe('exitHint', () => {
  it('tells what to do for a refused sign-in and an unavailable server only', () => {
    expect(exitHint(EXIT.signIn)).toContain('popfwd auth login');
    expect(exitHint(EXIT.unavailable)).toContain('try later');
    expect(exitHint(EXIT.usage)).toBeNull();
    expect(exitHint(EXIT.failed)).toBeNull();
  });
});
