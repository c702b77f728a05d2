'use strict';
// node:buffer: goja_nodejs's Buffer, completed with the parts of Node's API
// that npm packages commonly use.

const { Buffer: GojaBuffer } = internalBinding('goja_buffer');
const { codedError, invalidArgType, outOfRange } = require('internal/errors');
const { inspect } = require('internal/inspect');

// Buffer(arg) and new Buffer(arg) as Node has them (deprecated, DEP0005):
// a size makes a zero-filled buffer, anything else is Buffer.from's.
// goja_nodejs's constructor refuses sizes; its prototype, which its Go
// code gives the buffers it makes, stays the prototype of every Buffer.
function Buffer(arg, encodingOrOffset, length) {
  warnBufferConstructor();
  if (typeof arg === 'number') {
    if (typeof encodingOrOffset === 'string') throw invalidArgType('string', 'string', arg);
    return Buffer.alloc(arg);
  }
  return Buffer.from(arg, encodingOrOffset, length);
}
Object.setPrototypeOf(Buffer, Object.getPrototypeOf(GojaBuffer));
for (const key of Reflect.ownKeys(GojaBuffer)) {
  if (key !== 'length' && key !== 'name' && key !== 'prototype') {
    Object.defineProperty(Buffer, key, Object.getOwnPropertyDescriptor(GojaBuffer, key));
  }
}
Buffer.prototype = GojaBuffer.prototype;
// subarray, slice and map make their results with the species, which is
// goja_nodejs's constructor, as Node's is FastBuffer: no DEP0005 for them.
Object.defineProperty(Buffer, Symbol.species, { __proto__: null, get() { return GojaBuffer; }, configurable: true });
Object.defineProperty(Buffer.prototype, 'constructor', { __proto__: null, value: Buffer, writable: true, configurable: true, enumerable: false });

