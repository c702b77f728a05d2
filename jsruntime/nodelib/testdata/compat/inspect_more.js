// More util.inspect cases: grouping, errors, getters, hidden properties.
const util = require('util');
console.log(Array.from({ length: 26 }, (_, i) => String.fromCharCode(97 + i).repeat(i % 5 + 1)));
console.log(Array.from({ length: 10 }, (_, i) => (i - 5) * 1.5), Array.from({ length: 8 }, (_, i) => BigInt(i) ** 10n));
console.log(Array.from({ length: 7 }, (_, i) => ({ i })), Array.from({ length: 12 }, (_, i) => [i]));
console.log(new Uint16Array(20).map((_, i) => i * 300), new Set(Array.from({ length: 10 }, (_, i) => i)));
console.log(Array.from({ length: 101 }, () => 'x'), Array.from({ length: 7 }, (_, i) => 'longer string number ' + i));
console.log(new Map(Array.from({ length: 5 }, (_, i) => [`key number ${i}`, { value: i, nested: { deep: [i] } }])));
console.log([['a', 'b'], ['c', ['d', ['e', ['f']]]]], { a: { b: { c: { d: { e: 1 } } } } });
const cause = new Error('outer', { cause: new Error('inner') });
cause.stack = 'Error: outer\n    at a (b.js:1:1)';
cause.cause.stack = 'Error: inner\n    at c (d.js:2:2)';
console.log(cause);
const agg = new AggregateError([new Error('e1')], 'many');
agg.stack = 'AggregateError: many\n    at x (y.js:3:3)';
agg.errors[0].stack = 'Error: e1\n    at z (w.js:4:4)';
console.log(agg);
const noStack = new RangeError('ranged'); noStack.stack = '';
console.log([noStack]);
const named = new Error('msg'); named.name = 'CustomName'; named.stack = 'CustomName: msg\n    at q (r.js:5:5)';
console.log(named);
const obj = { get lazy() { return { deep: 1 }; }, set only(v) {}, plain: 1 };
console.log(util.inspect(obj, { getters: true }), util.inspect(obj, { getters: 'set' }));
console.log(util.inspect([1, 2], { showHidden: true }), util.inspect({ a: 1 }, { showHidden: true }));
const hidden = {}; Object.defineProperty(hidden, 'secret', { value: 42, enumerable: false });
console.log(hidden, util.inspect(hidden, { showHidden: true }));
class Point { constructor() { this.x = 1; this.y = 2; } static origin = new Point(); }
console.log(Point, new Point(), [Point]);
class Empty {}
console.log(Object.create(Empty.prototype), Object.create(Object.create(null)), Object.create({}));
const proxy = new Proxy({ target: true }, {});
console.log(proxy, new Proxy([1, 2], {}));
console.log({ 'key with spaces': 1, 'üñí': 2, '0abc': 3, abc0: 4, 'a.b': 5 });
console.log([0.1 + 0.2, 1e21, 1e-7, -1e-7, 2 ** 53, Number.MAX_VALUE, Number.MIN_VALUE]);
console.log({ und: undefined, nul: null, sym: Symbol.for('registered'), fn: Symbol });
console.log(['a'.repeat(80)], { s: 'b'.repeat(100) }, 'top level ' + 'c'.repeat(100));
console.log(util.inspect('x\ny'.repeat(10)), util.inspect(['x\ny'.repeat(10)]));
console.log(new Array(3).fill({ same: 'object' }), (() => { const a = [1]; a.push(a); return a; })());
console.log(util.inspect(new Map([[{ k: 1 }, new Set([[1, 2]])]]), { depth: 0 }), util.inspect([[[[1]]]], { depth: 1 }));
console.log(util.inspect({ a: 1, b: { c: 2 } }, { compact: 1 }), util.inspect({ a: [1, 2, { b: 3 }] }, { compact: true, breakLength: 10 }));
console.log(util.inspect(Object.assign(() => {}, { prop: 1 })), util.inspect(Object.assign(function named() {}, { a: { b: 1 } })));
console.log(Object.assign(new Map([[1, 2]]), { extra: true }), Object.assign(new Set(), { e: 1 }), Object.assign(/re/g, { lastIndexSet: 1 }));
console.log(Object.assign(new Date(0), { prop: 'date' }), Object.assign(new Number(1), { n: 1 }), Object.assign(Promise.resolve(2), { p: 1 }));
console.log([new Boolean(true), new String(''), Object(1n)], new DataView(new ArrayBuffer(2)));
console.log(Buffer.from('abc').buffer.byteLength >= 3, [Buffer.alloc(2)], { b: Buffer.from('€') });
const sparse = []; sparse[5] = 'five'; sparse.named = 1;
console.log(sparse, Object.keys(sparse).length);
console.log(util.inspect({ toString() { return 'x'; } }), `${util.format('%s', [1, [2, [3, [4]]]])}`, util.format('%s', new Map([[1, 2]])));
console.log(util.format('%s %s', () => 1, class Q {}), util.format('%o', function fo() {}).split('\n')[0]);
// A function's own properties in V8's order: length, name, prototype.
const strictFn = (function () { 'use strict'; return function named() {}; })();
console.log(util.inspect(strictFn, { showHidden: true }), Object.getOwnPropertyNames(strictFn));
// Typed arrays' own properties besides their elements, shown and compared.
const typed = new Uint8Array(5); typed.extra = 1; typed[Symbol('s')] = 2;
console.log(util.inspect(typed, { showHidden: true }), util.inspect(Object.assign(new Float64Array(3), { x: 'y' })));
console.log(util.isDeepStrictEqual(typed, Object.assign(new Uint8Array(5), { extra: 1 })),
  util.isDeepStrictEqual(Object.assign(new Uint8Array(2), { e: 1 }), Object.assign(new Uint8Array(2), { e: 1 })),
  util.isDeepStrictEqual(Object.assign(new Uint8Array(2), { e: 1 }), Object.assign(new Uint8Array(2), { e: 2 })),
  util.isDeepStrictEqual(Buffer.alloc(1 << 20, 7), Buffer.alloc(1 << 20, 7)));
console.log(util.inspect(Object.assign([1, , 3], { k: 'v', '-1': 2, 4294967295: 'not an index' })));
