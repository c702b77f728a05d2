// JSON.stringify with indentation (goja's own indents wrongly after empty
// arrays and objects; EnableGlobals installs a fixed one).
const values = [
  { a: [], b: {}, c: [1, { d: [] }, []], e: 'str"\n', f: null, g: undefined, h: () => 1, i: [undefined, () => 1, Symbol('s')] },
  [[], [[]], {}, [{}], 1.5, -0, NaN, Infinity, true],
  { date: new Date(0), nested: { toJSON(key) { return `toJSON(${key})`; } }, boxed: [new Number(3), new String('s'), new Boolean(false)] },
  'plain', 42, null, [], {},
];
for (const v of values) {
  for (const space of [1, 2, '\t', '--', 20, new Number(3), 0, '']) console.log(JSON.stringify(v, null, space));
}
console.log(JSON.stringify({ a: 1, b: [1, 2], c: { d: 1 } }, (k, v) => (typeof v === 'number' ? v * 10 : v), 2));
console.log(JSON.stringify({ a: 1, b: 2, c: { a: 3, z: 4 } }, ['a', 'c', 'a'], 2));
console.log(JSON.stringify(undefined, null, 2), JSON.stringify(() => {}, null, 2), JSON.stringify(Symbol('x'), null, 2));
try { JSON.stringify({ big: 1n }, null, 2); } catch (e) { console.log(e.name); }
try { const o = {}; o.o = o; JSON.stringify(o, null, 2); } catch (e) { console.log(e.name); }
