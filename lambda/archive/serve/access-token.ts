import { randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * The secret in the viewer's URL. Every request must carry it as the first path segment
 * (`/<token>/…`): other users of this machine can reach 127.0.0.1 too, and so can any web page
 * the owner visits (by making the browser send requests). 32 random bytes, base64url, so it is
 * safe in a path and cannot be guessed; it is printed once and never logged.
 */
export const newAccessToken = (): string => randomBytes(32).toString('base64url');

/**
 * The path after a matching token segment, from its slash on (`/<token>/api/x` → `/api/x`,
 * `/<token>` → ''), or null when the first segment is not the token (compared in constant time).
 */
export const pathAfterToken = (path: string, token: string): string | null => {
  const end = path.indexOf('/', 1);
  const given = Buffer.from(end === -1 ? path.slice(1) : path.slice(1, end), 'utf8');
  const wanted = Buffer.from(token, 'utf8');
  if (given.length !== wanted.length || !timingSafeEqual(given, wanted)) return null;
  return end === -1 ? '' : path.slice(end);
};
