'use strict';
// node:fs: the synchronous API, and callback versions that check their
// arguments as Node does, run the operation and call back later.

const { Buffer } = require('buffer');
const pathModule = require('path');
const { codedError } = require('internal/errors');
const {
  validateBuffer, validateFunction, validateInteger, validateObject, validateEncoding, validateBoolean,
  codes: { ERR_INVALID_ARG_VALUE, ERR_INVALID_ARG_TYPE },
} = require('internal/validators');
const {
  b, constants, kMaxUserId, getValidatedPath, getValidatedFd, stringToFlags, parseFileMode, getValidMode,
  getOptions, toUnixTimestamp, stringToSymlinkType, validateOffsetLengthRead, validateOffsetLengthWrite,
  validatePosition, validateBufferArray, validateRmOptions, bytesOf, Stats, getStatsFromBinding, Dirent,
  later, makeCallback, checkAborted,
} = require('internal/fs_utils');

function isFd(p) {
  return typeof p === 'number';
}

function toBytes(data, encoding) {
  if (typeof data === 'string') return Buffer.from(data, encoding || 'utf8');
  if (ArrayBuffer.isView(data)) return bytesOf(data);
  throw new ERR_INVALID_ARG_TYPE('data', ['string', 'Buffer', 'TypedArray', 'DataView'], data);
}

function decode(ab, encoding) {
  const buf = Buffer.from(ab);
  return encoding && encoding !== 'buffer' ? buf.toString(encoding) : buf;
}

// encodeName gives a name the caller's encoding: its UTF-8 bytes as a
// Buffer, or decoded again as another encoding.
function encodeName(name, encoding) {
  if (encoding === 'buffer') return Buffer.from(name);
  if (encoding && encoding !== 'utf8' && encoding !== 'utf-8') return Buffer.from(name).toString(encoding);
  return name;
}

function validateUid(id, name) {
  validateInteger(id, name, -1, kMaxUserId);
  return id;
}

