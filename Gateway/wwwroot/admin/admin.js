// The admin overview: reads /api/admin/overview with the signed-in user's token and shows it.
// Every value is written with textContent, never as HTML: room topics and names are user text.

const $ = (id) => document.getElementById(id);

// The chat page keeps its token in sessionStorage under the same key: signed in there is signed in here.
const TOKEN = 'chat.token';
const USER = 'chat.user';
const REFRESH_MS = 15000;

let timer = null;

async function call(path, { method = 'GET', body } = {}) {
  const headers = { Accept: 'application/json' };
  const token = sessionStorage.getItem(TOKEN);
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

async function load() {
  clearTimeout(timer);
  if (!sessionStorage.getItem(TOKEN)) {
    show('signin');
    return;
  }
  $('me').textContent = sessionStorage.getItem(USER) ?? '';
  let answer;
  try {
    answer = await call('/api/admin/overview');
  } catch {
    say('Cannot reach the gateway; retrying.');
    timer = setTimeout(load, REFRESH_MS);
    return;
  }
  if (answer.status === 401) {
    sessionStorage.removeItem(TOKEN);
    say('Your session has ended; sign in again.');
    show('signin');
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
  sessionStorage.setItem(TOKEN, answer.json.token);
  sessionStorage.setItem(USER, answer.json.user?.name ?? username);
  say(null);
  await load();
});

$('refresh').addEventListener('click', load);

load();