let bufferWarned = false;
// Node warns once, and only for calls from outside node_modules (packages
// cannot all be fixed by their users).
function warnBufferConstructor() {
  if (bufferWarned || typeof process !== 'object' || process === null || typeof process.emitWarning !== 'function') return;
  const frames = (new Error().stack || '').split('\n').slice(1)
    .filter((l) => !/\(?node:/.test(l.replace(/^\s*at\s+(\S+\s+\()?/, '')));
  if (frames.length > 0 && /[\\/]node_modules[\\/]/.test(frames[0])) return;
  bufferWarned = true;
  process.emitWarning('Buffer() is deprecated due to security and usability issues. Please use the ' +
    'Buffer.alloc(), Buffer.allocUnsafe(), or Buffer.from() methods instead.', 'DeprecationWarning', 'DEP0005');
}

const codec = internalBinding('codec');

const kMaxLength = 2 ** 32;
const INSPECT_MAX_BYTES = 50;
const proto = Buffer.prototype;

// typedArrayLength is the length of a typed array; for anything else it
// throws V8's TypeError, as Node's Buffer methods do for a receiver that is
// not a Buffer. goja_nodejs reads a receiver that is not one as the bytes
// of its string form, which for Buffer.prototype itself calls toString,
// which calls goja_nodejs again, forever (+Buffer.prototype never
// returned).
const typedArrayLength = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(Uint8Array.prototype), 'length').get;

const define = (obj, name, value) =>
  Object.defineProperty(obj, name, { __proto__: null, value, writable: true, configurable: true, enumerable: false });

function isBuffer(b) {
  return b instanceof Buffer;
}

// Encoding names as Node accepts them (any case), and the canonical name.
const encodings = {
  'utf8': 'utf8', 'utf-8': 'utf8', 'hex': 'hex', 'base64': 'base64', 'base64url': 'base64url',
  'ascii': 'ascii', 'latin1': 'latin1', 'binary': 'latin1', 'ucs2': 'utf16le', 'ucs-2': 'utf16le',
  'utf16le': 'utf16le', 'utf-16le': 'utf16le',
};
// The encodings goja_nodejs's Buffer implements itself.
const native = new Set(['utf8', 'hex', 'base64']);

function isEncoding(enc) {
  return typeof enc === 'string' && enc !== '' && encodings[enc.toLowerCase()] !== undefined;
}

function normalizeEncoding(enc) {
  if (enc === undefined || enc === null || enc === '') return 'utf8';
  const e = encodings[`${enc}`.toLowerCase()];
  if (e === undefined) throw codedError(TypeError, 'ERR_UNKNOWN_ENCODING', `Unknown encoding: ${enc}`);
  return e;
}

Object.defineProperty(Buffer, 'name', { __proto__: null, value: 'Buffer', configurable: true });

const gojaFrom = Buffer.from;
define(Buffer, 'from', function from(value, encodingOrOffset, length) {
  if (typeof value === 'string') {
    const enc = normalizeEncoding(encodingOrOffset);
    if (native.has(enc)) return gojaFrom.call(Buffer, value, enc);
    return gojaFrom.call(Buffer, codec.encode(value, enc));
  }
  if (ArrayBuffer.isView(value)) {
    // Copy in JavaScript: goja's export of typed arrays trips Go's checkptr
    // on empty arrays, and element values are truncated to bytes as in Node.
    const copy = Buffer.alloc(value.length);
    Uint8Array.prototype.set.call(copy, value instanceof Uint8Array ? value : Array.from(value, (x) => Number(x) & 255));
    return copy;
  }
  if (value instanceof ArrayBuffer && (encodingOrOffset !== undefined || length !== undefined)) {
    const view = new Uint8Array(value, encodingOrOffset || 0, length === undefined ? undefined : length);
    Object.setPrototypeOf(view, proto);
    return view;
  }
  if (value !== null && typeof value === 'object' && !(value instanceof ArrayBuffer)) {
    const primitive = typeof value.valueOf === 'function' ? value.valueOf() : value;
    if (primitive !== value && primitive !== null && primitive !== undefined) {
      return from(primitive, encodingOrOffset, length);
    }
    if (value.length !== undefined) {
      // Node's fromArrayLike. goja_nodejs allocates value.length bytes
      // unchecked: a negative or huge length panicked in Go.
      if (typeof value.length !== 'number' || !(value.length > 0)) return Buffer.alloc(0);
      if (value.length > kMaxLength) throw new RangeError(`Invalid typed array length: ${value.length}`);
      const view = new Uint8Array(value);
      Object.setPrototypeOf(view, proto);
      return view;
    }
  }
  return gojaFrom.call(Buffer, value, encodingOrOffset, length);
});

const gojaToString = proto.toString;
define(proto, 'toString', function toString(encoding, start, end) {
  typedArrayLength.call(this);
  if (arguments.length === 0) return gojaToString.call(this);
  const enc = normalizeEncoding(encoding);
  if (native.has(enc)) return gojaToString.call(this, enc, start, end);
  const len = this.length;
  start = start === undefined ? 0 : Math.max(0, Math.trunc(start) || 0);
  end = end === undefined ? len : Math.min(len, Math.trunc(end) || 0);
  if (start >= end) return '';
  return codec.decode(Uint8Array.prototype.subarray.call(this, start, end), enc);
});

define(proto, 'write', function write(string, offset, length, encoding) {
  if (typeof offset === 'string') { encoding = offset; offset = 0; length = undefined; }
  else if (typeof length === 'string') { encoding = length; length = undefined; }
  offset = offset === undefined ? 0 : offset >>> 0;
  const max = this.length - offset;
  length = length === undefined ? max : Math.min(max, length >>> 0);
  let bytes = Buffer.from(string, encoding);
  if (bytes.length > length) {
    bytes = bytes.subarray(0, length);
    // Do not write half of a UTF-8 character.
    if (normalizeEncoding(encoding) === 'utf8') {
      let cut = bytes.length;
      while (cut > 0 && (bytes[cut] & 0xc0) === 0x80) cut--;
      bytes = bytes.subarray(0, cut);
    }
  }
  Uint8Array.prototype.set.call(this, bytes, offset);
  return bytes.length;
});

// assertSize is Node's check of a Buffer's size. goja_nodejs checks none:
// a size of 1e17 panicked in Go and one of 1e10 was allocated.
function assertSize(size) {
  if (typeof size !== 'number') throw invalidArgType('size', 'number', size);
  if (!(size >= 0 && size <= kMaxLength)) throw outOfRange('size', `>= 0 && <= ${kMaxLength}`, size);
}

const gojaAlloc = Buffer.alloc;
define(Buffer, 'alloc', function alloc(size, fill, encoding) {
  assertSize(size);
  if (!codec.canAllocate(size)) throw new RangeError('Array buffer allocation failed');
  const buf = gojaAlloc.call(Buffer, size);
  if (fill !== undefined && fill !== 0 && size > 0) buf.fill(fill, encoding);
  return buf;
});

function byteLength(value, encoding) {
  if (typeof value !== 'string') {
    if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return value.byteLength;
    throw invalidArgType('string', ['string', 'Buffer', 'ArrayBuffer'], value);
  }
  return Buffer.from(value, encoding).length;
}

function allocUnsafe(size) {
  assertSize(size);
  return Buffer.alloc(size);
}

function compare(a, b) {
  if (!(a instanceof Uint8Array)) throw invalidArgType('buf1', ['Buffer', 'Uint8Array'], a);
  if (!(b instanceof Uint8Array)) throw invalidArgType('buf2', ['Buffer', 'Uint8Array'], b);
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  }
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
}

