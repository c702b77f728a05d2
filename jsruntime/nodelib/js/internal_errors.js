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

function listTypes(types) {
  const names = Array.isArray(types) ? types : [types];
  const classes = names.filter((t) => /^[A-Z]/.test(t) && t !== 'Function' && t !== 'Object');
  const plain = names.filter((t) => !classes.includes(t)).map((t) => t.toLowerCase());
  let msg = '';
  if (plain.length > 0) {
    msg += plain.length === 1 ? `of type ${plain[0]}` :
      `one of type ${plain.slice(0, -1).join(', ')} or ${plain[plain.length - 1]}`;
  }
  if (classes.length > 0) {
    if (msg !== '') msg += ' or ';
    msg += classes.length === 1 ? `an instance of ${classes[0]}` :
      `an instance of ${classes.slice(0, -1).join(', ')} or ${classes[classes.length - 1]}`;
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