// ops holds every operation as [arity, check, run]: check turns the caller's
// arguments into run's and throws what Node throws for bad arguments, before
// anything is done; arity is where the callback goes.
const ops = {
  access: [2, (path, mode) => [getValidatedPath(path), getValidMode(mode, 'access')], (p, m) => b.access(p, m)],
  chmod: [2, (path, mode) => [getValidatedPath(path), parseFileMode(mode, 'mode')], (p, m) => b.chmod(p, m)],
  fchmod: [2, (fd, mode) => [getValidatedFd(fd), parseFileMode(mode, 'mode')], (fd, m) => b.fchmod(fd, m)],
  chown: [3, (path, uid, gid) => [getValidatedPath(path), validateUid(uid, 'uid'), validateUid(gid, 'gid')],
    (p, u, g) => b.chown(p, u, g)],
  lchown: [3, (path, uid, gid) => [getValidatedPath(path), validateUid(uid, 'uid'), validateUid(gid, 'gid')],
    (p, u, g) => b.lchown(p, u, g)],
  fchown: [3, (fd, uid, gid) => [getValidatedFd(fd), validateUid(uid, 'uid'), validateUid(gid, 'gid')],
    (fd, u, g) => b.fchown(fd, u, g)],
  copyFile: [3, (src, dest, mode) => [getValidatedPath(src, 'src'), getValidatedPath(dest, 'dest'), getValidMode(mode, 'copyFile')],
    (s, d, m) => b.copyFile(s, d, (m & constants.COPYFILE_EXCL) !== 0)],
  close: [1, (fd) => [getValidatedFd(fd)], (fd) => b.close(fd)],
  fsync: [1, (fd) => [getValidatedFd(fd)], (fd) => b.fsync(fd)],
  fdatasync: [1, (fd) => [getValidatedFd(fd)], (fd) => b.fsync(fd)],
  ftruncate: [2, (fd, len = 0) => {
    validateInteger(len, 'len');
    return [getValidatedFd(fd), Math.max(0, len)];
  }, (fd, len) => b.ftruncate(fd, len)],
  truncate: [2, (path, len = 0) => {
    if (isFd(path)) {
      process.emitWarning('Using fs.truncate with a file descriptor is deprecated. Please use ' +
        'fs.ftruncate with a file descriptor instead.', 'DeprecationWarning', 'DEP0081');
      return ops.ftruncate[1](path, len);
    }
    validateInteger(len, 'len');
    return [getValidatedPath(path), Math.max(0, len)];
  }, (p, len) => (isFd(p) ? b.ftruncate(p, len) : b.truncate(p, len))],
  futimes: [3, (fd, atime, mtime) => [getValidatedFd(fd), toUnixTimestamp(atime, 'atime'), toUnixTimestamp(mtime, 'mtime')],
    (fd, a, m) => b.futimes(fd, a, m)],
  utimes: [3, (path, atime, mtime) => [getValidatedPath(path), toUnixTimestamp(atime), toUnixTimestamp(mtime)],
    (p, a, m) => b.utimes(p, a, m)],
  lutimes: [3, (path, atime, mtime) => [getValidatedPath(path), toUnixTimestamp(atime), toUnixTimestamp(mtime)],
    (p, a, m) => b.lutimes(p, a, m)],
  link: [2, (existingPath, newPath) => [getValidatedPath(existingPath, 'existingPath'), getValidatedPath(newPath, 'newPath')],
    (from, to) => b.link(from, to)],
  symlink: [3, (target, path, type) => [getValidatedPath(target, 'target'), getValidatedPath(path),
    stringToSymlinkType(typeof type === 'string' ? type : null)], (t, p) => b.symlink(t, p)],
  readlink: [2, (path, options) => [getValidatedPath(path, 'oldPath'), getOptions(options).encoding],
    (p, enc) => encodeName(b.readlink(p), enc)],
  realpath: [2, (path, options) => [getValidatedPath(path), getOptions(options).encoding],
    (p, enc) => encodeName(b.realpath(p), enc)],
  rename: [2, (oldPath, newPath) => [getValidatedPath(oldPath, 'oldPath'), getValidatedPath(newPath, 'newPath')],
    (from, to) => b.rename(from, to)],
  unlink: [1, (path) => [getValidatedPath(path)], (p) => b.unlink(p)],
  rm: [2, (path, options) => [getValidatedPath(path), validateRmOptions(options, rmDefaults)],
    (p, o) => b.rm(p, o.recursive, o.force)],
  rmdir: [2, (path, options) => {
    path = getValidatedPath(path);
    if (options?.recursive) {
      process.emitWarning('In future versions of Node.js, fs.rmdir(path, { recursive: true }) ' +
        'will be removed. Use fs.rm(path, { recursive: true }) instead', 'DeprecationWarning', 'DEP0147');
      return [path, validateRmOptions({ ...options, force: false }, rmDefaults)];
    }
    if (options !== undefined) validateObject(options, 'options');
    return [path, null];
  }, (p, o) => {
    // A recursive rmdir of what is not a directory falls back to rmdir,
    // which reports it.
    if (o && statSync(p, { throwIfNoEntry: true }).isDirectory()) {
      b.rm(p, true, false);
      return;
    }
    b.rmdir(p);
  }],
  mkdir: [2, (path, options) => {
    let mode = 0o777;
    let recursive = false;
    if (typeof options === 'number' || typeof options === 'string') {
      mode = parseFileMode(options, 'mode');
    } else if (options) {
      if (options.recursive !== undefined) recursive = options.recursive;
      if (options.mode !== undefined) mode = parseFileMode(options.mode, 'options.mode');
    }
    path = getValidatedPath(path);
    validateBoolean(recursive, 'options.recursive');
    return [path, recursive, mode];
  }, (p, recursive, mode) => b.mkdir(p, recursive, mode)],
  mkdtemp: [2, (prefix, options) => [warnOnNonPortableTemplate(getValidatedPath(prefix, 'prefix')), getOptions(options).encoding],
    (prefix, enc) => encodeName(b.mkdtemp(prefix), enc)],
  open: [3, (path, flags, mode) => [getValidatedPath(path), stringToFlags(flags), parseFileMode(mode, 'mode', 0o666)],
    (p, flags, mode) => b.open(p, flags, mode)],
  stat: [2, (path, options = { bigint: false }) => [getValidatedPath(path), options],
    (p, o) => statOf(b.stat(p, true, o.throwIfNoEntry !== false), o)],
  lstat: [2, (path, options = { bigint: false }) => [getValidatedPath(path), options],
    (p, o) => statOf(b.stat(p, false, o.throwIfNoEntry !== false), o)],
  fstat: [2, (fd, options = { bigint: false }) => [getValidatedFd(fd), options],
    (fd, o) => statOf(b.fstat(fd), o)],
  statfs: [2, (path, options = { bigint: false }) => [getValidatedPath(path), options],
    (p, o) => new StatFs(b.statfs(p), o.bigint)],
  readdir: [2, (path, options) => [getValidatedPath(path), getOptions(options)], readdir],
  readFile: [2, (path, options) => {
    options = getOptions(options, { flag: 'r' });
    const target = isFd(path) ? getValidatedFd(path) : getValidatedPath(path);
    return [target, options.encoding, stringToFlags(options.flag, 'options.flag'), options.signal];
  }, (target, encoding, flags, signal) => {
    checkAborted(signal);
    const ab = isFd(target) ? b.readFd(target) : b.readFile(target, flags);
    if (typeof ab === 'number') throw codedError(RangeError, 'ERR_FS_FILE_TOO_LARGE', `File size (${ab}) is greater than 2 GiB`);
    return decode(ab, encoding);
  }],
  writeFile: [3, (file, data, options) => writeFileArgs(file, data, options, 'w'), writeFileRun],
  appendFile: [3, (file, data, options) => writeFileArgs(file, data, options, 'a'), writeFileRun],
};
// Templates ending with X are handled differently across platforms; Node
// warns once.
let nonPortableTemplateWarn = true;
function warnOnNonPortableTemplate(template) {
  if (nonPortableTemplateWarn && template.endsWith('X')) {
    process.emitWarning('mkdtemp() templates ending with X are not portable. ' +
      'For details see: https://nodejs.org/api/fs.html');
    nonPortableTemplateWarn = false;
  }
  return template;
}

