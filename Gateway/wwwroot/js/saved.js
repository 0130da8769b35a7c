// What the page keeps: the access token in memory only (no script storage holds a token; a new tab
// or a reload gets a fresh one from the HttpOnly refresh cookie, js/session.js), and in
// sessionStorage the user's name, the room on screen and the outbox, none of which signs anyone in.

let accessToken = null;

export const saved = {
  get token() { return accessToken; },
  set token(token) { accessToken = token; },
  get user() { return sessionStorage.getItem('chat.user'); },
  get room() { return sessionStorage.getItem('chat.room'); },
  set room(id) { id ? sessionStorage.setItem('chat.room', id) : sessionStorage.removeItem('chat.room'); },
  signIn(token, user) {
    accessToken = token;
    sessionStorage.setItem('chat.user', user);
  },
  // The outbox survives a reload so a pending message is retried, with the same clientMsgId.
  get outbox() {
    try { return JSON.parse(sessionStorage.getItem('chat.outbox')) ?? []; } catch { return []; }
  },
  set outbox(items) { sessionStorage.setItem('chat.outbox', JSON.stringify(items)); },
  clear() {
    accessToken = null;
    sessionStorage.clear();
  },
};
