'use strict';
// What fs and fs/promises share: the binding, the constants, the checks of
// arguments Node makes (lib/internal/fs/utils.js), Stats and Dirent.

const b = internalBinding('fs');
const { Buffer } = require('buffer');
const { codedError, invalidArgType } = require('internal/errors');
const {
  validateFunction, validateInt32, validateInteger, validateUint32, validateAbortSignal, validateObject,
  validateBoolean, codes: { ERR_INVALID_ARG_VALUE, ERR_OUT_OF_RANGE, ERR_INVALID_ARG_TYPE },
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
const { O_RDONLY, O_WRONLY, O_RDWR, O_CREAT, O_EXCL, O_TRUNC, O_APPEND, O_SYNC } = constants;

const kEmptyObject = Object.freeze({ __proto__: null });
const kMaxUserId = 2 ** 32 - 1;

// getValidatedPath accepts what Node accepts for a path: a string, a Buffer
// or a file URL, without NUL bytes.
function getValidatedPath(p, name = 'path') {
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

// getValidatedFd: a descriptor is an int32 >= 0.
function getValidatedFd(fd, name = 'fd') {
  if (Object.is(fd, -0)) return 0;
  validateInt32(fd, name, 0);
  return fd;
}

function stringToFlags(flags, name = 'flags') {
  if (typeof flags === 'number') return flags;
  if (flags == null) return O_RDONLY;
  switch (flags) {
    case 'r': return O_RDONLY;
    case 'rs': case 'sr': return O_RDONLY | O_SYNC;
    case 'r+': return O_RDWR;
    case 'rs+': case 'sr+': return O_RDWR | O_SYNC;
    case 'w': return O_TRUNC | O_CREAT | O_WRONLY;
    case 'wx': case 'xw': return O_TRUNC | O_CREAT | O_WRONLY | O_EXCL;
    case 'w+': return O_TRUNC | O_CREAT | O_RDWR;
    case 'wx+': case 'xw+': return O_TRUNC | O_CREAT | O_RDWR | O_EXCL;
    case 'a': return O_APPEND | O_CREAT | O_WRONLY;
    case 'ax': case 'xa': return O_APPEND | O_CREAT | O_WRONLY | O_EXCL;
    case 'as': case 'sa': return O_APPEND | O_CREAT | O_WRONLY | O_SYNC;
    case 'a+': return O_APPEND | O_CREAT | O_RDWR;
    case 'ax+': case 'xa+': return O_APPEND | O_CREAT | O_RDWR | O_EXCL;
    case 'as+': case 'sa+': return O_APPEND | O_CREAT | O_RDWR | O_SYNC;
  }
  throw new ERR_INVALID_ARG_VALUE(name, flags);
}

function parseFileMode(value, name, def) {
  value ??= def;
  if (typeof value === 'string') {
    if (!/^[0-7]+$/.test(value)) {
      throw new ERR_INVALID_ARG_VALUE(name, value, 'must be a 32-bit unsigned integer or an octal string');
    }
    value = parseInt(value, 8);
  }
  validateUint32(value, name);
  return value;
}

// getValidMode is Node's check of access and copyFile modes.
function getValidMode(mode, type) {
  let min = 0;
  let max = constants.R_OK | constants.W_OK | constants.X_OK;
  let def = constants.F_OK;
  if (type === 'copyFile') {
    min = 0;
    max = constants.COPYFILE_EXCL | constants.COPYFILE_FICLONE | constants.COPYFILE_FICLONE_FORCE;
    def = 0;
  }
  if (mode == null) return def;
  validateInteger(mode, 'mode');
  if (mode >= min && mode <= max) return mode;
  throw codedError(RangeError, 'ERR_OUT_OF_RANGE', `mode is out of range: >= ${min} && <= ${max}`);
}

function assertEncoding(encoding) {
  if (encoding && !Buffer.isEncoding(encoding)) {
    // Node names the arguments the other way round here.
    throw new ERR_INVALID_ARG_VALUE(encoding, 'encoding', 'is invalid encoding');
  }
}

function getOptions(options, defaultOptions = kEmptyObject) {
  if (options == null || typeof options === 'function') return defaultOptions;
  if (typeof options === 'string') {
    defaultOptions = { ...defaultOptions };
    defaultOptions.encoding = options;
    options = defaultOptions;
  } else if (typeof options !== 'object') {
    throw new ERR_INVALID_ARG_TYPE('options', ['string', 'Object'], options);
  }
  if (options.encoding !== 'buffer') assertEncoding(options.encoding);
  if (options.signal !== undefined) validateAbortSignal(options.signal, 'options.signal');
  return options;
}

function toUnixTimestamp(time, name = 'time') {
  // eslint-disable-next-line eqeqeq
  if (typeof time === 'string' && +time == time) return +time;
  if (Number.isFinite(time)) return time < 0 ? Date.now() / 1000 : time;
  if (time instanceof Date) return time.getTime() / 1000;
  throw new ERR_INVALID_ARG_TYPE(name, ['Date', 'Time in seconds'], time);
}

function stringToSymlinkType(type) {
  switch (type) {
    case undefined: case null: case 'file': return 0;
    case 'dir': return constants.UV_FS_SYMLINK_DIR;
    case 'junction': return constants.UV_FS_SYMLINK_JUNCTION;
  }
  throw codedError(Error, 'ERR_FS_INVALID_SYMLINK_TYPE',
    `Symlink type must be one of "dir", "file", or "junction". Received "${type}"`);
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

function validateBufferArray(buffers, name = 'buffers') {
  if (!Array.isArray(buffers)) throw new ERR_INVALID_ARG_TYPE(name, 'ArrayBufferView[]', buffers);
  for (const buf of buffers) {
    if (!ArrayBuffer.isView(buf)) throw new ERR_INVALID_ARG_TYPE(name, 'ArrayBufferView[]', buffers);
  }
  return buffers;
}

function validateRmOptions(options, defaults) {
  if (options === undefined) return defaults;
  validateObject(options, 'options');
  const out = { ...defaults, ...options };
  validateBoolean(out.force, 'options.force');
  validateBoolean(out.recursive, 'options.recursive');
  validateInt32(out.retryDelay, 'options.retryDelay', 0);
  validateUint32(out.maxRetries, 'options.maxRetries');
  return out;
}

// bytesOf views any ArrayBufferView as bytes, which the binding reads.
function bytesOf(view) {
  return view instanceof Uint8Array ? view : new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
}

function dateOf(ms) {
  return new Date(Math.round(Number(ms)));
}

class StatsBase {
  isFile() { return this._checkModeProperty(constants.S_IFREG); }
  isDirectory() { return this._checkModeProperty(constants.S_IFDIR); }
  isSymbolicLink() { return this._checkModeProperty(constants.S_IFLNK); }
  isFIFO() { return this._checkModeProperty(constants.S_IFIFO); }
  isSocket() { return this._checkModeProperty(constants.S_IFSOCK); }
  isCharacterDevice() { return this._checkModeProperty(constants.S_IFCHR); }
  isBlockDevice() { return this._checkModeProperty(constants.S_IFBLK); }
}

class Stats extends StatsBase {
  constructor(dev, mode, nlink, uid, gid, rdev, blksize, ino, size, blocks, atimeMs, mtimeMs, ctimeMs, birthtimeMs) {
    super();
    Object.assign(this, { dev, mode, nlink, uid, gid, rdev, blksize, ino, size, blocks, atimeMs, mtimeMs, ctimeMs, birthtimeMs });
    this.atime = dateOf(atimeMs);
    this.mtime = dateOf(mtimeMs);
    this.ctime = dateOf(ctimeMs);
    this.birthtime = dateOf(birthtimeMs);
  }
  _checkModeProperty(property) {
    return (this.mode & constants.S_IFMT) === property;
  }
}

// BigIntStats holds the same fields as BigInts, with the times also in
// nanoseconds.
class BigIntStats extends StatsBase {
  constructor(dev, mode, nlink, uid, gid, rdev, blksize, ino, size, blocks, atimeNs, mtimeNs, ctimeNs, birthtimeNs) {
    super();
    Object.assign(this, { dev, mode, nlink, uid, gid, rdev, blksize, ino, size, blocks });
    const ms = (ns) => ns / 1000000n;
    Object.assign(this, {
      atimeMs: ms(atimeNs), mtimeMs: ms(mtimeNs), ctimeMs: ms(ctimeNs), birthtimeMs: ms(birthtimeNs),
      atimeNs, mtimeNs, ctimeNs, birthtimeNs,
    });
    this.atime = dateOf(this.atimeMs);
    this.mtime = dateOf(this.mtimeMs);
    this.ctime = dateOf(this.ctimeMs);
    this.birthtime = dateOf(this.birthtimeMs);
  }
  _checkModeProperty(property) {
    return (this.mode & BigInt(constants.S_IFMT)) === BigInt(property);
  }
}

// getStatsFromBinding makes Stats of the binding's numbers: 14 fields (times
// in milliseconds), then the four times as seconds and nanoseconds.
function getStatsFromBinding(a, bigint = false) {
  if (!bigint) return new Stats(...a.slice(0, 14));
  const ints = a.slice(0, 10).map((n) => BigInt(n));
  const ns = [];
  for (let i = 14; i < 22; i += 2) ns.push(BigInt(a[i]) * 1000000000n + BigInt(a[i + 1]));
  return new BigIntStats(...ints, ...ns);
}

const kType = Symbol('type');

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

// later runs fn after the current operation, as an I/O callback would.
function later(fn) {
  if (typeof setImmediate === 'function') setImmediate(fn);
  else Promise.resolve().then(fn);
}

function makeCallback(cb) {
  validateFunction(cb, 'cb');
  return cb;
}

class AbortError extends Error {
  constructor(message = 'The operation was aborted', options = undefined) {
    super(message, options);
    this.code = 'ABORT_ERR';
    this.name = 'AbortError';
  }
}

// kRef and kUnref count the users of a FileHandle (fs streams among them).
const kRef = Symbol('kRef');
const kUnref = Symbol('kUnref');

function checkAborted(signal) {
  if (signal?.aborted) throw new AbortError(undefined, { cause: signal.reason });
}

module.exports = {
  b, constants, kEmptyObject, kMaxUserId, getValidatedPath, getValidatedFd, stringToFlags, parseFileMode,
  getValidMode, assertEncoding, getOptions, toUnixTimestamp, stringToSymlinkType, validateOffsetLengthRead,
  validateOffsetLengthWrite, validatePosition, validateBufferArray, validateRmOptions, bytesOf, Stats,
  BigIntStats, getStatsFromBinding, Dirent, later, makeCallback, AbortError, checkAborted, kRef, kUnref,
};
