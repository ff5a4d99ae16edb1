import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { parseHeaderBlock } from '../../../lambda/mail/parse-headers.js';
import { runCli } from '../../helpers/cli/cli.js';
import { corpusMessages } from '../../helpers/mail/corpus.js';
import { expectSameBytes, layout, sha256, T0, useEngine } from './engine-fixture.js';

/** Twenty realistic messages (8-bit text, multipart, attachments, dot-stuffed lines). */
const corpus = () =>
  corpusMessages(20, { seed: 3 }).map((message, index) => ({
    uidl: `corpus-${String(index + 1).padStart(3, '0')}`,
    data: message.data,
  }));

describe('a first run', () => {
  const engine = useEngine();

  it('archives every message byte-exact with its metadata, and a second run fetches nothing', async () => {
    // Prepare
    const messages = corpus();
    const mailbox = await engine({ mailbox: messages });

    // Act
    const first = await mailbox.run();
    const second = await mailbox.run();

    // Assess
    expect(first).toMatchObject({
      fetched: 20,
      archived: 20,
      alreadyArchived: 0,
      deleted: 0,
      failed: 0,
      remaining: 0,
      stoppedBy: null,
      busy: null,
    });
    for (const message of messages) {
      const id = layout.idFor(message.uidl);
      expectSameBytes(await mailbox.raw(layout.rawKey(id)), message.data);
      const record = await mailbox.record(message.uidl);
      const headers = parseHeaderBlock(message.data);
      expect(record?.meta).toMatchObject({
        uidl: message.uidl,
        key: layout.rawKey(id),
        size: message.data.length,
        sha256: sha256(message.data),
        archivedAt: new Date(T0).toISOString(),
        subject: headers.subject,
        date: headers.date,
        from: headers.from,
      });
      expect(record?.rules.status).toBe('evaluated');
    }
    expect(Object.keys(await mailbox.seen()).sort()).toEqual(messages.map((m) => m.uidl).sort());
    expect((await mailbox.state())?.lease).toBeNull();

    expect(second).toMatchObject({ fetched: 0, archived: 0, alreadyArchived: 0, deleted: 0 });
    expect(mailbox.retrs()).toHaveLength(20);
    expect(mailbox.server.commands(2)).not.toContainEqual(expect.stringMatching(/^(RETR|DELE)/));
    expect(mailbox.server.mailbox.messages).toHaveLength(20);
  });

  it('`archive list --json` prints one line per message as README defines it', async () => {
    // Prepare
    const messages = corpus();
    const mailbox = await engine({ mailbox: messages });
    await mailbox.run();
    const configFile = join(mailbox.dir, 'popfwd.yaml');
    await writeFile(configFile, stringify(mailbox.document()));

    // Act
    const result = await runCli(['archive', 'list', '--config', configFile, '--json'], mailbox.dir);

    // Assess
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const lines = result.stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.map((line) => line.uidl)).toEqual(messages.map((m) => m.uidl));
    for (const [index, message] of messages.entries()) {
      const headers = parseHeaderBlock(message.data);
      expect(lines[index]).toMatchObject({
        uidl: message.uidl,
        key: layout.rawKey(layout.idFor(message.uidl)),
        size: message.data.length,
        sha256: sha256(message.data),
        from: headers.from[0]?.address,
        subject: headers.subject,
        date: headers.date,
      });
      expect(lines[index]?.from).toMatch(/@/);
    }
  });
});
