// A part of the page drawn again from the store keeps what the user is in the middle of. The room
// list, the member list and the reply bar are redrawn on every change the page hears of (a message,
// a presence, an unread count). Swapping every node took the focus from the button a keyboard user
// had reached (the next Enter did nothing) and took the click from a button pressed with the mouse
// (the press and the release fell on two different buttons, so neither was clicked). So a node that
// would be drawn the same stays in place, and only what changed is swapped.

/** What names a control across drawings: the room or user of its item, and its class. */
function placeOf(control, parent) {
  const item = control.closest('li') ?? parent;
  if (!parent.contains(item)) return null;
  return { item: item.dataset.room ?? item.dataset.user ?? '', tag: control.tagName, className: control.className };
}

/**
 * Puts `children` in `parent`, keeping each present child that is drawn exactly like one of them
 * (the same markup) in its place. When a control that had the focus had to go, its counterpart in
 * the new drawing gets it (the same label first: a role button reads Promote or Demote by the role).
 */
export function redrawChildren(parent, children) {
  const focused = document.activeElement;
  const place = focused && focused !== parent && parent.contains(focused) ? placeOf(focused, parent) : null;
  const label = place && focused.getAttribute('aria-label');

  const present = new Map(); // markup → the present children drawn so, in order
  for (const child of parent.children) {
    const same = present.get(child.outerHTML);
    if (same) same.push(child);
    else present.set(child.outerHTML, [child]);
  }
  const wanted = children.map((child) => present.get(child.outerHTML)?.shift() ?? child);
  const keep = new Set(wanted);
  for (const child of [...parent.childNodes]) if (!keep.has(child)) child.remove();
  // Only what is new, or out of order, is inserted; a kept node in order is never moved.
  wanted.forEach((child, i) => {
    if (parent.childNodes[i] !== child) parent.insertBefore(child, parent.childNodes[i] ?? null);
  });

  if (!place || focused.isConnected) return;
  const same = [...parent.querySelectorAll(place.tag)].filter((control) => {
    const other = placeOf(control, parent);
    return other && other.item === place.item && other.className === place.className;
  });
  const again = same.find((control) => control.getAttribute('aria-label') === label) ?? same[0];
  again?.focus({ preventScroll: true });
}
