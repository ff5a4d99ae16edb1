import { describe, expect, it } from 'vitest';
import { OUTLOOK_CAPABILITIES } from '../../../bench/lib/pop3-command-proxy.js';
import {
  type Expectation,
  expectationFor,
  ReplyFramer,
  type ReplyStatus,
} from '../../../bench/lib/pop3-reply-framer.js';

const line = (text: string): Buffer => Buffer.from(`${text}\r\n`, 'latin1');

/** A framer with the client lines `commands` registered, recording each finished reply. */
const framerFor = (commands: readonly string[], filter = OUTLOOK_CAPABILITIES) => {
  const replies: Array<[string, ReplyStatus]> = [];
  let inSasl = false;
  const framer = new ReplyFramer((expectation: Expectation, status) => {
    replies.push([expectation.verb, status]);
    inSasl = status === 'continue';
  }, filter);
  for (const command of commands) framer.expect(expectationFor(line(command), inSasl));
  return { framer, replies };
};

/** Feeds `wire` in pieces of `size` bytes and joins what comes out. */
const feed = (framer: ReplyFramer, wire: Buffer, size: number): Buffer => {
  const out: Buffer[] = [];
  for (let at = 0; at < wire.length; at += size) {
    out.push(...framer.push(wire.subarray(at, at + size)));
  }
  return Buffer.concat(out);
};

const SESSION = [
  '+OK Dovecot ready.',
  '+OK 2 messages:',
  '1 uid-a',
  '2 uid-b',
  '.',
  '+OK 120 octets',
  'Subject: dots',
  '',
  '..leading dot, stuffed',
  '..',
  'last line',
  '.',
  '-ERR no such message',
  '+OK 2 30',
].join('\r\n');

describe('ReplyFramer', () => {
  it('passes every byte through and ends each reply at its terminator, however the bytes are cut', () => {
    // Prepare
    const wire = Buffer.from(`${SESSION}\r\n`, 'latin1');

    for (const size of [1, 2, 3, 5, 7, wire.length]) {
      const { framer, replies } = framerFor(['UIDL', 'RETR 1', 'RETR 9', 'STAT']);

      // Act
      const out = feed(framer, wire, size);

      // Assess
      expect(out.equals(wire)).toBe(true);
      expect(replies).toEqual([
        ['GREETING', 'ok'],
        ['UIDL', 'ok'],
        ['RETR', 'ok'],
        ['RETR', 'err'],
        ['STAT', 'ok'],
      ]);
      expect(framer.pending).toBe(0);
      expect(framer.lost).toBe(false);
    }
  });

  it('reads LIST with an argument as one line, and LIST or UIDL without one as a list, even empty', () => {
    // Prepare
    const { framer, replies } = framerFor(['LIST 1', 'LIST', 'UIDL']);
    const wire = Buffer.from('+OK hi\r\n+OK 1 30\r\n+OK\r\n1 30\r\n.\r\n+OK\r\n.\r\n', 'latin1');

    // Act
    feed(framer, wire, 4);

    // Assess
    expect(replies.map(([verb]) => verb)).toEqual(['GREETING', 'LIST', 'LIST', 'UIDL']);
    expect(framer.pending).toBe(0);
  });

  it('shows the client only the capabilities Outlook.com offers', () => {
    // Prepare
    const { framer, replies } = framerFor(['CAPA', 'NOOP']);
    const capa = [
      '+OK',
      '+OK',
      'CAPA',
      'TOP',
      'UIDL',
      'RESP-CODES',
      'PIPELINING',
      'AUTH-RESP-CODE',
      'STLS',
      'USER',
      'SASL PLAIN',
      '.',
      '+OK',
      '',
    ].join('\r\n');

    // Act
    const out = feed(framer, Buffer.from(capa, 'latin1'), 3).toString('latin1');

    // Assess
    expect(out).toBe('+OK\r\n+OK\r\nTOP\r\nUIDL\r\nUSER\r\nSASL PLAIN\r\n.\r\n+OK\r\n');
    expect(replies.map(([verb]) => verb)).toEqual(['GREETING', 'CAPA', 'NOOP']);
  });

  it("leaves the CAPA list alone when there is no filter (Dovecot's capabilities as they are)", () => {
    // Prepare
    const replies: string[] = [];
    const framer = new ReplyFramer((expectation) => replies.push(expectation.verb), null);
    framer.expect(expectationFor(line('CAPA'), false));
    const wire = Buffer.from('+OK\r\n+OK\r\nPIPELINING\r\nSTLS\r\n.\r\n', 'latin1');

    // Act
    const out = feed(framer, wire, 2);

    // Assess
    expect(out.equals(wire)).toBe(true);
    expect(replies).toEqual(['GREETING', 'CAPA']);
  });

  it("takes the line after a SASL continuation for the client's response, not a command", () => {
    // Prepare
    const replies: Array<[string, ReplyStatus]> = [];
    let inSasl = false;
    const framer = new ReplyFramer((expectation, status) => {
      replies.push([expectation.verb, status]);
      inSasl = status === 'continue';
    });
    framer.push(line('+OK ready'));

    // Act
    framer.expect(expectationFor(line('AUTH PLAIN'), inSasl));
    framer.push(line('+ '));
    const response = expectationFor(line('AGFsaWNlAHNlY3JldA=='), inSasl);
    framer.expect(response);
    framer.push(line('+OK logged in'));

    // Assess
    expect(response.verb).toBe('SASL');
    expect(replies).toEqual([
      ['GREETING', 'ok'],
      ['AUTH', 'continue'],
      ['SASL', 'ok'],
    ]);
  });

  it('stops framing, without dropping a byte, when the server sends what nobody asked for', () => {
    // Prepare
    const { framer } = framerFor([]);
    const wire = Buffer.from('+OK hi\r\n-ERR autologout\r\n', 'latin1');

    // Act
    const out = feed(framer, wire, 5);

    // Assess
    expect(out.equals(wire)).toBe(true);
    expect(framer.lost).toBe(true);
  });

  it('stops framing, without dropping a byte, at a status line longer than any real one', () => {
    // Prepare
    const { framer } = framerFor(['STAT']);
    const wire = Buffer.concat([line('+OK hi'), Buffer.from(`+OK ${'x'.repeat(10_000)}`)]);

    // Act
    const out = feed(framer, wire, 1000);

    // Assess
    expect(out.equals(wire)).toBe(true);
    expect(framer.lost).toBe(true);
  });
});
