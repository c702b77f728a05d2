// util.inspect of common values, as console.log prints them.
const util = require('util');
console.log(1, -0, 1.5, NaN, Infinity, 10n, true, null, undefined);
console.log('top level strings are raw', "it's");
console.log(['a', "it's", 'say "hi"', `it's "both"`, 'a\nb\tc\x01\x7f\\']);
console.log([Symbol('s'), Symbol(), Symbol.iterator]);
console.log({ a: 1, 'b-c': 2, [Symbol('k')]: 3, _ok: 4, $no: 5, '': 6, 1: 7 });
console.log({}, [], [[]], { a: {} }, new Map(), new Set(), Object.create(null));
console.log({ a: { b: { c: { d: 1 } } } });
console.log({ a: [{ b: { c: [1] } }] });
console.log([1, [2, [3, [4, [5]]]]]);
console.log({ a: 'x'.repeat(60), b: 1 });
console.log({ a: 'x'.repeat(50), b: 1 });
console.log(new Map([['a', 1], [{ k: 1 }, [2]]]), new Set([1, 'two', [3]]));
console.log(new Date(0), new Date(NaN), /ab+c/gi, /a\/b/);
console.log(function named() {}, () => {}, async function af() {}, function* gen() {}, async () => {});
class A {}
console.log(A, class B extends A {}, class extends Array {});
const nullProto = Object.create(null); nullProto.x = 1;
console.log(nullProto);
const circ = { name: 'c' }; circ.self = circ; circ.list = [circ, { back: circ }];
console.log(circ);
const a = {}; const b = { a }; a.b = b;
console.log([a, b]);
console.log([1, , 3, , , 6]);
console.log(Array.from({ length: 120 }, (_, i) => i));
console.log(Array.from({ length: 30 }, (_, i) => 'item' + i));
console.log(Array.from({ length: 8 }, (_, i) => i * 1000));
console.log(new Uint8Array([1, 2, 3]), new Float64Array(2), new ArrayBuffer(3));
console.log([new Number(3), new String('str'), new Boolean(false), Object(Symbol('b'))]);
class Foo { constructor() { this.x = 1; } }
class Bar extends Foo {}
console.log(new Foo(), new Bar(), [new Foo()]);
console.log({ get g() { return 1; }, set s(v) {}, get gs() { return 1; }, set gs(v) {} });
console.log({ [Symbol.toStringTag]: 'Tagged', v: 1 });
class Tagged { get [Symbol.toStringTag]() { return 'TT'; } }
console.log(new Tagged());
console.log({ f() {}, g: function () {}, h: class {} });
const fnWithProps = function withProps() {}; fnWithProps.extra = 1;
console.log(fnWithProps);
console.log(Promise.resolve(42), Promise.reject(new Error('no')).catch(() => {}) && 'x', new Promise(() => {}));
console.log(new WeakMap(), new WeakSet());
(function () { console.log(arguments); })(1, 'a');
console.log([undefined, null, -0, 0]);
console.log({ long: 'line1\nline2\nline3 is quite a bit longer than the rest of the lines here so it splits' });
console.log(util.inspect('a string'), util.inspect(5), util.inspect({ a: { b: { c: { d: {} } } } }, { depth: 0 }));
console.log(util.inspect({ a: { b: { c: { d: {} } } } }, { depth: Infinity }));
console.log(util.inspect({ a: [1, 2, 3] }, { compact: false }));
console.log(util.inspect({ b: 2, a: 1, c: [3, 1] }, { sorted: true }));
console.log(util.inspect('x'.repeat(20), { maxStringLength: 5 }));
console.log(util.inspect([1, 2, 3, 4], { maxArrayLength: 2 }));
console.log(util.inspect({ a: 1, b: 'two' }, { breakLength: 3 }));
console.log({ [util.inspect.custom]() { return 'CUSTOM'; } }, { x: { [util.inspect.custom](d, o) { return { replaced: d }; } } });
const bigObj = {}; for (let i = 0; i < 30; i++) bigObj['key' + i] = i;
console.log(bigObj);
console.log([{ a: 1, b: 2 }, { a: 3, b: 4 }], [[1, 2], [3, 4]]);
console.log(new Array(5), [,'a'], Object.assign([1, 2], { extra: true }));
