// A list drawn again from the store keeps the keyboard's place. The room list and the member list
// are redrawn on every change the page hears of (a message, a presence, an unread count): without
// this, each redraw took the focus from the button a keyboard user had reached and left it on the
// page itself, so the next Tab started over and the next Enter did nothing.

/** What names a control across drawings: the room or user of its item, and its class. */
function placeOf(control, list) {
  const item = control.closest('li');
  if (!item || !list.contains(item)) return null;
  return { item: item.dataset.room ?? item.dataset.user ?? '', tag: control.tagName, className: control.className };
}

/**
 * Replaces the list's children; when one of its controls had the focus, its counterpart in the new
 * drawing gets it back (the same label first: a role button reads Promote or Demote by the role).
 */
export function replaceKeepingFocus(list, children) {
  const focused = document.activeElement;
  const place = focused && focused !== list && list.contains(focused) ? placeOf(focused, list) : null;
  const label = place && focused.getAttribute('aria-label');
  list.replaceChildren(...children);
  if (!place) return;
  const same = [...list.querySelectorAll(place.tag)].filter((control) => {
    const other = placeOf(control, list);
    return other && other.item === place.item && other.className === place.className;
  });
  const again = same.find((control) => control.getAttribute('aria-label') === label) ?? same[0];
  again?.focus({ preventScroll: true });
}
