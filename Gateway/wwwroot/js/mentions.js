// @name mentions. The server tells the named user with a `mention` frame; the page also reads
// them from the text, so a message loaded from history is highlighted like one that arrived live.

// The server's rule (Grains/Rooms/Mentions.cs): a user-name shaped word after an @ that starts a
// word, without trailing dots or dashes, lower-cased. Kept in step with it by hand: a name
// the two read differently would be highlighted live and not after a reload, or the reverse.
export const MENTION = /(?<![\p{L}\p{Mn}\p{Nd}\p{Pc}@.])@([a-zA-Z0-9][a-zA-Z0-9_.-]{2,31})/gu;

/** The user names a text mentions. */
export function mentionedNames(text) {
  return new Set([...(text ?? '').matchAll(MENTION)].map((m) => m[1].replace(/[.-]+$/, '').toLowerCase()));
}

// Items are immutable (an edit replaces the item), so the answer per item can be kept.
const cache = new WeakMap();

/**
 * The message names `me` and is someone else's: the server mentions nobody to themselves.
 * `seqs` are the messages mention frames named in its room.
 */
export function mentionsMe(item, me, seqs) {
  if (item.kind !== 'message' || item.deleted || !me || item.sender === me) return false;
  if (seqs.has(item.seq)) return true;
  let names = cache.get(item);
  if (!names) cache.set(item, (names = mentionedNames(item.text)));
  return names.has(me);
}

// A mention frame comes on the user's stream, its message on the room's: either may be first.
const TEXT_WAIT_MS = 2_000;

/**
 * Mentions that wait for their message's text before being shown (as a notification): at most
 * TEXT_WAIT_MS, then without it.
 */
export class WaitingMentions {
  #waiting = new Map(); // `${room}\n${seq}` → {mention, timer}

  /** @param {(mention: {room, seq, sender}, text: string?) => void} show */
  constructor(show) {
    this.show = show;
  }

  /** A mention frame; `text` is its message's, if that is here already. */
  add(mention, text) {
    if (text !== undefined) {
      this.show(mention, text);
      return;
    }
    const key = `${mention.room}\n${mention.seq}`;
    if (this.#waiting.has(key)) return;
    const timer = setTimeout(() => {
      this.#waiting.delete(key);
      this.show(mention, undefined);
    }, TEXT_WAIT_MS);
    this.#waiting.set(key, { mention, timer });
  }

  /** A message arrived: the mention waiting for it, if any, is shown now. */
  arrived(room, seq, text) {
    const key = `${room}\n${seq}`;
    const waiting = this.#waiting.get(key);
    if (!waiting) return;
    clearTimeout(waiting.timer);
    this.#waiting.delete(key);
    this.show(waiting.mention, text);
  }

  clear() {
    for (const { timer } of this.#waiting.values()) clearTimeout(timer);
    this.#waiting.clear();
  }
}
