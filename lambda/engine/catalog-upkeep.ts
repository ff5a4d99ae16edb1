import { errorMessage, hasCode } from '../errors.js';
import { COMPACT_AT, compactCatalog } from './catalog-compact.js';
import { migrateLegacyRecords } from './catalog-migrate.js';
import type { Ledger } from './ledger.js';
import type { RunContext } from './run-context.js';

/**
 * The catalog's part of a run, under the lease: legacy record objects moved in first (until none
 * is left), and at the end the run's last records written and small segments merged.
 */

/** Whether the run has catalog work even when the server has nothing new. */
export const catalogNeedsWork = (ledger: Pick<Ledger, 'state'>): boolean =>
  !ledger.state.catalogSince;

export const prepareCatalog = async (ctx: RunContext): Promise<void> => {
  if (!catalogNeedsWork(ctx.ledger)) return;
  const { moved, done } = await migrateLegacyRecords(ctx.store, ctx.layout, ctx.catalog);
  if (moved > 0) ctx.log.info('moved message records into the catalog', { records: moved, done });
  if (done) {
    const since = new Date(ctx.clock.now()).toISOString();
    ctx.ledger.updateState((state) => ({ ...state, catalogSince: since }));
  }
};

/**
 * Compacts, once the run's work is saved. Looked at (one listing) each time the numbering passes
 * a multiple of COMPACT_AT: after about that many new segments, not on every run. The ledger is
 * saved first (and with it every buffered record): the outcome of the last send is then durable
 * before compaction starts, so a crash during compaction repeats no send. A compaction that fails
 * (a damaged segment among those it would merge, a store error) changes nothing it had not
 * finished: the run reports it and goes on, and the segments stay for the next attempt.
 */
export const finishCatalog = async (ctx: RunContext): Promise<void> => {
  const { catalog } = ctx;
  const last = catalog.nextSeq + (catalog.buffered > 0 ? 1 : 0);
  if (Math.floor(catalog.firstSeq / COMPACT_AT) === Math.floor(last / COMPACT_AT)) return;
  await ctx.ledger.checkpoint();
  await catalog.flush();
  try {
    const { merged, written } = await compactCatalog(ctx.store, ctx.layout, ctx.catalog);
    if (merged > 0) ctx.log.info('compacted the catalog', { merged, written });
  } catch (error) {
    if (hasCode(error, 'ESTORE'))
      ctx.counters.alerts.push({ code: 'ESTORE', message: error.message });
    ctx.log.warn('catalog compaction stopped; the segments stay as they are', {
      error: errorMessage(error),
    });
  }
};
