import { describe, expect, it } from 'vitest';
import {
  carriesLoopHeader,
  LOOP_HEADER,
  loopHeaderValue,
} from '../../../lambda/actions/loop-header.js';

describe('loop header', () => {
  it('is X-Popfwd-Loop valued with the lower-cased mailbox', () => {
    expect(LOOP_HEADER).toBe('X-Popfwd-Loop');
    expect(loopHeaderValue('Alice@Example.test')).toBe('alice@example.test');
  });

  it('recognises a message popfwd already sent for this mailbox', () => {
    const headers = [{ name: 'x-popfwd-loop', value: ' ALICE@example.test ' }];

    expect(carriesLoopHeader(headers, 'alice@example.test')).toBe(true);
  });

  it('ignores the stamp of another mailbox', () => {
    const headers = [{ name: 'x-popfwd-loop', value: 'bob@example.test' }];

    expect(carriesLoopHeader(headers, 'alice@example.test')).toBe(false);
  });
});
