// Files in messages (docs/protocol.md, "Notes on attachments"): a file button, paste or drop in the
// composer uploads the file over HTTP with its progress shown, then queues a message carrying it
// (with whatever the composer holds as its text). A message shows an image's thumbnail (a click
// opens the whole image) and any other file as a download with its name and size.
//
// The files are served to members only, by bearer token, which an <img> cannot send: the page
// fetches them and shows them from blob: URLs (the page's CSP allows img-src blob:). Only raster
// images ever become images here; everything else is only downloaded.

import { make, button, ui } from './ui.js';
import { page } from './page.js';
import { saved } from './saved.js';
import { render, notice } from './render.js';
import { pumpOutbox } from './outbox.js';

// Object URLs of what was fetched, by path: a message node rebuilt does not fetch again.
const fetched = new Map();
let progress;

export function wireAttachments() {
  const input = make('input');
  input.type = 'file';
  input.id = 'attach-input';
  input.hidden = true;
  const attach = button('attach', '📎', 'Attach a file');
  attach.id = 'attach';
  progress = make('progress', 'upload-progress');
  progress.id = 'upload-progress';
  progress.max = 100;
  progress.hidden = true;
  progress.setAttribute('aria-label', 'Upload progress');
  ui.composerForm.prepend(input, attach);
  ui.composerForm.append(progress);

  attach.addEventListener('click', () => input.click());
  input.addEventListener('change', () => {
    for (const file of input.files) upload(file);
    input.value = '';
  });
  ui.composer.addEventListener('paste', (e) => takeFiles(e, e.clipboardData));
  ui.composerForm.addEventListener('dragover', (e) => {
    if (e.dataTransfer?.types.includes('Files')) e.preventDefault();
  });
  ui.composerForm.addEventListener('drop', (e) => takeFiles(e, e.dataTransfer));
}

function takeFiles(event, transfer) {
  const files = [...(transfer?.files ?? [])];
  if (!files.length) return;
  event.preventDefault();
  files.forEach(upload);
}

/** Uploads one file to the room on screen (XMLHttpRequest, for its upload progress), then sends it. */
function upload(file) {
  const room = page.currentId;
  if (!room) return;
  const xhr = new XMLHttpRequest();
  xhr.open('POST', `/api/rooms/${encodeURIComponent(room)}/attachments`);
  xhr.setRequestHeader('Authorization', `Bearer ${saved.token}`);
  xhr.setRequestHeader('X-File-Name', encodeURIComponent(file.name));
  xhr.setRequestHeader('Content-Type', 'application/octet-stream');
  progress.value = 0;
  progress.hidden = false;
  xhr.upload.addEventListener('progress', (e) => {
    if (e.lengthComputable) progress.value = (100 * e.loaded) / e.total;
  });
  xhr.addEventListener('loadend', () => {
    progress.hidden = true;
    if (xhr.status === 201) {
      sendWith(room, JSON.parse(xhr.responseText));
      return;
    }
    let detail = null;
    try { detail = JSON.parse(xhr.responseText)?.detail; } catch { /* not a problem document */ }
    notice(`${file.name} was not uploaded: ${detail ?? (xhr.status ? `HTTP ${xhr.status}` : 'the server could not be reached')}`);
  });
  xhr.send(file);
}

/** Queues a message carrying the upload, with the composer's text if any, through the outbox. */
function sendWith(room, attachment) {
  const text = page.currentId === room && ui.composer.value.trim() ? ui.composer.value : '';
  const item = page.store.queue(room, text);
  item.attachments = [attachment];
  if (text) ui.composer.value = '';
  saved.outbox = page.store.outbox;
  notice('');
  render();
  pumpOutbox();
}

/** The files of a message: thumbnails that open the image, downloads with name and size. */
export function attachmentsNode(attachments) {
  const box = make('div', 'attachments');
  for (const a of attachments) {
    box.dataset.attachments = [box.dataset.attachments, a.id].filter(Boolean).join(' ');
    if (a.hasThumbnail) {
      const open = button('attachment-image', undefined, `Open image ${a.name}`);
      const img = make('img', 'thumbnail');
      img.alt = a.name;
      show(img, `/api/attachments/${a.id}/thumbnail`);
      open.append(img);
      open.addEventListener('click', () => openImage(a));
      box.append(open);
    } else {
      const link = button('attachment-file link', `${a.name} (${sizeText(a.size)})`, `Download ${a.name}, ${sizeText(a.size)}`);
      link.addEventListener('click', () => download(a));
      box.append(link);
    }
  }
  return box;
}

function show(img, path) {
  objectUrl(path).then((url) => { img.src = url; }, () => { img.alt = `${img.alt} (not available)`; });
}

function objectUrl(path) {
  if (!fetched.has(path)) {
    const loading = fetch(path, { headers: { Authorization: `Bearer ${saved.token}` } })
      .then((r) => (r.ok ? r.blob() : Promise.reject(new Error(`HTTP ${r.status}`))))
      .then((blob) => URL.createObjectURL(blob));
    loading.catch(() => fetched.delete(path)); // a later try may succeed
    fetched.set(path, loading);
  }
  return fetched.get(path);
}

/** The whole image in a modal dialog; a click or Escape closes it. */
async function openImage(a) {
  const dialog = make('dialog', 'image-viewer');
  dialog.setAttribute('aria-label', a.name);
  const img = make('img', 'full-image');
  img.alt = a.name;
  dialog.append(img);
  dialog.addEventListener('click', () => dialog.close());
  dialog.addEventListener('close', () => dialog.remove());
  document.body.append(dialog);
  dialog.showModal();
  try {
    img.src = await objectUrl(`/api/attachments/${a.id}`);
  } catch {
    img.alt = `${a.name} (not available)`;
  }
}

async function download(a) {
  try {
    const link = make('a');
    link.href = await objectUrl(`/api/attachments/${a.id}`);
    link.download = a.name;
    link.click();
  } catch {
    notice(`${a.name} is not available.`);
  }
}

function sizeText(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}
