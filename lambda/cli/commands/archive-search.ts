import { searchMatches } from '../../archive/search.js';
import { archiveLine, archiveRow } from '../archive-format.js';
import { ARCHIVE_READS_IN_FLIGHT, filterFromFlags, openArchive } from '../archive-session.js';
import { parseCommandArgs } from '../args.js';
import { COMMAND_SPECS } from '../command-specs.js';
import { EXIT } from '../exit-codes.js';
import type { Command } from '../io.js';

/**
 * `popfwd archive search TEXT`: the catalog filtered, then each message's subject, names and
 * addresses (catalog) and decoded text body (read from the store, a few at once) searched.
 * Matches print as they are found, in catalog order; Ctrl-C stops with what was found.
 */
export const archiveSearchCommand: Command = {
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(COMMAND_SPECS.archiveSearch, args);
    const text = positionals[0] as string;
    const matches = filterFromFlags(values);
    const { store, catalog, progress } = await openArchive(values, io);
    const records = catalog.records.filter(matches);
    const totalBytes = records.reduce((sum, record) => sum + record.meta.size, 0);
    let found = 0;
    const search = searchMatches(store, records, text, {
      concurrency: ARCHIVE_READS_IN_FLIGHT,
      signal: io.signal,
      onProgress: (done, bytes) =>
        progress.count(
          'searching',
          { done, total: records.length, bytes, totalBytes },
          `${found} found`,
        ),
    });
    for await (const match of search) {
      found += 1;
      progress.around(() =>
        io.stdout.write(
          values.json
            ? `${JSON.stringify({ ...archiveLine(match.record), in: match.in })}\n`
            : archiveRow(match.record),
        ),
      );
    }
    progress.clear();
    if (!values.quiet && !values.json) {
      const stopped = io.signal.aborted ? ' (interrupted)' : '';
      io.stderr.write(`${found} of ${records.length} message(s) match${stopped}\n`);
    }
    return io.signal.aborted ? EXIT.interrupted : EXIT.ok;
  },
};
