// The contract's rules as the page applies them: room ids, message length, user and direct
// room names, and who may moderate whom. The server decides; these only shape what the page offers.

export const ROOM_ID = /^[a-z0-9][a-z0-9_-]{0,63}$/;
export const MAX_TEXT = 4000;

/** Users arrive as `{id, name}` objects or plain names; the page shows names. */
export function userName(u) {
  return typeof u === 'string' ? u : (u?.name ?? u?.id ?? '');
}

const DIRECT_PREFIX = 'dm:';

/** Direct-message rooms are `dm:{a}:{b}`, made only by the server (POST /api/dms). */
export function isDirect(id) {
  return id.startsWith(DIRECT_PREFIX);
}

/**
 * What a room is called on screen: its id, or for a direct-message room the other person's name,
 * as the server titles it in RoomSummary.topic (DirectRoom.Other). Derived from the id so a
 * room learnt of by a bare event has its name before any summary arrives.
 */
export function roomTitle(id, me) {
  if (!isDirect(id)) return id;
  const [a, b] = id.slice(DIRECT_PREFIX.length).split(':');
  return a === me && b ? b : a;
}

const RANK = { owner: 2, moderator: 1 };
/** Moderation as the room grain decides it: only on someone of lower rank (RoomPermissions). */
export function canModerate(role) {
  return (RANK[role] ?? 0) >= 1;
}
export function outranks(role, other) {
  return canModerate(role) && (RANK[role] ?? 0) > (RANK[other] ?? 0);
}
