'use strict';
// node:fs: the synchronous API, callback versions run asynchronously over it,
// and fs.promises.

const b = internalBinding('fs');
const { Buffer } = require('buffer');
const pathModule = require('path');
const { codedError, invalidArgType } = require('internal/errors');
const {
  validateBuffer, validateFunction, validateInt32, validateInteger, validateObject, validateEncoding,
  codes: { ERR_INVALID_ARG_VALUE, ERR_OUT_OF_RANGE, ERR_INVALID_ARG_TYPE },
} = require('internal/validators');

const constants = {
  UV_FS_SYMLINK_DIR: 1, UV_FS_SYMLINK_JUNCTION: 2, O_RDONLY: 0, O_WRONLY: 1, O_RDWR: 2,
  UV_DIRENT_UNKNOWN: 0, UV_DIRENT_FILE: 1, UV_DIRENT_DIR: 2, UV_DIRENT_LINK: 3, UV_DIRENT_FIFO: 4,
  UV_DIRENT_SOCKET: 5, UV_DIRENT_CHAR: 6, UV_DIRENT_BLOCK: 7, S_IFMT: 0o170000, S_IFREG: 0o100000,
  S_IFDIR: 0o040000, S_IFCHR: 0o020000, S_IFBLK: 0o060000, S_IFIFO: 0o010000, S_IFLNK: 0o120000,
  S_IFSOCK: 0o140000, O_CREAT: 64, O_EXCL: 128, UV_FS_O_FILEMAP: 0, O_NOCTTY: 256, O_TRUNC: 512,
  O_APPEND: 1024, O_DIRECTORY: 65536, O_NOATIME: 262144, O_NOFOLLOW: 131072, O_SYNC: 1052672,
  O_DSYNC: 4096, O_DIRECT: 16384, O_NONBLOCK: 2048, S_IRWXU: 448, S_IRUSR: 256, S_IWUSR: 128,
  S_IXUSR: 64, S_IRWXG: 56, S_IRGRP: 32, S_IWGRP: 16, S_IXGRP: 8, S_IRWXO: 7, S_IROTH: 4,
  S_IWOTH: 2, S_IXOTH: 1, F_OK: 0, R_OK: 4, W_OK: 2, X_OK: 1, UV_FS_COPYFILE_EXCL: 1,
  COPYFILE_EXCL: 1, UV_FS_COPYFILE_FICLONE: 2, COPYFILE_FICLONE: 2, UV_FS_COPYFILE_FICLONE_FORCE: 4,
  COPYFILE_FICLONE_FORCE: 4,
};

// toPath accepts what Node accepts for a path: a string, a Buffer or a file URL.
function toPath(p, name = 'path') {
  let s;
  if (typeof p === 'string') s = p;
  else if (p instanceof Uint8Array) s = Buffer.from(p).toString();
  else if (p !== null && typeof p === 'object' && p.href !== undefined && p.protocol !== undefined) {
    s = require('url').fileURLToPath(p);
  } else {
    throw invalidArgType(name, ['string', 'Buffer', 'URL'], p);
  }
  if (s.includes('\u0000')) {
    throw new ERR_INVALID_ARG_VALUE(name, p, 'must be a string, Uint8Array, or URL without null bytes');
  }
  return s;
}

// validFd is Node's getValidatedFd: a descriptor is an int32 >= 0.
function validFd(fd, name = 'fd') {
  validateInt32(fd, name, 0);
  return fd;
}

function validatePosition(position, name, length) {
  if (typeof position === 'number') {
    validateInteger(position, name, -1);
  } else if (typeof position === 'bigint') {
    const maxPosition = 2n ** 63n - 1n - BigInt(length);
    if (!(position >= -1n && position <= maxPosition)) {
      throw new ERR_OUT_OF_RANGE(name, `>= -1 && <= ${maxPosition}`, position);
    }
  } else {
    throw new ERR_INVALID_ARG_TYPE(name, ['integer', 'bigint'], position);
  }
}

function validateOffsetLengthRead(offset, length, bufferLength) {
  if (offset < 0) throw new ERR_OUT_OF_RANGE('offset', '>= 0', offset);
  if (length < 0) throw new ERR_OUT_OF_RANGE('length', '>= 0', length);
  if (offset + length > bufferLength) throw new ERR_OUT_OF_RANGE('length', `<= ${bufferLength - offset}`, length);
}

