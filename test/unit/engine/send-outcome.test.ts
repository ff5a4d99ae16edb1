import { describe, expect, it } from 'vitest';
import {
  type ActionState,
  emptyState,
  type MailboxState,
} from '../../../lambda/engine/ledger-types.js';
import {
  afterAttempt,
  applyStep,
  forgetExpired,
  type SendStep,
  skipSend,
  startSend,
} from '../../../lambda/engine/send-outcome.js';
import { ACCOUNT_PAUSE_MS, MAX_SEND_ATTEMPTS } from '../../../lambda/engine/send-policy.js';
import { type ErrorCode, PopfwdError } from '../../../lambda/errors.js';
import type { SendAction } from '../../../lambda/rules/plan.js';

const NOW = Date.parse('2026-12-06T12:00:00.000Z');
const LATER = NOW + 1_500;
const TODAY = '2026-12-06';
const iso = (epochMs: number) => new Date(epochMs).toISOString();

const FORWARD: SendAction = {
  kind: 'forward',
  id: 'forward:0.0',
  rule: 'to phone',
  to: ['me@phone.example'],
  as: 'attachment',
};
const REDIRECT: SendAction = { ...FORWARD, as: 'redirect' };
const VACATION: SendAction = {
  kind: 'vacation',
  id: 'vacation',
  rule: null,
  to: 'carol@partner.example',
  sender: 'carol@partner.example',
  days: 7,
  subject: 'Away',
  text: 'Back on Monday.',
};

const pending = (action: SendAction = FORWARD, attempts = 0): ActionState => ({
  action,
  status: 'pending',
  attempts,
  messageId: '<popfwd.1@example.test>',
});

const stateWith = (action: ActionState, sends = { day: TODAY, count: 4 }): MailboxState => ({
  ...emptyState('alice@example.test'),
  sends,
  pending: { m1: { uidl: 'u1', since: iso(NOW - 60_000), actions: { a1: action } } },
});

const refused = (code: ErrorCode, message: string, extra: object = {}) =>
  new PopfwdError(code, message, extra);

const failed = (action: ActionState, error: PopfwdError): SendStep =>
  afterAttempt(action, { ok: false, error }, NOW, LATER);

describe('startSend', () => {
  it('marks the action sending, counts the attempt and reserves one of today’s sends', () => {
    // Prepare
    const action = pending(FORWARD, 2);

    // Act
    const state = startSend(stateWith(action), 'm1', 'a1', action, NOW);

    // Assess
    expect(state.pending.m1?.actions.a1).toMatchObject({ status: 'sending', attempts: 3 });
    expect(state.sends).toEqual({ day: TODAY, count: 5 });
  });

  it('starts a new day’s count at one', () => {
    // Prepare
    const action = pending();

    // Act
    const state = startSend(
      stateWith(action, { day: '2026-12-05', count: 199 }),
      'm1',
      'a1',
      action,
      NOW,
    );

    // Assess
    expect(state.sends).toEqual({ day: TODAY, count: 1 });
  });
});

describe('skipSend', () => {
  it('makes the action final with the reason, and counts no send', () => {
    // Prepare
    const action = pending(VACATION);
    const before = stateWith(action);

    // Act
    const state = skipSend(before, 'm1', 'a1', action, 'answered lately');

    // Assess
    expect(state.pending.m1?.actions.a1).toMatchObject({
      status: 'skipped',
      reason: 'answered lately',
    });
    expect(state.sends).toEqual(before.sends);
  });
});

