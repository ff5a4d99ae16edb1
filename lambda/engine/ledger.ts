import { hostname } from 'node:os';
import { hasCode, PopfwdError } from '../errors.js';
import type { BlobStore } from '../stores/blob-store.js';
import { crashPoint } from '../test-hooks/crash-points.js';
import type { MailboxLayout } from './layout.js';
import { seenSchema, stateSchema } from './ledger-schema.js';
import {
  emptySeen,
  emptyState,
  type Lease,
  type MailboxState,
  type SeenEntry,
  type SeenIndex,
} from './ledger-types.js';
import { hasRecords, type RebuildReport, rebuildState } from './state-rebuild.js';
import { parseStored, RESTORE_REMEDY } from './stored-document.js';

const encode = (value: unknown): Buffer => Buffer.from(JSON.stringify(value), 'utf8');

export interface Recovery {
  /** state.json was missing and rebuilt from the message records. */
  readonly stateRebuilt?: RebuildReport;
  /** uidls.json was missing while records exist: the server's messages are matched again. */
  readonly seenLost?: true;
}

/** A run's lease owner: `host:pid:random`, so a lease left by a dead local process is spotted. */
export const leaseOwner = (random: string): string => `${hostname()}:${process.pid}:${random}`;

/** True when the owner ran on this host in a process that no longer exists. */
const ownerIsDeadHere = (owner: string): boolean => {
  const [host, pidText] = owner.split(':');
  const pid = Number(pidText);
  if (host !== hostname() || !Number.isSafeInteger(pid) || pid <= 0 || pid === process.pid)
    return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
};

/**
 * The mailbox's durable memory: `state` (lease, pending sends, vacation, send count) and `seen`
 * (archived UIDLs). Loaded with two reads; written only when changed, each write conditional
 * on the version read, so two runs can never silently overwrite each other.
 */
export class Ledger {
  state: MailboxState;
  readonly seen: Map<string, SeenEntry>;
  #stateVersion: string | null;
  #seenVersion: string | null;
  /**
   * Changes count up; a save records the count it wrote. An update made while a write is on its
   * way (concurrent archive tasks) therefore stays dirty and goes out with the next save.
   */
  #stateChanges = 0;
  #stateSaved = 0;
  #seenChanges = 0;
  #seenSaved = 0;
  /** Saves run one after another: two conditional writes on one version would conflict. */
  #saving: Promise<void> = Promise.resolve();
  /** How the ledger was recovered from a lost document, for the run to report. */
  readonly recovery: Recovery;
  /** Makes durable what the documents about to be saved may name (the run's catalog). */
  #beforeSave: (() => Promise<void>) | null = null;

  private constructor(
    private readonly store: BlobStore,
    private readonly layout: MailboxLayout,
    state: { value: MailboxState; version: string | null },
    seen: { value: SeenIndex; version: string | null },
    recovery: Recovery,
  ) {
    this.state = state.value;
    this.#stateVersion = state.version;
    this.seen = new Map(Object.entries(seen.value.uidls));
    this.#seenVersion = seen.version;
    this.recovery = recovery;
    // A rebuilt state is saved by the next checkpoint, so the rebuild happens once.
    if (recovery.stateRebuilt) this.#stateChanges = 1;
  }

  /**
   * Reads both documents; a damaged one throws ESTORE naming it. A missing state.json while the
   * mailbox has records is rebuilt from them (state-rebuild.ts); a missing uidls.json needs no
   * rebuild: every message on the server is then read again and matched to its record.
   */
  static async load(
    store: BlobStore,
    layout: MailboxLayout,
    mailbox: string,
    now: number = Date.now(),
  ): Promise<Ledger> {
    const [stateDoc, seenDoc] = await Promise.all([
      store.getDocument(layout.stateKey),
      store.getDocument(layout.seenKey),
    ]);
    const seen = seenDoc
      ? parseStored(seenSchema, seenDoc.body, layout.seenKey, RESTORE_REMEDY)
      : emptySeen();
    let state = stateDoc
      ? parseStored(stateSchema, stateDoc.body, layout.stateKey, RESTORE_REMEDY)
      : emptyState(mailbox);
    let recovery: Recovery = {};
    // Both checks list the catalog (and legacy records) only when a document is missing: never
    // on a normal poll.
    if (!stateDoc && (seenDoc || (await hasRecords(store, layout)))) {
      const rebuilt = await rebuildState(store, layout, mailbox, now);
      state = rebuilt.state;
      recovery = { stateRebuilt: rebuilt.report };
    } else if (stateDoc && !seenDoc && (await hasRecords(store, layout))) {
      recovery = { seenLost: true };
    }
    return new Ledger(
      store,
      layout,
      { value: state, version: stateDoc?.version ?? null },
      { value: seen, version: seenDoc?.version ?? null },
      recovery,
    );
  }

