'use strict';
// node:net without sockets: the address functions (isIP, isIPv4, isIPv6),
// BlockList and SocketAddress work as in Node; everything that would open a
// socket exists, so feature checks and imports succeed, and throws
// ERR_NOT_SUPPORTED when called.

const { codedError, invalidArgType, outOfRange } = require('internal/errors');
const { inspect } = require('internal/inspect');

// Node's own expressions (lib/internal/net.js).
const v4Seg = '(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])';
const v4Str = `(?:${v4Seg}\\.){3}${v4Seg}`;
const IPv4Reg = new RegExp(`^${v4Str}$`);
const v6Seg = '(?:[0-9a-fA-F]{1,4})';
const IPv6Reg = new RegExp('^(?:' +
  `(?:${v6Seg}:){7}(?:${v6Seg}|:)|` +
  `(?:${v6Seg}:){6}(?:${v4Str}|:${v6Seg}|:)|` +
  `(?:${v6Seg}:){5}(?::${v4Str}|(?::${v6Seg}){1,2}|:)|` +
  `(?:${v6Seg}:){4}(?:(?::${v6Seg}){0,1}:${v4Str}|(?::${v6Seg}){1,3}|:)|` +
  `(?:${v6Seg}:){3}(?:(?::${v6Seg}){0,2}:${v4Str}|(?::${v6Seg}){1,4}|:)|` +
  `(?:${v6Seg}:){2}(?:(?::${v6Seg}){0,3}:${v4Str}|(?::${v6Seg}){1,5}|:)|` +
  `(?:${v6Seg}:){1}(?:(?::${v6Seg}){0,4}:${v4Str}|(?::${v6Seg}){1,6}|:)|` +
  `(?::(?:(?::${v6Seg}){0,5}:${v4Str}|(?::${v6Seg}){1,7}|:))` +
')(?:%[0-9a-zA-Z-.:]{1,})?$');

function isIPv4(s) { return IPv4Reg.test(s); }
function isIPv6(s) { return IPv6Reg.test(s); }
function isIP(s) {
  if (isIPv4(s)) return 4;
  if (isIPv6(s)) return 6;
  return 0;
}

// parseAddress returns the 16 bytes of an address of the given family
// (IPv4 as IPv4-mapped IPv6), or null when it is not one.
function parseAddress(address, family) {
  if (family === 'ipv4') {
    if (!isIPv4(address)) return null;
    const b = new Array(16).fill(0);
    b[10] = 0xff;
    b[11] = 0xff;
    address.split('.').forEach((x, i) => { b[12 + i] = Number(x); });
    return b;
  }
  if (!isIPv6(address)) return null;
  let s = address.replace(/%.*$/, '');
  const words = [];
  const tail = s.match(/(\d+\.\d+\.\d+\.\d+)$/);
  if (tail) {
    const p = tail[1].split('.').map(Number);
    s = s.slice(0, -tail[1].length) + ((p[0] << 8) | p[1]).toString(16) + ':' + ((p[2] << 8) | p[3]).toString(16);
  }
  const [head, rest] = s.split('::');
  const h = head === '' ? [] : head.split(':');
  const r = rest === undefined ? [] : rest === '' ? [] : rest.split(':');
  const fill = rest === undefined ? 0 : 8 - h.length - r.length;
  for (const w of h) words.push(parseInt(w, 16));
  for (let i = 0; i < fill; i++) words.push(0);
  for (const w of r) words.push(parseInt(w, 16));
  if (words.length !== 8) return null;
  const b = [];
  for (const w of words) b.push(w >> 8, w & 0xff);
  return b;
}

// formatAddress writes bytes as inet_ntop does (RFC 5952 for IPv6).
function formatAddress(b, family) {
  if (family === 'ipv4') return b.slice(12).join('.');
  const words = [];
  for (let i = 0; i < 16; i += 2) words.push((b[i] << 8) | b[i + 1]);
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    if (words[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLen) { best = i; bestLen = j - i; }
    i = j;
  }
  const hex = (ws) => ws.map((w) => w.toString(16)).join(':');
  if (best === -1) return hex(words);
  return `${hex(words.slice(0, best))}::${hex(words.slice(best + bestLen))}`;
}

