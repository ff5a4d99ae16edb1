/**
 * The interop check of one server: read every message independently, run popfwd with retention
 * keep and then (into a fresh store) with delete, and compare, message by message, what was
 * archived with what the server served — to popfwd on the wire and to independent sessions.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InteropMessage } from './corpus.js';
import {
  archiveNotes,
  byUidl,
  errorOf,
  grouped,
  nameOf,
  type Served,
  servingDifferences,
  sessionDifferences,
  utf8Notes,
} from './matrix-notes.js';
import { countMessages, readMailbox } from './pop3-reader.js';
import { type PopfwdRun, runPopfwd } from './popfwd-run.js';
import type { InteropServer } from './types.js';

export interface RunCheck {
  readonly exitCode: number;
  readonly summary: Record<string, unknown> | null;
  /** Messages in the archive. */
  readonly archived: number;
  /** Archived messages equal to an independent RETR of the same message. */
  readonly exact: number;
  /** Archived messages equal to what RETR delivered to popfwd itself (recorded on the wire). */
  readonly exactToWire: number;
  /** The run's error lines, when it failed. */
  readonly error?: string;
}

export interface MatrixResult {
  readonly greeting: string;
  readonly capa: readonly string[];
  /** Messages the server listed before popfwd ran. */
  readonly total: number;
  readonly keep: RunCheck;
  readonly delete: RunCheck;
  /** After the keep run, the server still listed every message. */
  readonly keptAll: boolean;
  /** After the delete run, the mailbox was empty and every deleted message was archived. */
  readonly deleteOk: boolean;
  /** Observations: how the server changes mail, what differs, what failed. */
  readonly notes: readonly string[];
  /** Set when popfwd deleted messages whose archived bytes no other session was served. */
  readonly warning?: string;
  /** What the first independent session was served, by corpus name (or `UIDL x`). */
  readonly served: ReadonlyMap<string, Buffer>;
}

const check = (run: PopfwdRun, independent: readonly Served[]): RunCheck => {
  const wire = new Map<string, Buffer>();
  for (const session of run.sessions)
    for (const [uidl, data] of session.retrieved) wire.set(uidl, data);
  const exact = run.archive.filter(({ uidl, data }) =>
    independent.some((served) => served.get(uidl)?.equals(data)),
  ).length;
  const exactToWire = run.archive.filter(({ uidl, data }) => wire.get(uidl)?.equals(data)).length;
  const error = errorOf(run);
  return {
    exitCode: run.exitCode,
    summary: run.summary,
    archived: run.archive.length,
    exact,
    exactToWire,
    ...(error === undefined ? {} : { error }),
  };
};

export interface MatrixOptions {
  /** Called with progress lines. */
  readonly log?: (line: string) => void;
}

export const runMatrix = async (
  server: InteropServer,
  corpus: readonly InteropMessage[],
  options: MatrixOptions = {},
): Promise<MatrixResult> => {
  const log = options.log ?? (() => undefined);
  const work = await mkdtemp(join(tmpdir(), 'popfwd-interop-run-'));
  try {
    log('independent read');
    const before = await readMailbox(server, server.login);
    const utf8 = before.capa.some((line) => /^UTF8\b/i.test(line));
    const beforeUtf8 = utf8 ? await readMailbox(server, server.login, { utf8: true }) : undefined;
    log('popfwd run, retention keep');
    const keep = await runPopfwd(server, join(work, 'keep'), 'keep');
    log('independent read after the keep run');
    const after = await readMailbox(server, server.login);
    const reads = [before, after, ...(beforeUtf8 ? [beforeUtf8] : [])].map(byUidl);
    log('popfwd run, retention delete (a fresh store)');
    const del = await runPopfwd(server, join(work, 'delete'), 'delete');
    const remaining = await countMessages(server, server.login);
    const deleted = del.sessions.filter((s) => s.quitOk).flatMap((s) => s.deleted);
    const archivedUidls = new Set(del.archive.map((message) => message.uidl));
    const total = before.messages.length;
    const notes = [
      ...(server.refused ?? []).map(
        ({ index, reason }) =>
          `refused at delivery: \`${corpus[index]?.name ?? index}\` (${reason.split('\n')[0]})`,
      ),
      ...grouped(
        servingDifferences(before, corpus),
        total,
        (who, text) => `served ${who}: ${text}`,
      ),
      ...grouped(
        sessionDifferences(before, byUidl(after), corpus),
        total,
        (who, text) => `a later session served ${who}: ${text}`,
      ),
      ...(beforeUtf8 ? utf8Notes(before, beforeUtf8, corpus, [keep, del]) : []),
      ...archiveNotes(keep, 'keep', reads, corpus),
      ...archiveNotes(del, 'delete', reads, corpus),
      ...(remaining === 0 ? [] : [`${remaining} messages left on the server after the delete run`]),
      ...deleted
        .filter((uidl) => !archivedUidls.has(uidl))
        .map((uidl) => `UIDL ${uidl} was deleted but is not in the archive`),
    ];
    const lost = del.archive.filter(
      ({ uidl, data }) =>
        deleted.includes(uidl) && !reads.some((served) => served.get(uidl)?.equals(data)),
    );
    const warning = lost.length
      ? `with retention delete, popfwd deleted ${lost.length} message(s) from the server after ` +
        'archiving bytes that no other session was served: ' +
        lost.map(({ uidl, data }) => `\`${nameOf(data, corpus, uidl)}\``).join(', ')
      : undefined;
    return {
      ...(warning ? { warning } : {}),
      served: new Map(before.messages.map((m) => [nameOf(m.data, corpus, m.uidl), m.data])),
      greeting: before.greeting,
      capa: before.capa,
      total: before.messages.length,
      keep: check(keep, reads),
      delete: check(del, reads),
      keptAll: after.messages.length === before.messages.length,
      deleteOk:
        remaining === 0 &&
        deleted.length === before.messages.length &&
        deleted.every((uidl) => archivedUidls.has(uidl)),
      notes,
    };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
};
