import { hasCode, PopfwdError } from '../../errors.js';
import { buildCommand } from '../command.js';
import { type Connection, Pop3State } from '../connection.js';
import { parseUidlLines, type RawLine, type UidlListing } from '../listing.js';
import { listingRequest } from '../requests.js';

/**
 * UIDL: unique ids in message order, and the lines that could not be read: a bad line rejects only
 * its own message. A server without UIDL is an ECAPABILITY error.
 */
export const uidlListing = async (connection: Connection): Promise<UidlListing> => {
  connection.require(Pop3State.TRANSACTION, 'UIDL');
  const missing = () =>
    new PopfwdError(
      'ECAPABILITY',
      'the server does not support UIDL; popfwd needs it to recognise messages it has already archived',
    );
  if (connection.capabilities.known && !connection.capabilities.uidl) throw missing();
  let lines: RawLine[];
  try {
    lines = await listingRequest(connection, buildCommand('UIDL'), 'ECOMMAND', true);
  } catch (error) {
    throw hasCode(error, 'ECOMMAND') ? missing() : error;
  }
  return parseUidlLines(lines);
};
