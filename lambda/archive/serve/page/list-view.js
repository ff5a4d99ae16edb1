// @ts-check
import { el, formatListDate, formatSize } from './format.js';

/** @typedef {import('./sources.js').RowSource} RowSource */
/** @typedef {import('./api.js').Row} Row */

const ROW = 60;
/** Rows drawn above and below the visible ones, so fast scrolling shows no gaps. */
const OVERSCAN = 10;

/**
 * A virtualised message list: only the rows in view (and a few around them) exist in the DOM,
 * positioned in a spacer as tall as the whole list, so 100,000 messages scroll like 30. Each
 * row is a link to the message's own address (#/m/<id>), so a middle click opens a new tab.
 */
export class ListView {
  /**
   * @param {HTMLElement} container the scrolling element
   * @param {HTMLElement} spacer
   */
  constructor(container, spacer) {
    this.container = container;
    this.spacer = spacer;
    /** @type {RowSource | null} */
    this.source = null;
    this.selected = -1;
    /** @type {string | null} */
    this.openId = null;
    /** @type {Map<number, HTMLElement>} */
    this.drawn = new Map();
    /** The keyboard focus follows the selection (it was in the list when the selection moved). */
    this.focusSelected = false;
    this.frame = 0;
    document.documentElement.style.setProperty('--row', `${ROW}px`);
    container.addEventListener('scroll', () => this.schedule(), { passive: true });
    // A row reached with Tab (or clicked) becomes the selection j and k move from.
    container.addEventListener('focusin', (event) => {
      const item = /** @type {HTMLElement} */ (event.target).closest('li.row');
      const index = Number(item?.getAttribute('aria-posinset')) - 1;
      if (index >= 0 && index !== this.selected) {
        this.selected = index;
        this.markSelection();
      }
    });
    new ResizeObserver(() => this.schedule()).observe(container);
  }

  /** @param {RowSource} source */
  show(source) {
    this.source = source;
    this.selected = -1;
    this.container.scrollTop = 0;
    this.clear();
    this.schedule();
  }

  clear() {
    for (const row of this.drawn.values()) row.remove();
    this.drawn.clear();
  }

  /** Redraws on the next frame (scrolls and new rows come in bursts). */
  schedule() {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.render();
    });
  }

  /** Rows changed (a page arrived, a result streamed in): redraw what is in view. */
  refresh() {
    this.clear();
    this.schedule();
  }

  render() {
    const source = this.source;
    if (!source) return;
    this.spacer.style.height = `${source.total * ROW}px`;
    const top = this.container.scrollTop;
    const first = Math.max(0, Math.floor(top / ROW) - OVERSCAN);
    const last = Math.min(
      source.total - 1,
      Math.ceil((top + this.container.clientHeight) / ROW) + OVERSCAN,
    );
    source.ensure(first, last, () => {
      if (this.source === source) this.refresh();
    });
    for (const [index, row] of this.drawn) {
      if (index < first || index > last) {
        row.remove();
        this.drawn.delete(index);
      }
    }
    for (let index = first; index <= last; index += 1) {
      if (this.drawn.has(index)) continue;
      const row = this.drawRow(index, source.row(index), source.total);
      this.drawn.set(index, row);
      this.container.append(row);
    }
    if (this.focusSelected) {
      const link = this.drawn.get(this.selected)?.querySelector('a');
      if (link) {
        link.focus({ preventScroll: true });
        this.focusSelected = false;
      }
    }
  }

  /**
   * @param {number} index
   * @param {Row | undefined} row
   * @param {number} total
   */
  drawRow(index, row, total) {
    const classes = ['row'];
    if (index === this.selected) classes.push('selected');
    if (row && row.id === this.openId) classes.push('open');
    if (!row) classes.push('loading');
    const cells = row
      ? [
          el('span', { class: 'from', title: row.fromAddress }, [row.from || '(no sender)']),
          el('span', { class: 'date', title: row.date }, [formatListDate(row.date)]),
          el('span', { class: 'subject' }, [
            row.subject || '(no subject)',
            ...row.tags.map((tag) => el('span', { class: 'chip' }, [tag])),
          ]),
          el('span', { class: 'meta' }, [
            row.attachment
              ? el('span', { class: 'clip', role: 'img', 'aria-label': 'has attachments' })
              : null,
            formatSize(row.size),
          ]),
        ]
      : [el('span', { class: 'from' }, ['…']), el('span', { class: 'subject' }, ['loading'])];
    const item = el(
      'li',
      {
        class: classes.join(' '),
        'aria-posinset': String(index + 1),
        'aria-setsize': String(total),
      },
      [
        row
          ? el(
              'a',
              {
                class: 'row-link',
                href: `#/m/${encodeURIComponent(row.id)}`,
                // One stop in the tab order: the selected row (else the first).
                tabindex: index === Math.max(0, this.selected) ? '0' : '-1',
              },
              cells,
            )
          : el('div', { class: 'row-link' }, cells),
      ],
    );
    // CSSOM, not a style attribute: the page's CSP allows no inline styles.
    item.style.top = `${index * ROW}px`;
    return item;
  }

  /** The selection's look and tab stop, on the rows drawn (without drawing them again). */
  markSelection() {
    for (const [index, item] of this.drawn) {
      item.classList.toggle('selected', index === this.selected);
      item.querySelector('a')?.setAttribute('tabindex', index === this.selected ? '0' : '-1');
    }
  }

  /** Moves the selection by `delta` rows and scrolls it into view. @param {number} delta */
  move(delta) {
    const total = this.source?.total ?? 0;
    if (total === 0) return;
    this.select(Math.max(0, Math.min(total - 1, this.selected + delta)));
  }

  /** @param {number} index */
  select(index) {
    this.selected = index;
    this.focusSelected = this.container.contains(document.activeElement);
    const top = index * ROW;
    const view = this.container;
    if (top < view.scrollTop) view.scrollTop = top;
    else if (top + ROW > view.scrollTop + view.clientHeight) {
      view.scrollTop = top + ROW - view.clientHeight;
    }
    this.refresh();
  }

  /** The selected row, when loaded. */
  selectedRow() {
    return this.selected >= 0 ? this.source?.row(this.selected) : undefined;
  }

  /** Marks the open message (and selects it when it is in the list). @param {string | null} id */
  markOpen(id) {
    this.openId = id;
    const source = this.source;
    if (id && source) {
      for (const index of this.drawn.keys()) {
        if (source.row(index)?.id === id) this.selected = index;
      }
    }
    this.refresh();
  }
}
