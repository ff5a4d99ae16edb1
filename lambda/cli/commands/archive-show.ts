import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { readMessageView } from '../../archive/message-view.js';
import { resolveMessage } from '../../archive/resolve-id.js';
import { showJson, showText } from '../../archive/show-format.js';
import { PopfwdError } from '../../errors.js';
import { openArchive } from '../archive-session.js';
import { parseCommandArgs } from '../args.js';
import { COMMAND_SPECS } from '../command-specs.js';
import { EXIT } from '../exit-codes.js';
import type { Command } from '../io.js';

/** Characters of body text shown: a 50 MB text part is not a screenful. */
const TEXT_LIMIT = 256 * 1024;

/**
 * `popfwd archive show ID`: one message, found by any of its names (resolve-id.ts). Text output
 * is terminal-safe; `--raw` is the archived bytes untouched, `--json` the documented object.
 */
export const archiveShowCommand: Command = {
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(COMMAND_SPECS.archiveShow, args);
    if (values.raw && values.json) {
      throw new PopfwdError('EUSAGE', '--raw and --json contradict each other; give one');
    }
    if (values.raw && io.stdout.isTTY) {
      // The exact bytes are the message's own: escape sequences included.
      throw new PopfwdError(
        'EUSAGE',
        '--raw writes the exact archived bytes, which could drive this terminal: redirect it (> message.eml) or pipe it',
      );
    }
    const { store, catalog } = await openArchive(values, io);
    const record = resolveMessage(catalog, positionals[0] as string, store.location);
    const stream = await store.read(record.meta.key);
    if (!stream) {
      throw new PopfwdError(
        'ESTORE',
        `the catalog lists ${record.meta.key} (UIDL ${record.meta.uidl}) but the store has no such object: run \`popfwd archive verify\``,
        { retryable: false, context: { key: record.meta.key } },
      );
    }
    if (values.raw) {
      await pipeline(stream, io.stdout as NodeJS.WritableStream, { end: false });
      return EXIT.ok;
    }
    const view = await readMessageView(stream as Readable, { textLimit: TEXT_LIMIT });
    io.stdout.write(
      values.json ? `${JSON.stringify(showJson(record, view))}\n` : showText(record, view),
    );
    return EXIT.ok;
  },
};
