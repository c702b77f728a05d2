'use strict';
// node:buffer: goja_nodejs's Buffer, completed with the parts of Node's API
// that npm packages commonly use.

const { Buffer: GojaBuffer } = internalBinding('goja_buffer');
const { codedError, invalidArgType, outOfRange } = require('internal/errors');
const { inspect, isArrayBuffer } = require('internal/inspect');

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

// FastBuffer(bufferOrLength, byteOffset, length) is Node's internal
// constructor: a Uint8Array whose prototype is Buffer's, made without
// DEP0005. It is the species, so map and filter make Buffers (goja_nodejs's
// constructor refused the length they pass).
function FastBuffer(bufferOrLength, byteOffset, length) {
  const view = new Uint8Array(bufferOrLength, byteOffset, length);
  Object.setPrototypeOf(view, Buffer.prototype);
  return view;
}
FastBuffer.prototype = Buffer.prototype;
Object.defineProperty(Buffer, Symbol.species, { __proto__: null, get() { return FastBuffer; }, configurable: true });
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
const kStringMaxLength = 2 ** 29 - 24;
let INSPECT_MAX_BYTES = 50;
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
// Buffer.from as Node's lib/buffer.js has it.
define(Buffer, 'from', function from(value, encodingOrOffset, length) {
  if (typeof value === 'string') return fromString(value, encodingOrOffset);
  if (typeof value === 'object' && value !== null) {
    if (isArrayBuffer(value)) return fromArrayBuffer(value, encodingOrOffset, length);
    const valueOf = value.valueOf && value.valueOf();
    if (valueOf != null && valueOf !== value && (typeof valueOf === 'string' || typeof valueOf === 'object')) {
      return from(valueOf, encodingOrOffset, length);
    }
    if (value.length !== undefined || isArrayBuffer(value.buffer)) {
      if (typeof value.length !== 'number') return new FastBuffer();
      return fromArrayLike(value);
    }
    if (value.type === 'Buffer' && Array.isArray(value.data)) return fromArrayLike(value.data);
    if (typeof value[Symbol.toPrimitive] === 'function') {
      const primitive = value[Symbol.toPrimitive]('string');
      if (typeof primitive === 'string') return fromString(primitive, encodingOrOffset);
    }
  }
  throw invalidArgType('first argument', ['string', 'Buffer', 'ArrayBuffer', 'Array', 'Array-like Object'], value);
});

function fromString(string, encoding) {
  const enc = typeof encoding !== 'string' || encoding === '' ? 'utf8' : normalizeEncoding(encoding);
  if (enc !== 'base64' && native.has(enc)) return gojaFrom.call(Buffer, string, enc);
  return gojaFrom.call(Buffer, codec.encode(string, enc));
}

function fromArrayBuffer(ab, byteOffset, length) {
  byteOffset = byteOffset === undefined ? 0 : +byteOffset || 0;
  const maxLength = ab.byteLength - byteOffset;
  if (maxLength < 0) throw bufferOutOfBounds('offset');
  if (length === undefined) {
    length = maxLength;
  } else {
    length = +length;
    if (length > 0) {
      if (length > maxLength) throw bufferOutOfBounds('length');
    } else {
      length = 0;
    }
  }
  return new FastBuffer(ab, byteOffset, length);
}

// fromArrayLike copies: element values are truncated to bytes as in Node.
// goja_nodejs allocated value.length bytes unchecked: a negative or huge
// length panicked in Go.
function fromArrayLike(value) {
  if (!(value.length > 0)) return new FastBuffer();
  if (value.length > kMaxLength) throw new RangeError(`Invalid typed array length: ${value.length}`);
  const copy = new FastBuffer(value.length);
  // Copy in JavaScript: goja's export of typed arrays trips Go's checkptr
  // on empty arrays.
  Uint8Array.prototype.set.call(copy, ArrayBuffer.isView(value) && !(value instanceof Uint8Array) && !(value instanceof DataView) ?
    Array.from(value, (x) => Number(x) & 255) : value);
  return copy;
}

