/**
 * Where an archive-only `popfwd run` spends its durable writes: one run of 1,000 corpus messages
 * (test/helpers/mail/corpus.ts, seed 6) from the in-process POP3 server into a fresh local store,
 * nothing else in the process. Run it under `strace -f -c -e trace=%file,fsync,fdatasync,write`
 * to count system calls per message; the store requests it prints come from the counting store.
 * Counts, unlike wall times, do not depend on how busy the machine is.
 *
 *   strace -f -c -e trace=fsync,fdatasync,openat,link,unlink,rename npx tsx bench/archive-syscalls.ts
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPop3Server } from '../lambda/cli/sandbox/pop3-server.js';
import { parseConfig } from '../lambda/config/parse.js';
import { createLocalStore } from '../lambda/stores/local/local-store.js';
import { runMailbox } from '../test/helpers/engine-run.js';
import { corpusMessages } from '../test/helpers/mail/corpus.js';
import { memoryLog } from '../test/helpers/memory-log.js';
import { memorySecrets } from '../test/helpers/secrets/memory-secrets.js';
import { countingStore } from '../test/helpers/stores/counting-store.js';

const USER = 'bench@example.test';
const PASSWORD = 'bench-password';
const COUNT = 1_000;

const main = async (): Promise<void> => {
  const mailbox = corpusMessages(COUNT, { seed: 6 }).map((message, index) => ({
    uidl: `u${index}`,
    data: message.data,
  }));
  const server = await startPop3Server({ users: [{ user: USER, password: PASSWORD }], mailbox });
  const dir = await mkdtemp(join(tmpdir(), 'popfwd-syscalls-'));
  try {
    const { config } = parseConfig(
      {
        mailbox: {
          address: USER,
          pop3: { host: server.host, port: server.port, security: 'plain' },
          auth: { method: 'password', password: { env: 'POPFWD_PASSWORD' } },
          retention: 'keep',
        },
        store: { dir },
        limits: { maxMessagesPerRun: COUNT },
        rules: [],
      },
      'bench.yaml',
    );
    const store = countingStore(createLocalStore(dir));
    const started = performance.now();
    const summary = await runMailbox({
      config,
      store,
      secrets: memorySecrets({ 'env:POPFWD_PASSWORD': PASSWORD }).store,
      log: memoryLog(),
      deadline: Date.now() + 600_000,
    });
    const seconds = (performance.now() - started) / 1000;
    process.stdout.write(
      `${JSON.stringify({ archived: summary.archived, seconds, requests: store.counts })}\n`,
    );
  } finally {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
};

await main();
