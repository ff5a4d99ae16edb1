import { describe, expect, it } from 'vitest';
import { mailboxLayout } from '../../../lambda/engine/layout.js';
import { Ledger } from '../../../lambda/engine/ledger.js';
import type { ActionState } from '../../../lambda/engine/ledger-types.js';
import { encodeRecord, type MessageRecord } from '../../../lambda/engine/message-record.js';
import { IN_DOUBT_REASON, rebuildState } from '../../../lambda/engine/state-rebuild.js';
import { hasCode } from '../../../lambda/errors.js';
import { emptyPlan, type VacationAction } from '../../../lambda/rules/plan.js';
import { memoryStore } from '../../helpers/stores/memory-store.js';

const MAILBOX = 'alice@example.test';
const layout = mailboxLayout(MAILBOX);
const NOW = Date.parse('2026-11-26T12:00:00.000Z');
const DAY_MS = 86_400_000;

const vacationTo = (sender: string): VacationAction => ({
  kind: 'vacation',
  id: 'vacation',
  rule: null,
  to: sender,
  sender,
  days: 7,
  subject: 'Out of office',
  text: 'Away.',
});

const record = (id: string, actions: Record<string, ActionState>): MessageRecord => ({
  v: 1,
  id,
  meta: {
    uidl: `u-${id.slice(0, 4)}`,
    key: layout.rawKey(id),
    size: 10,
    sha256: 'ab'.repeat(32),
    archivedAt: new Date(NOW - 2 * DAY_MS).toISOString(),
    from: [],
    sender: null,
    replyTo: [],
    to: [],
    cc: [],
    bcc: [],
    resent: [],
    returnPath: null,
    subject: 's',
    date: null,
    messageId: null,
    inReplyTo: null,
    references: [],
    contentType: '',
    headers: [],
  },
  rules: { status: 'evaluated', plan: emptyPlan },
  tags: [],
  actions,
  updatedAt: new Date(NOW).toISOString(),
});

const action = (sender: string, status: ActionState['status'], sentAt?: number): ActionState => ({
  action: vacationTo(sender),
  status,
  attempts: status === 'pending' ? 0 : 1,
  messageId: '<m@example.test>',
  ...(sentAt === undefined ? {} : { sentAt: new Date(sentAt).toISOString() }),
});

const storeWith = async (...records: MessageRecord[]) => {
  const store = memoryStore();
  for (const each of records) {
    await store.putDocument(layout.recordKey(each.id), encodeRecord(each));
  }
  return store;
};

describe('rebuildState', () => {
  it('remembers vacation replies, counts today\u2019s sends, and withholds every open send', async () => {
    const store = await storeWith(
      record('a'.repeat(32), { vacation: action('ann@x.example', 'sent', NOW - 3 * DAY_MS) }),
      record('b'.repeat(32), { vacation: action('ben@x.example', 'sent', NOW - 3_600_000) }),
      record('c'.repeat(32), { vacation: action('cat@x.example', 'pending') }),
      record('d'.repeat(32), { vacation: action('dan@x.example', 'sent', NOW - 9 * DAY_MS) }),
    );

    const { state, report } = await rebuildState(store, layout, MAILBOX, NOW);

    expect(report).toEqual({ records: 4, vacation: 3, inDoubt: 1 });
    expect(state.vacation).toEqual({
      'ann@x.example': new Date(NOW + 4 * DAY_MS).toISOString(),
      'ben@x.example': new Date(NOW - 3_600_000 + 7 * DAY_MS).toISOString(),
      'cat@x.example': new Date(NOW + 7 * DAY_MS).toISOString(),
    });
    expect(state.sends).toEqual({ day: '2026-11-26', count: 1 });
    expect(state.pending).toEqual({
      ['c'.repeat(32)]: {
        uidl: 'u-cccc',
        since: new Date(NOW - 2 * DAY_MS).toISOString(),
        actions: {
          vacation: {
            ...action('cat@x.example', 'pending'),
            status: 'failed',
            reason: IN_DOUBT_REASON,
          },
        },
      },
    });
    expect(state.lease).toBeNull();
  });

  it('refuses a damaged record instead of rebuilding around it', async () => {
    const store = await storeWith(record('a'.repeat(32), {}));
    await store.putDocument(layout.recordKey('b'.repeat(32)), Buffer.from('{"v":1}'));

    const failure = await rebuildState(store, layout, MAILBOX, NOW).catch(
      (error: unknown) => error,
    );

    expect(hasCode(failure, 'ESTORE')).toBe(true);
    expect((failure as Error).message).toContain(
      `${layout.recordKey('b'.repeat(32))} is damaged (`,
    );
  });
});

describe('Ledger.load', () => {
  it('rebuilds a missing state.json when records exist, and saves it with the next checkpoint', async () => {
    const store = await storeWith(
      record('a'.repeat(32), { vacation: action('ann@x.example', 'pending') }),
    );

    const ledger = await Ledger.load(store, layout, MAILBOX, NOW);
    await ledger.checkpoint();

    expect(ledger.recovery.stateRebuilt).toEqual({ records: 1, vacation: 1, inDoubt: 1 });
    const saved = JSON.parse((await store.getDocument(layout.stateKey))?.body.toString() ?? '');
    expect(Object.keys(saved.pending)).toEqual(['a'.repeat(32)]);
  });

  it('starts empty, and says nothing, for a mailbox with no records', async () => {
    const ledger = await Ledger.load(memoryStore(), layout, MAILBOX, NOW);

    expect(ledger.recovery).toEqual({});
    expect(ledger.dirty).toBe(false);
    expect(ledger.state.pending).toEqual({});
  });

  it('keeps fields a newer popfwd wrote', async () => {
    const store = memoryStore();
    const state = {
      v: 1,
      mailbox: MAILBOX,
      lease: null,
      pending: {},
      vacation: {},
      sends: { day: '2026-11-26', count: 2 },
      loopGuard: { 'me@phone.example': 3 },
    };
    await store.putDocument(layout.stateKey, Buffer.from(JSON.stringify(state)));
    await store.putDocument(layout.seenKey, Buffer.from('{"v":1,"uidls":{"__proto__":{"t":1}}}'));

    const ledger = await Ledger.load(store, layout, MAILBOX, NOW);

    expect(ledger.state).toEqual(state);
    expect([...ledger.seen.keys()]).toEqual(['__proto__']);
  });
});
