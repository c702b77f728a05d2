'use strict';
// The web event globals Node has: DOMException, Event, EventTarget,
// AbortController and AbortSignal.

const { invalidArgType } = require('internal/errors');

const legacyCodes = {
  IndexSizeError: 1, HierarchyRequestError: 3, WrongDocumentError: 4, InvalidCharacterError: 5,
  NoModificationAllowedError: 7, NotFoundError: 8, NotSupportedError: 9, InvalidStateError: 11,
  SyntaxError: 12, InvalidModificationError: 13, NamespaceError: 14, InvalidAccessError: 15,
  TypeMismatchError: 17, SecurityError: 18, NetworkError: 19, AbortError: 20, URLMismatchError: 21,
  QuotaExceededError: 22, TimeoutError: 23, InvalidNodeTypeError: 24, DataCloneError: 25,
};

const kName = Symbol('name');

class DOMException extends Error {
  constructor(message = '', options = 'Error') {
    super(`${message}`);
    let name = 'Error';
    if (options !== null && typeof options === 'object') {
      if ('name' in options) name = `${options.name}`;
      if ('cause' in options) Object.defineProperty(this, 'cause', { __proto__: null, value: options.cause, writable: true, configurable: true, enumerable: false });
    } else {
      name = `${options}`;
    }
    Object.defineProperty(this, kName, { __proto__: null, value: name });
    // The stack starts with the name, as V8's does for DOMException.
    if (typeof this.stack === 'string') {
      const nl = this.stack.indexOf('\n');
      const head = this.message === '' ? name : `${name}: ${this.message}`;
      Object.defineProperty(this, 'stack', { __proto__: null, value: head + (nl === -1 ? '' : this.stack.slice(nl)), writable: true, configurable: true, enumerable: false });
    }
  }
  get name() { return this[kName]; }
  get code() { return legacyCodes[this[kName]] || 0; }
  get [Symbol.toStringTag]() { return 'DOMException'; }
}
for (const [name, code] of Object.entries(legacyCodes)) {
  const constName = name.replace(/Error$/, '').replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase() + '_ERR';
  Object.defineProperty(DOMException, constName, { __proto__: null, value: code, enumerable: true });
}

const kStop = Symbol('stop');

