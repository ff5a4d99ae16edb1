import type { Credentials } from '../auth/credentials.js';
import { openCredentials } from '../auth/open-credentials.js';
import type { Clock } from '../clock.js';
import { errorMessage, hasCode, PopfwdError } from '../errors.js';
import type { Pop3Client } from '../pop3/client.js';
import { learningCredentials, learningSecretStore } from '../redact/learn-secrets.js';
import type { Redactor } from '../redact/redactor.js';
import { notingWrites } from '../secrets/noting-writes.js';
import type { Ledger } from './ledger.js';
import type { CutoffAlarm } from './run-budget.js';
import type { RunContext } from './run-context.js';
import { rotationStale, withRotation } from './run-history.js';
import type { RunOptions } from './run-options.js';

/**
 * The run writes a secret only to store a rotated refresh token; the rotation is noted in the
 * state for `popfwd status`. A cron run refreshes on every poll, so the note rides on the state's
 * next write, and forces one only when the recorded rotation is a day old.
 */
export class TokenRotation {
  readonly #ledger: Ledger;
  readonly #clock: Clock;
  #at: number | undefined;

  constructor(ledger: Ledger, clock: Clock) {
    this.#ledger = ledger;
    this.#clock = clock;
  }

  /** The run's secret store, noting each write. */
  watch(secrets: RunOptions['secrets']): RunOptions['secrets'] {
    return notingWrites(secrets, () => {
      this.#at = this.#clock.now();
    });
  }

  /** Notes a rotation now when waiting for the next write would leave the record stale. */
  noteIfStale(): void {
    if (rotationStale(this.#ledger.state, this.#at)) this.note();
  }

  /** Notes a rotation, if there was one, in the state's next write. */
  note(): void {
    if (this.#at === undefined) return;
    const at = this.#at;
    this.#at = undefined;
    this.#ledger.updateState((state) => withRotation(state, at));
  }
}

/** The run is not done: another client or run holds the mailbox. Reported, not thrown. */
export const reportBusy = (ctx: RunContext, reason: string): void => {
  ctx.counters.busy = reason;
  ctx.log.info(reason);
};

export interface SessionDeps {
  readonly options: RunOptions;
  readonly redactor: Redactor;
  readonly cutoff: CutoffAlarm;
  readonly rotation: TokenRotation;
}

/**
 * The mailbox's credentials for this run. Every secret the run gets hold of is learnt by the
 * redactor, so it is masked in what servers say and, as a net, in the log.
 */
export const runCredentials = async (
  ctx: RunContext,
  { options, redactor, cutoff, rotation }: SessionDeps,
): Promise<Credentials> => {
  const opened = await openCredentials(
    ctx.config.mailbox,
    learningSecretStore(rotation.watch(options.secrets), redactor),
    {
      clock: ctx.clock,
      log: ctx.log,
      deadline: ctx.budget.deadline,
      signal: cutoff.signal,
      ...(options.accessTokens ? { accessTokens: options.accessTokens } : {}),
    },
  );
  return learningCredentials(opened, redactor);
};

/**
 * Connects and logs in. Null when another client holds the mailbox ([IN-USE], [LOGIN-DELAY]):
 * the run is busy, not failed. The session ends at the run's cutoff, whatever it waits for: no
 * QUIT then, so nothing is deleted.
 */
export const openSession = async (
  ctx: RunContext,
  credentials: Credentials,
  { options, redactor, cutoff, rotation }: SessionDeps,
): Promise<Pop3Client | null> => {
  const { log, clock } = ctx;
  const { pop3: server } = ctx.config.mailbox;
  ctx.onProgress?.({ phase: 'connect', host: server.host, port: server.port });
  let pop3: Pop3Client | undefined;
  cutoff.onCutoff(() => pop3?.destroy('the run deadline passed'));
  try {
    pop3 = await options.connectPop3({
      // The session ends at the cutoff; replies still in flight then get no grace.
      deadline: ctx.budget.cutoff,
      timeouts: { closeGraceMs: 0 },
      log,
      clock,
      redactor,
    });
    if (cutoff.passed) pop3.destroy('the run deadline passed');
    ctx.onProgress?.({ phase: 'login' });
    const stat = await pop3.login(credentials);
    log.info('logged in', { messages: stat.count, bytes: stat.size, pipelining: pop3.pipelining });
    rotation.noteIfStale();
    return pop3;
  } catch (error) {
    // A session that did not log in is of no use; left open, its socket and timers would keep
    // the process (a CLI run, a warm Lambda) waiting until the deadline.
    pop3?.destroy('the login did not succeed');
    if (hasCode(error, 'EINUSE', 'ELOGINDELAY')) {
      reportBusy(ctx, `another client holds the mailbox (${error.message})`);
      return null;
    }
    if (cutoff.passed && !hasCode(error, 'ETIMEDOUT')) {
      throw new PopfwdError(
        'ETIMEDOUT',
        `the run deadline passed before the POP3 login completed (${errorMessage(error)})`,
        { cause: error },
      );
    }
    throw error;
  }
};
