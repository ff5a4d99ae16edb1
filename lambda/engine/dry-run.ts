import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { openCredentials } from '../auth/open-credentials.js';
import { errorMessage, PopfwdError } from '../errors.js';
import type { MessageMeta } from '../mail/message-meta.js';
import { parseHeaderBlock } from '../mail/parse-headers.js';
import type { Pop3Client } from '../pop3/client.js';
import { learningCredentials, learningSecretStore } from '../redact/learn-secrets.js';
import { redactingLog } from '../redact/redacting-log.js';
import { Redactor } from '../redact/redactor.js';
import { evaluateRules, needsBody } from '../rules/evaluate.js';
import { ownerFromConfig } from '../rules/owner.js';
import type { MessagePlan } from '../rules/plan.js';
import { readOnlyStore } from '../stores/read-only-store.js';
import { formatBytes } from '../units.js';
import { mailboxLayout } from './layout.js';
import { Ledger } from './ledger.js';
import type { SeenEntry } from './ledger-types.js';
import { quarantined } from './quarantine.js';
import { runBudget } from './run-budget.js';
import type { RunOptions } from './run-options.js';
import { buildListing, type ServerMessage, selectDeletions, selectNew } from './selection.js';
import { countOpenSends } from './send-policy.js';

/** One new message as a run would handle it. */
export interface DryRunMessage {
  readonly uidl: string;
  readonly size: number;
  readonly from: string;
  readonly subject: string;
  /** null when it was not read (too large) or could not be evaluated: see `problem`. */
  readonly plan: MessagePlan | null;
  readonly problem?: string;
}

export interface DryRunReport {
  readonly mailbox: string;
  /** Messages the server lists. */
  readonly listed: number;
  /** New messages a run would archive (and evaluate), in server order. */
  readonly archive: readonly DryRunMessage[];
  /** New messages left for a later run by maxMessagesPerRun / maxBytesPerRun. */
  readonly later: number;
  /** UIDLs a run would delete from the server (retention, deleteFromServer). */
  readonly delete: readonly string[];
  /** Sends from earlier runs still waiting (a run would try the due ones). */
  readonly waitingSends: number;
  /**
   * uidls.json is missing while records exist: a run matches every listed message to its record,
   * so some of `archive` may already be archived (a run would then not send for them again).
   */
  readonly seenLost: boolean;
}

const sender = (meta: Pick<MessageMeta, 'from'>): string => {
  const first = meta.from[0];
  return first ? first.address || first.name : '';
};

