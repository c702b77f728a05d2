'use strict';
// Web globals Node provides: atob, btoa, structuredClone.

const { codedError } = require('internal/errors');
const insp = require('internal/inspect');

const b64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function domException(message, name) {
  const { DOMException } = require('internal/events_web');
  return new DOMException(message, name);
}

function btoa(input) {
  if (arguments.length === 0) throw codedError(TypeError, 'ERR_MISSING_ARGS', 'The "input" argument must be specified');
  const s = `${input}`;
  let out = '';
  for (let i = 0; i < s.length; i += 3) {
    const c = [s.charCodeAt(i), s.charCodeAt(i + 1), s.charCodeAt(i + 2)];
    for (const x of c) if (x > 255) throw domException('Invalid character', 'InvalidCharacterError');
    const n = (c[0] << 16) | ((c[1] || 0) << 8) | (c[2] || 0);
    out += b64[(n >> 18) & 63] + b64[(n >> 12) & 63] +
      (i + 1 < s.length ? b64[(n >> 6) & 63] : '=') + (i + 2 < s.length ? b64[n & 63] : '=');
  }
  return out;
}

function atob(input) {
  if (arguments.length === 0) throw codedError(TypeError, 'ERR_MISSING_ARGS', 'The "input" argument must be specified');
  let s = `${input}`.replace(/[\t\n\f\r ]/g, '');
  if (s.length % 4 === 0) s = s.replace(/==?$/, '');
  if (s.length % 4 === 1 || /[^A-Za-z0-9+/]/.test(s)) {
    throw domException('The string to be decoded is not correctly encoded.', 'InvalidCharacterError');
  }
  let out = '';
  let bits = 0;
  let acc = 0;
  for (const ch of s) {
    acc = (acc << 6) | b64.indexOf(ch);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += String.fromCharCode((acc >> bits) & 255);
    }
  }
  return out;
}

// structuredClone copies what the HTML structured clone algorithm copies for
// plain data: primitives, plain objects, arrays, Date, RegExp, Map, Set,
// ArrayBuffer and typed arrays, errors; cycles are preserved. Functions and
// symbols cannot be cloned.
function structuredClone(value, options) {
  if (arguments.length === 0) throw codedError(TypeError, 'ERR_MISSING_ARGS', 'The "value" argument must be specified');
  // transfer: the ArrayBuffers listed move to the clone; the originals are
  // left detached, as after Node's structuredClone.
  const transfer = [];
  if (options !== undefined && options !== null && options.transfer !== undefined) {
    const list = options.transfer;
    if (list === null || typeof list !== 'object' || typeof list[Symbol.iterator] !== 'function') {
      throw codedError(TypeError, 'ERR_INVALID_ARG_TYPE', 'Optional transferList argument must be an iterable');
    }
    for (const item of list) {
      if (!insp.isArrayBuffer(item)) throw codedError(TypeError, 'ERR_INVALID_TRANSFER_OBJECT', 'Found invalid object in transferList');
      transfer.push(item);
    }
  }
  const memo = new Map();
  const clone = (v) => {
    if (typeof v === 'function' || typeof v === 'symbol') {
      throw domException(`${typeof v === 'function' ? insp.inspect(v) : String(v)} could not be cloned.`, 'DataCloneError');
    }
    if (v === null || typeof v !== 'object') return v;
    if (memo.has(v)) return memo.get(v);
    let out;
    if (Array.isArray(v)) {
      out = new Array(v.length);
      memo.set(v, out);
      for (const k of Object.keys(v)) out[k] = clone(v[k]);
      return out;
    }
    if (insp.isDate(v)) out = new Date(v.getTime());
    else if (insp.isRegExp(v)) out = new RegExp(v.source, v.flags);
    else if (insp.isArrayBuffer(v)) out = v.slice(0);
    else if (ArrayBuffer.isView(v)) {
      const name = insp.typedArrayName(v) || 'DataView';
      const Ctor = globalThis[name === 'Uint8Array' ? 'Uint8Array' : name];
      const buf = clone(v.buffer);
      out = name === 'DataView' ? new DataView(buf, v.byteOffset, v.byteLength)
        : new Ctor(buf, v.byteOffset, v.length);
    } else if (insp.isMap(v)) {
      out = new Map();
      memo.set(v, out);
      for (const [k, x] of v) out.set(clone(k), clone(x));
      return out;
    } else if (insp.isSet(v)) {
      out = new Set();
      memo.set(v, out);
      for (const x of v) out.add(clone(x));
      return out;
    } else if (insp.isError(v)) {
      const Ctor = { EvalError, RangeError, ReferenceError, SyntaxError, TypeError, URIError }[v.name] || Error;
      out = new Ctor(v.message);
      if (typeof v.stack === 'string') out.stack = v.stack;
      if ('cause' in v) out.cause = clone(v.cause);
    } else {
      const boxed = insp.boxedKind(v);
      if (boxed !== undefined) {
        if (boxed[0] === 'Symbol') throw domException('Symbol could not be cloned.', 'DataCloneError');
        out = Object(boxed[1]);
      } else {
        out = {};
        memo.set(v, out);
        for (const k of Object.keys(v)) out[k] = clone(v[k]);
        return out;
      }
    }
    memo.set(v, out);
    return out;
  };
  const result = clone(value);
  const codec = internalBinding('codec');
  for (const ab of transfer) codec.detach(ab);
  return result;
}

