import { mailboxLayout } from '../../../lambda/engine/layout.js';
import type { MailboxState, SeenIndex } from '../../../lambda/engine/ledger-types.js';
import type { MessageRecord } from '../../../lambda/engine/message-record.js';
import type { BlobStore } from '../../../lambda/stores/blob-store.js';
import { readAll } from '../pop3/streams.js';
import { catalogRecords } from './catalog-records.js';

/** What a mailbox's store holds, read through the port: the same view of a local dir and S3. */
export interface StoreView {
  keys(prefix: string): Promise<string[]>;
  rawKeys(): Promise<string[]>;
  raw(key: string): Promise<Buffer | null>;
  /** Every record (the catalog folded), checked against its schema (a damaged one throws). */
  records(): Promise<MessageRecord[]>;
  seen(): Promise<SeenIndex['uidls']>;
  state(): Promise<MailboxState | null>;
}

export const storeView = (store: BlobStore, address: string): StoreView => {
  const layout = mailboxLayout(address);
  const keys = async (prefix: string) => {
    const found: string[] = [];
    for await (const key of store.list(prefix)) found.push(key);
    return found;
  };
  const json = async <T>(key: string): Promise<T | null> => {
    const stored = await store.getDocument(key);
    return stored ? (JSON.parse(stored.body.toString('utf8')) as T) : null;
  };
  return {
    keys,
    rawKeys: () => keys(layout.rawPrefix),
    raw: async (key) => {
      const stream = await store.read(key);
      return stream ? readAll(stream) : null;
    },
    records: () => catalogRecords(store, layout),
    seen: async () => (await json<SeenIndex>(layout.seenKey))?.uidls ?? {},
    state: () => json<MailboxState>(layout.stateKey),
  };
};
