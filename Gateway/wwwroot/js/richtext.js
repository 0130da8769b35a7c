// Message text as rich text: a small, safe Markdown subset (bold, italic, strike, inline code, code
// blocks, quotes, lists, links and bare URLs made links), parsed by marked and cleaned by DOMPurify,
// both pinned in Gateway/package.json and served from this origin (wwwroot/vendor/, made by the
// build). The text itself is never changed: the server stores and returns exactly what was sent,
// and search reads those words; only what the page shows is formatted.
//
// Two locks, either of which would hold alone: marked is told to treat HTML, images and every
// block this subset leaves out as plain text, and to make links only of http(s) and mailto
// addresses; then DOMPurify keeps only the subset's elements and attributes, and no other scheme.

import { Marked } from '../vendor/marked.js';
import DOMPurify from '../vendor/purify.js';
import { make } from './ui.js';
import { MENTION } from './mentions.js';
import { mentionLabel } from './profiles.js';

const LINKABLE = /^(?:https?:\/\/|mailto:)/i;

const ALLOWED_TAGS = ['p', 'br', 'strong', 'em', 'del', 'code', 'pre', 'blockquote', 'ul', 'ol', 'li', 'a'];
const ALLOWED_ATTR = ['href', 'title', 'start'];

const escapeHtml = (text) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const markdown = new Marked({
  gfm: true,     // ~~strike~~ and bare URLs (https://…, www.…) as links
  breaks: true,  // one newline is a line break, as people type in a chat
  tokenizer: {
    // A tokenizer that returns nothing does not match: its text stays text. Headings, rules and
    // tables are not chat; raw HTML must stay visible as typed; reference definitions would hide lines.
    heading() {},
    lheading() {},
    hr() {},
    table() {},
    html() {},
    tag() {},
    def() {},
  },
  renderer: {
    link({ href, title, tokens }) {
      const text = this.parser.parseInline(tokens);
      if (!LINKABLE.test(href ?? '')) return text; // javascript:, data:, relative: the words only
      const titled = title ? ` title="${escapeHtml(title)}"` : '';
      return `<a href="${escapeHtml(href)}"${titled}>${text}</a>`;
    },
    // A picture would load from anywhere the sender likes: it stays a link to it.
    image({ href, text }) {
      const label = escapeHtml(text || href || '');
      return LINKABLE.test(href ?? '') ? `<a href="${escapeHtml(href)}">${label}</a>` : label;
    },
    // A task list's checkbox is no part of the subset.
    checkbox() { return ''; },
    // The newline stays in the text too, so what a line break separates reads apart when copied.
    br() { return '<br>\n'; },
  },
});

// Every link opens in a new tab that cannot reach back to this page, and sends no Referer.
DOMPurify.addHook('afterSanitizeAttributes', (node) => {
  if (node.nodeName === 'A') {
    if (!LINKABLE.test(node.getAttribute('href') ?? '')) node.removeAttribute('href');
    node.setAttribute('target', '_blank');
    node.setAttribute('rel', 'noopener noreferrer');
  }
});

/** The text as rich text: a fragment of the subset's elements only. */
function richFragment(text) {
  const html = markdown.parse(text, { async: false });
  const fragment = DOMPurify.sanitize(html, {
    ALLOWED_TAGS,
    ALLOWED_ATTR,
    ALLOWED_URI_REGEXP: LINKABLE,
    RETURN_DOM_FRAGMENT: true,
  });
  // marked ends each block with a newline: none before the first or after the last.
  for (const edge of ['firstChild', 'lastChild']) {
    while (fragment[edge]?.nodeType === Node.TEXT_NODE && !fragment[edge].data.trim()) fragment[edge].remove();
  }
  return fragment;
}

/** @name mentions outside code and links, each as the mentioned user's label (js/profiles.js). */
function markMentions(root) {
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT, {
    acceptNode: (node) => (node.parentElement?.closest('code, pre, a') ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT),
  });
  const texts = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) texts.push(node);
  for (const node of texts) {
    const parts = [];
    let last = 0;
    for (const m of node.data.matchAll(MENTION)) {
      const name = m[1].replace(/[.-]+$/, '').toLowerCase();
      parts.push(node.data.slice(last, m.index), mentionLabel(name));
      last = m.index + 1 + name.length;
    }
    if (parts.length === 0) continue;
    parts.push(node.data.slice(last));
    node.replaceWith(...parts.filter((p) => p !== ''));
  }
}

/** The hook where message text renders (messageitems.js): the message's text, formatted. */
export function messageText(text) {
  const box = make('div', 'text rich');
  try {
    box.append(richFragment(text));
    markMentions(box);
  } catch {
    box.replaceChildren(text); // formatting failed: the words as typed, still only text
  }
  return box;
}
