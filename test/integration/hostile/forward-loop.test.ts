import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type Pop3Server, startPop3Server } from '../../../lambda/cli/sandbox/pop3-server.js';
import { parseConfig } from '../../../lambda/config/parse.js';
import type { RunSummary } from '../../../lambda/engine/summary.js';
import { createLocalStore } from '../../../lambda/stores/local/local-store.js';
import { runMailbox } from '../../helpers/engine-run.js';
import { fixedClock } from '../../helpers/fixed-clock.js';
import { memoryLog } from '../../helpers/memory-log.js';
import { memorySecrets } from '../../helpers/secrets/memory-secrets.js';
import { type SmtpTestServer, startSmtpTestServer } from '../../helpers/smtp/smtp-test-server.js';
import { TLS_PATHS } from '../../helpers/tls-fixtures.js';

/**
 * Issue 11 item 13: two mailboxes forwarding to each other through a relay that strips
 * X-Popfwd-Loop ping-ponged until the daily cap (8 of 8 rounds with attachment forwards). Here
 * two popfwd mailboxes, each with its own POP3 server and smtp-server, are joined by such a relay
 * (what one sends lands in the other's POP3 mailbox, X-Popfwd-Loop removed), in each forward mode.
 * The loop must stop within 3 rounds, with an ELOOP alert.
 */

const PASSWORD = 'loop-test-secret';
const T0 = Date.parse('2026-11-26T08:00:00.000Z');
const MAX_ROUNDS = 8;

type Mode = 'attachment' | 'inline' | 'redirect';

interface Side {
  readonly address: string;
  readonly pop3: Pop3Server;
  readonly smtp: SmtpTestServer;
  readonly dir: string;
  /** smtp.messages already relayed. */
  relayed: number;
  delivered: number;
}

/** Top-level X-Popfwd-Loop fields (and their continuation lines) removed, as a relay might. */
const stripLoopMarker = (raw: Buffer): Buffer => {
  const text = raw.toString('latin1');
  const end = text.indexOf('\r\n\r\n');
  const lines = text.slice(0, end).split('\r\n');
  const kept: string[] = [];
  let dropping = false;
  for (const line of lines) {
    if (/^[ \t]/.test(line) && dropping) continue;
    dropping = /^x-popfwd-loop\s*:/i.test(line);
    if (!dropping) kept.push(line);
  }
  return Buffer.from(kept.join('\r\n') + text.slice(end), 'latin1');
};

