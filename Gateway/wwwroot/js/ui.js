// The page's elements, by the ids of index.html, and the small builders the view modules share.
// User text only ever goes in through textContent, never HTML.

const $ = (id) => document.getElementById(id);

export const ui = {
  authView: $('auth-view'),
  authForm: $('auth-form'),
  username: $('username'),
  password: $('password'),
  authError: $('auth-error'),
  authLoading: $('auth-loading'),
  signin: $('signin'),
  register: $('register'),
  chatView: $('chat-view'),
  connection: $('connection-state'),
  me: $('me'),
  signout: $('signout'),
  enableNotifications: $('enable-notifications'),
  searchForm: $('search-form'),
  searchInput: $('search-input'),
  searchResults: $('search-results'),
  searchSummary: $('search-summary'),
  searchList: $('search-list'),
  searchClose: $('search-close'),
  joinForm: $('join-form'),
  roomInput: $('room-input'),
  roomPrivate: $('room-private'),
  join: $('join'),
  roomError: $('room-error'),
  rooms: $('rooms'),
  currentRoom: $('current-room'),
  roomVisibility: $('room-visibility'),
  roomTopic: $('room-topic'),
  toggleMembers: $('toggle-members'),
  leave: $('leave'),
  notice: $('notice'),
  messages: $('messages'),
  messageLog: $('message-log'),
  jumpLatest: $('jump-latest'),
  mentionSuggestions: $('mention-suggestions'),
  confirmDialog: $('confirm-dialog'),
  confirmTitle: $('confirm-title'),
  confirmText: $('confirm-text'),
  confirmOk: $('confirm-ok'),
  themeToggle: $('theme-toggle'),
  typing: $('typing'),
  replyBar: $('reply-bar'),
  composerForm: $('composer-form'),
  composer: $('composer'),
  send: $('send'),
  membersPanel: $('members-panel'),
  membersTitle: $('members-title'),
  addMemberForm: $('add-member-form'),
  addMemberInput: $('add-member-input'),
  membersError: $('members-error'),
  invitationsPanel: $('invitations-panel'),
  invitations: $('invitations'),
  invitationsError: $('invitations-error'),
  members: $('members'),
  toggleDevices: $('toggle-devices'),
  devicesPanel: $('devices-panel'),
  devices: $('devices'),
  devicesError: $('devices-error'),
  roomSettings: $('room-settings'),
  topicForm: $('topic-form'),
  topicInput: $('topic-input'),
  unbanForm: $('unban-form'),
  unbanInput: $('unban-input'),
  inviteCreate: $('invite-create'),
  inviteLinks: $('invite-links'),
  settingsError: $('settings-error'),
};

export function make(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

export function button(className, text, label) {
  const b = make('button', className, text);
  b.type = 'button';
  if (label) b.setAttribute('aria-label', label);
  return b;
}

/** Show `message` in an error line, or hide the line when it is empty. */
export function showError(node, message) {
  node.textContent = message ?? '';
  node.hidden = !message;
}

export function formatTime(ts) {
  const d = new Date(ts);
  if (Number.isNaN(d.getTime())) return '';
  const sameDay = d.toDateString() === new Date().toDateString();
  return sameDay
    ? d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })
    : d.toLocaleString([], { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
}

export function timeNode(ts, label) {
  const t = make('time', 'time', label ?? formatTime(ts));
  if (ts) {
    t.dateTime = ts;
    t.title = new Date(ts).toLocaleString();
  }
  return t;
}
