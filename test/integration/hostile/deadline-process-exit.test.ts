import { rm, writeFile } from 'node:fs/promises';
import { createServer, type Server, Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHandler } from '../../../lambda/aws/create-handler.js';
import {
  type Pop3Faults,
  type Pop3Server,
  startPop3Server,
} from '../../../lambda/cli/sandbox/pop3-server.js';
import { parseConfig } from '../../../lambda/config/parse.js';
import type { RunSummary } from '../../../lambda/engine/summary.js';
import { silentLog } from '../../../lambda/log.js';
import { openSecretStore } from '../../../lambda/secrets/open-secrets.js';
import { createLocalStore } from '../../../lambda/stores/local/local-store.js';
import { lambdaContext } from '../../helpers/aws/lambda-context.js';
import { mailPorts, runMailbox } from '../../helpers/engine-run.js';
import { fault, split } from '../../helpers/pop3/pop3-faults.js';
import { auditArchive } from '../../helpers/proof/archive-audit.js';
import { bundlePopfwd, type PopfwdBundle } from '../../helpers/proof/popfwd-bundle.js';
import { proofConfig, writeProofConfig } from '../../helpers/proof/proof-config.js';
import { proofMessages } from '../../helpers/proof/proof-mail.js';
import { scratchDir } from '../../helpers/proof/scratch-dir.js';
import { auditSends } from '../../helpers/proof/send-audit.js';
import { spawnPopfwd } from '../../helpers/proof/spawn-popfwd.js';
import { type SmtpTestServer, startSmtpTestServer } from '../../helpers/smtp/smtp-test-server.js';
import { testTls } from '../../helpers/tls-fixtures.js';

/**
 * `--deadline` bounds the process, not only the summary: `popfwd run --deadline 4s` runs in a
 * child process against a server that stops answering, and the child must have exited (sockets
 * closed, no timer left) within the deadline plus a little for Node's start. The next run, on
 * healthy servers, must find the state consistent: nothing archived or sent twice, nothing deleted
 * without its archived copy.
 */

const PASSWORD = 'deadline-secret';
const DEADLINE_MS = 4_000;
/** Node's start and the bundle's load come before the deadline's clock starts. */
const SLACK_MS = 1_500;

/**
 * An SMTP "server" that accepts connections and never sends a byte, nor closes its side when the
 * client does (a half-open socket keeps a client that waits for the peer's FIN alive).
 */
