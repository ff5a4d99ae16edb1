import { PopfwdError } from '../errors.js';

/**
 * Store keys are '/'-separated relative paths. Both adapters apply the same rules, so a key that
 * works against S3 works on disk and can never name a file outside the local root.
 */

/** Segments beginning with this are the local store's own files (temp files, locks). */
export const RESERVED_SEGMENT_PREFIX = '.popfwd.';

/** S3's limit, in UTF-8 bytes. */
const MAX_KEY_BYTES = 1024;

// Control characters (incl. NUL, CR, LF, DEL) and the Windows path separator.
const FORBIDDEN_CHARACTERS = /[\x00-\x1f\x7f\\]/;

/** Returns `key` unchanged or throws EARGUMENT naming what is wrong with it. */
export const validateKey = (key: string): string => {
  const problem = keyProblem(key, false);
  if (problem !== undefined) throw invalid('key', key, problem);
  return key;
};

/**
 * A list prefix: '' (everything), or the start of a key. Its last segment may be partial or
 * empty ('raw/' or 'raw/ab'); every other rule of `validateKey` applies.
 */
export const validatePrefix = (prefix: string): string => {
  const problem = prefix === '' ? undefined : keyProblem(prefix, true);
  if (problem !== undefined) throw invalid('prefix', prefix, problem);
  return prefix;
};

const keyProblem = (key: string, isPrefix: boolean): string | undefined => {
  if (key === '') return 'is empty';
  if (Buffer.byteLength(key) > MAX_KEY_BYTES) return `is longer than ${MAX_KEY_BYTES} bytes`;
  if (FORBIDDEN_CHARACTERS.test(key)) return 'contains a control character or a backslash';
  if (key.startsWith('/')) return 'is absolute';
  const segments = key.split('/');
  const last = segments.length - 1;
  for (const [index, segment] of segments.entries()) {
    if (segment === '' && !(isPrefix && index === last)) return 'has an empty segment';
    if (segment === '.' || segment === '..') return `has a '${segment}' segment`;
    if (segment.startsWith(RESERVED_SEGMENT_PREFIX)) return 'uses a reserved name';
  }
  return undefined;
};

const invalid = (what: 'key' | 'prefix', value: string, problem: string): PopfwdError =>
  new PopfwdError('EARGUMENT', `store ${what} ${JSON.stringify(value)} ${problem}`, {
    context: { [what]: value, problem },
  });

/** A key prefix as the S3 store uses it: no leading slash, a trailing one unless empty. */
export const normalizePrefix = (prefix: string): string => {
  const trimmed = prefix.replace(/^\/+/, '');
  return trimmed === '' || trimmed.endsWith('/') ? trimmed : `${trimmed}/`;
};
