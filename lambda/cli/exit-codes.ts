import type { RunSummary } from '../engine/summary.js';
import { type ErrorCode, isPopfwdError } from '../errors.js';

/** What a script, cron or systemd can act on: one code per kind of outcome. */
export const EXIT = {
  ok: 0,
  failed: 1,
  usage: 2,
  signIn: 3,
  unavailable: 4,
  waiting: 5,
  interrupted: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** The table in `popfwd --help` and the README. */
export const EXIT_MEANINGS: Readonly<Record<ExitCode, string>> = {
  0: 'ok, nothing waiting',
  1: 'the run failed',
  2: 'usage or config (a secret that cannot be read included): fix the command or the config',
  3: 'sign-in refused: run `popfwd auth login` (OAuth2) or check the password',
  4: 'server or network unavailable, or the mailbox busy: try later',
  5: 'the run finished, but sends are waiting or paused (SMTP down, account refused, daily cap)',
  130: 'interrupted (SIGINT, SIGTERM); what was done is saved',
};

const { failed, usage, signIn, unavailable, waiting } = EXIT;

/**
 * Each error code's exit code: [when the error is permanent, when a later run may succeed].
 * The error's own `retryable` chooses, so `-ERR [SYS/TEMP]` on PASS is 4 while a refused
 * password is 3, and an unreadable secret is 2 while an unreachable SSM is 4.
 */
const BY_ERROR = {
  ECONFIG: [usage, usage],
  EUSAGE: [usage, usage],
  ESECRET: [usage, unavailable],
  // Speaking TLS to a plain port, an unknown CA: fixed in the config (security, caFile).
  ETLS: [usage, unavailable],
  // A non-retryable token endpoint failure names a config fix (authority, scopes).
  EOAUTH: [usage, unavailable],
  EAUTH: [signIn, unavailable],
  // A login refused without [AUTH]: Outlook.com sends no response codes, so the owner must look.
  ELOGIN: [signIn, unavailable],
  EINVALIDGRANT: [signIn, signIn],
  ECONNECTION: [unavailable, unavailable],
  ETIMEDOUT: [unavailable, unavailable],
  EINUSE: [unavailable, unavailable],
  ELOGINDELAY: [unavailable, unavailable],
  ESYSTEMP: [failed, unavailable],
  EPROTOCOL: [failed, unavailable],
  ECONFLICT: [unavailable, unavailable],
  ELEASE: [unavailable, unavailable],
  EABORTED: [unavailable, unavailable],
  ESTORE: [failed, unavailable],
  ESEND: [failed, unavailable],
  ESENDCAP: [waiting, waiting],
  ESYSPERM: [failed, unavailable],
  ECAPABILITY: [failed, unavailable],
  ECOMMAND: [failed, unavailable],
  ESTATE: [failed, failed],
  EARGUMENT: [failed, failed],
  ESIZE: [failed, failed],
  ERECIPIENT: [failed, failed],
  EACCOUNT: [failed, failed],
  EPARSE: [failed, failed],
  // Raised as an alert only (nothing sent for the looping message); the run itself went fine.
  ELOOP: [failed, failed],
} as const satisfies Record<ErrorCode, readonly [ExitCode, ExitCode]>;

/** Alerts that mean sending stopped for now: the sends wait. */
const SEND_STOPS = new Set<ErrorCode>(['ESENDCAP', 'EACCOUNT', 'ECONFIG']);

export type RunOutcome =
  | { readonly summary: RunSummary; readonly interrupted?: boolean }
  | { readonly error: unknown; readonly interrupted?: boolean };

/**
 * The exit code of a command: from the error that ended it, or from the summary of a run that
 * finished. Messages or sends that failed for good are in the summary and the log; they are final,
 * so nothing is waiting and they do not change the code.
 */
export const exitCodeFor = (outcome: RunOutcome): ExitCode => {
  if (outcome.interrupted) return EXIT.interrupted;
  if ('error' in outcome) {
    const { error } = outcome;
    if (!isPopfwdError(error)) return EXIT.failed;
    const [permanent, temporary] = BY_ERROR[error.code];
    return error.retryable ? temporary : permanent;
  }
  const { summary } = outcome;
  if (summary.stoppedBy === 'aborted') return EXIT.interrupted;
  if (summary.busy) return EXIT.unavailable;
  if (summary.pendingActions > 0) return EXIT.waiting;
  if (summary.alerts.some((alert) => SEND_STOPS.has(alert.code))) return EXIT.waiting;
  return EXIT.ok;
};

/** The line under an error that says what to do, for the codes where that is not obvious. */
export const exitHint = (code: ExitCode): string | null => {
  if (code === EXIT.signIn || code === EXIT.unavailable) return EXIT_MEANINGS[code];
  return null;
};

/**
 * Exit codes from the most to the least urgent, for several mailboxes that share one code:
 * - 130 first: the user stopped the command, so the other results are incomplete, and a shell or
 *   systemd must see the interruption as such.
 * - 2 and 3 need a person (edit the config, sign in again) and come back on every run until then;
 *   2 before 3 since it also covers a wrong command line, which no later run fixes.
 * - 1, a failure of no known kind (possibly a bug), must be looked at, unlike
 * - 4, which a later run may clear by itself, and
 * - 5, where the run worked and only sends wait; 0 only when every mailbox is fine.
 */
export const EXIT_SEVERITY: readonly ExitCode[] = [
  EXIT.interrupted,
  EXIT.usage,
  EXIT.signIn,
  EXIT.failed,
  EXIT.unavailable,
  EXIT.waiting,
  EXIT.ok,
];

/** The one exit code for several mailboxes: the most urgent of theirs; none → 0. */
export const worstExitCode = (codes: Iterable<ExitCode>): ExitCode => {
  let worst: ExitCode = EXIT.ok;
  for (const code of codes) {
    if (EXIT_SEVERITY.indexOf(code) < EXIT_SEVERITY.indexOf(worst)) worst = code;
  }
  return worst;
};
