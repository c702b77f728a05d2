// util.format specifiers and the rest of node:util.
const util = require('util');
const f = util.format;
console.log(f('%s|%s|%s|%s|%s', 'str', 42, -0, 10n, null), f('%s', undefined), f('%s', Symbol('x')));
console.log(f('%s', { a: { b: { c: 1 } } }), f('%s', [1, [2, [3]]]), f('%s', { toString() { return 'custom'; } }));
console.log(f('%d %d %d %d %d', 42, '42', 1.5, -0, 5n), f('%d', {}), f('%d', Symbol('s')));
console.log(f('%i %i %i', 42.9, '-7.1', 'x'), f('%f %f', '3.25abc', 'x'));
console.log(f('%j', { a: [1, 'two'] }), (() => { const o = {}; o.o = o; return f('%j', o); })());
console.log(f('%o', [1, { a: 2 }]), f('%O', { a: { b: { c: { d: 1 } } } }));
console.log(f('%c styled %s', 'color: red', 'text'), f('100%% sure %s', 'yes'), f('%x %s', 'a'));
console.log(f('missing %s and %s', 'one'), f('extra', 1, 'two', { three: 3 }), f(1, 2, '3'));
console.log(f('%s', new Error('err-in-format')).split('\n')[0]);
console.log(util.formatWithOptions({ compact: false }, '%O', { a: 1 }));
const err = new TypeError('bad thing');
err.stack = 'TypeError: bad thing\n    at fake (file.js:1:1)';
err.code = 'E_BAD';
console.log(err);
console.log({ nested: err });
const plain = new Error('no stack'); plain.stack = undefined;
console.log(plain, [plain]);
class MyError extends Error {}
const mine = new MyError('mine'); mine.stack = 'Error: mine\n    at x (y.js:1:1)';
console.log(mine);
console.log(util.inspect(new Map([[1, { a: [1, 2, { b: 3 }] }]]), { depth: 0 }));

// promisify, callbackify, inherits, deprecate, types
function legacy(a, cb) { setTimeout(() => (a < 0 ? cb(new Error('negative')) : cb(null, a * 2)), 1); }
const p = util.promisify(legacy);
p(21).then((v) => console.log('promisify ->', v))
  .then(() => p(-1)).catch((e) => console.log('promisify rejects ->', e.message));
function withCustom() {}
withCustom[util.promisify.custom] = () => Promise.resolve('custom!');
util.promisify(withCustom)().then((v) => console.log(v, util.promisify(withCustom) === withCustom[util.promisify.custom]));
const cbified = util.callbackify(async (x) => x + 1);
cbified(1, (err, v) => console.log('callbackify ->', err, v));
util.callbackify(() => Promise.reject(null))((err) => console.log('falsy rejection ->', err.code, err.message));
function Animal(name) { this.name = name; }
Animal.prototype.speak = function () { return `${this.name} speaks`; };
function Dog(name) { Animal.call(this, name); }
util.inherits(Dog, Animal);
console.log(new Dog('rex').speak(), Dog.super_ === Animal, new Dog('x') instanceof Animal);
const t = util.types;
console.log(t.isDate(new Date()), t.isRegExp(/x/), t.isPromise(Promise.resolve()), t.isMap(new Map()), t.isSet(new Set()),
  t.isTypedArray(new Uint8Array()), t.isAnyArrayBuffer(new ArrayBuffer(1)), t.isAsyncFunction(async () => {}),
  t.isGeneratorFunction(function* () {}), t.isBoxedPrimitive(Object(1)), t.isNativeError(new RangeError()),
  t.isUint8Array(new Uint8Array()), t.isUint8Array(new Int8Array()), t.isDate({}), t.isPromise({ then() {} }));
console.log(util.isDeepStrictEqual({ a: [1, { b: new Map([[1, 2]]) }] }, { a: [1, { b: new Map([[1, 2]]) }] }),
  util.isDeepStrictEqual([1], ['1']), util.isDeepStrictEqual(NaN, NaN), util.isDeepStrictEqual(0, -0),
  util.isDeepStrictEqual(new Set([{ a: 1 }]), new Set([{ a: 1 }])), util.isDeepStrictEqual({ a: 1 }, Object.assign(Object.create(null), { a: 1 })));
const enc = new util.TextEncoder();
console.log(enc.encode('héllo €'), enc.encoding, new util.TextDecoder().decode(enc.encode('héllo €')));
const dec = new util.TextDecoder('utf-8');
const euro = enc.encode('€');
console.log(JSON.stringify(dec.decode(euro.subarray(0, 1), { stream: true }) + dec.decode(euro.subarray(1), { stream: true }) + dec.decode()));
console.log(JSON.stringify(new util.TextDecoder().decode(new Uint8Array([0x61, 0xff, 0xe2, 0x82, 0x62, 0xf0, 0x9f, 0x98]))));
try { new util.TextDecoder('utf-8', { fatal: true }).decode(new Uint8Array([0xc3])); } catch (e) { console.log(e.name, e.code); }
console.log(new util.TextDecoder('utf-16le').decode(new Uint8Array([104, 0, 105, 0])), new util.TextDecoder('latin1').encoding);
console.log(util.isArray([]), util.isDeepStrictEqual, typeof util.debuglog('x'), util.debuglog('x').enabled);
console.log(util.stripVTControlCharacters('\u001b[31mred\u001b[39m'), util.inspect.custom, util.inspect.defaultOptions.depth);
const dep = util.deprecate(() => 'still works', 'old() is deprecated', 'DEP0999');
console.log(dep(), dep());

console.log(util.format('%d %i %f %s %s', 1234567.125, -0.5, 1234.5, 12345678, 12345n));
console.log(util.inspect([1234567.1234, -12345n, 0.5], { numericSeparator: true }));
console.log(util.formatWithOptions({ numericSeparator: true }, '%d %s', 1234567, 7654321n));
class Point {
  constructor() { this.x = 1; }
  get norm() { return this.x * 2; }
  method() {}
}
Point.prototype.label = 'p';
console.log(util.inspect(new Point(), { showHidden: true }));
console.log(util.inspect(new Point(), { showHidden: true, getters: true }));
console.log(util.format('%o', new Point()));
try { util.deprecate(() => {}, 'm', 1); } catch (e) { console.log(e.code, e.message); }
