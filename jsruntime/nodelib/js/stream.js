'use strict';
// node:stream: Readable, Writable, Duplex, Transform and PassThrough with
// Node's event protocol (data, end, finish, close, error), flowing and paused
// reading, backpressure through highWaterMark, pipe, finished and pipeline.
// Object mode and byte mode are supported; read(n) in byte mode returns whole
// chunks rather than exactly n bytes.

const EE = require('events');
const { Buffer } = require('buffer');
const { codedError } = require('internal/errors');

const tick = (fn, ...args) => {
  if (typeof process === 'object' && process && typeof process.nextTick === 'function') process.nextTick(fn, ...args);
  else Promise.resolve().then(() => fn(...args));
};

function Stream(opts) {
  EE.call(this, opts);
}
Object.setPrototypeOf(Stream.prototype, EE.prototype);
Object.setPrototypeOf(Stream, EE);

Stream.prototype.pipe = function pipe(dest, options) {
  const source = this;
  const onData = (chunk) => {
    if (dest.write(chunk) === false && typeof source.pause === 'function') source.pause();
  };
  source.on('data', onData);
  dest.on('drain', () => { if (typeof source.resume === 'function') source.resume(); });
  if (!options || options.end !== false) source.on('end', () => dest.end());
  dest.emit('pipe', source);
  if (typeof source.resume === 'function') source.resume();
  return dest;
};

function chunkLength(state, chunk) {
  return state.objectMode ? 1 : chunk.length;
}

function Readable(options = {}) {
  if (!(this instanceof Readable)) return new Readable(options);
  Stream.call(this, options);
  this._readableState = {
    objectMode: Boolean(options.objectMode || options.readableObjectMode),
    highWaterMark: options.highWaterMark !== undefined ? options.highWaterMark : (options.objectMode ? 16 : 16384),
    buffer: [],
    length: 0,
    flowing: null,
    ended: false,
    endEmitted: false,
    reading: false,
    destroyed: false,
    encoding: options.encoding || null,
    readScheduled: false,
  };
  this.readable = true;
  this.destroyed = false;
  if (typeof options.read === 'function') this._read = options.read;
  if (typeof options.destroy === 'function') this._destroy = options.destroy;
}
Object.setPrototypeOf(Readable.prototype, Stream.prototype);
Object.setPrototypeOf(Readable, Stream);

Readable.prototype._read = function () {
  throw codedError(Error, 'ERR_METHOD_NOT_IMPLEMENTED', 'The _read() method is not implemented');
};

Readable.prototype.push = function push(chunk, encoding) {
  const state = this._readableState;
  if (chunk === null) {
    state.ended = true;
    state.reading = false;
    scheduleFlow(this);
    return false;
  }
  chunk = toChunk(state, chunk, encoding);
  state.reading = false;
  if (isEmptyChunk(state, chunk)) {
    // An empty chunk in byte mode is not data, as in Node: it would be
    // read back as a chunk of nothing instead of null.
    return state.length < state.highWaterMark;
  }
  state.buffer.push(chunk);
  state.length += chunkLength(state, chunk);
  scheduleFlow(this);
  if (state.flowing !== true && this.listenerCount('readable') > 0) tick(() => this.emit('readable'));
  return state.length < state.highWaterMark;
};

Readable.prototype.unshift = function unshift(chunk, encoding) {
  const state = this._readableState;
  chunk = toChunk(state, chunk, encoding);
  if (isEmptyChunk(state, chunk)) return;
  state.buffer.unshift(chunk);
  state.length += chunkLength(state, chunk);
};

// toChunk converts what push and unshift are given to what the buffer holds:
// in byte mode a Buffer, or a string when an encoding is set.
function toChunk(state, chunk, encoding) {
  if (!state.objectMode) {
    if (typeof chunk === 'string') chunk = Buffer.from(chunk, encoding);
    else if (chunk instanceof Uint8Array && !Buffer.isBuffer(chunk)) chunk = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  }
  if (state.encoding && Buffer.isBuffer(chunk)) chunk = chunk.toString(state.encoding);
  return chunk;
}

function isEmptyChunk(state, chunk) {
  return !state.objectMode && chunkLength(state, chunk) === 0;
}