function bufferOutOfBounds(name) {
  return codedError(RangeError, 'ERR_BUFFER_OUT_OF_BOUNDS',
    name ? `"${name}" is outside of buffer bounds` : 'Attempt to access memory outside buffer bounds');
}

define(Buffer, 'of', function of(...items) {
  const buf = new FastBuffer(items.length);
  for (let k = 0; k < items.length; k++) buf[k] = items[k];
  return buf;
});

const gojaToString = proto.toString;
define(proto, 'toString', function toString(encoding, start, end) {
  const len = typedArrayLength.call(this);
  if (arguments.length === 0) return gojaToString.call(this);
  if (start <= 0) start = 0;
  else if (start >= len) return '';
  else start = Math.trunc(start) || 0;
  if (end === undefined || end > len) end = len;
  else end = Math.trunc(end) || 0;
  if (end <= start) return '';
  if (end - start > kStringMaxLength) {
    throw codedError(Error, 'ERR_STRING_TOO_LONG', `Cannot create a string longer than 0x${kStringMaxLength.toString(16)} characters`);
  }
  // Unlike Buffer.from, toString knows no default for null or ''.
  const enc = encoding === undefined ? 'utf8' : encodings[`${encoding}`.toLowerCase()];
  if (enc === undefined) throw codedError(TypeError, 'ERR_UNKNOWN_ENCODING', `Unknown encoding: ${encoding}`);
  if (native.has(enc)) return gojaToString.call(this, enc, start, end);
  return codec.decode(Uint8Array.prototype.subarray.call(this, start, end), enc);
});

