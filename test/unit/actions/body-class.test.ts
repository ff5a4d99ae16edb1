import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { classifyBody, createBodyClassifier } from '../../../lambda/actions/body-class.js';

const classify = (...chunks: (string | Buffer)[]) => {
  const classifier = createBodyClassifier();
  for (const chunk of chunks) {
    classifier.update(typeof chunk === 'string' ? Buffer.from(chunk, 'latin1') : chunk);
  }
  return classifier.result();
};

describe('createBodyClassifier', () => {
  it('calls CRLF-only US-ASCII 7bit', () => {
    expect(classify('Subject: x\r\n\r\n.dot\r\nend')).toBe('7bit');
  });

  it('calls octets above 0x7f 8bit', () => {
    expect(classify('Subject: x\r\n\r\nK\u00f6ln\r\n')).toBe('8bit');
  });

  it.each([
    ['a NUL', Buffer.from('a\u0000\r\n', 'latin1')],
    ['a bare LF', 'line\nnext\r\n'],
    ['a bare CR', 'line\rnext\r\n'],
    ['a trailing lone CR', 'line\r'],
    ['a 999-octet line', `${'x'.repeat(999)}\r\n`],
  ])('calls %s binary', (_name, body) => {
    expect(classify(body)).toBe('binary');
  });

  it('keeps a CRLF split across two chunks a line end', () => {
    expect(classify('one\r', '\ntwo\r\n')).toBe('7bit');
  });

  it('accepts a 998-octet line', () => {
    expect(classify(`${'x'.repeat(998)}\r\n`)).toBe('7bit');
  });
});

describe('classifyBody', () => {
  it('stops reading once the body is binary', async () => {
    let pulled = 0;
    const source = Readable.from(
      (function* () {
        for (;;) {
          pulled += 1;
          yield Buffer.from([0x00]);
          if (pulled > 1000) return;
        }
      })(),
    );

    expect(await classifyBody(source)).toBe('binary');
    expect(pulled).toBeLessThan(1000);
  });
});
