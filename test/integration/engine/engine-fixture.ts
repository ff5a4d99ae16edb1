/**
 * One mailbox under test: the in-process POP3 server, optionally a real smtp-server, the local
 * store in a temp dir (counted at the port) and a fixed clock. Everything is torn down after
 * each test.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect } from 'vitest';
import { parse } from 'yaml';
import {
  type Pop3Message,
  type Pop3Server,
  type Pop3ServerOptions,
  startPop3Server,
} from '../../../lambda/cli/sandbox/pop3-server.js';
import type { Config } from '../../../lambda/config/config-schema.js';
import { parseConfig } from '../../../lambda/config/parse.js';
import { mailboxLayout } from '../../../lambda/engine/layout.js';
import type { MailboxState, SeenIndex } from '../../../lambda/engine/ledger-types.js';
import type { MessageRecord } from '../../../lambda/engine/message-record.js';
import type { RunOptions } from '../../../lambda/engine/run-options.js';
import type { RunSummary } from '../../../lambda/engine/summary.js';
import { createLocalStore } from '../../../lambda/stores/local/local-store.js';
import { runMailbox } from '../../helpers/engine-run.js';
import { fixedClock } from '../../helpers/fixed-clock.js';
import { memoryLog } from '../../helpers/memory-log.js';
import { readAll } from '../../helpers/pop3/streams.js';
import { memorySecrets } from '../../helpers/secrets/memory-secrets.js';
import {
  type SmtpTestServer,
  type SmtpTestServerOptions,
  startSmtpTestServer,
} from '../../helpers/smtp/smtp-test-server.js';
import { catalogRecords } from '../../helpers/stores/catalog-records.js';
import { type CountingStore, countingStore } from '../../helpers/stores/counting-store.js';
import { TLS_PATHS } from '../../helpers/tls-fixtures.js';

export const OWNER = 'alice@example.test';
export const PASSWORD = 'pop3-Secret-never-logged';
/** The fixed clock starts here (a Thursday morning, UTC). */
export const T0 = Date.parse('2026-11-26T08:00:00.000Z');
export const DAY_MS = 86_400_000;

export const layout = mailboxLayout(OWNER);

/**
 * Stores live on tmpfs where there is one: fsync is then free, and these tests are about what is
 * stored and how often the store is asked, not about the disk (the store's own tests are).
 */
const SCRATCH = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();

export const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

/** Byte-for-byte equality (vitest's toEqual walks a Buffer element by element: slow for MBs). */
export const expectSameBytes = (actual: Buffer | null, expected: Buffer): void => {
  expect(actual, 'nothing stored').not.toBeNull();
  expect(actual && { size: actual.length, sha256: sha256(actual) }).toEqual({
    size: expected.length,
    sha256: sha256(expected),
  });
  expect(actual && Buffer.compare(actual, expected)).toBe(0);
};

export interface MailFields {
  readonly from?: string;
  readonly to?: string;
  readonly subject?: string;
  /** Extra header lines, e.g. 'List-Id: <news.example>'. */
  readonly headers?: readonly string[];
  readonly body?: string;
}

/** A small CRLF message (what RETR delivers is then exactly `data`). */
export const mail = (uidl: string, fields: MailFields = {}): Pop3Message => {
  const lines = [
    `Return-Path: <${fields.from ?? 'carol@partner.example'}>`,
    `From: Carol <${fields.from ?? 'carol@partner.example'}>`,
    `To: Alice <${fields.to ?? OWNER}>`,
    `Subject: ${fields.subject ?? `message ${uidl}`}`,
    'Date: Thu, 26 Nov 2026 07:00:00 +0000',
    `Message-ID: <${uidl}@partner.example>`,
    ...(fields.headers ?? []),
  ];
  const body = fields.body ?? `Hello, this is ${uidl}.\r\n`;
  return { uidl, data: Buffer.from(`${lines.join('\r\n')}\r\n\r\n${body}`, 'utf8') };
};

export const mails = (count: number, prefix = 'm', fields: MailFields = {}): Pop3Message[] =>
  Array.from({ length: count }, (_, index) =>
    mail(`${prefix}${String(index + 1).padStart(4, '0')}`, fields),
  );

/** Rules as the config file writes them (`when` / `then`). */
export const rulesYaml = (text: string): unknown[] => parse(text) as unknown[];

/** The config document's parts a test may change; the rest is a working local setup. */
export interface ConfigOverrides {
  readonly retention?: unknown;
  readonly limits?: Record<string, unknown>;
  readonly rules?: unknown[];
  readonly vacation?: Record<string, unknown>;
  readonly pipelining?: 'auto' | 'off';
}

