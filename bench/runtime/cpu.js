'use strict';
// A CPU-heavy workload without I/O: JSON, regular expressions, object
// churn and recursion, each a few rounds. It prints a checksum of what it
// computed, which must be the same under node and intact run.
let checksum = 0;
const mix = (s) => {
  for (let i = 0; i < s.length; i++) checksum = (checksum * 31 + s.charCodeAt(i)) >>> 0;
};

// JSON: build a document of records, then stringify and parse it.
function records(n, seed) {
  const out = [];
  for (let i = 0; i < n; i++) {
    out.push({ id: i, name: `user-${seed}-${i}`, email: `u${i}@example.com`, score: (i * 7919 + seed) % 1000 / 10,
      tags: ['a', 'b', 'c'].slice(0, i % 4), nested: { active: i % 3 === 0, ratio: i / n, path: [i, i + 1, i + 2] } });
  }
  return out;
}
for (let round = 0; round < 3; round++) {
  const text = JSON.stringify(records(10000, round));
  const back = JSON.parse(text);
  mix(String(back.length + back[back.length - 1].score));
  mix(JSON.stringify(back.filter((r) => r.nested.active).slice(0, 50), null, 2));
}

// Regular expressions: scan and rewrite a log.
const lines = [];
for (let i = 0; i < 15000; i++) {
  lines.push(`2026-12-02T${String(i % 24).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}:00Z level=${['info', 'warn', 'error'][i % 3]} ` +
    `req=${(i * 2654435761 >>> 0).toString(16)} path=/api/v${i % 3}/items/${i} took=${i % 977}ms`);
}
const log = lines.join('\n');
const re = /level=(\w+) req=([0-9a-f]+) path=(\/api\/v\d\/items\/(\d+)) took=(\d+)ms/g;
const levels = {};
let slow = 0;
for (const m of log.matchAll(re)) {
  levels[m[1]] = (levels[m[1]] || 0) + 1;
  if (+m[5] > 900) slow++;
}
mix(JSON.stringify(levels) + slow);
mix(log.replace(/\d{4}-\d{2}-\d{2}T(\d{2}):(\d{2}):00Z/g, '$2:$1').slice(-200));
mix(String(log.split(/\n/).filter((l) => /error.*took=9\d\dms/.test(l)).length));

// Object churn: short-lived objects, Maps and Sets, a class hierarchy.
class Point { constructor(x, y) { this.x = x; this.y = y; } add(o) { return new Point(this.x + o.x, this.y + o.y); } }
class Point3 extends Point { constructor(x, y, z) { super(x, y); this.z = z; } }
let acc = new Point(0, 0);
const seen = new Map();
for (let i = 0; i < 100000; i++) {
  const p = i % 5 === 0 ? new Point3(i % 13, i % 7, i) : new Point(i % 13, i % 7);
  acc = acc.add(p);
  const key = `${p.x},${p.y}`;
  seen.set(key, (seen.get(key) || 0) + 1);
  if (i % 1000 === 0) seen.delete(`${(i + 1) % 13},${(i + 2) % 7}`);
}
const uniq = new Set(Array.from({ length: 100000 }, (_, i) => (i * i) % 4099));
mix(`${acc.x},${acc.y},${seen.size},${uniq.size}`);

// Recursion: naive Fibonacci and a binary tree built and walked.
const fib = (n) => (n < 2 ? n : fib(n - 1) + fib(n - 2));
const tree = (d) => (d === 0 ? null : { l: tree(d - 1), r: tree(d - 1), v: d });
const sum = (t) => (t === null ? 0 : t.v + sum(t.l) + sum(t.r));
mix(String(fib(23)));
for (let i = 0; i < 3; i++) mix(String(sum(tree(15))));

console.log('checksum', checksum);