define(Buffer, 'isBuffer', isBuffer);
define(Buffer, 'isEncoding', isEncoding);
define(Buffer, 'byteLength', byteLength);
define(Buffer, 'allocUnsafe', allocUnsafe);
define(Buffer, 'allocUnsafeSlow', allocUnsafe);
define(Buffer, 'compare', compare);

define(Buffer, 'concat', function concat(list, totalLength) {
  if (!Array.isArray(list)) throw invalidArgType('list', 'Array', list);
  if (list.length === 0) return Buffer.alloc(0);
  if (totalLength === undefined) totalLength = list.reduce((n, b) => n + b.length, 0);
  const out = Buffer.alloc(totalLength);
  let pos = 0;
  for (const b of list) {
    if (!(b instanceof Uint8Array)) throw invalidArgType('list[0]', ['Buffer', 'Uint8Array'], b);
    if (pos >= totalLength) break;
    const n = Math.min(b.length, totalLength - pos);
    Uint8Array.prototype.set.call(out, Uint8Array.prototype.subarray.call(b, 0, n), pos);
    pos += n;
  }
  return out;
});

// Views of a Buffer are Buffers.
function subarray(start, end) {
  const len = this.length;
  start = start === undefined ? 0 : Math.trunc(Number(start)) || 0;
  end = end === undefined ? len : Math.trunc(Number(end)) || 0;
  if (start < 0) start = Math.max(len + start, 0); else if (start > len) start = len;
  if (end < 0) end = Math.max(len + end, 0); else if (end > len) end = len;
  if (end < start) end = start;
  const view = new Uint8Array(this.buffer, this.byteOffset + start, end - start);
  Object.setPrototypeOf(view, proto);
  return view;
}
define(proto, 'subarray', subarray);
define(proto, 'slice', subarray);

define(proto, 'toJSON', function toJSON() {
  return { type: 'Buffer', data: Array.from(this) };
});

define(proto, 'compare', function (target, tStart = 0, tEnd = target.length, sStart = 0, sEnd = this.length) {
  return compare(this.subarray(sStart, sEnd), Uint8Array.prototype.subarray.call(target, tStart, tEnd));
});

