/**
 * The sandbox mailbox: twenty realistic, deterministic messages for alice@example.test, covering
 * what rules and the archive meet in real mail (HTML, attachments, charsets, lists, bulk,
 * auto-replies, bounces, dot-stuffing, threads). Only example.* domains.
 */
import {
  base64Lines,
  encodedWord,
  type HeaderList,
  multipartBody,
  part,
  rfc822,
  TINY_PNG,
  tinyPdf,
} from './sample-mail-builder.js';

export const SAMPLE_OWNER = 'alice@example.test';
/** The sender a forward-rule demo matches (`from: "*@boss.example.com"`). */
export const SAMPLE_BOSS = 'dana@boss.example.com';

export interface SampleMessage {
  /** Stable UIDL for the sandbox server, e.g. `sample-04-invoice-pdf`. */
  readonly uidl: string;
  /** What the message shows, for docs and test names. */
  readonly scenario: string;
  readonly data: Buffer;
}

const ALICE = `Alice Example <${SAMPLE_OWNER}>`;

/** Message `id` was sent on 2026-11-(id) at 09:(id) UTC, in RFC 5322 form. */
const dateOf = (id: number): string =>
  new Date(Date.UTC(2026, 10, id, 9, id)).toUTCString().replace('GMT', '+0000');

const base = (
  id: number,
  from: string,
  subject: string,
  extra: HeaderList = [],
  to = ALICE,
): HeaderList => [
  ['Return-Path', `<${/<(.*)>/.exec(from)?.[1] ?? from}>`],
  ['Received', `from mx.example.net by mx.example.test; ${dateOf(id)}`],
  ['From', from],
  ['To', to],
  ['Subject', subject],
  ['Date', dateOf(id)],
  ['Message-ID', `<sample-${id}@example.net>`],
  ['MIME-Version', '1.0'],
  ...extra,
];

const textPlain = (charset = 'utf-8', encoding = '7bit'): HeaderList => [
  ['Content-Type', `text/plain; charset=${charset}`],
  ['Content-Transfer-Encoding', encoding],
];

