import { type AddressInfo, connect, createServer, type Socket } from 'node:net';

/**
 * A TCP relay on 127.0.0.1 (port 0) in front of a plaintext SMTP server that can drop a
 * connection in the middle of a transaction: once armed, the next connection is cut as soon as the
 * client starts sending message data after DATA. The server never sees the end of the message,
 * so it delivers nothing; the client sees the connection die without a reply.
 */
export interface CutProxy {
  readonly port: number;
  /** Connections cut so far. */
  readonly cuts: number;
  /** Cut the next transaction's DATA. */
  armDataCut(): void;
  close(): Promise<void>;
}

const DATA_COMMAND = /(^|\r\n)DATA\r\n/i;

export const startCutProxy = async (targetPort: number): Promise<CutProxy> => {
  const sockets = new Set<Socket>();
  let armed = false;
  let cuts = 0;

  const relay = (client: Socket) => {
    const upstream = connect({ host: '127.0.0.1', port: targetPort });
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => {});
    }
    let dataSent = false;
    client.on('data', (chunk: Buffer) => {
      if (armed && dataSent) {
        armed = false;
        cuts += 1;
        client.destroy();
        upstream.destroy();
        return;
      }
      if (DATA_COMMAND.test(chunk.toString('latin1'))) dataSent = true;
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => client.write(chunk));
    client.on('end', () => upstream.end());
    upstream.on('end', () => client.end());
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  };

  const server = createServer(relay);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    get cuts() {
      return cuts;
    },
    armDataCut: () => {
      armed = true;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
};
