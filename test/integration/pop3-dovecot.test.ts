import { afterAll, beforeAll, expect, it } from 'vitest';
import { Pop3Client, type Pop3ClientOptions } from '../../lambda/pop3/client.js';
import { type DovecotInstance, startDovecot } from '../helpers/dovecot/dovecot.js';
import { describeWithDovecot } from '../helpers/dovecot/dovecot-suite.js';
import { corpusMessages, toLf } from '../helpers/mail/corpus.js';
import { naiveRetrieveAll } from '../helpers/pop3/naive-pop3.js';
import { testTls } from '../helpers/tls-fixtures.js';

const USER = 'alice@example.test';
const PASSWORD = 'secret';
const password = { kind: 'password', user: USER, password: PASSWORD } as const;
const { ca } = testTls();

/**
 * The client against a real Dovecot: a 500-message mailbox (text, HTML, attachments, lines
 * starting with dots) plus one 30 MB message, every message compared byte for byte with an
 * independent, deliberately simple reader.
 */
describeWithDovecot('Pop3Client against Dovecot', () => {
  let dovecot: DovecotInstance;
  let expected: Map<string, Buffer>;

  beforeAll(async () => {
    dovecot = await startDovecot();
    // Stored with LF endings, as a Maildir holds them; Dovecot sends CRLF.
    await dovecot.addMessages(
      USER,
      corpusMessages(500, { seed: 7, big: true }).map((message) => toLf(message.data)),
    );
    expected = await naiveRetrieveAll({
      host: dovecot.host,
      port: dovecot.tlsPort,
      tls: true,
      ca,
      user: USER,
      password: PASSWORD,
      timeoutMs: 60_000,
    });
  }, 180_000);

  afterAll(async () => {
    await dovecot?.stop();
  });

  const connect = (options: Partial<Pop3ClientOptions>) =>
    Pop3Client.connect({
      host: 'localhost',
      port: options.security === 'starttls' ? dovecot.plainPort : dovecot.tlsPort,
      security: 'tls',
      ca,
      ...options,
    });

  const readEverything = async (client: Pop3Client) => {
    const listing = await client.uidl();
    const sizes = await client.list();
    const uidlOf = new Map(listing.map(({ n, uidl }) => [n, uidl]));
    const read = new Map<string, Buffer>();
    for await (const stream of client.retrieve(
      listing.map(({ n }) => ({ n, size: sizes.get(n) ?? 0 })),
    )) {
      const chunks: Buffer[] = [];
      for await (const chunk of stream) chunks.push(chunk as Buffer);
      read.set(uidlOf.get(stream.n) ?? '', Buffer.concat(chunks));
    }
    return read;
  };

  for (const [security, pipelining] of [
    ['tls', 'auto'],
    ['tls', 'off'],
    ['starttls', 'auto'],
    ['starttls', 'off'],
  ] as const) {
    it(`reads every message byte-exact over ${security}, pipelining ${pipelining}`, async () => {
      const client = await connect({ security, pipelining });
      await client.login(password);

      const read = await readEverything(client);
      await client.quit();

      expect(client.pipelining).toBe(pipelining === 'auto');
      expect(read.size).toBe(501);
      const mismatched = [...expected]
        .filter(([uidl, bytes]) => !read.get(uidl)?.equals(bytes))
        .map(([uidl]) => uidl);
      expect(mismatched).toEqual([]);
      expect(Math.max(...[...read.values()].map((bytes) => bytes.length))).toBeGreaterThan(
        30_000_000,
      );
    }, 120_000);
  }

  it('sees the same UIDLs in every session', async () => {
    const first = await connect({});
    await first.login(password);
    const before = await first.uidl();
    await first.quit();
    const second = await connect({ security: 'starttls' });
    await second.login(password);

    expect(await second.uidl()).toEqual(before);
    expect(before.map(({ uidl }) => uidl).sort()).toEqual([...expected.keys()].sort());
    await second.quit();
  });

  it('deletes nothing when the connection drops after DELE', async () => {
    const client = await connect({});
    await client.login(password);
    await client.dele(1);
    await client.dele(2);
    client.destroy();

    const check = await connect({});
    const stat = await check.login(password);
    await check.quit();
    expect(stat.count).toBe(501);
  });

  it('deletes exactly the marked messages when QUIT commits', async () => {
    const client = await connect({});
    await client.login(password);
    const listing = await client.uidl();
    await client.dele(1);
    await client.dele(3);
    const quit = await client.quit();

    const check = await connect({});
    await check.login(password);
    const after = await check.uidl();
    await check.quit();
    expect(quit.committed).toBe(true);
    expect(after).toHaveLength(499);
    expect(after.map(({ uidl }) => uidl)).toEqual(
      listing.filter(({ n }) => n !== 1 && n !== 3).map(({ uidl }) => uidl),
    );
  });
});
