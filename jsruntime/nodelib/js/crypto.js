'use strict';
// node:crypto: hashes, HMAC and random values. Ciphers, signatures and keys
// are not implemented.

const b = internalBinding('crypto');
const { Buffer } = require('buffer');
const { codedError, invalidArgType, outOfRange } = require('internal/errors');

function toBytes(data, encoding, name = 'data') {
  if (typeof data === 'string') return Buffer.from(data, encoding || 'utf8');
  if (ArrayBuffer.isView(data)) return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  throw invalidArgType(name, ['string', 'Buffer', 'TypedArray', 'DataView'], data);
}

function output(ab, encoding) {
  const buf = Buffer.from(ab);
  return encoding === undefined || encoding === 'buffer' ? buf : buf.toString(encoding);
}

class Hash {
  #h;
  #done = false;
  #kind;
  constructor(algorithm, key, kind, handle) {
    this.#kind = kind;
    if (handle !== undefined) {
      this.#h = handle;
      return;
    }
    if (typeof algorithm !== 'string') throw invalidArgType('algorithm', 'string', algorithm);
    const h = b.createHash(algorithm, key);
    if (h === null) {
      if (kind === 'Hmac') throw new Error(`Invalid digest: ${algorithm}`);
      throw new Error('Digest method not supported');
    }
    this.#h = h;
  }
  update(data, encoding) {
    if (this.#done) throw codedError(Error, 'ERR_CRYPTO_HASH_FINALIZED', 'Digest already called');
    this.#h.update(toBytes(data, encoding));
    return this;
  }
  digest(encoding) {
    if (this.#done) {
      if (this.#kind === 'Hmac') return output(new ArrayBuffer(0), encoding);
      throw codedError(Error, 'ERR_CRYPTO_HASH_FINALIZED', 'Digest already called');
    }
    this.#done = true;
    return output(this.#h.digest(), encoding);
  }
  copy() {
    if (this.#done) throw codedError(Error, 'ERR_CRYPTO_HASH_FINALIZED', 'Digest already called');
    return new Hash(undefined, undefined, this.#kind, this.#h.copy());
  }
}

class Hmac extends Hash {}

function createHash(algorithm) {
  return new Hash(algorithm, undefined, 'Hash');
}

function createHmac(algorithm, key) {
  if (key === null || key === undefined) throw invalidArgType('key', ['string', 'ArrayBuffer', 'Buffer', 'TypedArray', 'DataView', 'KeyObject', 'CryptoKey'], key);
  return new Hash(algorithm, toBytes(key, 'utf8', 'key'), 'Hmac');
}

function hash(algorithm, data, encoding = 'hex') {
  return createHash(algorithm).update(data).digest(encoding);
}

const kMaxRandomBytes = 2 ** 31 - 1;

function randomBytes(size, callback) {
  if (typeof size !== 'number') throw invalidArgType('size', 'number', size);
  if (!(size >= 0 && size <= kMaxRandomBytes) || !Number.isInteger(size)) {
    throw outOfRange('size', `>= 0 && <= ${kMaxRandomBytes}`, size);
  }
  const buf = Buffer.alloc(size);
  b.randomFill(buf);
  if (typeof callback === 'function') {
    Promise.resolve().then(() => callback(null, buf));
    return undefined;
  }
  return buf;
}

function randomFillSync(buf, offset = 0, size) {
  // Node takes only buffers: a number made a buffer of that size here (4
  // GiB filled for randomFillSync(2 ** 32)).
  let view;
  if (ArrayBuffer.isView(buf)) view = new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  else if (buf instanceof ArrayBuffer || (typeof SharedArrayBuffer === 'function' && buf instanceof SharedArrayBuffer)) view = new Uint8Array(buf);
  else throw invalidArgType('buf', ['ArrayBuffer', 'ArrayBufferView'], buf);
  const end = size === undefined ? view.length : offset + size;
  b.randomFill(view.subarray(offset, end));
  return buf;
}

function randomFill(buf, offset, size, callback) {
  if (typeof offset === 'function') { callback = offset; offset = 0; size = undefined; }
  else if (typeof size === 'function') { callback = size; size = undefined; }
  randomFillSync(buf, offset, size);
  Promise.resolve().then(() => callback(null, buf));
}

function randomInt(min, max, callback) {
  if (max === undefined || typeof max === 'function') {
    callback = max;
    max = min;
    min = 0;
  }
  if (!Number.isSafeInteger(min)) throw invalidArgType('min', 'a safe integer', min);
  if (!Number.isSafeInteger(max)) throw invalidArgType('max', 'a safe integer', max);
  if (max <= min) {
    throw outOfRange('max', `greater than the value of "min" (${min})`, max);
  }
  const range = max - min;
  // Rejection sampling over 48 random bits avoids modulo bias.
  const limit = 2 ** 48 - (2 ** 48 % range);
  let n;
  do {
    const r = randomBytes(6);
    n = r.readUIntBE(0, 6);
  } while (n >= limit);
  const result = min + (n % range);
  if (typeof callback === 'function') {
    Promise.resolve().then(() => callback(null, result));
    return undefined;
  }
  return result;
}

function randomUUID() {
  return b.randomUUID();
}

function getRandomValues(array) {
  const name = array && Object.prototype.toString.call(array).slice(8, -1);
  if (!ArrayBuffer.isView(array) || /Float|DataView/.test(name)) {
    const err = new TypeError('The data argument must be an integer-type TypedArray');
    err.name = 'TypeMismatchError';
    err.code = 17;
    throw err;
  }
  if (array.byteLength > 65536) {
    const err = new RangeError(`The ArrayBufferView's byte length (${array.byteLength}) exceeds the number of bytes of entropy available via this API (65536)`);
    err.name = 'QuotaExceededError';
    err.code = 22;
    throw err;
  }
  b.randomFill(array);
  return array;
}

function timingSafeEqual(a, b2) {
  const x = toBytes(a, undefined, 'buf1');
  const y = toBytes(b2, undefined, 'buf2');
  if (x.byteLength !== y.byteLength) {
    throw codedError(RangeError, 'ERR_CRYPTO_TIMING_SAFE_EQUAL_LENGTH', 'Input buffers must have the same byte length');
  }
  return b.timingSafeEqual(x, y);
}

const webcrypto = { getRandomValues, randomUUID };

module.exports = {
  createHash,
  createHmac,
  hash,
  Hash,
  Hmac,
  getHashes: () => b.hashes().sort(),
  randomBytes,
  pseudoRandomBytes: randomBytes,
  randomFillSync,
  randomFill,
  randomInt,
  randomUUID,
  getRandomValues,
  timingSafeEqual,
  webcrypto,
  constants: {},
};