const rmDefaults = { retryDelay: 100, maxRetries: 0, recursive: false, force: false };

function statOf(a, options) {
  return a === undefined ? undefined : getStatsFromBinding(a, Boolean(options.bigint));
}

class StatFs {
  constructor(a, bigint) {
    const v = bigint ? a.map((n) => BigInt(n)) : a;
    [this.type, this.bsize, this.blocks, this.bfree, this.bavail, this.files, this.ffree] = v;
  }
}

function readdir(p, options) {
  const withTypes = Boolean(options.withFileTypes);
  const encoding = options.encoding;
  if (options.recursive) {
    const out = [];
    const walk = (dir, rel) => {
      for (const [name, type] of b.readdir(dir, true)) {
        const relName = rel ? `${rel}${pathModule.sep}${name}` : name;
        out.push(withTypes ? new Dirent(name, type, dir) : encodeName(relName, encoding));
        if (type === constants.UV_DIRENT_DIR) walk(pathModule.join(dir, name), relName);
      }
    };
    walk(p, '');
    return out;
  }
  if (withTypes) return b.readdir(p, true).map(([name, type]) => new Dirent(encodeName(name, encoding), type, p));
  return b.readdir(p, false).map((name) => encodeName(name, encoding));
}

function writeFileArgs(file, data, options, flag) {
  options = getOptions(options, { encoding: 'utf8', mode: 0o666, flag });
  const target = isFd(file) ? getValidatedFd(file, 'file') : getValidatedPath(file, 'file');
  if (!ArrayBuffer.isView(data)) {
    if (typeof data !== 'string') {
      throw new ERR_INVALID_ARG_TYPE('data', ['string', 'Buffer', 'TypedArray', 'DataView'], data);
    }
    data = Buffer.from(data, options.encoding || 'utf8');
  }
  return [target, bytesOf(data), stringToFlags(options.flag || flag, 'options.flag'),
    parseFileMode(options.mode, 'mode', 0o666), options.signal];
}

