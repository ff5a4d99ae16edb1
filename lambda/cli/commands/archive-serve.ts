import { once } from 'node:events';
import { type CatalogView, readCatalog } from '../../archive/catalog.js';
import { assertLoopbackHost } from '../../archive/serve/loopback.js';
import { openInBrowser } from '../../archive/serve/open-browser.js';
import { startArchiveServer } from '../../archive/serve/server.js';
import { mailboxLayout } from '../../engine/layout.js';
import { PopfwdError } from '../../errors.js';
import { openStore } from '../../stores/open-store.js';
import { parseCommandArgs } from '../args.js';
import { COMMAND_SPECS } from '../command-specs.js';
import { loadCommandConfig } from '../config-location.js';
import { EXIT } from '../exit-codes.js';
import { type CliIO, type Command, logLevelOf } from '../io.js';
import { consoleLog } from '../output/console-log.js';

const parsePort = (value: string | undefined): number => {
  if (value === undefined) return 0;
  const port = /^\d{1,5}$/.test(value) ? Number(value) : Number.NaN;
  if (!(port >= 0 && port <= 65_535)) {
    throw new PopfwdError('EUSAGE', `--port: a port number from 0 to 65535, not "${value}"`);
  }
  return port;
};

/** "reading the catalog… 41,000 messages" on a terminal, at most ten times a second. */
const catalogProgress = (io: CliIO, quiet: boolean) => {
  if (quiet || io.stderr.isTTY !== true) return { update: () => {}, clear: () => {} };
  let last = 0;
  return {
    update: (read: number) => {
      if (Date.now() - last < 100) return;
      last = Date.now();
      io.stderr.write(`\r\x1b[2Kreading the catalog… ${read.toLocaleString('en')} messages`);
    },
    clear: () => io.stderr.write('\r\x1b[2K'),
  };
};

/**
 * `popfwd archive serve`: reads the catalog, serves the archive on loopback and prints the one
 * URL (with its token) on stdout, then runs until Ctrl-C. It reads the store only; it writes
 * nothing to it. Exit code 130 when stopped, like `watch`.
 */
export const archiveServeCommand: Command = {
  async run(args, io) {
    const { values } = parseCommandArgs(COMMAND_SPECS.archiveServe, args);
    const port = parsePort(values.port);
    assertLoopbackHost(values.host);
    const { config } = await loadCommandConfig(values.config, io);
    const log = consoleLog(io.stderr, { level: logLevelOf(values) });
    const store = openStore(config.store);
    const layout = mailboxLayout(config.mailbox.address);
    const progress = catalogProgress(io, values.quiet);
    let catalog: CatalogView | null = await readCatalog(store, layout, {
      onProgress: progress.update,
    });
    progress.clear();
    if (io.signal.aborted) return EXIT.interrupted;

    const server = await startArchiveServer({
      store,
      layout,
      mailbox: config.mailbox.address,
      catalog,
      host: values.host,
      port,
      log,
    });
    const messages = catalog.records.length;
    // The server keeps its own slim copy; the full records may go while it runs.
    catalog = null;
    io.stdout.write(`${server.url}\n`);
    if (!values.quiet) {
      io.stderr.write(
        `serving ${messages.toLocaleString('en')} archived messages of ${config.mailbox.address} (${store.location}) at the URL above, to this machine only; Ctrl-C stops\n`,
      );
    }
    const opened = values.open ? await openInBrowser(server.url) : null;
    if (opened?.problem) {
      log.warn(`could not open a browser (${opened.problem}); open the URL above yourself`);
    }
    try {
      if (!io.signal.aborted) await once(io.signal, 'abort');
    } finally {
      await server.close();
      await opened?.cleanup();
    }
    return EXIT.interrupted;
  },
};
