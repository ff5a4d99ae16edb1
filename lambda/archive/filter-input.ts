import { PopfwdError } from '../errors.js';
import { parseSize } from '../units.js';
import type { ArchiveFilter } from './filter.js';

/**
 * The filters as a person types them (command-line flags, or the web viewer's query string),
 * checked and turned into an `ArchiveFilter`. Every mistake is EUSAGE naming the field, so a
 * typo never silently matches everything or nothing.
 */
export interface FilterInput {
  readonly from?: string | undefined;
  readonly to?: string | undefined;
  readonly subject?: string | undefined;
  /** `YYYY-MM-DD` (that UTC day's start) or an ISO 8601 time with a zone. */
  readonly since?: string | undefined;
  /** `YYYY-MM-DD` (that whole UTC day included) or an ISO 8601 time with a zone (excluded). */
  readonly until?: string | undefined;
  readonly tag?: string | undefined;
  /** A size: `1MB`, `500KiB`, `2048`. */
  readonly larger?: string | undefined;
}

/** How a field is named in an error: `--since` on the command line, `since` in a query string. */
export type FieldLabel = (field: keyof FilterInput) => string;

const flagLabel: FieldLabel = (field) => `--${field}`;

const DAY_MS = 86_400_000;
const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
/** A date, a time to the minute at least, and a zone: nothing left to the machine's time zone. */
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i;

const usage = (message: string, field: string): PopfwdError =>
  new PopfwdError('EUSAGE', message, { context: { field } });

/** Epoch ms of the day's start (UTC), or null when it is not a real calendar day. */
const dayStart = (text: string): number | null => {
  const match = DAY.exec(text);
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const time = Date.UTC(year, month - 1, day);
  const date = new Date(time);
  // Date.UTC rolls 2026-02-31 over into March: a day that does not exist is a typo.
  const real =
    date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
  return real ? time : null;
};

const parseDate = (
  text: string,
  field: 'since' | 'until',
  label: FieldLabel,
): { readonly time: number; readonly day: boolean } => {
  const trimmed = text.trim();
  const day = dayStart(trimmed);
  if (day !== null) return { time: day, day: true };
  const time = INSTANT.test(trimmed) ? Date.parse(trimmed) : Number.NaN;
  if (Number.isNaN(time)) {
    throw usage(
      `${label(field)} expects a date like 2026-11-30 or a time like 2026-11-30T08:00:00Z, got "${text.slice(0, 60)}"`,
      field,
    );
  }
  return { time, day: false };
};

const text = (
  value: string | undefined,
  field: keyof FilterInput,
  label: FieldLabel,
): string | undefined => {
  if (value === undefined) return undefined;
  if (value.trim() === '') throw usage(`${label(field)} needs a non-empty value`, field);
  return value;
};

/** Checks the filters and returns them as `recordFilter` takes them; EUSAGE names a bad one. */
export const parseFilter = (input: FilterInput, label: FieldLabel = flagLabel): ArchiveFilter => {
  const filter: {
    -readonly [K in keyof ArchiveFilter]: ArchiveFilter[K];
  } = {};
  const from = text(input.from, 'from', label);
  const to = text(input.to, 'to', label);
  const subject = text(input.subject, 'subject', label);
  const tag = text(input.tag, 'tag', label);
  if (from !== undefined) filter.from = from;
  if (to !== undefined) filter.to = to;
  if (subject !== undefined) filter.subject = subject;
  if (tag !== undefined) filter.tag = tag;
  if (input.since !== undefined) filter.since = parseDate(input.since, 'since', label).time;
  if (input.until !== undefined) {
    const until = parseDate(input.until, 'until', label);
    // A day given to --until is included whole: --until 2026-11-30 keeps mail of the 30th.
    filter.until = until.day ? until.time + DAY_MS : until.time;
  }
  if (filter.since !== undefined && filter.until !== undefined && filter.since >= filter.until) {
    throw usage(`${label('since')} must be before ${label('until')}`, 'since');
  }
  if (input.larger !== undefined) {
    const bytes = parseSize(input.larger);
    if (bytes === null) {
      throw usage(
        `${label('larger')} expects a size like 1MB, 500KiB or 2048, got "${input.larger.slice(0, 60)}"`,
        'larger',
      );
    }
    filter.larger = bytes;
  }
  return filter;
};

/** True when no filter is given: the whole archive. */
export const isEmptyFilter = (filter: ArchiveFilter): boolean =>
  Object.values(filter).every((value) => value === undefined);