function writeFileRun(target, bytes, flags, mode, signal) {
  checkAborted(signal);
  if (isFd(target)) {
    let off = 0;
    while (off < bytes.byteLength) off += b.write(target, bytes.subarray(off), -1);
    return;
  }
  b.writeFile(target, bytes, flags, mode);
}

const sync = {};
for (const [name, [, check, run]] of Object.entries(ops)) {
  const fn = { [`${name}Sync`](...args) { return run(...check(...args)); } }[`${name}Sync`];
  sync[`${name}Sync`] = fn;
}
const { statSync } = sync;

sync.existsSync = function existsSync(path) {
  try {
    path = getValidatedPath(path);
  } catch {
    return false;
  }
  try {
    return b.stat(path, true, false) !== undefined;
  } catch {
    return false; // ENOTDIR, EACCES, ELOOP…: nothing there to be seen
  }
};

// readSync and writeSync take their arguments as Node's do (lib/fs.js),
// and refuse the same ones with the same errors.
sync.readSync = function readSync(fd, buffer, offsetOrOptions, length, position) {
  fd = getValidatedFd(fd);
  validateBuffer(buffer);
  let offset = offsetOrOptions;
  if (arguments.length <= 3 || typeof offsetOrOptions === 'object') {
    if (offsetOrOptions !== undefined) validateObject(offsetOrOptions, 'options', { nullable: true });
    ({ offset = 0, length = buffer.byteLength - offset, position = null } = offsetOrOptions ?? {});
  }
  if (offset === undefined) offset = 0;
  else validateInteger(offset, 'offset', 0);
  length |= 0;
  if (length === 0) return 0;
  if (buffer.byteLength === 0) throw new ERR_INVALID_ARG_VALUE('buffer', buffer, 'is empty and cannot be written');
  validateOffsetLengthRead(offset, length, buffer.byteLength);
  if (position == null) position = -1;
  validatePosition(position, 'position', length);
  return b.read(fd, bytesOf(buffer), offset, length, Number(position));
};

sync.writeSync = function writeSync(fd, buffer, offsetOrOptions, length, position) {
  fd = getValidatedFd(fd);
  let offset = offsetOrOptions;
  if (ArrayBuffer.isView(buffer)) {
    if (typeof offset === 'object') {
      ({ offset = 0, length = buffer.byteLength - offset, position = null } = offsetOrOptions ?? {});
    }
    if (offset == null) offset = 0;
    else validateInteger(offset, 'offset', 0);
    if (typeof length !== 'number') length = buffer.byteLength - offset;
    if (typeof position !== 'number') position = null;
    validateOffsetLengthWrite(offset, length, buffer.byteLength);
    const view = new Uint8Array(buffer.buffer, buffer.byteOffset + offset, length);
    return b.write(fd, view, position === null ? -1 : position);
  }
  validateStringAfterArrayBufferView(buffer, 'buffer');
  validateEncoding(buffer, length);
  if (offset === undefined) offset = null;
  // As Node's binding does, what is not an encoding's name is UTF-8.
  const encoding = typeof length === 'string' && Buffer.isEncoding(length) ? length : 'utf8';
  return b.write(fd, Buffer.from(buffer, encoding), typeof offset === 'number' ? offset : -1);
};

function validateStringAfterArrayBufferView(buffer, name) {
  if (typeof buffer !== 'string') {
    throw new ERR_INVALID_ARG_TYPE(name, ['string', 'Buffer', 'TypedArray', 'DataView'], buffer);
  }
}

sync.writevSync = function writevSync(fd, buffers, position) {
  fd = getValidatedFd(fd);
  validateBufferArray(buffers);
  if (buffers.length === 0) return 0;
  let pos = typeof position === 'number' ? position : null;
  let total = 0;
  for (const buf of buffers) {
    const n = sync.writeSync(fd, buf, 0, buf.byteLength, pos);
    total += n;
    if (pos !== null) pos += n;
    if (n < buf.byteLength) break;
  }
  return total;
};