function validateOffsetLengthWrite(offset, length, byteLength) {
  if (offset > byteLength) throw new ERR_OUT_OF_RANGE('offset', `<= ${byteLength}`, offset);
  if (length > byteLength - offset) throw new ERR_OUT_OF_RANGE('length', `<= ${byteLength - offset}`, length);
  if (length < 0) throw new ERR_OUT_OF_RANGE('length', '>= 0', length);
  validateInt32(length, 'length', 0);
}

function encodingOf(options, fallback) {
  if (typeof options === 'string') return options;
  if (options && typeof options === 'object' && options.encoding !== undefined) return options.encoding;
  return fallback;
}

function flagOf(options, fallback) {
  return (options && typeof options === 'object' && options.flag) || fallback;
}

function modeOf(mode, fallback) {
  if (mode === undefined || mode === null) return fallback;
  if (typeof mode === 'string') return parseInt(mode, 8);
  return mode;
}

function toBytes(data, encoding) {
  if (typeof data === 'string') return Buffer.from(data, encoding || 'utf8');
  if (ArrayBuffer.isView(data)) return data;
  throw invalidArgType('data', ['string', 'Buffer', 'TypedArray', 'DataView'], data);
}

function decode(ab, encoding) {
  const buf = Buffer.from(ab);
  return encoding && encoding !== 'buffer' ? buf.toString(encoding) : buf;
}

