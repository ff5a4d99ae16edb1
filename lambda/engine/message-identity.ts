import { PopfwdError } from '../errors.js';
import type { Log } from '../log.js';
import { crashPoint } from '../test-hooks/crash-points.js';
import type { ArchiveOutcome } from './archive-message.js';
import { claimDigest, moveDigest, readDigest } from './digest-index.js';
import type { SeenEntry } from './ledger-types.js';
import type { MessageRecord } from './message-record.js';
import { recordNew, resume } from './record-message.js';
import type { RunContext } from './run-context.js';
import type { ServerMessage } from './selection.js';

/** 'refetch': the bytes are new but their UIDL's key holds other bytes; read them again elsewhere. */
export type Settled = 'done' | 'refetch';

interface Held {
  readonly id: string;
  readonly record: MessageRecord;
}

/**
 * Decides, once a message's bytes are read, which archived message they are. The UIDL names the
 * key, but a server may give one message a new UIDL every session, or one UIDL to two messages;
 * the content index (digest-index.ts) settles it by SHA-256, so identical bytes are planned and
 * sent once, and different bytes are never folded into one key.
 *
 *   archived under its key, record present  → already known: resume
 *   bytes new to the index                   → claim them, plan, write the record
 *   bytes the index gives to another message → that message, already recorded: nothing new
 *                                              (our copy is removed again)
 *
 * Messages with the same bytes are settled one after another, so two copies never plan twice.
 */
export class MessageIdentity {
  /** Ambiguous copies settled in this run: message number → the id holding its bytes. */
  readonly resolved = new Map<number, string>();
  /** UIDLs whose bytes were already archived under another UIDL. */
  readonly repeats: string[] = [];
  readonly #bySha = new Map<string, Promise<Settled>>();

  constructor(private readonly ctx: RunContext) {}

  settle(message: ServerMessage, outcome: ArchiveOutcome, log: Log): Promise<Settled> {
    const sha = outcome.kind === 'conflict' ? outcome.sha256 : outcome.meta.sha256;
    const before = this.#bySha.get(sha);
    const next = (before ?? Promise.resolve<Settled>('done'))
      .catch(() => 'done' as const)
      .then(() => this.#settle(message, outcome, log));
    this.#bySha.set(sha, next);
    const forget = () => {
      if (this.#bySha.get(sha) === next) this.#bySha.delete(sha);
    };
    next.then(forget, forget);
    return next;
  }

  async #settle(message: ServerMessage, outcome: ArchiveOutcome, log: Log): Promise<Settled> {
    const { ctx } = this;
    if (outcome.kind === 'conflict') {
      const held = await this.#heldElsewhere(outcome.sha256);
      if (!held) return 'refetch';
      this.#repeat(message, held, log);
      return 'done';
    }
    const { id, meta } = outcome;
    ctx.counters.bytes += meta.size;
    // Read again: a copy with the same bytes settled just before this one may have written it.
    const record =
      outcome.kind === 'exists' ? (outcome.record ?? (await ctx.catalog.get(id))) : null;
    if (record) {
      this.#known(message, { id, record }, log);
      return 'done';
    }
    const owner = await claimDigest(
      ctx.store,
      ctx.layout,
      { sha256: meta.sha256, id, uidl: message.uidl },
      ctx.log,
    );
    crashPoint('after-claim');
    const counter = outcome.kind === 'created' ? 'archived' : 'alreadyArchived';
    if (owner.entry.id === id) {
      ctx.counters[counter] += 1;
      this.#note(message, id, await recordNew(ctx, message, id, meta, log));
      return 'done';
    }
    const held = await ctx.catalog.get(owner.entry.id);
    if (held) {
      // Its raw copy gone (removed by hand) would leave these bytes nowhere: ours takes its key.
      if (!(await this.#rawExists(owner.entry.id))) await this.#restore(id, owner.entry.id);
      await this.#dropCopy(id);
      this.#repeat(message, { id: owner.entry.id, record: held }, log);
      return 'done';
    }
    // The index names a message whose record a run never wrote (it died in between).
    ctx.counters.archived += 1;
    if (await this.#rawExists(owner.entry.id)) {
      const key = ctx.layout.rawKey(owner.entry.id);
      this.#note(
        message,
        owner.entry.id,
        await recordNew(ctx, message, owner.entry.id, { ...meta, key }, log),
      );
      await this.#dropCopy(id);
      return 'done';
    }
    // … or a message that is not archived at all: ours takes its place.
    await moveDigest(ctx.store, ctx.layout, owner, id, message.uidl);
    this.#note(message, id, await recordNew(ctx, message, id, meta, log));
    return 'done';
  }

  /** The recorded message that holds these bytes, if the index names one and its copy exists. */
  async #heldElsewhere(sha256: string): Promise<Held | null> {
    const owner = await readDigest(this.ctx.store, this.ctx.layout, sha256, this.ctx.log);
    if (!owner) return null;
    const record = await this.ctx.catalog.get(owner.entry.id);
    if (!record || !(await this.#rawExists(owner.entry.id))) return null;
    return { id: owner.entry.id, record };
  }

  /** Read again: after an interrupted run, or an ambiguous UIDL's copy matched once more. */
  #known(message: ServerMessage, held: Held, log: Log): void {
    this.ctx.counters.alreadyArchived += 1;
    this.#note(message, held.id, resume(this.ctx, message, held.id, held.record));
    log.info('already archived (read again)', { id: held.id });
  }

  #repeat(message: ServerMessage, held: Held, log: Log): void {
    if (held.record.meta.uidl === message.uidl) {
      this.#known(message, held, log);
      return;
    }
    this.ctx.counters.alreadyArchived += 1;
    this.#note(message, held.id, resume(this.ctx, message, held.id, held.record));
    this.repeats.push(message.uidl);
    log.warn(
      'the server offers bytes already archived, under a new UIDL; nothing is archived or sent again',
      { archivedAs: held.record.meta.uidl, archivedAt: held.record.meta.archivedAt },
    );
  }

  #note(message: ServerMessage, id: string, entry: SeenEntry): void {
    if (message.ambiguous) this.resolved.set(message.n, id);
    else this.ctx.ledger.markSeen(message.uidl, entry);
  }

  /** Removes a raw copy that no record points to: its bytes are archived under another id. */
  async #dropCopy(id: string): Promise<void> {
    await this.ctx.store.delete(this.ctx.layout.rawKey(id));
  }

  /** Archives the bytes stored under `from` under `to` as well. */
  async #restore(from: string, to: string): Promise<void> {
    const { store, layout } = this.ctx;
    const bytes = await store.read(layout.rawKey(from));
    if (!bytes) throw new PopfwdError('ESTORE', `${layout.rawKey(from)} vanished while in use`);
    await store.create(layout.rawKey(to), bytes, { contentType: 'message/rfc822' });
    this.ctx.log.warn('an archived message was missing its raw copy; restored from a new read', {
      key: layout.rawKey(to),
    });
  }

  async #rawExists(id: string): Promise<boolean> {
    const stream = await this.ctx.store.read(this.ctx.layout.rawKey(id));
    stream?.destroy();
    return stream !== null;
  }
}