// captureStackTrace is V8's Error.captureStackTrace(obj): it gives obj a
// non-enumerable stack made of its own toString() and the current frames.
function captureStackTrace(obj, constructorOpt) {
  if (obj === null || (typeof obj !== 'object' && typeof obj !== 'function')) {
    throw require('internal/errors').invalidArgType('object', 'Object', obj);
  }
  void constructorOpt;
  const here = new Error().stack || '';
  const nl = here.indexOf('\n');
  // Drop the frame of captureStackTrace itself.
  let frames = nl === -1 ? '' : here.slice(nl);
  const second = frames.indexOf('\n', 1);
  frames = second === -1 ? '' : frames.slice(second);
  let head;
  try {
    head = Error.prototype.toString.call(obj);
  } catch {
    head = 'Error';
  }
  Object.defineProperty(obj, 'stack', { __proto__: null, value: head + frames, writable: true, configurable: true, enumerable: false });
}

// jsonStringify is JSON.stringify with goja's indentation bug fixed: after an
// empty array or object, goja's serializer keeps one level of indentation
// too many ({ a: [], b: [1] } with space 1). Without a gap or a list of keys
// it defers to the built-in (which nodelib bounds in depth); with one it
// walks the value itself as ECMA-262's SerializeJSON* does, still using the
// built-in for strings and numbers. Its recursion is JavaScript's, so a value
// nested too deeply exhausts the call stack, as in V8.
function makeJSONStringify(original) {
  const quote = (s) => original(s);
  return function stringify(value, replacer, space) {
    if (space instanceof Number) space = Number(space);
    else if (space instanceof String) space = String(space);
    let gap = '';
    if (typeof space === 'number') gap = ' '.repeat(Math.max(0, Math.min(10, Math.trunc(space) || 0)));
    else if (typeof space === 'string') gap = space.slice(0, 10);
    if (gap === '' && !Array.isArray(replacer)) return original(value, replacer, space);
    let replacerFn;
    let keyList;
    if (typeof replacer === 'function') {
      replacerFn = replacer;
    } else if (Array.isArray(replacer)) {
      keyList = [];
      for (const item of replacer) {
        let k;
        if (typeof item === 'string') k = item;
        else if (typeof item === 'number' || item instanceof Number || item instanceof String) k = String(item);
        if (k !== undefined && !keyList.includes(k)) keyList.push(k);
      }
    }
    const stack = [];
    let indent = '';
    const serialize = (holder, key) => {
      let v = holder[key];
      if (v !== null && (typeof v === 'object' || typeof v === 'bigint') && typeof v.toJSON === 'function') {
        v = v.toJSON(key);
      }
      if (replacerFn !== undefined) v = replacerFn.call(holder, key, v);
      if (v !== null && typeof v === 'object') {
        if (v instanceof Number) v = Number(v);
        else if (v instanceof String) v = String(v);
        else if (v instanceof Boolean) v = Boolean.prototype.valueOf.call(v);
        else if (typeof BigInt === 'function' && v instanceof BigInt) v = BigInt.prototype.valueOf.call(v);
      }
      if (v === null) return 'null';
      switch (typeof v) {
        case 'boolean': return v ? 'true' : 'false';
        case 'string': return quote(v);
        case 'number': return original(v);
        case 'bigint': throw new TypeError('Do not know how to serialize a BigInt');
        case 'object': return Array.isArray(v) ? serializeArray(v) : serializeObject(v);
        default: return undefined;
      }
    };
    const enter = (v) => {
      if (stack.includes(v)) throw new TypeError('Converting circular structure to JSON');
      stack.push(v);
    };
    const serializeObject = (v) => {
      enter(v);
      const stepback = indent;
      indent += gap;
      const parts = [];
      for (const k of keyList !== undefined ? keyList : Object.keys(v)) {
        const str = serialize(v, k);
        if (str !== undefined) parts.push(gap === '' ? `${quote(k)}:${str}` : `${quote(k)}: ${str}`);
      }
      const out = parts.length === 0 ? '{}' : gap === '' ? `{${parts.join(',')}}` : `{\n${indent}${parts.join(`,\n${indent}`)}\n${stepback}}`;
      stack.pop();
      indent = stepback;
      return out;
    };
    const serializeArray = (v) => {
      enter(v);
      const stepback = indent;
      indent += gap;
      const parts = [];
      for (let i = 0; i < v.length; i++) {
        const str = serialize(v, String(i));
        parts.push(str === undefined ? 'null' : str);
      }
      const out = parts.length === 0 ? '[]' : gap === '' ? `[${parts.join(',')}]` : `[\n${indent}${parts.join(`,\n${indent}`)}\n${stepback}]`;
      stack.pop();
      indent = stepback;
      return out;
    };
    return serialize({ '': value }, '');
  };
}

// fetch exists, as in Node 20, so that a program that relies on it learns
// why it fails: this runtime has no network access (see http.js). Like
// fetch's own network errors, the failure is a rejected promise.
function fetch(input, init = undefined) {
  const { codedError } = require('internal/errors');
  return Promise.reject(codedError(Error, 'ERR_NOT_SUPPORTED',
    'fetch is not supported by intact run, which has no network access; run network code with intact node'));
}

module.exports = { atob, btoa, fetch, structuredClone, captureStackTrace, makeJSONStringify };
