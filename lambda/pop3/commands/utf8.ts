import { hasCode } from '../../errors.js';
import { buildCommand } from '../command.js';
import type { Connection } from '../connection.js';
import { simpleRequest } from '../requests.js';

/**
 * RFC 6856 UTF8, after the login (Courier accepts it only then). Without it Courier hands out a
 * generated notice instead of any message with 8-bit header bytes; a refusal is reported so
 * the caller can keep such a session from deleting what it read.
 */
export const enableUtf8 = async (connection: Connection): Promise<void> => {
  try {
    await simpleRequest(connection, buildCommand('UTF8'), 'ECOMMAND');
    connection.utf8 = 'on';
  } catch (error) {
    if (!hasCode(error, 'ECOMMAND')) throw error;
    connection.utf8 = 'refused';
    connection.log.warn('the server offers UTF8 (RFC 6856) but refused it', {
      error: error.message,
    });
  }
};
