import { buildCommand } from '../command.js';
import { type Connection, Pop3State } from '../connection.js';
import { parseListLines, type SizeListing } from '../listing.js';
import { listingRequest } from '../requests.js';

/**
 * LIST: message number → size in octets (as stored by the server; a hint, not an exact length),
 * and the lines that could not be read (those messages simply have no size hint).
 */
export const sizes = async (connection: Connection): Promise<SizeListing> => {
  connection.require(Pop3State.TRANSACTION, 'LIST');
  return parseListLines(await listingRequest(connection, buildCommand('LIST'), 'ECOMMAND', true));
};