export interface EngineOptions {
  readonly mailbox?: readonly Pop3Message[];
  readonly faults?: Pop3ServerOptions['faults'];
  readonly capabilities?: Pop3ServerOptions['capabilities'];
  /** Starts a real smtp-server (STARTTLS + AUTH) that accepts the mailbox's login. */
  readonly smtp?: SmtpTestServerOptions | boolean;
}

export interface Engine {
  readonly server: Pop3Server;
  readonly smtp: SmtpTestServer | null;
  readonly dir: string;
  /** The store the runs use, counted per method. */
  readonly store: CountingStore;
  readonly clock: ReturnType<typeof fixedClock>;
  readonly log: ReturnType<typeof memoryLog>;
  /** The config document as written in a file (for CLI tests) and parsed. */
  document(overrides?: ConfigOverrides): Record<string, unknown>;
  config(overrides?: ConfigOverrides): Config;
  run(overrides?: ConfigOverrides, options?: Partial<RunOptions>): Promise<RunSummary>;
  /** The archived bytes under a key, read past the counter. */
  raw(key: string): Promise<Buffer | null>;
  records(): Promise<MessageRecord[]>;
  record(uidl: string): Promise<MessageRecord | null>;
  seen(): Promise<SeenIndex['uidls']>;
  state(): Promise<MailboxState | null>;
  /** RETR commands the server received, by message number, across sessions. */
  retrs(): string[];
}

const parseJson = <T>(body: Buffer | undefined): T | null =>
  body ? (JSON.parse(body.toString('utf8')) as T) : null;

export const useEngine = () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  return async (options: EngineOptions = {}): Promise<Engine> => {
    const server = await startPop3Server({
      users: [{ user: OWNER, password: PASSWORD }],
      mailbox: options.mailbox ?? [],
      ...(options.faults ? { faults: options.faults } : {}),
      ...(options.capabilities ? { capabilities: options.capabilities } : {}),
    });
    cleanups.push(() => server.close());
    const smtp = options.smtp
      ? await startSmtpTestServer({
          passwords: { [OWNER]: PASSWORD },
          ...(options.smtp === true ? {} : options.smtp),
        })
      : null;
    if (smtp) cleanups.push(() => smtp.close());
    const dir = await mkdtemp(join(SCRATCH, 'popfwd-engine-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));

    const inspect = createLocalStore(dir);
    const store = countingStore(createLocalStore(dir));
    const clock = fixedClock(T0);
    const log = memoryLog();
    const secrets = memorySecrets({ 'env:POPFWD_PASSWORD': PASSWORD }).store;

    const document = (overrides: ConfigOverrides = {}): Record<string, unknown> => ({
      mailbox: {
        address: OWNER,
        pop3: {
          host: server.host,
          port: server.port,
          security: 'plain',
          ...(overrides.pipelining ? { pipelining: overrides.pipelining } : {}),
        },
        ...(smtp ? { smtp: { host: 'localhost', port: smtp.port, security: 'starttls' } } : {}),
        caFile: TLS_PATHS.ca,
        auth: { method: 'password', password: { env: 'POPFWD_PASSWORD' } },
        retention: overrides.retention ?? 'keep',
      },
      store: { dir },
      limits: { maxMessagesPerRun: 10_000, ...overrides.limits },
      rules: overrides.rules ?? [],
      ...(overrides.vacation ? { vacation: overrides.vacation } : {}),
    });
    const config = (overrides: ConfigOverrides = {}) =>
      parseConfig(document(overrides), 'engine-test.yaml').config;

    const records = (): Promise<MessageRecord[]> =>
      catalogRecords(inspect, layout, { skipDamaged: true });

    return {
      server,
      smtp,
      dir,
      store,
      clock,
      log,
      document,
      config,
      run: (overrides = {}, runOptions = {}) =>
        runMailbox({
          config: config(overrides),
          store,
          secrets,
          log,
          clock,
          deadline: clock.now() + 10 * 60_000,
          ...runOptions,
        }),
      raw: async (key) => {
        const stream = await inspect.read(key);
        return stream ? readAll(stream) : null;
      },
      records,
      record: async (uidl) => (await records()).find((record) => record.meta.uidl === uidl) ?? null,
      seen: async () =>
        parseJson<SeenIndex>((await inspect.getDocument(layout.seenKey))?.body)?.uidls ?? {},
      state: async () =>
        parseJson<MailboxState>((await inspect.getDocument(layout.stateKey))?.body),
      retrs: () => server.commands().filter((line) => line.startsWith('RETR ')),
    };
  };
};
