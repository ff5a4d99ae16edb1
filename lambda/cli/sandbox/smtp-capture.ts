import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { SMTPServer } from 'smtp-server';

export interface CapturedMail {
  readonly file: string;
  readonly from: string;
  readonly to: readonly string[];
  readonly subject: string;
}

export interface SmtpCapture {
  readonly port: number;
  readonly captured: readonly CapturedMail[];
  close(): Promise<void>;
}

const subjectOf = (head: string): string =>
  /^Subject:[ \t]*(.*(?:\r?\n[ \t].*)*)/im.exec(head)?.[1]?.replace(/\r?\n[ \t]+/g, ' ') ?? '';

/**
 * The sandbox's outgoing mail server: STARTTLS and AUTH like Outlook's, but every message lands
 * in a directory instead of being delivered.
 */
export const startSmtpCapture = async (options: {
  readonly dir: string;
  readonly key: string;
  readonly cert: string;
  readonly user: string;
  readonly password: string;
}): Promise<SmtpCapture> => {
  await mkdir(options.dir, { recursive: true });
  const captured: CapturedMail[] = [];
  const server = new SMTPServer({
    key: options.key,
    cert: options.cert,
    authMethods: ['PLAIN', 'LOGIN'],
    size: 50 * 1024 * 1024,
    logger: false,
    onAuth: (auth, _session, callback) =>
      auth.username === options.user && auth.password === options.password
        ? callback(null, { user: auth.username })
        : callback(new Error('invalid sandbox credentials')),
    onData: (stream, session, callback) => {
      const file = join(options.dir, `${String(captured.length + 1).padStart(3, '0')}.eml`);
      let head = '';
      stream.on('data', (chunk: Buffer) => {
        if (head.length < 16_384) head += chunk.toString('utf8');
      });
      pipeline(stream, createWriteStream(file)).then(
        () => {
          captured.push({
            file,
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((recipient) => recipient.address),
            subject: subjectOf(head.split(/\r?\n\r?\n/)[0] ?? ''),
          });
          callback();
        },
        (error: Error) => callback(error),
      );
    },
  });
  server.listen(0, '127.0.0.1');
  await once(server.server, 'listening');
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    port,
    captured,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
};
