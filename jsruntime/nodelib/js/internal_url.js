'use strict';
// The WHATWG URL and URLSearchParams classes (https://url.spec.whatwg.org),
// written here because goja_nodejs's URL normalises paths with Go's
// path.Clean (dropping trailing slashes) and resolves relative references
// against the wrong path. Only IDNA (domainToASCII) comes from goja_nodejs.

const { domainToASCII, domainToUnicode } = internalBinding('goja_url');
const { codedError, invalidArgType } = require('internal/errors');

const specialPorts = { 'ftp:': 21, 'file:': null, 'http:': 80, 'https:': 443, 'ws:': 80, 'wss:': 443 };
const isSpecial = (scheme) => Object.prototype.hasOwnProperty.call(specialPorts, scheme);

// Percent-encode sets, as predicates on a code point.
const c0Set = (c) => c < 0x20 || c > 0x7e;
const fragmentSet = (c) => c0Set(c) || c === 0x20 || c === 0x22 || c === 0x3c || c === 0x3e || c === 0x60;
const querySet = (c) => c0Set(c) || c === 0x20 || c === 0x22 || c === 0x23 || c === 0x3c || c === 0x3e;
const specialQuerySet = (c) => querySet(c) || c === 0x27;
const pathSet = (c) => querySet(c) || c === 0x3f || c === 0x60 || c === 0x7b || c === 0x7d;
const userinfoSet = (c) => pathSet(c) || c === 0x2f || c === 0x3a || c === 0x3b || c === 0x3d ||
  c === 0x40 || (c >= 0x5b && c <= 0x5e) || c === 0x7c;
const formSet = (c) => !((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) ||
  c === 0x2a || c === 0x2d || c === 0x2e || c === 0x5f);

