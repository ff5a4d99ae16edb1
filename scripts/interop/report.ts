/** INTEROP.md: the matrix as a table, the notes per server, the corpus and how it all runs. */
import type { InteropMessage } from '../../test/helpers/interop/corpus.js';
import type { MatrixResult, RunCheck } from '../../test/helpers/interop/matrix.js';

export interface ServerReport {
  readonly name: string;
  readonly package: string;
  /** Debian version, or why it is unknown. */
  readonly version: string;
  readonly storage?: string;
  readonly setup: string;
  /** The matrix, or why the server did not run. */
  readonly result: MatrixResult | { readonly failed: string };
}

export interface ReportContext {
  readonly date: string;
  readonly system: string;
  readonly node: string;
  /** The popfwd commit measured, e.g. "b372a67" or "b372a67 + local changes". */
  readonly commit: string;
  readonly corpus: readonly InteropMessage[];
}

const cell = (text: string): string => text.replaceAll('|', '\\|').replaceAll('\n', ' ');

const ratio = (run: RunCheck, total: number): string => {
  const value = `${run.exact}/${total}`;
  if (run.exitCode !== 0) return `${value} (exit ${run.exitCode})`;
  return run.archived === total ? value : `${value} (${run.archived} archived)`;
};

const implementation = (result: MatrixResult): string => {
  const line = result.capa.find((entry) => /^IMPLEMENTATION /i.test(entry));
  return line ? line.slice('IMPLEMENTATION '.length) : '';
};

const row = (server: ServerReport): string => {
  const { result } = server;
  const pkg = `${server.package} ${server.version}`;
  if ('failed' in result) {
    return `| ${server.name} | ${cell(pkg)} | — | — | not run | not run | — | — | — |`;
  }
  const capa = result.capa.length
    ? result.capa.filter((line) => !/^IMPLEMENTATION /i.test(line)).join(' ')
    : '(CAPA refused)';
  const total = result.total;
  const wire = `${result.keep.exactToWire}/${total}, ${result.delete.exactToWire}/${total}`;
  return [
    '',
    server.name,
    cell(pkg),
    server.storage ?? '',
    cell(capa),
    ratio(result.keep, total),
    ratio(result.delete, total),
    wire,
    result.keptAll ? 'yes' : '**no**',
    result.deleteOk ? 'yes' : '**no**',
    '',
  ]
    .join(' | ')
    .trim();
};

const notesOf = (server: ServerReport): string[] => {
  const lines = [`### ${server.name}`, '', `- setup: ${server.setup}`];
  const { result } = server;
  if ('failed' in result) return [...lines, `- not run: ${cell(result.failed)}`, ''];
  const version = implementation(result);
  if (version) lines.push(`- implementation: ${cell(version)}`);
  lines.push(`- greeting: \`${cell(result.greeting)}\``);
  if (result.warning) lines.push(`- **${result.warning}**`);
  for (const note of result.notes) lines.push(`- ${cell(note)}`);
  if (!result.notes.length) lines.push('- serves every message as delivered to it');
  return [...lines, ''];
};

export const renderReport = (context: ReportContext, servers: readonly ServerReport[]): string =>
  [
    '# Interoperability',
    '',
    'popfwd against the POP3 servers of Debian, each started on loopback and filled with the',
    'same corpus. Rerun it with `npm run interop` (see "How it runs"); this file is its output.',
    '',
    `Measured ${context.date} on ${context.system}, Node ${context.node}, popfwd ${context.commit}.`,
    '',
    '| Server | Debian package | Storage | CAPA | Byte-exact, keep | Byte-exact, delete | = own RETR (keep, delete) | Kept | Delete ok |',
    '|---|---|---|---|---|---|---|---|---|',
    ...servers.map(row),
    '',
    '- **Byte-exact**: archived messages equal to what an independent RETR of the same message',
    '  served (a session of our own reader before or after popfwd, without and, where CAPA offers',
    '  it, with UTF8), out of the messages the server listed.',
    '- **= own RETR**: archived messages equal to what RETR delivered to popfwd itself, recorded on',
    "  the wire by a relay between popfwd and the server: popfwd's promise is these bytes exactly.",
    '- **Kept**: after the run with `retention: keep` the server still listed every message.',
    '- **Delete ok**: after the run with `retention: delete` (into a fresh store) the mailbox was',
    '  empty, and every message deleted in a committed session (QUIT answered +OK) is archived.',
    '',
    '## Notes',
    '',
    'What each server does to the corpus, compared with what was delivered to it (as CRLF mail),',
    'and anything popfwd did that an independent reader did not see.',
    '',
    ...servers.flatMap(notesOf),
    '## The corpus',
    '',
    'Delivered to every server in this order (Maildir and mbox files with LF line ends, as a Unix',
    "delivery agent writes them; mbox in Postfix local(8)'s layout, `From ` lines quoted as",
    '`>From `; Cyrus over LMTP). Each carries `Message-ID: <NAME@interop.popfwd.test>`.',
    '',
    '| Message | Bytes | Probes |',
    '|---|---|---|',
    ...context.corpus.map((m) => `| \`${m.name}\` | ${m.data.length} | ${cell(m.probe)} |`),
    '',
    '## How it runs',
    '',
    '`npm run interop` (as root, on Debian 12 or a close relative; `npm run interop -- mailutils',
    'courier` runs only those) does, for each server:',
    '',
    '1. `apt-get update` once, then `apt-get install dovecot-pop3d` if missing. The other servers',
    '   are not installed: `apt-get download` fetches the package and what this machine lacks for',
    '   it, and `dpkg-deb` extracts them into `.interop/root/PACKAGE` (several conflict with',
    '   dovecot-pop3d as packages).',
    '2. Starts the server on 127.0.0.1 with a private configuration and mailbox. Servers that log',
    '   in only system accounts (popa3d, Solid POP3, Courier) and Cyrus run in a private mount',
    '   namespace (`unshare --mount`) where /usr and /etc are overlays of the extracted package and',
    '   a private /etc holding the test account `popfwdtest`; no account is created on the host.',
    '3. Reads every message with an independent POP3 reader (with and without UTF8 where offered),',
    '   runs `popfwd run` with `retention: keep` through a recording relay, reads again, runs',
    '   `popfwd run` with `retention: delete` into a fresh store, and counts what is left.',
    '4. Compares and writes this file. Everything it started is stopped and removed.',
    '',
    'CI runs the same matrix against GNU Mailutils pop3d in',
    '`test/integration/interop/mailutils.test.ts`.',
    '',
  ].join('\n');
