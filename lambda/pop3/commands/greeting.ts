import type { Connection } from '../connection.js';
import { errorForReply } from '../errors.js';
import { printable } from '../server-text.js';

/**
 * The server's first line, which nothing asked for. Its text also says whether the server is
 * Dovecot, whose message bodies are read with the first line literal (Connection).
 */
export const readGreeting = (connection: Connection): Promise<void> =>
  new Promise((resolve, reject) => {
    connection.expect({
      kind: 'single',
      verb: 'greeting',
      pipelinable: false,
      onStatus: (status) => {
        connection.done();
        connection.log.debug(`S: ${status.ok ? '+OK' : '-ERR'} ${printable(status.text)}`);
        connection.unstuffedFirstLine = /\bDovecot\b/i.test(status.text);
        // A -ERR greeting means "busy, try later" (RFC 1939 §4) unless a code says otherwise.
        if (status.ok) resolve();
        else reject(errorForReply('greeting', status.text, 'ESYSTEMP'));
      },
      fail: reject,
    });
  });
