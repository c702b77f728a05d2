'use strict';
// node:fs: the synchronous API, callback versions run asynchronously over it,
// and fs.promises.

const b = internalBinding('fs');
const { Buffer } = require('buffer');
const pathModule = require('path');
const { codedError, invalidArgType } = require('internal/errors');

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
  if (typeof p === 'string') return p;
  if (p instanceof Uint8Array) return Buffer.from(p).toString();
  if (p !== null && typeof p === 'object' && p.href !== undefined && p.protocol !== undefined) {
    return require('url').fileURLToPath(p);
  }
  throw invalidArgType(name, ['string', 'Buffer', 'URL'], p);
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
  return new Stats(b.fstat(fd));
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

function readSync(fd, buffer, offsetOrOptions, length, position) {
  let offset = offsetOrOptions;
  if (offset !== null && typeof offset === 'object') {
    ({ offset = 0, length = buffer.byteLength - offset, position = null } = offset);
  }
  if (offset === undefined) offset = 0;
  if (length === undefined) length = buffer.byteLength - offset;
  if (position === null || position === undefined) position = -1;
  return b.read(fd, buffer, offset, length, typeof position === 'bigint' ? Number(position) : position);
}

function writeSync(fd, data, offsetOrPosition, lengthOrEncoding, position) {
  if (typeof data === 'string') {
    const pos = typeof offsetOrPosition === 'number' ? offsetOrPosition : -1;
    return b.write(fd, Buffer.from(data, lengthOrEncoding || 'utf8'), pos);
  }
  const offset = offsetOrPosition || 0;
  const length = typeof lengthOrEncoding === 'number' ? lengthOrEncoding : data.byteLength - offset;
  const view = new Uint8Array(data.buffer, data.byteOffset + offset, length);
  return b.write(fd, view, typeof position === 'number' ? position : -1);
}

function closeSync(fd) {
  b.close(fd);
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
  closeSync,
  mkdtempSync,
  symlinkSync: (target, path) => b.symlink(toPath(target, 'target'), toPath(path)),
  readlinkSync: (p) => b.readlink(toPath(p)),
  chmodSync: (p, mode) => b.chmod(toPath(p), modeOf(mode)),
  utimesSync: (p, atime, mtime) => b.utimes(toPath(p), toSeconds(atime), toSeconds(mtime)),
  truncateSync: (p, len = 0) => (isFd(p) ? b.ftruncate(p, len) : b.truncate(toPath(p), len)),
  ftruncateSync: (fd, len = 0) => b.ftruncate(fd, len),
  fsyncSync: () => {},
  fdatasyncSync: () => {},
};

// later runs fn after the current operation, as an I/O callback would.
function later(fn) {
  if (typeof setImmediate === 'function') setImmediate(fn);
  else Promise.resolve().then(fn);
}

// callbackVersion turns a sync function into Node's callback style: the last
// argument is the callback, called later with (err, result).
function callbackVersion(fn, name) {
  const wrapped = function (...args) {
    const cb = args.pop();
    if (typeof cb !== 'function') throw invalidArgType('cb', 'Function', cb);
    let result;
    let error = null;
    try {
      result = fn(...args);
    } catch (err) {
      error = err;
    }
    later(() => (error ? cb(error) : cb(null, result)));
  };
  Object.defineProperty(wrapped, 'name', { value: name });
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
callbacks.read = function read(fd, buffer, offset, length, position, cb) {
  if (typeof buffer === 'function') { cb = buffer; buffer = Buffer.alloc(16384); offset = undefined; }
  else if (typeof offset === 'function') { cb = offset; offset = undefined; }
  let n;
  let error = null;
  try { n = readSync(fd, buffer, offset, length, position); } catch (err) { error = err; }
  later(() => (error ? cb(error) : cb(null, n, buffer)));
};
callbacks.write = function write(fd, data, ...rest) {
  const cb = rest.pop();
  let n;
  let error = null;
  try { n = writeSync(fd, data, ...rest); } catch (err) { error = err; }
  later(() => (error ? cb(error) : cb(null, n, data)));
};
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
  if (['existsSync', 'openSync', 'readSync', 'writeSync', 'closeSync', 'fstatSync', 'ftruncateSync', 'fsyncSync', 'fdatasyncSync'].includes(name)) continue;
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
  createReadStream: (...a) => require('internal/fs_streams').createReadStream(...a),
  createWriteStream: (...a) => require('internal/fs_streams').createWriteStream(...a),
});