sync.readvSync = function readvSync(fd, buffers, position) {
  fd = getValidatedFd(fd);
  validateBufferArray(buffers);
  let pos = typeof position === 'number' ? position : null;
  let total = 0;
  for (const buf of buffers) {
    if (buf.byteLength === 0) continue;
    const n = sync.readSync(fd, buf, 0, buf.byteLength, pos);
    total += n;
    if (pos !== null) pos += n;
    if (n < buf.byteLength) break;
  }
  return total;
};

sync.realpathSync.native = sync.realpathSync;

// callbackVersion is Node's callback form of an operation: the arguments
// are checked, then the callback, then the work is done and the callback
// called later with (err, result).
function callbackVersion(name, arity, check, run, cbName = 'cb') {
  const fn = {
    [name](...args) {
      let cb;
      if (args.length > arity) {
        cb = args[arity];
        args.length = arity;
      } else if (typeof args[args.length - 1] === 'function') {
        cb = args.pop();
      }
      const prepared = check(...args);
      if (name === 'close' && cb === undefined) cb = defaultCloseCallback;
      validateFunction(cb, cbName);
      // The work is done later, as Node's thread pool does it: what the
      // caller does meanwhile (abort a signal) is seen.
      later(() => {
        let result;
        try {
          result = run(...prepared);
        } catch (err) {
          cb(err);
          return;
        }
        // As Node's binding does, an operation with no result calls back
        // with one argument.
        if (result === undefined) cb(null);
        else cb(null, result);
      });
    },
  }[name];
  return fn;
}

function defaultCloseCallback(err) {
  if (err != null) throw err;
}

const callbacks = {};
for (const [name, [arity, check, run]] of Object.entries(ops)) {
  callbacks[name] = callbackVersion(name, arity, check, run);
}
callbacks.realpath.native = callbacks.realpath;

callbacks.exists = function exists(path, callback) {
  makeCallback(callback);
  const ok = sync.existsSync(path);
  later(() => callback(ok));
};

callbacks.read = function read(fd, buffer, offsetOrOptions, length, position, callback) {
  fd = getValidatedFd(fd);
  let offset = offsetOrOptions;
  let params = null;
  if (arguments.length <= 4) {
    if (arguments.length === 4) {
      validateObject(offsetOrOptions, 'options', { nullable: true });
      callback = length;
      params = offsetOrOptions;
    } else if (arguments.length === 3) {
      if (!ArrayBuffer.isView(buffer)) {
        params = buffer;
        ({ buffer = Buffer.alloc(16384) } = params ?? {});
      }
      callback = offsetOrOptions;
    } else {
      callback = buffer;
      buffer = Buffer.alloc(16384);
    }
    if (params !== undefined) validateObject(params, 'options', { nullable: true });
    ({ offset = 0, length = buffer?.byteLength - offset, position = null } = params ?? {});
  }
  validateBuffer(buffer);
  validateFunction(callback, 'cb');
  if (offset == null) offset = 0;
  else validateInteger(offset, 'offset', 0);
  length |= 0;
  if (length === 0) {
    process.nextTick(() => callback(null, 0, buffer));
    return;
  }
  if (buffer.byteLength === 0) throw new ERR_INVALID_ARG_VALUE('buffer', buffer, 'is empty and cannot be written');
  validateOffsetLengthRead(offset, length, buffer.byteLength);
  if (position == null) position = -1;
  validatePosition(position, 'position', length);
  let n;
  let error = null;
  try { n = b.read(fd, bytesOf(buffer), offset, length, Number(position)); } catch (err) { error = err; }
  later(() => (error ? callback(error) : callback(null, n, buffer)));
};

