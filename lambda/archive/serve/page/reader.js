// @ts-check
import { getMessage, getSource, messageUrl } from './api.js';
import { el, formatAddress, formatLongDate, formatSize, linkifiedText } from './format.js';

/** @typedef {import('./api.js').Message} Message */
/** @typedef {'html' | 'text' | 'source'} View */

const SOURCE_SHOWN = 1024 * 1024;
/** The sandbox of the mail frame: no scripts, no same origin; links may open a new tab. */
const FRAME_SANDBOX = 'allow-popups allow-popups-to-escape-sandbox';

/** @param {string} origin */
const hostOf = (origin) => {
  try {
    return new URL(origin).host;
  } catch {
    return origin;
  }
};

/**
 * @param {string} label
 * @param {import('./api.js').Mailbox[]} list
 */
const addressRow = (label, list) =>
  list.length === 0
    ? []
    : [el('dt', {}, [label]), el('dd', {}, [list.map(formatAddress).join(', ')])];

/**
 * The reading pane: headers, the body (HTML in a sandboxed frame, or text), the attachments, the
 * raw source and the original .eml. Everything from the message is set as text; the HTML body
 * is only ever inside the frame, loaded from its own URL with its own policy.
 */
export class Reader {
  /**
   * @param {HTMLElement} root
   * @param {HTMLElement} actions
   */
  constructor(root, actions) {
    this.root = root;
    this.actions = actions;
    /** @type {Message | null} */
    this.message = null;
    /** @type {View} */
    this.view = 'text';
    this.remote = false;
    /** @type {AbortController | null} */
    this.loading = null;
  }

  /** @param {string} id */
  async open(id) {
    this.loading?.abort();
    const loading = new AbortController();
    this.loading = loading;
    this.root.replaceChildren(el('p', { class: 'empty' }, ['Opening…']));
    this.actions.replaceChildren();
    try {
      const message = await getMessage(id, loading.signal);
      if (loading.signal.aborted) return;
      this.message = message;
      this.view = message.html ? 'html' : 'text';
      this.remote = false;
      this.render();
    } catch (error) {
      if (loading.signal.aborted) return;
      this.message = null;
      this.root.replaceChildren(
        el('p', { class: 'empty' }, [`This message cannot be opened: ${String(error)}`]),
      );
    }
  }

  close() {
    this.loading?.abort();
    this.message = null;
    this.actions.replaceChildren();
    this.root.replaceChildren(el('p', { class: 'empty' }, ['Choose a message to read it here.']));
  }

  render() {
    const message = this.message;
    if (!message) return;
    this.actions.replaceChildren(...this.viewButtons(message), this.emlLink(message));
    this.root.replaceChildren(
      this.headers(message),
      ...this.notices(message),
      this.body(message),
      this.attachments(message),
    );
    if (this.view === 'source') void this.loadSource(message);
  }

  /** @param {Message} message */
  viewButtons(message) {
    /** @type {[View, string][]} */
    const views = [
      ...(message.html ? /** @type {[View, string][]} */ ([['html', 'HTML']]) : []),
      ...(message.text !== null || !message.html
        ? /** @type {[View, string][]} */ ([['text', 'Text']])
        : []),
      ['source', 'Source'],
    ];
    return views.map(([view, label]) => {
      const button = el('button', { type: 'button', 'aria-pressed': String(this.view === view) }, [
        label,
      ]);
      button.addEventListener('click', () => {
        this.view = view;
        this.render();
      });
      return button;
    });
  }

  /** @param {Message} message */
  emlLink(message) {
    return el('a', { href: messageUrl(message.id, 'eml'), download: '' }, ['Download .eml']);
  }

  /** @param {Message} message */
  headers(message) {
    const date = message.date ?? message.archivedAt;
    return el('header', { class: 'headers' }, [
      el('h2', {}, [message.subject || '(no subject)']),
      el('dl', {}, [
        ...addressRow('From', message.from),
        ...addressRow('To', message.to),
        ...addressRow('Cc', message.cc),
        ...addressRow('Reply-To', message.replyTo),
        el('dt', {}, ['Date']),
        el('dd', { title: date }, [formatLongDate(date)]),
        ...(message.tags.length
          ? [
              el('dt', {}, ['Tags']),
              el(
                'dd',
                {},
                message.tags.map((tag) => el('span', { class: 'chip' }, [tag])),
              ),
            ]
          : []),
        el('dt', {}, ['Size']),
        el('dd', { title: `UIDL ${message.uidl}` }, [formatSize(message.size)]),
      ]),
    ]);
  }