Readable.prototype.setEncoding = function setEncoding(enc) {
  this._readableState.encoding = enc;
  return this;
};

function maybeRead(stream) {
  const state = stream._readableState;
  if (!state.ended && !state.reading && !state.destroyed && state.length < state.highWaterMark) {
    state.reading = true;
    stream._read(state.highWaterMark);
  }
}

function scheduleFlow(stream) {
  const state = stream._readableState;
  if (state.readScheduled) return;
  state.readScheduled = true;
  tick(() => {
    state.readScheduled = false;
    flow(stream);
  });
}

function flow(stream) {
  const state = stream._readableState;
  if (state.destroyed) return;
  while (state.flowing && state.buffer.length > 0) {
    const chunk = state.buffer.shift();
    state.length -= chunkLength(state, chunk);
    stream.emit('data', chunk);
  }
  if (state.ended && state.buffer.length === 0) {
    endReadable(stream);
    return;
  }
  if (state.flowing) maybeRead(stream);
}

function endReadable(stream) {
  const state = stream._readableState;
  if (state.endEmitted) return;
  state.endEmitted = true;
  stream.readable = false;
  tick(() => {
    stream.emit('end');
    if (stream._autoDestroy !== false) {
      if (!stream.writable || stream._writableState === undefined || stream._writableState.finished) {
        stream.destroy();
      }
    }
  });
}

Readable.prototype.read = function read() {
  const state = this._readableState;
  if (state.buffer.length === 0) {
    if (state.ended) endReadable(this);
    else maybeRead(this);
    return null;
  }
  const chunk = state.buffer.shift();
  state.length -= chunkLength(state, chunk);
  if (state.flowing !== false) this.emit('data', chunk);
  maybeRead(this);
  return chunk;
};

Readable.prototype.on = function on(ev, fn) {
  const res = Stream.prototype.on.call(this, ev, fn);
  const state = this._readableState;
  if (ev === 'data' && state.flowing !== false) this.resume();
  if (ev === 'readable') {
    state.flowing = false;
    tick(() => { maybeRead(this); if (state.length > 0 || state.ended) this.emit('readable'); });
  }
  return res;
};
Readable.prototype.addListener = Readable.prototype.on;

Readable.prototype.resume = function resume() {
  const state = this._readableState;
  state.flowing = true;
  tick(() => { maybeRead(this); flow(this); });
  return this;
};

Readable.prototype.pause = function pause() {
  this._readableState.flowing = false;
  return this;
};

Readable.prototype.isPaused = function isPaused() {
  return this._readableState.flowing === false;
};

Readable.prototype.destroy = function destroy(err) {
  return destroyImpl(this, err);
};

Readable.prototype[Symbol.asyncIterator] = function () {
  const stream = this;
  const queue = [];
  let done = false;
  let error = null;
  let wake = null;
  stream.on('data', (c) => { queue.push(c); if (wake) wake(); });
  stream.on('end', () => { done = true; if (wake) wake(); });
  stream.on('error', (e) => { error = e; if (wake) wake(); });
  return {
    next() {
      return new Promise((resolve, reject) => {
        const attempt = () => {
          wake = null;
          if (error) return reject(error);
          if (queue.length > 0) return resolve({ value: queue.shift(), done: false });
          if (done) return resolve({ value: undefined, done: true });
          wake = attempt;
        };
        attempt();
      });
    },
    return() { stream.destroy(); return Promise.resolve({ value: undefined, done: true }); },
    [Symbol.asyncIterator]() { return this; },
  };
};

Readable.from = function from(iterable, options) {
  const it = iterable[Symbol.iterator] ? iterable[Symbol.iterator]() : iterable[Symbol.asyncIterator]();
  const r = new Readable(Object.assign({ objectMode: true }, options));
  r._read = function () {
    Promise.resolve(it.next()).then(({ value, done }) => {
      if (done) this.push(null);
      else this.push(value);
    }, (err) => this.destroy(err));
  };
  return r;
};

function destroyImpl(stream, err) {
  if (stream.destroyed) return stream;
  stream.destroyed = true;
  if (stream._readableState) stream._readableState.destroyed = true;
  if (stream._writableState) stream._writableState.destroyed = true;
  const done = (e) => {
    tick(() => {
      if (e) stream.emit('error', e);
      stream.emit('close');
    });
  };
  if (typeof stream._destroy === 'function') stream._destroy(err || null, done);
  else done(err);
  return stream;
}

