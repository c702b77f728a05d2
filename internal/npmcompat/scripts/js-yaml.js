// js-yaml: load and dump YAML.
const yaml = require('js-yaml');
const doc = yaml.load(`
name: intact
version: 1.0
list:
  - one
  - two: 2
    three: [3, 3.5]
anchors:
  base: &b { a: 1 }
  derived:
    <<: *b
    b: 2
multi: |
  line one
  line two
date: 2001-12-14t21:59:43.10-05:00
`);
console.log(doc);
console.log(yaml.dump(doc, { sortKeys: true }));
try { yaml.load('a: [1, 2'); } catch (e) { console.log(e.name, e.reason, e.mark.line); }
console.log(yaml.loadAll('--- 1\n--- [a]\n--- {b: c}\n'));
