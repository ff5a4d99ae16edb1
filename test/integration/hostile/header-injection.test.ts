import { describe, expect, it } from 'vitest';
import type { Pop3Message } from '../../../lambda/cli/sandbox/pop3-server.js';
import { OWNER, rulesYaml, useEngine } from '../engine/engine-fixture.js';

/**
 * Issue 11 item 12: in `as: redirect` an archived `Subject: raw cr\rBcc: victim@evil.example`
 * left as separate `Bcc:` / `X-Injected:` header lines (SMTP turns the bare CR into a line end).
 * Every mode and the vacation reply go to a real smtp-server here, and the bytes it received must
 * hold no header line the original hid in one of its fields.
 */

const rules = rulesYaml(`
- name: everything, every way
  then:
    - { forward: { to: attached@fwd.example, as: attachment } }
    - { forward: { to: inline@fwd.example, as: inline } }
    - { forward: { to: redirected@fwd.example, as: redirect } }
`);

const vacation = { enabled: true, subject: 'Away: {{subject}}', body: 'Away, {{fromName}}.' };

/** One sender per message: the vacation answers each sender once. */
const hostile = (
  uidl: string,
  sender: string,
  lines: readonly string[],
  body: string,
): Pop3Message => ({
  uidl,
  data: Buffer.from(
    [
      `Return-Path: <${sender}>`,
      `To: Alice <${OWNER}>`,
      'Date: Thu, 26 Nov 2026 07:00:00 +0000',
      `Message-ID: <${uidl}@partner.example>`,
      ...lines,
      '',
      body,
    ].join('\r\n'),
    'latin1',
  ),
});

const MESSAGES: Pop3Message[] = [
  // The case, plus a display name and an X- field hiding lines too. (A bare LF arrives
  // as CRLF from POP3 servers, Dovecot and the sandbox alike: header-line-guard's unit test has it.)
  hostile(
    'bare-cr',
    'carol@partner.example',
    [
      'From: "Carol\rX-Injected: from-name" <carol@partner.example>',
      'Subject: raw cr\rBcc: victim@evil.example',
      'X-Note: a\rX-Injected: note',
      'X-Nul: a\0X-Injected: nul',
    ],
    'Hello.\r\n',
  ),
  // Encoded words that decode to CR LF, and an attachment whose name and type hide lines.
  hostile(
    'encoded',
    'dave@partner.example',
    [
      'From: =?utf-8?q?Dave=0D=0AX-Injected:_name?= <dave@partner.example>',
      'Subject: =?utf-8?q?hi=0D=0ABcc:_victim@evil.example?=',
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="b"',
    ],
    [
      '--b',
      'Content-Type: text/plain',
      '',
      'Hello.',
      '--b',
      'Content-Type: application/x-evil\rX-Injected: part-type',
      'Content-Disposition: attachment; filename="a\rX-Injected: part-name.txt"',
      '',
      'data',
      '--b--',
      '',
    ].join('\r\n'),
  ),
];

/** Header-looking lines the receiver would read, however it splits lines. */
const injectedLines = (raw: Buffer): string[] =>
  raw
    .toString('latin1')
    .split(/\r\n|\r|\n/)
    .filter((line) => /^(bcc|x-injected)\s*:/i.test(line));

const headerBlock = (raw: Buffer): string => {
  const text = raw.toString('latin1');
  return text.slice(0, text.indexOf('\r\n\r\n') + 2);
};

describe('line breaks hidden in an original header never become header lines', () => {
  const engine = useEngine();

  it('holds for attachment, inline and redirect forwards and the vacation reply', async () => {
    // Prepare
    const mailbox = await engine({ mailbox: MESSAGES, smtp: true });

    // Act
    const summary = await mailbox.run({ rules, vacation });

    // Assess: every send went out (4 per message), none carries an injected line
    expect(summary).toMatchObject({ forwarded: 6, replied: 2, failed: 0 });
    const sent = mailbox.smtp?.messages ?? [];
    expect(sent.map((mail) => mail.to.join()).sort()).toEqual([
      'attached@fwd.example',
      'attached@fwd.example',
      'carol@partner.example',
      'dave@partner.example',
      'inline@fwd.example',
      'inline@fwd.example',
      'redirected@fwd.example',
      'redirected@fwd.example',
    ]);
    for (const mail of sent) {
      expect({ to: mail.to, injected: injectedLines(mail.raw) }).toEqual({
        to: mail.to,
        injected: [],
      });
    }
  });

  it('folds the hidden line into the field it belongs to when redirecting', async () => {
    // Prepare
    const mailbox = await engine({ mailbox: MESSAGES.slice(0, 1), smtp: true });

    // Act
    await mailbox.run({ rules });

    // Assess: the redirect keeps the fields, each on its own single line
    const redirect = mailbox.smtp?.messages.find((mail) => mail.to[0] === 'redirected@fwd.example');
    const header = headerBlock(redirect?.raw ?? Buffer.alloc(0));
    expect(header).toContain('\r\nSubject: raw cr Bcc: victim@evil.example\r\n');
    expect(header).toContain('\r\nX-Note: a X-Injected: note\r\n');
    expect(header).toContain('\r\nX-Nul: a X-Injected: nul\r\n');
    expect(header).toMatch(/^Resent-Date: /);
  });
});
