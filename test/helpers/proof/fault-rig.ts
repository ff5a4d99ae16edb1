import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { createHandler } from '../../../lambda/aws/create-handler.js';
import { RUN_METRICS } from '../../../lambda/aws/metric-names.js';
import type { MetricsSink } from '../../../lambda/aws/run-metrics.js';
import {
  type Pop3Authenticator,
  type Pop3Faults,
  type Pop3Server,
  startPop3Server,
} from '../../../lambda/cli/sandbox/pop3-server.js';
import type { Clock } from '../../../lambda/clock.js';
import type { ConfigInput } from '../../../lambda/config/config-schema.js';
import { parseConfig } from '../../../lambda/config/parse.js';
import type { RunSummary } from '../../../lambda/engine/summary.js';
import type { BlobStore } from '../../../lambda/stores/blob-store.js';
import { createLocalStore } from '../../../lambda/stores/local/local-store.js';
import { lambdaContext } from '../aws/lambda-context.js';
import { dovecotWireBody } from '../dovecot/dovecot.js';
import { mailPorts, runMailbox } from '../engine-run.js';
import { type LogRecord, memoryLog } from '../memory-log.js';
import type { TokenEndpoint } from '../oauth2/token-endpoint.js';
import { memorySecrets } from '../secrets/memory-secrets.js';
import {
  type SmtpTestServer,
  type SmtpTestServerOptions,
  startSmtpTestServer,
} from '../smtp/smtp-test-server.js';
import { testTls } from '../tls-fixtures.js';
import { type ArchiveAudit, auditArchive } from './archive-audit.js';
import { type CutProxy, startCutProxy } from './cut-proxy.js';
import { proofConfig } from './proof-config.js';
import { proofMessages } from './proof-mail.js';
import { scratchDir } from './scratch-dir.js';
import { auditSends, type SendAudit } from './send-audit.js';

/**
 * One mailbox under fault injection, run the way the Lambda runs it: createHandler (its log
 * lines and its metric mapping) over runMailbox, the sandbox POP3 server (TLS, proof-mail.ts's
 * twelve messages, retention delete, the forward rule and vacation), the test SMTP server and a
 * store. Time is a clock the test moves, so retries that wait for minutes come due at once.
 */
export interface FaultRigOptions {
  readonly name: string;
  readonly faults?: Pop3Faults;
  /** Sign in with OAuth2 against this endpoint (POP3 and SMTP accept its live access tokens). */
  readonly oauth2?: TokenEndpoint;
  readonly smtp?: SmtpTestServerOptions;
  /** SMTP in plaintext through a CutProxy (rig.proxy), to drop a connection mid-DATA. */
  readonly proxy?: boolean;
  /** @default a local store in a temp dir */
  readonly store?: BlobStore;
  readonly limits?: ConfigInput['limits'];
  readonly pipelining?: 'auto' | 'off';
}

export interface HandlerRun {
  readonly summary: RunSummary | null;
  /** What the handler rejected with (a run-level failure). */
  readonly error: unknown;
  readonly logs: readonly LogRecord[];
  readonly metrics: Readonly<Record<string, number>>;
}

export interface FaultRig {
  readonly address: string;
  readonly pop3: Pop3Server;
  readonly smtp: SmtpTestServer;
  readonly proxy: CutProxy | null;
  readonly store: BlobStore;
  readonly secrets: ReturnType<typeof memorySecrets>;
  readonly clock: Clock & { advance(ms: number): void };
  /** UIDL → the bytes the server delivers for it. */
  readonly snapshot: ReadonlyMap<string, Buffer>;
  /** One scheduled invocation: 15 minutes of Lambda time left. */
  run(): Promise<HandlerRun>;
  /** The archive against the snapshot and what is still on the server. */
  audit(): Promise<ArchiveAudit & { readonly onServer: readonly string[] }>;
  sends(): SendAudit;
  close(): Promise<void>;
}

const PASSWORD = 'fault-rig-secret';
const REFRESH_TOKEN_REF = { ssm: '/popfwd/proof/refresh-token' } as const;
const LAMBDA_MS = 15 * 60_000;

/** Real time plus what the test added: the engine's timers stay real, its dates move. */
const movableClock = (): FaultRig['clock'] => {
  let offset = 0;
  return {
    now: () => Date.now() + offset,
    advance: (ms) => {
      offset += ms;
    },
  };
};

