// @ts-check
import { el } from './format.js';

/**
 * The filter form as query parameters for the API: the same filters as `popfwd archive list`.
 * Dates are the owner's local days: "since" from the start of that day, "until" to its end.
 */

/**
 * @param {HTMLFormElement} form
 * @returns {URLSearchParams}
 */
export const filterParams = (form) => {
  const data = new FormData(form);
  const params = new URLSearchParams();
  for (const name of ['from', 'to', 'subject', 'tag', 'larger']) {
    const value = String(data.get(name) ?? '').trim();
    if (value) params.set(name, value);
  }
  const since = String(data.get('since') ?? '');
  if (since) params.set('since', String(new Date(`${since}T00:00:00`).getTime()));
  const until = String(data.get('until') ?? '');
  if (until) params.set('until', String(new Date(`${until}T00:00:00`).getTime() + 86_400_000));
  return params;
};

/**
 * @param {HTMLFormElement} form
 * @param {{tag: string, count: number}[]} tags
 */
export const fillTags = (form, tags) => {
  const select = /** @type {HTMLSelectElement | null} */ (form.elements.namedItem('tag'));
  if (!select) return;
  const chosen = select.value;
  select.replaceChildren(
    el('option', { value: '' }, ['any']),
    ...tags.map(({ tag, count }) =>
      el('option', { value: tag }, [`${tag} (${count.toLocaleString()})`]),
    ),
  );
  select.value = chosen;
};
