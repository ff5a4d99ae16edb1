import { describe, expect, it } from 'vitest';
import { hasCode } from '../../../lambda/errors.js';
import { type ReplyHandler, type ReplyKind, ReplyParser } from '../../../lambda/pop3/framing.js';

/** Dot-stuffs a message the way a correct server does: CRLF-terminated, "." lines doubled. */
const stuff = (message: Buffer): Buffer => {
  const parts: Buffer[] = [];
  let lineStart = true;
  for (const byte of message) {
    if (lineStart && byte === 0x2e) parts.push(Buffer.from('.'));
    parts.push(Buffer.from([byte]));
    lineStart = byte === 0x0a;
  }
  const body = Buffer.concat(parts);
  const needsCrlf = body.length > 0 && !body.subarray(-2).equals(Buffer.from('\r\n'));
  return Buffer.concat([body, Buffer.from(needsCrlf ? '\r\n.\r\n' : '.\r\n')]);
};

interface Recorded {
  statuses: string[];
  bodies: Buffer[];
  lines: string[][];
  continuations: string[];
}

/** A parser expecting `kinds` in order, recording everything it hands out. */
const recorder = (kinds: ReplyKind[]) => {
  const parser = new ReplyParser();
  const recorded: Recorded = { statuses: [], bodies: [], lines: [], continuations: [] };
  for (const kind of kinds) {
    const chunks: Buffer[] = [];
    const lines: string[] = [];
    const handler: ReplyHandler = {
      kind,
      onStatus: (status) => recorded.statuses.push(`${status.ok ? '+OK' : '-ERR'} ${status.text}`),
      onContinuation: (text) => recorded.continuations.push(text),
      onData: (chunk) => chunks.push(Buffer.from(chunk)),
      onLine: (line) => lines.push(line.toString('latin1')),
      onEnd: () => {
        recorded.bodies.push(Buffer.concat(chunks));
        recorded.lines.push(lines);
      },
    };
    parser.expect(handler);
  }
  return { parser, recorded };
};

const feedSplit = (parser: ReplyParser, wire: Buffer, cuts: number[]) => {
  let previous = 0;
  for (const cut of [...cuts, wire.length]) {
    parser.push(wire.subarray(previous, cut));
    previous = cut;
  }
};

const TRICKY: Record<string, Buffer> = {
  'lone dot lines': Buffer.from('Subject: dots\r\n\r\n.\r\nbetween\r\n.\r\n'),
  'lines starting with two dots': Buffer.from('Subject: x\r\n\r\n..\r\n...hidden\r\n.. \r\n'),
  'a dot then CR not followed by LF': Buffer.from('Subject: x\r\n\r\n.\rnot a terminator\r\n'),
  '8-bit and NUL bytes': Buffer.concat([
    Buffer.from('Subject: caf\xe9\r\n\r\n', 'latin1'),
    Buffer.from([0, 0xff, 0xfe, 0x0d, 0x0a]),
  ]),
  'a terminator inside the text': Buffer.from('Subject: x\r\n\r\nfirst\r\n.\r\nsecond\r\n'),
  'bare LF endings': Buffer.from('Subject: x\n\n.leading dot after LF\nend\n'),
  'an empty message': Buffer.alloc(0),
  'CRLF only': Buffer.from('\r\n'),
};

