import { createHash } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ConfigInput } from '../../../lambda/config/config-schema.js';
import type { MessageRecord } from '../../../lambda/engine/message-record.js';
import { createLocalStore } from '../../../lambda/stores/local/local-store.js';
import {
  type DovecotInstance,
  dovecotWireBody,
  startDovecot,
} from '../../helpers/dovecot/dovecot.js';
import { describeWithDovecot } from '../../helpers/dovecot/dovecot-suite.js';
import { corpusMessages } from '../../helpers/mail/corpus.js';
import { hostileCorpus } from '../../helpers/mail/hostile-corpus.js';
import { naiveListUidls } from '../../helpers/pop3/naive-pop3.js';
import { auditArchive } from '../../helpers/proof/archive-audit.js';
import { bundlePopfwd, type PopfwdBundle } from '../../helpers/proof/popfwd-bundle.js';
import { proofConfig } from '../../helpers/proof/proof-config.js';
import { scratchDir } from '../../helpers/proof/scratch-dir.js';
import { auditSends } from '../../helpers/proof/send-audit.js';
import { type ChildRun, spawnPopfwd } from '../../helpers/proof/spawn-popfwd.js';
import { type SmtpTestServer, startSmtpTestServer } from '../../helpers/smtp/smtp-test-server.js';
import { catalogRecords } from '../../helpers/stores/catalog-records.js';

/**
 * Invariant 7 on a real server: the hostile corpus (test/helpers/mail/hostile-corpus.ts: NUL bytes,
 * bare CR/LF, 1 MB lines, dot-stuffing edge cases, broken and deeply nested MIME, 1,000 headers,
 * odd charsets, encoded words, missing or duplicate Message-IDs, empty and header-only mail) plus
 * one 40 MB message go through Dovecot into `popfwd run` in a child process, with rules that read
 * headers and bodies and forward every small message inline. Expected bytes: dovecotWireBody().
 */

const ADDRESS = 'alice@example.test';
const PASSWORD = 'hostile-secret';
const MB = 1024 * 1024;
/**
 * Generous: three quarters of the deployed Lambda's default 512 MB. A run of this corpus peaks
 * near 230 MB here (about 115 MB of it is Node and popfwd's modules; inline forwards hold a
 * message's text, up to 2 MB here, while they are composed).
 */
const PEAK_RSS_LIMIT = 384 * MB;

const rules: ConfigInput['rules'] = [
  {
    name: 'reads the body',
    when: { body: { regex: 'hostile|d[o0]t|\\bline\\b', flags: 'i' } },
    // biome-ignore lint/suspicious/noThenProperty: the config file's field is called `then`
    then: [{ tag: 'body' }],
  },
  {
    name: 'reads the headers',
    when: {
      any: [
        { subject: { contains: '=?' } },
        { header: { name: 'Content-Type', value: '*multipart*' } },
        { hasAttachment: true },
        { isAutoReply: true },
      ],
    },
    // biome-ignore lint/suspicious/noThenProperty: the config file's field is called `then`
    then: [{ tag: 'headers' }],
  },
  {
    name: 'forwards small mail inline',
    when: { size: { under: '5MB' } },
    // biome-ignore lint/suspicious/noThenProperty: the config file's field is called `then`
    then: [{ forward: { to: ['me@phone.example'], as: 'inline' } }],
  },
];

/** Records by the SHA-256 of their bytes: identical messages share one. */
const recordsOf = async (
  store: ReturnType<typeof createLocalStore>,
  address: string,
): Promise<Map<string, MessageRecord>> => {
  const records = new Map<string, MessageRecord>();
  for (const record of await catalogRecords(store, address))
    records.set(record.meta.sha256, record);
  return records;
};

const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

