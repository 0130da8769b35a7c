// The message list read as a conversation: one sender's messages a few minutes apart form a group
// that shows the sender and time once, and each day starts under a line that names it.

/** The longest pause between two messages of one group. */
export const GROUP_GAP_MS = 5 * 60_000;

/** The local calendar day of a timestamp, as a key ('' for none). */
export function dayKey(ts) {
  const d = new Date(ts);
  return Number.isNaN(d.getTime()) ? '' : `${d.getFullYear()}-${d.getMonth() + 1}-${d.getDate()}`;
}

/** `item` goes on the group of `prev`, the item just above it: same sender, same day, soon after. */
export function continues(prev, item) {
  if (prev?.kind !== 'message' || item?.kind !== 'message' || prev.sender !== item.sender) return false;
  const gap = new Date(item.ts) - new Date(prev.ts);
  return gap >= 0 && gap <= GROUP_GAP_MS && dayKey(prev.ts) === dayKey(item.ts);
}

/** A day line's words: "Today", "Yesterday", or the date. */
export function dayLabel(ts, now = new Date()) {
  const key = dayKey(ts);
  if (key === dayKey(now)) return 'Today';
  const yesterday = new Date(now);
  yesterday.setDate(now.getDate() - 1);
  if (key === dayKey(yesterday)) return 'Yesterday';
  const d = new Date(ts);
  return d.toLocaleDateString([], {
    weekday: 'long', month: 'long', day: 'numeric', year: d.getFullYear() === now.getFullYear() ? undefined : 'numeric',
  });
}

/**
 * Where the "new messages" line goes when a room is opened: before the first of the `unread`
 * messages from others (the newest ones), or before the first loaded one when more are unread
 * than loaded; undefined when nothing is unread.
 */
export function firstUnreadSeq(items, unread, me) {
  if (!(unread > 0)) return undefined;
  const others = items.filter((i) => i.kind === 'message' && i.sender !== me);
  return others[Math.max(0, others.length - unread)]?.seq;
}
