import { describe, expect, it } from 'vitest';
import type { Pop3Message } from '../../../lambda/cli/sandbox/pop3-server.js';
import { mail, OWNER, rulesYaml, useEngine } from '../engine/engine-fixture.js';

/**
 * Issue 11 item 11: header fields after 256 KiB were ignored, so 2,600 padding lines followed by
 * `From: spammer@spam.example` evaded a `from → discard` rule and the message went out as
 * `Fwd: (no subject)`. Now the whole captured block (1 MiB) is read, and a block longer than that
 * fails the message for rules (recorded with the reason, nothing sent) instead of being judged
 * on the fields before the cut.
 */

const rules = rulesYaml(`
- name: no spam
  when: { from: "*@spam.example" }
  then: [ discard, stop ]
- name: everything to my phone
  then: [ { forward: { to: me@phone.example, as: attachment } } ]
`);

/** `count` padding fields of about 100 bytes, then the fields that matter. */
const padded = (uidl: string, count: number): Pop3Message => {
  const padding = Array.from(
    { length: count },
    (_, i) => `X-Padding-${String(i).padStart(7, '0')}: ${'p'.repeat(80)}`,
  );
  const lines = [
    ...padding,
    'From: Spammer <spammer@spam.example>',
    `To: ${OWNER}`,
    'Subject: buy now',
    `Message-ID: <${uidl}@spam.example>`,
  ];
  return { uidl, data: Buffer.from(`${lines.join('\r\n')}\r\n\r\nspam\r\n`) };
};

describe('header fields that hide behind padding', () => {
  const engine = useEngine();

  it('reads a From after 2,600 padding lines: the discard rule applies, nothing is sent', async () => {
    // Prepare: about 260 KB of padding, past the old 256 KiB cap
    const mailbox = await engine({
      mailbox: [padded('padded', 2_600), mail('after')],
      smtp: true,
    });

    // Act
    const summary = await mailbox.run({ rules });

    // Assess
    expect(summary).toMatchObject({ archived: 2, forwarded: 1, failed: 0 });
    const record = await mailbox.record('padded');
    expect(record?.meta.from).toEqual([{ name: 'Spammer', address: 'spammer@spam.example' }]);
    expect(record?.rules).toMatchObject({ status: 'evaluated', plan: { discarded: true } });
    expect(record?.actions).toEqual({});
    expect(mailbox.smtp?.messages.map((sent) => sent.raw.toString('latin1'))).toEqual([
      expect.stringContaining('Subject: Fwd: message after'),
    ]);
  });

  it('fails a block longer than 1 MiB for rules, sends nothing for it, and goes on', async () => {
    // Prepare: about 1.1 MB of padding before the From
    const mailbox = await engine({
      mailbox: [padded('giant', 11_000), mail('after')],
      smtp: true,
    });

    // Act
    const summary = await mailbox.run({ rules });

    // Assess: recorded as failed with the reason; only the next message is forwarded
    expect(summary).toMatchObject({ archived: 2, forwarded: 1, failed: 1 });
    const record = await mailbox.record('giant');
    expect(record?.rules).toEqual({
      status: 'failed',
      error:
        'rules were not applied: the header block is longer than 1 MiB; the fields after that were not read',
    });
    expect(record?.actions).toEqual({});
    expect(mailbox.smtp?.messages).toHaveLength(1);
    expect(mailbox.smtp?.messages[0]?.raw.toString('latin1')).toContain(
      'Subject: Fwd: message after',
    );
    expect(mailbox.smtp?.messages[0]?.raw.toString('latin1')).not.toContain('(no subject)');
  });
});
