import { readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { cliAdapters } from '../../../lambda/cli/adapters.js';
import { parseConfig } from '../../../lambda/config/parse.js';
import { hasCode } from '../../../lambda/errors.js';
import { silentLog } from '../../../lambda/log.js';
import { Redactor } from '../../../lambda/redact/redactor.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

const config = (store: unknown, extra: Record<string, unknown> = {}) =>
  parseConfig(
    {
      mailbox: {
        address: 'alice@example.test',
        pop3: { host: 'pop.example.test' },
        auth: { method: 'password', password: { env: 'POPFWD_PASSWORD' } },
        ...extra,
      },
      store,
    },
    'adapters test',
  ).config;

/** What a module loads when it is imported: static imports, not `import type`, not `import()`. */
const staticImports = (file: string): string[] =>
  [
    ...readFileSync(file, 'utf8').matchAll(
      /^\s*(?:import|export)\s+(?!type\b)[^;]*?\bfrom\s+'([^']+)'/gm,
    ),
  ].map((match) => match[1] as string);

/** Every package and lambda/ file importing `entry` loads before its first line runs. */
const loadedWith = (entry: string): Set<string> => {
  const loaded = new Set<string>();
  const visit = (file: string) => {
    const name = relative(ROOT, file);
    if (loaded.has(name)) return;
    loaded.add(name);
    for (const specifier of staticImports(file)) {
      if (specifier.startsWith('.')) visit(join(dirname(file), specifier.replace(/\.js$/, '.ts')));
      else if (!specifier.startsWith('node:')) loaded.add(specifier);
    }
  };
  visit(join(ROOT, entry));
  return loaded;
};

describe("the CLI's adapters", () => {
  it('builds every port of a run from the config, with secrets from the given environment', async () => {
    // Prepare
    const io = { env: { POPFWD_PASSWORD: 'from-env' } };

    // Act
    const ports = cliAdapters(config({ dir: '/tmp/popfwd-adapters-test' }), io);

    // Assess
    expect(ports.store.location).toContain('/tmp/popfwd-adapters-test');
    expect(await ports.secrets.read({ env: 'POPFWD_PASSWORD' })).toBe('from-env');
    expect(Math.abs(ports.clock.now() - Date.now())).toBeLessThan(60_000);
    expect(ports.connectPop3).toBeTypeOf('function');
    expect(ports.mailers).toBeTypeOf('function');
  });

  it('names an S3 archive without loading the AWS SDK', () => {
    // Act
    const ports = cliAdapters(config({ s3: { bucket: 'archive', prefix: 'alice' } }), { env: {} });

    // Assess
    expect(ports.store.location).toBe('s3://archive/alice/');
  });

  it('refuses to make a mailer for a mailbox without SMTP, as a config error', async () => {
    // Prepare
    const ports = cliAdapters(config({ dir: '/tmp/popfwd-adapters-test' }), { env: {} });

    // Act
    const error = await ports
      .mailers({
        credentials: { kind: 'password', user: 'alice', password: 'x' },
        log: silentLog,
        deadline: Date.now() + 1_000,
        clock: ports.clock,
        redactor: new Redactor(),
      })
      .catch((caught: unknown) => caught);

    // Assess
    expect(hasCode(error, 'ECONFIG')).toBe(true);
  });

  it('loads neither nodemailer, the AWS SDK nor the POP3 client when a command builds them', () => {
    // Act
    const loaded = [...loadedWith('lambda/cli/adapters.ts')];

    // Assess
    expect(loaded.filter((name) => name.startsWith('@aws-sdk/'))).toEqual([]);
    expect(loaded).not.toContain('nodemailer');
    expect(loaded.filter((name) => name.startsWith('lambda/pop3/'))).toEqual([]);
    expect(loaded).toContain('lambda/stores/open-store.ts');
  });
});
