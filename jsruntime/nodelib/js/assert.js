'use strict';
// node:assert

const { inspect, isRegExp, isError, specificType } = require('internal/inspect');
const { isDeepStrictEqual, isDeepEqual } = require('internal/comparisons');
const { codedError, invalidArgType, outOfRange } = require('internal/errors');

const inspectOptions = {
  compact: false, customInspect: false, depth: 1000, maxArrayLength: Infinity,
  showHidden: false, showProxy: false, sorted: true, getters: true,
};

const show = (v) => inspect(v, inspectOptions);

const kReadableOperator = {
  deepStrictEqual: 'Expected values to be strictly deep-equal:',
  strictEqual: 'Expected values to be strictly equal:',
  strictEqualObject: 'Expected "actual" to be reference-equal to "expected":',
  deepEqual: 'Expected values to be loosely deep-equal:',
  notDeepStrictEqual: 'Expected "actual" not to be strictly deep-equal to:',
  notStrictEqual: 'Expected "actual" to be strictly unequal to:',
  notStrictEqualObject: 'Expected "actual" not to be reference-equal to "expected":',
  notDeepEqual: 'Expected "actual" not to be loosely deep-equal to:',
  notIdentical: 'Values identical but not reference-equal:',
  notDeepEqualUnequal: 'Expected values not to be loosely deep-equal:',
};

// lineDiff renders Node's "+ actual - expected" view: lines common to both
// are indented, lines only in actual get "+", only in expected "-".
function lineDiff(actual, expected) {
  const a = actual.split('\n');
  const e = expected.split('\n');
  const n = a.length;
  const m = e.length;
  const lcs = Array.from({ length: n + 1 }, () => new Array(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i][j] = a[i] === e[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  const out = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === e[j]) {
      out.push(`  ${a[i]}`);
      i++;
      j++;
    } else {
      // Emit the differing run: all "+" lines, then all "-" lines.
      const plus = [];
      const minus = [];
      while (i < n && (j >= m || lcs[i + 1][j] >= lcs[i][j + 1]) && !(j < m && a[i] === e[j])) plus.push(`+ ${a[i++]}`);
      while (j < m && !(i < n && a[i] === e[j])) minus.push(`- ${e[j++]}`);
      out.push(...plus, ...minus);
    }
  }
  return out.join('\n');
}

class AssertionError extends Error {
  constructor(options) {
    if (options === null || typeof options !== 'object') throw invalidArgType('options', 'Object', options);
    const { message, operator, stackStartFn } = options;
    let { actual, expected } = options;
    if (message != null) {
      super(String(message));
    } else if (operator === 'deepStrictEqual' || (operator === 'strictEqual' && typeof actual === 'object' && actual !== null && typeof expected === 'object' && expected !== null)) {
      const a = show(actual);
      const e = show(expected);
      if (operator === 'strictEqual' && a === e) {
        super(`Values have same structure but are not reference-equal:\n\n${a}\n`);
      } else {
        super(`${kReadableOperator[operator === 'strictEqual' ? 'strictEqual' : operator]}\n+ actual - expected\n\n${lineDiff(a, e)}`);
      }
    } else if (operator === 'strictEqual') {
      super(`${kReadableOperator.strictEqual}\n\n${show(actual)} !== ${show(expected)}\n`);
    } else if (operator === 'notDeepStrictEqual' || operator === 'notStrictEqual') {
      const a = show(actual);
      const multi = a.includes('\n') || (typeof actual === 'object' && actual !== null);
      super(`${kReadableOperator[operator]}${multi ? `\n\n${a}\n` : ` ${a}`}`);
    } else if (operator === 'deepEqual' || operator === 'notDeepEqual') {
      const words = operator === 'deepEqual' ? 'should loosely deep-equal' : 'should not loosely deep-equal';
      super(`${kReadableOperator[operator]}\n\n${show(actual)}\n\n${words}\n\n${show(expected)}`);
    } else {
      super(`${inspect(actual)} ${operator} ${inspect(expected)}`);
    }
    this.generatedMessage = message == null;
    Object.defineProperty(this, 'name', { __proto__: null, value: 'AssertionError [ERR_ASSERTION]', enumerable: false, writable: true, configurable: true });
    this.code = 'ERR_ASSERTION';
    this.actual = actual;
    this.expected = expected;
    this.operator = operator;
    if (typeof stackStartFn === 'function' && typeof Error.captureStackTrace === 'function') {
      // The stack starts where the caller called stackStartFn.
      Error.captureStackTrace(this, stackStartFn);
      // Read it now, while the name still shows the code.
      void this.stack;
    } else if (typeof this.stack === 'string') {
      this.stack = this.stack.replace(/^Error/, 'AssertionError [ERR_ASSERTION]');
    }
    this.name = 'AssertionError';
  }
  toString() {
    return `${this.name} [${this.code}]: ${this.message}`;
  }
}