describe('ReplyParser', () => {
  describe('multi-line bodies', () => {
    for (const [name, message] of Object.entries(TRICKY)) {
      it(`reads ${name} exactly at every split position`, () => {
        const wire = Buffer.concat([
          Buffer.from('+OK message follows\r\n'),
          stuff(message),
          Buffer.from('+OK next\r\n'),
        ]);
        const expected = stuff(message).subarray(0, -3); // what the server meant: unstuffed below
        const unstuffed = Buffer.from(
          expected.toString('latin1').replace(/(^|\n)\./g, '$1'),
          'latin1',
        );

        for (let cut = 0; cut <= wire.length; cut += 1) {
          const { parser, recorded } = recorder(['multi', 'single']);
          feedSplit(parser, wire, [cut]);
          expect(recorded.bodies[0]?.equals(unstuffed), `split at ${cut}`).toBe(true);
          expect(recorded.statuses).toEqual(['+OK message follows', '+OK next']);
          expect(parser.pending).toBe(0);
        }
      });
    }

    it('reads every tricky message fed one byte at a time, back to back', () => {
      const messages = Object.values(TRICKY);
      const wire = Buffer.concat(
        messages.flatMap((message) => [Buffer.from('+OK\r\n'), stuff(message)]),
      );
      const { parser, recorded } = recorder(messages.map(() => 'multi'));

      feedSplit(parser, wire, [...wire.keys()]);

      expect(recorded.bodies.map((body) => body.toString('latin1'))).toEqual(
        messages.map((message) => {
          const text = message.toString('latin1');
          return text.length === 0 || text.endsWith('\r\n') ? text : `${text}\r\n`;
        }),
      );
    });

    it('keeps the final CRLF and adds nothing', () => {
      const { parser, recorded } = recorder(['multi']);
      parser.push(Buffer.from('+OK 12 octets\r\nHello\r\nWorld\r\n.\r\n'));
      expect(recorded.bodies[0]?.toString()).toBe('Hello\r\nWorld\r\n');
    });

    it('does not end the body at a chunk that is exactly ".\\r\\n" in the middle of a line', () => {
      const { parser, recorded } = recorder(['multi']);
      parser.push(Buffer.from('+OK\r\nfoo'));
      parser.push(Buffer.from('.\r\n'));
      parser.push(Buffer.from('bar\r\n.\r\n'));
      expect(recorded.bodies[0]?.toString()).toBe('foo.\r\nbar\r\n');
    });

    it('ends the body at a chunk that is exactly ".\\r\\n" at a line start', () => {
      const { parser, recorded } = recorder(['multi', 'single']);
      parser.push(Buffer.from('+OK\r\nfoo\r\n'));
      parser.push(Buffer.from('.\r\n'));
      parser.push(Buffer.from('+OK done\r\n'));
      expect(recorded.bodies[0]?.toString()).toBe('foo\r\n');
      expect(recorded.statuses).toEqual(['+OK ', '+OK done']);
    });

    it('hands out body bytes as they arrive, before the terminator', () => {
      const { parser } = recorder([]);
      const seen: string[] = [];
      parser.expect({
        kind: 'multi',
        onStatus: () => {},
        onData: (chunk) => seen.push(chunk.toString()),
      });
      parser.push(Buffer.from('+OK\r\npart one '));
      expect(seen.join('')).toBe('part one ');
    });

    it('does not limit the length of body lines', () => {
      const line = 'x'.repeat(1_000_000);
      const { parser, recorded } = recorder(['multi']);
      parser.push(Buffer.from(`+OK\r\n${line}\r\n.\r\n`));
      expect(recorded.bodies[0]?.length).toBe(line.length + 2);
    });
  });

  describe('status lines', () => {
    it('reads a -ERR to a multi-line command as one line without a body', () => {
      const { parser, recorded } = recorder(['multi', 'single']);
      parser.push(Buffer.from('-ERR no such message\r\n+OK\r\n'));
      expect(recorded.statuses).toEqual(['-ERR no such message', '+OK ']);
      expect(recorded.bodies).toEqual([]);
      expect(parser.pending).toBe(0);
    });

    it('reads a status line split across chunks and several replies in one chunk', () => {
      const { parser, recorded } = recorder(['single', 'single', 'single']);
      parser.push(Buffer.from('+OK 12'));
      parser.push(Buffer.from(' octets\r\n+OK b\r\n-ERR [IN-USE] c\r\n'));
      expect(recorded.statuses).toEqual(['+OK 12 octets', '+OK b', '-ERR [IN-USE] c']);
    });

    it('accepts a status line ended by a bare LF', () => {
      const { parser, recorded } = recorder(['single']);
      parser.push(Buffer.from('+OK ready\n'));
      expect(recorded.statuses).toEqual(['+OK ready']);
      expect(parser.sawBareLf).toBe(true);
    });

    it('rejects a status line longer than the limit', () => {
      const { parser } = recorder(['single']);
      let error: unknown;
      try {
        parser.push(Buffer.from(`+OK ${'a'.repeat(9000)}`));
      } catch (caught) {
        error = caught;
      }
      expect(hasCode(error, 'ESIZE')).toBe(true);
    });

    it('rejects a reply that is neither +OK nor -ERR', () => {
      const { parser } = recorder(['single']);
      expect(() => parser.push(Buffer.from('HTTP/1.1 400 Bad Request\r\n'))).toThrow(
        /unexpected reply/,
      );
    });

    it('rejects data that no command asked for', () => {
      const { parser } = recorder(['single']);
      expect(() => parser.push(Buffer.from('+OK\r\n+OK injected\r\n'))).toThrow(/nobody asked for/);
    });
  });

  describe('listings', () => {
    it('splits a UIDL listing into lines, unstuffed, at any split position', () => {
      const wire = Buffer.from('+OK\r\n1 abc\r\n..2 stuffed\r\n3 d\r\n.\r\n');
      for (let cut = 0; cut <= wire.length; cut += 1) {
        const { parser, recorded } = recorder(['lines']);
        feedSplit(parser, wire, [cut]);
        expect(recorded.lines[0]).toEqual(['1 abc', '.2 stuffed', '3 d']);
      }
    });

    it('cuts an overlong listing line at the cap, says its full length, and reads on', () => {
      const parser = new ReplyParser({ maxLineBytes: 100, maxListingBytes: 100_000 });
      const lines: Array<{ text: string; length: number }> = [];
      let ended = false;
      parser.expect({
        kind: 'lines',
        onStatus: () => {},
        onLine: (line, length) => lines.push({ text: line.toString('latin1'), length }),
        onEnd: () => {
          ended = true;
        },
      });
      const wire = Buffer.from(`+OK\r\n1 a\r\n2 ${'x'.repeat(10_000)}\r\n3 c\r\n.\r\n`);

      for (let offset = 0; offset < wire.length; offset += 7) {
        parser.push(wire.subarray(offset, offset + 7));
      }

      expect(lines.map((line) => [line.text.length, line.length])).toEqual([
        [3, 3],
        [100, 10_002],
        [3, 3],
      ]);
      expect(lines[1]?.text).toBe(`2 ${'x'.repeat(98)}`);
      expect(ended).toBe(true);
    });

    it('caps the size of a whole listing', () => {
      const parser = new ReplyParser({ maxLineBytes: 100, maxListingBytes: 1_000 });
      parser.expect({ kind: 'lines', onStatus: () => {}, onLine: () => {} });
      expect(() => parser.push(Buffer.from(`+OK\r\n${'1 abc\r\n'.repeat(200)}`))).toThrow(
        /listing exceeds/,
      );
    });
  });

  describe('a server that ends lines with LF only', () => {
    it('reads its listings, which end at LF "." LF', () => {
      const { parser, recorded } = recorder(['single', 'lines', 'single']);
      parser.push(Buffer.from('+OK ready\n+OK\nTOP\nUIDL\n.\n+OK 2 300\n'));
      expect(recorded.lines).toEqual([['TOP', 'UIDL']]);
      expect(recorded.statuses).toEqual(['+OK ready', '+OK ', '+OK 2 300']);
      expect(parser.pending).toBe(0);
    });

    it('refuses to guess where its messages end, saying why', () => {
      const { parser } = recorder(['single', 'multi']);
      parser.push(Buffer.from('+OK ready\n'));
      let error: unknown;
      try {
        parser.push(Buffer.from('+OK 20 octets\nSubject: x\n\nbody\n.\n'));
      } catch (caught) {
        error = caught;
      }
      expect(hasCode(error, 'EPROTOCOL')).toBe(true);
      expect((error as Error).message).toMatch(/ends its lines with LF only/);
    });

    it('still reads "." LF inside a message of a CRLF server as a stuffed dot (RFC 1939)', () => {
      const { parser, recorded } = recorder(['multi']);
      parser.push(Buffer.from('+OK\r\nSubject: x\r\n\r\na\n.\nb\r\n.\r\n'));
      expect(recorded.bodies[0]?.toString()).toBe('Subject: x\r\n\r\na\n\nb\r\n');
    });
  });

  describe('SASL', () => {
    it('reads "+ " and a bare "+" as continuations, and +OK as success', () => {
      const { parser, recorded } = recorder(['sasl', 'sasl', 'sasl']);
      parser.push(Buffer.from('+ \r\n+\r\n+OK welcome\r\n'));
      expect(recorded.continuations).toEqual(['', '']);
      expect(recorded.statuses).toEqual(['+OK welcome']);
    });

    it('reads the base64 failure challenge of XOAUTH2', () => {
      const { parser, recorded } = recorder(['sasl']);
      parser.push(Buffer.from('+ eyJzdGF0dXMiOiI0MDEifQ==\r\n'));
      expect(recorded.continuations).toEqual(['eyJzdGF0dXMiOiI0MDEifQ==']);
    });

    it('treats a "+" line as an error outside SASL', () => {
      const { parser } = recorder(['single']);
      expect(() => parser.push(Buffer.from('+ \r\n'))).toThrow(/unexpected reply/);
    });
  });

  describe('STLS', () => {
    it('drops plaintext injected after the +OK to STLS', () => {
      const parser = new ReplyParser();
      const statuses: string[] = [];
      parser.expect({
        kind: 'single',
        onStatus: (status) => {
          statuses.push(status.text);
          parser.discardBuffered();
        },
      });
      parser.expect({
        kind: 'single',
        onStatus: (status) => statuses.push(`after: ${status.text}`),
      });

      parser.push(Buffer.from('+OK begin TLS\r\n+OK forged reply\r\n'));

      expect(statuses).toEqual(['begin TLS']);
      expect(parser.pending).toBe(1);
    });
  });
});

