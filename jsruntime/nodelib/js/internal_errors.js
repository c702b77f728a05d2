'use strict';
// Node-style errors: an Error subclass instance whose name shows the code
// ("TypeError [ERR_X]: ...") in its stack, with a .code property.

function codedError(Base, code, message) {
  const err = new Base(message);
  Object.defineProperty(err, 'code', { __proto__: null, value: code, enumerable: true, writable: true, configurable: true });
  // Node shows the code in the first line of the stack only.
  const name = Base.prototype.name;
  if (typeof err.stack === 'string' && err.stack.startsWith(`${name}: `)) {
    err.stack = `${name} [${code}]: ${err.stack.slice(name.length + 2)}`;
  }
  return err;
}

function describeReceived(v) {
  return require('internal/inspect').describeReceived(v);
}

const kTypes = ['string', 'function', 'number', 'object', 'Function', 'Object', 'boolean', 'bigint', 'symbol'];
const classRegExp = /^([A-Z][a-z0-9]*)+$/;

// joinList writes a, b, or c as Node's messages do.
function joinList(items, prefix) {
  if (items.length > 2) return `${prefix}${items.slice(0, -1).join(', ')}, or ${items[items.length - 1]}`;
  return items.length === 2 ? `${prefix}${items[0]} or ${items[1]}` : items[0];
}

// listTypes is what ERR_INVALID_ARG_TYPE says the value must be: types,
// then classes, then anything else (free text), as Node's message has it.
function listTypes(expected) {
  const types = [];
  const instances = [];
  const other = [];
  for (const value of Array.isArray(expected) ? expected : [expected]) {
    if (kTypes.includes(value)) types.push(value.toLowerCase());
    else if (classRegExp.test(value)) instances.push(value);
    else other.push(value);
  }
  // object among classes is named as one of them.
  if (instances.length > 0 && types.includes('object')) {
    types.splice(types.indexOf('object'), 1);
    instances.push('Object');
  }
  let msg = '';
  if (types.length > 0) {
    msg += types.length === 1 ? `of type ${types[0]}` : joinList(types, 'one of type ');
    if (instances.length > 0 || other.length > 0) msg += ' or ';
  }
  if (instances.length > 0) {
    msg += `an instance of ${instances.length === 1 ? instances[0] : joinList(instances, '')}`;
    if (other.length > 0) msg += ' or ';
  }
  if (other.length > 0) {
    if (other.length > 1) {
      msg += joinList(other, 'one of ');
    } else {
      if (other[0].toLowerCase() !== other[0]) msg += 'an ';
      msg += other[0];
    }
  }
  return msg;
}

// invalidArgType is Node's ERR_INVALID_ARG_TYPE.
function invalidArgType(name, types, actual) {
  const what = name.includes('.') ? 'property' : 'argument';
  const subject = name.endsWith(' argument') ? `The ${name}` : `The "${name}" ${what}`;
  return codedError(TypeError, 'ERR_INVALID_ARG_TYPE',
    `${subject} must be ${listTypes(types)}.${describeReceived(actual)}`);
}

// outOfRange is Node's ERR_OUT_OF_RANGE, which shows large integers with
// separators and anything else as util.inspect does.
function outOfRange(name, range, actual) {
  let received;
  if (Number.isInteger(actual) && Math.abs(actual) > 2 ** 32) {
    received = require('internal/inspect').addNumericSeparator(String(actual));
  } else if (typeof actual === 'bigint') {
    received = String(actual);
    if (actual > 2n ** 32n || actual < -(2n ** 32n)) received = require('internal/inspect').addNumericSeparator(received);
    received += 'n';
  } else {
    received = require('internal/inspect').inspect(actual);
  }
  return codedError(RangeError, 'ERR_OUT_OF_RANGE',
    `The value of "${name}" is out of range. It must be ${range}. Received ${received}`);
}

module.exports = { codedError, invalidArgType, outOfRange };

// Node's own shape of this module (error classes by code, AbortError), for
// the modules vendored from Node's lib; readable-stream carries it.
for (const name of ['codes', 'AbortError']) {
  Object.defineProperty(module.exports, name, {
    get: () => require('internal/readable-stream/ours/errors')[name], enumerable: true, configurable: true,
  });
}
