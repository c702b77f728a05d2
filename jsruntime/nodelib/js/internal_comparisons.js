'use strict';
// Deep equality as assert.deepStrictEqual / assert.deepEqual and
// util.isDeepStrictEqual define it.

const insp = require('internal/inspect');

const hasOwn = (o, k) => Object.prototype.hasOwnProperty.call(o, k);
const isEnumerable = (o, k) => Object.prototype.propertyIsEnumerable.call(o, k);
const tagOf = (v) => Object.prototype.toString.call(v);

// ownKeys are v's enumerable own keys; for a typed array, whose elements
// were compared already, only those that are not indices (as Node's
// getOwnNonIndexProperties).
function ownKeys(v) {
  return insp.isTypedArray(v) ? insp.getOwnNonIndexProperties(v, false) : insp.getKeys(v, false);
}

function primitiveEqual(a, b, strict) {
  if (strict) return Object.is(a, b);
  // eslint-disable-next-line eqeqeq
  return a == b || (Number.isNaN(a) && Number.isNaN(b));
}

function innerDeepEqual(a, b, strict, memos) {
  if (a === b) return a !== 0 || !strict || Object.is(a, b);
  const aObj = a !== null && (typeof a === 'object' || typeof a === 'function');
  const bObj = b !== null && (typeof b === 'object' || typeof b === 'function');
  if (!aObj || !bObj) {
    if (aObj || bObj) return !strict && false;
    return primitiveEqual(a, b, strict);
  }
  if (strict) {
    if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  }
  if (tagOf(a) !== tagOf(b)) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && a.length !== b.length) return false;
  if (insp.isDate(a)) {
    if (!insp.isDate(b) || Date.prototype.getTime.call(a) !== Date.prototype.getTime.call(b)) return false;
  } else if (insp.isRegExp(a)) {
    if (!insp.isRegExp(b) || a.source !== b.source || a.flags !== b.flags || a.lastIndex !== b.lastIndex) return false;
  } else if (insp.isError(a)) {
    if (!insp.isError(b) || a.message !== b.message || a.name !== b.name) return false;
  } else if (ArrayBuffer.isView(a)) {
    if (!ArrayBuffer.isView(b)) return false;
    if (strict && insp.typedArrayName(a) !== insp.typedArrayName(b)) return false;
    if (a.byteLength !== b.byteLength) return false;
    const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    const y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
    if (strict || insp.typedArrayName(a) === undefined) {
      for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
    } else {
      for (let i = 0; i < a.length; i++) if (!primitiveEqual(a[i], b[i], false)) return false;
    }
  } else if (insp.isArrayBuffer(a)) {
    if (!insp.isArrayBuffer(b) || a.byteLength !== b.byteLength) return false;
    const x = new Uint8Array(a);
    const y = new Uint8Array(b);
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  } else {
    const boxed = insp.boxedKind(a);
    if (boxed !== undefined) {
      const other = insp.boxedKind(b);
      if (other === undefined || other[0] !== boxed[0] || !Object.is(other[1], boxed[1])) return false;
    } else if (insp.boxedKind(b) !== undefined) {
      return false;
    }
  }
  const aKeys = ownKeys(a);
  const bKeys = ownKeys(b);
  if (aKeys.length !== bKeys.length) return false;
  for (const k of aKeys) {
    if (!isEnumerable(b, k)) return false;
  }
  // Cycles: a pair already being compared is assumed equal.
  if (memos.has(a)) {
    const seen = memos.get(a);
    if (seen.has(b)) return true;
  }
  if (!memos.has(a)) memos.set(a, new Set());
  memos.get(a).add(b);
  for (const k of aKeys) {
    if (!innerDeepEqual(a[k], b[k], strict, memos)) return false;
  }
  if (insp.isSet(a)) {
    if (!insp.isSet(b) || a.size !== b.size || !setEquiv(a, b, strict, memos)) return false;
  } else if (insp.isSet(b)) {
    return false;
  }
  if (insp.isMap(a)) {
    if (!insp.isMap(b) || a.size !== b.size || !mapEquiv(a, b, strict, memos)) return false;
  } else if (insp.isMap(b)) {
    return false;
  }
  return true;
}

function setEquiv(a, b, strict, memos) {
  const rest = [];
  for (const v of a) {
    if (!b.has(v)) rest.push(v);
  }
  if (rest.length === 0) return true;
  const candidates = [...b].filter((v) => !a.has(v));
  for (const v of rest) {
    const i = candidates.findIndex((w) => innerDeepEqual(v, w, strict, memos));
    if (i === -1) return false;
    candidates.splice(i, 1);
  }
  return true;
}

function mapEquiv(a, b, strict, memos) {
  const rest = [];
  for (const [k, v] of a) {
    if (b.has(k)) {
      if (!innerDeepEqual(v, b.get(k), strict, memos)) return false;
    } else {
      rest.push([k, v]);
    }
  }
  if (rest.length === 0) return true;
  const candidates = [...b].filter(([k]) => !a.has(k));
  for (const [k, v] of rest) {
    const i = candidates.findIndex(([k2, v2]) =>
      innerDeepEqual(k, k2, strict, memos) && innerDeepEqual(v, v2, strict, memos));
    if (i === -1) return false;
    candidates.splice(i, 1);
  }
  return true;
}

module.exports = {
  isDeepStrictEqual: (a, b) => innerDeepEqual(a, b, true, new Map()),
  isDeepEqual: (a, b) => innerDeepEqual(a, b, false, new Map()),
};
