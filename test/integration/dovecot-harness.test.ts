import { createHash } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type DovecotInstance, dovecotWireBody, startDovecot } from '../helpers/dovecot/dovecot.js';
import { describeWithDovecot } from '../helpers/dovecot/dovecot-suite.js';
import { startIntrospectionServer } from '../helpers/dovecot/oauth-introspection.js';
import { corpusMessages, toLf } from '../helpers/mail/corpus.js';
import { hostileCorpus, hostileMessage } from '../helpers/mail/hostile-corpus.js';
import { naiveRetrieveAll } from '../helpers/pop3/naive-pop3.js';
import { RawPop3Client } from '../helpers/pop3/raw-pop3-client.js';
import { testTls } from '../helpers/tls-fixtures.js';

const DOT = 0x2e;
const ALICE = { user: 'alice@example.test', password: 'secret' };
const { ca } = testTls();

/** What goes into the maildir: a mkcorpus-style corpus (LF files) and the framing edge cases. */
const storedMessages = (): { name: string; stored: Buffer }[] => [
  ...corpusMessages(20, { seed: 7 }).map((m) => ({ name: m.name, stored: toLf(m.data) })),
  // Messages that start with "." are left out: Dovecot 2.3 breaks their framing (quirk test below).
  ...hostileCorpus(['dots'])
    .filter((m) => m.data[0] !== DOT)
    .map((m) => ({ name: m.name, stored: m.data })),
  ...[
    'nul-in-body',
    'bare-cr-endings',
    'bare-lf-endings',
    'mixed-endings',
    'bare-lf-in-crlf-body',
    'cr-cr-lf',
    'lf-cr',
    'empty',
    'only-crlf',
    'header-only-no-newline',
  ].map((name) => ({ name, stored: hostileMessage(name).data })),
];

const digest = (data: Buffer): string =>
  `${data.length}:${createHash('sha256').update(data).digest('hex').slice(0, 16)}`;

describeWithDovecot('Dovecot test harness', () => {
  const messages = storedMessages();
  let first: DovecotInstance;
  let second: DovecotInstance;

  beforeAll(async () => {
    [first, second] = await Promise.all([startDovecot(), startDovecot()]);
    await first.addMessages(
      ALICE.user,
      messages.map((m) => m.stored),
    );
    await second.addMessages(ALICE.user, [Buffer.from('Subject: other\n\nsecond instance\n')]);
  });

  afterAll(async () => {
    await Promise.all([first?.stop(), second?.stop()]);
  });

  it('runs two instances side by side on their own ports', () => {
    const ports = [first.plainPort, first.tlsPort, second.plainPort, second.tlsPort];

    expect(new Set(ports).size).toBe(4);
  });

  it('delivers every stored message as dovecotWireBody() predicts, over TLS, in order', async () => {
    const retrieved = await naiveRetrieveAll({
      host: first.host,
      port: first.tlsPort,
      tls: true,
      ca,
      ...ALICE,
    });

    expect([...retrieved.keys()]).toHaveLength(messages.length);
    expect([...retrieved.keys()].every((uidl) => /^[0-9A-F]{16}$/i.test(uidl))).toBe(true);
    const names = messages.map((m) => m.name);
    expect([...retrieved.values()].map((data, index) => `${names[index]} ${digest(data)}`)).toEqual(
      messages.map((m) => `${m.name} ${digest(dovecotWireBody(m.stored))}`),
    );
  });

  it('serves the same bytes on the plain port', async () => {
    const overTls = await naiveRetrieveAll({
      host: first.host,
      port: first.tlsPort,
      tls: true,
      ca,
      ...ALICE,
    });
    const plain = await naiveRetrieveAll({ host: first.host, port: first.plainPort, ...ALICE });

    expect([...plain.values()].map(digest)).toEqual([...overTls.values()].map(digest));
  });

  it('keeps the instances apart', async () => {
    const other = await naiveRetrieveAll({ host: second.host, port: second.plainPort, ...ALICE });

    expect([...other.values()].map((data) => data.toString())).toEqual([
      'Subject: other\r\n\r\nsecond instance\r\n',
    ]);
  });

  it('offers STLS on the plain port', async () => {
    const client = await RawPop3Client.connect({ host: first.host, port: first.plainPort });
    await client.line();

    await client.command('CAPA');
    const capabilities = await client.lines();
    const stls = await client.command('STLS');
    await client.startTls(ca);
    const user = await client.command(`USER ${ALICE.user}`);
    client.destroy();

    expect(capabilities).toContain('STLS');
    expect(stls).toMatch(/^\+OK/);
    expect(user).toBe('+OK');
  });
});

