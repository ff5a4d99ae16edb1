/**
 * A test hook that ships: the crash points of the kill-matrix tests
 * (test/integration/proof/kill-matrix.test.ts, test/integration/hostile/stale-temp-files.test.ts).
 * With `POPFWD_CRASH_AT=<point>[:<n>]` the process kills itself with SIGKILL the n-th time
 * (default 1st) it reaches that point — no cleanup, no flush, exactly like a Lambda timeout or a
 * power cut. It ships because those tests kill the popfwd that is released (the bundled CLI), not
 * a test build. Unset (always, outside tests), this does nothing.
 */
export const CRASH_POINTS = [
  /** A message's bytes are all received; the archive file is not yet in place. */
  'after-retr',
  /** Inside the archive write: the first chunk is written, the rest is not. */
  'mid-archive',
  /** The message is archived; neither its record nor the ledger knows yet. */
  'after-archive',
  /** The content index names the message; its record is not written yet. */
  'after-claim',
  /** A catalog segment is written; the ledger save that flushed it is not. */
  'after-segment',
  /** Compaction wrote the merged segment; the segments it replaces are not deleted yet. */
  'mid-compaction',
  /** Legacy record objects are in a catalog segment; they are not all deleted yet. */
  'mid-migration',
  /** A lost state.json was rebuilt from the records and saved with the lease; nothing else ran. */
  'after-rebuild',
  /** A checkpoint saved state.json (with the sends it planned); uidls.json is not saved yet. */
  'mid-checkpoint',
  /** The ledger says "sending"; the SMTP transaction has not started. */
  'before-send',
  /** The SMTP server accepted the message; the ledger still says "sending". */
  'after-smtp',
  /** DELE commands are acknowledged; QUIT is not sent. */
  'after-dele',
  /** QUIT is on the wire; its reply is not read. */
  'during-quit',
] as const;
export type CrashPoint = (typeof CRASH_POINTS)[number];

const parse = (spec: string | undefined): { point: string; hit: number } | null => {
  if (!spec) return null;
  const [point = '', count = '1'] = spec.split(':');
  return { point, hit: Math.max(1, Number(count) || 1) };
};

const target = parse(process.env.POPFWD_CRASH_AT);
let reached = 0;

export const crashPoint = (point: CrashPoint): void => {
  if (target?.point !== point) return;
  reached += 1;
  if (reached === target.hit) process.kill(process.pid, 'SIGKILL');
};
