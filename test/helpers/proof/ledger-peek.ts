import { mailboxLayout } from '../../../lambda/engine/layout.js';
import type { MailboxState, SeenIndex } from '../../../lambda/engine/ledger-types.js';
import type { BlobStore } from '../../../lambda/stores/blob-store.js';

/** Read-only looks at a mailbox's ledger documents, as the tests need them. */

const readJson = async <T>(store: BlobStore, key: string): Promise<T | null> => {
  const document = await store.getDocument(key);
  return document ? (JSON.parse(document.body.toString('utf8')) as T) : null;
};

/**
 * Message-IDs of sends the ledger says are "sending": a run died between writing that and
 * recording the outcome. Exactly these may be sent again (README, "Proof").
 */
export const sendsInFlight = async (store: BlobStore, address: string): Promise<string[]> => {
  const state = await readJson<MailboxState>(store, mailboxLayout(address).stateKey);
  return Object.values(state?.pending ?? {}).flatMap((message) =>
    Object.values(message.actions)
      .filter((action) => action.status === 'sending')
      .map((action) => action.messageId),
  );
};

/** The UIDLs the seen index holds (archived and known to the ledger). */
export const seenUidls = async (store: BlobStore, address: string): Promise<string[]> =>
  Object.keys((await readJson<SeenIndex>(store, mailboxLayout(address).seenKey))?.uidls ?? {});
