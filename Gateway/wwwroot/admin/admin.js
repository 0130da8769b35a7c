// The admin overview: reads /api/admin/overview with the signed-in user's token and shows it.
// Every value is written with textContent, never as HTML: room topics and names are user text.
// Signing in works as on the chat page (docs/security.md "Staying signed in"): the access token
// lives in memory only, and the HttpOnly refresh cookie, shared with the chat page, brings a fresh
// one to a new tab or a reload, so signed in there is signed in here.

import { refreshSession, schedule, whenSessionLost } from '../js/session.js';
import { saved } from '../js/saved.js';

const $ = (id) => document.getElementById(id);

const REFRESH_MS = 15000;

let timer = null;

async function call(path, { method = 'GET', body } = {}) {
  const headers = { Accept: 'application/json' };
  const token = saved.token;
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  let json = null;
  try { json = await response.json(); } catch { /* an empty or non-JSON answer */ }
  return { status: response.status, json };
}

function show(view) {
  $('signin').hidden = view !== 'signin';
  $('overview').hidden = view !== 'overview';
  $('refresh').hidden = view !== 'overview';
}

function say(text) {
  $('message').textContent = text ?? '';
  $('message').hidden = !text;
}

function cell(row, text, className) {
  const td = document.createElement('td');
  td.textContent = text;
  if (className) td.className = className;
  row.append(td);
}

function when(iso) {
  return iso ? new Date(iso).toLocaleString() : '—';
}

function fill(tbody, items, columns, emptyText) {
  tbody.replaceChildren();
  if (items.length === 0) {
    const row = document.createElement('tr');
    const td = document.createElement('td');
    td.colSpan = columns;
    td.className = 'empty';
    td.textContent = emptyText;
    row.append(td);
    tbody.append(row);
  }
  return items;
}

function render(overview) {
  $('generated').textContent = `as of ${when(overview.generatedAt)}`;
  $('room-count').textContent = `(${overview.rooms.length}, most recently active first)`;
  for (const room of fill($('rooms'), overview.rooms, 7, 'No rooms yet.')) {
    const row = document.createElement('tr');
    cell(row, room.topic ? `${room.id} — ${room.topic}` : room.id);
    cell(row, room.visibility);
    cell(row, room.owner || '—');
    cell(row, String(room.members), 'num');
    cell(row, String(room.messages), 'num');
    cell(row, String(room.lastSeq), 'num');
    cell(row, when(room.lastActivity));
    $('rooms').append(row);
  }
  const gateway = overview.gateway;
  $('gateway-scope').textContent = gateway.scope;
  $('gateway-instance').textContent = `(${gateway.instance}: ${gateway.connections} sockets)`;
  for (const user of fill($('users'), gateway.users, 2, 'Nobody is connected to this gateway.')) {
    const row = document.createElement('tr');
    cell(row, user.name);
    cell(row, String(user.connections), 'num');
    $('users').append(row);
  }
}

function signedOut(reason) {
  clearTimeout(timer);
  saved.clear();
  say(reason);
  show('signin');
}

async function load() {
  clearTimeout(timer);
  if (!saved.token) {
    show('signin');
    return;
  }
  $('me').textContent = saved.user ?? '';
  let answer;
  try {
    answer = await call('/api/admin/overview');
    // The token may only have expired: one refresh from the cookie, then once more.
    if (answer.status === 401 && await refreshSession()) answer = await call('/api/admin/overview');
  } catch {
    say('Cannot reach the gateway; retrying.');
    timer = setTimeout(load, REFRESH_MS);
    return;
  }
  if (answer.status === 401) {
    signedOut('Your session has ended; sign in again.');
    return;
  }
  if (answer.status === 403) {
    show('none');
    say('This account is not an administrator (an operator grants the role: ChatApp.Silo admin grant NAME).');
    return;
  }
  if (answer.status !== 200) {
    say(answer.json?.detail ?? `The overview failed (HTTP ${answer.status}); retrying.`);
    timer = setTimeout(load, REFRESH_MS);
    return;
  }
  say(null);
  render(answer.json);
  show('overview');
  timer = setTimeout(load, REFRESH_MS);
}

$('signin').addEventListener('submit', async (event) => {
  event.preventDefault();
  const username = $('username').value.trim().toLowerCase();
  const answer = await call('/api/auth/login', { method: 'POST', body: { username, password: $('password').value } });
  $('password').value = '';
  if (answer.status !== 200) {
    say(answer.json?.detail ?? 'Sign-in failed.');
    return;
  }
  saved.signIn(answer.json.token, answer.json.user?.name ?? username);
  schedule(answer.json.token);
  say(null);
  await load();
});

$('refresh').addEventListener('click', load);

whenSessionLost(() => signedOut('Your session has ended; sign in again.'));
refreshSession().then(load);
