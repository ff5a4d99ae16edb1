/**
 * A TCP proxy that holds every chunk for `delayMs` in each direction, so a round trip through it
 * costs 2 × delayMs more than loopback (a server far away), with no bandwidth limit. Order is
 * kept; TLS passes through untouched. Buffering is bounded: a direction holding more than
 * HIGH_WATER bytes stops reading until it drains.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';

const HIGH_WATER = 16 * 1024 * 1024;
const LOW_WATER = 4 * 1024 * 1024;

export interface LatencyProxyOptions {
  readonly targetHost: string;
  readonly targetPort: number;
  /** One-way delay; the added round-trip time is twice this. */
  readonly delayMs: number;
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** @default 0 (ephemeral) */
  readonly port?: number;
}

export interface LatencyProxy {
  readonly port: number;
  close(): Promise<void>;
}

type Held = { readonly due: number; readonly chunk: Buffer | null };

/** Moves `from`'s bytes to `to`, each chunk `delayMs` after it arrived. */
const delayLine = (from: Socket, to: Socket, delayMs: number): void => {
  const queue: Held[] = [];
  let held = 0;
  let timer: NodeJS.Timeout | null = null;
  let waitingForDrain = false;

  const release = (): void => {
    timer = null;
    while (queue.length > 0 && !waitingForDrain) {
      const head = queue[0] as Held;
      const wait = head.due - performance.now();
      if (wait > 0) {
        timer = setTimeout(release, wait);
        return;
      }
      queue.shift();
      if (head.chunk === null) {
        to.end();
        return;
      }
      held -= head.chunk.length;
      if (held < LOW_WATER && from.isPaused()) from.resume();
      if (!to.write(head.chunk)) {
        waitingForDrain = true;
        to.once('drain', () => {
          waitingForDrain = false;
          release();
        });
      }
    }
  };

  const hold = (chunk: Buffer | null): void => {
    queue.push({ due: performance.now() + delayMs, chunk });
    if (chunk) {
      held += chunk.length;
      if (held > HIGH_WATER) from.pause();
    }
    if (timer === null && !waitingForDrain) timer = setTimeout(release, delayMs);
  };

  from.on('data', (chunk: Buffer) => hold(chunk));
  from.on('end', () => hold(null));
};

export const startLatencyProxy = async (options: LatencyProxyOptions): Promise<LatencyProxy> => {
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  };
  const server: Server = createServer({ allowHalfOpen: true }, (client) => {
    const upstream = connect({
      host: options.targetHost,
      port: options.targetPort,
      allowHalfOpen: true,
    });
    track(client);
    track(upstream);
    for (const socket of [client, upstream]) {
      socket.setNoDelay(true);
      socket.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
      socket.on('close', () => {
        // A reset on one side resets the other; an orderly end travels through the delay line.
        if (socket.errored) (socket === client ? upstream : client).destroy();
      });
    }
    delayLine(client, upstream, options.delayMs);
    delayLine(upstream, client, options.delayMs);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: options.host ?? '127.0.0.1', port: options.port ?? 0 }, resolve);
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('proxy has no port');
  return {
    port: address.port,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
};
