'use strict';
// node:fs/promises: fs's operations settled as promises, and FileHandle.
// Arguments are checked as fs checks them; what is wrong with them rejects.

const EventEmitter = require('events');
const { Buffer } = require('buffer');
const fs = require('fs');
const { codedError } = require('internal/errors');
const {
  validateBuffer, validateInteger, validateObject, validateEncoding,
  codes: { ERR_INVALID_ARG_VALUE, ERR_INVALID_ARG_TYPE },
} = require('internal/validators');
const {
  constants, kEmptyObject, getOptions, validateOffsetLengthRead, validateOffsetLengthWrite, validatePosition,
  bytesOf, later, checkAborted, kRef, kUnref,
} = require('internal/fs_utils');

// settle runs fn after the current operation, as Node's thread pool would,
// and settles the promise it returns with fn's result: what the caller does
// meanwhile (abort a signal) is seen.
function settle(fn) {
  return new Promise((resolve, reject) => {
    later(() => {
      try {
        resolve(fn());
      } catch (err) {
        reject(err);
      }
    });
  });
}

function promised(syncFn) {
  return (...args) => settle(() => syncFn(...args));
}

const kFd = Symbol('kFd');
const kRefs = Symbol('kRefs');
const kClosePromise = Symbol('kClosePromise');
const kCloseResolve = Symbol('kCloseResolve');
const kCloseReject = Symbol('kCloseReject');

class FileHandle extends EventEmitter {
  constructor(fd) {
    super();
    this[kFd] = fd;
    this[kRefs] = 1;
    this[kClosePromise] = null;
  }

  get fd() { return this[kFd]; }

  getAsyncId() { return this[kFd]; }

  appendFile(data, options) { return appendFile(this, data, options); }
  chmod(mode) { return fsCall(fchmod, this, mode); }
  chown(uid, gid) { return fsCall(fchown, this, uid, gid); }
  datasync() { return fsCall(fdatasync, this); }
  sync() { return fsCall(fsync, this); }
  read(buffer, offset, length, position) { return fsCall(readHandle, this, buffer, offset, length, position); }
  readv(buffers, position) { return fsCall(readv, this, buffers, position); }
  readFile(options) { return fsCall(readFileHandle, this, options); }
  readLines(options = undefined) {
    return require('readline').createInterface({ input: this.createReadStream(options), crlfDelay: Infinity });
  }
  stat(options) { return fsCall(fstat, this, options); }
  truncate(len = 0) { return fsCall(ftruncate, this, len); }
  utimes(atime, mtime) { return fsCall(futimes, this, atime, mtime); }
  write(buffer, offset, length, position) { return fsCall(writeHandle, this, buffer, offset, length, position); }
  writev(buffers, position) { return fsCall(writev, this, buffers, position); }
  writeFile(data, options) { return writeFile(this, data, options); }

  close() {
    if (this[kFd] === -1) return Promise.resolve();
    if (this[kClosePromise]) return this[kClosePromise];
    this[kRefs]--;
    const done = () => { this[kClosePromise] = null; };
    if (this[kRefs] === 0) {
      const fd = this[kFd];
      this[kFd] = -1;
      this[kClosePromise] = settle(() => fs.closeSync(fd)).finally(done);
    } else {
      this[kClosePromise] = new Promise((resolve, reject) => {
        this[kCloseResolve] = resolve;
        this[kCloseReject] = reject;
      }).finally(done);
    }
    this.emit('close');
    return this[kClosePromise];
  }

  async [Symbol.asyncDispose]() { return this.close(); }

  createReadStream(options = undefined) {
    const { ReadStream } = require('internal/fs_streams');
    return new ReadStream(undefined, { ...options, fd: this });
  }

  createWriteStream(options = undefined) {
    const { WriteStream } = require('internal/fs_streams');
    return new WriteStream(undefined, { ...options, fd: this });
  }

  [kRef]() { this[kRefs]++; }

  [kUnref]() {
    this[kRefs]--;
    if (this[kRefs] === 0) {
      const fd = this[kFd];
      this[kFd] = -1;
      settle(() => fs.closeSync(fd)).then(this[kCloseResolve], this[kCloseReject]);
    }
  }
}

