// What the page keeps in sessionStorage: a reload stays signed in, a new tab or browser session
// does not. The admin page (admin/admin.js) reads the token under the same key.

export const saved = {
  get token() { return sessionStorage.getItem('chat.token'); },
  get user() { return sessionStorage.getItem('chat.user'); },
  get room() { return sessionStorage.getItem('chat.room'); },
  set room(id) { id ? sessionStorage.setItem('chat.room', id) : sessionStorage.removeItem('chat.room'); },
  signIn(token, user) {
    sessionStorage.setItem('chat.token', token);
    sessionStorage.setItem('chat.user', user);
  },
  // The outbox survives a reload so a pending message is retried, with the same clientMsgId.
  get outbox() {
    try { return JSON.parse(sessionStorage.getItem('chat.outbox')) ?? []; } catch { return []; }
  },
  set outbox(items) { sessionStorage.setItem('chat.outbox', JSON.stringify(items)); },
  clear() { sessionStorage.clear(); },
};
