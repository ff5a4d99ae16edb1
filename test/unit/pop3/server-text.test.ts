import { describe, expect, it } from 'vitest';
import { printable, printableBytes } from '../../../lambda/pop3/server-text.js';

describe('printable', () => {
  it('escapes C0, DEL and C1 controls, so nothing reaches a terminal raw', () => {
    expect(printable('a\x1b]0;PWNED\x07b\x7f\x9b31m\r\n\t')).toBe(
      'a\\x1b]0;PWNED\\x07b\\x7f\\x9b31m\\x0d\\x0a\\x09',
    );
  });

  it('escapes bidi overrides and isolates and line separators, keeps other text as is', () => {
    expect(printable('Grüße \u202egnp.exe \u2066x\u2069 \u2028 日本')).toBe(
      'Grüße \\u202egnp.exe \\u2066x\\u2069 \\u2028 日本',
    );
  });

  it('cuts long text before escaping', () => {
    expect(printable(`${'a'.repeat(10)}\x1b`, 5)).toBe('aaaaa…');
  });
});

describe('printableBytes', () => {
  it('shows printable ASCII as is and every other byte as \\xNN', () => {
    expect(printableBytes(Buffer.from([0x41, 0x1b, 0xc3, 0xbc, 0x5c, 0x20]))).toBe(
      'A\\x1b\\xc3\\xbc\\x5c ',
    );
  });
});
