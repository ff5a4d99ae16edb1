import { describe, expect, it } from 'vitest';
import {
  attachmentDisposition,
  emlFileName,
  safeFileName,
} from '../../../../lambda/archive/serve/file-names.js';

describe('safeFileName', () => {
  it.each([
    ['invoice.pdf', 'invoice.pdf'],
    ['Rechnung März 2019.pdf', 'Rechnung März 2019.pdf'],
    ['../../.bashrc', 'bashrc'],
    ['C:\\Windows\\system32\\evil.dll', 'evil.dll'],
    ['/etc/passwd', 'passwd'],
    ['invoice\u202Efdp.exe', 'invoicefdp.exe'],
    ['a\u0000b\u0007c\r\nd.txt', 'abcd.txt'],
    ['what?<are>:"these"|*.txt', 'what__are___these___.txt'],
    ['...hidden', 'hidden'],
    ['trailing dots. . .', 'trailing dots'],
    ['CON', '_CON'],
    ['lpt1.txt', '_lpt1.txt'],
    ['zero\u200Bwidth.pdf', 'zerowidth.pdf'],
  ])('makes %j safe: %j', (wanted, expected) => {
    expect(safeFileName(wanted, 'fallback')).toBe(expected);
  });

  it.each([[undefined], [''], ['   '], ['\u202E'], ['../']])(
    'falls back when nothing is left of %j',
    (wanted) => {
      expect(safeFileName(wanted, 'part-2.png')).toBe('part-2.png');
    },
  );

  it('cuts a long name to 120 characters and keeps its extension', () => {
    // Act
    const name = safeFileName(`${'x'.repeat(300)}.pdf`, 'fallback');
    // Assess
    expect(name).toHaveLength(120);
    expect(name.endsWith('.pdf')).toBe(true);
  });

  it('counts characters, not UTF-16 units, so a cut never splits an emoji', () => {
    // Act
    const name = safeFileName(`${'😀'.repeat(200)}`, 'fallback');
    // Assess
    expect([...name]).toHaveLength(120);
    expect(name).toBe('😀'.repeat(120));
  });
});

describe('attachmentDisposition', () => {
  it('gives an ASCII filename and the exact name in filename* (RFC 6266, RFC 8187)', () => {
    expect(attachmentDisposition('Rechnung März 2019.pdf')).toBe(
      `attachment; filename="Rechnung M_rz 2019.pdf"; filename*=UTF-8''Rechnung%20M%C3%A4rz%202019.pdf`,
    );
  });

  it('keeps quotes, backslashes and percent signs out of the quoted fallback', () => {
    expect(attachmentDisposition("100% 'done'.txt")).toBe(
      `attachment; filename="100_ 'done'.txt"; filename*=UTF-8''100%25%20%27done%27.txt`,
    );
  });
});

describe('emlFileName', () => {
  it('names the original after its subject, else its UIDL', () => {
    expect(emlFileName('Re: lunch / Friday?', 'u1')).toBe('Re_ lunch _ Friday_.eml');
    expect(emlFileName('', 'UID-42')).toBe('UID-42.eml');
    expect(emlFileName('', '..')).toBe('message.eml');
  });
});
