import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { isValidUidl } from '../../../../lambda/cli/sandbox/pop3-wire.js';
import {
  SAMPLE_BOSS,
  SAMPLE_OWNER,
  sampleMail,
} from '../../../../lambda/cli/sandbox/sample-mail.js';

const EXAMPLE_DOMAIN = /@(?:[a-z0-9-]+\.)*example\.(?:com|org|net|test)\b/i;

describe('sampleMail', () => {
  const messages = sampleMail();

  it('holds twenty messages with unique, valid UIDLs', () => {
    expect(messages).toHaveLength(20);
    expect(new Set(messages.map((m) => m.uidl)).size).toBe(20);
    expect(messages.every((m) => isValidUidl(m.uidl))).toBe(true);
  });

  it('is deterministic', () => {
    expect(
      sampleMail().every((m, index) => m.data.equals(messages[index]?.data ?? Buffer.alloc(0))),
    ).toBe(true);
  });

  it('uses CRLF line endings only and ends every message with CRLF', () => {
    for (const { uidl, data } of messages) {
      const text = data.toString('latin1');
      expect(text.replaceAll('\r\n', ''), uidl).not.toMatch(/[\r\n]/);
      expect(text.endsWith('\r\n'), uidl).toBe(true);
    }
  });

  it('uses example domains only', () => {
    const addresses = messages.flatMap(
      (m) => m.data.toString('latin1').match(/[\w.+-]+@[\w.-]+/g) ?? [],
    );

    expect(addresses.filter((address) => !EXAMPLE_DOMAIN.test(address))).toEqual([]);
  });

  it('parses with mailparser and is addressed to the mailbox owner or lists it', async () => {
    for (const { uidl, data } of messages) {
      const parsed = await simpleParser(data);
      expect(parsed.messageId, uidl).toMatch(/^<.+>$/);
      expect(parsed.date, uidl).toBeInstanceOf(Date);
      expect(parsed.from?.value.length, uidl).toBeGreaterThan(0);
    }
  });

  it('covers the scenarios the sandbox rules and docs rely on', async () => {
    const byName = (suffix: string) => {
      const found = messages.find((m) => m.uidl.endsWith(suffix));
      if (!found) throw new Error(`no sample ${suffix}`);
      return found.data.toString('latin1');
    };

    expect(byName('boss')).toContain(`<${SAMPLE_BOSS}>`);
    expect(byName('mailing-list')).toMatch(/^List-Id: /m);
    expect(byName('newsletter-bulk')).toMatch(/^Precedence: bulk$/m);
    expect(byName('auto-reply')).toMatch(/^Auto-Submitted: auto-replied$/m);
    expect(byName('noreply')).toMatch(/^From: .*noreply@/m);
    expect(byName('bounce')).toMatch(/MAILER-DAEMON@.*\r\n[\s\S]*multipart\/report/);
    expect(byName('dot-lines')).toMatch(/\r\n\.\r\n/);
    expect(byName('thread-reply')).toMatch(/^In-Reply-To: .*\r\nReferences: /m);
    expect(byName('latin1')).toContain('caf\xe9');
    expect(byName('rfc2047-subject')).toMatch(/^Subject: =\?UTF-8\?B\?/m);
    expect(byName('cc-only')).toContain(`Cc: Alice Example <${SAMPLE_OWNER}>`);
    const invoice = await simpleParser(Buffer.from(byName('invoice-pdf'), 'latin1'));
    expect(invoice.attachments[0]?.content.subarray(0, 5).toString()).toBe('%PDF-');
  });
});