callbacks.write = function write(fd, buffer, offsetOrOptions, length, position, callback) {
  fd = getValidatedFd(fd);
  let offset = offsetOrOptions;
  let args;
  if (ArrayBuffer.isView(buffer)) {
    callback = makeCallback(callback || position || length || offset);
    if (typeof offset === 'object' && offset !== null) {
      ({ offset = 0, length = buffer.byteLength - offset, position = null } = offsetOrOptions ?? {});
    }
    if (offset == null || typeof offset === 'function') offset = 0;
    else validateInteger(offset, 'offset', 0);
    if (typeof length !== 'number') length = buffer.byteLength - offset;
    if (typeof position !== 'number') position = null;
    validateOffsetLengthWrite(offset, length, buffer.byteLength);
    args = [offset, length, position];
  } else {
    validateStringAfterArrayBufferView(buffer, 'buffer');
    if (typeof position !== 'function') {
      if (typeof offset === 'function') {
        position = offset;
        offset = null;
      } else {
        position = length;
      }
      length = 'utf8';
    }
    validateEncoding(buffer, length);
    callback = makeCallback(position);
    args = [offset, length];
  }
  let n;
  let error = null;
  try { n = sync.writeSync(fd, buffer, ...args); } catch (err) { error = err; }
  later(() => (error ? callback(error, 0, buffer) : callback(null, n, buffer)));
};

for (const name of ['writev', 'readv']) {
  const run = sync[`${name}Sync`];
  callbacks[name] = {
    [name](fd, buffers, position, callback) {
      fd = getValidatedFd(fd);
      validateBufferArray(buffers);
      if (typeof position === 'function') {
        callback = position;
        position = null;
      }
      makeCallback(callback);
      let n;
      let error = null;
      try { n = run(fd, buffers, position); } catch (err) { error = err; }
      later(() => (error ? callback(error) : callback(null, n, buffers)));
    },
  }[name];
}

// opendir reads a directory's entries when it is opened; Dir hands them
// out. Its asynchronous operations run one at a time, in order, and no
// synchronous one may run meanwhile, as in Node.
const kDirEntries = Symbol('kDirEntries');
const kDirClosed = Symbol('kDirClosed');
class Dir {
  #queue = null; // the operations waiting for the one running; null when none runs

  constructor(handle, path, options) {
    if (!handle) throw codedError(TypeError, 'ERR_MISSING_ARGS', 'The "handle" argument must be specified');
    this[kDirEntries] = handle;
    this[kDirClosed] = false;
    this.path = path;
    this.options = options;
  }

  #checkSync() {
    if (this[kDirClosed]) throw dirClosed();
    if (this.#queue !== null) {
      throw codedError(Error, 'ERR_DIR_CONCURRENT_OPERATION',
        'Cannot do synchronous work on directory handle with concurrent asynchronous operations');
    }
  }

  // #async runs op after the operations queued before it and calls back
  // with its result.
  #async(op, callback) {
    const run = () => {
      let result;
      let error = null;
      try { result = op(); } catch (err) { error = err; }
      const next = this.#queue.shift();
      if (next) later(next);
      else this.#queue = null;
      if (error) callback(error);
      else callback(null, result);
    };
    if (this.#queue === null) {
      this.#queue = [];
      later(run);
    } else {
      this.#queue.push(run);
    }
  }

  readSync() {
    this.#checkSync();
    return this[kDirEntries].shift() ?? null;
  }

  read(callback) {
    if (callback === undefined) return new Promise((resolve, reject) => this.read((err, d) => (err ? reject(err) : resolve(d))));
    validateFunction(callback, 'callback');
    if (this[kDirClosed]) {
      process.nextTick(callback, dirClosed());
      return;
    }
    this.#async(() => this[kDirEntries].shift() ?? null, callback);
  }

  closeSync() {
    this.#checkSync();
    this[kDirClosed] = true;
  }

  close(callback) {
    if (callback === undefined) return new Promise((resolve, reject) => this.close((err) => (err ? reject(err) : resolve())));
    validateFunction(callback, 'callback');
    if (this[kDirClosed]) {
      process.nextTick(callback, dirClosed());
      return;
    }
    this[kDirClosed] = true;
    this.#async(() => undefined, (err) => callback(err));
  }

  entries() { return this[Symbol.asyncIterator](); }

  [Symbol.asyncIterator]() {
    return {
      next: async () => {
        const value = await this.read();
        if (value === null) {
          if (!this[kDirClosed]) await this.close();
          return { done: true, value: undefined };
        }
        return { done: false, value };
      },
      return: async () => {
        if (!this[kDirClosed]) await this.close();
        return { done: true, value: undefined };
      },
      [Symbol.asyncIterator]() { return this; },
    };
  }
}