class Stats {
  constructor(a) {
    [this.dev, this.mode, this.nlink, this.uid, this.gid, this.rdev, this.blksize, this.ino,
      this.size, this.blocks, this.atimeMs, this.mtimeMs, this.ctimeMs, this.birthtimeMs] = a;
    this.atime = new Date(this.atimeMs);
    this.mtime = new Date(this.mtimeMs);
    this.ctime = new Date(this.ctimeMs);
    this.birthtime = new Date(this.birthtimeMs);
  }
  #type() { return this.mode & constants.S_IFMT; }
  isFile() { return this.#type() === constants.S_IFREG; }
  isDirectory() { return this.#type() === constants.S_IFDIR; }
  isSymbolicLink() { return this.#type() === constants.S_IFLNK; }
  isFIFO() { return this.#type() === constants.S_IFIFO; }
  isSocket() { return this.#type() === constants.S_IFSOCK; }
  isCharacterDevice() { return this.#type() === constants.S_IFCHR; }
  isBlockDevice() { return this.#type() === constants.S_IFBLK; }
}

class Dirent {
  constructor(name, type, path) {
    this.name = name;
    this.path = path;
    this[kType] = type;
  }
  isFile() { return this[kType] === constants.UV_DIRENT_FILE; }
  isDirectory() { return this[kType] === constants.UV_DIRENT_DIR; }
  isSymbolicLink() { return this[kType] === constants.UV_DIRENT_LINK; }
  isFIFO() { return this[kType] === constants.UV_DIRENT_FIFO; }
  isSocket() { return this[kType] === constants.UV_DIRENT_SOCKET; }
  isCharacterDevice() { return this[kType] === constants.UV_DIRENT_CHAR; }
  isBlockDevice() { return this[kType] === constants.UV_DIRENT_BLOCK; }
}
const kType = Symbol('type');

function isFd(p) {
  return typeof p === 'number';
}

function readFileSync(path, options) {
  const encoding = encodingOf(options, null);
  const ab = isFd(path) ? b.readFd(path) : b.readFile(toPath(path), flagOf(options, 'r'));
  if (typeof ab === 'number') throw codedError(RangeError, 'ERR_FS_FILE_TOO_LARGE', `File size (${ab}) is greater than 2 GiB`);
  return decode(ab, encoding);
}

function writeFileSync(file, data, options) {
  const encoding = encodingOf(options, 'utf8');
  const bytes = toBytes(data, encoding);
  if (isFd(file)) {
    b.write(file, bytes, -1);
    return;
  }
  b.writeFile(toPath(file, 'file'), bytes, flagOf(options, 'w'), modeOf(options && options.mode, 0o666));
}

function appendFileSync(file, data, options) {
  const opts = typeof options === 'string' ? { encoding: options } : Object.assign({}, options);
  opts.flag = opts.flag || 'a';
  writeFileSync(file, data, opts);
}

function existsSync(path) {
  try {
    return b.stat(toPath(path), true, false) !== undefined;
  } catch {
    return false;
  }
}

function statSync(path, options) {
  const a = b.stat(toPath(path), true, !(options && options.throwIfNoEntry === false));
  return a === undefined ? undefined : new Stats(a);
}

function lstatSync(path, options) {
  const a = b.stat(toPath(path), false, !(options && options.throwIfNoEntry === false));
  return a === undefined ? undefined : new Stats(a);
}

function fstatSync(fd) {
  return new Stats(b.fstat(validFd(fd)));
}

function readdirSync(path, options) {
  const p = toPath(path);
  const withTypes = Boolean(options && options.withFileTypes);
  const encoding = encodingOf(options, 'utf8');
  if (options && options.recursive) {
    const out = [];
    const walk = (dir, rel) => {
      for (const [name, type] of b.readdir(dir, true)) {
        const relName = rel ? `${rel}${pathModule.sep}${name}` : name;
        out.push(withTypes ? new Dirent(name, type, dir) : relName);
        if (type === constants.UV_DIRENT_DIR) walk(pathModule.join(dir, name), relName);
      }
    };
    walk(p, '');
    return out;
  }
  if (withTypes) return b.readdir(p, true).map(([name, type]) => new Dirent(name, type, p));
  const names = b.readdir(p, false);
  return encoding === 'buffer' ? names.map((n) => Buffer.from(n)) : names;
}

function mkdirSync(path, options) {
  const recursive = Boolean(options && typeof options === 'object' && options.recursive);
  const mode = modeOf(typeof options === 'object' && options ? options.mode : options, 0o777);
  return b.mkdir(toPath(path), recursive, mode);
}

function rmSync(path, options) {
  b.rm(toPath(path), Boolean(options && options.recursive), Boolean(options && options.force));
}

function rmdirSync(path, options) {
  if (options && options.recursive) {
    b.rm(toPath(path), true, false);
    return;
  }
  b.rmdir(toPath(path));
}

function accessSync(path, mode = constants.F_OK) {
  b.access(toPath(path), mode);
}

function copyFileSync(src, dest, mode = 0) {
  b.copyFile(toPath(src, 'src'), toPath(dest, 'dest'), (mode & constants.COPYFILE_EXCL) !== 0);
}

function openSync(path, flags = 'r', mode = 0o666) {
  if (typeof flags === 'number') {
    const map = { 0: 'r', 2: 'r+', 577: 'w', 578: 'w+', 1089: 'a', 1090: 'a+', 705: 'wx', 706: 'wx+' };
    flags = map[flags] || 'r';
  }
  return b.open(toPath(path), flags, modeOf(mode, 0o666));
}

// readSync and writeSync take their arguments as Node's do (lib/fs.js),
// and refuse the same ones with the same errors.
function readSync(fd, buffer, offsetOrOptions, length, position) {
  validFd(fd);
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
}

// bytesOf views any ArrayBufferView as bytes, which the binding reads.
function bytesOf(view) {
  return view instanceof Uint8Array ? view : new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
}

function writeSync(fd, buffer, offsetOrOptions, length, position) {
  validFd(fd);
  let offset = offsetOrOptions;
  if (ArrayBuffer.isView(buffer)) {
    if (typeof offset === 'object') {
      ({ offset = 0, length = buffer.byteLength - offset, position = null } = offsetOrOptions ?? {});
    }
    if (typeof offset !== 'number') offset = 0;
    if (typeof length !== 'number') length = buffer.byteLength - offset;
    if (typeof position !== 'number') position = null;
    validateOffsetLengthWrite(offset, length, buffer.byteLength);
    const view = new Uint8Array(buffer.buffer, buffer.byteOffset + offset, length);
    return b.write(fd, view, position === null ? -1 : position);
  }
  if (typeof buffer !== 'string') {
    throw new ERR_INVALID_ARG_TYPE('buffer', ['string', 'Buffer', 'TypedArray', 'DataView'], buffer);
  }
  validateEncoding(buffer, length);
  return b.write(fd, Buffer.from(buffer, length || 'utf8'), typeof offset === 'number' ? offset : -1);
}

function validateBufferArray(buffers, name = 'buffers') {
  if (!Array.isArray(buffers)) throw new ERR_INVALID_ARG_TYPE(name, 'ArrayBufferView[]', buffers);
  for (const buf of buffers) {
    if (!ArrayBuffer.isView(buf)) throw new ERR_INVALID_ARG_TYPE(name, 'ArrayBufferView[]', buffers);
  }
  return buffers;
}

function writevSync(fd, buffers, position) {
  validFd(fd);
  validateBufferArray(buffers);
  if (buffers.length === 0) return 0;
  let pos = typeof position === 'number' ? position : null;
  let total = 0;
  for (const buf of buffers) {
    const n = writeSync(fd, buf, 0, buf.byteLength, pos);
    total += n;
    if (pos !== null) pos += n;
    if (n < buf.byteLength) break;
  }
  return total;
}

function readvSync(fd, buffers, position) {
  validFd(fd);
  validateBufferArray(buffers);
  let pos = typeof position === 'number' ? position : null;
  let total = 0;
  for (const buf of buffers) {
    if (buf.byteLength === 0) continue;
    const n = readSync(fd, buf, 0, buf.byteLength, pos);
    total += n;
    if (pos !== null) pos += n;
    if (n < buf.byteLength) break;
  }
  return total;
}

function closeSync(fd) {
  b.close(validFd(fd));
}

function realpathSync(path, options) {
  const p = b.realpath(toPath(path));
  return encodingOf(options, 'utf8') === 'buffer' ? Buffer.from(p) : p;
}
realpathSync.native = realpathSync;

function mkdtempSync(prefix) {
  return b.mkdtemp(toPath(prefix, 'prefix'));
}

function toSeconds(t) {
  if (t instanceof Date) return t.getTime() / 1000;
  return Number(t);
}

const sync = {
  readFileSync,
  writeFileSync,
  appendFileSync,
  existsSync,
  statSync,
  lstatSync,
  fstatSync,
  readdirSync,
  mkdirSync,
  rmSync,
  rmdirSync,
  unlinkSync: (p) => b.unlink(toPath(p)),
  renameSync: (from, to) => b.rename(toPath(from, 'oldPath'), toPath(to, 'newPath')),
  realpathSync,
  accessSync,
  copyFileSync,
  openSync,
  readSync,
  writeSync,
  writevSync,
  readvSync,
  closeSync,
  mkdtempSync,
  symlinkSync: (target, path) => b.symlink(toPath(target, 'target'), toPath(path)),
  readlinkSync: (p) => b.readlink(toPath(p)),
  chmodSync: (p, mode) => b.chmod(toPath(p), modeOf(mode)),
  utimesSync: (p, atime, mtime) => b.utimes(toPath(p), toSeconds(atime), toSeconds(mtime)),
  truncateSync: (p, len = 0) => (isFd(p) ? b.ftruncate(p, len) : b.truncate(toPath(p), len)),
  ftruncateSync: (fd, len = 0) => b.ftruncate(fd, len),
  fsyncSync: (fd) => { validFd(fd); },
  fdatasyncSync: (fd) => { validFd(fd); },
};

// later runs fn after the current operation, as an I/O callback would.
function later(fn) {
  if (typeof setImmediate === 'function') setImmediate(fn);
  else Promise.resolve().then(fn);
}

function maybeCallback(cb) {
  validateFunction(cb, 'cb');
  return cb;
}

const argumentErrors = new Set([
  'ERR_INVALID_ARG_TYPE', 'ERR_INVALID_ARG_VALUE', 'ERR_OUT_OF_RANGE', 'ERR_MISSING_ARGS',
  'ERR_UNKNOWN_ENCODING', 'ERR_INVALID_URL_SCHEME', 'ERR_INVALID_FILE_URL_PATH', 'ERR_INVALID_FILE_URL_HOST',
]);

function isArgumentError(err) {
  return err !== null && typeof err === 'object' && argumentErrors.has(err.code);
}

// callbackVersion turns a sync function into Node's callback style: the last
// argument is the callback, called later with (err, result).
function callbackVersion(fn, name) {
  const wrapped = function (...args) {
    const cb = maybeCallback(args.pop());
    let result;
    let error = null;
    try {
      result = fn(...args);
    } catch (err) {
      // Node checks the arguments before it starts the operation: what
      // is wrong with them is thrown, not given to the callback.
      if (isArgumentError(err)) throw err;
      error = err;
    }
    // As Node's binding does, an operation with no result calls back with
    // one argument.
    later(() => (error ? cb(error) : result === undefined ? cb(null) : cb(null, result)));
  };
  Object.defineProperty(wrapped, 'name', { __proto__: null, value: name });
  return wrapped;
}

function exists(path, cb) {
  const ok = existsSync(path);
  later(() => cb(ok));
}

const callbacks = { exists };
for (const [name, fn] of Object.entries(sync)) {
  callbacks[name.slice(0, -4)] = callbackVersion(fn, name.slice(0, -4));
}
callbacks.read = function read(fd, buffer, offsetOrOptions, length, position, callback) {
  validFd(fd);
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
  validFd(fd);
  let offset = offsetOrOptions;
  let args;
  if (ArrayBuffer.isView(buffer)) {
    callback = maybeCallback(callback || position || length || offset);
    if (typeof offset === 'object') {
      ({ offset = 0, length = buffer.byteLength - offset, position = null } = offsetOrOptions ?? {});
    }
    if (offset == null || typeof offset === 'function') offset = 0;
    else validateInteger(offset, 'offset', 0);
    if (typeof length !== 'number') length = buffer.byteLength - offset;
    if (typeof position !== 'number') position = null;
    validateOffsetLengthWrite(offset, length, buffer.byteLength);
    args = [offset, length, position];
  } else {
    if (typeof buffer !== 'string') {
      throw new ERR_INVALID_ARG_TYPE('buffer', ['string', 'Buffer', 'TypedArray', 'DataView'], buffer);
    }
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
    callback = maybeCallback(position);
    args = [offset, length];
  }
  let n;
  let error = null;
  try { n = writeSync(fd, buffer, ...args); } catch (err) { error = err; }
  later(() => (error ? callback(error, 0, buffer) : callback(null, n, buffer)));
};
for (const name of ['writev', 'readv']) {
  const sync = name === 'writev' ? writevSync : readvSync;
  callbacks[name] = function (fd, buffers, position, callback) {
    validFd(fd);
    validateBufferArray(buffers);
    if (typeof position === 'function') {
      callback = position;
      position = null;
    }
    validateFunction(callback, 'cb');
    let n;
    let error = null;
    try { n = sync(fd, buffers, position); } catch (err) { error = err; }
    later(() => (error ? callback(error) : callback(null, n, buffers)));
  };
}
callbacks.realpath.native = callbacks.realpath;

// fs.promises: the same operations, settled asynchronously.
function promiseVersion(fn) {
  return (...args) => new Promise((resolve, reject) => {
    let result;
    try {
      result = fn(...args);
    } catch (err) {
      later(() => reject(err));
      return;
    }
    later(() => resolve(result));
  });
}

class FileHandle {
  constructor(fd) { this.fd = fd; }
  readFile(options) { return promiseVersion(readFileSync)(this.fd, options); }
  writeFile(data, options) { return promiseVersion(writeFileSync)(this.fd, data, options); }
  stat() { return promiseVersion(fstatSync)(this.fd); }
  read(buffer, offset, length, position) {
    return promiseVersion(() => ({ bytesRead: readSync(this.fd, buffer, offset, length, position), buffer }))();
  }
  write(data, ...rest) {
    return promiseVersion(() => ({ bytesWritten: writeSync(this.fd, data, ...rest), buffer: data }))();
  }
  close() { return promiseVersion(closeSync)(this.fd); }
}

const promises = { constants };
for (const [name, fn] of Object.entries(sync)) {
  if (['existsSync', 'openSync', 'readSync', 'writeSync', 'writevSync', 'readvSync', 'closeSync', 'fstatSync', 'ftruncateSync', 'fsyncSync', 'fdatasyncSync'].includes(name)) continue;
  promises[name.slice(0, -4)] = promiseVersion(fn);
}
promises.open = (path, flags, mode) => promiseVersion(() => new FileHandle(openSync(path, flags, mode)))();

function unsupported(name) {
  return () => {
    throw codedError(Error, 'ERR_NOT_SUPPORTED', `fs.${name} is not supported by this runtime`);
  };
}

module.exports = Object.assign({}, sync, callbacks, {
  constants,
  promises,
  Stats,
  Dirent,
  F_OK: constants.F_OK,
  R_OK: constants.R_OK,
  W_OK: constants.W_OK,
  X_OK: constants.X_OK,
  watch: unsupported('watch'),
  watchFile: unsupported('watchFile'),
  unwatchFile: () => {},
  createReadStream(path, options) {
    return new (streams().ReadStream)(path, options);
  },
  createWriteStream(path, options) {
    return new (streams().WriteStream)(path, options);
  },
});

// The stream classes load on first use, as in Node (they need fs itself).
function streams() {
  return require('internal/fs_streams');
}
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
