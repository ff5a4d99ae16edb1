/**
 * Runs in its own process (see test/integration/smtp-large.test.ts): forwards one archived file as
 * an attachment through the SMTP server on the given port while sampling this process's RSS, then
 * prints {baselineRss, peakRss} as JSON. Usage: node --expose-gc --import tsx
 * forward-large-child.ts PORT FILE CA_FILE
 *
 * Each sample runs a full GC first, so the RSS reflects what is still referenced rather than how
 * lazily the collector frees the 64 KiB read buffers.
 */
import { createReadStream, readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { composeForward } from '../../../lambda/compose/compose-forward.js';
import { silentLog } from '../../../lambda/log.js';
import { createSmtpMailer } from '../../../lambda/smtp/smtp-mailer.js';
import { forwardAction, MAILBOX, metaFor, NOW } from '../mail/compose-fixtures.js';

const [port, file, caFile] = process.argv.slice(2);
if (!port || !file || !caFile) throw new Error('usage: forward-large-child.ts PORT FILE CA_FILE');

const mailer = createSmtpMailer({
  smtp: { host: 'localhost', port: Number(port), security: 'starttls' },
  credentials: { kind: 'password', user: MAILBOX, password: 'large-test-password' },
  ca: readFileSync(caFile),
  log: silentLog,
});

const collect = (globalThis as { gc?: () => void }).gc;
if (!collect) throw new Error('run with --expose-gc');
const sample = () => {
  collect();
  return process.memoryUsage().rss;
};

// a small forward first: TLS contexts, the connection and the modules' lazy state are fixed
// costs, not the per-message memory this measures
await mailer.send(
  await composeForward(forwardAction(), metaFor(), {
    mailbox: MAILBOX,
    messageId: '<warm-up@popfwd.example.test>',
    openOriginal: async () => Readable.from([Buffer.from('Subject: warm-up\r\n\r\nhi\r\n')]),
    now: NOW,
  }),
);

const baselineRss = sample();
let peakRss = baselineRss;
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, sample());
}, 50);

const mail = await composeForward(forwardAction(), metaFor(), {
  mailbox: MAILBOX,
  messageId: '<large-1@popfwd.example.test>',
  openOriginal: async () => createReadStream(file),
  now: NOW,
});
await mailer.send(mail);
await mailer.close();
clearInterval(sampler);
peakRss = Math.max(peakRss, sample());
process.stdout.write(JSON.stringify({ baselineRss, peakRss }));
