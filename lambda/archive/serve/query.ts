import { parseSize } from '../../units.js';
import type { ArchiveFilter } from '../filter.js';
import { HttpError } from './http-response.js';

/** Longest text a filter or a search takes: a glob or a phrase, not a document. */
export const MAX_QUERY_TEXT = 200;
/** Rows in one page of the list. */
export const MAX_PAGE = 500;

const text = (params: URLSearchParams, name: string): string | undefined => {
  const value = params.get(name);
  if (value === null || value.trim() === '') return undefined;
  if (value.length > MAX_QUERY_TEXT) {
    throw new HttpError(400, `${name}: at most ${MAX_QUERY_TEXT} characters`);
  }
  return value.trim();
};

/** Epoch ms, or anything Date.parse reads (2026-11-26, an ISO time). */
const time = (params: URLSearchParams, name: string): number | undefined => {
  const value = text(params, name);
  if (value === undefined) return undefined;
  const parsed = /^-?\d+$/.test(value) ? Number(value) : Date.parse(value);
  if (!Number.isSafeInteger(parsed)) throw new HttpError(400, `${name}: not a date: ${value}`);
  return parsed;
};

/** The filters of `archive list`, from the query string. */
export const parseFilter = (params: URLSearchParams): ArchiveFilter => {
  const larger = text(params, 'larger');
  const bytes = larger === undefined ? undefined : parseSize(larger);
  if (bytes === null) throw new HttpError(400, `larger: not a size: ${larger}`);
  const filter: ArchiveFilter = {
    from: text(params, 'from'),
    to: text(params, 'to'),
    subject: text(params, 'subject'),
    tag: text(params, 'tag'),
    since: time(params, 'since'),
    until: time(params, 'until'),
    larger: bytes,
  };
  return Object.fromEntries(
    Object.entries(filter).filter(([, value]) => value !== undefined),
  ) as ArchiveFilter;
};

const integer = (params: URLSearchParams, name: string, fallback: number, max: number): number => {
  const value = params.get(name);
  if (value === null || value === '') return fallback;
  if (!/^\d{1,9}$/.test(value) || Number(value) > max) {
    throw new HttpError(400, `${name}: a whole number from 0 to ${max}`);
  }
  return Number(value);
};

export const parsePage = (params: URLSearchParams): { offset: number; limit: number } => ({
  offset: integer(params, 'offset', 0, 1e9),
  limit: Math.max(1, integer(params, 'limit', 100, MAX_PAGE)),
});

/** The words of a full-text search. */
export const parseSearchText = (params: URLSearchParams): string => {
  const value = text(params, 'q');
  if (value === undefined) throw new HttpError(400, 'q: what to search for');
  return value;
};
