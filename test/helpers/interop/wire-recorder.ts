/**
 * A loopback TCP relay between popfwd and a server that keeps every byte of each session, both
 * ways: what RETR delivered to popfwd can then be compared with what popfwd archived, whatever the
 * server serves to other sessions.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';
import type { ServerAddress } from './pop3-reader.js';

export interface RecordedSession {
  /** Client → server. */
  readonly sent: Buffer;
  /** Server → client. */
  readonly received: Buffer;
}

export interface WireRecorder extends ServerAddress {
  /** Sessions that have ended, in the order they began. */
  sessions(): RecordedSession[];
  close(): Promise<void>;
}

interface LiveSession {
  readonly sent: Buffer[];
  readonly received: Buffer[];
}

export const startWireRecorder = async (upstream: ServerAddress): Promise<WireRecorder> => {
  const live: LiveSession[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const session: LiveSession = { sent: [], received: [] };
    live.push(session);
    const backend = connect(upstream);
    for (const socket of [client, backend]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => {
        client.destroy();
        backend.destroy();
      });
    }
    client.on('data', (chunk: Buffer) => session.sent.push(chunk));
    backend.on('data', (chunk: Buffer) => session.received.push(chunk));
    client.pipe(backend);
    backend.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port: 0 }, resolve));
  const address = server.address();
  if (!address || typeof address !== 'object') throw new Error('wire recorder has no port');
  return {
    host: '127.0.0.1',
    port: address.port,
    sessions: () =>
      live.map(({ sent, received }) => ({
        sent: Buffer.concat(sent),
        received: Buffer.concat(received),
      })),
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
};
