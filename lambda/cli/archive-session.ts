import { type CatalogView, readCatalog } from '../archive/catalog.js';
import { recordFilter } from '../archive/filter.js';
import { type FilterInput, parseFilter } from '../archive/filter-input.js';
import type { Config } from '../config/config-schema.js';
import { type MailboxLayout, mailboxLayout } from '../engine/layout.js';
import type { MessageRecord } from '../engine/message-record.js';
import type { BlobStore } from '../stores/blob-store.js';
import { openStore } from '../stores/open-store.js';
import { loadCommandConfig } from './config-location.js';
import type { CliIO } from './io.js';
import { ProgressLine } from './progress-line.js';

/** What every archive command starts from: the config's store, the mailbox, its catalog. */
export interface ArchiveSession {
  readonly config: Config;
  readonly store: BlobStore;
  readonly layout: MailboxLayout;
  readonly catalog: CatalogView;
  /** The status line on a terminal's stderr (disabled by -q and --json). */
  readonly progress: ProgressLine;
}

/** Raw objects read at once by search, export and verify: S3 latency hides behind them. */
export const ARCHIVE_READS_IN_FLIGHT = 8;

/**
 * Loads the config, opens its store and reads the catalog (a progress line while it reads).
 * `filters` are checked before anything is read: a bad --since fails at once.
 */
export const openArchive = async (
  values: { readonly config: string | undefined; readonly quiet: boolean; readonly json?: boolean },
  io: CliIO,
): Promise<ArchiveSession> => {
  const { config } = await loadCommandConfig(values.config, io);
  const store = openStore(config.store);
  const layout = mailboxLayout(config.mailbox.address);
  const progress = new ProgressLine(io.stderr, { enabled: !values.quiet && !values.json });
  progress.show('reading the catalog…', true);
  const catalog = await readCatalog(store, layout, {
    onProgress: (read) => progress.show(`reading the catalog… ${read} messages`),
  });
  progress.clear();
  return { config, store, layout, catalog, progress };
};

/** The filter flags as a record test; EUSAGE names a bad one. */
export const filterFromFlags = (values: FilterInput): ((record: MessageRecord) => boolean) =>
  recordFilter(parseFilter(values));