  /**
   * `flush` runs before every save of state.json or uidls.json, after the document is taken: what
   * the saved document names (a seen message, a pending send) is then durable before it is. The
   * run's catalog flushes its records here ("records first").
   */
  flushBeforeSaving(flush: () => Promise<void>): void {
    this.#beforeSave = flush;
  }

  get dirty(): boolean {
    return this.#stateChanges !== this.#stateSaved || this.#seenChanges !== this.#seenSaved;
  }

  /**
   * The lease holder other than `owner`, if its lease has not expired — and, when it ran on this
   * host, if its process is still alive: a crashed local run does not lock the mailbox for long.
   */
  leaseHolder(owner: string, now: number): Lease | null {
    const { lease } = this.state;
    if (!lease || lease.owner === owner || Date.parse(lease.until) <= now) return null;
    return ownerIsDeadHere(lease.owner) ? null : lease;
  }

  updateState(change: (state: MailboxState) => MailboxState): void {
    this.state = change(this.state);
    this.#stateChanges += 1;
  }

  markSeen(uidl: string, entry: SeenEntry): void {
    this.seen.set(uidl, entry);
    this.#seenChanges += 1;
  }

  forget(uidl: string): void {
    if (this.seen.delete(uidl)) this.#seenChanges += 1;
  }

  /**
   * Takes the lease with a conditional write. Rejects with ELEASE when another run holds it or
   * wrote the state since we read it.
   */
  async acquireLease(owner: string, until: number, now: number): Promise<void> {
    const holder = this.leaseHolder(owner, now);
    if (holder) {
      throw new PopfwdError(
        'ELEASE',
        `another run (${holder.owner}) holds the mailbox until ${holder.until}`,
        { context: { holder: holder.owner } },
      );
    }
    this.updateState((state) => ({
      ...state,
      lease: { owner, until: new Date(until).toISOString() },
    }));
    try {
      await this.saveState();
    } catch (error) {
      if (hasCode(error, 'ECONFLICT')) {
        throw new PopfwdError(
          'ELEASE',
          'another run changed the mailbox state at the same moment',
          { cause: error },
        );
      }
      throw error;
    }
  }

  async releaseLease(): Promise<void> {
    if (!this.state.lease) return;
    this.updateState((state) => ({ ...state, lease: null }));
    await this.checkpoint();
  }

  /** Queues `write` behind any save in progress. */
  #serially(write: () => Promise<void>): Promise<void> {
    const next = this.#saving.then(write);
    this.#saving = next.catch(() => {});
    return next;
  }

  saveState(): Promise<void> {
    return this.#serially(async () => {
      const changes = this.#stateChanges;
      // Taken before the flush, in the same tick: everything it names was put before it.
      const body = encode(this.state);
      await this.#beforeSave?.();
      this.#stateVersion = await this.store.putDocument(this.layout.stateKey, body, {
        ifVersion: this.#stateVersion,
        contentType: 'application/json',
      });
      this.#stateSaved = changes;
    });
  }

  saveSeen(): Promise<void> {
    return this.#serially(async () => {
      const changes = this.#seenChanges;
      const body = encode({ v: 1, uidls: Object.fromEntries(this.seen) });
      await this.#beforeSave?.();
      this.#seenVersion = await this.store.putDocument(this.layout.seenKey, body, {
        ifVersion: this.#seenVersion,
        contentType: 'application/json',
      });
      this.#seenSaved = changes;
    });
  }

  /**
   * Writes whatever changed: the state first. A state ahead of the seen index costs one re-read
   * (the message is matched to its record and its sends are left to the state); a seen index
   * ahead of the state would mark messages seen whose planned sends only memory knew.
   */
  async checkpoint(): Promise<void> {
    const seenChanged = this.#seenChanges !== this.#seenSaved;
    if (this.#stateChanges !== this.#stateSaved) {
      await this.saveState();
      if (seenChanged) crashPoint('mid-checkpoint');
    }
    if (seenChanged) await this.saveSeen();
  }
}
