'use strict';
// node:util

const insp = require('internal/inspect');
const native = internalBinding('util');
const { isDeepStrictEqual } = require('internal/comparisons');
const types = require('util/types');
const { codedError, invalidArgType } = require('internal/errors');

const { inspect, format, formatWithOptions } = insp;
const styleColors = require('internal/colors');
inspect.colors = styleColors.colors;
inspect.styles = styleColors.styles;

const kCustomPromisify = Symbol.for('nodejs.util.promisify.custom');

function promisify(original) {
  if (typeof original !== 'function') throw invalidArgType('original', 'Function', original);
  if (original[kCustomPromisify]) {
    const fn = original[kCustomPromisify];
    if (typeof fn !== 'function') throw invalidArgType('util.promisify.custom', 'Function', fn);
    return Object.defineProperty(fn, kCustomPromisify, { __proto__: null, value: fn, enumerable: false, writable: false, configurable: true });
  }
  function fn(...args) {
    return new Promise((resolve, reject) => {
      Reflect.apply(original, this, [...args, (err, ...values) => {
        if (err) return reject(err);
        resolve(values[0]);
      }]);
    });
  }
  Object.setPrototypeOf(fn, Object.getPrototypeOf(original));
  Object.defineProperty(fn, kCustomPromisify, { __proto__: null, value: fn, enumerable: false, writable: false, configurable: true });
  return Object.defineProperties(fn, Object.getOwnPropertyDescriptors(original));
}
promisify.custom = kCustomPromisify;

function callbackify(original) {
  if (typeof original !== 'function') throw invalidArgType('original', 'Function', original);
  function callbackified(...args) {
    const maybeCb = args.pop();
    if (typeof maybeCb !== 'function') throw invalidArgType('last argument', 'Function', maybeCb);
    // The callback runs with the receiver of the callbackified function.
    const cb = maybeCb.bind(this);
    const onRejected = (reason) => {
      if (!reason) {
        const err = new Error('Promise was rejected with falsy value');
        err.code = 'ERR_FALSY_VALUE_REJECTION';
        err.reason = reason;
        reason = err;
      }
      return cb(reason);
    };
    Reflect.apply(original, this, args).then(
      (ret) => queueMicrotaskOrTick(() => cb(null, ret)),
      (rej) => queueMicrotaskOrTick(() => onRejected(rej)));
  }
  const descriptors = Object.getOwnPropertyDescriptors(original);
  if (typeof descriptors.length.value === 'number') descriptors.length.value++;
  if (typeof descriptors.name.value === 'string') descriptors.name.value += 'Callbackified';
  Object.defineProperties(callbackified, descriptors);
  return callbackified;
}

function queueMicrotaskOrTick(fn) {
  if (typeof process === 'object' && process && typeof process.nextTick === 'function') process.nextTick(fn);
  else Promise.resolve().then(fn);
}

function inherits(ctor, superCtor) {
  if (ctor === undefined || ctor === null) throw invalidArgType('ctor', 'Function', ctor);
  if (superCtor === undefined || superCtor === null) throw invalidArgType('superCtor', 'Function', superCtor);
  if (superCtor.prototype === undefined) throw invalidArgType('superCtor.prototype', 'Object', superCtor.prototype);
  Object.defineProperty(ctor, 'super_', { __proto__: null, value: superCtor, writable: true, configurable: true });
  Object.setPrototypeOf(ctor.prototype, superCtor.prototype);
}

const warnedCodes = new Set();
function deprecate(fn, msg, code) {
  if (typeof fn !== 'function') throw invalidArgType('fn', 'Function', fn);
  if (code !== undefined && typeof code !== 'string') throw invalidArgType('code', 'string', code);
  let warned = false;
  function deprecated(...args) {
    const silenced = typeof process === 'object' && process && process.noDeprecation;
    if (!warned && !silenced) {
      warned = true;
      if (code === undefined || !warnedCodes.has(code)) {
        if (code !== undefined) warnedCodes.add(code);
        emitWarning(msg, 'DeprecationWarning', code);
      }
    }
    return new.target ? Reflect.construct(fn, args, new.target) : Reflect.apply(fn, this, args);
  }
  Object.setPrototypeOf(deprecated, fn);
  if (fn.prototype) deprecated.prototype = fn.prototype;
  return deprecated;
}

