'use strict';
// Node's primordials (lib/internal/per_context/primordials.js), built the way
// Node builds them, for the modules vendored whole from Node's lib: each
// global constructor X gives X, its static members as XName and its
// prototype's methods as XPrototypeName(self, ...args); accessors become
// XPrototypeGetName. Only the Safe* helpers those modules use are here.

const primordials = { __proto__: null };

const uncurryThis = Function.prototype.bind.bind(Function.prototype.call);
const applyBind = (fn) => (self, args) => Reflect.apply(fn, self, args);

// Methods that take any number of arguments also get an XApply form.
const varargsMethods = [
  'ArrayOf', 'ArrayPrototypePush', 'ArrayPrototypeUnshift', 'MathHypot', 'MathMax', 'MathMin',
  'StringFromCharCode', 'StringFromCodePoint', 'StringPrototypeConcat', 'TypedArrayOf',
];

// newKey spells a property key as it follows the prefix: "map" gives "Map",
// Symbol.iterator gives "SymbolIterator".
function newKey(key) {
  if (typeof key === 'symbol') {
    const d = key.description || '';
    return d.startsWith('Symbol.') ? `Symbol${d[7].toUpperCase()}${d.slice(8)}` : undefined;
  }
  return `${key[0].toUpperCase()}${key.slice(1)}`;
}

function define(name, value) {
  if (!(name in primordials)) {
    Reflect.defineProperty(primordials, name, { __proto__: null, value, writable: true, enumerable: true, configurable: true });
  }
}

function copyProps(src, prefix, bind) {
  for (const key of Reflect.ownKeys(src)) {
    const k = newKey(key);
    if (k === undefined) continue;
    const desc = Reflect.getOwnPropertyDescriptor(src, key);
    const name = `${prefix}${k}`;
    if ('get' in desc) {
      if (typeof desc.get === 'function') define(`${prefix}Get${k}`, bind ? desc.get.bind(src) : uncurryThis(desc.get));
      if (typeof desc.set === 'function') define(`${prefix}Set${k}`, bind ? desc.set.bind(src) : uncurryThis(desc.set));
      continue;
    }
    let value = desc.value;
    if (typeof value === 'function' && bind === true) value = value.bind(src);
    define(name, value);
    if (varargsMethods.includes(name)) define(`${name}Apply`, (args) => Reflect.apply(desc.value, src, args));
  }
}

function copyPrototype(src, prefix) {
  for (const key of Reflect.ownKeys(src)) {
    const k = newKey(key);
    if (k === undefined) continue;
    const desc = Reflect.getOwnPropertyDescriptor(src, key);
    if ('get' in desc) {
      if (typeof desc.get === 'function') define(`${prefix}Get${k}`, uncurryThis(desc.get));
      if (typeof desc.set === 'function') define(`${prefix}Set${k}`, uncurryThis(desc.set));
      continue;
    }
    const name = `${prefix}${k}`;
    if (typeof desc.value === 'function') {
      define(name, uncurryThis(desc.value));
      if (varargsMethods.includes(name)) define(`${name}Apply`, applyBind(desc.value));
    } else {
      define(name, desc.value);
    }
  }
}

define('Proxy', Proxy);
define('globalThis', globalThis);
for (const fn of [decodeURI, decodeURIComponent, encodeURI, encodeURIComponent, escape, unescape]) define(fn.name, fn);
for (const name of ['JSON', 'Math', 'Reflect']) copyProps(globalThis[name], name, false);
for (const name of [
  'AggregateError', 'Array', 'ArrayBuffer', 'BigInt', 'BigInt64Array', 'BigUint64Array', 'Boolean', 'DataView',
  'Date', 'Error', 'EvalError', 'FinalizationRegistry', 'Float32Array', 'Float64Array', 'Function', 'Int16Array',
  'Int32Array', 'Int8Array', 'Map', 'Number', 'Object', 'RangeError', 'ReferenceError', 'RegExp', 'Set', 'String',
  'Symbol', 'SyntaxError', 'TypeError', 'URIError', 'Uint16Array', 'Uint32Array', 'Uint8Array', 'Uint8ClampedArray',
  'WeakMap', 'WeakRef', 'WeakSet',
]) {
  const original = globalThis[name];
  if (original === undefined) continue;
  define(name, original);
  copyProps(original, name, false);
  copyPrototype(original.prototype, `${name}Prototype`);
}
// Promise's static methods need Promise as this.
define('Promise', Promise);
copyProps(Promise, 'Promise', true);
copyPrototype(Promise.prototype, 'PromisePrototype');
for (const [name, original] of [
  ['TypedArray', Reflect.getPrototypeOf(Uint8Array)],
  ['ArrayIterator', { prototype: Reflect.getPrototypeOf(Array.prototype[Symbol.iterator]()) }],
  ['StringIterator', { prototype: Reflect.getPrototypeOf(String.prototype[Symbol.iterator]()) }],
]) {
  define(name, original);
  copyPrototype(original, name);
  copyPrototype(original.prototype, `${name}Prototype`);
}
// Symbol.dispose and Symbol.asyncDispose, which Node 20 defines (see
// nodelib's EnableGlobals).
define('SymbolDispose', Symbol.dispose);
define('SymbolAsyncDispose', Symbol.asyncDispose);

// Iterators that do not consult the (mutable) %ArrayIteratorPrototype%.next.
function createSafeIterator(factory, next) {
  class SafeIterator {
    constructor(iterable) { this._iterator = factory(iterable); }
    next() { return next(this._iterator); }
    [Symbol.iterator]() { return this; }
  }
  Object.setPrototypeOf(SafeIterator.prototype, null);
  Object.freeze(SafeIterator.prototype);
  Object.freeze(SafeIterator);
  return SafeIterator;
}
define('SafeArrayIterator', createSafeIterator(primordials.ArrayPrototypeSymbolIterator, primordials.ArrayIteratorPrototypeNext));
define('SafeStringIterator', createSafeIterator(primordials.StringPrototypeSymbolIterator, primordials.StringIteratorPrototypeNext));
define('SafeMap', class SafeMap extends Map {});
define('SafeSet', class SafeSet extends Set {});
define('SafeWeakMap', class SafeWeakMap extends WeakMap {});
define('SafeWeakSet', class SafeWeakSet extends WeakSet {});
define('SafePromiseAll', (promises, mapFn) => Promise.all(mapFn ? [...promises].map(mapFn) : promises));
define('SafePromiseAllReturnVoid', (promises, mapFn) =>
  Promise.all(mapFn ? [...promises].map(mapFn) : promises).then(() => {}));
define('SafePromiseRace', (promises, mapFn) => Promise.race(mapFn ? [...promises].map(mapFn) : promises));
define('SafePromisePrototypeFinally', (promise, onFinally) => Promise.prototype.finally.call(promise, onFinally));
define('hardenRegExp', (re) => re);

module.exports = Object.freeze(primordials);
