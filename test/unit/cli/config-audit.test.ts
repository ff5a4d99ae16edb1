import { describe, expect, it } from 'vitest';
import { auditConfig } from '../../../lambda/cli/config-audit.js';
import { parseConfig } from '../../../lambda/config/parse.js';
import { secretError } from '../../../lambda/secrets/secret-adapter.js';
import type { SecretStore } from '../../../lambda/secrets/secret-store.js';

const config = parseConfig(
  {
    mailbox: {
      address: 'alice@example.test',
      pop3: { host: 'pop.example.test' },
      auth: { method: 'password', password: { ssm: '/popfwd/alice/password' } },
    },
  },
  'audit.yaml',
).config;

const store = (read: SecretStore['read']): SecretStore => ({
  read,
  write: async () => {},
});

describe('auditConfig: an SSM reference', () => {
  it('a store that never answers: a problem after the timeout, exit 4 (try later)', async () => {
    const audit = await auditConfig(
      config,
      store(() => new Promise<string>(() => {})),
      50,
    );

    expect(audit.exitCode).toBe(4);
    expect(audit.problems).toEqual([
      'mailbox.auth.password (ssm:/popfwd/alice/password) cannot be read: no answer within 50 ms',
    ]);
  });

  it('a missing parameter: exit 2 (fix the config); a throttled store: exit 4', async () => {
    const ref = { ssm: '/popfwd/alice/password' };
    const missing = await auditConfig(
      config,
      store(async () => {
        throw secretError('read', ref, 'the parameter does not exist');
      }),
    );
    const throttled = await auditConfig(
      config,
      store(async () => {
        throw secretError('read', ref, 'throttled', { retryable: true });
      }),
    );

    expect(missing.exitCode).toBe(2);
    expect(missing.secrets[0]?.problem).toBe(
      'cannot read ssm:/popfwd/alice/password: the parameter does not exist',
    );
    expect(throttled.exitCode).toBe(4);
  });

  it('a readable one: no problem, and the value kept nowhere in the audit', async () => {
    const value = 'ssm-Secret-value-never-shown';

    const audit = await auditConfig(
      config,
      store(async () => value),
    );

    expect(audit.exitCode).toBe(0);
    expect(audit.problems).toEqual([]);
    expect(JSON.stringify(audit)).not.toContain(value);
  });
});
