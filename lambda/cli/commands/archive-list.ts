import { archiveLine, archiveRow } from '../archive-format.js';
import { filterFromFlags, openArchive } from '../archive-session.js';
import { parseCommandArgs } from '../args.js';
import { COMMAND_SPECS } from '../command-specs.js';
import { EXIT } from '../exit-codes.js';
import type { Command } from '../io.js';

export { archiveLine } from '../archive-format.js';

/**
 * `popfwd archive list`: the catalog, filtered, oldest archived first. Reads the catalog only,
 * never a message, so it costs the same on S3 whatever the messages weigh.
 */
export const archiveListCommand: Command = {
  async run(args, io) {
    const { values } = parseCommandArgs(COMMAND_SPECS.archiveList, args);
    const matches = filterFromFlags(values);
    const { config, store, catalog } = await openArchive(values, io);
    const records = catalog.records.filter(matches);
    if (values.json) {
      for (const record of records) io.stdout.write(`${JSON.stringify(archiveLine(record))}\n`);
      return EXIT.ok;
    }
    for (const record of records) io.stdout.write(archiveRow(record));
    if (values.quiet) return EXIT.ok;
    if (catalog.records.length === 0) {
      io.stdout.write(`no archived messages for ${config.mailbox.address} in ${store.location}\n`);
    } else if (records.length < catalog.records.length) {
      io.stdout.write(
        `\n${records.length} of ${catalog.records.length} message(s) in ${store.location}\n`,
      );
    } else {
      io.stdout.write(`\n${records.length} message(s) in ${store.location}\n`);
    }
    return EXIT.ok;
  },
};
