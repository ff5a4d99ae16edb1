import { createHash } from 'node:crypto';

/**
 * Where a mailbox's data lives in the store. Raw messages are keyed by a hash of the UIDL, so a
 * message fetched twice (after a crash) lands on the same key and the store's create-once rule
 * makes it one archive entry.
 *
 *   <mailbox>/state.json            lease, pending sends, vacation memory, daily send count
 *   <mailbox>/uidls.json            UIDLs already archived (read once per poll)
 *   <mailbox>/raw/<id>.eml          the raw message, exactly as RETR delivered it
 *   <mailbox>/records/<id>.json     its metadata, rule outcome and actions
 *   <mailbox>/sha256/<sha256>.json  which message id holds these exact bytes (read per new message)
 *
 * Raw mail has a prefix of its own so a lifecycle rule can move it to a colder storage class
 * while records and state stay instantly readable.
 */
export interface MailboxLayout {
  readonly prefix: string;
  readonly stateKey: string;
  readonly seenKey: string;
  readonly rawPrefix: string;
  readonly recordsPrefix: string;
  readonly digestPrefix: string;
  /** The message id for a UIDL: 32 hex characters of SHA-256. */
  idFor(uidl: string): string;
  rawKey(id: string): string;
  recordKey(id: string): string;
  /** The index entry for a message's hex SHA-256. */
  digestKey(sha256: string): string;
}

/** A file- and key-safe folder name for the mailbox address. */
export const mailboxFolder = (address: string): string =>
  address.toLowerCase().replace(/[^a-z0-9@._+-]/g, '_');

export const mailboxLayout = (address: string): MailboxLayout => {
  const prefix = `${mailboxFolder(address)}/`;
  const rawPrefix = `${prefix}raw/`;
  const recordsPrefix = `${prefix}records/`;
  const digestPrefix = `${prefix}sha256/`;
  return {
    prefix,
    stateKey: `${prefix}state.json`,
    seenKey: `${prefix}uidls.json`,
    rawPrefix,
    recordsPrefix,
    digestPrefix,
    idFor: (uidl) => createHash('sha256').update(uidl, 'latin1').digest('hex').slice(0, 32),
    rawKey: (id) => `${rawPrefix}${id}.eml`,
    recordKey: (id) => `${recordsPrefix}${id}.json`,
    digestKey: (sha256) => `${digestPrefix}${sha256}.json`,
  };
};
