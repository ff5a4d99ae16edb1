/** Shared setup for the sandbox POP3 server tests: an account, a mailbox, cleanup after each test. */
import { afterEach } from 'vitest';
import {
  type Pop3Message,
  type Pop3Server,
  type Pop3ServerOptions,
  startPop3Server,
} from '../../../../lambda/cli/sandbox/pop3-server.js';
import { type RawClientOptions, RawPop3Client } from '../../../helpers/pop3/raw-pop3-client.js';

export const ALICE = {
  user: 'alice@example.test',
  password: 'correct horse battery',
  accessToken: 'ya29.alice-token',
} as const;

export const message = (uidl: string, text: string): Pop3Message => ({
  uidl,
  data: Buffer.from(text, 'latin1'),
});

/** Three small messages; the second has lines that need dot-stuffing. */
export const threeMessages = (): Pop3Message[] => [
  message('uid-1', 'Subject: one\r\n\r\nfirst\r\n'),
  message('uid-2', 'Subject: two\r\n\r\n.leading dot\r\n.\r\n..\r\nend\r\n'),
  message('uid-3', 'Subject: three\r\n\r\nthird\r\n'),
];

/** Starts servers and connects clients that are closed after each test. */
export const useSandbox = () => {
  const servers: Pop3Server[] = [];
  const clients: RawPop3Client[] = [];
  afterEach(async () => {
    for (const client of clients.splice(0)) client.destroy();
    await Promise.all(servers.splice(0).map((server) => server.close()));
  });
  return {
    async server(options: Pop3ServerOptions = {}): Promise<Pop3Server> {
      const server = await startPop3Server({
        users: [ALICE],
        mailbox: threeMessages(),
        ...options,
      });
      servers.push(server);
      return server;
    },
    async client(server: Pop3Server, options: RawClientOptions = {}): Promise<RawPop3Client> {
      const client = await RawPop3Client.connect(server, options);
      clients.push(client);
      return client;
    },
    /** Connects, reads the greeting, logs in with USER/PASS. */
    async loggedIn(server: Pop3Server, options: RawClientOptions = {}): Promise<RawPop3Client> {
      const client = await this.client(server, options);
      await client.line();
      await client.command(`USER ${ALICE.user}`);
      const status = await client.command(`PASS ${ALICE.password}`);
      if (!status.startsWith('+OK')) throw new Error(`login failed: ${status}`);
      return client;
    },
  };
};
