import libmime from 'libmime';
import { describe, expect, it } from 'vitest';
import type { Pop3Message } from '../../../lambda/cli/sandbox/pop3-server.js';
import { OWNER, rulesYaml, useEngine } from '../engine/engine-fixture.js';

/**
 * Issue 11 item 14: `From: "victim@evil.example" <>` sent the vacation reply to the display name.
 * An empty address means no reply, a display name is never an address, and an encoded word never
 * brings its own domain. Checked on the wire: the replies and forwards a real smtp-server received.
 */

const VICTIM = 'victim@evil.example';

const message = (uidl: string, lines: readonly string[]): Pop3Message => ({
  uidl,
  data: Buffer.from(
    [
      `To: Alice <${OWNER}>`,
      `Subject: ${uidl}`,
      'Date: Thu, 26 Nov 2026 07:00:00 +0000',
      `Message-ID: <${uidl}@evil.example>`,
      ...lines,
      '',
      'Hello.',
      '',
    ].join('\r\n'),
  ),
});

const HOSTILE: Pop3Message[] = [
  message('quoted-name', [`From: "${VICTIM}" <>`]),
  message('bare-name', [`From: ${VICTIM} <>`]),
  message('encoded-name', ['From: =?utf-8?q?victim=40evil.example?=']),
  message('encoded-address', ['From: Mallory <=?utf-8?q?victim=40evil.example?=>']),
  message('quoted-only', [`From: "${VICTIM}"`]),
  message('empty-reply-to', [`Reply-To: "${VICTIM}" <>`, 'From: Mallory <mallory@evil.example>']),
];

const rules = rulesYaml(`
- name: copy
  then: [ { forward: { to: me@phone.example, as: attachment } } ]
`);
const vacation = { enabled: true, body: 'Away.' };

describe('replies go to an address, never to a display name', () => {
  const engine = useEngine();

  it('sends no reply where the sender gave no usable address, and still answers a real one', async () => {
    // Prepare
    const real = message('real', ['From: Dave <dave@partner.example>']);
    const mailbox = await engine({ mailbox: [...HOSTILE, real], smtp: true });

    // Act
    const summary = await mailbox.run({ rules, vacation });

    // Assess: one reply, to Dave; one forward per message; nothing to the victim
    expect(summary).toMatchObject({ replied: 1, forwarded: HOSTILE.length + 1, failed: 0 });
    const sent = mailbox.smtp?.messages ?? [];
    expect(sent.filter((mail) => mail.to[0] !== 'me@phone.example').map((mail) => mail.to)).toEqual(
      [['dave@partner.example']],
    );
    for (const mail of sent) {
      expect(mail.to).not.toContain(VICTIM);
      const header = mail.raw.toString('latin1').split('\r\n\r\n', 1)[0] ?? '';
      expect(header).not.toMatch(/^(To|Reply-To):[^\r]*<victim@evil\.example>/im);
    }
    for (const uidl of ['quoted-name', 'bare-name', 'encoded-name', 'quoted-only']) {
      const record = await mailbox.record(uidl);
      expect(record?.rules.status === 'evaluated' && record.rules.plan.notes).toContainEqual({
        action: 'vacation:global',
        reason: 'no reply: the message names no sender to answer',
      });
    }
    const forward = sent.find((mail) => mail.raw.includes('Subject: Fwd: quoted-name'));
    const originalFrom = /^X-Original-From: (.*)$/m.exec(forward?.raw.toString('latin1') ?? '');
    expect(libmime.decodeWords(originalFrom?.[1]?.trim() ?? '')).toBe('"victim@evil.example" <>');
    const encoded = await mailbox.record('encoded-address');
    expect(encoded?.meta.from).toEqual([{ name: 'Mallory', address: '' }]);
    const emptyReplyTo = await mailbox.record('empty-reply-to');
    expect(emptyReplyTo?.meta.replyTo).toEqual([{ name: VICTIM, address: '' }]);
    expect(emptyReplyTo?.rules.status === 'evaluated' && emptyReplyTo.rules.plan.actions).toEqual([
      expect.objectContaining({ kind: 'forward' }),
    ]);
  });
});
