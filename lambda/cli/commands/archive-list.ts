import { readCatalog } from '../../archive/catalog.js';
import { mailboxLayout } from '../../engine/layout.js';
import type { MessageRecord } from '../../engine/message-record.js';
import type { MailAddress } from '../../mail/message-meta.js';
import { formatBytes } from '../../units.js';
import { cliAdapters } from '../adapters.js';
import { parseCommandArgs } from '../args.js';
import { COMMAND_SPECS } from '../command-specs.js';
import { loadCommandConfig } from '../config-location.js';
import { EXIT } from '../exit-codes.js';
import type { Command } from '../io.js';

const sender = (from: readonly MailAddress[]): string => {
  const first = from[0];
  return first ? first.address || first.name : '';
};

/** The `archive list --json` contract: one JSON line per archived message. */
export const archiveLine = (record: MessageRecord) => ({
  uidl: record.meta.uidl,
  key: record.meta.key,
  size: record.meta.size,
  sha256: record.meta.sha256,
  from: sender(record.meta.from),
  subject: record.meta.subject,
  date: record.meta.date,
  archivedAt: record.meta.archivedAt,
  tags: record.tags,
});

const cell = (text: string, width: number) =>
  text.length > width ? `${text.slice(0, width - 1)}…` : text.padEnd(width);

export const archiveListCommand: Command = {
  async run(args, io) {
    const { values } = parseCommandArgs(COMMAND_SPECS.archiveList, args);
    const { config } = await loadCommandConfig(values.config, io);
    const { store } = cliAdapters(config, io);
    const layout = mailboxLayout(config.mailbox.address);
    const { records } = await readCatalog(store, layout);
    if (values.json) {
      for (const record of records) io.stdout.write(`${JSON.stringify(archiveLine(record))}\n`);
      return EXIT.ok;
    }
    if (records.length === 0) {
      if (!values.quiet) {
        io.stdout.write(
          `no archived messages for ${config.mailbox.address} in ${store.location}\n`,
        );
      }
      return EXIT.ok;
    }
    for (const record of records) {
      const { meta } = record;
      const tags = record.tags.length ? ` [${record.tags.join(', ')}]` : '';
      io.stdout.write(
        `${(meta.date ?? meta.archivedAt).slice(0, 16).replace('T', ' ')}  ${cell(sender(meta.from), 28)}  ${cell(meta.subject, 40)}  ${formatBytes(meta.size).padStart(9)}${tags}\n`,
      );
    }
    if (!values.quiet) io.stdout.write(`\n${records.length} message(s) in ${store.location}\n`);
    return EXIT.ok;
  },
};
