const d = new Date(0)
const vals = [
  JSON.stringify({ a: [1, 'x', null, undefined, () => 1, { b: true }], d, n: new Number(3), s: new String('q'), big: 1e21, nan: NaN }),
  JSON.stringify({ b: 1, 1: 2, a: { b: 3, a: 4 } }, ['b', '1', 'a', 'b', 7]),
  JSON.stringify([{ b: 1, a: 2 }], ['a']),
  JSON.stringify({ a: [], b: [1] }, null, 2),
  JSON.stringify({ a: 1, b: [2] }, (k, v) => typeof v === 'number' ? v * 2 : v),
  JSON.stringify({ x: { toJSON(k) { return 'key:' + k } } }, ['x']),
  JSON.stringify('\ud800"\n'), JSON.stringify(undefined), JSON.stringify(5), JSON.stringify(Object.create(null)),
  String([1, [2, [3, [4]]], null, undefined]), [1, [2, 3]].join('-'), [1.5, [2]].toLocaleString(),
  Array.prototype.toString.call({ join() { return 'j' } }), Array.prototype.join.length, Array.prototype.join.name,
  JSON.stringify.name, JSON.stringify.length, structuredClone.name, JSON.stringify(structuredClone({ a: [1, { b: 2 }] })),
]
try { const o = {}; o.o = o; JSON.stringify(o) } catch (e) { vals.push(e.name) }
try { const o = {}; o.o = o; JSON.stringify(o, ['o']) } catch (e) { vals.push(e.name) }
try { JSON.stringify({ a: 1n }, ['a']) } catch (e) { vals.push(e.name) }
for (const v of vals) console.log(v)