function Writable(options = {}) {
  if (!(this instanceof Writable) && !(this instanceof Duplex)) return new Writable(options);
  Stream.call(this, options);
  this._writableState = {
    objectMode: Boolean(options.objectMode || options.writableObjectMode),
    highWaterMark: options.highWaterMark !== undefined ? options.highWaterMark : (options.objectMode ? 16 : 16384),
    decodeStrings: options.decodeStrings !== false,
    length: 0,
    writing: false,
    queue: [],
    ending: false,
    finished: false,
    needDrain: false,
    destroyed: false,
  };
  this.writable = true;
  this.destroyed = false;
  if (typeof options.write === 'function') this._write = options.write;
  if (typeof options.writev === 'function') this._writev = options.writev;
  if (typeof options.final === 'function') this._final = options.final;
  if (typeof options.destroy === 'function') this._destroy = options.destroy;
}
Object.setPrototypeOf(Writable.prototype, Stream.prototype);
Object.setPrototypeOf(Writable, Stream);

Writable.prototype._write = function (chunk, encoding, cb) {
  if (typeof this._writev === 'function') this._writev([{ chunk, encoding }], cb);
  else throw codedError(Error, 'ERR_METHOD_NOT_IMPLEMENTED', 'The _write() method is not implemented');
};

Writable.prototype.write = function write(chunk, encoding, cb) {
  const state = this._writableState;
  if (typeof encoding === 'function') { cb = encoding; encoding = null; }
  if (state.ending) {
    const err = codedError(Error, 'ERR_STREAM_WRITE_AFTER_END', 'write after end');
    tick(() => { if (cb) cb(err); this.emit('error', err); });
    return false;
  }
  if (chunk === null) throw codedError(TypeError, 'ERR_STREAM_NULL_VALUES', 'May not write null values to stream');
  if (!state.objectMode && typeof chunk === 'string' && state.decodeStrings) {
    chunk = Buffer.from(chunk, encoding || 'utf8');
    encoding = 'buffer';
  } else if (!state.objectMode && Buffer.isBuffer(chunk)) {
    encoding = 'buffer';
  }
  state.length += state.objectMode ? 1 : chunk.length;
  const ok = state.length < state.highWaterMark;
  if (!ok) state.needDrain = true;
  state.queue.push({ chunk, encoding: encoding || 'utf8', cb });
  if (!state.writing) writeNext(this);
  return ok;
};

function writeNext(stream) {
  const state = stream._writableState;
  if (state.queue.length === 0) {
    if (state.needDrain) {
      state.needDrain = false;
      tick(() => stream.emit('drain'));
    }
    if (state.ending) finishMaybe(stream);
    return;
  }
  const { chunk, encoding, cb } = state.queue.shift();
  state.writing = true;
  let sync = true;
  stream._write(chunk, encoding, (err) => {
    state.writing = false;
    state.length -= state.objectMode ? 1 : chunk.length;
    const after = () => {
      if (cb) cb(err || null);
      if (err) {
        destroyImpl(stream, err);
        return;
      }
      writeNext(stream);
    };
    if (sync) tick(after);
    else after();
  });
  sync = false;
}

function finishMaybe(stream) {
  const state = stream._writableState;
  if (state.finished || state.writing || state.queue.length > 0 || state.finalCalled) return;
  state.finalCalled = true;
  const finish = (err) => {
    if (err) { destroyImpl(stream, err); return; }
    state.finished = true;
    stream.writable = false;
    tick(() => {
      stream.emit('finish');
      const r = stream._readableState;
      if (r === undefined || r.endEmitted) stream.destroy();
    });
  };
  if (typeof stream._final === 'function') stream._final(finish);
  else finish();
}

Writable.prototype.end = function end(chunk, encoding, cb) {
  if (typeof chunk === 'function') { cb = chunk; chunk = null; }
  else if (typeof encoding === 'function') { cb = encoding; encoding = null; }
  if (chunk !== null && chunk !== undefined) this.write(chunk, encoding);
  const state = this._writableState;
  if (typeof cb === 'function') this.once('finish', cb);
  if (!state.ending) {
    state.ending = true;
    if (!state.writing) finishMaybe(this);
  }
  return this;
};