define(proto, 'write', function write(string, offset, length, encoding) {
  if (typeof string !== 'string') throw codedError(TypeError, 'ERR_INVALID_ARG_TYPE', 'argument must be a string');
  if (offset === undefined) {
    offset = 0;
    length = this.length;
  } else if (length === undefined && typeof offset === 'string') {
    encoding = offset;
    offset = 0;
    length = this.length;
  } else {
    checkInteger(offset, 'offset', 0, this.length);
    const remaining = this.length - offset;
    if (length === undefined) {
      length = remaining;
    } else if (typeof length === 'string') {
      encoding = length;
      length = remaining;
    } else {
      checkInteger(length, 'length', 0, this.length);
      if (length > remaining) length = remaining;
    }
  }
  let bytes = Buffer.from(string, encoding);
  if (bytes.length > length) {
    // Do not write half of a UTF-8 character: cut before the lead byte of
    // the character that would be split.
    const enc = normalizeEncoding(encoding);
    let cut = length;
    if (enc === 'utf8') {
      while (cut > 0 && (bytes[cut] & 0xc0) === 0x80) cut--;
    } else if (enc === 'utf16le') {
      cut &= ~1;
    }
    bytes = bytes.subarray(0, cut);
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

// byteLength computes the length in bytes without encoding, as Node does;
// an unknown encoding counts as UTF-8.
function byteLength(value, encoding) {
  if (typeof value !== 'string') {
    if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return value.byteLength;
    throw invalidArgType('string', ['string', 'Buffer', 'ArrayBuffer'], value);
  }
  const len = value.length;
  if (len === 0) return 0;
  const enc = encoding ? encodings[`${encoding}`.toLowerCase()] : 'utf8';
  switch (enc) {
    case 'latin1':
    case 'ascii':
      return len;
    case 'utf16le':
      return len * 2;
    case 'hex':
      return len >>> 1;
    case 'base64':
    case 'base64url': {
      let bytes = len;
      if (value.charCodeAt(bytes - 1) === 0x3D) bytes--;
      if (bytes > 1 && value.charCodeAt(bytes - 1) === 0x3D) bytes--;
      return (bytes * 3) >>> 2;
    }
    default:
      return utf8Length(value);
  }
}

// utf8Length counts the UTF-8 bytes of a string, a lone surrogate as the
// three of U+FFFD.
function utf8Length(str) {
  let n = 0;
  for (let i = 0; i < str.length; i++) {
    const c = str.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < str.length &&
      str.charCodeAt(i + 1) >= 0xdc00 && str.charCodeAt(i + 1) <= 0xdfff) { n += 4; i++; }
    else n += 3;
  }
  return n;
}

function allocUnsafe(size) {
  assertSize(size);
  return Buffer.alloc(size);
}

function compare(a, b) {
  if (!(a instanceof Uint8Array)) throw invalidArgType('buf1', ['Buffer', 'Uint8Array'], a);
  if (!(b instanceof Uint8Array)) throw invalidArgType('buf2', ['Buffer', 'Uint8Array'], b);
  return compareBytes(a, 0, a.length, b, 0, b.length);
}

// compareBytes compares a[aStart:aEnd] with b[bStart:bEnd].
function compareBytes(a, aStart, aEnd, b, bStart, bEnd) {
  const n = Math.min(aEnd - aStart, bEnd - bStart);
  for (let i = 0; i < n; i++) {
    const x = a[aStart + i];
    const y = b[bStart + i];
    if (x !== y) return x < y ? -1 : 1;
  }
  const la = aEnd - aStart;
  const lb = bEnd - bStart;
  return la < lb ? -1 : la > lb ? 1 : 0;
}

define(Buffer, 'isBuffer', isBuffer);
define(Buffer, 'isEncoding', isEncoding);
define(Buffer, 'byteLength', byteLength);
define(Buffer, 'allocUnsafe', allocUnsafe);
define(Buffer, 'allocUnsafeSlow', allocUnsafe);
define(Buffer, 'compare', compare);

define(Buffer, 'concat', function concat(list, length) {
  if (!Array.isArray(list)) throw invalidArgType('list', 'Array', list);
  if (list.length === 0) return new FastBuffer();
  if (length === undefined) {
    length = 0;
    for (let i = 0; i < list.length; i++) if (list[i].length) length += list[i].length;
  } else {
    checkInteger(length, 'length', 0, kMaxLength);
  }
  const out = Buffer.alloc(length);
  let pos = 0;
  for (let i = 0; i < list.length; i++) {
    const b = list[i];
    if (!(b instanceof Uint8Array)) throw invalidArgType(`list[${i}]`, ['Buffer', 'Uint8Array'], b);
    const n = Math.min(b.length, length - pos);
    if (n > 0) Uint8Array.prototype.set.call(out, Uint8Array.prototype.subarray.call(b, 0, n), pos);
    pos += Math.max(n, 0);
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

define(proto, 'compare', function compare(target, targetStart, targetEnd, sourceStart, sourceEnd) {
  if (!(target instanceof Uint8Array)) throw invalidArgType('target', ['Buffer', 'Uint8Array'], target);
  const sourceLength = typedArrayLength.call(this);
  if (arguments.length === 1) return compareBytes(this, 0, sourceLength, target, 0, target.length);
  if (targetStart === undefined) targetStart = 0; else checkInteger(targetStart, 'targetStart', 0, kMaxLength);
  if (targetEnd === undefined) targetEnd = target.length; else checkInteger(targetEnd, 'targetEnd', 0, target.length);
  if (sourceStart === undefined) sourceStart = 0; else checkInteger(sourceStart, 'sourceStart', 0, kMaxLength);
  if (sourceEnd === undefined) sourceEnd = sourceLength; else checkInteger(sourceEnd, 'sourceEnd', 0, sourceLength);
  if (sourceStart >= sourceEnd) return targetStart >= targetEnd ? 0 : -1;
  if (targetStart >= targetEnd) return 1;
  if (sourceStart > sourceLength) throw codedError(RangeError, 'ERR_OUT_OF_RANGE', 'The value of "sourceStart" is out of range.');
  if (targetStart > target.length) throw codedError(RangeError, 'ERR_OUT_OF_RANGE', 'The value of "targetStart" is out of range.');
  return compareBytes(this, sourceStart, sourceEnd, target, targetStart, targetEnd);
});

define(proto, 'equals', function equals(otherBuffer) {
  if (!(otherBuffer instanceof Uint8Array)) throw invalidArgType('otherBuffer', ['Buffer', 'Uint8Array'], otherBuffer);
  if (this === otherBuffer) return true;
  const len = typedArrayLength.call(this);
  if (len !== otherBuffer.length) return false;
  return compareBytes(this, 0, len, otherBuffer, 0, len) === 0;
});

// toInteger is Node's lenient conversion of copy's arguments.
function toInteger(n, defaultValue) {
  n = +n;
  if (!Number.isNaN(n) && n >= Number.MIN_SAFE_INTEGER && n <= Number.MAX_SAFE_INTEGER) return n % 1 === 0 ? n : Math.floor(n);
  return defaultValue;
}

define(proto, 'copy', function copy(target, targetStart, sourceStart, sourceEnd) {
  if (!(this instanceof Uint8Array)) throw invalidArgType('source', ['Buffer', 'Uint8Array'], this);
  if (!(target instanceof Uint8Array)) throw invalidArgType('target', ['Buffer', 'Uint8Array'], target);
  const sourceLength = this.length;
  if (targetStart === undefined) {
    targetStart = 0;
  } else {
    targetStart = toInteger(targetStart, 0);
    if (targetStart < 0) throw outOfRange('targetStart', '>= 0', targetStart);
  }
  if (sourceStart === undefined) {
    sourceStart = 0;
  } else {
    sourceStart = toInteger(sourceStart, 0);
    if (sourceStart < 0 || sourceStart > sourceLength) throw outOfRange('sourceStart', `>= 0 && <= ${sourceLength}`, sourceStart);
  }
  if (sourceEnd === undefined) {
    sourceEnd = sourceLength;
  } else {
    sourceEnd = toInteger(sourceEnd, 0);
    if (sourceEnd < 0) throw outOfRange('sourceEnd', '>= 0', sourceEnd);
  }
  if (targetStart >= target.length || sourceStart >= sourceEnd) return 0;
  const n = Math.min(sourceEnd - sourceStart, target.length - targetStart, sourceLength - sourceStart);
  Uint8Array.prototype.set.call(target, Uint8Array.prototype.subarray.call(this, sourceStart, sourceStart + n), targetStart);
  return n;
});

// indexOfOffset is where a search starts (Node's IndexOfOffset), or -1.
function indexOfOffset(length, offset, needleLength, forward) {
  if (offset < 0) {
    if (offset + length >= 0) return length + offset;
    if (forward || needleLength === 0) return 0;
    return -1;
  }
  if (offset + needleLength <= length) return offset;
  if (needleLength === 0) return length;
  return forward ? -1 : length - 1;
}

// search is Node's bidirectionalIndexOf.
function search(buf, value, byteOffset, encoding, forward) {
  if (!ArrayBuffer.isView(buf)) throw invalidArgType('buffer', ['Buffer', 'TypedArray', 'DataView'], buf);
  if (typeof byteOffset === 'string') {
    encoding = byteOffset;
    byteOffset = undefined;
  } else if (byteOffset > 0x7fffffff) {
    byteOffset = 0x7fffffff;
  } else if (byteOffset < -0x80000000) {
    byteOffset = -0x80000000;
  }
  byteOffset = +byteOffset;
  const length = typedArrayLength.call(buf);
  // undefined, 'foo' or {} as the offset: search the whole buffer.
  if (Number.isNaN(byteOffset)) byteOffset = forward ? 0 : length;
  byteOffset = Math.trunc(byteOffset);
  let needle;
  const enc = encoding === undefined ? 'utf8' : encodings[`${encoding}`.toLowerCase()];
  if (typeof value === 'number') {
    needle = Uint8Array.of((value >>> 0) & 255);
  } else if (typeof value === 'string') {
    if (enc === undefined) throw codedError(TypeError, 'ERR_UNKNOWN_ENCODING', `Unknown encoding: ${encoding}`);
    needle = Buffer.from(value, enc);
  } else if (value instanceof Uint8Array) {
    needle = value;
  } else {
    throw invalidArgType('value', ['number', 'string', 'Buffer', 'Uint8Array'], value);
  }
  // UTF-16 text is searched for by whole code units, at even offsets.
  const unit = enc === 'utf16le' && typeof value !== 'number' ? 2 : 1;
  const n = needle.length;
  const start = indexOfOffset(length, byteOffset, n, forward);
  if (n === 0) return start;
  if (length === 0 || start < 0) return -1;
  if (unit === 2) {
    if (length < 2 || n < 2) return -1;
    return codec.search(buf, Uint8Array.prototype.subarray.call(needle, 0, n & ~1), length & ~1, Math.floor(start / 2) * 2, forward, 2);
  }
  return codec.search(buf, needle, length, start, forward, 1);
}

define(proto, 'indexOf', function indexOf(value, byteOffset, encoding) {
  return search(this, value, byteOffset, encoding, true);
});

define(proto, 'lastIndexOf', function lastIndexOf(value, byteOffset, encoding) {
  return search(this, value, byteOffset, encoding, false);
});

define(proto, 'includes', function includes(value, byteOffset, encoding) {
  return this.indexOf(value, byteOffset, encoding) !== -1;
});

// fill is Node's _fill: a string is encoded, a view gives its bytes,
// anything else is a number taken modulo 256.
define(proto, 'fill', function fill(value, offset, end, encoding) {
  if (typeof value === 'string') {
    if (offset === undefined || typeof offset === 'string') {
      encoding = offset;
      offset = 0;
      end = this.length;
    } else if (typeof end === 'string') {
      encoding = end;
      end = this.length;
    }
    if (encoding !== undefined && encodings[`${encoding}`.toLowerCase()] === undefined) {
      if (typeof encoding !== 'string') throw invalidArgType('encoding', 'string', encoding);
      throw codedError(TypeError, 'ERR_UNKNOWN_ENCODING', `Unknown encoding: ${encoding}`);
    }
    if (value.length === 0) value = 0;
  }
  // Node's checks: a range past the end looped over it, byte by byte.
  if (offset === undefined) {
    offset = 0;
    end = this.length;
  } else {
    checkInteger(offset, 'offset', 0, kMaxLength);
    if (end === undefined) end = this.length;
    else checkInteger(end, 'end', 0, this.length);
    if (offset >= end) return this;
  }
  if (offset > this.length) throw bufferOutOfBounds();
  let bytes;
  if (typeof value === 'string') {
    bytes = Buffer.from(value, encoding);
  } else if (ArrayBuffer.isView(value)) {
    bytes = new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  } else {
    bytes = Uint8Array.of(Number(value) >>> 0 & 255);
  }
  if (bytes.length === 0) {
    throw codedError(TypeError, 'ERR_INVALID_ARG_VALUE', `The argument 'value' is invalid. Received ${inspect(value)}`);
  }
  if (bytes.length === 1) return Uint8Array.prototype.fill.call(this, bytes[0], offset, end);
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

// swap16, swap32 and swap64 reverse the bytes of each 2, 4 or 8 in place.
for (const size of [2, 4, 8]) {
  const name = `swap${size * 8}`;
  const fn = function () {
    const len = typedArrayLength.call(this);
    if (len % size !== 0) throw codedError(RangeError, 'ERR_INVALID_BUFFER_SIZE', `Buffer size must be a multiple of ${size * 8}-bits`);
    for (let i = 0; i < len; i += size) {
      for (let a = i, b = i + size - 1; a < b; a++, b--) { const t = this[a]; this[a] = this[b]; this[b] = t; }
    }
    return this;
  };
  Object.defineProperty(fn, 'name', { __proto__: null, value: name, configurable: true });
  define(proto, name, fn);
}

// parent and offset: Node's deprecated names of buffer and byteOffset.
Object.defineProperty(proto, 'parent', {
  __proto__: null,
  enumerable: true,
  configurable: true,
  get() { return this instanceof Buffer ? this.buffer : undefined; },
});
Object.defineProperty(proto, 'offset', {
  __proto__: null,
  enumerable: true,
  configurable: true,
  get() { return this instanceof Buffer ? this.byteOffset : undefined; },
});

define(proto, 'toLocaleString', proto.toString);

// The fixed-size and variable-size readers and writers, in JavaScript with
// Node's checks and messages (lib/internal/buffer.js is the reference):
// goja_nodejs's added the offset to the size unchecked (an offset of 2 ** 63
// indexed past the buffer, a panic in Go), refused Infinity for floats and
// named no range in its errors.

// checkInteger is Node's validateInteger.
function checkInteger(value, name, min, max) {
  if (typeof value !== 'number') throw invalidArgType(name, 'number', value);
  if (!Number.isInteger(value)) throw outOfRange(name, 'an integer', value);
  if (value < min || value > max) throw outOfRange(name, `>= ${min} && <= ${max}`, value);
}

function validateNumber(value, name) {
  if (typeof value !== 'number') throw invalidArgType(name, 'number', value);
}

// boundsError is the error for an offset (or, with type, a byteLength) that
// is not in [0, last].
function boundsError(value, last, type) {
  if (Math.floor(value) !== value) {
    validateNumber(value, type || 'offset');
    throw outOfRange(type || 'offset', 'an integer', value);
  }
  if (last < 0) throw codedError(RangeError, 'ERR_BUFFER_OUT_OF_BOUNDS', 'Attempt to access memory outside buffer bounds');
  throw outOfRange(type || 'offset', `>= ${type ? 1 : 0} and <= ${last}`, value);
}

// checkBounds validates that size bytes from offset are in buf.
function checkBounds(buf, offset, size) {
  validateNumber(offset, 'offset');
  if (buf[offset] === undefined || buf[offset + size - 1] === undefined) boundsError(offset, typedArrayLength.call(buf) - size);
}

// checkValue checks a value written into size bytes against [min, max],
// naming the range as Node does (as powers of two beyond 4 bytes).
function checkValue(value, min, max, size) {
  if (value > max || value < min) {
    const n = typeof min === 'bigint' ? 'n' : '';
    let range;
    if (size > 4) {
      const bits = size * 8;
      range = min === 0 || min === 0n ? `>= 0${n} and < 2${n} ** ${bits}${n}` :
        `>= -(2${n} ** ${bits - 1}${n}) and < 2${n} ** ${bits - 1}${n}`;
    } else {
      range = `>= ${min}${n} and <= ${max}${n}`;
    }
    throw outOfRange('value', range, value);
  }
}

// checkBigInt refuses what is not a BigInt with the TypeError of V8's
// mixing of BigInts and numbers, which is what Node's arithmetic throws.
function checkBigInt(value) {
  if (typeof value !== 'bigint') throw new TypeError('Cannot mix BigInt and other types, use explicit conversions');
}

// Unsigned integers of up to 6 bytes, read and written byte by byte; big
// tells the byte order.
function readUnsigned(buf, offset, size, big) {
  checkBounds(buf, offset, size);
  let v = 0;
  for (let i = 0; i < size; i++) v = v * 256 + buf[offset + (big ? i : size - 1 - i)];
  return v;
}
function readSigned(buf, offset, size, big) {
  const v = readUnsigned(buf, offset, size, big);
  const limit = 2 ** (size * 8 - 1);
  return v >= limit ? v - limit * 2 : v;
}
function writeInteger(buf, value, offset, size, big, signed) {
  value = +value;
  const limit = 2 ** (size * 8 - (signed ? 1 : 0));
  validateNumber(offset, 'offset');
  checkValue(value, signed ? -limit : 0, (signed ? limit : limit) - 1, size);
  checkBounds(buf, offset, size);
  let v = Math.trunc(value);
  if (v < 0) v += 2 ** (size * 8);
  for (let i = 0; i < size; i++) {
    buf[offset + (big ? size - 1 - i : i)] = v % 256;
    v = Math.floor(v / 256);
  }
  return offset + size;
}

// Floats and 64-bit integers go through a scratch DataView, which keeps
// the byte order independent of the host's.
const scratch = new DataView(new ArrayBuffer(8));
function readScratch(buf, offset, size) {
  checkBounds(buf, offset, size);
  for (let i = 0; i < size; i++) scratch.setUint8(i, buf[offset + i]);
}
function writeScratch(buf, offset, size) {
  for (let i = 0; i < size; i++) buf[offset + i] = scratch.getUint8(i);
  return offset + size;
}

const accessors = {};
for (const [suffix, big] of [['LE', false], ['BE', true]]) {
  for (const size of [2, 4]) {
    const bits = size * 8;
    accessors[`readUInt${bits}${suffix}`] = function (offset = 0) { return readUnsigned(this, offset, size, big); };
    accessors[`readInt${bits}${suffix}`] = function (offset = 0) { return readSigned(this, offset, size, big); };
    accessors[`writeUInt${bits}${suffix}`] = function (value, offset = 0) { return writeInteger(this, value, offset, size, big, false); };
    accessors[`writeInt${bits}${suffix}`] = function (value, offset = 0) { return writeInteger(this, value, offset, size, big, true); };
  }
  // readUIntLE(offset, byteLength) and the like: 1 to 6 bytes.
  const checkSize = (offset, byteLength) => {
    if (offset === undefined) throw invalidArgType('offset', 'number', offset);
    if (!(byteLength >= 1 && byteLength <= 6 && Number.isInteger(byteLength))) boundsError(byteLength, 6, 'byteLength');
  };
  accessors[`readUInt${suffix}`] = function (offset, byteLength) { checkSize(offset, byteLength); return readUnsigned(this, offset, byteLength, big); };
  accessors[`readInt${suffix}`] = function (offset, byteLength) { checkSize(offset, byteLength); return readSigned(this, offset, byteLength, big); };
  accessors[`writeUInt${suffix}`] = function (value, offset, byteLength) { checkSize(offset, byteLength); return writeInteger(this, value, offset, byteLength, big, false); };
  accessors[`writeInt${suffix}`] = function (value, offset, byteLength) { checkSize(offset, byteLength); return writeInteger(this, value, offset, byteLength, big, true); };

  const little = !big;
  accessors[`readFloat${suffix}`] = function (offset = 0) { readScratch(this, offset, 4); return scratch.getFloat32(0, little); };
  accessors[`readDouble${suffix}`] = function (offset = 0) { readScratch(this, offset, 8); return scratch.getFloat64(0, little); };
  // NaN is written as the quiet NaN V8 writes (Go's math.NaN, which the
  // DataView would write, has its lowest bit set).
  accessors[`writeFloat${suffix}`] = function (value, offset = 0) {
    value = +value;
    checkBounds(this, offset, 4);
    if (value !== value) scratch.setUint32(0, 0x7fc00000, little);
    else scratch.setFloat32(0, value, little);
    return writeScratch(this, offset, 4);
  };
  accessors[`writeDouble${suffix}`] = function (value, offset = 0) {
    value = +value;
    checkBounds(this, offset, 8);
    if (value !== value) {
      scratch.setUint32(little ? 4 : 0, 0x7ff80000, little);
      scratch.setUint32(little ? 0 : 4, 0, little);
    } else {
      scratch.setFloat64(0, value, little);
    }
    return writeScratch(this, offset, 8);
  };
  accessors[`readBigUInt64${suffix}`] = function (offset = 0) { readScratch(this, offset, 8); return scratch.getBigUint64(0, little); };
  accessors[`readBigInt64${suffix}`] = function (offset = 0) { readScratch(this, offset, 8); return scratch.getBigInt64(0, little); };
  accessors[`writeBigUInt64${suffix}`] = function (value, offset = 0) {
    checkBigInt(value);
    checkValue(value, 0n, 0xffffffffffffffffn, 8);
    checkBounds(this, offset, 8);
    scratch.setBigUint64(0, value, little);
    return writeScratch(this, offset, 8);
  };
  accessors[`writeBigInt64${suffix}`] = function (value, offset = 0) {
    checkBigInt(value);
    checkValue(value, -(2n ** 63n), 2n ** 63n - 1n, 8);
    checkBounds(this, offset, 8);
    scratch.setBigInt64(0, value, little);
    return writeScratch(this, offset, 8);
  };
}
accessors.readUInt8 = function (offset = 0) { return readUnsigned(this, offset, 1, false); };
accessors.readInt8 = function (offset = 0) { return readSigned(this, offset, 1, false); };
accessors.writeUInt8 = function (value, offset = 0) { return writeInteger(this, value, offset, 1, false, false); };
accessors.writeInt8 = function (value, offset = 0) { return writeInteger(this, value, offset, 1, false, true); };

for (const [name, fn] of Object.entries(accessors)) {
  Object.defineProperty(fn, 'name', { __proto__: null, value: name, configurable: true });
  define(proto, name, fn);
  // The Uint spellings are the same functions (readUint8 === readUInt8).
  if (name.includes('UInt')) define(proto, name.replace('UInt', 'Uint'), fn);
}

define(proto, inspect.custom, function inspectBuffer(recurseTimes, ctx) {
  const len = typedArrayLength.call(this);
  const max = Math.min(INSPECT_MAX_BYTES, len);
  let str = '';
  for (let i = 0; i < max; i++) str += (i === 0 ? '' : ' ') + (this[i] < 16 ? '0' : '') + this[i].toString(16);
  const remaining = len - INSPECT_MAX_BYTES;
  if (remaining > 0) str += ` ... ${remaining} more byte${remaining > 1 ? 's' : ''}`;
  // Properties of the buffer itself are shown after the bytes, as Node
  // does, since they are hidden otherwise.
  if (ctx) {
    const extras = { __proto__: null };
    let any = false;
    for (const key of Reflect.ownKeys(this)) {
      if (typeof key === 'string' && /^(0|[1-9][0-9]*)$/.test(key) && +key < len) continue;
      if (!ctx.showHidden && !Object.prototype.propertyIsEnumerable.call(this, key)) continue;
      any = true;
      extras[key] = this[key];
    }
    if (any) {
      if (len !== 0) str += ', ';
      // '[Object: null prototype] {'.length === 26
      str += inspect(extras, { ...ctx, breakLength: Infinity, compact: true }).slice(27, -2);
    }
  }
  return `<${this.constructor.name} ${str}>`;
});

// buf.inspect() is the same function, as in Node.
define(proto, 'inspect', proto[inspect.custom]);

// isUtf8 and isAscii tell whether bytes are valid UTF-8 or all ASCII.
function bytesOf(input) {
  if (codec.isDetached(ArrayBuffer.isView(input) ? input.buffer : input)) {
    throw codedError(Error, 'ERR_INVALID_STATE', 'Cannot validate on a detached buffer');
  }
  if (ArrayBuffer.isView(input) && !(input instanceof DataView)) {
    return new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  }
  if (input instanceof ArrayBuffer) return new Uint8Array(input);
  throw invalidArgType('input', ['ArrayBuffer', 'Buffer', 'TypedArray'], input);
}

function isUtf8(input) {
  return codec.isUtf8(bytesOf(input));
}

function isAscii(input) {
  const bytes = bytesOf(input);
  for (let i = 0; i < bytes.length; i++) if (bytes[i] > 127) return false;
  return true;
}

const SlowBuffer = function SlowBuffer(size) { return allocUnsafe(size); };

module.exports = {
  Buffer,
  SlowBuffer,
  kMaxLength,
  kStringMaxLength,
  isUtf8,
  isAscii,
  constants: { MAX_LENGTH: kMaxLength, MAX_STRING_LENGTH: kStringMaxLength },
  // The same functions as globalThis.atob and btoa, as in Node.
  atob: require('internal/globals').atob,
  btoa: require('internal/globals').btoa,
};

Object.defineProperty(module.exports, 'INSPECT_MAX_BYTES', {
  __proto__: null,
  configurable: true,
  enumerable: true,
  get() { return INSPECT_MAX_BYTES; },
  set(value) {
    if (typeof value !== 'number') throw invalidArgType('INSPECT_MAX_BYTES', 'number', value);
    if (!(value >= 0)) throw outOfRange('INSPECT_MAX_BYTES', '>= 0', value);
    INSPECT_MAX_BYTES = value;
  },
});