describe('ReplyParser with an unstuffed first line (Dovecot)', () => {
  const read = (wire: string) => {
    const parser = new ReplyParser();
    const chunks: Buffer[] = [];
    let ended = 0;
    parser.expect({
      kind: 'multi',
      literalFirstLine: true,
      onStatus: () => {},
      onData: (chunk) => chunks.push(Buffer.from(chunk)),
      onEnd: () => {
        ended += 1;
      },
    });
    parser.expect({ kind: 'single', onStatus: () => {} });
    parser.push(Buffer.from(wire, 'latin1'));
    return { body: Buffer.concat(chunks).toString('latin1'), ended, pending: parser.pending };
  };

  it('keeps a leading dot of the first line', () => {
    expect(read('+OK\r\n.From: x\r\n\r\n..body\r\n.\r\n+OK\r\n')).toEqual({
      body: '.From: x\r\n\r\n.body\r\n',
      ended: 1,
      pending: 0,
    });
  });

  it('reads a message that is a lone dot line instead of ending early', () => {
    expect(read('+OK 3 octets\r\n.\r\n.\r\n+OK\r\n')).toEqual({
      body: '.\r\n',
      ended: 1,
      pending: 0,
    });
  });

  it('reads an empty message, which Dovecot sends as one CRLF', () => {
    expect(read('+OK 0 octets\r\n\r\n.\r\n+OK\r\n')).toEqual({
      body: '\r\n',
      ended: 1,
      pending: 0,
    });
  });
});
