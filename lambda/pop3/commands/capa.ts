import { hasCode } from '../../errors.js';
import { parseCapabilities, UNKNOWN_CAPABILITIES } from '../capabilities.js';
import { buildCommand } from '../command.js';
import type { Connection } from '../connection.js';
import { listingRequest } from '../requests.js';
import { printable } from '../server-text.js';

/**
 * CAPA (RFC 2449): what the server offers, read after the greeting, after STLS and after the
 * login (servers offer more once they know who is asking). `pipelinable` lets the one after the
 * login go out together with STAT.
 */
export const refreshCapabilities = async (
  connection: Connection,
  pipelinable = false,
): Promise<void> => {
  try {
    const lines = await listingRequest(connection, buildCommand('CAPA'), 'ECOMMAND', pipelinable);
    connection.capabilities = parseCapabilities(lines.map((line) => line.bytes.toString('latin1')));
  } catch (error) {
    // A pre-RFC 2449 server answers CAPA with -ERR: it still speaks RFC 1939.
    if (!hasCode(error, 'ECOMMAND')) throw error;
    connection.capabilities = UNKNOWN_CAPABILITIES;
  }
  connection.log.debug('capabilities', {
    capa: connection.capabilities.lines.map((line) => printable(line, 100)),
  });
};
