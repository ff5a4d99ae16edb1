import { createHash } from 'node:crypto';
import { mailboxLayout } from '../../../lambda/engine/layout.js';
import type { BlobStore } from '../../../lambda/stores/blob-store.js';
import { readAll } from '../pop3/streams.js';

/**
 * Checks the archive against an independent snapshot of the mailbox (UIDL → the bytes RETR
 * delivered, read before popfwd touched it). Works on any BlobStore, so the same audit serves
 * the local directory and the S3 fake. Messages with identical bytes are archived once, under
 * the key of the first one popfwd read: each of them counts as archived when that copy exists.
 */
export interface ArchiveAudit {
  /** UIDLs neither on the server nor byte-exact in the archive: lost mail. */
  readonly lost: readonly string[];
  /** UIDLs whose bytes are held by more raw objects than there are such messages. */
  readonly archivedTwice: readonly string[];
  /**
   * Snapshot messages byte-exact under the key derived from their UIDL, or (identical bytes
   * shared with another snapshot message) under that message's key.
   */
  readonly exact: number;
  /** Raw objects in the archive. */
  readonly rawObjects: number;
}

export interface AuditInput {
  readonly store: BlobStore;
  readonly address: string;
  readonly snapshot: ReadonlyMap<string, Buffer>;
  /** UIDLs on the server at the time of the audit. */
  readonly onServer: Iterable<string>;
}

const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

const readStored = async (store: BlobStore, key: string): Promise<Buffer | null> => {
  const stream = await store.read(key);
  return stream ? readAll(stream) : null;
};

const countBy = <T>(items: Iterable<T>): Map<T, number> => {
  const counts = new Map<T, number>();
  for (const item of items) counts.set(item, (counts.get(item) ?? 0) + 1);
  return counts;
};

export const auditArchive = async (input: AuditInput): Promise<ArchiveAudit> => {
  const layout = mailboxLayout(input.address);
  const stored = new Map<string, Buffer>();
  for await (const key of input.store.list(layout.rawPrefix)) {
    stored.set(key, (await readStored(input.store, key)) ?? Buffer.alloc(0));
  }
  const objectsPerDigest = countBy([...stored.values()].map(sha256));
  const messagesPerDigest = countBy([...input.snapshot.values()].map(sha256));
  const onServer = new Set(input.onServer);
  const lost: string[] = [];
  const archivedTwice: string[] = [];
  let exact = 0;
  for (const [uidl, bytes] of input.snapshot) {
    const archived = stored.get(layout.rawKey(layout.idFor(uidl)));
    const digest = sha256(bytes);
    const shared = (messagesPerDigest.get(digest) ?? 0) > 1;
    const isExact =
      archived?.equals(bytes) === true || (shared && (objectsPerDigest.get(digest) ?? 0) > 0);
    if (isExact) exact += 1;
    if (!isExact && !onServer.has(uidl)) lost.push(uidl);
    if ((objectsPerDigest.get(digest) ?? 0) > (messagesPerDigest.get(digest) ?? 0))
      archivedTwice.push(uidl);
  }
  return { lost, archivedTwice, exact, rawObjects: stored.size };
};

/**
 * The messages that left the server without a byte-exact copy in the archive: an invariant-1
 * violation. Reads only the archive entries of messages gone from the server, so it is cheap to
 * run after every run of a crash test.
 */
export const goneUnarchived = async (input: AuditInput): Promise<string[]> => {
  const layout = mailboxLayout(input.address);
  const onServer = new Set(input.onServer);
  const messagesPerDigest = countBy([...input.snapshot.values()].map(sha256));
  let archivedDigests: Set<string> | undefined;
  const gone: string[] = [];
  for (const [uidl, bytes] of input.snapshot) {
    if (onServer.has(uidl)) continue;
    const archived = await readStored(input.store, layout.rawKey(layout.idFor(uidl)));
    if (archived?.equals(bytes)) continue;
    // Identical bytes of another message are archived once, under that message's key.
    if ((messagesPerDigest.get(sha256(bytes)) ?? 0) > 1) {
      archivedDigests ??= await digestsOf(input.store, layout.rawPrefix);
      if (archivedDigests.has(sha256(bytes))) continue;
    }
    gone.push(uidl);
  }
  return gone;
};

const digestsOf = async (store: BlobStore, prefix: string): Promise<Set<string>> => {
  const digests = new Set<string>();
  for await (const key of store.list(prefix)) {
    digests.add(sha256((await readStored(store, key)) ?? Buffer.alloc(0)));
  }
  return digests;
};