/**
 * The run's metrics as CloudWatch sums them: the handler emits counters only when they are not
 * zero, and the alarms read a missing counter as zero, so every counter starts at 0 here.
 */
const COUNTERS = Object.values(RUN_METRICS).filter((name) => name !== RUN_METRICS.runDuration);

const sinkInto = (metrics: Record<string, number>): MetricsSink => ({
  addMetric: (name, _unit, value) => {
    metrics[name] = value;
  },
  publishStoredMetrics: () => {},
});

const oauth2Login = (endpoint: TokenEndpoint, address: string): Pop3Authenticator => {
  return (credentials) =>
    credentials.mechanism === 'XOAUTH2' &&
    credentials.user === address &&
    endpoint.isAccessTokenActive(credentials.accessToken);
};

export const startFaultRig = async (options: FaultRigOptions): Promise<FaultRig> => {
  const address = `${options.name}@example.test`;
  const { oauth2 } = options;
  const messages = proofMessages(address).map((data, index) => ({ uidl: `m${index + 1}`, data }));
  const { cert, key } = testTls();
  const pop3 = await startPop3Server({
    tls: { cert, key },
    mailbox: messages,
    ...(oauth2
      ? { authenticate: oauth2Login(oauth2, address) }
      : { users: [{ user: address, password: PASSWORD }] }),
    ...(options.faults ? { faults: options.faults } : {}),
  });
  const smtp = await startSmtpTestServer({
    passwords: { [address]: PASSWORD },
    ...(oauth2
      ? {
          xoauth2: ({ accessToken }) =>
            oauth2.isAccessTokenActive(accessToken ?? '')
              ? 'ok'
              : Object.assign(new Error('5.7.3 Authentication unsuccessful'), {
                  responseCode: 535,
                }),
        }
      : {}),
    ...(options.proxy ? { mode: 'plain' as const } : {}),
    ...options.smtp,
  });
  const proxy = options.proxy ? await startCutProxy(smtp.port) : null;
  const dir = await scratchDir(`popfwd-fault-${options.name}-`);
  const passwordFile = join(dir, 'password');
  const store = options.store ?? createLocalStore(join(dir, 'store'));
  const secrets = memorySecrets({
    [`file:${passwordFile}`]: PASSWORD,
    ...(oauth2 ? { [`ssm:${REFRESH_TOKEN_REF.ssm}`]: oauth2.issueRefreshToken() } : {}),
  });
  const { config } = parseConfig(
    proofConfig({
      address,
      pop3Port: pop3.port,
      smtpPort: proxy?.port ?? smtp.port,
      smtpSecurity: proxy ? 'plain' : 'starttls',
      passwordFile,
      storeDir: join(dir, 'store'),
      retention: 'delete',
      ...(options.pipelining ? { pipelining: options.pipelining } : {}),
      ...(options.limits ? { limits: options.limits } : {}),
      ...(oauth2
        ? {
            auth: {
              method: 'oauth2',
              clientId: oauth2.clientId,
              tenant: oauth2.tenant,
              authority: oauth2.authority,
              refreshToken: REFRESH_TOKEN_REF,
            },
          }
        : {}),
    }),
    options.name,
  );
  const clock = movableClock();
  const snapshot = new Map(messages.map(({ uidl, data }) => [uidl, dovecotWireBody(data)]));

  return {
    address,
    pop3,
    smtp,
    proxy,
    store,
    secrets,
    clock,
    snapshot,
    async run() {
      const records: LogRecord[] = [];
      const metrics: Record<string, number> = Object.fromEntries(COUNTERS.map((name) => [name, 0]));
      const handler = createHandler({
        config,
        ...mailPorts(config),
        store,
        openSecrets: () => secrets.store,
        run: runMailbox,
        metrics: sinkInto(metrics),
        logFor: () => memoryLog(records),
        clock,
      });
      try {
        const summary = await handler({}, lambdaContext(LAMBDA_MS));
        return { summary, error: null, logs: records, metrics };
      } catch (error) {
        return { summary: null, error, logs: records, metrics };
      }
    },
    async audit() {
      const onServer = pop3.mailbox.messages.map((message) => message.uidl);
      return { ...(await auditArchive({ store, address, snapshot, onServer })), onServer };
    },
    sends: () => auditSends(smtp.messages),
    async close() {
      await Promise.all([pop3.close(), smtp.close(), proxy?.close()]);
      await rm(dir, { recursive: true, force: true });
    },
  };
};
