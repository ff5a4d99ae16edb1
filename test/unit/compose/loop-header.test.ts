import { describe, expect, it } from 'vitest';
import {
  carriesOurLoopMarker,
  LOOP_HEADER,
  loopMarkersToCarry,
  MAX_LOOP_MARKERS,
} from '../../../lambda/compose/loop-header.js';
import { metaOf } from '../../helpers/mail/mail.js';

describe('loop marker', () => {
  it('is the header X-Popfwd-Loop', () => {
    expect(LOOP_HEADER).toBe('X-Popfwd-Loop');
  });

  it.each([
    ['our marker', ['X-Popfwd-Loop: alice@example.test'], true],
    ['our marker in another case', ['x-popfwd-loop: ALICE@example.TEST'], true],
    ['our marker in angle brackets', ['X-Popfwd-Loop: <alice@example.test>'], true],
    [
      'our marker among others in one field',
      ['X-Popfwd-Loop: bob@b.example, alice@example.test'],
      true,
    ],
    [
      'our marker in a second field',
      ['X-Popfwd-Loop: bob@b.example', 'X-Popfwd-Loop: alice@example.test'],
      true,
    ],
    ["another mailbox's marker", ['X-Popfwd-Loop: bob@b.example'], false],
    ['a look-alike', ['X-Popfwd-Loop: alice@example.test.evil'], false],
    ['our address in another header', ['X-Forwarded-For: alice@example.test'], false],
    ['no marker', [], false],
  ])('detects %s: %s', (_, headers, expected) => {
    expect(
      carriesOurLoopMarker(metaOf(['From: x@y.example', ...headers]), 'alice@example.test'),
    ).toBe(expected);
  });

  it("carries the original's markers and adds ours last, once", () => {
    const meta = metaOf([
      'X-Popfwd-Loop: bob@b.example',
      'X-Popfwd-Loop: carol@c.example, BOB@b.example',
    ]);

    expect(loopMarkersToCarry(meta, 'Alice@Example.test')).toEqual([
      'bob@b.example',
      'carol@c.example',
      'alice@example.test',
    ]);
  });

  it('carries at most MAX_LOOP_MARKERS markers, ours always among them', () => {
    const many = Array.from({ length: 50 }, (_, index) => `X-Popfwd-Loop: m${index}@x.example`);

    const carried = loopMarkersToCarry(metaOf(many), 'alice@example.test');

    expect(carried).toHaveLength(MAX_LOOP_MARKERS);
    expect(carried.at(-1)).toBe('alice@example.test');
  });
});