describeWithDovecot('Dovecot 2.3 quirks a client must survive', () => {
  let dovecot: DovecotInstance;

  beforeAll(async () => {
    dovecot = await startDovecot();
    await dovecot.addMessages(ALICE.user, [
      Buffer.from('.\r\n'),
      Buffer.from('.From: x\r\n\r\nbody\r\n'),
      Buffer.from(''),
    ]);
  });

  afterAll(async () => {
    await dovecot?.stop();
  });

  it('does not dot-stuff the first line of a message, and sends an empty message as one CRLF', async () => {
    const client = await RawPop3Client.connect({ host: dovecot.host, port: dovecot.plainPort });
    await client.line();
    await client.command(`USER ${ALICE.user}`);
    await client.command(`PASS ${ALICE.password}`);

    client.write('RETR 1\r\nRETR 2\r\nRETR 3\r\nQUIT\r\n');
    const wire = (await client.rest()).toString('latin1');

    expect(wire).toBe(
      '+OK 3 octets\r\n.\r\n.\r\n' +
        '+OK 18 octets\r\n.From: x\r\n\r\nbody\r\n.\r\n' +
        '+OK 0 octets\r\n\r\n.\r\n' +
        '+OK Logging out.\r\n',
    );
  });
});

describeWithDovecot('Dovecot test harness: XOAUTH2 through the oauth2 passdb', () => {
  const TOKEN = 'ya29.valid-token';
  let introspection: Awaited<ReturnType<typeof startIntrospectionServer>>;
  let dovecot: DovecotInstance;

  beforeAll(async () => {
    introspection = await startIntrospectionServer({ [TOKEN]: ALICE.user });
    dovecot = await startDovecot({ oauth2: { introspectionUrl: introspection.url } });
    await dovecot.addMessages(ALICE.user, [Buffer.from('Subject: hi\n\nhello\n')]);
  });

  afterAll(async () => {
    await dovecot?.stop();
    await introspection?.close();
  });

  const payload = (token: string): string =>
    Buffer.from(`user=${ALICE.user}\x01auth=Bearer ${token}\x01\x01`).toString('base64');

  it('logs in two-step with a token the introspection endpoint calls active', async () => {
    const client = await RawPop3Client.connect(
      { host: dovecot.host, port: dovecot.tlsPort },
      { tlsCa: ca },
    );
    await client.line();

    await client.command('CAPA');
    const capabilities = await client.lines();
    const challenge = await client.command('AUTH XOAUTH2');
    const login = await client.command(payload(TOKEN));
    const stat = await client.command('STAT');
    await client.command('QUIT');

    expect(capabilities).toContain('SASL PLAIN LOGIN XOAUTH2 OAUTHBEARER');
    expect(challenge).toMatch(/^\+ ?$/);
    expect(login).toMatch(/^\+OK/);
    expect(stat).toMatch(/^\+OK 1 /);
    expect(introspection.tokens).toContain(TOKEN);
  });

  it('answers an inactive token with "+ <base64 JSON>", then -ERR after the empty line', async () => {
    const client = await RawPop3Client.connect(
      { host: dovecot.host, port: dovecot.tlsPort },
      { tlsCa: ca },
    );
    await client.line();

    await client.command('AUTH XOAUTH2');
    const failure = await client.command(payload('revoked-token'));
    const final = await client.command('');
    client.destroy();

    expect(JSON.parse(Buffer.from(failure.slice(2), 'base64').toString())).toMatchObject({
      status: '401',
    });
    expect(final).toBe('-ERR [AUTH] Authentication failed.');
  });

  it('still accepts the password for USER/PASS', async () => {
    const retrieved = await naiveRetrieveAll({
      host: dovecot.host,
      port: dovecot.plainPort,
      ...ALICE,
    });

    expect([...retrieved.values()].map(String)).toEqual(['Subject: hi\r\n\r\nhello\r\n']);
  });
});
