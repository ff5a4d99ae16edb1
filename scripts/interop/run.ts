/**
 * `npm run interop`: the interop matrix against every POP3 server of Debian this machine can run,
 * written to INTEROP.md. As root it installs what it needs (apt-get update once, dovecot-pop3d,
 * the other servers downloaded and extracted, never installed).
 *
 *   npm run interop                       every server, INTEROP.md rewritten
 *   npm run interop -- mailutils courier  only these (ids below); INTEROP.md rewritten with them
 *   npm run interop -- --prepare mailutils   download and extract only (CI; no apt-get update)
 *   --no-install   use only what is installed or extracted already
 *   --out FILE     write the report elsewhere
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { interopCorpus } from '../../test/helpers/interop/corpus.js';
import {
  existingRoot,
  installedVersion,
  type PackageRoot,
  preparePackageRoot,
} from '../../test/helpers/interop/debian.js';
import { runMatrix } from '../../test/helpers/interop/matrix.js';
import { INTEROP_SERVERS } from '../../test/helpers/interop/servers/index.js';
import type { ServerDefinition } from '../../test/helpers/interop/types.js';
import { renderReport, type ServerReport } from './report.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    prepare: { type: 'boolean', default: false },
    'no-install': { type: 'boolean', default: false },
    out: { type: 'string', default: 'INTEROP.md' },
  },
});

const log = (line: string): void => {
  process.stderr.write(`[interop] ${line}\n`);
};

const unknown = positionals.filter((id) => !INTEROP_SERVERS.some((server) => server.id === id));
if (unknown.length) {
  log(
    `unknown server ${unknown.join(', ')}; known: ${INTEROP_SERVERS.map((s) => s.id).join(', ')}`,
  );
  process.exit(2);
}
const selected = INTEROP_SERVERS.filter(
  (server) => positionals.length === 0 || positionals.includes(server.id),
);
const isRoot = process.getuid?.() === 0;
const install = !values['no-install'];

const apt = (args: readonly string[]): void => {
  log(`apt-get ${args.join(' ')}`);
  execFileSync('apt-get', ['-qq', ...args], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
};

if (install && isRoot && !values.prepare) apt(['update']);

/** Makes the server's package usable; returns its root (extracted servers) and version. */
const provide = async (
  server: ServerDefinition,
): Promise<{ root: PackageRoot | undefined; version: string }> => {
  if (server.install === 'system') {
    if (install && isRoot && !(await installedVersion(server.package))) {
      apt(['install', '-y', '--no-install-recommends', server.package]);
    }
    const version = await installedVersion(server.package);
    if (!version) throw new Error(`${server.package} is not installed`);
    return { root: undefined, version };
  }
  const root = install
    ? await preparePackageRoot(server.package, server.extraPackages)
    : await existingRoot(server.package);
  if (!root) throw new Error(`${server.package} is not extracted (run without --no-install)`);
  return { root, version: root.version };
};

const corpus = interopCorpus();
const reports: ServerReport[] = [];
for (const server of selected) {
  log(`${server.name} (${server.package})`);
  const base = { name: server.name, package: server.package, setup: server.setup };
  let provided: { root: PackageRoot | undefined; version: string };
  try {
    const reason = server.unavailable();
    if (reason && !values.prepare) throw new Error(reason);
    provided = await provide(server);
  } catch (error) {
    log(`  not run: ${(error as Error).message}`);
    reports.push({ ...base, version: '', result: { failed: (error as Error).message } });
    continue;
  }
  if (values.prepare) {
    log(`  ready: ${server.package} ${provided.version}`);
    continue;
  }
  const report = { ...base, version: provided.version };
  try {
    const running = await server.start(
      corpus.map((message) => message.data),
      provided.root,
    );
    try {
      const result = await runMatrix(running, corpus, { log: (line) => log(`  ${line}`) });
      reports.push({ ...report, storage: running.storage, result });
      log(`  byte-exact ${result.keep.exact}/${result.total}, delete ok: ${result.deleteOk}`);
    } catch (error) {
      const serverLog = (await running.log()).slice(-2_000);
      log(`  failed: ${(error as Error).message}\n${serverLog}`);
      reports.push({
        ...report,
        storage: running.storage,
        result: { failed: (error as Error).message },
      });
    } finally {
      await running.stop();
    }
  } catch (error) {
    log(`  did not start: ${(error as Error).message}`);
    reports.push({ ...report, result: { failed: `did not start: ${(error as Error).message}` } });
  }
}

if (!values.prepare) {
  const git = (args: readonly string[]): string =>
    execFileSync('git', args, { encoding: 'utf8' }).trim();
  const changed = git(['status', '--porcelain', '--untracked-files=no']) !== '';
  const system =
    /PRETTY_NAME="([^"]+)"/.exec(readFileSync('/etc/os-release', 'utf8'))?.[1] ?? process.platform;
  const report = renderReport(
    {
      date: new Date().toISOString().slice(0, 10),
      system,
      node: process.version,
      commit: `${git(['rev-parse', '--short', 'HEAD'])}${changed ? ' + local changes' : ''}`,
      corpus,
    },
    reports,
  );
  writeFileSync(values.out, report);
  // Biome lays out Markdown tables; the file then passes `npm run lint` as written.
  execFileSync('node_modules/.bin/biome', ['format', '--write', values.out], { stdio: 'ignore' });
  log(`wrote ${values.out}`);
}
