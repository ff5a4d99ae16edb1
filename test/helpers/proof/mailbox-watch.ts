import type { BlobStore } from '../../../lambda/stores/blob-store.js';
import { type NaiveReadOptions, naiveListUidls, naiveRetrieveAll } from '../pop3/naive-pop3.js';
import { type ArchiveAudit, auditArchive, goneUnarchived } from './archive-audit.js';

/**
 * Watches one mailbox through a crash test: an independent byte-exact snapshot before popfwd
 * touches it, then after every run (killed or not) a check that whatever left the server is in
 * the archive, byte for byte (invariant 1: nothing is deleted before it is archived).
 */
export interface MailboxWatch {
  readonly snapshot: ReadonlyMap<string, Buffer>;
  /** UIDLs that were ever found gone from the server without a byte-exact archived copy. */
  readonly deletedBeforeArchived: ReadonlySet<string>;
  /** Checks the invariant now; resolves the UIDLs on the server. */
  check(): Promise<string[]>;
  /** The full audit (reads every archived message), with the invariant checked once more. */
  audit(): Promise<ArchiveAudit & { readonly onServer: readonly string[] }>;
}

export const watchMailbox = async (
  account: NaiveReadOptions,
  store: BlobStore,
  address: string,
): Promise<MailboxWatch> => {
  const snapshot = await naiveRetrieveAll(account);
  const deletedBeforeArchived = new Set<string>();
  const check = async () => {
    const onServer = await naiveListUidls(account);
    for (const uidl of await goneUnarchived({ store, address, snapshot, onServer }))
      deletedBeforeArchived.add(uidl);
    return onServer;
  };
  return {
    snapshot,
    deletedBeforeArchived,
    check,
    async audit() {
      const onServer = await check();
      return { ...(await auditArchive({ store, address, snapshot, onServer })), onServer };
    },
  };
};
