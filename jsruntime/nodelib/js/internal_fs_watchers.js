'use strict';
// fs.watch (FSWatcher, on the binding's inotify watcher), fs.watchFile
// (StatWatcher, which polls stat as libuv's uv_fs_poll does), and
// fs/promises' watch.

const EventEmitter = require('events');
const { Buffer } = require('buffer');
const pathModule = require('path');
const { codedError } = require('internal/errors');
const {
  validateFunction, validateBoolean, validateAbortSignal, validateObject,
} = require('internal/validators');
const { b, getValidatedPath, getOptions, getStatsFromBinding, AbortError } = require('internal/fs_utils');

const kHandle = Symbol('kHandle');

function encodeFilename(name, encoding) {
  if (encoding === 'buffer') return Buffer.from(name);
  if (encoding && encoding !== 'utf8' && encoding !== 'utf-8') return Buffer.from(name).toString(encoding);
  return name;
}

class FSWatcher extends EventEmitter {
  constructor() {
    super();
    this[kHandle] = null;
    this._closed = false;
  }

  start(filename, persistent, recursive, encoding) {
    filename = getValidatedPath(filename, 'filename');
    const onChange = (eventType, name) => {
      if (this._closed) return;
      this.emit('change', eventType, encodeFilename(name, encoding));
    };
    let handle;
    try {
      handle = b.watch(filename, persistent, recursive, onChange);
    } catch (err) {
      err.filename = filename;
      throw err;
    }
    if (handle === null) {
      throw codedError(Error, 'ERR_FEATURE_UNAVAILABLE_ON_PLATFORM',
        `The feature fs.watch is unavailable on the current platform, which is being used to run Node.js`);
    }
    this[kHandle] = handle;
  }

  close() {
    if (this._closed) return;
    this._closed = true;
    if (this[kHandle] !== null) this[kHandle].close();
    process.nextTick(() => this.emit('close'));
  }

  ref() {
    if (this[kHandle] !== null && !this._closed) this[kHandle].ref();
    return this;
  }

  unref() {
    if (this[kHandle] !== null && !this._closed) this[kHandle].unref();
    return this;
  }
}

function watchOptions(options) {
  options = getOptions(options);
  options = { ...options };
  if (options.persistent === undefined) options.persistent = true;
  if (options.recursive === undefined) options.recursive = false;
  validateBoolean(options.persistent, 'options.persistent');
  validateBoolean(options.recursive, 'options.recursive');
  return options;
}

function watch(filename, options, listener) {
  if (typeof options === 'function') listener = options;
  options = watchOptions(options);
  const watcher = new FSWatcher();
  watcher.start(filename, options.persistent, options.recursive, options.encoding);
  if (listener) watcher.addListener('change', listener);
  if (options.signal) {
    if (options.signal.aborted) {
      process.nextTick(() => watcher.close());
    } else {
      const onAbort = () => watcher.close();
      options.signal.addEventListener('abort', onAbort, { once: true });
      watcher.once('close', () => options.signal.removeEventListener('abort', onAbort));
    }
  }
  return watcher;
}

// watchPromise is fs/promises' watch: an async iterator of
// { eventType, filename }, ended by options.signal.
function watchPromise(filename, options = {}) {
  const path = typeof filename === 'string' ? filename : getValidatedPath(filename, 'filename');
  validateObject(options, 'options');
  const { persistent = true, recursive = false, encoding = 'utf8', signal } = options;
  validateBoolean(persistent, 'options.persistent');
  validateBoolean(recursive, 'options.recursive');
  if (typeof encoding !== 'string' || (encoding !== 'buffer' && !Buffer.isEncoding(encoding))) {
    throw new (require('internal/validators').codes.ERR_INVALID_ARG_VALUE)('encoding', encoding, 'is invalid encoding');
  }
  if (signal !== undefined) validateAbortSignal(signal, 'options.signal');
  const queue = [];
  const waiting = [];
  let done = false;
  let failure = null;
  const finish = (err) => {
    if (done) return;
    done = true;
    failure = err;
    watcher.close();
    for (const { resolve, reject } of waiting.splice(0)) {
      if (err) reject(err);
      else resolve({ done: true, value: undefined });
    }
  };
  if (signal?.aborted) {
    return {
      next: () => Promise.reject(new AbortError(undefined, { cause: signal.reason })),
      return: () => Promise.resolve({ done: true, value: undefined }),
      [Symbol.asyncIterator]() { return this; },
    };
  }
  const watcher = new FSWatcher();
  watcher.start(path, persistent, recursive, encoding);
  watcher.on('change', (eventType, name) => {
    const value = { eventType, filename: name };
    const w = waiting.shift();
    if (w) w.resolve({ done: false, value });
    else queue.push(value);
  });
  const onAbort = () => finish(new AbortError(undefined, { cause: signal.reason }));
  signal?.addEventListener('abort', onAbort, { once: true });
  return {
    next() {
      if (queue.length > 0) return Promise.resolve({ done: false, value: queue.shift() });
      if (done) return failure ? Promise.reject(failure) : Promise.resolve({ done: true, value: undefined });
      return new Promise((resolve, reject) => waiting.push({ resolve, reject }));
    },
    return() {
      signal?.removeEventListener('abort', onAbort);
      finish(null);
      return Promise.resolve({ done: true, value: undefined });
    },
    [Symbol.asyncIterator]() { return this; },
  };
}