const hex = (b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`;

function utf8(str) {
  return new TextEncoder().encode(str);
}

function percentEncode(str, inSet, spaceAsPlus = false) {
  let out = '';
  for (const ch of str) {
    const c = ch.codePointAt(0);
    if (spaceAsPlus && c === 0x20) {
      out += '+';
    } else if (inSet(c)) {
      for (const b of utf8(ch)) out += hex(b);
    } else {
      out += ch;
    }
  }
  return out;
}

function percentDecodeBytes(str) {
  const bytes = utf8(str);
  const out = [];
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (b === 0x25 && i + 2 < bytes.length && isHex(bytes[i + 1]) && isHex(bytes[i + 2])) {
      out.push(parseInt(String.fromCharCode(bytes[i + 1], bytes[i + 2]), 16));
      i += 2;
    } else {
      out.push(b);
    }
  }
  return new Uint8Array(out);
}

function isHex(b) {
  return (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x46) || (b >= 0x61 && b <= 0x66);
}

function invalidURL(input, base) {
  const err = codedError(TypeError, 'ERR_INVALID_URL', 'Invalid URL');
  err.input = input;
  if (base !== undefined) err.base = base;
  return err;
}

// ---- hosts ---------------------------------------------------------------

function parseIPv4Number(s) {
  if (s === '') return NaN;
  let radix = 10;
  if (/^0[xX]/.test(s)) { s = s.slice(2); radix = 16; } else if (s.length > 1 && s[0] === '0') { s = s.slice(1); radix = 8; }
  if (s === '') return 0;
  const valid = radix === 16 ? /^[0-9a-fA-F]+$/ : radix === 8 ? /^[0-7]+$/ : /^[0-9]+$/;
  return valid.test(s) ? parseInt(s, radix) : NaN;
}

function endsInNumber(host) {
  const parts = host.split('.');
  if (parts[parts.length - 1] === '') {
    if (parts.length === 1) return false;
    parts.pop();
  }
  const last = parts[parts.length - 1];
  return /^[0-9]+$/.test(last) || !Number.isNaN(parseIPv4Number(last)) && /^0[xX]/.test(last);
}

function parseIPv4(host, fail) {
  const parts = host.split('.');
  if (parts[parts.length - 1] === '' && parts.length > 1) parts.pop();
  if (parts.length > 4) throw fail();
  const nums = parts.map(parseIPv4Number);
  if (nums.some(Number.isNaN)) throw fail();
  for (let i = 0; i < nums.length - 1; i++) if (nums[i] > 255) throw fail();
  if (nums[nums.length - 1] >= 256 ** (5 - nums.length)) throw fail();
  let ipv4 = nums[nums.length - 1];
  for (let i = 0; i < nums.length - 1; i++) ipv4 += nums[i] * 256 ** (3 - i);
  const out = [];
  for (let i = 0; i < 4; i++) {
    out.unshift(ipv4 % 256);
    ipv4 = Math.floor(ipv4 / 256);
  }
  return out.join('.');
}

function parseIPv6(input, fail) {
  const pieces = [0, 0, 0, 0, 0, 0, 0, 0];
  let piece = 0;
  let compress = null;
  let i = 0;
  const s = input;
  if (s[i] === ':') {
    if (s[i + 1] !== ':') throw fail();
    i += 2;
    compress = ++piece;
  }
  while (i < s.length) {
    if (piece === 8) throw fail();
    if (s[i] === ':') {
      if (compress !== null) throw fail();
      i++;
      compress = ++piece;
      continue;
    }
    let value = 0;
    let length = 0;
    while (length < 4 && i < s.length && /[0-9a-fA-F]/.test(s[i])) {
      value = value * 16 + parseInt(s[i], 16);
      i++;
      length++;
    }
    if (s[i] === '.') {
      if (length === 0 || piece > 6) throw fail();
      i -= length;
      const v4 = parseIPv4(s.slice(i), fail).split('.').map(Number);
      pieces[piece++] = v4[0] * 256 + v4[1];
      pieces[piece++] = v4[2] * 256 + v4[3];
      i = s.length;
      break;
    }
    if (s[i] === ':') {
      i++;
      if (i >= s.length) throw fail();
    } else if (i < s.length) {
      throw fail();
    }
    pieces[piece++] = value;
  }
  if (compress !== null) {
    let swaps = piece - compress;
    piece = 7;
    while (piece !== 0 && swaps > 0) {
      const t = pieces[compress + swaps - 1];
      pieces[compress + swaps - 1] = pieces[piece];
      pieces[piece] = t;
      piece--;
      swaps--;
    }
  } else if (piece !== 8) {
    throw fail();
  }
  // Serialise, compressing the longest run of two or more zero pieces.
  let best = -1;
  let bestLen = 1;
  for (let j = 0; j < 8;) {
    if (pieces[j] !== 0) { j++; continue; }
    let k = j;
    while (k < 8 && pieces[k] === 0) k++;
    if (k - j > bestLen) { best = j; bestLen = k - j; }
    j = k;
  }
  let out = '';
  for (let j = 0; j < 8; j++) {
    if (j === best) {
      out += j === 0 ? '::' : ':';
      j += bestLen - 1;
      continue;
    }
    out += pieces[j].toString(16) + (j < 7 ? ':' : '');
  }
  return `[${out}]`;
}

const forbiddenHost = /[\u0000\t\n\r #/:<>?@[\\\]^|]/;
const forbiddenDomain = /[\u0000-\u001f\t\n\r #%/:<>?@[\\\]^|\u007f]/;

function parseHost(input, special, fail) {
  if (input.startsWith('[')) {
    if (!input.endsWith(']')) throw fail();
    return parseIPv6(input.slice(1, -1), fail);
  }
  if (!special) {
    if (forbiddenHost.test(input)) throw fail();
    return percentEncode(input, c0Set);
  }
  const decoded = new TextDecoder().decode(percentDecodeBytes(input));
  let ascii;
  if (/^[A-Za-z0-9.-]*$/.test(decoded)) {
    ascii = decoded.toLowerCase();
  } else {
    ascii = domainToASCII(decoded);
    if (ascii === '') throw fail();
  }
  if (ascii === '' || forbiddenDomain.test(ascii)) throw fail();
  if (endsInNumber(ascii)) return parseIPv4(ascii, fail);
  return ascii;
}

// ---- the parser ----------------------------------------------------------

// A parsed URL record: scheme ('http:'), username, password, host (null when
// the URL has no authority), port (null or a number), path (an array of
// segments, or a string for an opaque path), query and fragment (null or
// strings, already encoded).
function newRecord() {
  return { scheme: '', username: '', password: '', host: null, port: null, path: [], query: null, fragment: null };
}

function shortenPath(rec) {
  if (rec.scheme === 'file:' && rec.path.length === 1 && /^[A-Za-z]:$/.test(rec.path[0])) return;
  rec.path.pop();
}

const isSingleDot = (s) => s === '.' || s.toLowerCase() === '%2e';
const isDoubleDot = (s) => ['..', '.%2e', '%2e.', '%2e%2e'].includes(s.toLowerCase());

// parsePath appends the segments of an absolute or relative path to rec.
function parsePath(rec, input) {
  const special = isSpecial(rec.scheme);
  const segments = special ? input.split(/[/\\]/) : input.split('/');
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i];
    const last = i === segments.length - 1;
    if (isDoubleDot(seg)) {
      shortenPath(rec);
      if (last) rec.path.push('');
    } else if (isSingleDot(seg)) {
      if (last) rec.path.push('');
    } else {
      rec.path.push(percentEncode(seg, pathSet));
    }
  }
}

function splitSuffix(input) {
  // Returns [before, query|null, fragment|null].
  let fragment = null;
  const hashAt = input.indexOf('#');
  if (hashAt !== -1) {
    fragment = input.slice(hashAt + 1);
    input = input.slice(0, hashAt);
  }
  let query = null;
  const qAt = input.indexOf('?');
  if (qAt !== -1) {
    query = input.slice(qAt + 1);
    input = input.slice(0, qAt);
  }
  return [input, query, fragment];
}

function setQueryFragment(rec, query, fragment) {
  rec.query = query === null ? null : percentEncode(query, isSpecial(rec.scheme) ? specialQuerySet : querySet);
  rec.fragment = fragment === null ? null : percentEncode(fragment, fragmentSet);
}

function parseAuthority(rec, authority, fail) {
  const at = authority.lastIndexOf('@');
  if (at !== -1) {
    const userinfo = authority.slice(0, at);
    authority = authority.slice(at + 1);
    const colon = userinfo.indexOf(':');
    rec.username = percentEncode(colon === -1 ? userinfo : userinfo.slice(0, colon), userinfoSet);
    rec.password = colon === -1 ? '' : percentEncode(userinfo.slice(colon + 1), userinfoSet);
  }
  let hostPart = authority;
  const portMatch = /:([^\]:]*)$/.exec(authority);
  if (portMatch && !(authority.startsWith('[') && !authority.slice(0, portMatch.index).endsWith(']'))) {
    hostPart = authority.slice(0, portMatch.index);
    const port = portMatch[1];
    if (port !== '') {
      if (!/^[0-9]+$/.test(port)) throw fail();
      const n = parseInt(port, 10);
      if (n > 65535) throw fail();
      rec.port = n === specialPorts[rec.scheme] ? null : n;
    }
  }
  const special = isSpecial(rec.scheme);
  if (hostPart === '') {
    if (special && rec.scheme !== 'file:') throw fail();
    if (at !== -1 || rec.port !== null) throw fail();
    rec.host = '';
    return;
  }
  rec.host = parseHost(hostPart, special, fail);
  if (rec.scheme === 'file:' && rec.host === 'localhost') rec.host = '';
}

function parse(input, base) {
  const fail = () => invalidURL(input, base === undefined ? undefined : serialize(base));
  // Leading and trailing C0 controls and spaces go; tabs and newlines
  // anywhere go.
  let s = input.replace(/^[\u0000-\u0020]+|[\u0000-\u0020]+$/g, '').replace(/[\t\n\r]/g, '');
  const rec = newRecord();
  const schemeMatch = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(s);
  if (schemeMatch) {
    rec.scheme = `${schemeMatch[1].toLowerCase()}:`;
    s = s.slice(schemeMatch[0].length);
    const special = isSpecial(rec.scheme);
    if (special && base && base.scheme === rec.scheme && !/^[/\\]/.test(s)) {
      return parseRelative(rec, s, base, fail);
    }
    if (special) {
      if (rec.scheme === 'file:') return parseFile(rec, s, base, fail);
      s = s.replace(/^[/\\]*/, '');
      return parseAfterAuthorityStart(rec, s, fail);
    }
    if (s.startsWith('//')) return parseAfterAuthorityStart(rec, s.slice(2), fail);
    const [rest, query, fragment] = splitSuffix(s);
    if (rest.startsWith('/')) {
      rec.path = [];
      parsePath(rec, rest.slice(1));
    } else {
      rec.path = percentEncode(rest, c0Set); // an opaque path
    }
    setQueryFragment(rec, query, fragment);
    return rec;
  }
  if (base === undefined) throw fail();
  if (typeof base.path === 'string') {
    if (!s.startsWith('#')) throw fail();
    const copy = Object.assign(newRecord(), base, { fragment: percentEncode(s.slice(1), fragmentSet) });
    return copy;
  }
  rec.scheme = base.scheme;
  if (rec.scheme === 'file:') return parseFile(rec, s, base, fail);
  return parseRelative(rec, s, base, fail);
}

function parseAfterAuthorityStart(rec, s, fail) {
  const special = isSpecial(rec.scheme);
  const end = s.search(special ? /[/\\?#]/ : /[/?#]/);
  const authority = end === -1 ? s : s.slice(0, end);
  parseAuthority(rec, authority, fail);
  const [rest, query, fragment] = splitSuffix(end === -1 ? '' : s.slice(end));
  rec.path = [];
  if (rest !== '') parsePath(rec, rest.slice(1));
  else if (special) rec.path = [''];
  setQueryFragment(rec, query, fragment);
  return rec;
}

function parseRelative(rec, s, base, fail) {
  const special = isSpecial(rec.scheme);
  const slash = special ? /^[/\\]/ : /^\//;
  if (slash.test(s) && slash.test(s.slice(1))) return parseAfterAuthorityStart(rec, s.slice(2), fail);
  rec.username = base.username;
  rec.password = base.password;
  rec.host = base.host;
  rec.port = base.port;
  const [rest, query, fragment] = splitSuffix(s);
  if (slash.test(rest)) {
    rec.path = [];
    parsePath(rec, rest.slice(1));
  } else if (rest === '') {
    rec.path = base.path.slice();
    setQueryFragment(rec, query === null ? null : query, fragment);
    if (query === null) rec.query = base.query;
    return rec;
  } else {
    rec.path = base.path.slice();
    shortenPathForMerge(rec);
    parsePath(rec, rest);
  }
  setQueryFragment(rec, query, fragment);
  return rec;
}

function shortenPathForMerge(rec) {
  if (rec.path.length > 0) rec.path.pop();
}

function parseFile(rec, s, base, fail) {
  rec.host = '';
  if (/^[/\\]{2}/.test(s)) {
    s = s.slice(2);
    const end = s.search(/[/\\?#]/);
    const authority = end === -1 ? s : s.slice(0, end);
    if (authority !== '') parseAuthority(rec, authority, fail);
    s = end === -1 ? '' : s.slice(end);
    const [rest, query, fragment] = splitSuffix(s);
    rec.path = [];
    parsePath(rec, rest === '' ? '' : rest.slice(1));
    setQueryFragment(rec, query, fragment);
    return rec;
  }
  if (base && base.scheme === 'file:') {
    if (!/^[/\\]/.test(s)) return parseRelative(rec, s, base, fail);
    rec.host = base.host;
  }
  const [rest, query, fragment] = splitSuffix(s);
  rec.path = [];
  parsePath(rec, rest.replace(/^[/\\]/, ''));
  setQueryFragment(rec, query, fragment);
  return rec;
}

function serializePath(rec) {
  if (typeof rec.path === 'string') return rec.path;
  return rec.path.map((seg) => `/${seg}`).join('');
}

function serializeHost(rec) {
  return rec.port === null ? rec.host : `${rec.host}:${rec.port}`;
}

function serialize(rec, excludeFragment) {
  let out = rec.scheme;
  if (rec.host !== null) {
    out += '//';
    if (rec.username !== '' || rec.password !== '') {
      out += rec.username;
      if (rec.password !== '') out += `:${rec.password}`;
      out += '@';
    }
    out += serializeHost(rec);
  } else if (typeof rec.path !== 'string' && rec.path.length > 1 && rec.path[0] === '') {
    out += '/.';
  }
  out += serializePath(rec);
  if (rec.query !== null) out += `?${rec.query}`;
  if (!excludeFragment && rec.fragment !== null) out += `#${rec.fragment}`;
  return out;
}

