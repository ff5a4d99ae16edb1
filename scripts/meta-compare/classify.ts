import type { MailAddress } from '../../lambda/mail/message-meta.js';
import type { Field, Value } from './fields.js';

export type Verdict = 'popfwd' | 'python' | 'both' | 'unclassified';

export interface Observation {
  readonly corpus: string;
  readonly file: string;
  readonly field: Field;
  /** The field as written, unfolded, one character per byte. */
  readonly raw: readonly string[];
  readonly popfwd: Value;
  readonly python: Value;
  readonly pythonNaive: boolean;
  readonly pythonErrors: readonly string[];
}

export interface Disagreement extends Observation {
  readonly verdict: Verdict;
  /** The rule that judged it (RULES below), '' when none did. */
  readonly rule: string;
}

export interface Rule {
  readonly id: string;
  readonly verdict: Exclude<Verdict, 'unclassified'>;
  /** Why that side is right, for the report. */
  readonly why: string;
  readonly test: (observation: Observation) => boolean;
}

const EIGHT_BIT = /[\u0080-\u00ff]/;
const REPLACEMENT = '\ufffd';
const WINDOWS_1252 = new TextDecoder('windows-1252');

const text = (value: Value): string => JSON.stringify(value) ?? '';
const rawText = (observation: Observation): string => observation.raw.join('\n');
const isList = (value: Value): value is readonly MailAddress[] => Array.isArray(value);
const list = (value: Value): readonly MailAddress[] => (isList(value) ? value : []);

/** Both sides name the same addresses in the same order (names may differ). */
const sameAddresses = (observation: Observation): boolean => {
  const ours = list(observation.popfwd);
  const theirs = list(observation.python);
  return (
    ours.length === theirs.length &&
    ours.every((entry, index) => entry.address === theirs[index]?.address)
  );
};

/** Python's mailboxes that popfwd does not list, and the other way round (by address). */
const extras = (observation: Observation) => {
  const ours = list(observation.popfwd);
  const theirs = list(observation.python);
  const key = (entry: MailAddress) => `${entry.name}\u0000${entry.address}`;
  const ourKeys = new Set(ours.map(key));
  const theirKeys = new Set(theirs.map(key));
  return {
    onlyPython: theirs.filter((entry) => !ourKeys.has(key(entry))),
    onlyPopfwd: ours.filter((entry) => !theirKeys.has(key(entry))),
  };
};

/**
 * The rules that judge a disagreement, first match wins. Each was written after reading the
 * disagreements it matches in the corpora (docs/METADATA.md lists examples); a disagreement no
 * rule matches is reported as unclassified, to be read and then fixed or given a rule.
 */
