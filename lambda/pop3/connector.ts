import { readCaFile } from '../config/ca-file.js';
import type { MailboxConfig } from '../config/config-schema.js';
import type { Pop3Connector } from '../engine/run-ports.js';
import { Pop3Client } from './client.js';

/**
 * The POP3 connector both shells hand to the engine (RunPorts.connectPop3): the mailbox's server,
 * security, pipelining and extra CA, on the run's terms (deadline, log, clock, redactor). The CA
 * file is read at each connection, so a run sees the file as it is then.
 */
export const pop3Connector =
  (mailbox: Pick<MailboxConfig, 'pop3' | 'caFile'>): Pop3Connector =>
  async (terms) => {
    const { host, port, security, pipelining } = mailbox.pop3;
    const ca = await readCaFile(mailbox.caFile);
    return Pop3Client.connect({
      host,
      port,
      security,
      pipelining,
      ...terms,
      ...(ca ? { ca } : {}),
    });
  };