// ---- URLSearchParams -----------------------------------------------------

function parseForm(input) {
  const list = [];
  for (const piece of input.split('&')) {
    if (piece === '') continue;
    const eq = piece.indexOf('=');
    const name = eq === -1 ? piece : piece.slice(0, eq);
    const value = eq === -1 ? '' : piece.slice(eq + 1);
    const decode = (x) => new TextDecoder().decode(percentDecodeBytes(x.replace(/\+/g, ' ')));
    list.push([decode(name), decode(value)]);
  }
  return list;
}

function serializeForm(list) {
  return list.map(([k, v]) => `${percentEncode(k, formSet, true)}=${percentEncode(v, formSet, true)}`).join('&');
}

const kList = Symbol('list');
const kURL = Symbol('url');

function toUSV(v) {
  return require('util').toUSVString(v);
}

class URLSearchParams {
  constructor(init = undefined) {
    this[kList] = [];
    this[kURL] = null;
    if (init === undefined || init === null) return;
    if (typeof init === 'object' || typeof init === 'function') {
      if (typeof init[Symbol.iterator] === 'function') {
        for (const pair of init) {
          const p = [...pair];
          if (p.length !== 2) {
            throw codedError(TypeError, 'ERR_INVALID_TUPLE', 'Each query pair must be an iterable [name, value] tuple');
          }
          this[kList].push([toUSV(p[0]), toUSV(p[1])]);
        }
      } else {
        for (const key of Reflect.ownKeys(init)) {
          if (typeof key === 'string' && Object.prototype.propertyIsEnumerable.call(init, key)) {
            this[kList].push([toUSV(key), toUSV(init[key])]);
          }
        }
      }
      return;
    }
    let s = toUSV(init);
    if (s.startsWith('?')) s = s.slice(1);
    this[kList] = parseForm(s);
  }
  #update() {
    const url = this[kURL];
    if (url !== null) {
      const s = serializeForm(this[kList]);
      url[kRecord].query = s === '' ? null : s;
    }
  }
  get size() { return this[kList].length; }
  append(name, value) {
    if (arguments.length < 2) throw missingArgs('name', 'value');
    this[kList].push([toUSV(name), toUSV(value)]);
    this.#update();
  }
  delete(name, value) {
    if (arguments.length < 1) throw missingArgs('name');
    name = toUSV(name);
    this[kList] = this[kList].filter(([k, v]) => !(k === name && (value === undefined || v === toUSV(value))));
    this.#update();
  }
  get(name) {
    if (arguments.length < 1) throw missingArgs('name');
    name = toUSV(name);
    const hit = this[kList].find(([k]) => k === name);
    return hit === undefined ? null : hit[1];
  }
  getAll(name) {
    if (arguments.length < 1) throw missingArgs('name');
    name = toUSV(name);
    return this[kList].filter(([k]) => k === name).map(([, v]) => v);
  }
  has(name, value) {
    if (arguments.length < 1) throw missingArgs('name');
    name = toUSV(name);
    if (value !== undefined) value = toUSV(value);
    return this[kList].some(([k, v]) => k === name && (value === undefined || v === value));
  }
  set(name, value) {
    if (arguments.length < 2) throw missingArgs('name', 'value');
    name = toUSV(name);
    value = toUSV(value);
    const i = this[kList].findIndex(([k]) => k === name);
    if (i === -1) {
      this[kList].push([name, value]);
    } else {
      this[kList][i][1] = value;
      this[kList] = this[kList].filter(([k], j) => j <= i || k !== name);
    }
    this.#update();
  }
  sort() {
    // Stable sort by name in UTF-16 code units.
    this[kList] = this[kList].map((p, i) => [p, i])
      .sort(([a, i], [b, j]) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : i - j)).map(([p]) => p);
    this.#update();
  }
  forEach(callback, thisArg = undefined) {
    if (typeof callback !== 'function') throw invalidArgType('callback', 'Function', callback);
    for (let i = 0; i < this[kList].length; i++) {
      const [k, v] = this[kList][i];
      callback.call(thisArg, v, k, this);
    }
  }
  entries() { return new URLSearchParamsIterator(this, 'key+value'); }
  keys() { return new URLSearchParamsIterator(this, 'key'); }
  values() { return new URLSearchParamsIterator(this, 'value'); }
  [Symbol.iterator]() { return this.entries(); }
  toString() { return serializeForm(this[kList]); }
  get [Symbol.toStringTag]() { return 'URLSearchParams'; }
  [Symbol.for('nodejs.util.inspect.custom')](depth, options, inspect) {
    if (typeof depth === 'number' && depth < 0) return '[Object]';
    const opts = Object.assign({}, options, { depth: depth === null ? null : depth - 1 });
    const entries = this[kList].map(([k, v]) => `${inspect(k, opts)} => ${inspect(v, opts)}`);
    const length = entries.reduce((n, e) => n + e.length + 2, -2);
    if (entries.length === 0) return 'URLSearchParams {}';
    if (length > options.breakLength) return `URLSearchParams {\n  ${entries.join(',\n  ')} }`;
    return `URLSearchParams { ${entries.join(', ')} }`;
  }
}