describe('afterAttempt', () => {
  it('records a send the server accepted with its reply and time', () => {
    // Act
    const step = afterAttempt(pending(), { ok: true, response: '250 2.0.0 OK' }, NOW, LATER);

    // Assess
    expect(step).toEqual({
      outcome: 'sent',
      next: {
        ...pending(),
        status: 'sent',
        attempts: 1,
        sentAt: iso(LATER),
        response: '250 2.0.0 OK',
      },
    });
  });

  it('remembers the sender of a vacation reply for its days, counted from the attempt', () => {
    // Act
    const step = afterAttempt(pending(VACATION), { ok: true, response: '250 OK' }, NOW, LATER);

    // Assess
    expect(step).toMatchObject({
      outcome: 'sent',
      vacation: { sender: 'carol@partner.example', until: iso(NOW + 7 * 86_400_000) },
    });
  });

  it('retries a transient refusal after a backoff, the attempt counted', () => {
    // Act
    const step = failed(pending(), refused('ESEND', '451 try later'));

    // Assess
    expect(step.outcome).toBe('retry');
    expect(step.next).toMatchObject({
      status: 'pending',
      attempts: 1,
      notBefore: iso(NOW + 5 * 60_000),
      lastError: { code: 'ESEND', message: '451 try later', at: iso(LATER) },
    });
  });

  it('gives up on a transient refusal at the attempt limit, and says so', () => {
    // Act
    const step = failed(pending(FORWARD, MAX_SEND_ATTEMPTS - 1), refused('ESEND', '451 try later'));

    // Assess
    expect(step.outcome).toBe('failed');
    expect(step.next).toMatchObject({
      status: 'failed',
      attempts: MAX_SEND_ATTEMPTS,
      reason: `gave up after ${MAX_SEND_ATTEMPTS} attempts: 451 try later`,
    });
  });

  it('fails a permanent refusal at once, without an alert', () => {
    // Act
    const step = failed(pending(), refused('ERECIPIENT', '550 5.1.1 no such user'));

    // Assess
    expect(step).toMatchObject({ outcome: 'failed', reason: '550 5.1.1 no such user' });
    expect('alert' in step && step.alert).toBeFalsy();
  });

  it('alerts on a mail loop found while composing: the owner must fix the rule', () => {
    // Act
    const step = failed(pending(), refused('ELOOP', 'the original already passed popfwd'));

    // Assess
    expect(step).toMatchObject({
      outcome: 'failed',
      alert: { code: 'ELOOP', message: 'the original already passed popfwd' },
    });
  });

  it('stops sending without costing an attempt when the server is out of reach', () => {
    // Act
    const step = failed(
      pending(FORWARD, 2),
      refused('ECONNECTION', 'connect ECONNREFUSED', { context: { scope: 'connection' } }),
    );

    // Assess
    expect(step).toMatchObject({ outcome: 'stop', next: { attempts: 2, status: 'pending' } });
    expect('pause' in step && step.pause).toBeFalsy();
    expect('alert' in step && step.alert).toBeFalsy();
  });

  it('pauses every send of the mailbox and alerts when the account is refused', () => {
    // Act
    const step = failed(pending(), refused('EACCOUNT', '554 5.2.252 SendAsDenied'));

    // Assess
    const until = iso(NOW + ACCOUNT_PAUSE_MS);
    expect(step).toMatchObject({
      outcome: 'stop',
      next: { status: 'pending', notBefore: until },
      pause: { until, code: 'EACCOUNT', reason: '554 5.2.252 SendAsDenied' },
      alert: { code: 'EACCOUNT' },
    });
  });

  it('waits for the next UTC day when the server’s quota is spent', () => {
    // Act
    const step = failed(pending(), refused('ESENDCAP', '554 SubmissionQuotaExceeded'));

    // Assess
    expect(step).toMatchObject({
      outcome: 'stop',
      next: { notBefore: '2026-12-07T00:00:00.000Z', attempts: 0 },
      pause: { until: '2026-12-07T00:00:00.000Z' },
    });
  });

  it('fails only a redirect that Outlook refuses as SendAsDenied, naming the alternatives', () => {
    // Act
    const step = failed(
      pending(REDIRECT),
      refused('EACCOUNT', '554 5.2.252 SendAsDenied', { context: { reason: 'send-as-denied' } }),
    );

    // Assess
    expect(step.outcome).toBe('failed');
    expect(step.next.reason).toContain('use as: attachment or inline');
  });
});

describe('applyStep', () => {
  it('keeps the reserved send for a sent action and remembers the vacation sender', () => {
    // Prepare
    const action = pending(VACATION);
    const sending = startSend(stateWith(action), 'm1', 'a1', action, NOW);
    const step = afterAttempt(action, { ok: true, response: '250 OK' }, NOW, LATER);

    // Act
    const state = applyStep(sending, 'm1', 'a1', step);

    // Assess
    expect(state.sends.count).toBe(5);
    expect(state.pending.m1?.actions.a1?.status).toBe('sent');
    expect(state.vacation).toEqual({ 'carol@partner.example': iso(NOW + 7 * 86_400_000) });
  });

  it('gives an unsent send back to today’s count', () => {
    // Prepare
    const action = pending();
    const sending = startSend(stateWith(action), 'm1', 'a1', action, NOW);
    const step = failed(action, refused('ESEND', '451 later'));

    // Act
    const state = applyStep(sending, 'm1', 'a1', step);

    // Assess
    expect(state.sends.count).toBe(4);
    expect(state.sendPause).toBeUndefined();
  });

  it('sets the account pause a refused account asks for', () => {
    // Prepare
    const action = pending();
    const step = failed(action, refused('EACCOUNT', '554 blocked'));

    // Act
    const state = applyStep(stateWith(action), 'm1', 'a1', step);

    // Assess
    expect(state.sendPause).toEqual({
      until: iso(NOW + ACCOUNT_PAUSE_MS),
      code: 'EACCOUNT',
      reason: '554 blocked',
    });
  });
});

describe('forgetExpired', () => {
  it('drops vacation memories and a pause that are over, and keeps the live ones', () => {
    // Prepare
    const state: MailboxState = {
      ...emptyState('alice@example.test'),
      vacation: { 'old@example.org': iso(NOW - 1), 'new@example.org': iso(NOW + 1) },
      sendPause: { until: iso(NOW), code: 'EACCOUNT', reason: 'blocked' },
    };

    // Act
    const next = forgetExpired(state, NOW);

    // Assess
    expect(next?.vacation).toEqual({ 'new@example.org': iso(NOW + 1) });
    expect(next?.sendPause).toBeUndefined();
  });

  it('changes nothing (null: no write) when nothing has expired', () => {
    // Prepare
    const state: MailboxState = {
      ...emptyState('alice@example.test'),
      vacation: { 'new@example.org': iso(NOW + 1) },
      sendPause: { until: iso(NOW + 1), code: 'EACCOUNT', reason: 'blocked' },
    };

    // Act
    const next = forgetExpired(state, NOW);

    // Assess
    expect(next).toBeNull();
  });
});