// StatWatcher polls a file's stat every interval and emits 'change' with
// the new and the previous Stats when they differ (zeroed when the file is
// missing), as Node's uv_fs_poll-based StatWatcher does.
const kZeroStats = new Array(22).fill(0);

class StatWatcher extends EventEmitter {
  constructor(bigint) {
    super();
    this._bigint = Boolean(bigint);
    this._timer = null;
    this._prev = null; // the last stat numbers
    this._state = 0; // libuv's busy_polling: 0 at first, 1 after a stat, <0 after an error
    this._oldStatus = -1;
  }

  start(filename, persistent, interval) {
    if (this._timer !== null) return;
    this._filename = filename;
    // The first stat is taken at once, but reported as I/O is: after the
    // caller has added its listener.
    const first = setImmediate(() => this._poll());
    this._timer = setInterval(() => this._poll(), interval);
    if (!persistent) {
      first.unref();
      this._timer.unref();
    }
  }

  _poll() {
    if (this._timer === null) return;
    let cur;
    let status = 0;
    try {
      cur = b.stat(this._filename, true, true);
    } catch (err) {
      status = typeof err?.errno === 'number' ? err.errno : -1;
    }
    const prev = this._prev || kZeroStats;
    if (status !== 0) {
      if (this._state !== status) {
        this._prev = kZeroStats;
        this._onchange(status, kZeroStats, prev);
      }
      this._state = status;
      return;
    }
    if (this._state !== 0 && (this._state < 0 || !sameStat(prev, cur))) this._onchange(0, cur, prev);
    this._prev = cur;
    this._state = 1;
  }

  _onchange(newStatus, cur, prev) {
    if (this._oldStatus === -1 && newStatus === -1 && cur[2] === prev[2]) return;
    this._oldStatus = newStatus;
    this.emit('change', getStatsFromBinding(cur, this._bigint), getStatsFromBinding(prev, this._bigint));
  }

  stop() {
    if (this._timer === null) return;
    clearInterval(this._timer);
    this._timer = null;
    process.nextTick(() => this.emit('stop'));
  }

  ref() {
    if (this._timer !== null) this._timer.ref();
    return this;
  }

  unref() {
    if (this._timer !== null) this._timer.unref();
    return this;
  }
}

// sameStat is uv_fs_poll's statbuf_eq: ctime, mtime, birthtime, size,
// mode, uid, gid, ino and dev.
function sameStat(a, b) {
  for (const i of [0, 1, 3, 4, 7, 8, 14, 15, 16, 17, 18, 19, 20, 21]) {
    if (a[i] !== b[i]) return false;
  }
  return true;
}

const statWatchers = new Map();

function watchFile(filename, options, listener) {
  filename = pathModule.resolve(getValidatedPath(filename));
  if (options === null || typeof options !== 'object') {
    listener = options;
    options = null;
  }
  options = { interval: 5007, persistent: true, ...options };
  validateFunction(listener, 'listener');
  let stat = statWatchers.get(filename);
  if (stat === undefined) {
    stat = new StatWatcher(options.bigint);
    stat.start(filename, options.persistent, options.interval);
    statWatchers.set(filename, stat);
  }
  stat.addListener('change', listener);
  return stat;
}

function unwatchFile(filename, listener) {
  filename = pathModule.resolve(getValidatedPath(filename));
  const stat = statWatchers.get(filename);
  if (stat === undefined) return;
  if (typeof listener === 'function') stat.removeListener('change', listener);
  else stat.removeAllListeners('change');
  if (stat.listenerCount('change') === 0) {
    stat.stop();
    statWatchers.delete(filename);
  }
}

module.exports = { FSWatcher, StatWatcher, watch, watchPromise, watchFile, unwatchFile };
