import { type ErrorCode, isPopfwdError } from '../errors.js';
import { printable } from '../pop3/server-text.js';
import type { FetchFailure, MailboxState } from './ledger-types.js';

/**
 * A message the server cannot deliver (a RETR always refused, a connection that always dies in
 * the middle of it) must not block the messages after it. Failures are counted per UIDL; after
 * QUARANTINE_AFTER in a row the message is set aside for QUARANTINE_MS — never deleted, tried
 * again later, reported on every run — and the rest of the mailbox flows.
 */
export const QUARANTINE_AFTER = 3;
export const QUARANTINE_MS = 24 * 3_600_000;

/** Failures that may be the message's own doing; our store failing is not. */
const SERVER_SIDE: ReadonlySet<ErrorCode> = new Set([
  'ECOMMAND',
  'ESYSTEMP',
  'ESYSPERM',
  'ECONNECTION',
  'EPROTOCOL',
  'ETIMEDOUT',
  'ESIZE',
]);

export const isServerSideFetchFailure = (error: unknown): boolean =>
  isPopfwdError(error) && SERVER_SIDE.has(error.code);

export const recordFetchFailure = (
  state: MailboxState,
  uidl: string,
  error: unknown,
  now: number,
): MailboxState => {
  const previous = state.fetchFailures?.[uidl];
  const count = (previous?.count ?? 0) + 1;
  const failure: FetchFailure = {
    count,
    code: isPopfwdError(error) ? error.code : 'EPROTOCOL',
    message: error instanceof Error ? error.message : String(error),
    ...(count >= QUARANTINE_AFTER
      ? { quarantinedUntil: new Date(now + QUARANTINE_MS).toISOString() }
      : {}),
  };
  return { ...state, fetchFailures: { ...state.fetchFailures, [uidl]: failure } };
};

/** Forgets failures of messages that were fetched, or that left the server. */
export const clearFetchFailures = (state: MailboxState, uidls: Iterable<string>): MailboxState => {
  if (!state.fetchFailures) return state;
  const drop = new Set(uidls);
  const kept = Object.entries(state.fetchFailures).filter(([uidl]) => !drop.has(uidl));
  if (kept.length === Object.keys(state.fetchFailures).length) return state;
  const { fetchFailures: _cleared, ...rest } = state;
  return kept.length > 0 ? { ...rest, fetchFailures: Object.fromEntries(kept) } : rest;
};

/** UIDLs set aside right now. */
export const quarantined = (state: MailboxState, now: number): Map<string, FetchFailure> =>
  new Map(
    Object.entries(state.fetchFailures ?? {}).filter(
      ([, failure]) =>
        failure.quarantinedUntil !== undefined && Date.parse(failure.quarantinedUntil) > now,
    ),
  );

/**
 * The alert for messages set aside that the server still lists: they stay there, untouched, until
 * the quarantine ends or a person removes them. Null when there are none.
 */
export const setAsideAlert = (
  setAside: ReadonlyArray<readonly [uidl: string, failure: FetchFailure]>,
): { code: ErrorCode; message: string } | null => {
  const [first] = setAside;
  if (!first) return null;
  const [, failure] = first;
  const uidls = setAside.map(([uidl]) => uidl).join(', ');
  return {
    code: failure.code,
    message: `${setAside.length} message(s) could not be read ${QUARANTINE_AFTER} times in a row and stay on the server, set aside until ${failure.quarantinedUntil} (UIDL ${uidls}): ${printable(failure.message, 500)}`,
  };
};
