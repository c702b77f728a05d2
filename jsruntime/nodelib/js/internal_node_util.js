'use strict';
// What the modules vendored from Node's lib take from Node's internal/util;
// internal/util (util.go) carries these besides its Go functions.

const kCustomPromisify = Symbol.for('nodejs.util.promisify.custom');

function promisify(original) {
  return require('util').promisify(original);
}
promisify.custom = kCustomPromisify;

// spliceOne removes list[index], faster than splice for one element.
function spliceOne(list, index) {
  for (; index + 1 < list.length; index++) list[index] = list[index + 1];
  list.pop();
}

module.exports = {
  spliceOne,
  kEmptyObject: Object.freeze({ __proto__: null }),
  SymbolDispose: Symbol.dispose,
  SymbolAsyncDispose: Symbol.asyncDispose,
  promisify,
};
