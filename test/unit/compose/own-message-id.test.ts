import { describe, expect, it } from 'vitest';
import { normalizedMessageId } from '../../../lambda/compose/header-safety.js';
import {
  actionMessageId,
  createOwnForwardScan,
  ownMessageKind,
} from '../../../lambda/compose/own-message-id.js';

const ALICE = 'alice@example.test';

describe('actionMessageId', () => {
  it('is the same for the same action and differs between actions', () => {
    const id = actionMessageId(ALICE, 'msg-1', 'forward:0.0');

    expect(actionMessageId(ALICE, 'msg-1', 'forward:0.0')).toBe(id);
    expect(actionMessageId(ALICE, 'msg-1', 'forward:0.1')).not.toBe(id);
    expect(actionMessageId(ALICE, 'msg-2', 'forward:0.0')).not.toBe(id);
  });

  it('is a valid msg-id on the mailbox domain', () => {
    const id = actionMessageId(ALICE, 'msg-1', 'reply:1.0');

    expect(id).toMatch(/^<popfwd\.[0-9a-f]{24}\.r[0-9a-f]{8}@example\.test>$/);
    expect(normalizedMessageId(id)).toBe(id);
  });
});

describe('ownMessageKind', () => {
  it.each([
    ['forward:0.0', 'forward'],
    ['reply:2.1', 'reply'],
    ['vacation:global', 'reply'],
  ])('knows its own %s id', (actionId, kind) => {
    expect(ownMessageKind(actionMessageId(ALICE, 'm', actionId), ALICE)).toBe(kind);
    expect(ownMessageKind(actionMessageId(ALICE, 'm', actionId), 'Alice@Example.TEST')).toBe(kind);
  });

  it.each([
    ['another mailbox on the same domain', actionMessageId('bob@example.test', 'm', 'forward:0.0')],
    ['the same local part elsewhere', actionMessageId('alice@other.example', 'm', 'forward:0.0')],
    ['an old-style popfwd id', '<popfwd.0123456789abcdef01234567@example.test>'],
    ['anything else', '<lunch-1@partner.example>'],
  ])('does not take %s for its own', (_, id) => {
    expect(ownMessageKind(id, ALICE)).toBeNull();
  });
});

describe('createOwnForwardScan', () => {
  const ours = actionMessageId(ALICE, 'msg-1', 'forward:0.0');
  const text = `From: bob@b.example\r\n\r\n--b\r\nContent-Type: message/rfc822\r\n\r\nMessage-ID: ${ours}\r\n`;

  const scanIn = (bytes: Buffer, size: number, mailbox = ALICE): string | null => {
    const scan = createOwnForwardScan(mailbox);
    for (let at = 0; at < bytes.length; at += size) scan.update(bytes.subarray(at, at + size));
    return scan.found();
  };

  it.each([1, 3, 7, 40, 1 << 16])(
    'finds our forward id split across chunks of %i bytes',
    (size) => {
      expect(scanIn(Buffer.from(text), size)).toBe(ours.slice(1, ours.indexOf('@')));
    },
  );

  it.each([
    ['a reply id of ours', actionMessageId(ALICE, 'msg-1', 'vacation:global')],
    ['another mailbox’s forward id', actionMessageId('bob@example.test', 'msg-1', 'forward:0.0')],
    ['the tag without the id before it', `x.f${ours.split('.f')[1]}`],
  ])('finds nothing in %s', (_, id) => {
    expect(scanIn(Buffer.from(`Message-ID: ${id}\r\n`), 5)).toBeNull();
  });
});
