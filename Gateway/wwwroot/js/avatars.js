// Avatars: the small square picture beside a user's name in messages (at the head of a group), the
// member list and the @-autocomplete; the first letter of the user name where they have none.
//
// Which picture a user has comes with their profile (the `avatar` address that profiles.js reads
// from /api/users, or a `profile` frame brings when someone who shares a room with us changes it),
// so another user's new picture shows at once; one's own shows at once too. The pictures are served by bearer token, which
// an <img> cannot send: the page fetches each address once and shows it from a blob: URL. An
// address names one picture for good (it changes when the picture does), so the browser's cache
// may answer a fetch after a reload.

import { ApiError } from './api.js';
import { saved } from './saved.js';
import { page } from './page.js';
import { make, button, showError } from './ui.js';

/** name → the address of the user's avatar, or null for none, as last read. */
const addresses = new Map();
/** address → a promise of its blob: URL. */
const pictures = new Map();
/**
 * address → its blob: URL, once fetched. A picture already here is drawn at once, so an avatar drawn
 * again is the same markup as before and redraw.js keeps the node it has instead of swapping it.
 */
const fetched = new Map();
/** The picture beside the avatar setting: the signed-in user's own. */
let preview = null;

/** Takes what a profile says of a user's avatar (absent: none), and redraws that user's avatars on the page. */
export function rememberAvatar(name, address) {
  const now = address ?? null;
  // The preview in the avatar setting is made before anyone signs in: it learns whose it is here.
  const newPreview = Boolean(preview) && name === page.store?.me && preview.dataset.avatar !== name;
  if (newPreview) preview.dataset.avatar = name;
  if (addresses.get(name) === now && !newPreview) return;
  addresses.set(name, now);
  for (const node of document.querySelectorAll(`.avatar[data-avatar="${CSS.escape(name)}"]`)) fill(node);
}

/** A user's avatar, decorative (the name is always beside it): their picture, or their initial. */
export function avatarOf(name) {
  const node = make('span', 'avatar');
  node.dataset.avatar = name;
  node.setAttribute('aria-hidden', 'true');
  fill(node);
  return node;
}

function fill(node) {
  const name = node.dataset.avatar;
  const address = addresses.get(name);
  // The initial is drawn by CSS from this attribute, so it is no part of the text around it.
  node.dataset.initial = initial(name);
  node.classList.remove('picture');
  node.replaceChildren();
  if (!address) return;
  if (fetched.has(address)) {
    showPicture(node, fetched.get(address));
    return;
  }
  pictureUrl(address).then((url) => {
    // A newer picture may have come meanwhile; an older fetch must not overwrite it.
    if (addresses.get(name) === address) showPicture(node, url);
  }, () => { /* not available: the initial stays */ });
}

function showPicture(node, url) {
  const img = make('img');
  img.alt = '';
  img.src = url;
  node.replaceChildren(img);
  node.classList.add('picture');
}

function initial(name) {
  return [...(name ?? '')][0]?.toUpperCase() ?? '';
}

function pictureUrl(address) {
  if (!pictures.has(address)) {
    const loading = fetch(address, { headers: { Authorization: `Bearer ${saved.token}` } })
      .then((r) => (r.ok ? r.blob() : Promise.reject(new Error(`HTTP ${r.status}`))))
      .then((blob) => URL.createObjectURL(blob))
      .then((url) => {
        fetched.set(address, url);
        return url;
      });
    loading.catch(() => pictures.delete(address)); // a later showing may try again
    pictures.set(address, loading);
  }
  return pictures.get(address);
}

/** Sends the avatar change (a picture to set, or null to remove it) and shows the user's new one. */
async function change(file) {
  const response = await fetch('/api/me/avatar', {
    method: file ? 'PUT' : 'DELETE',
    headers: { Authorization: `Bearer ${saved.token}`, Accept: 'application/json', ...(file ? { 'Content-Type': 'application/octet-stream' } : {}) },
    body: file ?? undefined,
  }).catch(() => { throw new ApiError(0, null); });
  const json = await response.json().catch(() => null);
  if (!response.ok) throw new ApiError(response.status, json);
  rememberAvatar(json.user.name, json.user.avatar);
}

/** The avatar setting in the profile form: the picture, a file chooser and "Remove". */
export function avatarSettings() {
  const box = make('div', 'avatar-setting');
  preview = make('span', 'avatar avatar-preview');
  preview.setAttribute('aria-hidden', 'true');
  const label = make('label', undefined, 'Avatar');
  label.htmlFor = 'avatar-input';
  const input = make('input');
  input.type = 'file';
  input.id = 'avatar-input';
  input.accept = 'image/png,image/jpeg,image/gif,image/webp';
  const remove = button('link', 'Remove avatar');
  remove.id = 'avatar-remove';
  const error = make('p', 'error');
  error.setAttribute('role', 'alert');
  error.hidden = true;
  box.append(preview, label, input, remove, error);

  const run = async (file) => {
    input.disabled = remove.disabled = true;
    showError(error, '');
    try {
      await change(file);
    } catch (err) {
      showError(error, err.message);
    } finally {
      input.disabled = remove.disabled = false;
      input.value = '';
    }
  };
  input.addEventListener('change', () => input.files[0] && run(input.files[0]));
  remove.addEventListener('click', () => run(null));
  return box;
}