define(proto, 'copy', function copy(target, targetStart = 0, sourceStart = 0, sourceEnd = this.length) {
  if (sourceEnd > this.length) sourceEnd = this.length;
  if (targetStart >= target.length || sourceStart >= sourceEnd) return 0;
  const n = Math.min(sourceEnd - sourceStart, target.length - targetStart);
  Uint8Array.prototype.set.call(target, Uint8Array.prototype.subarray.call(this, sourceStart, sourceStart + n), targetStart);
  return n;
});

function toBytes(value, encoding) {
  if (typeof value === 'number') return Uint8Array.of(value & 255);
  if (typeof value === 'string') return Buffer.from(value, encoding);
  return value;
}

define(proto, 'indexOf', function indexOf(value, byteOffset = 0, encoding) {
  if (typeof byteOffset === 'string') { encoding = byteOffset; byteOffset = 0; }
  const needle = toBytes(value, encoding);
  if (byteOffset < 0) byteOffset = Math.max(this.length + byteOffset, 0);
  outer: for (let i = byteOffset; i + needle.length <= this.length; i++) {
    for (let j = 0; j < needle.length; j++) if (this[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
});

define(proto, 'lastIndexOf', function lastIndexOf(value, byteOffset = this.length, encoding) {
  if (typeof byteOffset === 'string') { encoding = byteOffset; byteOffset = this.length; }
  const needle = toBytes(value, encoding);
  if (byteOffset < 0) byteOffset = this.length + byteOffset;
  outer: for (let i = Math.min(byteOffset, this.length - needle.length); i >= 0; i--) {
    for (let j = 0; j < needle.length; j++) if (this[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
});

define(proto, 'includes', function includes(value, byteOffset, encoding) {
  return this.indexOf(value, byteOffset, encoding) !== -1;
});

define(proto, 'fill', function fill(value, offset = 0, end = this.length, encoding) {
  if (typeof offset === 'string') { encoding = offset; offset = 0; end = this.length; }
  if (typeof end === 'string') { encoding = end; end = this.length; }
  // Node's checks: a range past the end looped over it, byte by byte.
  checkInteger(offset, 'offset', 0, this.length);
  checkInteger(end, 'end', 0, this.length);
  const bytes = toBytes(value, encoding);
  if (bytes.length === 0 || bytes.length === 1) return Uint8Array.prototype.fill.call(this, bytes.length ? bytes[0] : 0, offset, end);
  // Write the pattern once, then copy what is written onto what follows,
  // doubling each time: a few copies in Go instead of a JavaScript step
  // per byte, which took minutes for buffers of gigabytes.
  const size = end - offset;
  const first = Math.min(bytes.length, size);
  for (let i = 0; i < first; i++) this[offset + i] = bytes[i];
  for (let done = first; done < size; done *= 2) {
    Uint8Array.prototype.copyWithin.call(this, offset + done, offset, offset + Math.min(done, size - done));
  }
  return this;
});

define(proto, 'swap16', function swap16() {
  if (this.length % 2 !== 0) throw codedError(RangeError, 'ERR_INVALID_BUFFER_SIZE', 'Buffer size must be a multiple of 16-bits');
  for (let i = 0; i < this.length; i += 2) { const t = this[i]; this[i] = this[i + 1]; this[i + 1] = t; }
  return this;
});

define(proto, 'toLocaleString', proto.toString);

// The checks Node makes of offsets and byte lengths, made before
// goja_nodejs's methods run: they add the offset to the size unchecked, so
// an offset of Infinity or 2 ** 63 overflowed and indexed past the buffer,
// a panic in Go.
function checkOffset(buf, offset, size) {
  if (typeof offset !== 'number') throw invalidArgType('offset', 'number', offset);
  if (Math.floor(offset) !== offset) throw outOfRange('offset', 'an integer', offset);
  const last = typedArrayLength.call(buf) - size;
  if (last < 0) throw codedError(RangeError, 'ERR_BUFFER_OUT_OF_BOUNDS', 'Attempt to access memory outside buffer bounds');
  if (offset < 0 || offset > last) throw outOfRange('offset', `>= 0 and <= ${last}`, offset);
}

// checkInteger is Node's validateInteger.
function checkInteger(value, name, min, max) {
  if (typeof value !== 'number') throw invalidArgType(name, 'number', value);
  if (!Number.isInteger(value)) throw outOfRange(name, 'an integer', value);
  if (value < min || value > max) throw outOfRange(name, `>= ${min} && <= ${max}`, value);
}

function checkByteLength(byteLength) {
  if (typeof byteLength !== 'number') throw invalidArgType('byteLength', 'number', byteLength);
  if (Math.floor(byteLength) !== byteLength) throw outOfRange('byteLength', 'an integer', byteLength);
  if (byteLength < 1 || byteLength > 6) throw outOfRange('byteLength', '>= 1 and <= 6', byteLength);
}

// Each fixed-size accessor by the size it reads or writes.
const accessorSizes = {
  Int8: 1, UInt8: 1, Uint8: 1, Int16BE: 2, Int16LE: 2, UInt16BE: 2, UInt16LE: 2, Uint16BE: 2, Uint16LE: 2,
  Int32BE: 4, Int32LE: 4, UInt32BE: 4, UInt32LE: 4, Uint32BE: 4, Uint32LE: 4, FloatBE: 4, FloatLE: 4,
  DoubleBE: 8, DoubleLE: 8, BigInt64BE: 8, BigInt64LE: 8, BigUInt64BE: 8, BigUInt64LE: 8, BigUint64BE: 8, BigUint64LE: 8,
};
// A method keeps its name; its length is that of Node's signature.
function replaceMethod(name, checked) {
  Object.defineProperty(checked, 'name', { __proto__: null, value: name, configurable: true });
  define(proto, name, checked);
}
for (const [kind, size] of Object.entries(accessorSizes)) {
  const read = proto[`read${kind}`];
  replaceMethod(`read${kind}`, function (offset = 0) {
    checkOffset(this, offset, size);
    return read.call(this, offset);
  });
  const write = proto[`write${kind}`];
  replaceMethod(`write${kind}`, function (value, offset = 0) {
    checkOffset(this, offset, size);
    return write.call(this, value, offset);
  });
}
for (const kind of ['IntBE', 'IntLE', 'UIntBE', 'UIntLE', 'UintBE', 'UintLE']) {
  const read = proto[`read${kind}`];
  replaceMethod(`read${kind}`, function (offset, byteLength) {
    checkByteLength(byteLength);
    checkOffset(this, offset, byteLength);
    return read.call(this, offset, byteLength);
  });
  const write = proto[`write${kind}`];
  replaceMethod(`write${kind}`, function (value, offset, byteLength) {
    checkByteLength(byteLength);
    checkOffset(this, offset, byteLength);
    return write.call(this, value, offset, byteLength);
  });
}

define(proto, inspect.custom, function (recurseTimes, ctx) {
  let str = '';
  const n = Math.min(INSPECT_MAX_BYTES, this.length);
  for (let i = 0; i < n; i++) str += (i === 0 ? '' : ' ') + this[i].toString(16).padStart(2, '0');
  const remaining = this.length - INSPECT_MAX_BYTES;
  if (remaining > 0) str += ` ... ${remaining} more byte${remaining > 1 ? 's' : ''}`;
  return `<${this.constructor.name} ${str}>`;
});

const SlowBuffer = function SlowBuffer(size) { return allocUnsafe(size); };

module.exports = {
  Buffer,
  SlowBuffer,
  kMaxLength,
  kStringMaxLength: 2 ** 29 - 24,
  INSPECT_MAX_BYTES,
  constants: { MAX_LENGTH: kMaxLength, MAX_STRING_LENGTH: 2 ** 29 - 24 },
  // The same functions as globalThis.atob and btoa, as in Node.
  atob: require('internal/globals').atob,
  btoa: require('internal/globals').btoa,
};
