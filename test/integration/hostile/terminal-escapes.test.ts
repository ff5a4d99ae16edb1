import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import type { Pop3CommandInfo } from '../../../lambda/cli/sandbox/pop3-server.js';
import { runCli } from '../../helpers/cli/cli.js';
import { fault } from '../../helpers/pop3/pop3-faults.js';
import { type Engine, mails, PASSWORD, useEngine } from '../engine/engine-fixture.js';

/**
 * Issue 11, item 15. A server's text reaches the terminal through errors and log lines: escape
 * sequences in it could retitle the terminal, recolour or clear it, ring the bell, or reorder
 * text with bidi overrides. Every such character must arrive escaped, wherever it is shown or
 * stored.
 */

/** OSC retitle + BEL, a colour, clear screen, 8-bit CSI (C1), a right-to-left override. */
const PAYLOAD = '\x1b]0;PWNED\x07\x1b[31m\x1b[2J\u009b6n\u202Egnp.exe';
/** C0 but newline and tab, DEL, C1, bidi embeddings/overrides/isolates. */
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

const env = { POPFWD_PASSWORD: PASSWORD };

const configFile = async (mailbox: Engine): Promise<string> => {
  const file = join(mailbox.dir, 'popfwd.yaml');
  await writeFile(file, stringify(mailbox.document({ retention: 'delete' })));
  return file;
};

/** Every JSON document the run stored (state, index, records), as text. */
const storedDocuments = async (dir: string): Promise<string> => {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const texts = await Promise.all(
    entries
      .filter((entry) => entry.isFile() && entry.name.endsWith('.json'))
      .map((entry) => readFile(join(entry.parentPath, entry.name), 'utf8')),
  );
  return texts.join('\n');
};

const expectPrintable = (where: string, text: string): void => {
  const found = UNSAFE.exec(text);
  expect(
    found &&
      `${where}: U+${found[0].charCodeAt(0).toString(16)} near ${JSON.stringify(text.slice(Math.max(0, found.index - 40), found.index + 40))}`,
  ).toBeNull();
};

describe('server text on a terminal', () => {
  const engine = useEngine();

  it('escapes what a hostile server puts in its greeting, CAPA, -ERR to RETR, UIDL lines and QUIT', async () => {
    // Prepare: the greeting, one CAPA line, a refused RETR, a bad UIDL line (with a raw 0x9b
    // byte), a LIST line and the QUIT reply all carry escape sequences
    const payload = Buffer.from(PAYLOAD, 'utf8');
    const onCommand = (command: Pop3CommandInfo) => {
      if (command.name === 'RETR' && command.args[0] === '2')
        return fault.reply(Buffer.concat([Buffer.from('-ERR no '), payload, Buffer.from('\r\n')]));
      if (command.name === 'UIDL')
        return fault.rewrite((reply) =>
          Buffer.concat([
            reply.subarray(0, -3),
            Buffer.from('4 evil\x1b[2J\x9b31m\x07\r\n.\r\n', 'latin1'),
          ]),
        );
      if (command.name === 'LIST')
        return fault.rewrite((reply) =>
          Buffer.concat([reply.subarray(0, -3), Buffer.from(`5 \x1b[5m\r\n.\r\n`)]),
        );
      if (command.name === 'CAPA')
        return fault.rewrite((reply) =>
          Buffer.concat([reply.subarray(0, -3), Buffer.from('X-HOSTILE \x1b]0;T\x07\r\n.\r\n')]),
        );
      if (command.name === 'QUIT') return fault.reply(`-ERR bye ${PAYLOAD}`, { close: true });
      return undefined;
    };
    const mailbox = await engine({
      mailbox: mails(3),
      faults: { greeting: fault.reply(`+OK hello ${PAYLOAD}`), onCommand },
    });
    const file = await configFile(mailbox);

    // Act: --verbose shows the greeting and CAPA lines; --json the alerts
    const verbose = await runCli(['run', '--config', file, '--verbose'], mailbox.dir, { env });
    const json = await runCli(['run', '--config', file, '--json'], mailbox.dir, { env });

    // Assess: the run went on past the refused message, and every text stayed printable
    expect(verbose.code).toBe(0);
    // (a log field's value is JSON-quoted, which doubles the backslash of an escape)
    const shown = (text: string) =>
      new RegExp(
        text
          .split('\\')
          .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
          .join('\\\\+'),
      );
    expect(verbose.stderr).toMatch(
      shown('no \\x1b]0;PWNED\\x07\\x1b[31m\\x1b[2J\\x9b6n\\u202egnp.exe'),
    );
    expect(verbose.stderr).toMatch(shown('hello \\x1b]0;PWNED'));
    expect(verbose.stderr).toMatch(shown('X-HOSTILE \\x1b]0;T\\x07'));
    expect(verbose.stderr).toMatch(shown('4 evil\\x1b[2J\\x9b31m\\x07'));
    expect(verbose.stderr).toMatch(shown('bye \\x1b]0;PWNED'));
    expect(JSON.parse(json.stdout).alerts).toEqual([
      expect.objectContaining({
        code: 'EPROTOCOL',
        message: expect.stringContaining('line 4 (message 4)'),
      }),
    ]);
    for (const [where, text] of Object.entries({
      'stderr (verbose)': verbose.stderr,
      'stdout (verbose)': verbose.stdout,
      'stderr (json)': json.stderr,
      'stdout (json)': json.stdout,
      'stored documents': await storedDocuments(mailbox.dir),
    })) {
      expectPrintable(where, text);
    }
  });

  it('escapes an unparseable STAT reply in the error that ends the run', async () => {
    // Prepare
    const onCommand = (command: Pop3CommandInfo) =>
      command.name === 'STAT' ? fault.reply(`+OK ${PAYLOAD}`) : undefined;
    const mailbox = await engine({ mailbox: mails(1), faults: { onCommand } });
    const file = await configFile(mailbox);

    // Act
    const result = await runCli(['run', '--config', file], mailbox.dir, { env });

    // Assess
    expect(result.code).toBe(4);
    expect(result.stderr).toContain('unparseable STAT reply "\\x1b]0;PWNED\\x07');
    expectPrintable('stderr', result.stderr);
  });

  it('escapes a -ERR to the login in the error that ends the run', async () => {
    // Prepare
    const onCommand = (command: Pop3CommandInfo) =>
      command.name === 'AUTH' ? fault.reply(`-ERR [AUTH] denied ${PAYLOAD}`) : undefined;
    const mailbox = await engine({ mailbox: mails(1), faults: { onCommand } });
    const file = await configFile(mailbox);

    // Act
    const result = await runCli(['run', '--config', file, '--verbose'], mailbox.dir, { env });

    // Assess
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('denied \\x1b]0;PWNED\\x07');
    expectPrintable('stderr', result.stderr);
  });
});
