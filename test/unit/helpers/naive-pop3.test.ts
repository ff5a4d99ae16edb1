import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { type Pop3Server, startPop3Server } from '../../../lambda/cli/sandbox/pop3-server.js';
import { wireBody } from '../../../lambda/cli/sandbox/pop3-wire.js';
import { sampleMail } from '../../../lambda/cli/sandbox/sample-mail.js';
import { hostileCorpus } from '../../helpers/mail/hostile-corpus.js';
import { naiveBody, naiveRetrieveAll } from '../../helpers/pop3/naive-pop3.js';
import { split } from '../../helpers/pop3/pop3-faults.js';
import { testTls } from '../../helpers/tls-fixtures.js';

const { ca, cert, key } = testTls();
const digests = (buffers: readonly Buffer[]): string[] =>
  buffers.map((data) => createHash('sha256').update(data).digest('hex'));

const ACCOUNT = { user: 'alice@example.test', password: 'pw' };

describe('naiveRetrieveAll', () => {
  let server: Pop3Server | undefined;
  afterEach(async () => {
    await server?.close();
  });

  it('reads every message of the sandbox over TLS as the server sent it', async () => {
    const messages = sampleMail();
    server = await startPop3Server({ tls: { key, cert }, users: [ACCOUNT], mailbox: messages });

    const retrieved = await naiveRetrieveAll({ ...server, tls: true, ca, ...ACCOUNT });

    expect([...retrieved.keys()]).toEqual(messages.map((m) => m.uidl));
    expect(digests([...retrieved.values()])).toEqual(
      digests(messages.map((m) => wireBody(m.data))),
    );
  });

  it('reads dot-stuffing edge cases byte for byte, whatever the chunking', async () => {
    const messages = hostileCorpus(['dots']).map((m) => ({ uidl: m.name, data: m.data }));
    server = await startPop3Server({
      users: [ACCOUNT],
      mailbox: messages,
      faults: { output: { split: split.bytes(4096), delayMs: 0 } },
    });

    const retrieved = await naiveRetrieveAll({ ...server, ...ACCOUNT });

    expect(digests([...retrieved.values()])).toEqual(
      digests(messages.map((m) => wireBody(m.data))),
    );
  });
});

describe('naiveBody', () => {
  it('drops the status line and the terminator, un-stuffs, keeps the final CRLF', () => {
    const reply = Buffer.from('+OK 9 octets\r\n..a\r\n..\r\nb\r\n.\r\n');

    expect(naiveBody(reply).toString()).toBe('.a\r\n.\r\nb\r\n');
  });
});