function dirClosed() {
  return codedError(Error, 'ERR_DIR_CLOSED', 'Directory handle was closed');
}

ops.opendir = [2, (path, options) => {
  path = getValidatedPath(path);
  options = getOptions(options, { encoding: 'utf8' });
  if (options.bufferSize !== undefined) validateInteger(options.bufferSize, 'options.bufferSize', 1, 4294967295);
  return [path, options];
}, (p, options) => new Dir(b.readdir(p, true).map(([name, type]) => new Dirent(encodeName(name, options.encoding), type, p)), p, options)];
sync.opendirSync = (...args) => ops.opendir[2](...ops.opendir[1](...args));
callbacks.opendir = callbackVersion('opendir', ...ops.opendir, 'callback');

// util.promisify of the operations that call back with several values
// resolves with an object of them, as Node's do.
const kPromisify = Symbol.for('nodejs.util.promisify.custom');
for (const [name, keys] of [['read', ['bytesRead', 'buffer']], ['write', ['bytesWritten', 'buffer']],
  ['readv', ['bytesRead', 'buffers']], ['writev', ['bytesWritten', 'buffers']]]) {
  const fn = callbacks[name];
  // Named as the operation, as util.promisify's results are.
  const promisified = { [name]: (...args) => new Promise((resolve, reject) => {
    fn(...args, (err, a, b) => (err ? reject(err) : resolve({ [keys[0]]: a, [keys[1]]: b })));
  }) }[name];
  Object.defineProperty(fn, kPromisify, { __proto__: null, value: promisified });
}
Object.defineProperty(callbacks.exists, kPromisify, {
  __proto__: null,
  value: function exists(path) { return new Promise((resolve) => callbacks.exists(path, resolve)); },
});

module.exports = Object.assign({}, sync, callbacks, {
  _toUnixTimestamp: toUnixTimestamp,
  constants,
  Stats,
  Dirent,
  Dir,
  F_OK: constants.F_OK,
  R_OK: constants.R_OK,
  W_OK: constants.W_OK,
  X_OK: constants.X_OK,
  watch(filename, options, listener) { return watchers().watch(filename, options, listener); },
  watchFile(filename, options, listener) { return watchers().watchFile(filename, options, listener); },
  unwatchFile(filename, listener) { return watchers().unwatchFile(filename, listener); },
  createReadStream(path, options) {
    return new (streams().ReadStream)(path, options);
  },
  createWriteStream(path, options) {
    return new (streams().WriteStream)(path, options);
  },
});

// fs.promises, and the stream classes, load on first use, as in Node (they
// need fs itself).
function streams() {
  return require('internal/fs_streams');
}
function watchers() {
  return require('internal/fs_watchers');
}
Object.defineProperty(module.exports, 'promises', {
  __proto__: null, enumerable: true, configurable: true, get: () => require('fs/promises'),
});
let ReadStream;
let WriteStream;
for (const [name, get, set] of [
  ['ReadStream', () => ReadStream || streams().ReadStream, (v) => { ReadStream = v; }],
  ['WriteStream', () => WriteStream || streams().WriteStream, (v) => { WriteStream = v; }],
  ['FileReadStream', () => ReadStream || streams().ReadStream, (v) => { ReadStream = v; }],
  ['FileWriteStream', () => WriteStream || streams().WriteStream, (v) => { WriteStream = v; }],
]) {
  Object.defineProperty(module.exports, name, { __proto__: null, get, set, enumerable: false, configurable: true });
}
