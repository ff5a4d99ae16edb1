import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAILBOX } from '../helpers/mail/compose-fixtures.js';
import { decodedBody, header, parseEntity, parts } from '../helpers/mail/mime-bytes.js';
import { type SmtpTestServer, startSmtpTestServer } from '../helpers/smtp/smtp-test-server.js';

const run = promisify(execFile);
const MB = 1024 * 1024;
const ORIGINAL_SIZE = 25 * MB;
/**
 * A buffered copy adds about 71 MB here (measured); streaming adds 11–22 MB of garbage the GC has
 * not collected yet, depending on its timing. 40 MB keeps both cases apart.
 */
const RSS_GROWTH_LIMIT = 40 * MB;

const child = fileURLToPath(new URL('../helpers/smtp/forward-large-child.ts', import.meta.url));
const caFile = fileURLToPath(new URL('../fixtures/tls/ca.pem', import.meta.url));

/** 8-bit text lines (0x20–0xff, no DEL), CRLF-terminated: the message/rfc822 8bit path. */
const eightBitOriginal = (size: number): Buffer => {
  const head = Buffer.from(
    'From: Bob <bob@sender.example>\r\nTo: alice@example.test\r\nSubject: big\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=latin1\r\nContent-Transfer-Encoding: 8bit\r\n\r\n',
  );
  const body = randomBytes(size - head.length);
  for (let i = 0; i < body.length; i += 1) {
    const byte = 0x20 + ((body[i] as number) % 0xdf);
    body[i] = byte === 0x7f ? 0x20 : byte;
    if (i % 78 === 76) body[i] = 0x0d;
    if (i % 78 === 77) body[i] = 0x0a;
  }
  return Buffer.concat([head, body]);
};

describe('a 25 MB original forwarded as attachment', () => {
  let dir: string;
  let server: SmtpTestServer;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'popfwd-large-'));
    server = await startSmtpTestServer({ passwords: { [MAILBOX]: 'large-test-password' } });
  });

  afterAll(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('streams through with bounded memory and arrives byte-identical', async () => {
    const original = eightBitOriginal(ORIGINAL_SIZE);
    const file = join(dir, 'original.eml');
    await writeFile(file, original);

    const { stdout } = await run(
      process.execPath,
      ['--expose-gc', '--import', 'tsx', child, String(server.port), file, caFile],
      { maxBuffer: MB },
    );

    const { baselineRss, peakRss } = JSON.parse(stdout) as { baselineRss: number; peakRss: number };
    expect(peakRss - baselineRss).toBeLessThan(RSS_GROWTH_LIMIT);
    const received = server.messages.at(-1);
    if (!received) throw new Error('nothing arrived');
    expect(received.mailFromArgs.BODY).toBe('8BITMIME');
    const attached = parts(parseEntity(received.raw))[1];
    if (!attached) throw new Error('no attachment part');
    expect(header(attached, 'content-transfer-encoding')).toBe('8bit');
    const digest = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
    expect(digest(decodedBody(attached))).toBe(digest(original));
  });
});
