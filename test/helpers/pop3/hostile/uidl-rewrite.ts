import type { Pop3CommandHook } from '../../../../lambda/cli/sandbox/pop3-server.js';
import { fault } from '../pop3-faults.js';

/**
 * A server that breaks RFC 1939's UIDL rules: `rename` replaces every UIDL the sandbox server
 * lists (in `UIDL` and `UIDL n` replies), e.g. one UIDL for two messages, or a new UIDL for each
 * message in every session. Everything else (RETR, DELE by number) stays correct.
 */
export const rewriteUidls =
  (rename: (uidl: string, n: number, session: number) => string): Pop3CommandHook =>
  (command) => {
    if (command.name !== 'UIDL') return undefined;
    const swap = (n: string, uidl: string) => `${n} ${rename(uidl, Number(n), command.session)}`;
    return fault.rewrite((reply) =>
      Buffer.from(
        reply
          .toString('latin1')
          .replace(
            /^(\+OK )(\d+) (\S+)/,
            (_, ok: string, n: string, uidl: string) => ok + swap(n, uidl),
          )
          .replace(/^(\d+) (\S+)(?=\r\n)/gm, (_, n: string, uidl: string) => swap(n, uidl)),
        'latin1',
      ),
    );
  };

/** The first fault any of `hooks` asks for. */
export const firstFault =
  (...hooks: Pop3CommandHook[]): Pop3CommandHook =>
  async (command) => {
    for (const hook of hooks) {
      const chosen = await hook(command);
      if (chosen) return chosen;
    }
    return undefined;
  };
