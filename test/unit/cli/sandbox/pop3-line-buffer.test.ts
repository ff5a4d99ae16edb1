import { describe, expect, it } from 'vitest';
import { LINE_TOO_LONG, LineBuffer } from '../../../../lambda/cli/sandbox/pop3-line-buffer.js';

const text = (line: unknown): unknown => (Buffer.isBuffer(line) ? line.toString('latin1') : line);

describe('LineBuffer', () => {
  it('yields every command of a pipelined batch in order', () => {
    const lines = new LineBuffer();
    lines.push(Buffer.from('STAT\r\nLIST\r\nRETR 1\r\nQU'));
    expect([lines.shift(255), lines.shift(255), lines.shift(255)].map(text)).toEqual([
      'STAT',
      'LIST',
      'RETR 1',
    ]);
    expect(lines.shift(255)).toBeNull();
    lines.push(Buffer.from('IT\r\n'));
    expect(text(lines.shift(255))).toBe('QUIT');
  });

  it('accepts a bare LF as a line ending and a CRLF split across chunks', () => {
    const lines = new LineBuffer();
    lines.push(Buffer.from('NOOP\nSTAT\r'));
    expect(text(lines.shift(255))).toBe('NOOP');
    expect(lines.shift(255)).toBeNull();
    lines.push(Buffer.from('\n'));
    expect(text(lines.shift(255))).toBe('STAT');
  });

  it('reports a line over the limit, complete or not, without buffering forever', () => {
    const complete = new LineBuffer();
    complete.push(Buffer.from(`${'x'.repeat(254)}\r\n`));
    expect(complete.shift(255)).toBe(LINE_TOO_LONG);
    const endless = new LineBuffer();
    endless.push(Buffer.alloc(300, 0x41));
    expect(endless.shift(255)).toBe(LINE_TOO_LONG);
  });

  it('accepts a line of exactly the limit including CRLF', () => {
    const lines = new LineBuffer();
    lines.push(Buffer.from(`${'x'.repeat(253)}\r\n`));
    expect(text(lines.shift(255))).toBe('x'.repeat(253));
  });

  it('drops everything on clear (plaintext before a TLS handshake)', () => {
    const lines = new LineBuffer();
    lines.push(Buffer.from('CAPA\r\nSTAT\r\n'));
    lines.clear();
    expect(lines.shift(255)).toBeNull();
    expect(lines.size).toBe(0);
  });
});
