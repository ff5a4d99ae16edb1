import { mkdir, writeFile } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { loadConfig } from '../../config/load.js';
import type { LogLevel } from '../../log.js';
import { executeRun } from '../execute-run.js';
import { exitCodeFor } from '../exit-codes.js';
import type { CliIO } from '../io.js';
import { formatSummary } from '../output/format-summary.js';
import { startPop3Server } from './pop3-server.js';
import { SAMPLE_BOSS, SAMPLE_OWNER, sampleMail } from './sample-mail.js';
import { startSmtpCapture } from './smtp-capture.js';
import { SANDBOX_CA, SANDBOX_CERT, SANDBOX_KEY } from './tls-material.js';

const PASSWORD = 'sandbox-password';

/** The sandbox's config as the user reads it on disk: what a real one looks like, local servers. */
const sandboxConfig = (
  pop3Port: number,
  smtpPort: number,
  now: number,
): string => `# The sandbox's config. Its servers only live while \`popfwd sandbox\` runs.
mailbox:
  address: ${SAMPLE_OWNER}
  pop3: { host: localhost, port: ${pop3Port}, security: tls }
  smtp: { host: localhost, port: ${smtpPort}, security: starttls }
  caFile: ./sandbox-ca.pem                      # the sandbox servers' CA: TLS is verified
  auth:
    method: password
    password: { file: ./pop3-password }         # a secret reference, never the secret itself
  retention: keep                               # archive only; delete | { deleteAfterDays: 7 }
store: { dir: ./archive }
rules:
  - name: boss to phone
    when: { from: "*@${SAMPLE_BOSS.split('@')[1]}" }
    then: [ { forward: { to: [alice.phone@example.net], as: attachment } }, stop ]
  - name: file newsletters
    when: { isList: true }
    then: [ { tag: newsletter } ]
  - name: invoices
    when: { subject: { contains: invoice } }
    then: [ { tag: invoice } ]
vacation:
  enabled: true
  until: ${new Date(now + 30 * 86_400_000).toISOString().slice(0, 10)}
  subject: Out of office
  body: Thanks for your message. I am away and will answer when I am back.
  days: 7                                       # at most one reply per sender per 7 days
`;

export interface SandboxOptions {
  /** Where the config, archive and captured sends go, relative to the working directory. */
  readonly dir: string;
  readonly json: boolean;
  readonly level: LogLevel;
  /** No explanation, no progress bar, no summary (--quiet). */
  readonly quiet: boolean;
  /** How the user calls popfwd, for the commands it suggests: `popfwd`, or `npx popfwd` in a clone. */
  readonly command: string;
  /** The example configs' directory, and where popfwd looks for the user's own config. */
  readonly examples: string;
  readonly configPath: string;
}

/**
 * `popfwd sandbox`: a local POP3 server seeded with sample mail, a local SMTP server that captures
 * what popfwd sends, and a local archive — the whole pipeline, nothing leaves the machine. Runs
 * again find nothing new: every message is archived exactly once. Returns the exit code.
 */
export const runSandbox = async (io: CliIO, options: SandboxOptions): Promise<number> => {
  const dir = resolve(io.cwd, options.dir);
  // Paths under the working directory relative to it, others in full.
  const show = (path: string) => {
    const inside = relative(io.cwd, path);
    return inside.startsWith('..') || isAbsolute(inside) ? path : inside || '.';
  };
  const cli = options.command;
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'sandbox-ca.pem'), SANDBOX_CA);
  await writeFile(join(dir, 'pop3-password'), `${PASSWORD}\n`, { mode: 0o600 });
  const tls = { key: SANDBOX_KEY, cert: SANDBOX_CERT };
  const messages = sampleMail();
  const pop3 = await startPop3Server({
    host: '127.0.0.1',
    tls,
    users: [{ user: SAMPLE_OWNER, password: PASSWORD }],
    mailbox: messages.map(({ uidl, data }) => ({ uidl, data })),
  });
  const smtp = await startSmtpCapture({
    dir: join(dir, 'outbox'),
    ...tls,
    user: SAMPLE_OWNER,
    password: PASSWORD,
  });
  try {
    const text = sandboxConfig(pop3.port, smtp.port, Date.now());
    const configFile = join(dir, 'popfwd.sandbox.yaml');
    await writeFile(configFile, text);
    const { config: resolved } = await loadConfig(configFile);

    if (!options.json && !options.quiet) {
      io.stderr.write(
        `popfwd sandbox: a local POP3 server with ${messages.length} sample messages for ${SAMPLE_OWNER},\n` +
          `a local SMTP server that captures what popfwd sends, and an archive in ${show(dir)}\n\n`,
      );
    }
    const summary = await executeRun(resolved, io, {
      json: options.json,
      level: options.level,
      progress: !options.quiet,
    });
    const code = exitCodeFor({ summary, interrupted: io.signal.aborted });
    if (options.json) {
      io.stdout.write(`${JSON.stringify(summary)}\n`);
      return code;
    }
    if (options.quiet) return code;
    const sent = smtp.captured.map(
      (mail) => `    ${mail.to.join(', ')}  "${mail.subject}"  (${show(mail.file)})`,
    );
    io.stdout.write(
      [
        '',
        formatSummary(SAMPLE_OWNER, summary).trimEnd(),
        '',
        'What happened',
        `  archive   ${show(join(dir, 'archive'))} — raw .eml files exactly as the server sent them, with .json metadata`,
        `  list it   ${cli} archive list --config ${show(configFile)}`,
        sent.length > 0
          ? `  sent      ${sent.length} message(s), captured instead of delivered:\n${sent.join('\n')}`
          : '  sent      nothing new this time',
        `  config    ${show(configFile)} — the rules and vacation settings this run used`,
        '',
        summary.archived === 0 && summary.alreadyArchived === 0
          ? `Run it again and nothing changes: every message is archived exactly once. rm -rf ${show(dir)} starts over.`
          : 'Run it again: nothing new is fetched or sent — every message is archived and answered exactly once.',
        '',
        'Next: your own mailbox',
        `  1. copy ${show(join(options.examples, 'outlook.yaml'))} (Outlook.com / Hotmail) or ${show(join(options.examples, 'password.yaml'))}`,
        `     (other POP3 servers) to ${options.configPath}, where popfwd looks for it`,
        `  2. ${cli} config check`,
        `  3. Outlook.com needs OAuth2: ${cli} auth login (README: "Outlook.com setup")`,
        `  4. ${cli} run     (or: ${cli} watch)`,
        '',
      ].join('\n'),
    );
    return code;
  } finally {
    await Promise.all([pop3.close(), smtp.close()]);
  }
};
