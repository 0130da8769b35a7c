// Message search in the top bar (GET /api/search): results as the user types, and a result opens
// its room at that message.

import { ui } from './ui.js';
import { renderSearch, closeSearch } from './searchresults.js';
import { page } from './page.js';
import { authedApi } from './auth.js';
import { jumpTo } from './history.js';

const LIMIT = 20;
const TYPING_PAUSE_MS = 300;

// Each search has a number: the answer of one overtaken by the next is dropped.
let run = 0;
let timer = 0;

async function search(query) {
  clearTimeout(timer);
  const mine = ++run;
  const q = query.trim();
  if (!q) {
    closeSearch();
    return;
  }
  renderSearch(q, { loading: true });
  try {
    const data = await authedApi(`/api/search?q=${encodeURIComponent(q)}&limit=${LIMIT}`);
    if (mine === run) renderSearch(q, { results: data?.results ?? [], me: page.store.me });
  } catch (err) {
    if (mine === run && err.status !== 401) renderSearch(q, { error: `Search failed: ${err.message}` });
  }
}

function stopSearch() {
  run++;
  clearTimeout(timer);
  closeSearch();
}

export function wireSearch() {
  ui.searchForm.addEventListener('submit', (e) => {
    e.preventDefault();
    search(ui.searchInput.value);
  });
  ui.searchInput.addEventListener('input', () => {
    clearTimeout(timer);
    if (!ui.searchInput.value.trim()) stopSearch();
    else timer = setTimeout(() => search(ui.searchInput.value), TYPING_PAUSE_MS);
  });
  ui.searchInput.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') {
      ui.searchInput.value = '';
      stopSearch();
    }
  });
  ui.searchClose.addEventListener('click', stopSearch);
  ui.searchList.addEventListener('click', (e) => {
    const hit = e.target.closest('button.search-hit');
    if (!hit) return;
    stopSearch();
    jumpTo(hit.dataset.room, Number(hit.dataset.seq));
  });
  // A click elsewhere closes the results, as a menu would.
  document.addEventListener('click', (e) => {
    if (!ui.searchResults.hidden && !e.target.closest('#search-results, #search-form')) stopSearch();
  });
}