  /** @param {Message} message */
  notices(message) {
    const notices = [];
    if (message.parseError) {
      notices.push(
        el('p', { class: 'notice' }, [`Shown as far as it could be read: ${message.parseError}`]),
      );
    }
    if (message.truncated && this.view !== 'source') {
      notices.push(
        el('p', { class: 'notice' }, [
          'This body is very long and is cut short here; the .eml has all of it.',
        ]),
      );
    }
    if (this.view === 'html' && message.remoteOrigins.length > 0)
      notices.push(this.remoteBanner(message));
    return notices;
  }

  /** Says which servers the mail would contact, and lets the owner allow it for this message. */
  /** @param {Message} message */
  remoteBanner(message) {
    const hosts = message.remoteOrigins.map(hostOf);
    const shown =
      hosts.slice(0, 5).join(', ') + (hosts.length > 5 ? ` and ${hosts.length - 5} more` : '');
    if (this.remote) {
      return el('p', { class: 'remote', role: 'status' }, [`Remote content loaded from ${shown}.`]);
    }
    const button = el('button', { type: 'button' }, ['Load remote content']);
    button.setAttribute(
      'aria-label',
      `Load remote images and fonts from ${hosts.length} servers: ${hosts.join(', ')}`,
    );
    button.addEventListener('click', () => {
      this.remote = true;
      this.render();
    });
    return el('div', { class: 'remote' }, [
      el('span', {}, [
        `Remote images are blocked. This message would load from ${hosts.length === 1 ? '' : `${hosts.length} servers: `}${shown}.`,
      ]),
      button,
    ]);
  }

  /** @param {Message} message */
  body(message) {
    if (this.view === 'source')
      return el('pre', { class: 'source', 'aria-label': 'Raw source' }, ['Loading the source…']);
    if (this.view === 'html') {
      return el('iframe', {
        class: 'body-frame',
        title: 'Message body',
        sandbox: FRAME_SANDBOX,
        referrerpolicy: 'no-referrer',
        src: `${messageUrl(message.id, 'html')}${this.remote ? '?remote=1' : ''}`,
      });
    }
    const text = message.text ?? '';
    return el('pre', { class: 'body-text', 'aria-label': 'Message text' }, [
      text ? linkifiedText(text) : el('span', { class: 'empty' }, ['(no text)']),
    ]);
  }

  /** @param {Message} message */
  attachments(message) {
    if (message.parts.length === 0) return document.createDocumentFragment();
    return el('ul', { class: 'attachments', 'aria-label': 'Attachments' }, [
      ...message.parts.map((part) =>
        el('li', {}, [
          el('a', { href: messageUrl(message.id, `part/${part.index}`), download: part.fileName }, [
            part.fileName,
          ]),
          el('span', { class: 'type' }, [
            ` ${part.contentType}, ${formatSize(part.size)}${part.inline ? ', inline' : ''}`,
          ]),
        ]),
      ),
      message.partsOmitted > 0
        ? el('li', {}, [`and ${message.partsOmitted} more parts (in the .eml)`])
        : null,
    ]);
  }

  /** @param {Message} message */
  async loadSource(message) {
    const signal = this.loading?.signal;
    try {
      const text = await getSource(message.id, signal);
      if (this.message !== message || this.view !== 'source') return;
      const pre = this.root.querySelector('pre.source');
      pre?.replaceChildren(text);
      if (message.size > SOURCE_SHOWN) {
        pre?.before(
          el('p', { class: 'notice' }, [
            `The first ${formatSize(SOURCE_SHOWN)} of ${formatSize(message.size)}; the .eml has all of it.`,
          ]),
        );
      }
    } catch (error) {
      if (!signal?.aborted)
        this.root
          .querySelector('pre.source')
          ?.replaceChildren(`The source cannot be shown: ${String(error)}`);
    }
  }
}
