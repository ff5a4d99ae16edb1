import { describe, expect, it } from 'vitest';
import { conflictBetween, regionMismatch } from '../../infra/deploy-conflicts.js';
import { configFrom, mailboxYaml } from '../helpers/aws/infra.js';

describe('conflictBetween', () => {
  it('accepts mailboxes sharing a bucket under separate prefixes', () => {
    // Act
    const conflict = conflictBetween([
      configFrom(mailboxYaml('alice'), 'alice.yaml'),
      configFrom(mailboxYaml('bob'), 'bob.yaml'),
    ]);

    // Assess
    expect(conflict).toBeNull();
  });

  it('rejects a prefix inside another mailbox prefix, naming the later file and field', () => {
    // Act
    const conflict = conflictBetween([
      configFrom(mailboxYaml('alice', { prefix: 'mail/' }), 'alice.yaml'),
      configFrom(mailboxYaml('bob', { prefix: 'mail/bob/' }), 'bob.yaml'),
    ]);

    // Assess
    expect(conflict?.message).toMatch(/^bob\.yaml is invalid/);
    expect(conflict?.message).toMatch(
      /store\.s3\.prefix: "mail\/bob\/" overlaps "mail\/" of alice\.yaml/,
    );
  });

  it('accepts equal prefixes in different buckets', () => {
    // Act
    const conflict = conflictBetween([
      configFrom(mailboxYaml('alice', { prefix: '', bucket: 'archive-one' }), 'alice.yaml'),
      configFrom(mailboxYaml('bob', { prefix: '', bucket: 'archive-two' }), 'bob.yaml'),
    ]);

    // Assess
    expect(conflict).toBeNull();
  });

  it('rejects two writers of one refresh token (SSM has no compare-and-swap)', () => {
    // Prepare
    const bob = mailboxYaml('bob').replace(
      '/popfwd/bob/refresh-token',
      '/popfwd/alice/refresh-token',
    );

    // Act
    const conflict = conflictBetween([
      configFrom(mailboxYaml('alice'), 'alice.yaml'),
      configFrom(bob, 'bob.yaml'),
    ]);

    // Assess
    expect(conflict?.message).toMatch(
      /mailbox\.auth\.refreshToken: \/popfwd\/alice\/refresh-token is also used by alice\.yaml/,
    );
  });

  it('rejects the same mailbox deployed twice', () => {
    // Act
    const conflict = conflictBetween([
      configFrom(mailboxYaml('alice'), 'one.yaml'),
      configFrom(mailboxYaml('alice', { bucket: 'other-archive' }), 'two.yaml'),
    ]);

    // Assess
    expect(conflict?.message).toMatch(/mailbox\.address: already deployed by one\.yaml/);
  });
});

describe('regionMismatch', () => {
  it('names store.s3.region when it differs from the stack region', () => {
    // Prepare
    const config = configFrom(
      mailboxYaml('alice').replace('prefix:', 'region: us-east-1, prefix:'),
    );

    // Act
    const mismatch = regionMismatch(config, 'eu-west-1');

    // Assess
    expect(mismatch?.message).toMatch(/store\.s3\.region: the stack deploys to eu-west-1/);
  });

  it('accepts a config without a region', () => {
    // Act
    const mismatch = regionMismatch(configFrom(mailboxYaml('alice')), 'eu-west-1');

    // Assess
    expect(mismatch).toBeNull();
  });
});
