import { describe, expect, it } from 'vitest';
import { cell, oneLine, textBlock } from '../../../lambda/archive/terminal-text.js';

describe('terminal-safe text', () => {
  it('removes escape sequences whole: CSI, OSC with BEL or ST, 8-bit CSI', () => {
    expect(oneLine('\x1b[2J\x1b[31mred\x1b[0m')).toBe('red');
    expect(oneLine('\x1b]0;new title\x07after')).toBe('after');
    expect(oneLine('\x1b]8;;http://evil.example\x1b\\link')).toBe('link');
    expect(oneLine('\x9b31mred')).toBe('red');
  });

  it('makes other control characters and bidi overrides visible', () => {
    expect(oneLine('a\x07b\x00c\u202ed\r\ne')).toBe('a\\x07b\\x00c\\u202ed\\x0d\\x0ae');
  });

  it('keeps line breaks and tabs in a body, reading CRLF and a lone CR as LF', () => {
    expect(textBlock('one\r\ntwo\rthree\n\tfour\x1b[1A\x08')).toBe('one\ntwo\nthree\n\tfour\\x08');
  });

  it('cuts and pads table cells to their width after making them safe', () => {
    expect(cell('abc', 5)).toBe('abc  ');
    expect(cell('abcdefgh', 5)).toBe('abcd…');
    expect(cell('\x1b[31mab', 4)).toBe('ab  ');
    expect(cell('a\x07bcdef', 5)).toBe('a\\x0…');
  });
});
