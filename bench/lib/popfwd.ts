/**
 * popfwd as a user runs it: the built CLI (`node bin/popfwd.js run --config … --json`) with the
 * full pipeline — local archive with metadata, rules, forwards over SMTP, retention keep.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startSmtpTestServer } from '../../test/helpers/smtp/smtp-test-server.js';
import { type Measured, measure } from './processes.js';

export interface PopfwdTarget {
  /** Implicit-TLS POP3 port (Dovecot, or the latency proxy in front of it). */
  readonly pop3Port: number;
  readonly smtpPort: number;
  readonly user: string;
  readonly password: string;
  readonly caFile: string;
}

/** The fields of `popfwd run --json` the benchmark checks. */
export interface RunSummary {
  readonly fetched: number;
  readonly archived: number;
  readonly forwarded: number;
  readonly failed: number;
  readonly remaining: number;
  readonly durationMs: number;
}

export interface PopfwdRun extends Measured {
  readonly summary: RunSummary;
}

const PASSWORD_ENV = 'POPFWD_BENCH_PASSWORD';

/**
 * The config a user would write (YAML): one forward rule over a realistic share of the mail
 * (subjects with "invoice": about 17 % of this corpus, attached as most forwards are) and one tag
 * rule. Limits are raised so one run takes the whole mailbox.
 */
export const benchConfig = (target: PopfwdTarget, storeDir: string): string => `
mailbox:
  address: ${target.user}
  pop3: { host: 127.0.0.1, port: ${target.pop3Port}, security: tls }
  smtp: { host: 127.0.0.1, port: ${target.smtpPort}, security: starttls }
  caFile: ${JSON.stringify(target.caFile)}
  auth: { method: password, password: { env: ${PASSWORD_ENV} } }
  retention: keep
store: { dir: ${JSON.stringify(storeDir)} }
limits: { maxMessagesPerRun: 5000, maxSendsPerDay: 5000, runTimeout: 30m }
rules:
  - name: invoices to the accountant
    when: { subject: { contains: invoice } }
    then: [ { forward: { to: [accountant@example.net], as: attachment } } ]
  - name: file newsletters
    when: { isList: true }
    then: [ { tag: newsletter } ]
`;

/** The same mailbox without rules: fetch, archive and records only (issue 3's measure). */
export const archiveOnlyConfig = (target: PopfwdTarget, storeDir: string): string =>
  benchConfig(target, storeDir).replace(/\nrules:[\s\S]*$/, '\nrules: []\n');

/** One `popfwd run` into a fresh archive under `dir`. */
export const runPopfwd = async (
  projectDir: string,
  target: PopfwdTarget,
  dir: string,
  options: { readonly rules: boolean; readonly nodeOptions?: string } = { rules: true },
): Promise<PopfwdRun> => {
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const configPath = join(dir, 'popfwd.yaml');
  const archive = join(dir, 'archive');
  await writeFile(
    configPath,
    options.rules ? benchConfig(target, archive) : archiveOnlyConfig(target, archive),
  );
  const run = await measure(
    process.execPath,
    [join(projectDir, 'bin', 'popfwd.js'), 'run', '--config', configPath, '--json'],
    {
      env: {
        ...process.env,
        NODE_OPTIONS: options.nodeOptions ?? '',
        [PASSWORD_ENV]: target.password,
      },
      cwd: dir,
    },
  );
  if (run.code !== 0) throw new Error(`popfwd failed (${run.code}): ${run.stderr.slice(-2000)}`);
  return { ...run, stderr: '', summary: JSON.parse(run.stdout) as RunSummary };
};

export interface SmtpSink {
  readonly port: number;
  /** Messages accepted since the last take(); resets the count. */
  take(): { messages: number; bytes: number };
  close(): Promise<void>;
}

/**
 * A real smtp-server (STARTTLS, AUTH) that counts what it accepts and keeps nothing, so the
 * benchmark process does not grow with the forwarded mail.
 */
export const startSmtpSink = async (user: string, password: string): Promise<SmtpSink> => {
  let messages = 0;
  let bytes = 0;
  const server = await startSmtpTestServer({
    passwords: { [user]: password },
    server: {
      onData(stream, _session, callback) {
        stream.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
        });
        stream.once('end', () => {
          messages += 1;
          callback(null, `queued as ${messages}`);
        });
      },
    },
  });
  return {
    port: server.port,
    take() {
      const counted = { messages, bytes };
      messages = 0;
      bytes = 0;
      return counted;
    },
    close: () => server.close(),
  };
};