const messages: readonly (readonly [string, string, () => Buffer])[] = [
  [
    'plain-text',
    'a short plain-text note from a colleague',
    () =>
      rfc822(
        base(1, 'Bob Builder <bob@example.org>', 'Lunch on Thursday?', textPlain()),
        'Hi Alice,\n\nAre you free for lunch on Thursday? The new place on Main Street.\n\nBob',
      ),
  ],
  [
    'html-receipt',
    'an HTML-only order receipt',
    () =>
      rfc822(
        base(2, 'Example Shop <orders@shop.example.net>', 'Your order #10042 has shipped', [
          ['Content-Type', 'text/html; charset=utf-8'],
          ['Content-Transfer-Encoding', 'quoted-printable'],
        ]),
        '<html><body><h1>Thanks for your order</h1><p>Order #10042 (2 items, =E2=82=AC 39.90) has=\n shipped.</p></body></html>',
      ),
  ],
  [
    'alternative',
    'multipart/alternative with text and HTML',
    () =>
      rfc822(
        base(3, 'Carol Chen <carol@example.net>', 'Project Falcon: weekly update', [
          ['Content-Type', 'multipart/alternative; boundary="alt-3"'],
        ]),
        multipartBody('alt-3', [
          part(textPlain(), 'Status: green.\nMilestone 2 is done; the demo is on Monday.'),
          part(
            [['Content-Type', 'text/html; charset=utf-8']],
            '<p>Status: <b style="color:green">green</b>.</p><p>Milestone 2 is done; the demo is on Monday.</p>',
          ),
        ]),
      ),
  ],
  [
    'invoice-pdf',
    'a small PDF invoice attached',
    () =>
      rfc822(
        base(4, 'Accounts <accounts@example.com>', 'Invoice INV-2026-118', [
          ['Content-Type', 'multipart/mixed; boundary="mix-4"'],
        ]),
        multipartBody('mix-4', [
          part(textPlain(), 'Please find invoice INV-2026-118 attached. Due in 30 days.'),
          part(
            [
              ['Content-Type', 'application/pdf; name="INV-2026-118.pdf"'],
              ['Content-Disposition', 'attachment; filename="INV-2026-118.pdf"'],
              ['Content-Transfer-Encoding', 'base64'],
            ],
            base64Lines(tinyPdf('Invoice INV-2026-118: EUR 120.00')),
          ),
        ]),
      ),
  ],
  [
    'utf8-8bit',
    'UTF-8 text sent as 8bit, non-ASCII display name',
    () =>
      rfc822(
        base(
          5,
          `${encodedWord('Zoë Müller')} <zoe@example.org>`,
          'Grüße aus Köln',
          textPlain('utf-8', '8bit'),
        ),
        'Hallo Alice,\n\nviele Grüße aus Köln — das Wetter ist schön ✓ ☀️\n\nZoë',
      ),
  ],
  [
    'latin1',
    'an ISO-8859-1 message with 8-bit bytes',
    () =>
      rfc822(
        base(
          6,
          'Francois <francois@example.net>',
          '=?ISO-8859-1?Q?Caf=E9_=E0_Paris?=',
          textPlain('iso-8859-1', '8bit'),
        ),
        Buffer.from(
          'Bonjour Alice,\r\n\r\nUn café à Paris la semaine prochaine ? Ça me ferait plaisir.\r\n\r\nFrançois\r\n',
          'latin1',
        ),
      ),
  ],
  [
    'rfc2047-subject',
    'RFC 2047 encoded subject and display name',
    () =>
      rfc822(
        base(
          7,
          `=?UTF-8?Q?Ren=C3=A9e_Dupont?= <renee@example.org>`,
          `${encodedWord('Réunion: budget 2027 ✔')} ${encodedWord('(à confirmer)')}`,
          textPlain(),
        ),
        'Can we move the budget meeting to Tuesday?\n\nRenee',
      ),
  ],
  [
    'mailing-list',
    'a mailing-list post (List-Id)',
    () =>
      rfc822(
        base(
          8,
          'Greg <greg@example.org>',
          '[dev] Release 4.2 branch is frozen',
          [
            ['List-Id', 'Developers <dev.lists.example.com>'],
            ['List-Post', '<mailto:dev@lists.example.com>'],
            ['List-Unsubscribe', '<mailto:dev-unsubscribe@lists.example.com>'],
            ['Precedence', 'list'],
            ['Sender', 'dev-bounces@lists.example.com'],
            ...textPlain(),
          ],
          'Developers <dev@lists.example.com>',
        ),
        'The 4.2 branch is frozen. Only fixes for release blockers from now on.\n\n--\ndev mailing list',
      ),
  ],
  [
    'newsletter-bulk',
    'a newsletter with Precedence: bulk',
    () =>
      rfc822(
        base(9, 'Example Weekly <news@news.example.com>', 'This week: 5 tips for a tidy inbox', [
          ['Precedence', 'bulk'],
          ['List-Unsubscribe', '<https://news.example.com/unsubscribe?u=alice>'],
          ['List-Unsubscribe-Post', 'List-Unsubscribe=One-Click'],
          ['Content-Type', 'multipart/alternative; boundary="alt-9"'],
        ]),
        multipartBody('alt-9', [
          part(textPlain(), '1. Unsubscribe from what you never read.\n2. Use rules.\n...'),
          part(
            [['Content-Type', 'text/html; charset=utf-8']],
            '<h2>5 tips</h2><ol><li>Unsubscribe</li><li>Use rules</li></ol>',
          ),
        ]),
      ),
  ],
  [
    'auto-reply',
    'an out-of-office reply (Auto-Submitted)',
    () =>
      rfc822(
        base(10, 'Henry <henry@example.net>', 'Automatic reply: Lunch on Thursday?', [
          ['Auto-Submitted', 'auto-replied'],
          ['X-Auto-Response-Suppress', 'All'],
          ['In-Reply-To', '<alice-1@example.test>'],
          ...textPlain(),
        ]),
        'I am out of the office until December 1 with limited access to email.',
      ),
  ],
  [
    'noreply',
    'a no-reply notification',
    () =>
      rfc822(
        base(11, 'Example Accounts <noreply@accounts.example.com>', 'Your sign-in code is 482913', [
          ['Auto-Submitted', 'auto-generated'],
          ...textPlain(),
        ]),
        'Your code is 482913. It expires in 10 minutes. Do not reply to this message.',
      ),
  ],
  [
    'bounce',
    'a MAILER-DAEMON delivery failure (multipart/report)',
    () =>
      rfc822(
        base(
          12,
          'Mail Delivery System <MAILER-DAEMON@mx.example.net>',
          'Undelivered Mail Returned to Sender',
          [
            ['Auto-Submitted', 'auto-replied'],
            ['Content-Type', 'multipart/report; report-type=delivery-status; boundary="rep-12"'],
          ],
        ),
        multipartBody(
          'rep-12',
          [
            part(
              textPlain(),
              'I could not deliver your message to <nobody@example.org>: user unknown.',
            ),
            part(
              [['Content-Type', 'message/delivery-status']],
              'Reporting-MTA: dns; mx.example.net\n\nFinal-Recipient: rfc822; nobody@example.org\nAction: failed\nStatus: 5.1.1\nDiagnostic-Code: smtp; 550 5.1.1 User unknown',
            ),
            part(
              [['Content-Type', 'text/rfc822-headers']],
              'From: Alice Example <alice@example.test>\nTo: nobody@example.org\nSubject: Hello\nMessage-ID: <alice-2@example.test>\n',
            ),
          ],
          'This is a MIME-encapsulated message.',
        ),
      ),
  ],
  [
    'dot-lines',
    'lines starting with "." and a lone "." line (dot-stuffing)',
    () =>
      rfc822(
        base(13, 'Ivan <ivan@example.org>', 'Config snippet', textPlain()),
        'Here is the file:\n.env\n..hidden\n.\n. a dot and a space\nend of snippet\n.',
      ),
  ],
  [
    'boss',
    'from the boss: the forward-rule demo matches this sender',
    () =>
      rfc822(
        base(14, `Dana Boss <${SAMPLE_BOSS}>`, 'Urgent: board meeting moved to 8:00', [
          ['Importance', 'high'],
          ['X-Priority', '1'],
          ...textPlain(),
        ]),
        'Alice,\n\nThe board meeting moves to 8:00 tomorrow. Please bring the Q4 numbers.\n\nDana',
      ),
  ],
  [
    'thread-start',
    'first message of a thread',
    () =>
      rfc822(
        base(15, 'Erin <erin@example.com>', 'Offsite venue', textPlain()),
        'Two options for the offsite: the lake house or the city hotel. Preferences?',
      ),
  ],
  [
    'thread-reply',
    'a reply in that thread (In-Reply-To, References)',
    () =>
      rfc822(
        base(
          16,
          'Frank <frank@example.com>',
          'Re: Offsite venue',
          [
            ['In-Reply-To', '<alice-3@example.test>'],
            ['References', '<sample-15@example.net> <alice-3@example.test>'],
            ...textPlain(),
          ],
          `Erin <erin@example.com>, ${ALICE}`,
        ),
        'Lake house, definitely.\n\n> Alice wrote:\n> I vote for the lake house too.\n>> Erin wrote:\n>> Two options for the offsite',
      ),
  ],
  [
    'cc-only',
    'Alice only in Cc',
    () =>
      rfc822(
        [
          ...base(
            17,
            'Grace <grace@example.org>',
            'Slides for Friday',
            textPlain(),
            'Team <team@example.org>',
          ),
          ['Cc', ALICE],
        ],
        'Slides are in the shared folder. Alice, can you check page 3?',
      ),
  ],
  [
    'bcc',
    'Alice not in To or Cc (Bcc or alias)',
    () =>
      rfc822(
        base(
          18,
          'Heidi <heidi@example.net>',
          'Party planning (secret!)',
          textPlain(),
          'Ivan <ivan@example.org>',
        ),
        'Bcc to Alice: surprise party for Ivan on the 12th.',
      ),
  ],
  [
    'quoted-printable',
    'long lines in quoted-printable',
    () =>
      rfc822(
        base(
          19,
          'Judy <judy@example.com>',
          'Meeting notes',
          textPlain('utf-8', 'quoted-printable'),
        ),
        'Notes: we agreed to ship the release on the 3rd, move the retro to the 5th, and hire two more engine=\ners for the platform team; budget is approved =E2=80=94 details follow.',
      ),
  ],
  [
    'inline-image',
    'HTML with an inline image (multipart/related)',
    () =>
      rfc822(
        base(20, 'Ken <ken@example.org>', 'Our new logo', [
          ['Content-Type', 'multipart/related; boundary="rel-20"; type="text/html"'],
        ]),
        multipartBody('rel-20', [
          part(
            [['Content-Type', 'text/html; charset=utf-8']],
            '<p>What do you think?</p><img src="cid:logo@example.org">',
          ),
          part(
            [
              ['Content-Type', 'image/png'],
              ['Content-ID', '<logo@example.org>'],
              ['Content-Disposition', 'inline; filename="logo.png"'],
              ['Content-Transfer-Encoding', 'base64'],
            ],
            base64Lines(TINY_PNG),
          ),
        ]),
      ),
  ],
];

/** The twenty sample messages, in mailbox order; fresh Buffers on every call. */
export const sampleMail = (): SampleMessage[] =>
  messages.map(([name, scenario, build], index) => ({
    uidl: `sample-${String(index + 1).padStart(2, '0')}-${name}`,
    scenario,
    data: build(),
  }));
