'use strict';
// What the modules vendored from Node's lib take from Node's internal/util;
// internal/util (util.go) carries these besides its Go functions.

const kCustomPromisify = Symbol.for('nodejs.util.promisify.custom');

function promisify(original) {
  return require('util').promisify(original);
}
promisify.custom = kCustomPromisify;

module.exports = {
  kEmptyObject: Object.freeze({ __proto__: null }),
  SymbolDispose: Symbol.dispose,
  SymbolAsyncDispose: Symbol.asyncDispose,
  promisify,
};
