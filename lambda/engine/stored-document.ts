import * as z from 'zod';
import { ERROR_CODES, type ErrorCode, PopfwdError } from '../errors.js';

/**
 * Every document popfwd reads back from its store is checked against a schema before it is used:
 * a damaged file taken for an absent or empty one would make a run repeat sends or deletions.
 * Objects are loose: a field a newer popfwd added passes through untouched.
 */

const errorCodes = Object.keys(ERROR_CODES) as [ErrorCode, ...ErrorCode[]];
export const errorCodeSchema = z.enum(errorCodes);

/** A time popfwd wrote with toISOString(); anything Date.parse cannot read is damage. */
export const isoTimeSchema = z
  .string()
  .refine((value) => !Number.isNaN(Date.parse(value)), { error: 'expected an ISO time' });

/** A message id: 32 hex characters (layout.ts). */
export const messageIdSchema = z
  .string()
  .regex(/^[0-9a-f]{32}$/, { error: 'expected a message id' });

export const sha256Schema = z.string().regex(/^[0-9a-f]{64}$/, { error: 'expected a SHA-256' });

const MAX_PROBLEMS = 3;

/** The first few schema problems, for an error message. */
export const describeIssues = (issues: readonly z.core.$ZodIssue[]): string =>
  issues
    .slice(0, MAX_PROBLEMS)
    .map((issue) => {
      const path = issue.path.map((segment) => String(segment)).join('.');
      return `${path || '(top level)'}: ${issue.message.replace(/^Invalid input: /, '')}`;
    })
    .join('; ');

/**
 * Parses a stored JSON document or throws ESTORE (not retryable) naming the key, what is wrong
 * and what to do (`remedy`). Never returns a guess.
 */
export const parseStored = <T>(
  schema: z.ZodType<T>,
  body: Buffer,
  key: string,
  remedy: string,
): T => {
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch (cause) {
    throw damaged(key, 'not valid JSON', remedy, cause);
  }
  const result = schema.safeParse(value);
  if (!result.success) throw damaged(key, describeIssues(result.error.issues), remedy);
  // The checked value as JSON.parse made it: zod's copy would drop keys such as a UIDL
  // "__proto__", and no schema here transforms anything.
  return value as T;
};

/** The error for a stored document that cannot be used as it is. */
export const damaged = (
  key: string,
  problem: string,
  remedy: string,
  cause?: unknown,
): PopfwdError =>
  new PopfwdError('ESTORE', `${key} is damaged (${problem}); ${remedy}`, {
    cause,
    retryable: false,
    context: { key, problem },
  });

/** The remedy for the ledger documents, which popfwd cannot rebuild without guessing. */
export const RESTORE_REMEDY = 'restore it from a backup or fix it (popfwd will not guess)';