const startSilentServer = async (): Promise<{
  port: number;
  readonly connections: number;
  close(): Promise<void>;
}> => {
  const sockets = new Set<Socket>();
  let connections = 0;
  const server: Server = createServer({ allowHalfOpen: true }, (socket) => {
    connections += 1;
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    port,
    get connections() {
      return connections;
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
};

interface Scenario {
  readonly name: string;
  readonly pop3Faults?: Pop3Faults;
  /** The SMTP port of the first (deadline) run; the healthy server's when absent. */
  readonly smtp?: () => Promise<{ port: number; close(): Promise<void> }>;
}

interface Outcome {
  readonly elapsedMs: number;
  readonly code: number | null;
  readonly stderr: string;
  readonly summary: RunSummary | null;
}

describe('the deadline ends the process', () => {
  let popfwd: PopfwdBundle;

  beforeAll(async () => {
    popfwd = await bundlePopfwd();
  });
  afterAll(async () => {
    await popfwd?.dispose();
  });

  /**
   * One mailbox: a deadline run with the scenario's fault, then a run on healthy servers with the
   * clock 10 minutes on (sends cut off at the deadline wait out their back-off).
   */
  const exercise = async (scenario: Scenario) => {
    const address = `${scenario.name}@example.test`;
    const dir = await scratchDir(`popfwd-deadline-${scenario.name}-`);
    const passwordFile = join(dir, 'password');
    await writeFile(passwordFile, PASSWORD);
    const messages = proofMessages(address).map((data, index) => ({
      uidl: `m${index + 1}`,
      data,
    }));
    const snapshot = new Map(messages.map((message) => [message.uidl, message.data]));
    const { cert, key } = testTls();
    const pop3: Pop3Server = await startPop3Server({
      tls: { cert, key },
      mailbox: messages,
      users: [{ user: address, password: PASSWORD }],
      ...(scenario.pop3Faults ? { faults: scenario.pop3Faults } : {}),
    });
    const healthy: SmtpTestServer = await startSmtpTestServer({
      passwords: { [address]: PASSWORD },
    });
    const hostile = scenario.smtp ? await scenario.smtp() : null;
    const storeDir = join(dir, 'store');
    const input = {
      address,
      pop3Port: pop3.port,
      passwordFile,
      storeDir,
      retention: 'delete' as const,
    };
    try {
      const config = await writeProofConfig(dir, 'first', {
        ...input,
        smtpPort: hostile?.port ?? healthy.port,
      });
      const started = Date.now();
      const child = await spawnPopfwd(popfwd.path, [
        'run',
        '--config',
        config,
        '--json',
        '--deadline',
        `${DEADLINE_MS / 1000}s`,
      ]);
      const first: Outcome = {
        elapsedMs: Date.now() - started,
        code: child.code,
        stderr: child.stderr,
        summary: child.summary,
      };

      const { config: healthyConfig } = parseConfig(
        proofConfig({ ...input, smtpPort: healthy.port }),
        'second run',
      );
      const later = { now: () => Date.now() + 10 * 60_000 };
      const second = await runMailbox({
        config: healthyConfig,
        store: createLocalStore(storeDir),
        secrets: openSecretStore(),
        log: silentLog,
        clock: later,
        deadline: later.now() + 20_000,
      });
      const onServer = pop3.mailbox.messages.map((message) => message.uidl);
      const archive = await auditArchive({
        store: createLocalStore(storeDir),
        address,
        snapshot,
        onServer,
      });
      return { first, second, archive, onServer, sends: auditSends(healthy.messages) };
    } finally {
      await Promise.all([pop3.close(), healthy.close(), hostile?.close()]);
      await rm(dir, { recursive: true, force: true });
    }
  };

  const expectBounded = (outcome: Outcome) => {
    // 5: the run ended in time with sends still waiting for the next one.
    const expected = (outcome.summary?.pendingActions ?? 0) > 0 ? 5 : 0;
    if (outcome.code !== expected)
      throw new Error(`popfwd exited ${outcome.code}, not ${expected}:\n${outcome.stderr}`);
    expect(outcome.elapsedMs).toBeLessThan(DEADLINE_MS + SLACK_MS);
    expect(outcome.summary?.stoppedBy).toBe('deadline');
  };

  it('an SMTP server that accepts the connection and never answers', async () => {
    let silent: Awaited<ReturnType<typeof startSilentServer>> | undefined;
    const result = await exercise({
      name: 'silent-smtp',
      smtp: async () => {
        silent = await startSilentServer();
        return silent;
      },
    });

    expectBounded(result.first);
    expect(silent?.connections).toBe(1);
    expect(result.first.summary).toMatchObject({ archived: 12, deleted: 12, forwarded: 0 });
    expect(result.second).toMatchObject({ forwarded: 4, replied: 4, pendingActions: 0 });
    expect(result.archive).toMatchObject({ exact: 12, lost: [], archivedTwice: [] });
    expect(result.sends.duplicated.size).toBe(0);
  });

  it('an SMTP server that answers, then stalls on DATA', async () => {
    let stalled = 0;
    const result = await exercise({
      name: 'stalled-data',
      smtp: () =>
        startSmtpTestServer({
          passwords: { 'stalled-data@example.test': PASSWORD },
          server: {
            closeTimeout: 100,
            onData(stream) {
              // Reads the whole message, never answers the final dot.
              stalled += 1;
              stream.resume();
            },
          },
        }),
    });

    expectBounded(result.first);
    expect(stalled).toBe(1);
    expect(result.first.summary).toMatchObject({ archived: 12, deleted: 12, forwarded: 0 });
    expect(result.second).toMatchObject({ forwarded: 4, replied: 4, pendingActions: 0 });
    expect(result.archive).toMatchObject({ exact: 12, lost: [], archivedTwice: [] });
    expect(result.sends.duplicated.size).toBe(0);
  });

  it('a POP3 server that stalls after RETR', async () => {
    const result = await exercise({
      name: 'stalled-retr',
      pop3Faults: {
        onCommand: (command) =>
          command.session === 1 && command.name === 'RETR' && command.args[0] === '3'
            ? fault.silence()
            : undefined,
      },
    });

    expectBounded(result.first);
    // Nothing is deleted without QUIT; what was archived before the stall is not fetched again.
    expect(result.first.summary?.deleted).toBe(0);
    expect(result.first.summary?.archived).toBeLessThan(12);
    expect(result.second.archived + (result.first.summary?.archived ?? 0)).toBe(12);
    expect(result.onServer).toEqual([]);
    expect(result.archive).toMatchObject({ exact: 12, lost: [], archivedTwice: [] });
    expect(result.sends.sends).toBe(8);
    expect(result.sends.duplicated.size).toBe(0);
  });

  it('a POP3 server that drips one byte a second: the login fails in time', async () => {
    const address = 'drip@example.test';
    const dir = await scratchDir('popfwd-deadline-drip-');
    const passwordFile = join(dir, 'password');
    await writeFile(passwordFile, PASSWORD);
    const { cert, key } = testTls();
    const pop3 = await startPop3Server({
      tls: { cert, key },
      mailbox: proofMessages(address).map((data, index) => ({ uidl: `m${index + 1}`, data })),
      users: [{ user: address, password: PASSWORD }],
      faults: { output: { split: split.bytes(1), delayMs: 1_000 } },
    });
    try {
      const config = await writeProofConfig(dir, 'drip', {
        address,
        pop3Port: pop3.port,
        passwordFile,
        storeDir: join(dir, 'store'),
        retention: 'delete',
      });

      const started = Date.now();
      const child = await spawnPopfwd(popfwd.path, [
        'run',
        '--config',
        config,
        '--deadline',
        `${DEADLINE_MS / 1000}s`,
      ]);

      expect(Date.now() - started).toBeLessThan(DEADLINE_MS + SLACK_MS);
      expect(child.code).toBe(4);
      expect(child.stderr).toContain('[ETIMEDOUT:');
      expect(pop3.mailbox.messages).toHaveLength(12);
    } finally {
      await pop3.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('the deadline ends a Lambda invocation', () => {
  /**
   * Client sockets to these ports the process still holds (connected, half-closed or waiting for
   * the peer's FIN): any of them would keep a CLI process alive. Node lists its live handles only
   * through this undocumented call, in Node 20 and 22 alike.
   */
  const openClientSockets = (ports: readonly number[]): number =>
    (process as unknown as { _getActiveHandles(): unknown[] })
      ._getActiveHandles()
      .filter(
        (handle) =>
          handle instanceof Socket && !handle.destroyed && ports.includes(handle.remotePort ?? 0),
      ).length;

  it('before the function times out, with no client socket left open', async () => {
    const address = 'lambda@example.test';
    const dir = await scratchDir('popfwd-deadline-lambda-');
    const passwordFile = join(dir, 'password');
    await writeFile(passwordFile, PASSWORD);
    const { cert, key } = testTls();
    const pop3 = await startPop3Server({
      tls: { cert, key },
      mailbox: proofMessages(address).map((data, index) => ({ uidl: `m${index + 1}`, data })),
      users: [{ user: address, password: PASSWORD }],
      // the server keeps the session open after the last RETR, until the client goes
      faults: { onCommand: (command) => (command.name === 'QUIT' ? fault.silence() : undefined) },
    });
    const silent = await startSilentServer();
    const { config } = parseConfig(
      proofConfig({
        address,
        pop3Port: pop3.port,
        smtpPort: silent.port,
        passwordFile,
        storeDir: join(dir, 'store'),
        retention: 'keep',
      }),
      'lambda',
    );
    const handler = createHandler({
      config,
      ...mailPorts(config),
      store: createLocalStore(join(dir, 'store')),
      openSecrets: () => openSecretStore(),
      run: runMailbox,
      metrics: { addMetric: () => {}, publishStoredMetrics: () => {} },
      logFor: () => silentLog,
      deadlineMarginMs: 1_000,
    });
    const timeoutMs = 5_000;

    try {
      const started = Date.now();
      const summary = await handler({}, lambdaContext(timeoutMs));
      const elapsedMs = Date.now() - started;

      expect(elapsedMs).toBeLessThan(timeoutMs);
      expect(silent.connections).toBe(1);
      expect(summary).toMatchObject({ archived: 12, stoppedBy: 'deadline', pendingActions: 14 });
      expect(openClientSockets([pop3.port, silent.port])).toBe(0);
    } finally {
      await Promise.all([pop3.close(), silent.close()]);
      await rm(dir, { recursive: true, force: true });
    }
  });
});
