import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import type { Pop3CommandInfo } from '../../../lambda/cli/sandbox/pop3-server.js';
import { leaseOwner } from '../../../lambda/engine/ledger.js';
import { emptyState, type Lease } from '../../../lambda/engine/ledger-types.js';
import { createLocalStore } from '../../../lambda/stores/local/local-store.js';
import { type Engine, layout, mails, OWNER, useEngine } from './engine-fixture.js';

const MINUTE = 60_000;

/** Writes a state document holding `lease`, as a run in progress (or a crashed one) leaves it. */
const leaveLease = async (mailbox: Engine, lease: Lease): Promise<void> => {
  await createLocalStore(mailbox.dir).putDocument(
    layout.stateKey,
    Buffer.from(JSON.stringify({ ...emptyState(OWNER), lease })),
    { ifVersion: null },
  );
};

/** The pid of a process that has exited. */
const deadPid = async (): Promise<number> => {
  const child = spawn(process.execPath, ['-e', '']);
  await once(child, 'exit');
  if (child.pid === undefined) throw new Error('the child process did not start');
  return child.pid;
};

describe('one run per mailbox', () => {
  const engine = useEngine();

  it('reports busy without touching the server while another run holds a live lease', async () => {
    // Prepare
    const mailbox = await engine({ mailbox: mails(3) });
    const until = new Date(mailbox.clock.now() + 5 * MINUTE).toISOString();
    await leaveLease(mailbox, { owner: 'lambda-host:8:7f3a9c21', until });
    mailbox.store.reset();

    // Act
    const summary = await mailbox.run();

    // Assess
    expect(summary.busy).toMatch(/another popfwd run \(lambda-host:8:7f3a9c21\)/);
    expect(summary).toMatchObject({ fetched: 0, archived: 0, deleted: 0, failed: 0 });
    expect(mailbox.server.connections).toBe(0);
    expect(mailbox.store.counts).toMatchObject({ putDocument: 0, create: 0 });
    expect((await mailbox.state())?.lease).toEqual({ owner: 'lambda-host:8:7f3a9c21', until });
  });

  it('a second run started while the first is fetching is busy and leaves the first alone', async () => {
    // Prepare: the second run starts from inside the first one's third RETR
    let mailbox: Engine | undefined;
    let second: Promise<unknown> | undefined;
    const onCommand = (command: Pop3CommandInfo) => {
      if (command.name === 'RETR' && command.args[0] === '3' && mailbox && !second)
        second = mailbox.run();
      return undefined;
    };
    mailbox = await engine({ mailbox: mails(5), faults: { onCommand } });

    // Act
    const first = await mailbox.run({ pipelining: 'off' });

    // Assess
    expect(await second).toMatchObject({ busy: expect.stringMatching(/another popfwd run/) });
    expect(first).toMatchObject({ fetched: 5, archived: 5, busy: null });
    expect(mailbox.server.connections).toBe(1);
    expect((await mailbox.state())?.lease).toBeNull();
  });

  it('treats a lease of another process on this host as live while that process runs', async () => {
    // Prepare: this very process (a different run id) holds it
    const mailbox = await engine({ mailbox: mails(1) });
    const until = new Date(mailbox.clock.now() + 5 * MINUTE).toISOString();
    await leaveLease(mailbox, { owner: leaseOwner('othr0001'), until });

    // Act
    const summary = await mailbox.run();

    // Assess
    expect(summary.busy).toMatch(/another popfwd run/);
    expect(mailbox.server.connections).toBe(0);
  });

  it('takes over an expired lease', async () => {
    // Prepare
    const mailbox = await engine({ mailbox: mails(3) });
    const until = new Date(mailbox.clock.now() - 1).toISOString();
    await leaveLease(mailbox, { owner: 'lambda-host:8:crashed0', until });

    // Act
    const summary = await mailbox.run();

    // Assess
    expect(summary).toMatchObject({ busy: null, fetched: 3, archived: 3 });
    expect((await mailbox.state())?.lease).toBeNull();
  });

  it('takes over a live lease left by a local process that has died', async () => {
    // Prepare
    const mailbox = await engine({ mailbox: mails(3) });
    const until = new Date(mailbox.clock.now() + 5 * MINUTE).toISOString();
    await leaveLease(mailbox, { owner: `${hostname()}:${await deadPid()}:crashed1`, until });

    // Act
    const summary = await mailbox.run();

    // Assess
    expect(summary).toMatchObject({ busy: null, fetched: 3, archived: 3 });
    expect((await mailbox.state())?.lease).toBeNull();
  });

  it('reports POP3 [IN-USE] as busy, not as a failure, and hangs up', async () => {
    // Prepare: another POP3 client holds the maildrop lock
    const mailbox = await engine({ mailbox: mails(3) });
    const otherClient = {};
    mailbox.server.mailbox.tryLock(otherClient);

    // Act
    const summary = await mailbox.run();
    await mailbox.server.idle();

    // Assess
    expect(summary.busy).toMatch(/another client holds the mailbox.*IN-USE/);
    expect(summary).toMatchObject({ fetched: 0, failed: 0, alerts: [] });
    expect(mailbox.server.connections).toBe(1);
    expect(mailbox.server.commands()).not.toContain('UIDL');
    expect(await mailbox.state()).toBeNull();
    expect(mailbox.server.mailbox.messages).toHaveLength(3);
  });
});
