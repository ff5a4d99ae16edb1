import { describe, expect, it } from 'vitest';
import {
  dotStuff,
  errLine,
  isValidUidl,
  multiline,
  topOf,
  wireBody,
  wireSize,
} from '../../../../lambda/cli/sandbox/pop3-wire.js';

const b = (text: string): Buffer => Buffer.from(text, 'latin1');

describe('dotStuff', () => {
  it('doubles the dot of every line that starts with one, including the first and a lone "."', () => {
    expect(dotStuff(b('.a\r\nb\r\n.\r\n..\r\n')).toString('latin1')).toBe(
      '..a\r\nb\r\n..\r\n...\r\n',
    );
  });

  it('leaves dots after a bare CR alone (a CR does not start a line)', () => {
    expect(dotStuff(b('a\r.b\r\n')).toString('latin1')).toBe('a\r.b\r\n');
  });

  it('returns the same buffer when nothing needs stuffing', () => {
    const body = b('plain\r\ntext\r\n');
    expect(dotStuff(body)).toBe(body);
  });
});

describe('wireBody', () => {
  it('turns LF endings into CRLF like Dovecot', () => {
    expect(wireBody(b('a\nb\n')).toString('latin1')).toBe('a\r\nb\r\n');
  });

  it('turns a bare LF inside CRLF text into CRLF and keeps bare CR and NUL', () => {
    expect(wireBody(b('a\r\nb\nc\rd\0\r\n')).toString('latin1')).toBe('a\r\nb\r\nc\rd\0\r\n');
  });

  it('appends CRLF to a message without a final newline, and to an empty one', () => {
    expect(wireBody(b('a\nlast')).toString('latin1')).toBe('a\r\nlast\r\n');
    expect(wireBody(b('last\r')).toString('latin1')).toBe('last\r\r\n');
    expect(wireBody(b('')).toString('latin1')).toBe('\r\n');
  });
});

describe('wireSize', () => {
  it('counts bare LF as CRLF and not the CRLF added at the end', () => {
    expect(wireSize(b('a\nb'))).toBe(4);
    expect(wireSize(b('a\r\nb\r\n'))).toBe(6);
  });
});

describe('multiline', () => {
  it('frames a stuffed body between the status line and the terminator', () => {
    expect(multiline('2 octets', b('.\r\n')).toString('latin1')).toBe(
      '+OK 2 octets\r\n..\r\n.\r\n',
    );
  });
});

describe('topOf', () => {
  const message = b('A: 1\r\nB: 2\r\n\r\nl1\r\nl2\r\nl3\r\n');

  it('returns the headers, the blank line and the first n body lines', () => {
    expect(topOf(message, 0).toString('latin1')).toBe('A: 1\r\nB: 2\r\n\r\n');
    expect(topOf(message, 2).toString('latin1')).toBe('A: 1\r\nB: 2\r\n\r\nl1\r\nl2\r\n');
    expect(topOf(message, 99)).toEqual(message);
  });

  it('returns a header-only message whole', () => {
    expect(topOf(b('A: 1\r\n'), 3).toString('latin1')).toBe('A: 1\r\n');
  });
});

describe('errLine', () => {
  it('carries the response code unless RESP-CODES is off', () => {
    expect(errLine('busy', 'IN-USE').toString()).toBe('-ERR [IN-USE] busy\r\n');
    expect(errLine('busy', 'IN-USE', false).toString()).toBe('-ERR busy\r\n');
  });
});

describe('isValidUidl', () => {
  it('accepts 1–70 printable ASCII characters and nothing else', () => {
    expect(isValidUidl('000000016b089d0c')).toBe(true);
    expect(isValidUidl('x'.repeat(70))).toBe(true);
    expect(isValidUidl('x'.repeat(71))).toBe(false);
    expect(isValidUidl('')).toBe(false);
    expect(isValidUidl('a b')).toBe(false);
    expect(isValidUidl('é')).toBe(false);
  });
});
