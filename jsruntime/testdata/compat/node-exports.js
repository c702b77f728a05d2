'use strict';
// Prints, as JSON, the public names each of Node's built-in modules
// exports: Object.keys of its exports, without the names that start with
// an underscore. The committed node-exports.json is this script's output
// under Node 20 (the version intact run emulates); TestCompatPage compares
// intact run's modules with it. Regenerate with
//
//	node jsruntime/testdata/compat/node-exports.js > jsruntime/testdata/compat/node-exports.json
const { builtinModules } = require('module');
const out = { node: process.version, modules: {} };
for (const name of builtinModules) {
  if (name.startsWith('_')) continue;
  let names = [];
  try {
    names = Object.keys(require(name)).filter((k) => !k.startsWith('_')).sort();
  } catch {
    // A module that cannot load here (none in Node 20 on Linux).
  }
  out.modules[name] = names;
}
process.stdout.write(JSON.stringify(out, null, 1) + '\n');
