// The search results under the search box; matched words are marked.

import { userName, roomTitle } from './rules.js';
import { ui, make, button, timeNode } from './ui.js';

/**
 * A snippet whose matched words stand between « and », as text nodes and <mark> elements.
 * A marker without its partner is shown as the character it is.
 */
export function snippetNodes(snippet) {
  const out = [];
  let rest = snippet ?? '';
  for (;;) {
    const open = rest.indexOf('«');
    const close = open < 0 ? -1 : rest.indexOf('»', open + 1);
    if (open < 0 || close < 0) {
      if (rest) out.push(document.createTextNode(rest));
      return out;
    }
    if (open > 0) out.push(document.createTextNode(rest.slice(0, open)));
    out.push(make('mark', 'hit', rest.slice(open + 1, close)));
    rest = rest.slice(close + 1);
  }
}

export function closeSearch() {
  ui.searchResults.hidden = true;
  ui.searchList.replaceChildren();
}

/** @param {{results?: object[], error?: string, loading?: boolean, me?: string}} state */
export function renderSearch(query, state) {
  ui.searchResults.hidden = false;
  const results = state.results ?? [];
  ui.searchSummary.textContent = state.loading ? `Searching for “${query}”…`
    : state.error ? state.error
    : results.length === 0 ? `No messages match “${query}”.`
    : `${results.length} ${results.length === 1 ? 'message matches' : 'messages match'} “${query}”`;
  ui.searchSummary.classList.toggle('error-text', Boolean(state.error));
  ui.searchList.replaceChildren(...results.map((r) => {
    const li = make('li');
    const hit = button('search-hit');
    hit.dataset.room = r.room;
    hit.dataset.seq = String(r.seq);
    const meta = make('span', 'meta');
    meta.append(make('span', 'hit-room', roomTitle(r.room, state.me)), make('span', 'sender', userName(r.sender)), timeNode(r.ts));
    hit.append(meta, make('span', 'snippet'));
    hit.lastChild.append(...snippetNodes(r.snippet || r.text));
    li.append(hit);
    return li;
  }));
}
