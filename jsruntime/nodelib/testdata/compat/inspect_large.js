// util.inspect of values whose text runs to thousands of characters, in
// each layout: the runtime builds long texts from their parts and joins them
// once, and the result must be Node's to the byte.
const util = require('util');

function chain(n) {
  let last = {};
  const head = last;
  for (let i = 0; i < n; i++) {
    last.next = { circular: head, last, obj: { a: 1, b: 2, c: true } };
    last = last.next;
    head[i] = last;
  }
  return head;
}
// tree(d) prints to about 1,200 × 2^d characters.
const tree = (d) => (d === 0 ? { leaf: 'x'.repeat(1000), n: d } : { left: tree(d - 1), right: tree(d - 1), list: [d, 'y'.repeat(d)] });

// The shape of Node's test-util-inspect-long-running, small enough to print.
console.log(util.inspect(chain(12), { depth: Infinity }));
console.log(util.inspect(tree(6), { depth: Infinity }));
// Long texts laid out on one line, in columns, sorted, and compact.
console.log(util.inspect(tree(4), { depth: Infinity, breakLength: Infinity }));
console.log(util.inspect(Array.from({ length: 30 }, (_, i) => tree(i % 3)), { depth: Infinity, breakLength: Infinity }));
console.log(util.inspect({ z: tree(4), a: tree(3), m: [tree(3), 'q'] }, { depth: Infinity, sorted: true }));
console.log(util.inspect({ z: tree(4), a: tree(3) }, { depth: Infinity, sorted: (x, y) => (x < y ? 1 : x > y ? -1 : 0) }));
console.log(util.inspect(tree(5), { depth: Infinity, compact: true }));
console.log(util.inspect(tree(5), { depth: Infinity, compact: false }));
console.log(util.inspect(tree(5), { depth: Infinity, compact: true, breakLength: Infinity }));
// Collections, promises, getters and references around long texts.
console.log(util.inspect(new Map([[tree(3), tree(4)], ['k', [tree(3)]]]), { depth: Infinity }));
console.log(util.inspect(new Set([tree(4), 'x']), { depth: Infinity }));
console.log(util.inspect(Promise.resolve(tree(5)), { depth: Infinity }));
const rejected = Promise.reject(tree(5));
rejected.catch(() => {});
console.log(util.inspect(rejected, { depth: Infinity }));
console.log(util.inspect({ get big() { return tree(5); } }, { depth: Infinity, getters: true }));
const self = tree(5);
self.left.left.back = self;
console.log(util.inspect(self, { depth: Infinity }));
console.log(util.inspect([tree(5), { newline: 'a\nb' }], { depth: Infinity, breakLength: Infinity }));
// A long text with a line break of its own is not put on one line.
const lines = { [util.inspect.custom]: () => `${'x'.repeat(5000)}\n${'y'.repeat(10)}` };
console.log(util.inspect({ a: { b: lines }, c: 1 }, { breakLength: Infinity }));
console.log(util.inspect({ a: { b: { c: lines, d: 'x'.repeat(5000) } } }, { depth: Infinity, breakLength: Infinity }));
// Long entries sort by their text.
console.log(util.inspect({ b: 'x'.repeat(5000), a: 'y'.repeat(5000), c: tree(3) }, { sorted: true, depth: Infinity }));
console.log(util.inspect([0, 1, 2], { sorted: true }), util.inspect(Object.assign([tree(2)], { z: tree(2), y: 'y'.repeat(5000) }), { sorted: true, depth: Infinity }));
