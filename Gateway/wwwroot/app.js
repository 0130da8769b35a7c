// ChatApp web page: the bootstrap. The modules in js/ share one context (js/page.js) and each
// wires its own controls; this file makes the /ws client with their handlers, wires them, and
// picks up a session saved before a reload. PROTOCOL.md (docs/protocol.md in the repo) is the
// contract.

import { Connection } from './js/protocol.js';
import { ui } from './js/ui.js';
import { showSignedIn, renderConnection } from './js/view.js';
import { askForNotifications } from './js/notifications.js';
import { page } from './js/page.js';
import { render } from './js/render.js';
import { start, signOut, wireAuth, SESSION_ENDED } from './js/auth.js';
import { helloFields, connected } from './js/connection.js';
import { receive } from './js/events.js';
import { wireRooms } from './js/rooms.js';
import { wireMembers } from './js/members.js';
import { wireDirect } from './js/direct.js';
import { wireInvitations } from './js/invitations.js';
import { wireHistory } from './js/history.js';
import { wireEditing } from './js/editing.js';
import { wireOutbox } from './js/outbox.js';
import { wireReplies } from './js/replies.js';
import { wireReactions } from './js/reactions.js';
import { wireAttachments } from './js/attachments.js';
import { wireTyping } from './js/typing.js';
import { wireSearch } from './js/search.js';
import { markReadSoon } from './js/readmarkers.js';
import { refreshSession, whenSessionLost } from './js/session.js';
import { wireDevices } from './js/devices.js';
import { wireRoomSettings, rememberInviteLink } from './js/roomsettings.js';
import { wireProfiles } from './js/profiles.js';
import { wireJumpLatest } from './js/jumplatest.js';
import { wireAutocomplete } from './js/autocomplete.js';
import { wireRoomKeys } from './js/roomkeys.js';
import { wireTheme } from './js/theme.js';

page.conn = new Connection({
  hello: helloFields,
  onReady: connected,
  onFrame: receive,
  onState: (state) => { renderConnection(state); render(); },
  onUnauthorized: tokenRefused,
});

// A refused token may only have expired: one silent refresh and a new connection, else sign out.
let lastRetry = 0;
async function tokenRefused() {
  const again = Date.now() - lastRetry > 10_000 && (await refreshSession());
  lastRetry = Date.now();
  if (again) page.conn.start();
  else signOut(SESSION_ENDED);
}

wireAuth();
wireRooms();
wireMembers();
wireDirect();
wireInvitations();
wireHistory();
wireEditing();
wireOutbox();
wireReplies();
wireReactions();
wireAttachments();
wireTyping();
wireSearch();
wireJumpLatest();
wireAutocomplete();
wireRoomKeys();
wireTheme(ui.themeToggle);
ui.enableNotifications.addEventListener('click', () => askForNotifications(ui.enableNotifications));
window.addEventListener('online', () => page.conn.retryNow());
// Coming back to the tab reads the room on screen (while the tab is hidden nothing is marked read).
document.addEventListener('visibilitychange', markReadSoon);

renderConnection('offline');
whenSessionLost(() => signOut(SESSION_ENDED));
wireDevices();
wireRoomSettings();
wireProfiles();
// A new tab, a reload or a new window: the refresh cookie signs in silently, or the form shows.
rememberInviteLink();
refreshSession().then((signedIn) => (signedIn ? start() : showSignedIn(null)));
