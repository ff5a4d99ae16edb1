import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import {
  type BodyClass,
  classifyBody,
  createBodyClassifier,
} from '../../../lambda/compose/body-class.js';

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

/** The definition, byte by byte: what the fast scanner must agree with. */
const referenceClass = (bytes: Buffer): BodyClass => {
  let eightBit = false;
  let lineOctets = 0;
  let previous = -1;
  for (const byte of bytes) {
    if (previous === 0x0d && byte !== 0x0a) return 'binary';
    if (byte === 0x0a) {
      if (previous !== 0x0d) return 'binary';
      lineOctets = 0;
    } else if (byte !== 0x0d) {
      if (byte === 0) return 'binary';
      if (byte >= 0x80) eightBit = true;
      lineOctets += 1;
      if (lineOctets > 998) return 'binary';
    }
    previous = byte;
  }
  if (previous === 0x0d) return 'binary';
  return eightBit ? '8bit' : '7bit';
};

describe('createBodyClassifier against the byte-by-byte definition', () => {
  it('agrees on thousands of random messages cut into random chunks', () => {
    let seed = 42;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const alphabet = [0x61, 0x61, 0x61, 0x2e, 0x0d, 0x0a, 0x0d, 0x0a, 0xe9, 0x00];
    for (let round = 0; round < 3000; round += 1) {
      const length = Math.floor(random() * 60);
      const bytes = Buffer.from(
        Array.from(
          { length },
          () => alphabet[Math.floor(random() * (round % 3 === 0 ? 8 : 10))] as number,
        ),
      );
      const longLine =
        round % 50 === 0 ? Buffer.alloc(995 + Math.floor(random() * 6), 0x61) : Buffer.alloc(0);
      const message = Buffer.concat([bytes, longLine, Buffer.from('\r\n')]).subarray(
        0,
        round % 7 === 0 ? undefined : -Math.floor(random() * 2),
      );
      const classifier = createBodyClassifier();
      let offset = 0;
      while (offset < message.length) {
        const size = 1 + Math.floor(random() * 8);
        classifier.update(message.subarray(offset, offset + size));
        offset += size;
      }
      expect(classifier.result(), `message ${JSON.stringify(message.toString('latin1'))}`).toBe(
        referenceClass(message),
      );
    }
  });
});