export const RULES: readonly Rule[] = [
  {
    id: 'python-error',
    verdict: 'popfwd',
    why: "Python's parser raised on the field and returned nothing",
    test: (o) =>
      o.pythonErrors.some((error) =>
        error.startsWith(`${o.field === 'messageId' ? 'message_id' : o.field}:`),
      ),
  },
  {
    id: '8bit-header-fallback',
    verdict: 'both',
    why: 'raw 8-bit bytes and no declared charset that decodes them: popfwd falls back to windows-1252 (every byte kept, readable back), Python turns them into U+FFFD; for Asian text both are unreadable',
    test: (o) =>
      EIGHT_BIT.test(rawText(o)) &&
      text(o.python).includes(REPLACEMENT) &&
      [...rawText(o).matchAll(/[\u0080-\u00ff]{2,}/g)].some((run) =>
        text(o.popfwd).includes(WINDOWS_1252.decode(Buffer.from(run[0], 'latin1'))),
      ),
  },
  {
    id: '8bit-header',
    verdict: 'popfwd',
    why: 'raw 8-bit bytes in the header: Python reads them as UTF-8 and turns every other byte into U+FFFD; popfwd decodes them in the charset the message declares (or, for Western text, windows-1252)',
    test: (o) =>
      EIGHT_BIT.test(rawText(o)) &&
      text(o.python).includes(REPLACEMENT) &&
      !text(o.popfwd).includes(REPLACEMENT),
  },
  {
    id: 'encoded-word-c1',
    verdict: 'popfwd',
    why: 'bytes 0x80–0x9F in an iso-8859-1 encoded word are windows-1252 in practice (™, €, curly quotes; WHATWG maps the label so); Python drops them as control characters',
    test: (o) =>
      /=\?iso-8859-1\?q\?[^?]*=[89][0-9a-f]/i.test(rawText(o)) &&
      text(o.popfwd).replace(
        /[\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013-\u203a\u20ac\u2122]/g,
        '',
      ) === text(o.python).replace(/[\u0080-\u009f]/g, ''),
  },
  {
    id: 'glued-encoded-word',
    verdict: 'popfwd',
    why: 'an encoded word glued to other text (`H=?ISO-8859-1?B?9g==?=hn`) breaks RFC 2047, but mail programs decode it; Python shows the raw word',
    test: (o) => text(o.python).includes('=?') && !text(o.popfwd).includes('=?'),
  },
  {
    id: 'date-windows-zone',
    verdict: 'popfwd',
    why: 'a Windows zone name ("Eastern Daylight Time") where the offset belongs: popfwd knows its offset; Python does not and reads the time as UTC',
    test: (o) => o.field === 'date' && /(?:standard|daylight) time/i.test(rawText(o)),
  },
  {
    id: 'date-plus-minus',
    verdict: 'popfwd',
    why: '`+-0500` is a negative offset printed after a "+" (a printf bug); Python drops the zone and reads the time as UTC',
    test: (o) => o.field === 'date' && /\+-\d{3,4}/.test(rawText(o)),
  },
  {
    id: 'date-am-pm',
    verdict: 'popfwd',
    why: 'a 12-hour time with AM/PM: Python ignores the PM and is 12 hours off',
    test: (o) => o.field === 'date' && /\d:\d\d\s*[ap]\.?m\b/i.test(rawText(o)),
  },
  {
    id: 'date-y2k-year',
    verdict: 'popfwd',
    why: 'the year 2002 printed as `0102` (tm_year with %04d): popfwd adds 1900 as RFC 5322 does for three-digit years; Python dates the mail in the year 102',
    test: (o) =>
      o.field === 'date' && /\b0\d{3}\b/.test(rawText(o)) && String(o.python).startsWith('0'),
  },
  {
    id: 'date-gmt-offset',
    verdict: 'both',
    why: '`GMT+1`: popfwd reads UTC+1, which the mailers that write it mean; Python drops the unknown zone. POSIX names (Etc/GMT+1) use the opposite sign, so neither is certain',
    test: (o) => o.field === 'date' && /\b(?:gmt|utc)[+-]\d/i.test(rawText(o)),
  },
  {
    id: 'date-junk-zone',
    verdict: 'both',
    why: 'a zone of five digits (`01800`) is no zone: popfwd reads the time as UTC (RFC 5322 "-0000"); Python applies it as +18:00',
    test: (o) => o.field === 'date' && /:\d\d\s+[+-]?\d{5,}/.test(rawText(o)),
  },
  {
    id: 'comment-as-name',
    verdict: 'both',
    why: '`bob@x.example (Bob Smith)`: popfwd shows the comment as the name, as mail programs do; RFC 5322 says comments are not names, and Python drops them',
    test: (o) =>
      isList(o.popfwd) &&
      sameAddresses(o) &&
      rawText(o).includes('(') &&
      list(o.python).every(
        (entry, index) => entry.name === '' || entry.name === list(o.popfwd)[index]?.name,
      ),
  },
  {
    id: 'name-with-at',
    verdict: 'both',
    why: 'a display name written bare with an "@" (`a@x.example <a@x.example>`): popfwd keeps the name as written, Python drops it as invalid',
    test: (o) =>
      isList(o.popfwd) &&
      sameAddresses(o) &&
      list(o.popfwd).every(
        (entry, index) =>
          entry.name === list(o.python)[index]?.name ||
          (list(o.python)[index]?.name === '' && entry.name.includes('@')),
      ),
  },
  {
    id: 'no-address-without-domain',
    verdict: 'popfwd',
    why: 'a broken address or a bare name (`` <C:`Bulk.txt@host> ``, `<Undisclosed-Recipient:;@host>`, `Deal Shopper`): Python makes an address without a domain out of a fragment; popfwd keeps no address rather than a wrong one',
    test: (o) => {
      if (!isList(o.popfwd)) return false;
      const { onlyPython, onlyPopfwd } = extras(o);
      return (
        onlyPython.length > 0 &&
        onlyPython.every((entry) => entry.address !== '' && !entry.address.includes('@')) &&
        onlyPopfwd.every((entry) => entry.address === '')
      );
    },
  },
  {
    id: 'empty-mailbox',
    verdict: 'both',
    why: 'an empty or unreadable mailbox (`"" <>`, `@host`, `a@b@c`): Python lists an entry with neither name nor address, popfwd lists none',
    test: (o) => {
      if (!isList(o.popfwd)) return false;
      const { onlyPython, onlyPopfwd } = extras(o);
      return (
        onlyPopfwd.length === 0 &&
        onlyPython.every((entry) => entry.name === '' && entry.address === '')
      );
    },
  },
  {
    id: 'root-dot-domain',
    verdict: 'both',
    why: '`karsten@web.de.`: a domain ending in the root dot is deliverable as written; RFC 5322 forbids it and Python drops the address',
    test: (o) =>
      isList(o.popfwd) && list(o.popfwd).some((entry) => /@[^@]*\.$/.test(entry.address)),
  },
  {
    id: 'control-in-address',
    verdict: 'both',
    why: 'a control character in a quoted local part (`"\\x06"@host`): popfwd drops the address, Python keeps the control character; neither is usable',
    test: (o) => /[\u0000-\u0008\u000b-\u001f]/.test(rawText(o)) && isList(o.popfwd),
  },
  {
    id: 'garbage-address-list',
    verdict: 'both',
    why: 'an address list broken beyond the grammar (a group name made of an address, a quoted domain): the two parsers recover different pieces',
    test: (o) => isList(o.popfwd) && /"[^"]*"@[^,]*:|@[^,\s]*"|>[^,\s]/.test(rawText(o)),
  },
  {
    id: 'date-unsigned-offset',
    verdict: 'python',
    why: 'an unsigned offset (`23:37:59 0530`) is a zone written without its sign: Python applies it, popfwd read the time as UTC',
    test: (o) => o.field === 'date' && /:\d\d\s+\d{4}(?:\s|$)/.test(rawText(o)),
  },
  {
    id: 'date-missed',
    verdict: 'python',
    why: 'a date Python reads and popfwd did not (a valid date followed by junk)',
    test: (o) => o.field === 'date' && o.popfwd === null && o.python !== null,
  },
  {
    id: 'angle-address-split',
    verdict: 'python',
    why: 'everything inside the angle brackets is the address: Python quotes the local part with a space (`"Undisclosed Recipients"@host`), popfwd split it into a name and half an address',
    test: (o) => /<[^<>@]*\s[^<>@]*@[^<>]*>/.test(rawText(o)) && text(o.python).includes('\\"'),
  },
  {
    id: 'quoted-local-part-lost',
    verdict: 'python',
    why: 'a quoted local part (`"a@b"@host`, or an encoded word that decodes to one) must stay quoted on its own domain: popfwd dropped the quotes, or the sender',
    test: (o) =>
      extras(o).onlyPython.some((entry) => entry.address.startsWith('"')) &&
      !extras(o).onlyPopfwd.some((entry) => entry.address.startsWith('"')),
  },
  {
    id: 'garbage-kept-as-address',
    verdict: 'python',
    why: 'popfwd kept as an address something that is not one (two "@", no local part, brackets in the local part); Python has no address there',
    test: (o) => {
      const { onlyPython, onlyPopfwd } = extras(o);
      return (
        onlyPython.every((entry) => entry.address === '') &&
        onlyPopfwd.some((entry) => /^@|@.*@|^\[/.test(entry.address))
      );
    },
  },
  {
    id: 'garbage-both-ways',
    verdict: 'both',
    why: 'an address that is not one (`` <C:`Bulk.txt@host> ``, `<list:;@host>`): each parser keeps a different wrong piece',
    test: (o) => {
      const { onlyPython, onlyPopfwd } = extras(o);
      return (
        onlyPython.some((entry) => entry.address !== '' && !entry.address.includes('@')) &&
        onlyPopfwd.some((entry) => /[:;`]/.test(entry.address))
      );
    },
  },
  {
    id: 'message-id-specials',
    verdict: 'popfwd',
    why: 'a Message-ID with characters RFC 5322 does not allow in it (`:`, `,`): Python cuts the id at the first; popfwd keeps the id as written, which is what threads match on',
    test: (o) =>
      o.field === 'messageId' &&
      typeof o.popfwd === 'string' &&
      typeof o.python === 'string' &&
      /^\s*<[^<>\s]+>\s*$/.test(rawText(o)) &&
      o.popfwd.startsWith(o.python.slice(0, -1)),
  },
  {
    id: 'message-id-spaces',
    verdict: 'both',
    why: 'a Message-ID with spaces or brackets inside (spamware pasted a Received line into it): popfwd keeps it without the spaces, Python cuts it at the first; there is no right id',
    test: (o) => o.field === 'messageId' && /<[^>]*[\s<]/.test(rawText(o)),
  },
];

export const classify = (observation: Observation): { verdict: Verdict; rule: string } => {
  const rule = RULES.find((candidate) => candidate.test(observation));
  return rule ? { verdict: rule.verdict, rule: rule.id } : { verdict: 'unclassified', rule: '' };
};
