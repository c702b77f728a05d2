// Globals defined on first use behave as Node's: assigning or deleting one
// before it is read wins, and once read it is a data property with Node's
// attributes, the same object as the module's export.
globalThis.TextDecoder = 'replaced before use';
delete globalThis.btoa;
console.log(TextDecoder, typeof globalThis.btoa, 'btoa' in globalThis);
const names = ['Buffer', 'URL', 'URLSearchParams', 'TextEncoder', 'TextDecoder', 'atob', 'structuredClone',
  'DOMException', 'Event', 'EventTarget', 'AbortController', 'AbortSignal'];
for (const name of names) {
  const v = globalThis[name];
  const d = Object.getOwnPropertyDescriptor(globalThis, name);
  console.log(name, typeof v, d.value === v, d.writable, d.enumerable, d.configurable);
}
console.log(Object.keys(globalThis).filter((k) => names.includes(k)).sort());
console.log(require('buffer').Buffer === Buffer, require('buffer').atob === atob, require('url').URL === URL,
  require('url').URLSearchParams === URLSearchParams, require('util').TextEncoder === TextEncoder);
// JSON.stringify: each shape of replacer and space.
const value = { a: [], b: { c: 1, d: [1, { e: null }] }, f: 'x', g: undefined, h: () => 1, toString() { return 'v'; } };
const dated = { when: new Date(0), n: 1n === 1n, nested: { toJSON(key) { return 'json:' + key; } } };
console.log(JSON.stringify(value), JSON.stringify(value, null), JSON.stringify(value, undefined, undefined));
console.log(JSON.stringify(value, (k, v) => (typeof v === 'number' ? v * 10 : v)), JSON.stringify(dated));
console.log(JSON.stringify(value, ['a', 'b', 'c']), JSON.stringify(value, ['b', 'd', 1]));
console.log(JSON.stringify(value, null, 0), JSON.stringify(value, null, ''), JSON.stringify(value, null, -3), JSON.stringify(value, null, true));
console.log(JSON.stringify(value, null, 2));
console.log(JSON.stringify(value, null, new Number(1)), JSON.stringify(value, null, new String('--')), JSON.stringify(value, null, '0123456789ab'));
console.log(JSON.stringify([[], {}, [[]]], null, '\t'), JSON.stringify('s'), JSON.stringify(1), JSON.stringify(undefined), JSON.stringify(null, null, 2));
const circular = { a: 1 };
circular.self = circular;
for (const space of [undefined, 2]) {
  try { JSON.stringify(circular, null, space); } catch (e) { console.log(e.name); }
  try { JSON.stringify({ big: 1n }, null, space); } catch (e) { console.log(e.name, e.message); }
}
console.log(JSON.stringify.name, JSON.stringify.length, typeof JSON.stringify);
