import { describe, expect, it } from 'vitest';
import {
  asctime,
  fromLine,
  lengthDigits,
  lengthOffset,
  MboxrdEscaper,
  parseFromLine,
  unescapeMboxrd,
} from '../../../lambda/archive/export/mboxrd.js';
import { recordFor } from '../../helpers/stores/archive-records.js';

const bytes = (text: string): Buffer => Buffer.from(text, 'latin1');

/** The escaper's output for `data` pushed in the given pieces. */
const escaped = (...pieces: Buffer[]): Buffer => {
  const escaper = new MboxrdEscaper();
  const out = pieces.flatMap((piece) => escaper.push(piece));
  return Buffer.concat([...out, ...escaper.end()]);
};

/** Lines that mboxrd must quote, and lines it must leave alone, in one body. */
const TRICKY = bytes(
  'From mallory Thu Nov 26 10:00:00 2026\r\n' +
    'Subject: x\r\n\r\n' +
    'From the body\r\n' +
    '>From quoted once\r\n' +
    '>>>From quoted thrice\n' +
    'not From at the start\r\n' +
    '> From with a space\r\n' +
    'a bare CR\rFrom after it is no line start\r\n' +
    'From\r\n' +
    '>>>>\r\n' +
    'Fro\r\n' +
    '\x00From NUL before\r\n' +
    '\xe9From 8-bit before\r\n' +
    'From ',
);
const TRICKY_ESCAPED = bytes(
  '>From mallory Thu Nov 26 10:00:00 2026\r\n' +
    'Subject: x\r\n\r\n' +
    '>From the body\r\n' +
    '>>From quoted once\r\n' +
    '>>>>From quoted thrice\n' +
    'not From at the start\r\n' +
    '> From with a space\r\n' +
    'a bare CR\rFrom after it is no line start\r\n' +
    'From\r\n' +
    '>>>>\r\n' +
    'Fro\r\n' +
    '\x00From NUL before\r\n' +
    '\xe9From 8-bit before\r\n' +
    '>From ',
);

describe('mboxrd escaping', () => {
  it('quotes every line matching ^>*From  and nothing else', () => {
    expect(escaped(TRICKY).toString('latin1')).toBe(TRICKY_ESCAPED.toString('latin1'));
  });

  it('gives the same bytes whatever the chunk boundaries (every split point, and byte by byte)', () => {
    // Act / Assess: a "From " or a ">" run cut anywhere by a chunk boundary
    for (let split = 0; split <= TRICKY.length; split += 1) {
      const out = escaped(TRICKY.subarray(0, split), TRICKY.subarray(split));
      expect(Buffer.compare(out, TRICKY_ESCAPED), `split at ${split}`).toBe(0);
    }
    const single = [...TRICKY].map((byte) => Buffer.from([byte]));
    expect(Buffer.compare(escaped(...single), TRICKY_ESCAPED)).toBe(0);
  });

  it('is undone by unescaping, byte for byte', () => {
    expect(Buffer.compare(unescapeMboxrd(TRICKY_ESCAPED), TRICKY)).toBe(0);
  });

  it('walks a megabyte of ">" once, not once per "From "', () => {
    // Prepare: a run of ">" that a naive line-start search would rescan for every candidate
    const data = Buffer.concat([bytes('>'.repeat(1024 * 1024)), bytes('From x\r\n')]);

    // Act
    const out = escaped(data);

    // Assess
    expect(out.length).toBe(data.length + 1);
    expect(Buffer.compare(unescapeMboxrd(out), data)).toBe(0);
  });

  it('remembers the last byte, to end a message without a final newline', () => {
    const escaper = new MboxrdEscaper();
    expect(escaper.lastByte).toBe(-1);
    escaper.push(bytes('text\r\n'));
    expect(escaper.lastByte).toBe(0x0a);
    escaper.push(bytes('last line\r'));
    expect(escaper.lastByte).toBe(0x0d);
  });
});

describe('the From_ line', () => {
  const record = recordFor(
    'u1',
    bytes('Return-Path: <carol@partner.example>\r\nSubject: x\r\n\r\nbody\r\n'),
    {
      archivedAt: '2026-11-05T07:08:09.000Z',
    },
  );

  it('carries the envelope sender, the asctime date, the message id and a length set last', () => {
    // Act
    const line = fromLine(record);
    const pending = parseFromLine(line.subarray(0, -1));
    lengthDigits(1234).copy(line, lengthOffset(line));
    const done = parseFromLine(line.subarray(0, -1));

    // Assess
    expect(line.toString('latin1')).toBe(
      `From carol@partner.example Thu Nov  5 07:08:09 2026 popfwd:${record.id}:000000001234\n`,
    );
    expect(pending).toEqual({ id: record.id, length: null });
    expect(done).toEqual({ id: record.id, length: 1234 });
  });

  it('never lets the message put a space, a control character or a line break in it', () => {
    // Prepare: an envelope sender with a space and a From address with a CR, as a lenient
    // header parser might hand them over
    const base = recordFor('u2', bytes('Subject: x\r\n\r\nbody\r\n'));
    const hostile = {
      ...base,
      meta: {
        ...base.meta,
        returnPath: 'a b@example.net',
        from: [{ name: '', address: 'x\r\nFrom y@example.net' }],
      },
    };

    // Act
    const line = fromLine(hostile).toString('latin1');

    // Assess
    expect(line).toMatch(
      /^From MAILER-DAEMON \w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4} popfwd:[0-9a-f]{32}:-{12}\n$/,
    );
  });

  it('formats dates as C asctime does', () => {
    expect(asctime(Date.UTC(2026, 11, 24, 23, 5, 1))).toBe('Thu Dec 24 23:05:01 2026');
  });
});