/** The message's bytes, bounded by limits.maxMessageSize while they arrive. */
const readMessage = async (pop3: Pop3Client, message: ServerMessage, limit: number) => {
  const guard = (_n: number, received: number) =>
    received > limit
      ? new PopfwdError('ESIZE', `larger than limits.maxMessageSize (${formatBytes(limit)})`)
      : null;
  const chunks: Buffer[] = [];
  for await (const chunk of pop3.retr(message.n, guard)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
};

/**
 * What a run would do now, changing nothing: it logs in, lists, reads the new messages into
 * memory (bounded by the run's limits), evaluates the rules and ends with a QUIT that follows no
 * DELE. The store is read through a wrapper that refuses every write; no lease is taken.
 */
export const dryRunMailbox = async (options: RunOptions): Promise<DryRunReport> => {
  const { config, clock } = options;
  const now = clock.now();
  // Bounded like a run; nothing is sent, so only the deadline matters.
  const { deadline } = runBudget(now, options.deadline, config.limits.runTimeout);
  const mailbox = config.mailbox.address;
  const redactor = options.redactor ?? new Redactor();
  const log = redactingLog(options.log, redactor).child({ mailbox, dryRun: true });
  const store = readOnlyStore(options.store);
  const layout = mailboxLayout(mailbox);
  const ledger = await Ledger.load(store, layout, mailbox, now);
  const credentials = learningCredentials(
    await openCredentials(config.mailbox, learningSecretStore(options.secrets, redactor), {
      clock,
      log,
      deadline,
    }),
    redactor,
  );
  const { retention } = config.mailbox;
  const pop3 = await options.connectPop3({ deadline, log, clock, redactor });
  // Ctrl-C drops the session: no QUIT, so the server changes nothing either way.
  const stop = () => pop3.destroy('the dry run was interrupted');
  options.signal?.addEventListener('abort', stop, { once: true });
  try {
    if (options.signal?.aborted) stop();
    await pop3.login(credentials);
    const [uidls, sizes] = await Promise.all([pop3.uidlListing(), pop3.sizes()]);
    const listing = buildListing(uidls.entries, sizes.sizes);
    const setAside = quarantined(ledger.state, now);
    const fresh = selectNew(listing, ledger.seen).filter((message) => !setAside.has(message.uidl));
    const { maxMessagesPerRun, maxBytesPerRun, maxMessageSize, bodyScanLimit } = config.limits;
    const archive: DryRunMessage[] = [];
    // What the seen index would hold after the run: new messages count as archived now.
    const seen = new Map<string, SeenEntry>(ledger.seen);
    let bytes = 0;
    for (const message of fresh) {
      if (archive.length >= maxMessagesPerRun || bytes + message.size > maxBytesPerRun) break;
      bytes += message.size;
      if (message.size > maxMessageSize) {
        archive.push({
          uidl: message.uidl,
          size: message.size,
          from: '',
          subject: '',
          plan: null,
          problem: `listed at ${formatBytes(message.size)}, over limits.maxMessageSize: a run leaves it on the server`,
        });
        continue;
      }
      const raw = await readMessage(pop3, message, maxMessageSize);
      const headers = parseHeaderBlock(raw);
      const meta: MessageMeta = {
        ...headers,
        uidl: message.uidl,
        key: layout.rawKey(layout.idFor(message.uidl)),
        size: raw.length,
        sha256: createHash('sha256').update(raw).digest('hex'),
        archivedAt: new Date(now).toISOString(),
      };
      const seenEntry = (plan: MessagePlan | null): SeenEntry => ({
        t: Math.floor(now / 1000),
        ...(plan?.server === 'keep' ? { s: 'k' } : plan?.server === 'delete' ? { s: 'd' } : {}),
      });
      let plan: MessagePlan | null = null;
      let problem: string | undefined;
      if (meta.parseError) problem = `rules would not be applied: ${meta.parseError}`;
      else {
        try {
          const body = needsBody(config.rules)
            ? await (await import('../mail/body-facts.js')).readBodyFacts(Readable.from([raw]), {
                limit: bodyScanLimit,
              })
            : undefined;
          plan = evaluateRules(config.rules, {
            meta,
            owner: ownerFromConfig(config),
            now,
            ...(body ? { body } : {}),
            ...(config.vacation ? { vacation: config.vacation } : {}),
          });
        } catch (error) {
          problem = `rules could not be evaluated: ${errorMessage(error)}`;
        }
      }
      seen.set(message.uidl, seenEntry(plan));
      archive.push({
        uidl: message.uidl,
        size: raw.length,
        from: sender(headers),
        subject: headers.subject,
        plan,
        ...(problem ? { problem } : {}),
      });
    }
    const deletions = selectDeletions(listing, seen, retention, now).map((message) => message.uidl);
    // No DELE was sent, so this QUIT removes nothing.
    await pop3.quit();
    log.info('dry run: nothing was changed', { listed: listing.messages.length });
    return {
      mailbox,
      listed: listing.messages.length,
      archive,
      later: fresh.length - archive.length,
      delete: deletions,
      waitingSends: countOpenSends(ledger.state),
      seenLost: ledger.recovery.seenLost === true,
    };
  } catch (error) {
    // No QUIT after a failure: the server deletes nothing either way.
    pop3.destroy('the dry run failed');
    throw error;
  } finally {
    options.signal?.removeEventListener('abort', stop);
  }
};
