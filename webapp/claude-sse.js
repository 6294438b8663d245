// claude-sse.js: a small client for claude-sse's event streams, for pages and for Node 18+.
// No build step and no dependencies: import it as an ES module from the same origin.
//
//   import { chat } from './claude-sse.js';
//   const answer = chat({ message: 'Hello', on: { chunk: d => out.append(d.text) } });
//   await answer.finished;            // {outcome: 'done' | 'error', ...}
//
// docs/protocol.md (section "For frontend developers") describes every option.

/**
 * Parses a text/event-stream body by the WHATWG rules (HTML, "Interpreting an event stream").
 * Feed it bytes (Uint8Array) or strings in any pieces; it calls onEvent({type, data, id}) per event.
 * id is the last event id in force when the event was dispatched ("" when none was ever set).
 */
export class EventStreamParser {
  #onEvent;
  #decoder = new TextDecoder('utf-8'); // strips a leading BOM itself when given bytes
  #atStart = true;     // a BOM is only skipped at the very start of the stream
  #afterCR = false;    // the last piece ended in CR: an LF at the start of the next one belongs to it
  #partial = '';       // an unfinished line carried over to the next piece
  #type = '';
  #data = '';
  #hasData = false;
  #idBuffer = '';

  /** The last event id string, as the stream has set it so far. */
  lastEventId = '';
  /** The reconnection time in milliseconds the server asked for, or null. */
  retry = null;

  constructor(onEvent) {
    this.#onEvent = onEvent;
  }

  /** Takes the next piece of the stream: a Uint8Array (decoded as UTF-8 across pieces) or a string. */
  feed(piece) {
    const text = typeof piece === 'string' ? piece : this.#decoder.decode(piece, { stream: true });
    this.#lines(text);
  }

  /** The stream has ended: flushes the decoder; an event without its blank line is dropped, as the rules say. */
  end() {
    this.#lines(this.#decoder.decode());
    this.#partial = '';
    this.#resetEvent();
  }

  #lines(text) {
    if (text.length === 0) return;
    let pos = 0;
    if (this.#atStart) {
      this.#atStart = false;
      if (text.charCodeAt(0) === 0xfeff) pos = 1;
    }
    if (this.#afterCR) {
      this.#afterCR = false;
      if (text.charCodeAt(pos) === 10) pos++;
    }
    // Positions of the next CR and LF are kept between lines so a long piece is scanned once.
    let lf = text.indexOf('\n', pos);
    let cr = text.indexOf('\r', pos);
    while (pos < text.length) {
      if (lf !== -1 && lf < pos) lf = text.indexOf('\n', pos);
      if (cr !== -1 && cr < pos) cr = text.indexOf('\r', pos);
      const end = lf === -1 ? cr : cr === -1 ? lf : Math.min(lf, cr);
      if (end === -1) {
        this.#partial += text.slice(pos);
        return;
      }
      const line = this.#partial.length ? this.#partial + text.slice(pos, end) : text.slice(pos, end);
      this.#partial = '';
      pos = end + 1;
      if (end === cr) {
        if (pos === text.length) this.#afterCR = true;
        else if (text.charCodeAt(pos) === 10) pos++;
      }
      this.#line(line);
    }
  }

  #line(line) {
    if (line.length === 0) {
      this.#dispatch();
      return;
    }
    if (line.charCodeAt(0) === 58) return; // ':' starts a comment
    const colon = line.indexOf(':');
    let field = line;
    let value = '';
    if (colon !== -1) {
      field = line.slice(0, colon);
      value = line.slice(line.charCodeAt(colon + 1) === 32 ? colon + 2 : colon + 1);
    }
    switch (field) {
      case 'event': this.#type = value; break;
      case 'data':
        this.#data = this.#hasData ? this.#data + '\n' + value : value;
        this.#hasData = true;
        break;
      case 'id': if (value.indexOf('\0') === -1) this.#idBuffer = value; break;
      case 'retry': if (/^[0-9]+$/.test(value)) this.retry = Number(value); break;
      default: break; // unknown fields are ignored
    }
  }

  #dispatch() {
    this.lastEventId = this.#idBuffer;
    if (!this.#hasData) {
      this.#resetEvent();
      return;
    }
    const event = { type: this.#type || 'message', data: this.#data, id: this.lastEventId };
    this.#resetEvent();
    this.#onEvent(event);
  }

  #resetEvent() {
    this.#type = '';
    this.#data = '';
    this.#hasData = false;
  }
}

const TERMINAL = new Set(['done', 'error']);
const DEFAULTS = { retries: 5, backoffMs: 500, maxBackoffMs: 8000 };

/**
 * Sends one message and follows its answer to the end, resuming by itself after a dropped connection.
 * Returns an Answer at once; handlers in options.on are called as events arrive.
 */
export function chat(options) {
  if (!options || (typeof options.message !== 'string' && options.regenerate !== true)) {
    throw new TypeError('chat(options) needs options.message, a string (or regenerate: true)');
  }
  const answer = new Answer(options);
  answer._begin(() => answer._post());
  return answer;
}

