// @ts-check
import { getInfo, reloadCatalog, search } from './api.js';
import { fillTags, filterParams } from './filters.js';
import { el, formatCount } from './format.js';
import { ListView } from './list-view.js';
import { Reader } from './reader.js';
import { PagedSource, ResultSource } from './sources.js';

/**
 * The viewer's page: the list (the archive, or search results as they stream in), the reading
 * pane, and the address bar as the source of truth for which message is open (#/m/<id>), so the
 * back button, bookmarks and new tabs work.
 */

/** @template {HTMLElement} T @param {string} id @returns {T} */
const byId = (id) => /** @type {T} */ (document.getElementById(id));

const list = new ListView(byId('list'), byId('list-spacer'));
const reader = new Reader(byId('message'), byId('reader-actions'));
const status = byId('status');
/** @type {HTMLFormElement} */
const filters = byId('filters');
/** @type {HTMLInputElement} */
const searchBox = byId('search');
/** @type {AbortController | null} */
let searching = null;
/** The open message was opened from the list, so going back is the browser's back. */
let openedHere = false;
/** Where the list was scrolled when a message covered it (narrow screens). */
let listScroll = 0;

/** @param {Array<Node | string>} parts */
const say = (...parts) => status.replaceChildren(...parts);

/** @param {string} label @param {() => void} action */
const statusButton = (label, action) => {
  const button = el('button', { type: 'button' }, [label]);
  button.addEventListener('click', action);
  return button;
};

const showArchive = async () => {
  searching?.abort();
  searching = null;
  status.removeAttribute('aria-busy');
  const source = new PagedSource(filterParams(filters));
  say('Loading…');
  try {
    await source.start();
  } catch (error) {
    say(`The list cannot be loaded: ${String(error)}`);
    return;
  }
  const filtered = [...filterParams(filters).keys()].length > 0;
  say(`${formatCount(source.total)} messages${filtered ? ' match the filters' : ''}`);
  list.show(source);
};

/** @param {string} text */
const runSearch = async (text) => {
  searching?.abort();
  const controller = new AbortController();
  searching = controller;
  const results = new ResultSource();
  list.show(results);
  const stop = statusButton('Stop', () => controller.abort());
  const clear = statusButton('Clear search', () => {
    searchBox.value = '';
    void showArchive();
  });
  say(`Searching for “${text}”…`, stop);
  // Progress changes four times a second: screen readers hear the outcome, not every count.
  status.setAttribute('aria-busy', 'true');
  // A search replaced by another (or by the plain list) no longer speaks.
  const current = () => searching === controller;
  try {
    await search(text, filterParams(filters), controller.signal, (line) => {
      if (!current()) return;
      if (line.type === 'match') {
        results.rows.push(line.row);
        // Drawn at most once a frame however fast results come.
        list.schedule();
      } else if (line.type === 'progress') {
        say(
          `Searching “${text}”: ${formatCount(line.searched)} of ${formatCount(line.total)} · ${formatCount(results.total)} found`,
          stop,
        );
      } else if (line.type === 'done') {
        say(
          `${formatCount(line.matched)} found for “${text}” in ${formatCount(line.searched)} messages (${(line.ms / 1000).toFixed(1)} s)`,
          clear,
        );
      } else {
        say(`The search failed: ${line.message}`, clear);
      }
    });
  } catch (error) {
    if (!current()) return;
    if (controller.signal.aborted) {
      say(`Stopped: ${formatCount(results.total)} found for “${text}”`, clear);
    } else {
      say(`The search failed: ${String(error)}`, clear);
    }
  }
  if (!current()) return;
  status.removeAttribute('aria-busy');
  // Finished or stopped: Esc goes back to closing the message.
  searching = null;
  list.schedule();
};

const route = () => {
  const match = /^#\/m\/(.+)$/.exec(location.hash);
  const listElement = byId('list');
  if (match) {
    const id = decodeURIComponent(match[1] ?? '');
    if (!document.body.classList.contains('reading')) listScroll = listElement.scrollTop;
    document.body.classList.add('reading');
    list.markOpen(id);
    void reader.open(id);
  } else {
    const wasReading = document.body.classList.contains('reading');
    document.body.classList.remove('reading');
    if (wasReading) listElement.scrollTop = listScroll;
    openedHere = false;
    list.markOpen(null);
    reader.close();
  }
};

/**
 * @param {string} id
 * @param {boolean} [replace] the next or previous message (j/k) takes the open one's place in
 *   the history, so back returns to the list, not through every message read
 */
const openMessage = (id, replace = false) => {
  const hash = `#/m/${encodeURIComponent(id)}`;
  if (replace) {
    history.replaceState(null, '', hash);
    route();
    return;
  }
  openedHere = true;
  location.hash = hash;
};

const closeMessage = () => {
  if (!location.hash.startsWith('#/m/')) return;
  if (openedHere) {
    openedHere = false;
    history.back();
  } else {
    history.replaceState(null, '', '#/');
    route();
  }
};

/** @param {number} delta */
const step = (delta) => {
  list.move(delta);
  const row = list.selectedRow();
  if (row && reader.message) openMessage(row.id, true);
};

/** @param {KeyboardEvent} event */
const onKey = (event) => {
  const target = /** @type {HTMLElement} */ (event.target);
  const typing = target.matches('input, select, textarea');
  if (event.key === 'Escape') {
    if (typing) target.blur();
    else if (searching) searching.abort();
    else closeMessage();
    return;
  }
  if (typing || event.ctrlKey || event.metaKey || event.altKey) return;
  // Enter on a button or a link is theirs (keyboard activation), not "open the selection".
  if (event.key === 'Enter' && target.closest('button, a')) return;
  if (event.key === 'j' || event.key === 'ArrowDown') step(1);
  else if (event.key === 'k' || event.key === 'ArrowUp') step(-1);
  else if (event.key === 'Enter') {
    const row = list.selectedRow();
    if (row) openMessage(row.id);
  } else if (event.key === '/') searchBox.focus();
  else return;
  event.preventDefault();
};

byId('search-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const text = searchBox.value.trim();
  if (text) void runSearch(text);
  else void showArchive();
});
filters.addEventListener('submit', (event) => {
  event.preventDefault();
  const text = searchBox.value.trim();
  void (text ? runSearch(text) : showArchive());
});
filters.addEventListener('reset', () => setTimeout(() => void showArchive()));
byId('filters-toggle').addEventListener('click', (event) => {
  const button = /** @type {HTMLButtonElement} */ (event.currentTarget);
  filters.hidden = !filters.hidden;
  button.setAttribute('aria-expanded', String(!filters.hidden));
});
byId('reload').addEventListener('click', async () => {
  say('Reading the catalog again…');
  await reloadCatalog();
  const info = await getInfo();
  fillTags(filters, info.tags);
  await showArchive();
});
byId('back').addEventListener('click', closeMessage);
// A click on a row is a link to the message: it opens from the list like Enter does.
byId('list').addEventListener('click', (event) => {
  if (/** @type {HTMLElement} */ (event.target).closest('a.row-link')) openedHere = true;
});
document.addEventListener('keydown', onKey);
window.addEventListener('hashchange', route);

const start = async () => {
  const info = await getInfo();
  byId('mailbox').textContent = info.mailbox;
  document.title = `${info.mailbox} · popfwd archive`;
  fillTags(filters, info.tags);
  await showArchive();
  route();
};
void start();
