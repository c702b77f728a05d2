'use strict';
// node:querystring

// Characters escape() leaves alone: A-Z a-z 0-9 - . _ ~ ! * ' ( )
const unreserved = /[A-Za-z0-9\-._~!*'()]/;

function escape(str) {
  if (typeof str !== 'string') {
    if (typeof str === 'object') str = String(str);
    else str = `${str}`;
  }
  let out = '';
  for (let i = 0; i < str.length; i++) {
    const ch = str[i];
    if (unreserved.test(ch)) {
      out += ch;
      continue;
    }
    let c = str.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < str.length) {
      const next = str.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        out += encodeURIComponent(str[i] + str[i + 1]);
        i++;
        continue;
      }
    }
    if (c >= 0xd800 && c <= 0xdfff) {
      const err = new URIError('URI malformed');
      err.code = 'ERR_INVALID_URI';
      throw err;
    }
    out += encodeURIComponent(ch).replace(/[!'()*]/g, (x) => `%${x.charCodeAt(0).toString(16).toUpperCase()}`);
  }
  return out;
}

function unescape(s, decodeSpaces) {
  try {
    return decodeURIComponent(s);
  } catch {
    return unescapeBuffer(s, decodeSpaces);
  }
}

// unescapeBuffer decodes valid %XX sequences byte by byte and leaves invalid
// ones alone, as Node's does.
function unescapeBuffer(s, decodeSpaces) {
  const bytes = [];
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '+' && decodeSpaces) {
      bytes.push(32);
    } else if (c === '%' && /^[0-9a-fA-F]{2}$/.test(s.slice(i + 1, i + 3))) {
      bytes.push(parseInt(s.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      for (const byte of new TextEncoder().encode(c)) bytes.push(byte);
    }
  }
  return new TextDecoder().decode(new Uint8Array(bytes));
}

function stringifyPrimitive(v) {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return `${v}`;
  if (typeof v === 'bigint') return `${v}`;
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return '';
}

function stringify(obj, sep = '&', eq = '=', options) {
  sep = sep || '&';
  eq = eq || '=';
  const encode = (options && typeof options.encodeURIComponent === 'function') ? options.encodeURIComponent : escape;
  if (obj === null || typeof obj !== 'object') return '';
  const parts = [];
  for (const k of Object.keys(obj)) {
    const v = obj[k];
    const ks = encode(stringifyPrimitive(k)) + eq;
    if (Array.isArray(v)) {
      for (const item of v) parts.push(ks + encode(stringifyPrimitive(item)));
    } else {
      parts.push(ks + encode(stringifyPrimitive(v)));
    }
  }
  return parts.join(sep);
}

function parse(qs, sep = '&', eq = '=', options) {
  const obj = Object.create(null);
  if (typeof qs !== 'string' || qs.length === 0) return obj;
  sep = sep || '&';
  eq = eq || '=';
  let maxKeys = 1000;
  if (options && typeof options.maxKeys === 'number') maxKeys = options.maxKeys;
  const decode = (options && typeof options.decodeURIComponent === 'function') ? options.decodeURIComponent : unescape;
  let pieces = qs.split(sep);
  if (maxKeys > 0) pieces = pieces.slice(0, maxKeys);
  for (const piece of pieces) {
    if (piece === '' && pieces.length > 1) continue;
    const at = piece.indexOf(eq);
    let k = at >= 0 ? piece.slice(0, at) : piece;
    let v = at >= 0 ? piece.slice(at + eq.length) : '';
    k = decodeComponent(k.replace(/\+/g, ' '), decode);
    v = decodeComponent(v.replace(/\+/g, ' '), decode);
    if (k === '' && v === '' && at < 0) continue;
    if (!(k in obj)) obj[k] = v;
    else if (Array.isArray(obj[k])) obj[k].push(v);
    else obj[k] = [obj[k], v];
  }
  return obj;
}

function decodeComponent(s, decode) {
  try {
    return decode(s);
  } catch {
    return unescape(s, true);
  }
}

module.exports = {
  unescapeBuffer: (s, decodeSpaces) => Buffer.from(unescapeBuffer(s, decodeSpaces)),
  unescape,
  escape,
  stringify,
  encode: stringify,
  parse,
  decode: parse,
};