function invalidThis(type) {
  return codedError(TypeError, 'ERR_INVALID_THIS', `Value of "this" must be of type ${type}`);
}

function isSearchParams(v) {
  return v !== null && typeof v === 'object' && Object.prototype.hasOwnProperty.call(v, kList);
}

// Every method and getter of URLSearchParams refuses another receiver
// first, with Node's ERR_INVALID_THIS.
for (const key of Reflect.ownKeys(URLSearchParams.prototype)) {
  if (key === 'constructor' || key === Symbol.toStringTag) continue;
  const desc = Object.getOwnPropertyDescriptor(URLSearchParams.prototype, key);
  const guard = (fn) => {
    const guarded = {
      [fn.name](...args) {
        if (!isSearchParams(this)) throw invalidThis('URLSearchParams');
        return Reflect.apply(fn, this, args);
      },
    }[fn.name];
    Object.defineProperty(guarded, 'length', { __proto__: null, value: fn.length });
    return guarded;
  };
  if (typeof desc.value === 'function') desc.value = guard(desc.value);
  if (typeof desc.get === 'function') desc.get = guard(desc.get);
  Object.defineProperty(URLSearchParams.prototype, key, desc);
}
Object.defineProperty(URLSearchParams.prototype, Symbol.toStringTag,
  { value: 'URLSearchParams', writable: false, enumerable: false, configurable: true });

