// The member list beside the room; members.js keeps it fresh and acts on its buttons.

import { userName, isDirect } from './rules.js';
import { ui, make, button } from './ui.js';
import { userLabel } from './profiles.js';
import { avatarOf } from './avatars.js';
import { redrawChildren } from './redraw.js';

const ROLE_ORDER = { owner: 0, moderator: 1, member: 2 };

/**
 * The member list of the room, with what the user may do to each member.
 * @param {object} o {me, myRole, open, outranks(role, other)}
 */
export function renderMembers(room, o) {
  const members = room?.member && room.details?.members ? [...room.details.members] : null;
  ui.membersPanel.hidden = !members || !o.open;
  ui.toggleMembers.setAttribute('aria-expanded', String(Boolean(members && o.open)));
  if (!members) {
    ui.members.replaceChildren();
    return;
  }
  // A big room sends its first page of members and its count, not every member.
  const count = Math.max(room.details.memberCount ?? 0, members.length);
  ui.membersTitle.textContent = `Members (${count})`;
  ui.toggleMembers.textContent = `Members (${count})`;
  const isPrivate = room.details.visibility === 'private';
  ui.addMemberForm.hidden = !(isPrivate && (o.myRole === 'owner' || o.myRole === 'moderator'));

  members.sort((a, b) => (ROLE_ORDER[a.role] ?? 3) - (ROLE_ORDER[b.role] ?? 3) || userName(a.user).localeCompare(userName(b.user)));
  const items = members.map((m) => {
    const name = userName(m.user);
    const li = make('li', 'member');
    li.dataset.user = name;
    li.dataset.role = m.role;
    li.classList.toggle('online', Boolean(m.online));
    const who = make('div', 'who');
    const dot = make('span', 'dot');
    dot.title = m.online ? 'online' : 'offline';
    // Anyone else's name opens the direct-message room with them, unless this is that room.
    const direct = name !== o.me && !isDirect(room.id);
    const nameNode = direct ? button('member-name dm', undefined, `Message ${name} directly`) : make('span', 'member-name');
    nameNode.append(userLabel(name));
    who.append(dot, avatarOf(name), nameNode);
    if (direct) who.lastChild.title = `Message ${name} directly`;
    if (name === o.me) who.append(make('span', 'you', '(you)'));
    if (m.role !== 'member') who.append(make('span', `role ${m.role}`, m.role));
    li.append(who);
    if (name !== o.me && o.outranks(o.myRole, m.role)) {
      const actions = make('div', 'member-actions');
      if (o.myRole === 'owner') {
        // Each name starts with the button's words, so speech input can say what is on screen.
        const promote = m.role === 'moderator'
          ? button('role-change', 'Demote', `Demote ${name}`)
          : button('role-change', 'Promote', `Promote ${name}`);
        promote.title = m.role === 'moderator' ? `Make ${name} a plain member` : `Make ${name} a moderator`;
        promote.dataset.role = m.role === 'moderator' ? 'member' : 'moderator';
        actions.append(promote);
        const hand = button('hand-owner', 'Make owner', `Make owner: ${name}`);
        hand.title = `Hand the room to ${name}`;
        actions.append(hand);
      }
      actions.append(button('kick', 'Kick', `Kick ${name} from the room`), button('ban', 'Ban', `Ban ${name} from the room`));
      li.append(actions);
    }
    return li;
  });
  if (count > members.length) items.push(make('li', 'member more', `and ${count - members.length} more`));
  redrawChildren(ui.members, items);
}
