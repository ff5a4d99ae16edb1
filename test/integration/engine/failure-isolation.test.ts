import { describe, expect, it } from 'vitest';
import { wireBody } from '../../../lambda/cli/sandbox/pop3-wire.js';
import { PopfwdError } from '../../../lambda/errors.js';
import type { BlobStore } from '../../../lambda/stores/blob-store.js';
import { createLocalStore } from '../../../lambda/stores/local/local-store.js';
import { hostileMessage } from '../../helpers/mail/hostile-corpus.js';
import {
  type Engine,
  expectSameBytes,
  layout,
  mail,
  rulesYaml,
  useEngine,
} from './engine-fixture.js';

/** Body rules need the archived copy; reading this one key fails as a broken disk would. */
const unreadable = (mailbox: Engine, uidl: string): BlobStore => {
  const inner = createLocalStore(mailbox.dir);
  const broken = layout.rawKey(layout.idFor(uidl));
  return {
    ...inner,
    location: inner.location,
    read: async (key) => {
      if (key === broken) throw new PopfwdError('ESTORE', `local store: ${key}: I/O error`);
      return inner.read(key);
    },
  };
};

const rules = rulesYaml(`
- name: invoices
  when: { body: { contains: invoice } }
  then: [{ tag: invoice }]
`);

describe('failure isolation', () => {
  const engine = useEngine();

  it('archives a message whose rules cannot be evaluated, records why, and goes on', async () => {
    // Prepare
    const messages = [
      mail('first', { body: 'invoice 1\r\n' }),
      mail('broken', { body: 'invoice 2\r\n' }),
      mail('third', { body: 'invoice 3\r\n' }),
    ];
    const mailbox = await engine({ mailbox: messages });

    // Act
    const summary = await mailbox.run(
      { rules, retention: 'delete' },
      { store: unreadable(mailbox, 'broken') },
    );

    // Assess
    expect(summary).toMatchObject({ fetched: 3, archived: 3, failed: 1, deleted: 3 });
    for (const message of messages) {
      expectSameBytes(await mailbox.raw(layout.rawKey(layout.idFor(message.uidl))), message.data);
    }
    const broken = await mailbox.record('broken');
    expect(broken?.rules).toEqual({
      status: 'failed',
      error: expect.stringMatching(/rules could not be evaluated: .*I\/O error/),
    });
    expect(broken?.tags).toEqual([]);
    expect((await mailbox.record('first'))?.tags).toEqual(['invoice']);
    expect((await mailbox.record('third'))?.tags).toEqual(['invoice']);
    expect(mailbox.server.mailbox.messages).toEqual([]);
  });

  it('does not retry the failed message on the next run (it is archived and recorded)', async () => {
    // Prepare
    const mailbox = await engine({ mailbox: [mail('broken', { body: 'invoice\r\n' })] });
    await mailbox.run({ rules }, { store: unreadable(mailbox, 'broken') });

    // Act
    const next = await mailbox.run({ rules });

    // Assess
    expect(next).toMatchObject({ fetched: 0, failed: 0 });
    expect((await mailbox.record('broken'))?.rules.status).toBe('failed');
  });

  it('archives hostile messages byte-exact with the parse problem recorded, and the rest go on', async () => {
    // Prepare: no header fields, a 1 MB header line, NUL bytes, then an ordinary message
    const hostile = ['no-header-colon', 'header-line-1mb', 'nul-in-header', 'empty'].map(
      (name) => ({ uidl: `hostile-${name}`, data: hostileMessage(name).data }),
    );
    const ordinary = mail('ordinary', { body: 'the invoice\r\n' });
    const mailbox = await engine({ mailbox: [...hostile, ordinary] });

    // Act
    const summary = await mailbox.run({ rules, retention: 'delete' });

    // Assess
    expect(summary).toMatchObject({ fetched: 5, archived: 5, deleted: 5 });
    // The archive holds what RETR delivered: the stored bytes with CRLF line ends (pop3-wire.ts)
    for (const message of [...hostile, ordinary]) {
      const archived = await mailbox.raw(layout.rawKey(layout.idFor(message.uidl)));
      expectSameBytes(archived, wireBody(message.data));
    }
    const noHeaders = await mailbox.record('hostile-no-header-colon');
    expect(noHeaders?.meta.parseError).toBe('no header fields found');
    expect(noHeaders?.rules).toEqual({
      status: 'failed',
      error: 'rules were not applied: no header fields found',
    });
    expect((await mailbox.record('hostile-empty'))?.rules.status).toBe('failed');
    // A header block longer than the 1 MiB read is never judged on the part before the cut
    const longLine = await mailbox.record('hostile-header-line-1mb');
    expect(longLine?.rules).toEqual({
      status: 'failed',
      error:
        'rules were not applied: the header block is longer than 1 MiB; the fields after that were not read',
    });
    expect(summary.failed).toBe(3);
    expect((await mailbox.record('ordinary'))?.tags).toEqual(['invoice']);
  });
});

describe('run-level failures', () => {
  const engine = useEngine();

  it('a refused login fails the run, hangs up and writes nothing', async () => {
    // Prepare
    const mailbox = await engine({ mailbox: [mail('a')] });

    // Act
    const failure = await mailbox
      .run({}, { secrets: { read: async () => 'wrong password', write: async () => {} } })
      .catch((error: unknown) => error);
    await mailbox.server.idle();

    // Assess
    expect(failure).toMatchObject({ code: 'EAUTH' });
    expect(mailbox.store.counts).toMatchObject({ putDocument: 0, create: 0 });
    expect(mailbox.server.mailbox.messages).toHaveLength(1);
  });
});
