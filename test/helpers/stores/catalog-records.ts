import { scanCatalog } from '../../../lambda/engine/catalog-read.js';
import { type MailboxLayout, mailboxLayout } from '../../../lambda/engine/layout.js';
import type { MessageRecord } from '../../../lambda/engine/message-record.js';
import type { BlobStore } from '../../../lambda/stores/blob-store.js';

/**
 * Every message record of a mailbox as the engine sees it: the catalog folded to one record per
 * message (header fields included) plus legacy record objects not moved yet. `skipDamaged` leaves
 * out what cannot be read instead of throwing its ESTORE.
 */
export const catalogRecords = async (
  store: BlobStore,
  mailbox: string | MailboxLayout,
  options: { skipDamaged?: boolean } = {},
): Promise<MessageRecord[]> => {
  const layout = typeof mailbox === 'string' ? mailboxLayout(mailbox) : mailbox;
  const { folded } = await scanCatalog(store, layout, {
    headers: true,
    ...(options.skipDamaged ? { onDamaged: () => {} } : {}),
  });
  return [...folded.values()].map((entry) => entry.record);
};