/**
 * Follows an answer that is already running (or finished and still kept for replay), from the event
 * after lastEventId (0 or absent = from the beginning). For a page reloaded in the middle of an answer.
 * An answer the server no longer holds in memory (after its replay window, or a restart) comes back from
 * the store whole: start with replayed: true and ids from 1 again; text is then replaced, not added to.
 */
export function resume(messageId, lastEventId, options = {}) {
  if (!messageId) throw new TypeError('resume(messageId, lastEventId, options) needs a messageId');
  const answer = new Answer(options);
  answer.messageId = String(messageId);
  answer.lastEventId = lastEventId == null ? 0 : Number(lastEventId);
  answer._begin(() => answer._get());
  return answer;
}

/** One answer being followed. Read messageId, lastEventId, text; call stop() or close(). */
export class Answer {
  messageId = null;
  conversationId = null;
  lastEventId = 0;
  text = '';
  thinking = '';
  cost = null;
  /** 'done' or 'error' once the terminal event has been handled, else null. */
  outcome = null;
  /** Resolves (never rejects) when the answer has ended: {outcome, messageId, text, cost, stopReason?, error?}. */
  finished;

  #options;
  #settings;
  #handlers;
  #fetch;
  #connection = new AbortController(); // aborts our own reads only; never what Claude is doing
  #closed = false;
  #stopRequested = false;
  #stopPromise = null;
  #resolveFinished;
  #received = 0; // events taken, to tell a reconnect that made progress (ids may start again at 1)

