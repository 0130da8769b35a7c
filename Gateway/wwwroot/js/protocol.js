// WebSocket client for /ws (PROTOCOL.md "WebSocket"). It owns at most one socket,
// says `hello` first on every connection, reconnects with backoff, and turns
// frames that carry a `ref` into promises.

export class ProtocolError extends Error {
  constructor(code, message, retryAfterMs) {
    super(message || code);
    this.code = code;
    this.retryAfterMs = retryAfterMs;
  }
}

const REQUEST_TIMEOUT_MS = 10_000;
const PING_INTERVAL_MS = 25_000;
const BACKOFF_MIN_MS = 500;
const BACKOFF_MAX_MS = 10_000;

export function socketUrl() {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
}

export class Connection {
  #ws = null;
  #pending = new Map(); // ref → {resolve, reject, timer}
  #nextRef = 1;
  #attempt = 0;
  #retryTimer = 0;
  #pingTimer = 0;
  #stopped = true;

  /** True once `hello` succeeded on the current socket. */
  ready = false;
  /** 'connected' | 'connecting' | 'offline' */
  state = 'offline';

  /**
   * @param {object} o
   * @param {() => object} o.hello        fields of the hello frame (token, resume), read on every connect
   * @param {(data) => void} o.onReady    hello succeeded
   * @param {(frame) => void} o.onFrame   a server frame that is not an answer to a request
   * @param {(state) => void} o.onState
   * @param {() => void} o.onUnauthorized the token was refused (close 1008)
   */
  constructor(o) {
    this.o = o;
  }

  start() {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#attempt = 0;
    this.#open();
  }

  stop() {
    this.#stopped = true;
    clearTimeout(this.#retryTimer);
    this.#drop();
    this.#setState('offline');
  }

  /** Skip the rest of the backoff wait, e.g. when the browser comes back online. */
  retryNow() {
    if (this.#stopped || this.#ws) return;
    clearTimeout(this.#retryTimer);
    this.#open();
  }

  /** Abandon a socket that looks dead (a ping or send went unanswered) and start over. */
  reconnect() {
    if (this.#stopped || !this.#ws) return;
    this.#drop();
    this.#scheduleReconnect();
  }

  /** Send a frame with a fresh ref; resolves with the reply's `data`, rejects with ProtocolError. */
  request(type, fields = {}, timeoutMs = REQUEST_TIMEOUT_MS) {
    const ws = this.#ws;
    // Nothing but hello may precede hello, so other requests wait for `ready`.
    if (!ws || ws.readyState !== WebSocket.OPEN || (!this.ready && type !== 'hello')) {
      return Promise.reject(new ProtocolError('disconnected', 'Not connected.'));
    }
    const ref = String(this.#nextRef++);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(ref);
        reject(new ProtocolError('timeout', `The server did not answer "${type}" in time.`));
      }, timeoutMs);
      this.#pending.set(ref, { resolve, reject, timer });
      ws.send(JSON.stringify({ ...fields, type, ref }));
    });
  }

  /** A frame that gets no answer (e.g. `typing`); dropped when not connected. */
  notify(type, fields = {}) {
    if (this.ready) this.#ws.send(JSON.stringify({ ...fields, type }));
  }

  #open() {
    this.#setState('connecting');
    let ws;
    try {
      ws = new WebSocket(this.o.url ?? socketUrl());
    } catch {
      this.#scheduleReconnect();
      return;
    }
    this.#ws = ws;
    ws.onopen = () => this.#sayHello(ws);
    ws.onmessage = (e) => this.#receive(e.data);
    // An 'error' event is always followed by 'close', which does the work.
    ws.onclose = (e) => this.#closed(ws, e.code);
  }

  async #sayHello(ws) {
    let data;
    try {
      data = await this.request('hello', this.o.hello());
    } catch (err) {
      if (ws !== this.#ws) return;
      if (err.code === 'unauthorized') {
        // The server also closes with 1008; don't wait for it to give up.
        this.#stopped = true;
        this.#drop();
        this.#setState('offline');
        this.o.onUnauthorized();
      } else {
        this.reconnect();
      }
      return;
    }
    if (ws !== this.#ws) return;
    this.ready = true;
    this.#attempt = 0;
    this.#setState('connected');
    // Keep idle connections alive through proxies; an unanswered ping means a dead socket.
    this.#pingTimer = setInterval(() => {
      this.request('ping').catch((err) => { if (err.code === 'timeout') this.reconnect(); });
    }, PING_INTERVAL_MS);
    this.o.onReady(data);
  }

  #receive(raw) {
    let frame;
    try { frame = JSON.parse(raw); } catch { return; }
    if (!frame || typeof frame !== 'object') return;
    const waiter = (frame.type === 'reply' || frame.type === 'error') && frame.ref != null
      ? this.#pending.get(frame.ref) : undefined;
    if (!waiter) {
      this.o.onFrame(frame); // events, typing, presence, unread, resync; server pings need no answer
      return;
    }
    this.#pending.delete(frame.ref);
    clearTimeout(waiter.timer);
    if (frame.type === 'reply' && frame.ok !== false) waiter.resolve(frame.data ?? {});
    else waiter.reject(new ProtocolError(frame.code ?? 'error', frame.message, frame.retryAfterMs));
  }

  #closed(ws, code) {
    if (ws !== this.#ws) return; // a socket we already abandoned
    this.#ws = null;
    this.#teardown();
    if (code === 1008) { // policy violation: the token was refused
      this.#stopped = true;
      this.#setState('offline');
      this.o.onUnauthorized();
    } else if (!this.#stopped) {
      this.#scheduleReconnect(); // 1001 shutdown, 1013 too slow, network loss, ...
    }
  }

  #drop() {
    const ws = this.#ws;
    if (!ws) return;
    this.#ws = null;
    ws.onopen = ws.onmessage = ws.onclose = null;
    try { ws.close(1000); } catch { /* already closing */ }
    this.#teardown();
  }

  #teardown() {
    this.ready = false;
    clearInterval(this.#pingTimer);
    for (const { reject, timer } of this.#pending.values()) {
      clearTimeout(timer);
      reject(new ProtocolError('disconnected', 'The connection was lost.'));
    }
    this.#pending.clear();
  }

  #scheduleReconnect() {
    this.#setState('offline');
    // 0.5 s doubling to 10 s; the random half spreads clients out after a gateway restart.
    const base = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** this.#attempt);
    this.#attempt = Math.min(this.#attempt + 1, 20);
    clearTimeout(this.#retryTimer);
    this.#retryTimer = setTimeout(() => this.#open(), base / 2 + Math.random() * (base / 2));
  }

  #setState(state) {
    if (state === this.state) return;
    this.state = state;
    this.o.onState(state);
  }
}
