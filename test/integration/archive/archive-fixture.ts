/**
 * An archive written by the real engine (the sandbox POP3 server into `runMailbox`), on the local
 * store or on S3 (the HTTP fake, reached by the CLI's own S3 client), and the CLI run against it
 * with a config file naming that store. Also: what a test does to the stored raw objects
 * (damage, delete, add) on either store.
 */
import { createHash } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, vi } from 'vitest';
import { stringify } from 'yaml';
import { type CatalogView, readCatalog } from '../../../lambda/archive/catalog.js';
import type { CliIO } from '../../../lambda/cli/io.js';
import { main } from '../../../lambda/cli/main.js';
import type { Pop3Message } from '../../../lambda/cli/sandbox/pop3-server.js';
import type { BlobStore } from '../../../lambda/stores/blob-store.js';
import { createS3Client } from '../../../lambda/stores/s3/s3-client.js';
import { createS3Store } from '../../../lambda/stores/s3/s3-store.js';
import { NO_CONFIG_HOME, runCli } from '../../helpers/cli/cli.js';
import { readAll } from '../../helpers/pop3/streams.js';
import { FAKE_ACCESS_KEY_ID, FAKE_SECRET_ACCESS_KEY } from '../../helpers/stores/s3-fake.js';
import { type S3HttpFake, startS3HttpFake } from '../../helpers/stores/s3-http-fake.js';
import { type Engine, layout, PASSWORD, useEngine } from '../engine/engine-fixture.js';

export const STORE_KINDS = ['local', 's3'] as const;
export type StoreKind = (typeof STORE_KINDS)[number];

const env = { POPFWD_PASSWORD: PASSWORD };
const S3_PREFIX = 'mail/';

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface TestArchive {
  readonly kind: StoreKind;
  readonly mailbox: Engine;
  /** The store the engine wrote (the CLI opens its own from the config file). */
  readonly store: BlobStore;
  readonly location: string;
  readonly configFile: string;
  /** `popfwd <args> --config FILE` in the mailbox's folder. */
  cli(args: readonly string[], options?: { tty?: boolean }): Promise<CliResult>;
  /** The same, stdout kept as bytes (for --raw). */
  cliBytes(
    args: readonly string[],
    options?: { stdoutTty?: boolean },
  ): Promise<{ code: number; stdout: Buffer; stderr: string }>;
  catalog(): Promise<CatalogView>;
  raw(key: string): Promise<Buffer | null>;
  /** Replaces a stored raw object's bytes (a flipped bit on the disk, a bad copy). */
  overwrite(key: string, bytes: Buffer): Promise<void>;
  remove(key: string): Promise<void>;
}

export interface ArchiveSetup {
  readonly messages: readonly Pop3Message[];
  readonly rules?: unknown[];
}

/** Per test: archives of either kind, torn down after it. */
export const useArchive = () => {
  const engine = useEngine();
  const fakes: S3HttpFake[] = [];
  afterEach(async () => {
    vi.unstubAllEnvs();
    for (const fake of fakes.splice(0)) await fake.close();
  });

  return async (kind: StoreKind, setup: ArchiveSetup): Promise<TestArchive> => {
    const mailbox = await engine({ mailbox: setup.messages });
    const rules = setup.rules ?? [];
    let store: BlobStore = mailbox.store;
    let storeConfig: unknown = { dir: mailbox.dir };
    let fake: S3HttpFake | undefined;
    if (kind === 's3') {
      fake = await startS3HttpFake({ bucket: 'popfwd-archive', maxKeys: 7 });
      fakes.push(fake);
      const s3 = {
        bucket: fake.bucket,
        prefix: S3_PREFIX,
        region: 'eu-west-1',
        endpoint: fake.endpoint,
        forcePathStyle: true,
      };
      vi.stubEnv('AWS_ACCESS_KEY_ID', FAKE_ACCESS_KEY_ID);
      vi.stubEnv('AWS_SECRET_ACCESS_KEY', FAKE_SECRET_ACCESS_KEY);
      const client = createS3Client({ ...s3, checksums: 'when_supported' } as never, {
        credentials: { accessKeyId: FAKE_ACCESS_KEY_ID, secretAccessKey: FAKE_SECRET_ACCESS_KEY },
      });
      store = createS3Store({ client, bucket: fake.bucket, prefix: S3_PREFIX });
      storeConfig = { s3 };
    }
    if (setup.messages.length > 0) await mailbox.run({ rules }, { store });
    const configFile = join(mailbox.dir, 'popfwd.yaml');
    await writeFile(configFile, stringify({ ...mailbox.document({ rules }), store: storeConfig }));
    const s3Fake = fake;
    const objectKey = (key: string) => `${S3_PREFIX}${key}`;

    const cliBytes = async (args: readonly string[], options: { stdoutTty?: boolean } = {}) => {
      const chunks: Buffer[] = [];
      const errors: string[] = [];
      const sink = (into: (chunk: Buffer) => void) =>
        new Writable({
          write(chunk, _encoding, done) {
            into(Buffer.from(chunk));
            done();
          },
        });
      const stdout = sink((chunk) => chunks.push(chunk));
      const io: CliIO = {
        stdout: options.stdoutTty ? Object.assign(stdout, { isTTY: true }) : stdout,
        stderr: sink((chunk) => errors.push(chunk.toString('utf8'))),
        env: { XDG_CONFIG_HOME: NO_CONFIG_HOME, ...env },
        cwd: mailbox.dir,
        signal: new AbortController().signal,
      };
      const code = await main([...args, '--config', configFile], io);
      return { code, stdout: Buffer.concat(chunks), stderr: errors.join('') };
    };

    return {
      kind,
      mailbox,
      store,
      location: kind === 's3' ? `s3://popfwd-archive/${S3_PREFIX}` : mailbox.dir,
      configFile,
      cli: (args, options = {}) =>
        runCli([...args, '--config', configFile], mailbox.dir, { env, ...options }),
      cliBytes,
      catalog: () => readCatalog(store, layout),
      raw: async (key) => {
        const stream = await store.read(key);
        return stream ? readAll(stream) : null;
      },
      overwrite: async (key, bytes) => {
        if (s3Fake) {
          const etag = `"${createHash('md5').update(bytes).digest('hex')}"`;
          s3Fake.objects.set(objectKey(key), { body: bytes, etag, contentType: 'message/rfc822' });
          return;
        }
        await mkdir(dirname(join(mailbox.dir, key)), { recursive: true });
        await writeFile(join(mailbox.dir, key), bytes);
      },
      remove: async (key) => {
        if (s3Fake) s3Fake.objects.delete(objectKey(key));
        else await rm(join(mailbox.dir, key));
      },
    };
  };
};

/** Output with the store's location made the same for both kinds. */
export const sameOnEveryStore = (text: string, archive: TestArchive): string =>
  text.replaceAll(archive.location, '<store>');