describe('a forwarding loop whose relay strips X-Popfwd-Loop', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  const side = async (address: string): Promise<Side> => {
    const pop3 = await startPop3Server({ users: [{ user: address, password: PASSWORD }] });
    const smtp = await startSmtpTestServer({ passwords: { [address]: PASSWORD } });
    const dir = await mkdtemp(join(tmpdir(), 'popfwd-loop-'));
    cleanups.push(async () => {
      await Promise.all([pop3.close(), smtp.close()]);
      await rm(dir, { recursive: true, force: true });
    });
    return { address, pop3, smtp, dir, relayed: 0, delivered: 0 };
  };

  const run = (from: Side, to: Side, mode: Mode, now: number): Promise<RunSummary> => {
    const { config } = parseConfig(
      {
        mailbox: {
          address: from.address,
          pop3: { host: from.pop3.host, port: from.pop3.port, security: 'plain' },
          smtp: { host: 'localhost', port: from.smtp.port, security: 'starttls' },
          caFile: TLS_PATHS.ca,
          auth: { method: 'password', password: { env: 'POPFWD_PASSWORD' } },
          retention: 'delete',
        },
        store: { dir: from.dir },
        rules: [
          {
            name: 'to the other',
            // biome-ignore lint/suspicious/noThenProperty: the config file's field is called `then`
            then: [{ forward: { to: [to.address], as: mode } }],
          },
        ],
      },
      'loop-test.yaml',
    );
    return runMailbox({
      config,
      store: createLocalStore(from.dir),
      secrets: memorySecrets({ 'env:POPFWD_PASSWORD': PASSWORD }).store,
      log: memoryLog(),
      clock: fixedClock(now),
      deadline: now + 600_000,
    });
  };

  /** What `from` sent since the last relay, marker stripped, into `to`'s POP3 mailbox. */
  const relay = (from: Side, to: Side): number => {
    const fresh = from.smtp.messages.slice(from.relayed);
    from.relayed = from.smtp.messages.length;
    for (const mail of fresh) {
      expect(mail.to).toEqual([to.address]);
      to.delivered += 1;
      to.pop3.mailbox.add({
        uidl: `relayed-${to.delivered}`,
        data: stripLoopMarker(mail.raw),
      });
    }
    return fresh.length;
  };

  /** What a mail client's "forward as attachment" rule makes of a message: new headers, no ids of ours. */
  const wrapAsAttachment = (raw: Buffer, from: string, to: string, n: number): Buffer =>
    Buffer.concat([
      Buffer.from(
        [
          `From: ${from}`,
          `To: ${to}`,
          `Subject: FW: round ${n}`,
          `Message-ID: <wrap-${n}@client.example>`,
          'MIME-Version: 1.0',
          'Content-Type: multipart/mixed; boundary="w"',
          '',
          '--w',
          'Content-Type: text/plain',
          '',
          'See attached.',
          '--w',
          'Content-Type: message/rfc822',
          '',
          '',
        ].join('\r\n'),
      ),
      raw,
      Buffer.from('\r\n--w--\r\n'),
    ]);

  it.each<Mode>(['attachment', 'inline', 'redirect'])(
    'stops when the other side is a mail client that forwards as an attachment (%s)',
    async (mode) => {
      // Prepare: Alice forwards everything to Bob; Bob's client sends it back attached
      const alice = await side('alice@a.example');
      const bob = await side('bob@b.example');
      alice.pop3.mailbox.add({
        uidl: 'seed',
        data: Buffer.from(
          'From: Carol <carol@partner.example>\r\nTo: alice@a.example\r\nSubject: hello\r\n' +
            'Message-ID: <seed@partner.example>\r\n\r\nHello.\r\n',
        ),
      });

      // Act
      const alerts: RunSummary['alerts'][number][] = [];
      for (let round = 1; round <= MAX_ROUNDS; round++) {
        const summary = await run(alice, bob, mode, T0 + round * 600_000);
        alerts.push(...summary.alerts);
        const fresh = alice.smtp.messages.slice(alice.relayed);
        alice.relayed = alice.smtp.messages.length;
        if (fresh.length === 0) break;
        for (const mail of fresh) {
          alice.delivered += 1;
          alice.pop3.mailbox.add({
            uidl: `wrapped-${alice.delivered}`,
            data: wrapAsAttachment(stripLoopMarker(mail.raw), bob.address, alice.address, round),
          });
        }
      }

      // Assess: the first forward went out, the one of its wrapped copy did not
      expect(alice.smtp.messages).toHaveLength(1);
      expect(alerts).toContainEqual({
        code: 'ELOOP',
        message: expect.stringMatching(/the id of a forward this mailbox sent: it came back/),
      });
    },
  );

  it.each<Mode>(['attachment', 'inline', 'redirect'])(
    'stops within 3 rounds and raises an alert (%s)',
    async (mode) => {
      // Prepare: Alice forwards everything to Bob, Bob everything to Alice
      const alice = await side('alice@a.example');
      const bob = await side('bob@b.example');
      alice.pop3.mailbox.add({
        uidl: 'seed',
        data: Buffer.from(
          'From: Carol <carol@partner.example>\r\nTo: alice@a.example\r\nSubject: hello\r\n' +
            'Message-ID: <seed@partner.example>\r\n\r\nHello.\r\n',
        ),
      });

      // Act: round after round, until nothing moves
      const alerts: RunSummary['alerts'][number][] = [];
      let rounds = 0;
      for (let round = 1; round <= MAX_ROUNDS; round++) {
        const now = T0 + round * 600_000;
        const fromAlice = await run(alice, bob, mode, now);
        const sentByAlice = relay(alice, bob);
        const fromBob = await run(bob, alice, mode, now + 60_000);
        const sentByBob = relay(bob, alice);
        alerts.push(...fromAlice.alerts, ...fromBob.alerts);
        if (sentByAlice + sentByBob === 0) break;
        rounds = round;
      }

      // Assess: the marker was gone from everything relayed, yet the loop stopped early
      for (const side of [alice, bob]) {
        for (const message of side.pop3.mailbox.messages) {
          expect(message.data.toString('latin1')).not.toMatch(/^x-popfwd-loop:/im);
        }
      }
      expect(rounds).toBeGreaterThanOrEqual(1);
      expect(rounds).toBeLessThanOrEqual(3);
      expect(alice.smtp.messages.length + bob.smtp.messages.length).toBeLessThanOrEqual(3);
      expect(alerts).toContainEqual({
        code: 'ELOOP',
        message: expect.stringMatching(/sending again would loop/),
      });
    },
  );
});