  constructor(options) {
    this.#options = options;
    this.#settings = { ...DEFAULTS, ...options };
    this.#handlers = options.on || {};
    this.#fetch = options.fetch || globalThis.fetch.bind(globalThis);
    this.finished = new Promise(resolve => { this.#resolveFinished = resolve; });
    this.#url('api/chat'); // fails now, not later, when there is no base URL to resolve against
    const signal = options.signal;
    if (signal) {
      if (signal.aborted) this.#stopRequested = true;
      else signal.addEventListener('abort', () => { this.stop(); }, { once: true });
    }
  }

  /**
   * Asks the server to stop Claude; the stream then ends with cost and done {stopReason: "stopped"},
   * so the partial answer is saved. Resolves to the server's JSON reply (or null if nothing to stop).
   */
  stop() {
    if (this.outcome || this.#closed) return Promise.resolve(null);
    this.#stopRequested = true;
    if (!this.messageId) return Promise.resolve(null); // sent as soon as start names the answer
    if (!this.#stopPromise) {
      const url = this.#url(`api/chat/${encodeURIComponent(this.messageId)}/stop`);
      this.#stopPromise = this.#fetch(url, this.#init('POST', { 'Content-Type': 'application/json' }, '{}'))
        .then(r => r.json().catch(() => null))
        .catch(() => null); // the stream keeps running; the user may press Stop again
      this.#stopPromise.then(reply => { if (reply === null) this.#stopPromise = null; });
    }
    return this.#stopPromise;
  }

  /** Drops the connection without stopping Claude (the answer goes on and can be resumed later). */
  close() {
    this.#closed = true;
    this.#connection.abort();
    this.#resolveFinished({ outcome: 'closed', messageId: this.messageId, text: this.text, cost: this.cost });
  }

  /** Runs the first request, then reconnects with backoff until a terminal event, a give-up or close(). */
  async _begin(first) {
    let attempt = 0;
    let request = first;
    for (;;) {
      const before = this.#received;
      let failure;
      try {
        failure = await request();
      } catch (err) {
        failure = this.#closed ? null : { reason: describe(err), canResume: true };
      }
      if (this.outcome || this.#closed || !failure) return;
      if (!failure.canResume || !this.messageId) {
        this.#fail(failure.error || {
          type: 'connection_failed', message: `Could not reach the server: ${failure.reason}`, retryable: true,
        });
        return;
      }
      if (this.#received > before) attempt = 0; // progress was made: the next drop starts a fresh count
      attempt++;
      if (attempt > this.#settings.retries) {
        this.#fail({
          type: 'connection_lost',
          message: `Lost the connection to the answer and could not resume it after ${this.#settings.retries} tries (${failure.reason}).`,
          retryable: true,
        });
        return;
      }
      const delayMs = Math.min(this.#settings.backoffMs * 2 ** (attempt - 1), this.#settings.maxBackoffMs);
      this.#call('reconnecting', { attempt, delayMs, reason: failure.reason, lastEventId: this.lastEventId });
      await sleep(delayMs, this.#connection.signal);
      if (this.#closed) return;
      request = () => this._get();
    }
  }

  /** POST api/chat. Returns null when the answer ended, or a failure {reason, canResume, error?}. */
  async _post() {
    const o = this.#options;
    const body = { ...(o.body || {}), message: o.message };
    for (const key of ['conversationId', 'model', 'system', 'maxTokens', 'temperature', 'thinking', 'effort', 'regenerate']) {
      if (o[key] !== undefined && o[key] !== null) body[key] = o[key];
    }
    const response = await this.#fetch(this.#url('api/chat'),
      this.#init('POST', { 'Content-Type': 'application/json', Accept: 'text/event-stream' }, JSON.stringify(body)));
    if (!isEventStream(response)) {
      return { canResume: false, error: await errorFrom(response) };
    }
    return this.#read(response);
  }

  /** GET api/chat/{messageId}/stream after lastEventId. */
  async _get() {
    const url = this.#url(`api/chat/${encodeURIComponent(this.messageId)}/stream`);
    const response = await this.#fetch(url,
      this.#init('GET', { Accept: 'text/event-stream', 'Last-Event-ID': String(this.lastEventId) }));
    if (!isEventStream(response)) {
      const error = await errorFrom(response);
      // 404: the server no longer knows the answer; another try would not change that.
      const canResume = response.status >= 500 || response.status === 429;
      return { reason: error.message, canResume, error };
    }
    return this.#read(response);
  }

  async #read(response) {
    const reader = response.body.getReader();
    const parser = new EventStreamParser(event => this.#event(event));
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        parser.feed(value);
        if (this.outcome) break;
      }
      if (!this.outcome) parser.end();
    } finally {
      if (this.outcome) reader.cancel().catch(() => {});
    }
    return this.outcome ? null : { reason: 'the stream ended before the answer did', canResume: true };
  }

  #event({ type, data, id }) {
    if (type === 'ping' || this.outcome) return;
    let payload;
    try {
      payload = JSON.parse(data);
    } catch {
      payload = { raw: data };
    }
    const n = id === '' ? NaN : Number(id);
    if (type === 'start' && payload?.replayed === true) {
      // The answer rebuilt from the store: its ids start again at 1 and it brings the whole text, so
      // what was shown so far is replaced by what follows.
      this.text = '';
      this.thinking = '';
      this.cost = null;
      if (Number.isInteger(n)) this.lastEventId = n;
    } else if (Number.isInteger(n)) {
      if (n <= this.lastEventId) return; // already seen: a replay overlapped what we had
      this.lastEventId = n;
    }
    this.#received++;
    switch (type) {
      case 'start':
        this.messageId = payload.messageId ?? this.messageId;
        this.conversationId = payload.conversationId ?? this.conversationId;
        if (this.#stopRequested) this.stop();
        break;
      case 'chunk': this.text += payload.text ?? ''; break;
      case 'thinking': this.thinking += payload.text ?? ''; break;
      case 'cost': this.cost = payload; break;
      case 'done': this.outcome = 'done'; break;
      case 'error': this.outcome = 'error'; break;
      default: break;
    }
    this.#call(type, payload);
    this.#call('event', { type, data: payload, id: this.lastEventId });
    if (TERMINAL.has(type)) this.#finish(type === 'error' ? { error: payload } : { stopReason: payload.stopReason });
  }

  /** Ends the answer with an error made here (network gave out, or the request was refused). */
  #fail(error) {
    if (this.outcome) return;
    this.outcome = 'error';
    this.#call('error', error);
    this.#call('event', { type: 'error', data: error, id: this.lastEventId });
    this.#finish({ error });
  }

  #finish(extra) {
    this.#resolveFinished({
      outcome: this.outcome, messageId: this.messageId, conversationId: this.conversationId,
      text: this.text, cost: this.cost, ...extra,
    });
  }

  #call(name, payload) {
    const handler = this.#handlers[name];
    if (typeof handler !== 'function') return;
    try {
      handler(payload, this);
    } catch (err) {
      // A failing handler must not break the stream for the others.
      setTimeout(() => { throw err; });
    }
  }

  #url(path) {
    const base = this.#options.baseUrl ?? globalThis.location?.href;
    if (!base) throw new TypeError('options.baseUrl is needed outside a page (e.g. "http://localhost:8080/")');
    return new URL(path, base).href;
  }

  #init(method, headers, body) {
    return {
      method,
      headers: { ...headers, ...(this.#options.headers || {}) },
      body,
      credentials: this.#options.credentials || 'same-origin',
      cache: 'no-store',
      signal: this.#connection.signal,
    };
  }
}

function isEventStream(response) {
  const type = response.headers.get('content-type') || '';
  return response.ok && type.toLowerCase().startsWith('text/event-stream') && response.body;
}

/** The server's JSON error {"error":{type,message}}, or a made-up one for anything else. */
async function errorFrom(response) {
  let type = `http_${response.status}`;
  let message = `The server answered HTTP ${response.status}.`;
  try {
    const body = await response.json();
    if (body && body.error) {
      type = body.error.type || type;
      message = body.error.message || message;
    }
  } catch {
    // not JSON: keep the status alone
  }
  return { type, message, status: response.status, retryable: response.status === 429 || response.status >= 500 };
}

function describe(err) {
  const cause = err && err.cause && err.cause.code ? ` (${err.cause.code})` : '';
  return (err && err.message ? err.message : String(err)) + cause;
}

function sleep(ms, signal) {
  return new Promise(resolve => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => { clearTimeout(timer); resolve(); }, { once: true });
  });
}