function emitWarning(msg, type, code) {
  if (typeof process === 'object' && process && typeof process.emitWarning === 'function') {
    process.emitWarning(msg, type, code);
    return;
  }
  native.writeStderr(`(node:${native.pid()}) ${code ? `[${code}] ` : ''}${type}: ${msg}\n`);
}

// util.log (deprecated in the documentation only, DEP0059) writes a timestamp and its arguments to
// stdout.
const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
function timestamp() {
  const d = new Date();
  const pad = (n) => `${n}`.padStart(2, '0');
  return `${d.getDate()} ${months[d.getMonth()]} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}
function log(...args) {
  console.log('%s - %s', timestamp(), format(...args));
}

function debuglog(set, cb) {
  const env = (typeof process === 'object' && process && process.env && process.env.NODE_DEBUG) || '';
  const wanted = env.split(/[\s,]+/).filter(Boolean).map((s) => s.replace(/[|\\{}()[\]^$+?.]/g, '\\$&').replace(/\*/g, '.*'));
  const enabled = wanted.length > 0 && new RegExp(`^(${wanted.join('|')})$`, 'i').test(set);
  const logger = enabled
    ? (...args) => native.writeStderr(`${set.toUpperCase()} ${native.pid()}: ${format(...args)}\n`)
    : () => {};
  logger.enabled = enabled;
  if (typeof cb === 'function') cb(logger);
  return logger;
}

// TextEncoder and TextDecoder, the WHATWG Encoding API.
class TextEncoder {
  get encoding() { return 'utf-8'; }
  encode(input = '') { return new Uint8Array(native.encodeUTF8(`${input}`)); }
  encodeInto(src, dest) {
    const bytes = this.encode(src);
    let read = 0;
    let written = 0;
    // Copy whole characters only.
    for (const ch of `${src}`) {
      const n = new Uint8Array(native.encodeUTF8(ch)).length;
      if (written + n > dest.length) break;
      dest.set(bytes.subarray(written, written + n), written);
      written += n;
      read += ch.length;
    }
    return { read, written };
  }
  [inspect.custom](depth, options) {
    return `TextEncoder { encoding: 'utf-8' }`;
  }
}

const decoderLabels = {
  'utf-8': 'utf-8', 'utf8': 'utf-8', 'unicode-1-1-utf-8': 'utf-8',
  'utf-16le': 'utf-16le', 'utf-16': 'utf-16le', 'ucs-2': 'utf-16le',
  'latin1': 'latin1', 'iso-8859-1': 'latin1', 'ascii': 'latin1', 'us-ascii': 'latin1', 'windows-1252': 'latin1',
};

class TextDecoder {
  #encoding;
  #fatal;
  #ignoreBOM;
  #pending = null;
  #bomSeen = false;
  constructor(encoding = 'utf-8', options = {}) {
    const enc = decoderLabels[`${encoding}`.trim().toLowerCase()];
    if (enc === undefined) {
      throw codedError(RangeError, 'ERR_ENCODING_NOT_SUPPORTED', `The "${encoding}" encoding is not supported`);
    }
    this.#encoding = enc === 'latin1' ? 'windows-1252' : enc;
    this.#fatal = Boolean(options && options.fatal);
    this.#ignoreBOM = Boolean(options && options.ignoreBOM);
  }
  get encoding() { return this.#encoding; }
  get fatal() { return this.#fatal; }
  get ignoreBOM() { return this.#ignoreBOM; }
  decode(input, options = {}) {
    const stream = Boolean(options && options.stream);
    let bytes;
    if (input === undefined) bytes = new Uint8Array(0);
    else if (input instanceof ArrayBuffer) bytes = new Uint8Array(input);
    else if (ArrayBuffer.isView(input)) bytes = new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
    else throw invalidArgType('input', ['ArrayBuffer', 'ArrayBufferView'], input);
    if (this.#pending !== null) {
      const joined = new Uint8Array(this.#pending.length + bytes.length);
      joined.set(this.#pending);
      joined.set(bytes, this.#pending.length);
      bytes = joined;
      this.#pending = null;
    }
    let out;
    if (this.#encoding === 'utf-8') {
      const [str, used] = native.decodeUTF8(bytes, this.#fatal, stream);
      if (used < bytes.length) this.#pending = bytes.slice(used);
      out = str;
    } else if (this.#encoding === 'utf-16le') {
      const even = bytes.length & ~1;
      if (stream && even < bytes.length) this.#pending = bytes.slice(even);
      out = internalBinding('codec').decode(bytes.subarray(0, stream ? even : bytes.length), 'utf16le');
    } else {
      out = '';
      for (let i = 0; i < bytes.length; i++) out += String.fromCharCode(bytes[i]);
    }
    if (!this.#ignoreBOM && !this.#bomSeen && out.length > 0) {
      if (out.charCodeAt(0) === 0xfeff && this.#encoding !== 'windows-1252') out = out.slice(1);
      this.#bomSeen = true;
    }
    if (!stream) this.#bomSeen = false;
    return out;
  }
}

function isArray(v) { return Array.isArray(v); }

function stripVTControlCharacters(str) {
  return `${str}`.replace(/[\u001B\u009B][[\]()#;?]*(?:(?:(?:(?:;[-a-zA-Z\d/#&.:=?%@~_]+)*|[a-zA-Z\d]+(?:;[-a-zA-Z\d/#&.:=?%@~_]*)*)?\u0007)|(?:(?:\d{1,4}(?:;\d{0,4})*)?[\dA-PR-TZcf-ntqry=><~]))/g, '');
}

// toUSVString replaces each lone surrogate by U+FFFD. It walks the code
// units: goja's regular expressions see a surrogate pair as one character
// and would replace both halves.
function toUSVString(str) {
  const s = `${str}`;
  let out = '';
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xd800 || c > 0xdfff) continue;
    if (c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        i++;
        continue;
      }
    }
    out += `${s.slice(start, i)}\ufffd`;
    start = i + 1;
  }
  return start === 0 ? s : out + s.slice(start);
}

module.exports = {
  parseArgs: (...args) => require('internal/parse_args').parseArgs(...args),
  format,
  formatWithOptions,
  inspect,
  promisify,
  callbackify,
  inherits,
  deprecate,
  log,
  debuglog,
  debug: debuglog,
  isDeepStrictEqual,
  types,
  TextEncoder,
  TextDecoder,
  stripVTControlCharacters,
  styleText: styleColors.styleText,
  toUSVString,
  // Deprecated type checks that older packages still call.
  isArray,
  isBoolean: (v) => typeof v === 'boolean',
  isNull: (v) => v === null,
  isNullOrUndefined: (v) => v === null || v === undefined,
  isNumber: (v) => typeof v === 'number',
  isString: (v) => typeof v === 'string',
  isSymbol: (v) => typeof v === 'symbol',
  isUndefined: (v) => v === undefined,
  isRegExp: types.isRegExp,
  isObject: (v) => v !== null && typeof v === 'object',
  isDate: types.isDate,
  isError: (v) => insp.isError(v),
  isFunction: (v) => typeof v === 'function',
  isPrimitive: (v) => v === null || (typeof v !== 'object' && typeof v !== 'function'),
  isBuffer: (v) => typeof Buffer === 'function' && Buffer.isBuffer(v),
};
