import { POP3_LIMITS } from './limits.js';
import { printable, printableBytes } from './server-text.js';

/** A UIDL listing line: message number and unique-id. */
export interface UidlEntry {
  readonly n: number;
  readonly uidl: string;
}

/** A listing line popfwd cannot use, and why. The message it names (if any) is left alone. */
export interface RejectedLine {
  /** 1-based position of the line in the listing. */
  readonly line: number;
  /** The message number the line starts with, when it has one. */
  readonly n: number | null;
  /** What is wrong, printable, with a short excerpt of the line. */
  readonly reason: string;
}

export interface UidlListing {
  readonly entries: readonly UidlEntry[];
  readonly rejected: readonly RejectedLine[];
}

export interface SizeListing {
  readonly sizes: ReadonlyMap<number, number>;
  readonly rejected: readonly RejectedLine[];
}

/** A listing line as framing hands it out: capped bytes and the full length. */
export interface RawLine {
  readonly bytes: Buffer;
  readonly length: number;
}

const NUMBER = /^([1-9][0-9]{0,9})(?:[ \t]|$)/;

const messageNumber = (text: string): number | null => {
  const match = NUMBER.exec(text);
  return match?.[1] ? Number(match[1]) : null;
};

const reject = (index: number, raw: RawLine, n: number | null, what: string): RejectedLine => ({
  line: index + 1,
  n,
  reason: `${what}: "${printableBytes(raw.bytes, 60)}"`,
});

/**
 * Parses UIDL lines (RFC 1939 §7: `n unique-id`, the id 1–70 characters 0x21–0x7E). One bad line
 * rejects only itself: its message is neither fetched nor deleted, and the rest of the mailbox
 * flows. Ids up to `maxAcceptedUidlLength` are accepted, since some servers exceed 70.
 */
export const parseUidlLines = (lines: readonly RawLine[]): UidlListing => {
  const entries: UidlEntry[] = [];
  const rejected: RejectedLine[] = [];
  lines.forEach((raw, index) => {
    const text = raw.bytes.toString('latin1');
    const n = messageNumber(text);
    if (raw.length > raw.bytes.length) {
      rejected.push(reject(index, raw, n, `the line is ${raw.length} bytes long`));
      return;
    }
    const match = /^([1-9][0-9]{0,9})[ \t]+(\S+)[ \t]*$/.exec(text);
    const uidl = match?.[2];
    if (!match || uidl === undefined || n === null) {
      rejected.push(reject(index, raw, n, 'not "<message number> <unique-id>"'));
    } else if (!/^[\x21-\x7e]+$/.test(uidl)) {
      rejected.push(
        reject(index, raw, n, 'the unique-id has bytes outside 0x21–0x7E (RFC 1939 §7)'),
      );
    } else if (uidl.length > POP3_LIMITS.maxAcceptedUidlLength) {
      rejected.push(
        reject(
          index,
          raw,
          n,
          `the unique-id is ${uidl.length} characters long (RFC 1939 allows 70, popfwd ${POP3_LIMITS.maxAcceptedUidlLength})`,
        ),
      );
    } else {
      entries.push({ n, uidl });
    }
  });
  return { entries, rejected };
};

/** Parses LIST lines (`n octets`); a bad line only loses that message's size hint. */
export const parseListLines = (lines: readonly RawLine[]): SizeListing => {
  const sizes = new Map<number, number>();
  const rejected: RejectedLine[] = [];
  lines.forEach((raw, index) => {
    const text = raw.bytes.toString('latin1');
    const match = /^([1-9][0-9]{0,9})[ \t]+([0-9]{1,15})(?:[ \t].*)?$/.exec(text);
    if (raw.length > raw.bytes.length || !match) {
      rejected.push(reject(index, raw, messageNumber(text), 'not "<message number> <size>"'));
      return;
    }
    sizes.set(Number(match[1]), Number(match[2]));
  });
  return { sizes, rejected };
};

/** One line for a log or an alert: how many lines were rejected and the first few reasons. */
export const describeRejected = (what: string, rejected: readonly RejectedLine[]): string => {
  const shown = rejected
    .slice(0, 3)
    .map(
      (line) => `line ${line.line}${line.n === null ? '' : ` (message ${line.n})`}: ${line.reason}`,
    );
  const more = rejected.length > 3 ? `; and ${rejected.length - 3} more` : '';
  return printable(
    `the server's ${what} listing has ${rejected.length} line(s) popfwd cannot use — ${shown.join('; ')}${more}`,
    1_000,
  );
};
