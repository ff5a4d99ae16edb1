import { createHash } from 'node:crypto';

/**
 * Where a mailbox's data lives in the store. Raw messages are keyed by a hash of the UIDL, so a
 * message fetched twice (after a crash) lands on the same key and the store's create-once rule
 * makes it one archive entry.
 *
 *   <mailbox>/state.json            lease, pending sends, vacation memory, daily send count
 *   <mailbox>/uidls.json            UIDLs already archived (read once per poll)
 *   <mailbox>/raw/<id>.eml          the raw message, exactly as RETR delivered it
 *   <mailbox>/catalog/<seq>-….jsonl.gz  segments: the records (metadata, rule outcome, sends) of many
 *                                   messages each (engine/catalog-format.ts)
 *   <mailbox>/records/<id>.json     one record per message, as versions before the catalog wrote
 *                                   them; moved into the catalog by the first run (catalog-migrate.ts)
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
  /** Catalog segments (catalog-format.ts). */
  readonly catalogPrefix: string;
  /** Record objects of earlier versions, read only to move them into the catalog. */
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
  const catalogPrefix = `${prefix}catalog/`;
  const recordsPrefix = `${prefix}records/`;
  const digestPrefix = `${prefix}sha256/`;
  return {
    prefix,
    stateKey: `${prefix}state.json`,
    seenKey: `${prefix}uidls.json`,
    rawPrefix,
    catalogPrefix,
    recordsPrefix,
    digestPrefix,
    idFor: (uidl) => createHash('sha256').update(uidl, 'latin1').digest('hex').slice(0, 32),
    rawKey: (id) => `${rawPrefix}${id}.eml`,
    recordKey: (id) => `${recordsPrefix}${id}.json`,
    digestKey: (sha256) => `${digestPrefix}${sha256}.json`,
  };
};