// fsCall runs an operation on an open handle; a closed one is EBADF, as in
// Node.
async function fsCall(fn, handle, ...args) {
  if (!(handle instanceof FileHandle)) {
    // Only a method of FileHandle called on something else gets here.
    throw codedError(Error, 'ERR_INTERNAL_ASSERTION', 'handle must be an instance of FileHandle\n' +
      'This is caused by either a bug in intact or incorrect usage of Node.js internals.');
  }
  if (handle.fd === -1) {
    const err = new Error('file closed');
    err.code = 'EBADF';
    err.syscall = fn.name;
    throw err;
  }
  try {
    handle[kRef]();
    return await settle(() => fn(handle, ...args));
  } finally {
    handle[kUnref]();
  }
}

// The operations of a FileHandle; fsCall names a closed handle's EBADF
// after them, as Node names it after its binding's functions.
function fchmod(h, mode) { return fs.fchmodSync(h.fd, mode); }
function fchown(h, uid, gid) { return fs.fchownSync(h.fd, uid, gid); }
function fdatasync(h) { return fs.fdatasyncSync(h.fd); }
function fsync(h) { return fs.fsyncSync(h.fd); }
function fstat(h, options) { return fs.fstatSync(h.fd, options); }
function ftruncate(h, len) { return fs.ftruncateSync(h.fd, len); }
function futimes(h, atime, mtime) { return fs.futimesSync(h.fd, atime, mtime); }
function readv(h, buffers, position) { return { bytesRead: fs.readvSync(h.fd, buffers, position), buffers }; }
function writev(h, buffers, position) { return { bytesWritten: fs.writevSync(h.fd, buffers, position), buffers }; }

function readHandle(handle, bufferOrParams, offset, length, position) {
  let buffer = bufferOrParams;
  if (!ArrayBuffer.isView(buffer)) {
    if (bufferOrParams !== undefined) validateObject(bufferOrParams, 'options', { nullable: true });
    ({
      buffer = Buffer.alloc(16384), offset = 0, length = buffer.byteLength - offset, position = null,
    } = bufferOrParams ?? kEmptyObject);
    validateBuffer(buffer);
  }
  if (offset !== null && typeof offset === 'object') {
    ({ offset = 0, length = buffer.byteLength - offset, position = null } = offset);
  }
  if (offset == null) offset = 0;
  else validateInteger(offset, 'offset', 0);
  length ??= buffer.byteLength - offset;
  if (length === 0) return { bytesRead: length, buffer };
  if (buffer.byteLength === 0) throw new ERR_INVALID_ARG_VALUE('buffer', buffer, 'is empty and cannot be written');
  validateOffsetLengthRead(offset, length, buffer.byteLength);
  if (position == null) position = -1;
  else validatePosition(position, 'position', length);
  const bytesRead = fs.readSync(handle.fd, buffer, offset, length, position);
  return { bytesRead, buffer };
}

function writeHandle(handle, buffer, offsetOrOptions, length, position) {
  if (buffer?.byteLength === 0) return { bytesWritten: 0, buffer };
  let offset = offsetOrOptions;
  if (ArrayBuffer.isView(buffer)) {
    if (typeof offset === 'object') {
      ({ offset = 0, length = buffer.byteLength - offset, position = null } = offsetOrOptions ?? kEmptyObject);
    }
    if (offset == null) offset = 0;
    else validateInteger(offset, 'offset', 0);
    if (typeof length !== 'number') length = buffer.byteLength - offset;
    if (typeof position !== 'number') position = null;
    validateOffsetLengthWrite(offset, length, buffer.byteLength);
    return { bytesWritten: fs.writeSync(handle.fd, buffer, offset, length, position), buffer };
  }
  if (typeof buffer !== 'string') {
    throw new ERR_INVALID_ARG_TYPE('buffer', ['string', 'Buffer', 'TypedArray', 'DataView'], buffer);
  }
  validateEncoding(buffer, length);
  return { bytesWritten: fs.writeSync(handle.fd, buffer, offset, length), buffer };
}

function readFileHandle(handle, options) {
  options = getOptions(options, { flag: 'r' });
  checkAborted(options.signal);
  return fs.readFileSync(handle.fd, options.encoding);
}