function compareBytes(a, b) {
  for (let i = 0; i < 16; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}

function validateFamily(family, name = 'family') {
  if (typeof family !== 'string') throw invalidArgType(name, 'string', family);
  const f = family.toLowerCase();
  if (f !== 'ipv4' && f !== 'ipv6') {
    throw codedError(TypeError, 'ERR_INVALID_ARG_VALUE',
      `The argument '${name}' must be one of: 'ipv4', 'ipv6'. Received ${inspect(family)}`);
  }
  return f;
}

const kAddress = Symbol('kAddress');

class SocketAddress {
  static isSocketAddress(value) {
    return value != null && typeof value === 'object' && kAddress in value;
  }

  constructor(options = {}) {
    if (options === null || typeof options !== 'object' || Array.isArray(options)) {
      throw invalidArgType('options', 'Object', options);
    }
    const family = validateFamily(options.family === undefined ? 'ipv4' : options.family, 'options.family');
    const {
      address = family === 'ipv4' ? '127.0.0.1' : '::',
      port = 0,
      flowlabel = 0,
    } = options;
    if (typeof address !== 'string') throw invalidArgType('options.address', 'string', address);
    const p = validatePort(port, 'options.port');
    if (typeof flowlabel !== 'number') throw invalidArgType('options.flowlabel', 'number', flowlabel);
    if (!Number.isInteger(flowlabel) || flowlabel < 0 || flowlabel > 0xffffffff) {
      throw outOfRange('options.flowlabel', '>= 0 && <= 4294967295', flowlabel);
    }
    const bytes = parseAddress(address, family);
    if (bytes === null) throw codedError(Error, 'ERR_INVALID_ADDRESS', 'Invalid socket address');
    this[kAddress] = { bytes, family, port: p, flowlabel };
  }

  get address() { return formatAddress(this[kAddress].bytes, this[kAddress].family); }
  get port() { return this[kAddress].port; }
  get family() { return this[kAddress].family; }
  get flowlabel() { return this[kAddress].flowlabel; }

  toJSON() {
    return { address: this.address, port: this.port, family: this.family, flowlabel: this.flowlabel };
  }

  [inspect.custom](depth, options) {
    if (depth < 0) return this;
    return `SocketAddress ${inspect(this.toJSON(), { ...options, depth: options.depth == null ? null : options.depth - 1 })}`;
  }
}

function validatePort(port, name) {
  if ((typeof port !== 'number' && typeof port !== 'string') ||
      (typeof port === 'string' && port.trim().length === 0) ||
      +port !== (+port >>> 0) || port > 0xFFFF) {
    throw codedError(RangeError, 'ERR_SOCKET_BAD_PORT',
      `${name} should be >= 0 and < 65536. Received ${typeof port === 'number' ? port : inspect(port)}.`);
  }
  return port | 0;
}

function toSocketAddress(value, family, name) {
  if (SocketAddress.isSocketAddress(value)) return value;
  if (typeof value !== 'string') throw invalidArgType(name, ['string', 'SocketAddress'], value);
  return new SocketAddress({ address: value, family });
}

const kRules = Symbol('kRules');

class BlockList {
  static isBlockList(value) {
    return value != null && typeof value === 'object' && kRules in value;
  }

  constructor() {
    this[kRules] = [];
  }

  addAddress(address, family = 'ipv4') {
    const a = toSocketAddress(address, family, 'address');
    this[kRules].unshift({ kind: 'address', family: a.family, start: a[kAddress].bytes, end: a[kAddress].bytes,
      text: `Address: ${a.family === 'ipv4' ? 'IPv4' : 'IPv6'} ${a.address}` });
  }

  addRange(start, end, family = 'ipv4') {
    const s = toSocketAddress(start, family, 'start');
    const e = toSocketAddress(end, family, 'end');
    if (s.family !== e.family) {
      throw codedError(TypeError, 'ERR_INVALID_ARG_VALUE', "The argument 'start' must be of the same family as end.");
    }
    if (compareBytes(s[kAddress].bytes, e[kAddress].bytes) > 0) {
      throw codedError(TypeError, 'ERR_INVALID_ARG_VALUE',
        `The argument 'start' must come before end. Received ${inspect(s)}`);
    }
    this[kRules].unshift({ kind: 'range', family: s.family, start: s[kAddress].bytes, end: e[kAddress].bytes,
      text: `Range: ${s.family === 'ipv4' ? 'IPv4' : 'IPv6'} ${s.address}-${e.address}` });
  }

  addSubnet(network, prefix, family = 'ipv4') {
    const n = toSocketAddress(network, family, 'network');
    const max = n.family === 'ipv4' ? 32 : 128;
    if (typeof prefix !== 'number') throw invalidArgType('prefix', 'number', prefix);
    if (!Number.isInteger(prefix)) {
      throw outOfRange('prefix', 'an integer', prefix);
    }
    if (prefix < 0 || prefix > max) throw outOfRange('prefix', `>= 0 && <= ${max}`, prefix);
    const bits = n.family === 'ipv4' ? prefix + 96 : prefix;
    const start = n[kAddress].bytes.slice();
    const end = n[kAddress].bytes.slice();
    for (let i = 0; i < 16; i++) {
      const keep = Math.max(0, Math.min(8, bits - 8 * i));
      const mask = keep === 0 ? 0 : (0xff << (8 - keep)) & 0xff;
      start[i] &= mask;
      end[i] = (end[i] & mask) | (~mask & 0xff);
    }
    this[kRules].unshift({ kind: 'subnet', family: n.family, start, end,
      text: `Subnet: ${n.family === 'ipv4' ? 'IPv4' : 'IPv6'} ${n.address}/${prefix}` });
  }

  // check compares in IPv6 space, where an IPv4 address is IPv4-mapped, so
  // IPv4 rules match the mapped form of their addresses too, as in Node.
  check(address, family = 'ipv4') {
    let a;
    if (SocketAddress.isSocketAddress(address)) {
      a = address;
    } else {
      if (typeof address !== 'string') throw invalidArgType('address', ['string', 'SocketAddress'], address);
      try {
        a = new SocketAddress({ address, family });
      } catch (err) {
        if (err.code === 'ERR_INVALID_ADDRESS') return false;
        throw err;
      }
    }
    const b = a[kAddress].bytes;
    return this[kRules].some((r) => compareBytes(r.start, b) <= 0 && compareBytes(b, r.end) <= 0);
  }

  get rules() {
    return this[kRules].map((r) => r.text);
  }

  [inspect.custom](depth, options) {
    if (depth < 0) return this;
    return `BlockList ${inspect({ rules: this.rules }, { ...options, depth: options.depth == null ? null : options.depth - 1 })}`;
  }
}

function notSupported(name) {
  return function () {
    throw codedError(Error, 'ERR_NOT_SUPPORTED', `net.${name} is not supported by this runtime (it has no sockets)`);
  };
}

// Socket, Server and Stream are constructors in Node: they throw when
// constructed, like the functions that would open a socket.
const Socket = notSupported('Socket');
const Server = notSupported('Server');

let autoSelectFamily = true;
let autoSelectFamilyAttemptTimeout = 250;

module.exports = {
  isIP,
  isIPv4,
  isIPv6,
  BlockList,
  SocketAddress,
  Socket,
  Stream: Socket,
  Server,
  connect: notSupported('connect'),
  createConnection: notSupported('createConnection'),
  createServer: notSupported('createServer'),
  getDefaultAutoSelectFamily: () => autoSelectFamily,
  setDefaultAutoSelectFamily(value) {
    if (typeof value !== 'boolean') throw invalidArgType('value', 'boolean', value);
    autoSelectFamily = value;
  },
  getDefaultAutoSelectFamilyAttemptTimeout: () => autoSelectFamilyAttemptTimeout,
  setDefaultAutoSelectFamilyAttemptTimeout(value) {
    if (typeof value !== 'number') throw invalidArgType('value', 'number', value);
    if (!Number.isInteger(value) || value < 1 || value > 2 ** 31 - 1) {
      throw outOfRange('value', '>= 1 && <= 2147483647', value);
    }
    autoSelectFamilyAttemptTimeout = Math.max(10, value);
  },
};
