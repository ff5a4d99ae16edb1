import { MAX_ZONE_WORDS, zoneOffset } from './time-zones.js';

/**
 * A Date header to ISO 8601 UTC, or null. RFC 5322 §3.3 with its obsolete syntax (§4.3), read the
 * way real mail is written:
 *
 * - any order of day, month, year and time that mailers use (`Tue, 6 Aug 2002 11:48:09 +0100`,
 *   asctime's `Tue Aug  6 11:48:09 2002`, `6-Aug-2002`), weekday optional and never checked;
 * - two-digit years 00–49 as 20xx and 50–99 as 19xx, three-digit years plus 1900 (RFC 5322 §4.3);
 * - `11.48.09` and `1:5:13`, a trailing AM or PM;
 * - zones: `+0100`, unsigned `0530`, `+-0500` (a sign printed before a negative number), `GMT+1`,
 *   `+01:00`, RFC 822 names, common abbreviations, Windows names ("Eastern Daylight Time") and a
 *   zone given only in a comment (`(EDT)`); a numeric offset wins over a name. No zone, or one
 *   that is unknown, is UTC ("-0000", RFC 5322 §4.3);
 * - whatever follows a complete date (a junk continuation line) is ignored.
 *
 * Bounded: only the first MAX_DATE_CHARS characters are read, tokens are split by hand and every
 * pattern is anchored on one short token, so nothing backtracks.
 */

/** Longest date worth reading: real ones are under 80 characters, comments included. */
export const MAX_DATE_CHARS = 256;
/** Tokens looked at; a complete date needs at most about eight. */
const MAX_TOKENS = 16;
const MAX_TOKEN_LENGTH = 40;

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const FULL_MONTHS = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];
const WEEKDAYS = /^(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:day|nesday|sday|urday)?$/;

const monthOf = (word: string): number | undefined => {
  const index = MONTHS.indexOf(word);
  if (index >= 0) return index + 1;
  const full = FULL_MONTHS.indexOf(word);
  if (full >= 0) return full + 1;
  // "Sept"
  return word === 'sept' ? 9 : undefined;
};

/** The value without comments, and the text of each comment (a zone may hide in one). */
const splitComments = (value: string): { text: string; comments: string[] } => {
  let text = '';
  const comments: string[] = [];
  let comment = '';
  let depth = 0;
  for (const char of value) {
    if (char === '(') {
      if (depth > 0) comment += char;
      depth += 1;
    } else if (char === ')' && depth > 0) {
      depth -= 1;
      if (depth > 0) comment += char;
      else {
        comments.push(comment);
        comment = '';
        text += ' ';
      }
    } else if (depth > 0) comment += char;
    else text += char;
  }
  return { text, comments };
};

// Anchored on one token, no nested quantifiers.
const TIME = /^(\d{1,2})[:.](\d{1,2})(?:[:.](\d{1,2}))?(?:[.,]\d{1,9})?/;
const MERIDIEM = /^(?:(am|a\.m\.?)|(pm|p\.m\.?))$/;
const DASHED_DATE = /^(\d{1,2})-([a-z]{3,9})-(\d{2,4})$/;
const NUMERIC_ZONE = /^([+-]*)(\d{1,2}(?::?\d{2})?)$/;
const NAMED_OFFSET = /^(?:gmt|utc|ut)([+-].*)$/;

/**
 * Minutes east of UTC from `+0100`, `-5`, `+05:30`, `+-0500` or `0530`; undefined if not one. A
 * signed HHMM is taken as written even past ±14:00 (RFC 5322 sets no bound, and spamware's
 * `-1900` is what Python and every browser apply); an unsigned one must look like a real zone.
 */
const numericOffset = (token: string, signRequired: boolean): number | undefined => {
  const match = NUMERIC_ZONE.exec(token);
  if (!match) return undefined;
  const signs = match[1] ?? '';
  if (signRequired && signs === '') return undefined;
  const digits = (match[2] ?? '').replace(':', '');
  // One or two digits are hours; three or four are HMM or HHMM.
  const hours = digits.length <= 2 ? Number(digits) : Number(digits.slice(0, -2));
  const minutes = digits.length <= 2 ? 0 : Number(digits.slice(-2));
  if (minutes > 59 || (signs === '' && hours > 14)) return undefined;
  // "+-0500": a mailer printed "+" before a negative number; the last sign is the real one.
  const negative = signs.endsWith('-');
  return (negative ? -1 : 1) * (hours * 60 + minutes);
};

/** Splits a token where a time runs into its zone (`11:48:09+0100`, `11:48:09GMT`). */
const tokenize = (text: string): string[] => {
  const tokens: string[] = [];
  for (const raw of text.split(/[\s,]+/)) {
    if (tokens.length >= MAX_TOKENS) break;
    if (!raw || raw.length > MAX_TOKEN_LENGTH) {
      if (raw) tokens.push('');
      continue;
    }
    const word = raw.toLowerCase();
    const dashed = DASHED_DATE.exec(word);
    if (dashed) {
      tokens.push(dashed[1] ?? '', dashed[2] ?? '', dashed[3] ?? '');
      continue;
    }
    const time = TIME.exec(word);
    const rest = time ? word.slice(time[0].length) : '';
    if (time && rest && !/^[\d.]/.test(rest)) tokens.push(time[0], rest);
    else tokens.push(word);
  }
  return tokens;
};