Writable.prototype.cork = function () {};
Writable.prototype.uncork = function () {};
Writable.prototype.setDefaultEncoding = function () { return this; };
Writable.prototype.destroy = function destroy(err) { return destroyImpl(this, err); };

function Duplex(options = {}) {
  if (!(this instanceof Duplex)) return new Duplex(options);
  Readable.call(this, options);
  Writable.call(this, options);
  if (options.allowHalfOpen === false) this.once('end', () => this.end());
}
Object.setPrototypeOf(Duplex.prototype, Readable.prototype);
Object.setPrototypeOf(Duplex, Readable);
for (const name of ['write', 'end', 'cork', 'uncork', 'setDefaultEncoding', '_write']) {
  Duplex.prototype[name] = Writable.prototype[name];
}
Duplex.prototype.destroy = function destroy(err) { return destroyImpl(this, err); };

function Transform(options = {}) {
  if (!(this instanceof Transform)) return new Transform(options);
  Duplex.call(this, options);
  if (typeof options.transform === 'function') this._transform = options.transform;
  if (typeof options.flush === 'function') this._flush = options.flush;
  this._read = () => {};
}
Object.setPrototypeOf(Transform.prototype, Duplex.prototype);
Object.setPrototypeOf(Transform, Duplex);

Transform.prototype._transform = function () {
  throw codedError(Error, 'ERR_METHOD_NOT_IMPLEMENTED', 'The _transform() method is not implemented');
};

Transform.prototype._write = function (chunk, encoding, cb) {
  this._transform(chunk, encoding, (err, data) => {
    if (err) { cb(err); return; }
    if (data !== undefined && data !== null) this.push(data);
    cb();
  });
};

Transform.prototype._final = function (cb) {
  const done = (err, data) => {
    if (err) { cb(err); return; }
    if (data !== undefined && data !== null) this.push(data);
    this.push(null);
    cb();
  };
  if (typeof this._flush === 'function') this._flush(done);
  else done();
};

function PassThrough(options) {
  if (!(this instanceof PassThrough)) return new PassThrough(options);
  Transform.call(this, options);
}
Object.setPrototypeOf(PassThrough.prototype, Transform.prototype);
Object.setPrototypeOf(PassThrough, Transform);
PassThrough.prototype._transform = function (chunk, enc, cb) { cb(null, chunk); };

function finished(stream, opts, callback) {
  if (typeof opts === 'function') { callback = opts; opts = {}; }
  let called = false;
  const done = (err) => { if (!called) { called = true; callback(err); } };
  stream.on('error', done);
  stream.on('end', () => done());
  stream.on('finish', () => done());
  stream.on('close', () => done());
  return () => {};
}

function pipeline(...streams) {
  const callback = typeof streams[streams.length - 1] === 'function' ? streams.pop() : () => {};
  if (Array.isArray(streams[0])) streams = streams[0];
  let error = null;
  const last = streams[streams.length - 1];
  for (let i = 0; i < streams.length - 1; i++) streams[i].pipe(streams[i + 1]);
  for (const s of streams) {
    s.on('error', (err) => {
      if (error) return;
      error = err;
      for (const other of streams) other.destroy();
      callback(err);
    });
  }
  last.on('finish', () => { if (!error) callback(); });
  return last;
}

const promises = {
  pipeline: (...streams) => new Promise((resolve, reject) => pipeline(...streams, (err) => (err ? reject(err) : resolve()))),
  finished: (stream, opts) => new Promise((resolve, reject) => finished(stream, opts || {}, (err) => (err ? reject(err) : resolve()))),
};

Stream.Stream = Stream;
Stream.Readable = Readable;
Stream.Writable = Writable;
Stream.Duplex = Duplex;
Stream.Transform = Transform;
Stream.PassThrough = PassThrough;
Stream.finished = finished;
Stream.pipeline = pipeline;
Stream.promises = promises;
Stream.isReadable = (s) => Boolean(s && s.readable && !s.destroyed);

module.exports = Stream;
