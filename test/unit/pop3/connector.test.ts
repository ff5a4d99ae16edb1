import { afterEach, describe, expect, it } from 'vitest';
import { type Pop3Server, startPop3Server } from '../../../lambda/cli/sandbox/pop3-server.js';
import type { MailboxConfig } from '../../../lambda/config/config-schema.js';
import { hasCode } from '../../../lambda/errors.js';
import { silentLog } from '../../../lambda/log.js';
import { pop3Connector } from '../../../lambda/pop3/connector.js';
import { Redactor } from '../../../lambda/redact/redactor.js';
import { fixedClock } from '../../helpers/fixed-clock.js';
import { TLS_PATHS, testTls } from '../../helpers/tls-fixtures.js';

const USER = 'alice@example.test';
const PASSWORD = 'pop3-secret';

const mailbox = (server: Pop3Server, caFile: string): Pick<MailboxConfig, 'pop3' | 'caFile'> => ({
  pop3: { host: 'localhost', port: server.port, security: 'tls', pipelining: 'auto' },
  caFile,
});

const terms = () => ({
  deadline: Date.now() + 30_000,
  log: silentLog,
  clock: fixedClock(Date.now()),
  redactor: new Redactor(),
});

describe('pop3Connector', () => {
  let server: Pop3Server | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('opens a session with the mailbox server, its TLS and its extra CA, on the run’s terms', async () => {
    // Prepare
    server = await startPop3Server({
      tls: testTls(),
      users: [{ user: USER, password: PASSWORD }],
      mailbox: [],
    });
    const connect = pop3Connector(mailbox(server, TLS_PATHS.ca));

    // Act
    const session = await connect(terms());
    const stat = await session.login({ kind: 'password', user: USER, password: PASSWORD });
    await session.quit();

    // Assess
    expect(stat.count).toBe(0);
    expect(server.connections).toBe(1);
  });

  it('fails as a config error naming mailbox.caFile, before any connection, when the CA cannot be read', async () => {
    // Prepare
    server = await startPop3Server({ tls: testTls(), users: [], mailbox: [] });
    const connect = pop3Connector(mailbox(server, '/nonexistent/ca.pem'));

    // Act
    const error = await connect(terms()).catch((caught: unknown) => caught);

    // Assess
    expect(hasCode(error, 'ECONFIG')).toBe(true);
    expect((error as Error).message).toContain('mailbox.caFile');
    expect(server.connections).toBe(0);
  });
});