// The iterators of entries(), keys() and values() are live, as Node's: each
// step reads the list as it is then.
const kTarget = Symbol('target');
const kKind = Symbol('kind');
const kIndex = Symbol('index');
class URLSearchParamsIterator {
  constructor(target, kind) {
    this[kTarget] = target;
    this[kKind] = kind;
    this[kIndex] = 0;
  }

  next() {
    if (this === null || typeof this !== 'object' || !Object.prototype.hasOwnProperty.call(this, kTarget)) {
      throw invalidThis('URLSearchParamsIterator');
    }
    const list = this[kTarget][kList];
    const i = this[kIndex];
    if (i >= list.length) return { value: undefined, done: true };
    this[kIndex] = i + 1;
    return { value: this.#item(list[i]), done: false };
  }

  #item([k, v]) {
    return this[kKind] === 'key' ? k : this[kKind] === 'value' ? v : [k, v];
  }

  [Symbol.iterator]() { return this; }

  [Symbol.for('nodejs.util.inspect.custom')](depth, options, inspect) {
    if (this === null || typeof this !== 'object' || !Object.prototype.hasOwnProperty.call(this, kTarget)) {
      throw invalidThis('URLSearchParamsIterator');
    }
    if (typeof depth === 'number' && depth < 0) return '[Object]';
    const inner = Object.assign({}, options, { depth: depth === null ? null : depth - 1 });
    const output = this[kTarget][kList].slice(this[kIndex]).map((p) => this.#item(p));
    const breakLn = inspect(output, inner).includes('\n');
    const parts = output.map((p) => inspect(p, inner));
    const body = breakLn ? `\n  ${parts.join(',\n  ')}` : ` ${parts.join(', ')}`;
    return `URLSearchParams Iterator {${body} }`;
  }
}
Object.setPrototypeOf(URLSearchParamsIterator.prototype, Object.getPrototypeOf(Object.getPrototypeOf([][Symbol.iterator]())));
Object.defineProperty(URLSearchParamsIterator.prototype, Symbol.toStringTag,
  { value: 'URLSearchParams Iterator', writable: false, enumerable: false, configurable: true });

function missingArgs(...names) {
  const list = names.map((n) => `"${n}"`).join(' and ');
  return codedError(TypeError, 'ERR_MISSING_ARGS', `The ${list} argument${names.length > 1 ? 's' : ''} must be specified`);
}

// ---- URL -----------------------------------------------------------------

const kRecord = Symbol('record');
const kParams = Symbol('params');

class URL {
  constructor(input, base = undefined) {
    if (arguments.length === 0) throw missingArgs('url');
    input = toUSV(input);
    let baseRecord;
    if (base !== undefined) {
      const b = toUSV(base);
      try {
        baseRecord = parse(b, undefined);
      } catch {
        throw invalidURL(input, b);
      }
    }
    this[kRecord] = parse(input, baseRecord);
    this[kParams] = null;
  }
  static canParse(input, base = undefined) {
    try {
      new URL(input, base); // eslint-disable-line no-new
      return true;
    } catch {
      return false;
    }
  }
  get href() { return serialize(this[kRecord]); }
  set href(v) {
    this[kRecord] = parse(toUSV(v), undefined);
    this.#syncParams();
  }
  get origin() {
    const r = this[kRecord];
    if (r.scheme === 'blob:') {
      try { return new URL(serializePath(r)).origin; } catch { return 'null'; }
    }
    if (!isSpecial(r.scheme) || r.scheme === 'file:') return 'null';
    return `${r.scheme}//${serializeHost(r)}`;
  }
  get protocol() { return this[kRecord].scheme; }
  set protocol(v) {
    const m = /^([A-Za-z][A-Za-z0-9+.-]*)/.exec(toUSV(v));
    if (!m) return;
    const scheme = `${m[1].toLowerCase()}:`;
    const r = this[kRecord];
    if (isSpecial(scheme) !== isSpecial(r.scheme)) return;
    if (scheme === 'file:' && (r.username !== '' || r.password !== '' || r.port !== null)) return;
    if (r.scheme === 'file:' && r.host === '') return;
    r.scheme = scheme;
    if (r.port === specialPorts[scheme]) r.port = null;
  }
  get username() { return this[kRecord].username; }
  set username(v) {
    const r = this[kRecord];
    if (r.host === null || r.host === '' || r.scheme === 'file:') return;
    r.username = percentEncode(toUSV(v), userinfoSet);
  }
  get password() { return this[kRecord].password; }
  set password(v) {
    const r = this[kRecord];
    if (r.host === null || r.host === '' || r.scheme === 'file:') return;
    r.password = percentEncode(toUSV(v), userinfoSet);
  }
  get host() {
    const r = this[kRecord];
    return r.host === null ? '' : serializeHost(r);
  }
  set host(v) {
    const r = this[kRecord];
    if (typeof r.path === 'string') return;
    const copy = Object.assign(newRecord(), r, { username: r.username, password: r.password });
    try {
      const authority = toUSV(v).split(/[/\\?#]/)[0];
      copy.port = r.port;
      parseAuthority(copy, authority.replace(/^.*@/, ''), () => new Error());
      r.host = copy.host;
      if (/:/.test(authority.replace(/^\[.*\]/, ''))) r.port = copy.port;
    } catch { /* invalid hosts are ignored */ }
  }
  get hostname() { return this[kRecord].host === null ? '' : this[kRecord].host; }
  set hostname(v) {
    const r = this[kRecord];
    if (typeof r.path === 'string') return;
    try {
      const h = toUSV(v).split(/[/\\?#:]/)[0];
      if (h === '' && isSpecial(r.scheme) && r.scheme !== 'file:') return;
      r.host = h === '' ? '' : parseHost(h, isSpecial(r.scheme), () => new Error());
    } catch { /* ignored */ }
  }
  get port() { return this[kRecord].port === null ? '' : `${this[kRecord].port}`; }
  set port(v) {
    const r = this[kRecord];
    if (r.host === null || r.host === '' || r.scheme === 'file:') return;
    const m = /^[0-9]*/.exec(toUSV(v))[0];
    if (m === '') {
      if (toUSV(v) === '') r.port = null;
      return;
    }
    const n = parseInt(m, 10);
    if (n > 65535) return;
    r.port = n === specialPorts[r.scheme] ? null : n;
  }
  get pathname() { return serializePath(this[kRecord]); }
  set pathname(v) {
    const r = this[kRecord];
    if (typeof r.path === 'string') return;
    r.path = [];
    let s = toUSV(v);
    if (isSpecial(r.scheme) ? /^[/\\]/.test(s) : s.startsWith('/')) s = s.slice(1);
    parsePath(r, s);
  }
  get search() {
    const q = this[kRecord].query;
    return q === null || q === '' ? '' : `?${q}`;
  }
  set search(v) {
    const r = this[kRecord];
    let s = toUSV(v);
    if (s === '') {
      r.query = null;
    } else {
      if (s.startsWith('?')) s = s.slice(1);
      r.query = percentEncode(s, isSpecial(r.scheme) ? specialQuerySet : querySet);
    }
    this.#syncParams();
  }
  get searchParams() {
    if (this[kParams] === null) {
      const p = new URLSearchParams(this[kRecord].query || '');
      p[kURL] = this;
      this[kParams] = p;
    }
    return this[kParams];
  }
  get hash() {
    const f = this[kRecord].fragment;
    return f === null || f === '' ? '' : `#${f}`;
  }
  set hash(v) {
    let s = toUSV(v);
    if (s === '') {
      this[kRecord].fragment = null;
      return;
    }
    if (s.startsWith('#')) s = s.slice(1);
    this[kRecord].fragment = percentEncode(s, fragmentSet);
  }
  #syncParams() {
    if (this[kParams] !== null) this[kParams][kList] = parseForm(this[kRecord].query || '');
  }
  toString() { return this.href; }
  toJSON() { return this.href; }
  get [Symbol.toStringTag]() { return 'URL'; }
  [Symbol.for('nodejs.util.inspect.custom')](depth, options, inspect) {
    if (typeof depth === 'number' && depth < 0) return this;
    const obj = {
      href: this.href, origin: this.origin, protocol: this.protocol, username: this.username,
      password: this.password, host: this.host, hostname: this.hostname, port: this.port,
      pathname: this.pathname, search: this.search, searchParams: this.searchParams, hash: this.hash,
    };
    return `URL ${inspect(obj, options)}`;
  }
}

for (const name of ['href', 'origin', 'protocol', 'username', 'password', 'host', 'hostname', 'port', 'pathname', 'search', 'searchParams', 'hash']) {
  Object.defineProperty(URL.prototype, name, Object.assign(Object.getOwnPropertyDescriptor(URL.prototype, name), { __proto__: null, enumerable: true }));
}

// The file URL helpers and what Node's url.js (the legacy API, vendored)
// takes from this module.
function fileURLToPath(input) {
  let url = input;
  if (typeof url === 'string') url = new URL(url);
  else if (!(url instanceof URL)) throw invalidArgType('path', ['string', 'URL'], input);
  if (url.protocol !== 'file:') throw codedError(TypeError, 'ERR_INVALID_URL_SCHEME', 'The URL must be of scheme file');
  if (url.hostname !== '') {
    throw codedError(TypeError, 'ERR_INVALID_FILE_URL_HOST', `File URL host must be "localhost" or empty on ${internalBinding('os').platform()}`);
  }
  const pathname = url.pathname;
  for (let i = 0; i < pathname.length; i++) {
    if (pathname[i] === '%') {
      const third = pathname.codePointAt(i + 2) | 0x20;
      if (pathname[i + 1] === '2' && third === 102) {
        throw codedError(TypeError, 'ERR_INVALID_FILE_URL_PATH', 'File URL path must not include encoded / characters');
      }
    }
  }
  return decodeURIComponent(pathname);
}

function pathToFileURL(filepath) {
  let resolved = require('path').resolve(filepath);
  if (filepath.endsWith('/') && !resolved.endsWith('/')) resolved += '/';
  const encoded = resolved.replace(/%/g, '%25').replace(/\\/g, '%5C').replace(/\n/g, '%0A')
    .replace(/\r/g, '%0D').replace(/\t/g, '%09').replace(/#/g, '%23').replace(/\?/g, '%3F');
  return new URL(`file://${encoded}`);
}

function urlToHttpOptions(url) {
  const { hostname, pathname, port, username, password, search } = url;
  const options = {
    __proto__: null,
    ...url, // In case the url object was extended by the user.
    protocol: url.protocol,
    hostname: hostname && hostname[0] === '[' ? hostname.slice(1, -1) : hostname,
    hash: url.hash,
    search: search,
    pathname: pathname,
    path: `${pathname || ''}${search || ''}`,
    href: url.href,
  };
  if (port !== '') options.port = Number(port);
  if (username || password) options.auth = `${decodeURIComponent(username)}:${decodeURIComponent(password)}`;
  return options;
}

// Protocols that can allow "unsafe" and "unwise" chars, never have a
// hostname, and always contain a // bit, as Node's url.parse knows them.
const unsafeProtocol = new Set(['javascript', 'javascript:']);
const hostlessProtocol = new Set(['javascript', 'javascript:']);
const slashedProtocol = new Set(['http', 'http:', 'https', 'https:', 'ftp', 'ftp:', 'gopher', 'gopher:', 'file', 'file:',
  'ws', 'ws:', 'wss', 'wss:']);

// format is Node's internalBinding('url').format, which url.format(URL,
// options) calls: the URL's text without what the options leave out.
function format(href, fragment, unicode, search, auth) {
  const u = new URL(href);
  let out = u.protocol;
  if (u.host !== '' || href.startsWith(`${u.protocol}//`)) {
    out += '//';
    if (auth && (u.username !== '' || u.password !== '')) {
      out += `${u.username}${u.password !== '' ? `:${u.password}` : ''}@`;
    }
    if (unicode && !u.hostname.startsWith('[')) {
      out += domainToUnicode(u.hostname) + (u.port !== '' ? `:${u.port}` : '');
    } else {
      out += u.host;
    }
  }
  out += u.pathname;
  if (search) out += u.search;
  if (fragment) out += u.hash;
  return out;
}

module.exports = {
  URL, URLSearchParams, domainToASCII, domainToUnicode, fileURLToPath, pathToFileURL, urlToHttpOptions,
  unsafeProtocol, hostlessProtocol, slashedProtocol, format,
};
