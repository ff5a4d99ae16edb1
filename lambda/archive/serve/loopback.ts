import { BlockList, isIP } from 'node:net';
import { PopfwdError } from '../../errors.js';

/**
 * The viewer shows a whole mailbox to whoever can reach it, so it listens on this machine's
 * loopback interface only. A name such as `localhost` is refused too: what it resolves to is up to
 * /etc/hosts, and the check must hold for the address actually bound.
 */
const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

export const isLoopbackAddress = (address: string): boolean => {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  const bare = mapped ?? address;
  const family = isIP(bare);
  if (family === 0) return false;
  return LOOPBACK.check(bare, family === 4 ? 'ipv4' : 'ipv6');
};

/** Throws EUSAGE unless `host` is a loopback address literal (127.0.0.0/8 or ::1). */
export const assertLoopbackHost = (host: string): void => {
  if (isLoopbackAddress(host)) return;
  throw new PopfwdError(
    'EUSAGE',
    `archive serve listens on loopback only (127.0.0.1 or ::1), not "${host}": the archive would be readable from the network. To read it from another machine, forward the port over SSH (ssh -L 8025:127.0.0.1:8025 …).`,
    { context: { host } },
  );
};

/**
 * The Host header a browser sends to this server: its own address or `localhost`, with the port.
 * Anything else is a page on another name that resolves here (DNS rebinding) and is refused,
 * even though it could not know the token either.
 */
export const allowedHost = (header: string | undefined, host: string, port: number): boolean => {
  if (header === undefined) return false;
  const shown = host.includes(':') ? `[${host}]` : host;
  const wanted = [`${shown}:${port}`, `localhost:${port}`];
  return wanted.includes(header.toLowerCase());
};
