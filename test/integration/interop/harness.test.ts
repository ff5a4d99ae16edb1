import { describe, expect, it } from 'vitest';
import { startPop3Server } from '../../../lambda/cli/sandbox/pop3-server.js';
import { interopCorpus, recognize } from '../../helpers/interop/corpus.js';
import { describeDifference } from '../../helpers/interop/difference.js';
import { mbox, toStored } from '../../helpers/interop/mailbox-files.js';
import { runMatrix } from '../../helpers/interop/matrix.js';
import { readSession } from '../../helpers/interop/transcript.js';
import type { InteropServer } from '../../helpers/interop/types.js';
import { fault } from '../../helpers/pop3/pop3-faults.js';

const LOGIN = { user: 'alice@example.test', password: 'harness-pw' };
/** The corpus without its 10 MB message: these tests are about the checks, not the size. */
const corpus = interopCorpus().filter((message) => message.name !== 'big-10mb');

/** The sandbox POP3 server as an interop server; `serveTo` may change a RETR reply per session. */
const sandboxServer = async (
  serveTo?: (session: number, reply: Buffer) => Buffer,
): Promise<InteropServer> => {
  const sandbox = await startPop3Server({
    users: [LOGIN],
    mailbox: corpus.map((message) => ({ uidl: message.name, data: message.data })),
    faults: {
      onCommand: (command) =>
        serveTo && command.name === 'RETR' && command.args[0] === '2'
          ? fault.rewrite((reply) => serveTo(command.session, reply))
          : undefined,
    },
  });
  return {
    host: sandbox.host,
    port: sandbox.port,
    login: LOGIN,
    storage: 'memory',
    log: async () => '',
    stop: () => sandbox.close(),
  };
};

/** Inserts a header line after the `+OK` status line of a RETR reply. */
const withHeader = (reply: Buffer, header: string): Buffer => {
  const end = reply.indexOf('\r\n') + 2;
  return Buffer.concat([reply.subarray(0, end), Buffer.from(`${header}\r\n`), reply.subarray(end)]);
};

describe('interop matrix checks', () => {
  it('counts every message of a server that serves the same bytes to every session', async () => {
    // Prepare
    const server = await sandboxServer();

    // Act
    const result = await runMatrix(server, corpus).finally(() => server.stop());

    // Assess
    expect(result.total).toBe(corpus.length);
    expect(result.keep).toMatchObject({ exact: corpus.length, exactToWire: corpus.length });
    expect(result.delete).toMatchObject({ exact: corpus.length, exactToWire: corpus.length });
    expect(result.deleteOk).toBe(true);
    expect(result.warning).toBeUndefined();
  });

  it('does not count a message the server served to popfwd alone, and flags its deletion', async () => {
    // Prepare: like Courier's substitutes, each session gets its own version of message 2
    const server = await sandboxServer((session, reply) =>
      withHeader(reply, `X-Session: ${session}`),
    );

    // Act
    const result = await runMatrix(server, corpus).finally(() => server.stop());

    // Assess: archived as delivered on the wire, but no other session saw those bytes
    const second = corpus[1]?.name;
    expect(result.keep).toMatchObject({ exact: corpus.length - 1, exactToWire: corpus.length });
    expect(result.delete).toMatchObject({ exact: corpus.length - 1, exactToWire: corpus.length });
    expect(result.warning).toContain(`\`${second}\``);
    expect(result.notes).toContainEqual(expect.stringContaining('a later session served'));
    expect(result.notes).toContainEqual(
      expect.stringMatching(new RegExp(`popfwd \\(keep\\) archived \`${second}\``)),
    );
  });
});

describe('interop session transcripts', () => {
  it('pairs pipelined replies with their commands and un-stuffs RETR bodies', () => {
    // Prepare
    const sent = Buffer.from(
      'USER a\r\nPASS secret-pw\r\nUIDL\r\nLIST\r\nRETR 2\r\nRETR 1\r\nQUIT\r\n',
    );
    const received = Buffer.from(
      '+OK hi\r\n+OK\r\n+OK\r\n+OK\r\n1 u-one\r\n2 u-two\r\n.\r\n+OK\r\n1 5\r\n2 6\r\n.\r\n' +
        '+OK\r\n..two\r\n.\r\n+OK\r\none\r\n...\r\n.\r\n+OK bye\r\n',
    );

    // Act
    const report = readSession({ sent, received });

    // Assess
    expect(report.retrieved.get('u-two')?.toString()).toBe('.two\r\n');
    expect(report.retrieved.get('u-one')?.toString()).toBe('one\r\n..\r\n');
    expect(report.commands).toContain('PASS ***');
    expect(report.commands.join(' ')).not.toContain('secret-pw');
    expect(report.quitOk).toBe(true);
  });

  it('masks SASL data and reads on after an AUTH exchange', () => {
    // Prepare
    const sent = Buffer.from('AUTH PLAIN\r\nAGEAc2VjcmV0\r\nUIDL 1\r\nDELE 1\r\nQUIT\r\n');
    const received = Buffer.from('+OK\r\n+ \r\n+OK in\r\n+OK 1 u-one\r\n+OK\r\n+OK\r\n');

    // Act
    const report = readSession({ sent, received });

    // Assess
    expect(report.commands).toEqual(['AUTH PLAIN', '(sasl data)', 'UIDL 1', 'DELE 1', 'QUIT']);
    expect(report.deleted).toEqual(['u-one']);
    expect(report.quitOk).toBe(true);
  });

  it('keeps deletions uncommitted when QUIT fails', () => {
    const report = readSession({
      sent: Buffer.from('UIDL 1\r\nDELE 1\r\nQUIT\r\n'),
      received: Buffer.from('+OK\r\n+OK 1 u\r\n+OK\r\n-ERR cannot\r\n'),
    });
    expect(report).toMatchObject({ deleted: ['u'], quitOk: false });
  });
});

describe('interop corpus and mailbox files', () => {
  it('quotes From lines in mbox and ends every message with a newline and a blank line', () => {
    const file = mbox([Buffer.from('Subject: a\r\n\r\nFrom me\r\n>From you\r\nlast')]).toString();
    expect(file).toBe(
      'From bob@example.org Thu Nov 26 10:00:00 2026\nSubject: a\n\n>From me\n>From you\nlast\n\n',
    );
  });

  it('stores CRLF as LF and keeps a bare CR', () => {
    expect(toStored(Buffer.from('a\r\nb\rc\r\n')).toString()).toBe('a\nb\rc\n');
  });

  it('recognizes a message inside a substitute by its Message-ID', () => {
    const original = corpus[1];
    if (!original) throw new Error('corpus too small');
    const substitute = Buffer.concat([
      Buffer.from('Subject: Cannot display Unicode content\r\n\r\n--b\r\n\r\n'),
      original.data,
    ]);
    expect(recognize(substitute, corpus)).toBe(original.name);
    expect(describeDifference(original.data, substitute)).toMatch(/^as a substitute/);
  });

  it('describes added headers and a changed body line', () => {
    const before = Buffer.from('From: a\r\nSubject: s\r\n\r\nFrom x\r\nend\r\n');
    const after = Buffer.from('From: a\r\nSubject: s\r\nStatus: RO\r\n\r\n>From x\r\nend\r\n');
    expect(describeDifference(before, after)).toBe(
      'adds Status; body line 1: `From x` → `>From x`',
    );
  });
});