class Event {
  #type;
  #cancelable;
  #bubbles;
  #composed;
  #defaultPrevented = false;
  #timeStamp;
  constructor(type, options = {}) {
    if (arguments.length === 0) throw invalidArgType('type', 'string', undefined);
    this.#type = `${type}`;
    this.#cancelable = Boolean(options && options.cancelable);
    this.#bubbles = Boolean(options && options.bubbles);
    this.#composed = Boolean(options && options.composed);
    this.#timeStamp = typeof performance === 'object' && performance ? performance.now() : Date.now();
    this.target = null;
    this.currentTarget = null;
    this[kStop] = false;
  }
  get type() { return this.#type; }
  get cancelable() { return this.#cancelable; }
  get bubbles() { return this.#bubbles; }
  get composed() { return this.#composed; }
  get defaultPrevented() { return this.#cancelable && this.#defaultPrevented; }
  get timeStamp() { return this.#timeStamp; }
  get isTrusted() { return false; }
  get eventPhase() { return this.currentTarget === null ? 0 : 2; }
  get returnValue() { return !this.defaultPrevented; }
  preventDefault() { this.#defaultPrevented = true; }
  stopPropagation() {}
  stopImmediatePropagation() { this[kStop] = true; }
  composedPath() { return this.currentTarget === null ? [] : [this.currentTarget]; }
  get [Symbol.toStringTag]() { return 'Event'; }
}
Object.defineProperties(Event, {
  NONE: { value: 0, enumerable: true }, CAPTURING_PHASE: { value: 1, enumerable: true },
  AT_TARGET: { value: 2, enumerable: true }, BUBBLING_PHASE: { value: 3, enumerable: true },
});
Object.defineProperties(Event.prototype, {
  NONE: { value: 0, enumerable: true }, CAPTURING_PHASE: { value: 1, enumerable: true },
  AT_TARGET: { value: 2, enumerable: true }, BUBBLING_PHASE: { value: 3, enumerable: true },
});

const kListeners = Symbol('listeners');

class EventTarget {
  constructor() {
    Object.defineProperty(this, kListeners, { __proto__: null, value: new Map() });
  }
  addEventListener(type, listener, options = {}) {
    if (listener === null || listener === undefined) return;
    const opts = typeof options === 'boolean' ? { capture: options } : (options || {});
    const list = this[kListeners].get(`${type}`) || [];
    const capture = Boolean(opts.capture);
    if (list.some((l) => l.listener === listener && l.capture === capture)) return;
    const entry = { listener, capture, once: Boolean(opts.once) };
    list.push(entry);
    this[kListeners].set(`${type}`, list);
    if (opts.signal) {
      opts.signal.addEventListener('abort', () => this.removeEventListener(type, listener, opts), { once: true });
    }
  }
  removeEventListener(type, listener, options = {}) {
    const capture = typeof options === 'boolean' ? options : Boolean(options && options.capture);
    const list = this[kListeners].get(`${type}`);
    if (!list) return;
    const i = list.findIndex((l) => l.listener === listener && l.capture === capture);
    if (i !== -1) list.splice(i, 1);
  }
  dispatchEvent(event) {
    if (!(event instanceof Event)) throw invalidArgType('event', 'Event', event);
    event.target = this;
    event.currentTarget = this;
    const list = (this[kListeners].get(event.type) || []).slice();
    for (const entry of list) {
      if (entry.once) this.removeEventListener(event.type, entry.listener, { capture: entry.capture });
      const fn = typeof entry.listener === 'function' ? entry.listener : entry.listener.handleEvent;
      if (typeof fn === 'function') {
        try {
          fn.call(typeof entry.listener === 'function' ? this : entry.listener, event);
        } catch (err) {
          reportError(err);
        }
      }
      if (event[kStop]) break;
    }
    event.currentTarget = null;
    return !event.defaultPrevented;
  }
  get [Symbol.toStringTag]() { return 'EventTarget'; }
}

// reportError hands a listener's exception to the host as an uncaught one,
// on a later turn so that the remaining listeners still run.
function reportError(err) {
  setTimeout(() => { throw err; }, 0);
}

const kAborted = Symbol('aborted');
const kReason = Symbol('reason');
const kCreate = Symbol('create');
const kOnAbort = Symbol('onabort');

class AbortSignal extends EventTarget {
  constructor(key) {
    if (key !== kCreate) throw new TypeError('Illegal constructor');
    super();
    this[kAborted] = false;
    this[kReason] = undefined;
    this[kOnAbort] = null;
  }
  // onabort runs in the order it was first set among the abort listeners,
  // as event handler attributes do.
  get onabort() { return this[kOnAbort]; }
  set onabort(fn) {
    const first = this[kOnAbort] === null;
    this[kOnAbort] = typeof fn === 'function' ? fn : null;
    if (first && this[kOnAbort] !== null) {
      this.addEventListener('abort', (event) => {
        if (typeof this[kOnAbort] === 'function') this[kOnAbort].call(this, event);
      });
    }
  }
  get aborted() { return this[kAborted]; }
  get reason() { return this[kReason]; }
  throwIfAborted() {
    if (this[kAborted]) throw this[kReason];
  }
  static abort(reason = new DOMException('This operation was aborted', 'AbortError')) {
    const s = new AbortSignal(kCreate);
    s[kAborted] = true;
    s[kReason] = reason;
    return s;
  }
  static timeout(ms) {
    const s = new AbortSignal(kCreate);
    const t = setTimeout(() => abortSignal(s, new DOMException('The operation was aborted due to timeout', 'TimeoutError')), ms);
    if (t && typeof t.unref === 'function') t.unref();
    return s;
  }
  static any(signals) {
    const s = new AbortSignal(kCreate);
    for (const other of signals) {
      if (other.aborted) {
        s[kAborted] = true;
        s[kReason] = other.reason;
        return s;
      }
    }
    for (const other of signals) {
      other.addEventListener('abort', () => abortSignal(s, other.reason), { once: true });
    }
    return s;
  }
  get [Symbol.toStringTag]() { return 'AbortSignal'; }
  [Symbol.for('nodejs.util.inspect.custom')](depth, options, inspect) {
    return `AbortSignal ${inspect({ aborted: this.aborted }, options)}`;
  }
}

function abortSignal(signal, reason) {
  if (signal[kAborted]) return;
  signal[kAborted] = true;
  signal[kReason] = reason;
  signal.dispatchEvent(new Event('abort'));
}

class AbortController {
  #signal = new AbortSignal(kCreate);
  get signal() { return this.#signal; }
  abort(reason = new DOMException('This operation was aborted', 'AbortError')) {
    abortSignal(this.#signal, reason);
  }
  get [Symbol.toStringTag]() { return 'AbortController'; }
  [Symbol.for('nodejs.util.inspect.custom')](depth, options, inspect) {
    return `AbortController ${inspect({ signal: this.signal }, options)}`;
  }
}

module.exports = { DOMException, Event, EventTarget, AbortController, AbortSignal };