function writeFileHandle(handle, data, options, flag) {
  options = getOptions(options, { encoding: 'utf8', mode: 0o666, flag });
  checkAborted(options.signal);
  fs.writeFileSync(handle.fd, data, options.encoding);
}

function isCustomIterable(obj) {
  return obj != null && typeof obj !== 'string' && !ArrayBuffer.isView(obj) &&
    (typeof obj[Symbol.iterator] === 'function' || typeof obj[Symbol.asyncIterator] === 'function');
}

// writeIterable writes each chunk of a (possibly async) iterable to fd.
async function writeIterable(fd, data, encoding, signal) {
  const it = typeof data[Symbol.asyncIterator] === 'function' ? data[Symbol.asyncIterator]() : data[Symbol.iterator]();
  for (;;) {
    checkAborted(signal);
    const { done, value } = await it.next();
    if (done) return;
    checkAborted(signal);
    const chunk = typeof value === 'string' ? Buffer.from(value, encoding) : value;
    if (!ArrayBuffer.isView(chunk)) {
      throw new ERR_INVALID_ARG_TYPE('data', ['string', 'Buffer', 'TypedArray', 'DataView'], value);
    }
    await settle(() => fs.writeSync(fd, bytesOf(chunk)));
  }
}

async function writeFile(path, data, options, flag = 'w') {
  options = getOptions(options, { encoding: 'utf8', mode: 0o666, flag });
  const flagOption = options.flag || flag;
  if (!isCustomIterable(data) && !ArrayBuffer.isView(data) && typeof data !== 'string') {
    throw new ERR_INVALID_ARG_TYPE('data', ['string', 'Buffer', 'TypedArray', 'DataView'], data);
  }
  checkAborted(options.signal);
  if (path instanceof FileHandle) {
    if (isCustomIterable(data)) return fsCall((h) => h.fd, path).then((fd) => writeIterable(fd, data, options.encoding, options.signal));
    return fsCall(writeFileHandle, path, data, options, flagOption);
  }
  if (isCustomIterable(data)) {
    const handle = await open(path, flagOption, options.mode);
    try {
      await writeIterable(handle.fd, data, options.encoding, options.signal);
    } finally {
      await handle.close();
    }
    return undefined;
  }
  await settle(() => checkAborted(options.signal));
  return settle(() => fs.writeFileSync(path, data, { ...options, flag: flagOption }));
}

async function appendFile(path, data, options) {
  options = getOptions(options, { encoding: 'utf8', mode: 0o666, flag: 'a' });
  return writeFile(path, data, { ...options, flag: options.flag || 'a' }, 'a');
}

async function readFile(path, options) {
  options = getOptions(options, { flag: 'r' });
  checkAborted(options.signal);
  if (path instanceof FileHandle) return fsCall(readFileHandle, path, options);
  await settle(() => checkAborted(options.signal));
  return settle(() => fs.readFileSync(path, options));
}

async function open(path, flags, mode) {
  return settle(() => new FileHandle(fs.openSync(path, flags, mode)));
}

async function opendir(path, options) {
  return settle(() => fs.opendirSync(path, options));
}

const promiseOps = [
  'access', 'chmod', 'chown', 'copyFile', 'lchown', 'link', 'lstat', 'lutimes', 'mkdir', 'mkdtemp', 'readdir',
  'readlink', 'realpath', 'rename', 'rm', 'rmdir', 'stat', 'statfs', 'symlink', 'truncate', 'unlink', 'utimes',
];

module.exports = {
  appendFile, readFile, writeFile, open, opendir, constants, FileHandle,
  watch(filename, options) { return require('internal/fs_watchers').watchPromise(filename, options); },
  // lchmod exists on macOS only (O_SYMLINK), as in Node.
  async lchmod() {
    throw codedError(Error, 'ERR_METHOD_NOT_IMPLEMENTED', 'The lchmod() method is not implemented');
  },
};
for (const name of promiseOps) module.exports[name] = promised(fs[`${name}Sync`]);
module.exports.truncate = async (path, len = 0) => {
  if (typeof path === 'number') throw new ERR_INVALID_ARG_TYPE('path', ['string', 'Buffer', 'URL'], path);
  return settle(() => fs.truncateSync(path, len));
};
