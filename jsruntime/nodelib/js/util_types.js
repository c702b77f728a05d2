'use strict';
// node:util/types

const insp = require('internal/inspect');

const tagOf = (v) => Object.prototype.toString.call(v).slice(8, -1);
const isObjectLike = (v) => v !== null && (typeof v === 'object' || typeof v === 'function');

function isBoxed(v, kind) {
  if (!isObjectLike(v)) return false;
  const b = insp.boxedKind(v);
  return b !== undefined && (kind === undefined || b[0] === kind);
}

function typedIs(name) {
  return (v) => isObjectLike(v) && insp.typedArrayName(v) === name;
}

module.exports = {
  isAnyArrayBuffer: (v) => isObjectLike(v) && (insp.isArrayBuffer(v) || tagOf(v) === 'SharedArrayBuffer'),
  isArrayBuffer: (v) => isObjectLike(v) && insp.isArrayBuffer(v),
  isSharedArrayBuffer: (v) => isObjectLike(v) && tagOf(v) === 'SharedArrayBuffer',
  isArrayBufferView: (v) => ArrayBuffer.isView(v),
  isArgumentsObject: (v) => isObjectLike(v) && insp.isArguments(v),
  isAsyncFunction: (v) => typeof v === 'function' && /^Async/.test(v[Symbol.toStringTag] || ''),
  isGeneratorFunction: (v) => typeof v === 'function' && /GeneratorFunction$/.test(v[Symbol.toStringTag] || ''),
  isGeneratorObject: (v) => isObjectLike(v) && tagOf(v) === 'Generator',
  isBoxedPrimitive: (v) => isBoxed(v),
  isNumberObject: (v) => isBoxed(v, 'Number'),
  isStringObject: (v) => isBoxed(v, 'String'),
  isBooleanObject: (v) => isBoxed(v, 'Boolean'),
  isBigIntObject: (v) => isBoxed(v, 'BigInt'),
  isSymbolObject: (v) => isBoxed(v, 'Symbol'),
  isDataView: (v) => isObjectLike(v) && insp.isDataView(v),
  isDate: (v) => isObjectLike(v) && insp.isDate(v),
  isMap: (v) => isObjectLike(v) && insp.isMap(v),
  isSet: (v) => isObjectLike(v) && insp.isSet(v),
  isWeakMap: (v) => isObjectLike(v) && insp.isWeakMap(v),
  isWeakSet: (v) => isObjectLike(v) && insp.isWeakSet(v),
  isMapIterator: (v) => isObjectLike(v) && insp.isMapIterator(v),
  isSetIterator: (v) => isObjectLike(v) && insp.isSetIterator(v),
  isNativeError: (v) => isObjectLike(v) && tagOf(v) === 'Error',
  isPromise: (v) => isObjectLike(v) && insp.isPromise(v),
  isProxy: () => false,
  isRegExp: (v) => isObjectLike(v) && insp.isRegExp(v),
  isTypedArray: (v) => isObjectLike(v) && insp.isTypedArray(v),
  isUint8Array: typedIs('Uint8Array'),
  isUint8ClampedArray: typedIs('Uint8ClampedArray'),
  isUint16Array: typedIs('Uint16Array'),
  isUint32Array: typedIs('Uint32Array'),
  isInt8Array: typedIs('Int8Array'),
  isInt16Array: typedIs('Int16Array'),
  isInt32Array: typedIs('Int32Array'),
  isFloat32Array: typedIs('Float32Array'),
  isFloat64Array: typedIs('Float64Array'),
  isBigInt64Array: typedIs('BigInt64Array'),
  isBigUint64Array: typedIs('BigUint64Array'),
  isModuleNamespaceObject: (v) => isObjectLike(v) && tagOf(v) === 'Module' && Object.getPrototypeOf(v) === null,
  isExternal: () => false,
  isKeyObject: () => false,
  isCryptoKey: () => false,
};
