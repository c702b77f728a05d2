// Node's timers (setTimeout and the rest, the timers module) and
// queueMicrotask, of the runtime's JavaScript half. Like console.js, it is
// prelude.js's, kept apart so that it compiles on another core while the
// prelude compiles; it runs right after the prelude, with what the prelude
// shares with it.
(function (shared) {
  'use strict';
  const { binding, process, builtinRequire, inspect, invalidArgType, makeError, warnDeprecatedOnce } = shared;
  const TIMEOUT_MAX = 2 ** 31 - 1;
  // Symbol.dispose, which nodelib defines after this runs.
  const SymbolDispose = Symbol.for('nodejs.dispose');
  // A Timeout carries Node's fields, which programs and Node's tests read
  // and write: _onTimeout and _timerArgs (what to call), _idleTimeout (the
  // delay; -1 once unenrolled), _repeat (the interval, or null) and
  // _destroyed. The loop fires fireTimeout, which acts on them as Node's
  // listOnTimeout does.
  class Timeout {
    constructor(callback, after, repeat, args) {
      this._idleTimeout = after;
      this._onTimeout = callback;
      this._timerArgs = args;
      this._repeat = repeat;
      this._destroyed = false;
      this._id = 0;
    }
    ref() { binding.timerRef(this._id, true); return this; }
    unref() { binding.timerRef(this._id, false); return this; }
    hasRef() { return binding.timerHasRef(this._id); }
    refresh() { if (!this._destroyed) binding.timerRefresh(this._id); return this; }
    close() { clear(this); return this; }
    [Symbol.toPrimitive]() { return this._id; }
    [SymbolDispose]() { clear(this); }
  }
  function fireTimeout() {
    const t = this;
    if (typeof t._onTimeout !== 'function' || t._idleTimeout < 0) {
      clear(t);
      return;
    }
    try {
      Reflect.apply(t._onTimeout, t, t._timerArgs);
    } finally {
      if (!t._destroyed) {
        if (t._repeat && t._idleTimeout !== -1) {
          t._idleTimeout = t._repeat;
          binding.timerRefresh(t._id);
        } else if (!binding.timerScheduled(t._id)) {
          // The loop lets go of it after this call.
          t._destroyed = true;
        }
      }
    }
  }
  function fireImmediate() {
    this._destroyed = true;
    return Reflect.apply(this._onImmediate, this, this._argv);
  }
  class Immediate {
    constructor(callback, args) {
      this._onImmediate = callback;
      this._argv = args;
      this._destroyed = false;
      this._id = 0;
    }
    ref() { binding.timerRef(this._id, true); return this; }
    unref() { binding.timerRef(this._id, false); return this; }
    hasRef() { return binding.timerHasRef(this._id); }
    [SymbolDispose]() { clear(this); }
  }
  function delayOf(ms) {
    ms = Number(ms);
    if (ms > TIMEOUT_MAX) {
      process.emitWarning(`${ms} does not fit into a 32-bit signed integer.\nTimeout duration was set to 1.`,
        'TimeoutOverflowWarning');
    }
    return ms >= 1 && ms <= TIMEOUT_MAX ? Math.trunc(ms) : 1;
  }
  function schedule(fn, ms, repeat, args) {
    if (typeof fn !== 'function') throw invalidArgType('callback', 'of type function', fn);
    const delay = delayOf(ms);
    const t = new Timeout(fn, delay, repeat ? delay : null, args);
    t._id = binding.setTimer(fireTimeout, t, delay, false, []);
    return t;
  }
  function clear(t) {
    if (t === null || t === undefined) return;
    const id = typeof t === 'object' ? t._id : Number(t);
    if (t instanceof Timeout || t instanceof Immediate) t._destroyed = true;
    if (id) binding.clearTimer(id);
  }
  const timers = {
    setTimeout(fn, ms, ...args) { return schedule(fn, ms, false, args); },
    setInterval(fn, ms, ...args) { return schedule(fn, ms, true, args); },
    setImmediate(fn, ...args) {
      if (typeof fn !== 'function') throw invalidArgType('callback', 'of type function', fn);
      const im = new Immediate(fn, args);
      im._id = binding.setImmediate(fireImmediate, im, []);
      return im;
    },
    clearTimeout: clear,
    clearInterval: clear,
    clearImmediate: clear,
  };
  // Node's deprecated way to make any object a timer (DEP0095, DEP0096,
  // DEP0126, DEP0127): enroll sets item._idleTimeout, active (or
  // _unrefActive) starts a timer that calls item._onTimeout, unenroll
  // stops it.
  const kTimer = Symbol('kTimer');
  function deprecated(fn, message, code) {
    return function (...args) {
      warnDeprecatedOnce(message, code);
      return fn.apply(this, args);
    };
  }
  function timerDuration(msecs, name) {
    if (typeof msecs !== 'number') throw invalidArgType(name, 'of type number', msecs);
    if (msecs < 0 || !Number.isFinite(msecs)) {
      throw makeError('ERR_OUT_OF_RANGE', `The value of "${name}" is out of range. It must be a non-negative finite number. Received ${inspect(msecs)}`, 'RangeError');
    }
    if (msecs > TIMEOUT_MAX) {
      process.emitWarning(`${msecs} does not fit into a 32-bit signed integer.\nTimer duration was truncated to ${TIMEOUT_MAX}.`,
        'TimeoutOverflowWarning');
      return TIMEOUT_MAX;
    }
    return msecs;
  }
  function unenroll(item) {
    if (item instanceof Timeout) clear(item);
    if (item[kTimer]) clear(item[kTimer]);
    item[kTimer] = undefined;
    item._idleTimeout = -1;
  }
  function enroll(item, msecs) {
    msecs = timerDuration(msecs, 'msecs');
    if (item[kTimer]) unenroll(item);
    item._idleTimeout = msecs;
  }
  function activate(item, unref) {
    const msecs = item._idleTimeout;
    if (typeof msecs !== 'number' || msecs < 0) return;
    if (item[kTimer]) clear(item[kTimer]);
    const t = new Timeout(null, msecs, null, []);
    t._id = binding.setTimer(() => {
      item[kTimer] = undefined;
      if (typeof item._onTimeout === 'function') item._onTimeout();
    }, t, Math.max(1, msecs), false, []);
    if (unref) t.unref();
    item[kTimer] = t;
    item._idleStart = Math.trunc(binding.hrtimeMs());
  }
  timers.enroll = deprecated(enroll, 'timers.enroll() is deprecated. Please use setTimeout instead.', 'DEP0095');
  timers.unenroll = deprecated(unenroll, 'timers.unenroll() is deprecated. Please use clearTimeout instead.', 'DEP0096');
  timers.active = deprecated((item) => activate(item, false), 'timers.active() is deprecated. Please use timeout.refresh() instead.', 'DEP0126');
  timers._unrefActive = deprecated((item) => activate(item, true), 'timers._unrefActive() is deprecated. Please use timeout.unref() instead.', 'DEP0127');
  // timers.promises is node:timers/promises, loaded when first used.
  Object.defineProperty(timers, 'promises', {
    get() { return builtinRequire('timers/promises'); }, enumerable: true, configurable: true,
  });
  // util.promisify(setTimeout) is timers/promises' setTimeout, as in Node
  // (lib/timers.js), which resolves with its value after the delay.
  for (const name of ['setTimeout', 'setImmediate']) {
    Object.defineProperty(timers[name], Symbol.for('nodejs.util.promisify.custom'), {
      get() { return builtinRequire('timers/promises')[name]; }, enumerable: true,
    });
  }
  function queueMicrotask(fn) {
    if (typeof fn !== 'function') throw invalidArgType('callback', 'of type function', fn);
    Promise.resolve().then(() => {
      try { fn(); } catch (e) { binding.reportUncaught(e); }
    });
  }

  return { timers, queueMicrotask };
})