function innerFail(obj) {
  if (obj.message instanceof Error) throw obj.message;
  if (obj.stackStartFn === undefined) obj = { ...obj, stackStartFn: innerFail };
  const err = new AssertionError(obj);
  if (obj.generated) err.generatedMessage = true;
  throw err;
}

// innerOk is assert.ok called as fn; without a message, the message quotes
// the call from the caller's source, as Node's does.
function innerOk(fn, argLen, value, message) {
  if (argLen === 0) {
    innerFail({ actual: undefined, expected: true, operator: '==', message: 'No value argument passed to `assert.ok()`', generated: true, stackStartFn: fn });
  }
  if (!value) {
    let generated = false;
    if (message == null) {
      generated = true;
      message = callSiteMessage(fn);
    }
    innerFail({ actual: value, expected: true, operator: '==', message, generated, stackStartFn: fn });
  }
}

function ok(...args) { innerOk(ok, args.length, ...args); }

const callSiteMessages = new Map();

// callSiteMessage is "The expression evaluated to a falsy value" and the
// source of the call of fn, read from the caller's file; undefined when the
// call cannot be found (Node's message then shows the value instead).
function callSiteMessage(fn) {
  // Without the V8 stack trace API (nodelib on its own) there is no call site.
  if (typeof Error.captureStackTrace !== 'function') return undefined;
  const prepare = Error.prepareStackTrace;
  const limit = Error.stackTraceLimit;
  let call;
  try {
    Error.prepareStackTrace = (_, callSites) => callSites;
    Error.stackTraceLimit = 1;
    const holder = {};
    Error.captureStackTrace(holder, fn);
    call = Array.isArray(holder.stack) ? holder.stack[0] : undefined;
  } finally {
    Error.prepareStackTrace = prepare;
    Error.stackTraceLimit = limit;
  }
  const filename = call && call.getFileName();
  if (!filename || filename.startsWith('node:')) return undefined;
  const line = call.getLineNumber() - 1;
  const column = call.getColumnNumber() - 1;
  const key = `${filename}:${line}:${column}`;
  if (callSiteMessages.has(key)) return callSiteMessages.get(key);
  let message;
  try {
    const source = require('fs').readFileSync(filename.startsWith('file:') ? new URL(filename) : filename, 'utf8');
    let code = source;
    for (let i = 0; i < line; i++) code = code.slice(code.indexOf('\n') + 1);
    const found = findCall(code, column);
    if (found !== undefined) {
      const [start, text] = found;
      // The lines after the first lose the indentation of the first.
      const lines = text.replace(/\r\n/g, '\n').replace(/[\x00-\x08\x0b\x0c\x0e-\x1f]/g,
        (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).split('\n');
      message = lines.shift();
      for (const frame of lines) {
        let pos = 0;
        while (pos < start && (frame[pos] === ' ' || frame[pos] === '\t')) pos++;
        message += `\n  ${frame.slice(pos)}`;
      }
      message = `The expression evaluated to a falsy value:\n\n  ${message}\n`;
    }
  } catch {
    message = undefined;
  }
  callSiteMessages.set(key, message);
  return message;
}

// findCall returns the start column and the source of the call expression
// whose callee ends at offset (where V8 and goja place a call): back over
// the callee (names, dots, bracketed and parenthesized parts), then forward
// to the parenthesis that closes the arguments. Strings, templates and
// comments in the arguments are skipped. undefined when that fails.
function findCall(code, offset) {
  const isName = (c) => c !== undefined && /[\p{ID_Continue}$\u200c\u200d]/u.test(c);
  const closers = { ')': '(', ']': '[' };
  let start = offset;
  // Back over the callee.
  for (;;) {
    let i = start - 1;
    while (i >= 0 && (code[i] === ' ' || code[i] === '\t')) i--;
    if (code[i] === '.' || (code[i] === '.' && code[i - 1] === '?')) {
      i--;
      if (code[i] === '?') i--;
      while (i >= 0 && (code[i] === ' ' || code[i] === '\t')) i--;
    } else if (!isName(code[start]) && !closers[code[start]] && code[start] !== '(') {
      break;
    } else if (i < start - 1 || !(isName(code[i]) || closers[code[i]])) {
      break;
    }
    if (isName(code[i])) {
      while (i > 0 && isName(code[i - 1])) i--;
      start = i;
    } else if (closers[code[i]]) {
      let depth = 0;
      for (; i >= 0; i--) {
        if (closers[code[i]]) depth++;
        else if (code[i] === '(' || code[i] === '[') depth--;
        if (depth === 0) break;
      }
      if (i < 0) return undefined;
      start = i;
    } else {
      break;
    }
  }
  // Forward over the rest of the callee to the arguments.
  let i = offset;
  while (i < code.length && code[i] !== '(') {
    if (code[i] === ';' || code[i] === '\n' && !/[\s.\p{ID_Continue}$]/u.test(code[i])) return undefined;
    i++;
  }
  let depth = 0;
  for (; i < code.length; i++) {
    const c = code[i];
    if (c === '\'' || c === '"' || c === '`') {
      for (i++; i < code.length && code[i] !== c; i++) if (code[i] === '\\') i++;
      if (i >= code.length) return undefined;
    } else if (c === '/' && code[i + 1] === '/') {
      i = code.indexOf('\n', i);
      if (i < 0) return undefined;
    } else if (c === '/' && code[i + 1] === '*') {
      i = code.indexOf('*/', i + 2) + 1;
      if (i <= 0) return undefined;
    } else if (c === '(' || c === '[' || c === '{') {
      depth++;
    } else if (c === ')' || c === ']' || c === '}') {
      depth--;
      if (depth === 0) return [start, code.slice(start, i + 1)];
    }
  }
  return undefined;
}

function assert(...args) { innerOk(assert, args.length, ...args); }

assert.ok = ok;
assert.AssertionError = AssertionError;

let failWarned = false;
assert.fail = function fail(actual, expected, message, operator, stackStartFn) {
  if (actual == null && arguments.length <= 1) innerFail({ message: 'Failed', operator: 'fail', generated: true, stackStartFn: fail });
  if (arguments.length === 1) {
    if (actual instanceof Error) throw actual;
    innerFail({ message: actual, operator: 'fail', stackStartFn: fail });
  }
  if (!failWarned) {
    failWarned = true;
    process.emitWarning('assert.fail() with more than one argument is deprecated. ' +
      'Please use assert.strictEqual() instead or only pass a message.', 'DeprecationWarning', 'DEP0094');
  }
  if (arguments.length === 2) operator = '!=';
  innerFail({ actual, expected, message, operator: operator === undefined ? 'fail' : operator, stackStartFn: stackStartFn || fail });
};

assert.equal = function equal(actual, expected, message) {
  // eslint-disable-next-line eqeqeq
  if (!(actual == expected || (Number.isNaN(actual) && Number.isNaN(expected)))) {
    innerFail({ actual, expected, message, operator: '==' });
  }
};

assert.notEqual = function notEqual(actual, expected, message) {
  // eslint-disable-next-line eqeqeq
  if (actual == expected || (Number.isNaN(actual) && Number.isNaN(expected))) {
    innerFail({ actual, expected, message, operator: '!=' });
  }
};

assert.strictEqual = function strictEqual(actual, expected, message) {
  if (!Object.is(actual, expected)) {
    if (message != null && !(message instanceof Error) &&
        (typeof actual !== 'object' || actual === null) && (typeof expected !== 'object' || expected === null)) {
      // Node appends the comparison to a custom message for primitives.
      innerFail({ actual, expected, operator: 'strictEqual', message: `${message}\n\n${show(actual)} !== ${show(expected)}\n` });
    }
    innerFail({ actual, expected, message, operator: 'strictEqual' });
  }
};

assert.notStrictEqual = function notStrictEqual(actual, expected, message) {
  if (Object.is(actual, expected)) innerFail({ actual, expected, message, operator: 'notStrictEqual' });
};

assert.deepEqual = function deepEqual(actual, expected, message) {
  if (!isDeepEqual(actual, expected)) innerFail({ actual, expected, message, operator: 'deepEqual' });
};

assert.notDeepEqual = function notDeepEqual(actual, expected, message) {
  if (isDeepEqual(actual, expected)) innerFail({ actual, expected, message, operator: 'notDeepEqual' });
};

assert.deepStrictEqual = function deepStrictEqual(actual, expected, message) {
  if (!isDeepStrictEqual(actual, expected)) innerFail({ actual, expected, message, operator: 'deepStrictEqual' });
};

assert.notDeepStrictEqual = function notDeepStrictEqual(actual, expected, message) {
  if (isDeepStrictEqual(actual, expected)) innerFail({ actual, expected, message, operator: 'notDeepStrictEqual' });
};

class Comparison {
  constructor(obj, keys, actual) {
    for (const key of keys) {
      if (key in obj) {
        this[key] = actual !== undefined && typeof actual[key] === 'string' && isRegExp(obj[key]) && obj[key].test(actual[key])
          ? actual[key] : obj[key];
      }
    }
  }
}

// checkError reports whether err matches expected (a class, a RegExp, a
// validation function or an object of properties), failing like Node if not.
function checkError(err, expected, message, fn) {
  if (typeof expected === 'function') {
    if (expected.prototype !== undefined && err instanceof expected) return;
    if (Error.isPrototypeOf(expected) || expected === Error) {
      const name = err && err.constructor && err.constructor.name;
      let msg = `The error is expected to be an instance of "${expected.name}". Received "${name}"`;
      if (err && err.message !== undefined) msg += `\n\nError message:\n\n${err.message}`;
      innerFail({ actual: err, expected, message: message || msg, operator: fn.name, generated: !message });
    }
    if (expected.call({}, err) !== true) {
      innerFail({ actual: err, expected, operator: fn.name, message: message || `The ${expected.name ? `"${expected.name}" ` : ''}validation function is expected to return "true". Received ${inspect(expected.call({}, err))}\n\nCaught error:\n\n${err}` });
    }
    return;
  }
  if (isRegExp(expected)) {
    const str = String(err);
    if (expected.test(str)) return;
    innerFail({ actual: err, expected, operator: fn.name, message: message || `The input did not match the regular expression ${inspect(expected)}. Input:\n\n${inspect(str)}\n`, generated: !message });
  }
  if (expected !== null && typeof expected === 'object') {
    if (typeof err !== 'object' || err === null) {
      const e = new AssertionError({ actual: err, expected, message, operator: 'deepStrictEqual' });
      e.operator = fn.name;
      throw e;
    }
    const keys = Object.keys(expected);
    if (expected instanceof Error) keys.push('name', 'message');
    for (const key of keys) {
      const have = err == null ? undefined : err[key];
      const want = expected[key];
      const matches = typeof have === 'string' && isRegExp(want) ? want.test(have) : isDeepStrictEqual(have, want);
      if (!matches) {
        const a = new Comparison(err, keys);
        const e = new Comparison(expected, keys, err);
        const generated = new AssertionError({ actual: a, expected: e, operator: 'deepStrictEqual' });
        innerFail({ actual: err, expected, operator: fn.name, message: message || generated.message, generated: !message });
      }
    }
    return;
  }
  throw invalidArgType('expected', ['Function', 'RegExp', 'Object', 'Error'], expected);
}

function getActual(fn) {
  if (typeof fn !== 'function') throw invalidArgType('fn', 'Function', fn);
  try {
    fn();
  } catch (e) {
    return { threw: true, error: e };
  }
  return { threw: false };
}

assert.throws = function throws(fn, expected, message) {
  if (typeof expected === 'string') { message = expected; expected = undefined; }
  const r = getActual(fn);
  if (!r.threw) {
    let details = '';
    if (expected && expected.name) details += ` (${expected.name})`;
    details += message ? `: ${message}` : '.';
    innerFail({ actual: undefined, expected, operator: 'throws', message: `Missing expected exception${details}`, stackStartFn: throws });
  }
  if (expected !== undefined) checkError(r.error, expected, message, throws);
};

assert.doesNotThrow = function doesNotThrow(fn, expected, message) {
  if (typeof expected === 'string') { message = expected; expected = undefined; }
  const r = getActual(fn);
  if (r.threw) expectsNoError(doesNotThrow, r.error, expected, message);
};

// isPromiseLike is Node's checkIsPromise: a promise, or a thenable object
// with a catch method.
function isPromiseLike(p) {
  return p instanceof Promise ||
    (p !== null && typeof p === 'object' && typeof p.then === 'function' && typeof p.catch === 'function');
}

async function waitActual(promiseFn) {
  let p;
  if (typeof promiseFn === 'function') {
    p = promiseFn();
    if (!isPromiseLike(p)) {
      throw codedError(TypeError, 'ERR_INVALID_RETURN_VALUE',
        `Expected instance of Promise to be returned from the "promiseFn" function but got ${specificType(p)}.`);
    }
  } else if (isPromiseLike(promiseFn)) {
    p = promiseFn;
  } else {
    throw invalidArgType('promiseFn', ['Function', 'Promise'], promiseFn);
  }
  try {
    await p;
  } catch (e) {
    return { threw: true, error: e };
  }
  return { threw: false };
}

assert.rejects = async function rejects(promiseFn, expected, message) {
  if (typeof expected === 'string') { message = expected; expected = undefined; }
  const r = await waitActual(promiseFn);
  if (!r.threw) {
    let details = '';
    if (expected && expected.name) details += ` (${expected.name})`;
    details += message ? `: ${message}` : '.';
    innerFail({ actual: undefined, expected, operator: 'rejects', message: `Missing expected rejection${details}`, stackStartFn: rejects });
  }
  if (expected !== undefined) checkError(r.error, expected, message, rejects);
};

assert.doesNotReject = async function doesNotReject(promiseFn, expected, message) {
  if (typeof expected === 'string') { message = expected; expected = undefined; }
  const r = await waitActual(promiseFn);
  if (r.threw) expectsNoError(doesNotReject, r.error, expected, message);
};

// expectsNoError fails with "Got unwanted exception" (or rejection) when
// actual matches error, or no error is given; otherwise it rethrows actual.
function expectsNoError(stackStartFn, actual, error, message) {
  if (!error || hasMatchingError(actual, error)) {
    const details = message ? `: ${message}` : '.';
    const kind = stackStartFn === assert.doesNotReject ? 'rejection' : 'exception';
    innerFail({
      actual, expected: error, operator: stackStartFn.name, stackStartFn,
      message: `Got unwanted ${kind}${details}\nActual message: "${actual == null ? undefined : actual.message}"`,
    });
  }
  throw actual;
}

function hasMatchingError(actual, expected) {
  if (typeof expected !== 'function') {
    if (isRegExp(expected)) return expected.test(String(actual));
    throw invalidArgType('expected', ['Function', 'RegExp'], expected);
  }
  if (expected.prototype !== undefined && actual instanceof expected) return true;
  if (Object.prototype.isPrototypeOf.call(Error, expected)) return false;
  return Reflect.apply(expected, {}, [actual]) === true;
}

function matchImpl(string, regexp, message, fn, negate) {
  if (!isRegExp(regexp)) throw invalidArgType('regexp', 'RegExp', regexp);
  if (typeof string !== 'string' || regexp.test(string) === negate) {
    if (message instanceof Error) throw message;
    const generated = typeof string !== 'string'
      ? `The "string" argument must be of type string. Received type ${typeof string} (${inspect(string)})`
      : `The input ${negate ? 'was expected to not match' : 'did not match'} the regular expression ${inspect(regexp)}. Input:\n\n${inspect(string)}\n`;
    innerFail({ actual: string, expected: regexp, message: message || generated, operator: fn.name, generated: !message });
  }
}

assert.match = function match(string, regexp, message) { matchImpl(string, regexp, message, match, false); };
assert.doesNotMatch = function doesNotMatch(string, regexp, message) { matchImpl(string, regexp, message, doesNotMatch, true); };

assert.ifError = function ifError(err) {
  if (err !== null && err !== undefined) {
    let message = 'ifError got unwanted exception: ';
    if (typeof err === 'object' && typeof err.message === 'string') {
      message += err.message.length === 0 && err.constructor ? err.constructor.name : err.message;
    } else {
      message += inspect(err);
    }
    const e = new AssertionError({ actual: err, expected: null, operator: 'ifError', message, stackStartFn: ifError });
    // The new stack ends with the frames of err, without those the two
    // have in common.
    const origStack = err.stack;
    if (typeof origStack === 'string') {
      const start = origStack.indexOf('\n    at');
      if (start !== -1) {
        const originalFrames = origStack.slice(start + 1).split('\n');
        let newFrames = e.stack.split('\n');
        for (const frame of originalFrames) {
          const pos = newFrames.indexOf(frame);
          if (pos !== -1) {
            newFrames = newFrames.slice(0, pos);
            break;
          }
        }
        e.stack = `${newFrames.join('\n')}\n${originalFrames.join('\n')}`;
      }
    }
    throw e;
  }
};

// CallTracker (deprecated, DEP0173) counts the calls of the functions it
// wraps and reports those not called the expected number of times.
class CallTrackerContext {
  #expected;
  #calls = [];
  #name;
  #stackTrace;
  constructor(expected, name, stackTrace) {
    this.#expected = expected;
    this.#name = name;
    this.#stackTrace = stackTrace;
  }
  track(thisArg, args) {
    this.#calls.push(Object.freeze({ thisArg, arguments: Object.freeze(Array.prototype.slice.call(args)) }));
  }
  get delta() { return this.#calls.length - this.#expected; }
  reset() { this.#calls = []; }
  getCalls() { return this.#calls; }
  report() {
    if (this.delta === 0) return undefined;
    return {
      message: `Expected the ${this.#name} function to be executed ${this.#expected} time(s) but was executed ${this.#calls.length} time(s).`,
      actual: this.#calls.length,
      expected: this.#expected,
      operator: this.#name,
      stack: this.#stackTrace,
    };
  }
}

// Function.prototype, like Node's: nameless, so reports say 'calls'.
const noop = Function.prototype;
let callTrackerWarned = false;

class CallTracker {
  #checks = new Set();
  #tracked = new WeakMap();

  constructor() {
    if (!callTrackerWarned) {
      callTrackerWarned = true;
      process.emitWarning('assert.CallTracker is deprecated.', 'DeprecationWarning', 'DEP0173');
    }
  }

  #context(tracked) {
    const context = this.#tracked.get(tracked);
    if (context === undefined) {
      throw codedError(TypeError, 'ERR_INVALID_ARG_VALUE',
        `The argument 'tracked' is not a tracked function. Received ${inspect(tracked)}`);
    }
    return context;
  }

  reset(tracked) {
    if (tracked === undefined) {
      for (const context of this.#checks) context.reset();
      return;
    }
    this.#context(tracked).reset();
  }

  getCalls(tracked) {
    return this.#context(tracked).getCalls();
  }

  calls(fn, expected = 1) {
    if (process._exiting) throw codedError(Error, 'ERR_UNAVAILABLE_DURING_EXIT', 'Cannot call function in process exit handler');
    if (typeof fn === 'number') {
      expected = fn;
      fn = noop;
    } else if (fn === undefined) {
      fn = noop;
    }
    if (typeof expected !== 'number') throw invalidArgType('expected', 'number', expected);
    if (!Number.isInteger(expected)) throw outOfRange('expected', 'an integer', expected);
    if (expected < 1 || expected > 4294967295) throw outOfRange('expected', '>= 1 && <= 4294967295', expected);
    const checks = this.#checks;
    const context = new CallTrackerContext(expected, fn.name || 'calls', new Error());
    const tracked = new Proxy(fn, {
      __proto__: null,
      apply(target, thisArg, args) {
        context.track(thisArg, args);
        // Called as often as expected: nothing to report, until called again.
        if (context.delta === 0) checks.delete(context);
        else checks.add(context);
        return Reflect.apply(target, thisArg, args);
      },
    });
    checks.add(context);
    this.#tracked.set(tracked, context);
    return tracked;
  }

  report() {
    const errors = [];
    for (const context of this.#checks) {
      const message = context.report();
      if (message !== undefined) errors.push(message);
    }
    return errors;
  }

  verify() {
    const errors = this.report();
    if (errors.length === 0) return;
    const message = errors.length === 1 ? errors[0].message : 'Functions were not called the expected number of times';
    const err = new AssertionError({ message, stackStartFn: this.verify });
    err.details = errors;
    throw err;
  }
}
assert.CallTracker = CallTracker;

// assert.strict: the strict variants under the loose names.
function strict(...args) { innerOk(strict, args.length, ...args); }
Object.assign(strict, assert, {
  equal: assert.strictEqual,
  deepEqual: assert.deepStrictEqual,
  notEqual: assert.notStrictEqual,
  notDeepEqual: assert.notDeepStrictEqual,
});
strict.strict = strict;
assert.strict = strict;

module.exports = assert;
