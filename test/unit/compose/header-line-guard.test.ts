import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { HeaderLineGuard } from '../../../lambda/compose/header-line-guard.js';
import { readAll } from '../../helpers/pop3/streams.js';

/** The guard's output for `input`, fed in chunks of `size` bytes (a CR LF may straddle two). */
const guard = async (input: string, size = 1 << 16): Promise<string> => {
  const bytes = Buffer.from(input, 'latin1');
  const chunks: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += size) chunks.push(bytes.subarray(at, at + size));
  const out = await readAll(Readable.from(chunks).pipe(new HeaderLineGuard()));
  return out.toString('latin1');
};

describe('HeaderLineGuard', () => {
  it.each([1, 2, 3, 7, 1 << 16])('folds what a header hides (chunks of %i bytes)', async (size) => {
    const input =
      'From: a@x.example\r\n' +
      'Subject: raw cr\rBcc: victim@evil.example\r\n' +
      'X-A: bare lf\nX-Injected: yes\r\n' +
      'X-B: nul\0here\r\n' +
      '\r\n' +
      'body folds\ra bare CR, keeps a bare LF\nand NUL\0\r\n';

    expect(await guard(input, size)).toBe(
      'From: a@x.example\r\n' +
        'Subject: raw cr Bcc: victim@evil.example\r\n' +
        'X-A: bare lf X-Injected: yes\r\n' +
        'X-B: nul here\r\n' +
        '\r\n' +
        'body folds a bare CR, keeps a bare LF\nand NUL\0\r\n',
    );
  });

  it.each([1, 2, 5])(
    'folds a bare CR in a MIME part header of the body too (chunks of %i bytes)',
    async (size) => {
      const input =
        'Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n' +
        'Content-Type: text/plain\rX-Injected: part\r\n\r\ntext\r\n--b--\r';

      expect(await guard(input, size)).toBe(
        'Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n' +
          'Content-Type: text/plain X-Injected: part\r\n\r\ntext\r\n--b-- ',
      );
    },
  );

  it('keeps LF line ends of a message written with LF alone, folding only its bare CR', async () => {
    const input = 'From: a@x.example\nSubject: s\rBcc: v@evil.example\n\nbody\r\n';

    expect(await guard(input, 1)).toBe(
      'From: a@x.example\nSubject: s Bcc: v@evil.example\n\nbody\r\n',
    );
  });

  it('passes a message that hides nothing unchanged', async () => {
    const input = 'From: a@x.example\r\nSubject: fine\r\n folded\r\n\r\nbody\r\n.\r\n';

    expect(await guard(input, 5)).toBe(input);
  });

  it('turns a CR left at the very end of a header-only message into a space', async () => {
    expect(await guard('Subject: cut\r')).toBe('Subject: cut ');
  });
});