interface Parts {
  day?: number;
  month?: number;
  year?: number;
  hour?: number;
  minute?: number;
  second?: number;
  /** Minutes east of UTC; `numeric` marks one written as digits, which a name cannot override. */
  offset?: number;
  numeric?: boolean;
}

/**
 * RFC 5322 §4.3: two-digit years 00–49 are 20xx, 50–99 19xx; three-digit years get 1900 added.
 * A four-digit year below 1000 (`0102`) is the same Y2K bug printed with a leading zero.
 */
const fullYear = (digits: string): number => {
  const year = Number(digits);
  if (year < 100) return year < 50 ? 2000 + year : 1900 + year;
  return year < 1000 ? 1900 + year : year;
};

const isComplete = (parts: Parts): boolean =>
  parts.day !== undefined && parts.month !== undefined && parts.year !== undefined;

/** The longest zone name (one to MAX_ZONE_WORDS words) starting at `at`: [offset, words]. */
const zoneNameAt = (tokens: readonly string[], at: number): [number, number] | undefined => {
  for (let words = Math.min(MAX_ZONE_WORDS, tokens.length - at); words >= 1; words--) {
    const offset = zoneOffset(tokens.slice(at, at + words).join(' '));
    if (offset !== undefined) return [offset, words];
  }
  return undefined;
};

/** Reads one token into `parts`; returns how many tokens it used, 0 when it is not date syntax. */
const readToken = (tokens: readonly string[], at: number, parts: Parts): number => {
  const token = tokens[at] ?? '';
  const hasTime = parts.hour !== undefined;
  const time = TIME.exec(token);
  if (time && time[0] === token && !hasTime) {
    parts.hour = Number(time[1]);
    parts.minute = Number(time[2]);
    parts.second = Number(time[3] ?? 0);
    return 1;
  }
  const meridiem = MERIDIEM.exec(token);
  if (meridiem && hasTime && parts.hour !== undefined && parts.hour <= 12) {
    if (meridiem[1] && parts.hour === 12) parts.hour = 0;
    if (meridiem[2] && parts.hour < 12) parts.hour += 12;
    return 1;
  }
  if (/^\d+$/.test(token)) {
    // After the time, four digits are a year only while none was read (asctime), else a zone.
    if (hasTime && parts.year !== undefined && parts.offset === undefined) {
      const offset = numericOffset(token, false);
      if (offset === undefined || token.length < 3) return 0;
      parts.offset = offset;
      parts.numeric = true;
      return 1;
    }
    if (parts.day === undefined && token.length <= 2 && Number(token) >= 1) {
      parts.day = Number(token);
      return 1;
    }
    if (parts.year === undefined && (token.length === 4 || parts.day !== undefined)) {
      if (token.length > 4) return 0;
      parts.year = fullYear(token);
      return 1;
    }
    return 0;
  }
  const word = token.replace(/\.$/, '');
  const month = monthOf(word);
  if (month !== undefined && parts.month === undefined) {
    parts.month = month;
    return 1;
  }
  if (WEEKDAYS.test(word) && !hasTime) return 1;
  if (!hasTime) return 0;
  const named = NAMED_OFFSET.exec(token);
  const offset = numericOffset(named ? (named[1] ?? '') : token, true);
  if (offset !== undefined) {
    if (!parts.numeric) {
      parts.offset = offset;
      parts.numeric = true;
    }
    return 1;
  }
  const zone = zoneNameAt(tokens, at);
  if (zone) {
    if (parts.offset === undefined) parts.offset = zone[0];
    return zone[1];
  }
  return 0;
};

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

const toIso = (parts: Parts): string | null => {
  const { day, month, year } = parts;
  if (day === undefined || month === undefined || year === undefined) return null;
  const hour = parts.hour ?? 0;
  const minute = parts.minute ?? 0;
  const second = parts.second ?? 0;
  if (year < 1900 || year > 9999 || day > (DAYS_IN_MONTH[month - 1] ?? 0)) return null;
  // 29 February of a year that has none
  if (month === 2 && day === 29 && new Date(Date.UTC(year, 1, 29)).getUTCDate() !== 29) return null;
  // second 60 is a leap second: Date.UTC carries it into the next minute
  if (hour > 23 || minute > 59 || second > 60) return null;
  const utc = Date.UTC(year, month - 1, day, hour, minute, second) - (parts.offset ?? 0) * 60_000;
  const date = new Date(utc);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
};

/** The Date header's value (unfolded, decoded) to ISO 8601 UTC, or null. Never throws. */
export const parseMailDate = (value: string): string | null => {
  try {
    const { text, comments } = splitComments(value.slice(0, MAX_DATE_CHARS));
    const tokens = tokenize(text);
    const parts: Parts = {};
    let at = 0;
    while (at < tokens.length) {
      const used = tokens[at] ? readToken(tokens, at, parts) : 0;
      // Junk after a complete date (a stray continuation line) ends it; junk inside is skipped.
      if (used === 0 && isComplete(parts) && parts.hour !== undefined) break;
      at += Math.max(used, 1);
    }
    if (parts.offset === undefined && parts.hour !== undefined) {
      for (const comment of comments) {
        const offset = zoneOffset(comment);
        if (offset !== undefined) {
          parts.offset = offset;
          break;
        }
      }
    }
    return toIso(parts);
  } catch {
    return null;
  }
};
