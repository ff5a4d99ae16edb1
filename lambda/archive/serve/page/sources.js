// @ts-check
import { getPage } from './api.js';

/** @typedef {import('./api.js').Row} Row */

/**
 * What the list shows: a count and the rows by position, loaded as they come into view.
 * @typedef {{total: number, row(index: number): Row | undefined,
 *   ensure(from: number, to: number, loaded: () => void): void}} RowSource
 */

const PAGE = 200;
/** Pages kept: enough for fast scrolling back and forth, bounded for 100,000 messages. */
const PAGES_KEPT = 40;

/**
 * The archive's list from the server, one page of 200 rows at a time.
 * @implements {RowSource}
 */
export class PagedSource {
  /** @param {URLSearchParams} filters */
  constructor(filters) {
    this.filters = filters;
    this.total = 0;
    /** @type {Map<number, Row[]>} */
    this.pages = new Map();
    /** @type {Set<number>} */
    this.loading = new Set();
  }

  /** Loads the first page (and the count). */
  async start() {
    const first = await getPage(this.filters, 0, PAGE);
    this.total = first.total;
    this.pages.set(0, first.rows);
  }

  /** @param {number} index */
  row(index) {
    return this.pages.get(Math.floor(index / PAGE))?.[index % PAGE];
  }

  /**
   * @param {number} from
   * @param {number} to
   * @param {() => void} loaded
   */
  ensure(from, to, loaded) {
    const first = Math.floor(Math.max(0, from) / PAGE);
    const last = Math.floor(Math.max(0, Math.min(to, this.total - 1)) / PAGE);
    for (let page = first; page <= last; page += 1) {
      if (this.pages.has(page) || this.loading.has(page)) continue;
      this.loading.add(page);
      getPage(this.filters, page * PAGE, PAGE)
        .then((result) => {
          this.pages.set(page, result.rows);
          this.evict(first);
          loaded();
        })
        .catch(() => {})
        .finally(() => this.loading.delete(page));
    }
  }

  /** Drops the pages farthest from the one in view. @param {number} near */
  evict(near) {
    if (this.pages.size <= PAGES_KEPT) return;
    const far = [...this.pages.keys()].sort((a, b) => Math.abs(b - near) - Math.abs(a - near));
    for (const page of far.slice(0, this.pages.size - PAGES_KEPT)) this.pages.delete(page);
  }
}

/**
 * Search results as they stream in.
 * @implements {RowSource}
 */
export class ResultSource {
  constructor() {
    /** @type {Row[]} */
    this.rows = [];
  }

  get total() {
    return this.rows.length;
  }

  /** @param {number} index */
  row(index) {
    return this.rows[index];
  }

  ensure() {}
}
