// @ts-check
/**
 * Formatting for the page, and the one way it builds DOM from mail data: `el` sets text with
 * textContent, never innerHTML, so a subject like `<img src=x onerror=…>` stays text.
 */

/**
 * @param {string} tag
 * @param {Record<string, string>} [attributes]
 * @param {Array<Node | string | null | undefined | false>} [children]
 * @returns {HTMLElement}
 */
export const el = (tag, attributes = {}, children = []) => {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    element.append(typeof child === 'string' ? document.createTextNode(child) : child);
  }
  return element;
};

const UNITS = ['B', 'KB', 'MB', 'GB'];

/** @param {number} bytes */
export const formatSize = (bytes) => {
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < UNITS.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return `${unit === 0 || value >= 10 ? Math.round(value) : value.toFixed(1)} ${UNITS[unit]}`;
};

const time = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const dayMonth = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short' });
const full = new Intl.DateTimeFormat(undefined, {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
});
const long = new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'short' });

/** Today: the time; this year: day and month; else with the year. @param {string} iso */
export const formatListDate = (iso) => {
  const date = new Date(iso);
  const now = new Date();
  if (date.toDateString() === now.toDateString()) return time.format(date);
  if (date.getFullYear() === now.getFullYear()) return dayMonth.format(date);
  return full.format(date);
};

/** @param {string} iso */
export const formatLongDate = (iso) => long.format(new Date(iso));

/** @param {number} count */
export const formatCount = (count) => count.toLocaleString();

/** @param {{name: string, address: string}} mailbox */
export const formatAddress = (mailbox) => {
  if (mailbox.name && mailbox.address) return `${mailbox.name} <${mailbox.address}>`;
  return mailbox.name || mailbox.address || '(empty)';
};

const LINK = /\bhttps?:\/\/[^\s<>"']+[^\s<>"'.,;:!?)\]]/g;

/**
 * Plain text with its web addresses as links (new tab, no Referer), built as DOM nodes.
 * @param {string} text
 * @returns {DocumentFragment}
 */
export const linkifiedText = (text) => {
  const fragment = document.createDocumentFragment();
  let last = 0;
  for (const match of text.matchAll(LINK)) {
    const start = match.index ?? 0;
    fragment.append(text.slice(last, start));
    fragment.append(
      el('a', { href: match[0], target: '_blank', rel: 'noopener noreferrer' }, [match[0]]),
    );
    last = start + match[0].length;
  }
  fragment.append(text.slice(last));
  return fragment;
};