describeWithDovecot('hostile input through Dovecot', () => {
  let dovecot: DovecotInstance;
  let smtp: SmtpTestServer;
  let popfwd: PopfwdBundle;
  let dir: string;
  const stored = [
    ...hostileCorpus().map((m) => m.data),
    ...corpusMessages(0, { big: true }).map((m) => m.data),
  ];

  beforeAll(async () => {
    dir = await scratchDir('popfwd-hostile-');
    [dovecot, smtp, popfwd] = await Promise.all([
      startDovecot({
        users: [{ user: ADDRESS, password: PASSWORD }],
      }),
      startSmtpTestServer({ passwords: { [ADDRESS]: PASSWORD } }),
      bundlePopfwd(),
    ]);
    await writeFile(join(dir, 'password'), PASSWORD);
    await dovecot.addMessages(ADDRESS, stored);
  });

  afterAll(async () => {
    await Promise.all([dovecot?.stop(), smtp?.close(), popfwd?.dispose()]);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const runPopfwd = async (): Promise<ChildRun> => {
    const config = join(dir, 'alice.config.json');
    const input = proofConfig({
      address: ADDRESS,
      pop3Port: dovecot.tlsPort,
      smtpPort: smtp.port,
      passwordFile: join(dir, 'password'),
      storeDir: join(dir, 'store'),
      retention: 'delete',
      rules,
      vacation: false,
    });
    await writeFile(config, JSON.stringify(input));
    return spawnPopfwd(popfwd.path, ['run', '--config', config, '--json'], {
      measureMemory: true,
    });
  };

  it('archives all of it byte-exact, evaluates rules or records the failure, and finishes in bounded memory', async () => {
    const uidls = await naiveListUidls({
      host: dovecot.host,
      port: dovecot.plainPort,
      user: ADDRESS,
      password: PASSWORD,
    });
    const snapshot = new Map(
      uidls.map((uidl, index) => [uidl, dovecotWireBody(stored[index] as Buffer)]),
    );

    // The corpus holds a few messages whose bytes Dovecot serves identically (an empty message
    // and one of a bare CRLF): those are archived, and acted on, once.
    const distinct = new Set([...snapshot.values()].map(sha256)).size;

    const child = await runPopfwd();

    if (child.code !== 0) throw new Error(`popfwd failed (${child.code}):\n${child.stderr}`);
    const store = createLocalStore(join(dir, 'store'));
    const audit = await auditArchive({ store, address: ADDRESS, snapshot, onServer: [] });
    expect(stored.length).toBeGreaterThanOrEqual(100);
    expect(child.summary).toMatchObject({
      fetched: stored.length,
      archived: distinct,
      alreadyArchived: stored.length - distinct,
      remaining: 0,
    });
    expect(audit).toMatchObject({ exact: stored.length, lost: [], archivedTwice: [] });
    expect(
      await naiveListUidls({
        host: dovecot.host,
        port: dovecot.plainPort,
        user: ADDRESS,
        password: PASSWORD,
      }),
    ).toEqual([]);

    const records = await recordsOf(store, ADDRESS);
    const rulesOutcome = [...snapshot].map(([uidl, bytes]) => {
      const rules = records.get(sha256(bytes))?.rules;
      if (!rules) return `${uidl}: no record`;
      if (rules.status === 'evaluated') return 'evaluated';
      return rules.error ? 'failed, with a reason' : `${uidl}: failed without a reason`;
    });
    const actions = [...records.values()].flatMap((record) => Object.values(record.actions));
    const tally = (items: readonly string[]): string => {
      const counts = new Map<string, number>();
      for (const item of items) counts.set(item, (counts.get(item) ?? 0) + 1);
      return [...counts].map(([item, count]) => `${count} ${item}`).join(', ');
    };
    console.log(
      `Hostile input: ${stored.length} messages archived byte-exact; rules: ${tally(rulesOutcome)}; ` +
        `forwards: ${tally(actions.map((action) => action.status))}; ` +
        `peak RSS ${Math.round((child.peakRss ?? 0) / MB)} MB`,
    );
    expect(
      rulesOutcome.filter(
        (outcome) => !outcome.startsWith('evaluated') && outcome !== 'failed, with a reason',
      ),
    ).toEqual([]);
    expect(
      actions.filter((action) => !['sent', 'failed', 'skipped'].includes(action.status)),
    ).toEqual([]);
    expect(auditSends(smtp.messages)).toMatchObject({
      sends: actions.filter((action) => action.status === 'sent').length,
      duplicated: new Map(),
    });
    expect(child.peakRss).toBeGreaterThan(0);
    expect(child.peakRss).toBeLessThan(PEAK_RSS_LIMIT);
  }, 180_000);
});
