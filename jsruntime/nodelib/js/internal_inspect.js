'use strict';
// util.inspect and util.format, written to produce the same text as Node's
// for the same values (Node's documented output, checked against node by the
// package's compatibility tests). Colors are not supported: console output of
// this runtime is plain text.

const native = internalBinding('util');

const customInspectSymbol = Symbol.for('nodejs.util.inspect.custom');

const inspectDefaultOptions = {
  showHidden: false,
  depth: 2,
  colors: false,
  customInspect: true,
  showProxy: false,
  maxArrayLength: 100,
  maxStringLength: 10000,
  breakLength: 80,
  compact: 3,
  sorted: false,
  getters: false,
  numericSeparator: false,
};

const kObjectType = 0;
const kArrayType = 1; // array elements: the value only
const kArrayExtrasType = 2; // named properties of arrays

// Global constructors whose toString counts as built-in for %s.
const builtInObjects = new Set([
  'Object', 'Function', 'Array', 'Number', 'Boolean', 'String', 'Symbol', 'Date', 'Promise',
  'RegExp', 'Error', 'AggregateError', 'EvalError', 'RangeError', 'ReferenceError',
  'SyntaxError', 'TypeError', 'URIError', 'ArrayBuffer', 'Uint8Array', 'Int8Array',
  'Uint16Array', 'Int16Array', 'Uint32Array', 'Int32Array', 'Float32Array', 'Float64Array',
  'Uint8ClampedArray', 'BigUint64Array', 'BigInt64Array', 'DataView', 'Map', 'BigInt', 'Set',
  'WeakMap', 'WeakSet', 'Proxy', 'Reflect', 'SharedArrayBuffer', 'WeakRef',
]);

// Object.keys as it was when this module loaded: programs may replace it
// (Node's inspect uses primordials for the same reason).
const ObjectKeys = Object.keys;
const hasOwn = (o, k) => Object.prototype.hasOwnProperty.call(o, k);
const isEnumerable = (o, k) => Object.prototype.propertyIsEnumerable.call(o, k);
const objectToString = (o) => Object.prototype.toString.call(o);

// The text of a value is built bottom-up: each object's text holds its
// properties' texts. V8 concatenates strings as ropes, so Node's inspect
// copies each character once; goja copies both operands of every
// concatenation, so that the text of an object n levels deep was copied n
// times: 46 GB of copying for the 135 MB of Node's test of huge objects
// (test-util-inspect-long-running). A text of kRopeMin characters or more is
// therefore never copied into a longer one: that is a Rope, the list of its
// parts, joined once, by flat, where a string is needed.
const kRopeMin = 4096;

class Rope {
  constructor(parts, length) {
    this.parts = parts;
    this.length = length; // as a string's: the callers measure either alike
    this.newline = parts.some(hasNewline); // each part is looked at once
  }
}

// concat is the concatenation of its arguments, strings or Ropes.
function concat(...parts) {
  return joinPieces('', parts, '', '');
}

// joinPieces is prefix, then list's pieces separated by sep, then suffix:
// a string when made of short strings, a Rope when a piece is long.
function joinPieces(prefix, list, sep, suffix) {
  let length = prefix.length + suffix.length + sep.length * Math.max(0, list.length - 1);
  let short = true;
  for (let i = 0; i < list.length; i++) {
    length += list[i].length;
    if (list[i].length >= kRopeMin) short = false;
  }
  if (short) return `${prefix}${list.join(sep)}${suffix}`; // one copy of the joined, not two
  // The runs of short strings between long pieces are joined.
  const parts = [];
  let run = [prefix];
  for (let i = 0; i < list.length; i++) {
    if (i !== 0) run.push(sep);
    const piece = list[i];
    if (piece.length < kRopeMin) {
      run.push(piece);
    } else {
      parts.push(run.join(''), piece);
      run = [];
    }
  }
  run.push(suffix);
  parts.push(run.join(''));
  return new Rope(parts, length);
}

// flat is the string of a piece. A Rope is walked with a stack of its own:
// its nesting is that of the value inspected, deeper than a recursion may go.
function flat(piece) {
  if (typeof piece === 'string') return piece;
  const leaves = [];
  const stack = [piece];
  while (stack.length !== 0) {
    const p = stack.pop();
    if (typeof p === 'string') {
      leaves.push(p);
    } else {
      for (let i = p.parts.length - 1; i >= 0; i--) stack.push(p.parts[i]);
    }
  }
  const str = leaves.join('');
  piece.parts = [str];
  return str;
}

function hasNewline(piece) {
  return typeof piece === 'string' ? piece.includes('\n') : piece.newline;
}

function inspect(value, opts) {
  const ctx = {
    budget: {},
    indentationLvl: 0,
    seen: [],
    currentDepth: 0,
    circular: undefined,
  };
  Object.assign(ctx, inspectDefaultOptions);
  if (arguments.length > 1) {
    // Legacy signature: inspect(value, showHidden, depth, colors).
    if (arguments.length > 2 && arguments[2] !== undefined) ctx.depth = arguments[2];
    if (typeof opts === 'boolean') {
      ctx.showHidden = opts;
    } else if (opts !== null && typeof opts === 'object') {
      for (const key of ObjectKeys(opts)) {
        if (hasOwn(inspectDefaultOptions, key) || key === 'stylize') ctx[key] = opts[key];
      }
    }
  }
  if (ctx.maxArrayLength === null) ctx.maxArrayLength = Infinity;
  if (ctx.maxStringLength === null) ctx.maxStringLength = Infinity;
  return flat(formatValue(ctx, value, 0));
}
inspect.custom = customInspectSymbol;
Object.defineProperty(inspect, 'defaultOptions', {
  get() { return inspectDefaultOptions; },
  set(options) { Object.assign(inspectDefaultOptions, options); },
});

function formatValue(ctx, value, recurseTimes, typedArray) {
  if (typeof value !== 'object' && typeof value !== 'function') {
    return formatPrimitive(value, ctx);
  }
  if (value === null) return 'null';

  if (ctx.customInspect) {
    let custom;
    try { custom = value[customInspectSymbol]; } catch { custom = undefined; }
    if (typeof custom === 'function' && custom !== inspect &&
        !(hasOwn(value, 'constructor') && value.constructor.prototype === value)) {
      const depth = ctx.depth === null ? null : ctx.depth - recurseTimes;
      const options = Object.assign({}, ctx, { depth, stylize: (s) => s });
      delete options.budget; delete options.seen; delete options.circular;
      delete options.indentationLvl; delete options.currentDepth;
      const ret = custom.call(value, depth, options, inspect);
      if (ret !== value) {
        if (typeof ret !== 'string') return formatValue(ctx, ret, recurseTimes);
        return ret.replaceAll('\n', `\n${' '.repeat(ctx.indentationLvl)}`);
      }
    }
  }

  if (ctx.seen.includes(value)) {
    let index = 1;
    if (ctx.circular === undefined) {
      ctx.circular = new Map();
      ctx.circular.set(value, index);
    } else {
      index = ctx.circular.get(value);
      if (index === undefined) {
        index = ctx.circular.size + 1;
        ctx.circular.set(value, index);
      }
    }
    return `[Circular *${index}]`;
  }
  return formatRaw(ctx, value, recurseTimes, typedArray);
}

function formatPrimitive(value, ctx) {
  switch (typeof value) {
    case 'string': {
      let trailer = '';
      if (value.length > ctx.maxStringLength) {
        const remaining = value.length - ctx.maxStringLength;
        value = value.slice(0, ctx.maxStringLength);
        trailer = `... ${remaining} more character${remaining > 1 ? 's' : ''}`;
      }
      // Long multi-line strings inside objects are split at their line
      // breaks, one quoted piece per line.
      if (ctx.compact !== true && value.length > 16 &&
          value.length > ctx.breakLength - ctx.indentationLvl - 4) {
        return value.split(/(?<=\n)/).map((line) => quote(line))
          .join(` +\n${' '.repeat(ctx.indentationLvl + 2)}`) + trailer;
      }
      return quote(value) + trailer;
    }
    case 'number': return formatNumber(value, ctx.numericSeparator);
    case 'bigint': return formatBigInt(value, ctx.numericSeparator);
    case 'boolean': return `${value}`;
    case 'undefined': return 'undefined';
    case 'symbol': return symbolToString(value);
    default: return String(value);
  }
}

// formatNumber writes n as Node does, with numericSeparator 1_234.567_8.
function formatNumber(n, numericSeparator) {
  if (!numericSeparator) return Object.is(n, -0) ? '-0' : `${n}`;
  const integer = Math.trunc(n);
  const string = String(integer);
  if (integer === n) {
    if (!Number.isFinite(n) || string.includes('e')) return string;
    return addNumericSeparator(string);
  }
  if (Number.isNaN(n)) return string;
  return `${addNumericSeparator(string)}.${addNumericSeparatorEnd(String(n).slice(string.length + 1))}`;
}

function formatBigInt(n, numericSeparator) {
  return `${numericSeparator ? addNumericSeparator(String(n)) : n}n`;
}

// addNumericSeparator writes 1234567 as 1_234_567 (also for ERR_OUT_OF_RANGE).
function addNumericSeparator(digits) {
  let result = '';
  let i = digits.length;
  const start = digits.startsWith('-') ? 1 : 0;
  for (; i >= start + 4; i -= 3) result = `_${digits.slice(i - 3, i)}${result}`;
  return i === digits.length ? digits : `${digits.slice(0, i)}${result}`;
}

function addNumericSeparatorEnd(digits) {
  let result = '';
  let i = 0;
  for (; i < digits.length - 3; i += 3) result += `${digits.slice(i, i + 3)}_`;
  return i === 0 ? digits : `${result}${digits.slice(i)}`;
}

function symbolToString(sym) {
  const desc = sym.description;
  if (desc === undefined) return 'Symbol()';
  return `Symbol(${escapeChars(desc, -1)})`;
}

// Escapes of the characters that cannot appear raw inside a quoted string.
const escapes = [];
for (let i = 0; i < 0x20; i++) escapes[i] = '\\x' + i.toString(16).toUpperCase().padStart(2, '0');
escapes[8] = '\\b'; escapes[9] = '\\t'; escapes[10] = '\\n'; escapes[12] = '\\f'; escapes[13] = '\\r';
for (let i = 0x7f; i < 0xa0; i++) escapes[i] = '\\x' + i.toString(16).toUpperCase();
escapes[39] = "\\'";
escapes[92] = '\\\\';

// escapeChars escapes control characters, the backslash, lone surrogates
// and the quote character quoteCode (-1: none).
function escapeChars(str, quoteCode) {
  let out = '';
  let last = 0;
  for (let i = 0; i < str.length; i++) {
    const c = str.charCodeAt(i);
    if (c === quoteCode || c === 92 || c < 0x20 || (c >= 0x7f && c < 0xa0)) {
      out += str.slice(last, i) + escapes[c];
      last = i + 1;
    } else if (c >= 0xd800 && c <= 0xdfff) {
      if (c <= 0xdbff && i + 1 < str.length) {
        const next = str.charCodeAt(i + 1);
        if (next >= 0xdc00 && next <= 0xdfff) {
          i++;
          continue;
        }
      }
      out += str.slice(last, i) + `\\u${c.toString(16)}`;
      last = i + 1;
    }
  }
  return last === 0 ? str : out + str.slice(last);
}

// quote picks single quotes, or double quotes or backticks when that avoids
// escaping, as Node does.
function quote(str) {
  let q = "'";
  if (str.includes("'")) {
    if (!str.includes('"')) q = '"';
    else if (!str.includes('`') && !str.includes('${')) q = '`';
  }
  return q + escapeChars(str, q === "'" ? 39 : -1) + q;
}

function getPrefix(constructor, tag, fallback, size = '') {
  if (constructor === null) {
    if (tag !== '' && fallback !== tag) return `[${fallback}${size}: null prototype] [${tag}] `;
    return `[${fallback}${size}: null prototype] `;
  }
  if (tag !== '' && constructor !== tag) return `${constructor}${size} [${tag}] `;
  return `${constructor}${size} `;
}

// getConstructorName returns the name of the first constructor found on the
// prototype chain that value is an instance of; null for a null-prototype
// object; and for a chain without any such constructor, the object's kind
// followed by a description of its prototype, as Node prints it.
//
// With protoProps (showHidden), the properties that value's own classes
// define on their prototypes are added to it, formatted, as Node does.
function getConstructorName(value, ctx, recurseTimes, protoProps) {
  let obj = value;
  let firstProto;
  while (obj !== null && obj !== undefined) {
    const desc = Object.getOwnPropertyDescriptor(obj, 'constructor');
    if (desc !== undefined && typeof desc.value === 'function' && desc.value.name !== '') {
      let isInstance = false;
      try { isInstance = value instanceof desc.value; } catch { isInstance = false; }
      if (isInstance) {
        if (protoProps !== undefined && (firstProto !== obj || !builtInObjects.has(desc.value.name))) {
          addPrototypeProperties(ctx, value, firstProto || value, recurseTimes, protoProps);
        }
        return String(desc.value.name);
      }
    }
    obj = Object.getPrototypeOf(obj);
    if (firstProto === undefined) firstProto = obj;
  }
  if (firstProto === null) return null;
  const kind = Array.isArray(value) ? 'Array' : typeof value === 'function' ? 'Function' : 'Object';
  if (recurseTimes > ctx.depth && ctx.depth !== null) return `${kind} <Complex prototype>`;
  const protoName = getConstructorName(firstProto, ctx, recurseTimes + 1);
  if (protoName === null) {
    return `${kind} <${inspect(firstProto, Object.assign({}, ctx, { customInspect: false, depth: -1 }))}>`;
  }
  return `${kind} <${protoName}>`;
}

// addPrototypeProperties formats the properties (functions aside) of up to
// three prototypes of main that precede a built-in one, those main does not
// shadow, into output.
function addPrototypeProperties(ctx, main, obj, recurseTimes, output) {
  let depth = 0;
  let keys;
  let keySet;
  do {
    if (depth !== 0 || main === obj) {
      obj = Object.getPrototypeOf(obj);
      if (obj === null) return;
      const desc = Object.getOwnPropertyDescriptor(obj, 'constructor');
      if (desc !== undefined && typeof desc.value === 'function' && builtInObjects.has(desc.value.name)) return;
    }
    if (depth === 0) {
      keySet = new Set();
    } else {
      for (const key of keys) keySet.add(key);
    }
    keys = Reflect.ownKeys(obj);
    ctx.seen.push(main);
    for (const key of keys) {
      if (key === 'constructor' || hasOwn(main, key) || (depth !== 0 && keySet.has(key))) continue;
      const desc = Object.getOwnPropertyDescriptor(obj, key);
      if (typeof desc.value === 'function') continue;
      output.push(formatProperty(ctx, obj, recurseTimes, key, kObjectType, desc, main));
    }
    ctx.seen.pop();
  } while (++depth !== 3);
}

function getKeys(value, showHidden) {
  const symbols = Object.getOwnPropertySymbols(value);
  let keys;
  if (showHidden) {
    keys = Object.getOwnPropertyNames(value);
    if (symbols.length !== 0) keys.push(...symbols);
  } else {
    keys = ObjectKeys(value);
    for (const s of symbols) if (isEnumerable(value, s)) keys.push(s);
  }
  return keys;
}

function isIndex(key) {
  if (typeof key !== 'string' || key === '') return false;
  const n = Number(key);
  return Number.isInteger(n) && n >= 0 && n < 4294967295 && String(n) === key;
}

// getOwnNonIndexProperties is getKeys without the indices. A typed array's
// own keys are all its indices, in order, and then the others (numeric keys
// cannot be added to it): they are cut off, not tested one by one, which
// took seconds for a buffer of a megabyte.
function getOwnNonIndexProperties(value, showHidden) {
  const keys = getKeys(value, showHidden);
  if (isTypedArray(value)) return keys.slice(typedArrayLength.call(value));
  return keys.filter((k) => !isIndex(k));
}

function isError(v) {
  return v instanceof Error || objectToString(v) === '[object Error]';
}

function typeTag(v) {
  return objectToString(v).slice(8, -1);
}

function isMap(v) { try { Map.prototype.has.call(v); return true; } catch { return false; } }
function isSet(v) { try { Set.prototype.has.call(v); return true; } catch { return false; } }
function isWeakMap(v) { try { WeakMap.prototype.has.call(v, {}); return true; } catch { return false; } }
function isWeakSet(v) { try { WeakSet.prototype.has.call(v, {}); return true; } catch { return false; } }
function isDate(v) { try { Date.prototype.getTime.call(v); return true; } catch { return false; } }
function isRegExp(v) {
  try { Object.getOwnPropertyDescriptor(RegExp.prototype, 'source').get.call(v); return true; } catch { return false; }
}
function isPromise(v) { return native.isPromise(v); }
const typedArrayProto = Object.getPrototypeOf(Uint8Array.prototype);
const typedArrayTagGetter = Object.getOwnPropertyDescriptor(typedArrayProto, Symbol.toStringTag).get;
function typedArrayName(v) { return typedArrayTagGetter.call(v); }
const typedArrayLength = Object.getOwnPropertyDescriptor(typedArrayProto, 'length').get;
function isTypedArray(v) { return typedArrayName(v) !== undefined; }
function isArrayBuffer(v) {
  try { Object.getOwnPropertyDescriptor(ArrayBuffer.prototype, 'byteLength').get.call(v); return true; } catch { return false; }
}
function isDataView(v) {
  try { Object.getOwnPropertyDescriptor(DataView.prototype, 'byteLength').get.call(v); return true; } catch { return false; }
}
function isMapIterator(v) { return typeTag(v) === 'Map Iterator'; }
function isSetIterator(v) { return typeTag(v) === 'Set Iterator'; }
function isArguments(v) { return typeTag(v) === 'Arguments'; }

function boxedKind(v) {
  const tries = [
    ['Number', Number.prototype.valueOf], ['String', String.prototype.valueOf],
    ['Boolean', Boolean.prototype.valueOf], ['BigInt', BigInt.prototype.valueOf],
    ['Symbol', Symbol.prototype.valueOf],
  ];
  for (const [type, fn] of tries) {
    try { return [type, fn.call(v)]; } catch { /* not this kind */ }
  }
  return undefined;
}

function isClass(fn, source) {
  if (!source.startsWith('class') || !source.endsWith('}')) return false;
  const body = source.slice(5, -1);
  const brace = body.indexOf('{');
  return brace !== -1 && !body.slice(0, brace).includes('(');
}

function getFunctionBase(value, constructor, tag) {
  let source = '';
  try { source = Function.prototype.toString.call(value); } catch { source = ''; }
  if (isClass(value, source)) {
    const name = (hasOwn(value, 'name') && value.name) || '(anonymous)';
    let base = `class ${name}`;
    if (constructor !== 'Function' && constructor !== null) base += ` [${constructor}]`;
    if (tag !== '' && constructor !== tag) base += ` [${tag}]`;
    if (constructor !== null) {
      const superName = Object.getPrototypeOf(value).name;
      if (superName) base += ` extends ${superName}`;
    } else {
      base += ' extends [null prototype]';
    }
    return `[${base}]`;
  }
  let type = 'Function';
  const kind = value[Symbol.toStringTag];
  if (kind === 'GeneratorFunction' || kind === 'AsyncGeneratorFunction') type = `Generator${type}`;
  if (kind === 'AsyncFunction' || kind === 'AsyncGeneratorFunction') type = `Async${type}`;
  let base = `[${type}`;
  if (constructor === null) base += ' (null prototype)';
  if (value.name === '') base += ' (anonymous)';
  else base += `: ${value.name}`;
  base += ']';
  if (constructor !== type && constructor !== null) base += ` ${constructor}`;
  if (tag !== '' && constructor !== tag) base += ` [${tag}]`;
  return base;
}

// errorStack returns the error's stack in Node's layout: goja indents frames
// with a tab, Node with four spaces.
function errorStack(err) {
  let stack;
  try { stack = err.stack; } catch { stack = undefined; }
  if (stack) return String(stack).replace(/\n\tat /g, '\n    at ').replace(/\n$/, '');
  return Error.prototype.toString.call(err);
}

function improveStack(stack, constructor, name, tag) {
  let len = name.length;
  if (constructor === null ||
      (name.endsWith('Error') && stack.startsWith(name) &&
       (stack.length === len || stack[len] === ':' || stack[len] === '\n'))) {
    let fallback = 'Error';
    if (constructor === null) {
      const start = stack.match(/^([A-Z][a-z_ A-Z0-9[\]()-]+)(?::|\n\s+at)/) ||
        stack.match(/^([a-z_A-Z0-9-]*Error)$/);
      fallback = (start && start[1]) || '';
      len = fallback.length;
      fallback = fallback || 'Error';
    }
    const prefix = getPrefix(constructor, tag, fallback).slice(0, -1);
    if (name !== prefix) {
      if (prefix.includes(name)) {
        stack = len === 0 ? `${prefix}: ${stack}` : `${prefix}${stack.slice(len)}`;
      } else {
        stack = `${prefix} [${name}]${stack.slice(len)}`;
      }
    }
  }
  return stack;
}

function formatError(err, constructor, tag, ctx, keys) {
  const name = err.name != null ? String(err.name) : 'Error';
  let stack = errorStack(err);
  if (!ctx.showHidden && keys.length !== 0) {
    for (const key of ['name', 'message', 'stack']) {
      const i = keys.indexOf(key);
      if (i !== -1 && stack.includes(err[key])) keys.splice(i, 1);
    }
  }
  if ('cause' in err && (keys.length === 0 || !keys.includes('cause'))) keys.push('cause');
  if (Array.isArray(err.errors) && (keys.length === 0 || !keys.includes('errors'))) keys.push('errors');
  stack = improveStack(stack, constructor, name, tag);
  let pos = (err.message && stack.indexOf(err.message)) || -1;
  if (pos !== -1) pos += err.message.length;
  const stackStart = stack.indexOf('\n    at', pos);
  if (stackStart === -1) stack = `[${stack}]`;
  if (ctx.indentationLvl !== 0) {
    stack = stack.replaceAll('\n', `\n${' '.repeat(ctx.indentationLvl)}`);
  }
  return stack;
}

function hexBytes(bytes, max) {
  let out = '';
  const n = Math.min(max, bytes.length);
  for (let i = 0; i < n; i++) {
    out += (i === 0 ? '' : ' ') + bytes[i].toString(16).padStart(2, '0');
  }
  const remaining = bytes.length - n;
  if (remaining > 0) out += ` ... ${remaining} more byte${remaining > 1 ? 's' : ''}`;
  return out;
}

// kMaxNesting is how many objects deep inspect goes, whatever the depth
// option says. Node inspects until V8's stack overflows and then prints
// what it has; goja's overflow cannot be caught, so inspect stops itself,
// well within the runtime's call-stack limit (a level takes a few frames)
// and before the output, whose size grows with the square of the depth,
// takes much memory; 512 still passes the bounds of Node's own test.
// Without it, depth: Infinity on a list 100,000 long ran for minutes.
const kMaxNesting = 512;

// interrupted is what Node prints where its stack ran out.
function interrupted(constructor, tag) {
  return `[${getPrefix(constructor, tag, 'Object').slice(0, -1)}: Inspection interrupted prematurely. Maximum call stack size exceeded.]`;
}

function formatRaw(ctx, value, recurseTimes, typedArray) {
  let keys;
  let protoProps;
  if (ctx.showHidden && (recurseTimes <= ctx.depth || ctx.depth === null)) protoProps = [];
  const constructor = getConstructorName(value, ctx, recurseTimes, protoProps);
  // Prototype properties to show: the shortcuts for no keys do not apply.
  const noProtoProps = protoProps === undefined || protoProps.length === 0;
  let tag = value[Symbol.toStringTag];
  if (typeof tag !== 'string' ||
      (tag !== '' && (ctx.showHidden ? hasOwn : isEnumerable)(value, Symbol.toStringTag))) {
    tag = '';
  }
  let base = '';
  let formatter = () => [];
  let braces;
  let noIterator = true;
  let extrasType = kObjectType;

  if (Symbol.iterator in value || constructor === null) {
    noIterator = false;
    if (Array.isArray(value)) {
      const prefix = (constructor !== 'Array' || tag !== '')
        ? getPrefix(constructor, tag, 'Array', `(${value.length})`) : '';
      keys = getOwnNonIndexProperties(value, ctx.showHidden);
      braces = [`${prefix}[`, ']'];
      if (value.length === 0 && keys.length === 0 && noProtoProps) return `${braces[0]}]`;
      extrasType = kArrayExtrasType;
      formatter = formatArray;
    } else if (isSet(value)) {
      const prefix = getPrefix(constructor, tag, 'Set', `(${value.size})`);
      keys = getKeys(value, ctx.showHidden);
      const size = value.size;
      formatter = (c, v, r) => formatSet(c, Set.prototype.values.call(v), size, r);
      if (value.size === 0 && keys.length === 0 && noProtoProps) return `${prefix}{}`;
      braces = [`${prefix}{`, '}'];
    } else if (isMap(value)) {
      const size = Object.getOwnPropertyDescriptor(Map.prototype, 'size').get.call(value);
      const prefix = getPrefix(constructor, tag, 'Map', `(${size})`);
      keys = getKeys(value, ctx.showHidden);
      formatter = (c, v, r) => formatMap(c, Map.prototype.entries.call(v), size, r);
      if (size === 0 && keys.length === 0 && noProtoProps) return `${prefix}{}`;
      braces = [`${prefix}{`, '}'];
    } else if (isTypedArray(value)) {
      keys = getOwnNonIndexProperties(value, ctx.showHidden);
      const fallback = constructor === null ? typedArrayName(value) : '';
      const prefix = getPrefix(constructor, tag, fallback, `(${value.length})`);
      braces = [`${prefix}[`, ']'];
      if (value.length === 0 && keys.length === 0 && noProtoProps && !ctx.showHidden) return `${braces[0]}]`;
      formatter = formatTypedArray;
      extrasType = kArrayExtrasType;
    } else if (isMapIterator(value) || isSetIterator(value)) {
      const kind = isMapIterator(value) ? 'Map Iterator' : 'Set Iterator';
      keys = getKeys(value, ctx.showHidden);
      braces = [`[${tag || kind}] {`, '}'];
      formatter = formatIterator;
    } else {
      noIterator = true;
    }
  }
  if (noIterator) {
    keys = getKeys(value, ctx.showHidden);
    braces = ['{', '}'];
    if (constructor === 'Object') {
      if (isArguments(value)) {
        braces[0] = '[Arguments] {';
      } else if (tag !== '') {
        braces[0] = `${getPrefix(constructor, tag, 'Object')}{`;
      }
      if (keys.length === 0 && noProtoProps && extrasType === kObjectType) return `${braces[0]}}`;
    } else if (typeof value === 'function') {
      base = getFunctionBase(value, constructor, tag);
      if (keys.length === 0 && noProtoProps) return base;
    } else if (isRegExp(value)) {
      base = RegExp.prototype.toString.call(constructor !== null ? value : new RegExp(value));
      const prefix = getPrefix(constructor, tag, 'RegExp');
      if (prefix !== 'RegExp ') base = `${prefix}${base}`;
      if (keys.length === 0 && noProtoProps || (recurseTimes > ctx.depth && ctx.depth !== null)) return base;
    } else if (isDate(value)) {
      const time = Date.prototype.getTime.call(value);
      base = Number.isNaN(time) ? 'Invalid Date' : Date.prototype.toISOString.call(value);
      const prefix = getPrefix(constructor, tag, 'Date');
      if (prefix !== 'Date ') base = `${prefix}${base}`;
      if (keys.length === 0 && noProtoProps) return base;
    } else if (isError(value)) {
      base = formatError(value, constructor, tag, ctx, keys);
      if (keys.length === 0 && noProtoProps) return base;
    } else if (isArrayBuffer(value)) {
      const prefix = getPrefix(constructor, tag, 'ArrayBuffer');
      if (typedArray === undefined) {
        formatter = (c, v) => [`[Uint8Contents]: <${hexBytes(new Uint8Array(v), c.maxArrayLength)}>`];
      } else if (keys.length === 0 && noProtoProps) {
        return `${prefix}{ byteLength: ${formatNumber(value.byteLength)} }`;
      }
      braces[0] = `${prefix}{`;
      keys.unshift('byteLength');
    } else if (isDataView(value)) {
      braces[0] = `${getPrefix(constructor, tag, 'DataView')}{`;
      keys.unshift('byteLength', 'byteOffset', 'buffer');
    } else if (isPromise(value)) {
      braces[0] = `${getPrefix(constructor, tag, 'Promise')}{`;
      formatter = formatPromise;
    } else if (isWeakSet(value)) {
      braces[0] = `${getPrefix(constructor, tag, 'WeakSet')}{`;
      formatter = () => ['<items unknown>'];
    } else if (isWeakMap(value)) {
      braces[0] = `${getPrefix(constructor, tag, 'WeakMap')}{`;
      formatter = () => ['<items unknown>'];
    } else {
      const boxed = typeof value === 'object' ? boxedKind(value) : undefined;
      if (boxed !== undefined) {
        const [type, prim] = boxed;
        if (type === 'String') keys.splice(0, prim.length);
        base = `[${type}`;
        if (type !== constructor) {
          base += constructor === null ? ' (null prototype)' : ` (${constructor})`;
        }
        const saved = ctx.compact;
        ctx.compact = true;
        base += `: ${formatPrimitive(prim, ctx)}]`;
        ctx.compact = saved;
        if (tag !== '' && tag !== constructor) base += ` [${tag}]`;
        if (keys.length === 0 && noProtoProps) return base;
      } else {
        if (keys.length === 0 && noProtoProps) return `${getPrefix(constructor, tag, 'Object')}{}`;
        braces[0] = `${getPrefix(constructor, tag, 'Object')}{`;
      }
    }
  }

  if (recurseTimes > ctx.depth && ctx.depth !== null) {
    let name = getPrefix(constructor, tag, 'Object').slice(0, -1);
    if (constructor !== null) name = `[${name}]`;
    return name;
  }
  if (ctx.seen.length >= kMaxNesting) return interrupted(constructor, tag);
  recurseTimes += 1;
  ctx.seen.push(value);
  ctx.currentDepth = recurseTimes;
  let output;
  try {
    output = formatter(ctx, value, recurseTimes);
    for (let i = 0; i < keys.length; i++) {
      output.push(formatProperty(ctx, value, recurseTimes, keys[i], extrasType));
    }
    if (protoProps !== undefined) {
      output.push(...protoProps);
    }
  } catch (err) {
    if (err instanceof RangeError && /call stack/i.test(String(err.message))) {
      ctx.seen.pop();
      return interrupted(constructor, tag);
    }
    throw err;
  }
  if (ctx.circular !== undefined) {
    const index = ctx.circular.get(value);
    if (index !== undefined) {
      const reference = `<ref *${index}>`;
      if (ctx.compact !== true) base = base === '' ? reference : `${reference} ${base}`;
      else braces[0] = `${reference} ${braces[0]}`;
    }
  }
  ctx.seen.pop();
  if (ctx.sorted) {
    output = output.map(flat); // the comparator sees strings
    const cmp = ctx.sorted === true ? undefined : ctx.sorted;
    if (extrasType === kObjectType) output.sort(cmp);
    else if (keys.length > 1) {
      const sorted = output.slice(output.length - keys.length).sort(cmp);
      output.splice(output.length - keys.length, keys.length, ...sorted);
    }
  }
  const res = reduceToSingleString(ctx, output, base, braces, extrasType, recurseTimes, value);
  const newLength = (ctx.budget[ctx.indentationLvl] || 0) + res.length;
  ctx.budget[ctx.indentationLvl] = newLength;
  if (newLength > 2 ** 27) ctx.depth = -1;
  return res;
}

function formatArray(ctx, value, recurseTimes) {
  const length = value.length;
  const max = Math.min(Math.max(0, ctx.maxArrayLength), length);
  const output = [];
  let i = 0;
  while (i < length && output.length < max) {
    if (hasOwn(value, i)) {
      output.push(formatProperty(ctx, value, recurseTimes, i, kArrayType));
      i++;
      continue;
    }
    let j = i;
    while (j < length && !hasOwn(value, j)) j++;
    const holes = j - i;
    output.push(`<${holes} empty item${holes > 1 ? 's' : ''}>`);
    i = j;
  }
  const remaining = length - i;
  if (remaining > 0) output.push(`... ${remaining} more item${remaining > 1 ? 's' : ''}`);
  return output;
}

function formatTypedArray(ctx, value) {
  const length = value.length;
  const max = Math.min(Math.max(0, ctx.maxArrayLength), length);
  const output = [];
  for (let i = 0; i < max; i++) {
    output.push(typeof value[i] === 'bigint' ? formatBigInt(value[i], ctx.numericSeparator) : formatNumber(value[i], ctx.numericSeparator));
  }
  const remaining = length - max;
  if (remaining > 0) output.push(`... ${remaining} more item${remaining > 1 ? 's' : ''}`);
  if (ctx.showHidden) {
    ctx.indentationLvl += 2;
    for (const key of ['BYTES_PER_ELEMENT', 'length', 'byteLength', 'byteOffset', 'buffer']) {
      output.push(concat(`[${key}]: `, formatValue(ctx, value[key], Infinity, true)));
    }
    ctx.indentationLvl -= 2;
  }
  return output;
}

function formatSet(ctx, iterator, size, recurseTimes) {
  const max = Math.min(Math.max(0, ctx.maxArrayLength), size);
  const output = [];
  ctx.indentationLvl += 2;
  for (const v of iterator) {
    if (output.length >= max) break;
    output.push(formatValue(ctx, v, recurseTimes));
  }
  const remaining = size - max;
  if (remaining > 0) output.push(`... ${remaining} more item${remaining > 1 ? 's' : ''}`);
  ctx.indentationLvl -= 2;
  return output;
}

function formatMap(ctx, iterator, size, recurseTimes) {
  const max = Math.min(Math.max(0, ctx.maxArrayLength), size);
  const output = [];
  ctx.indentationLvl += 2;
  for (const [k, v] of iterator) {
    if (output.length >= max) break;
    output.push(concat(formatValue(ctx, k, recurseTimes), ' => ', formatValue(ctx, v, recurseTimes)));
  }
  const remaining = size - max;
  if (remaining > 0) output.push(`... ${remaining} more item${remaining > 1 ? 's' : ''}`);
  ctx.indentationLvl -= 2;
  return output;
}

function formatIterator(ctx) {
  // Iterator contents cannot be read without consuming them.
  return [];
}

function formatPromise(ctx, value, recurseTimes) {
  const [state, result] = native.promiseState(value);
  if (state === 'pending') return ['<pending>'];
  ctx.indentationLvl += 2;
  const str = formatValue(ctx, result, recurseTimes);
  ctx.indentationLvl -= 2;
  return [state === 'rejected' ? concat('<rejected> ', str) : str];
}

const keyStrRegExp = /^[a-zA-Z_][a-zA-Z_0-9]*$/;

// formatProperty formats value's property key, or desc when given (a
// prototype's property, whose getter runs on original).
function formatProperty(ctx, value, recurseTimes, key, type, desc, original = value) {
  let str;
  let extra = ' ';
  desc = desc || Object.getOwnPropertyDescriptor(value, key) || { value: value[key], enumerable: true };
  if (desc.value !== undefined) {
    const diff = (ctx.compact !== true || type !== kObjectType) ? 2 : 3;
    ctx.indentationLvl += diff;
    str = formatValue(ctx, desc.value, recurseTimes);
    // compact: true puts a value too long for the line under its key.
    if (diff === 3 && ctx.breakLength < str.length) extra = `\n${' '.repeat(ctx.indentationLvl)}`;
    ctx.indentationLvl -= diff;
  } else if (desc.get !== undefined) {
    const label = desc.set !== undefined ? 'Getter/Setter' : 'Getter';
    if (ctx.getters && (ctx.getters === true ||
        (ctx.getters === 'get' && desc.set === undefined) ||
        (ctx.getters === 'set' && desc.set !== undefined))) {
      try {
        const tmp = desc.get.call(original);
        ctx.indentationLvl += 2;
        if (tmp === null) str = `[${label}: null]`;
        else if (typeof tmp === 'object') str = concat(`[${label}] `, formatValue(ctx, tmp, recurseTimes));
        else str = `[${label}: ${formatPrimitive(tmp, ctx)}]`;
        ctx.indentationLvl -= 2;
      } catch (err) {
        str = `[${label}: <Inspection threw (${err.message})>]`;
      }
    } else {
      str = `[${label}]`;
    }
  } else if (desc.set !== undefined) {
    str = '[Setter]';
  } else {
    str = 'undefined';
  }
  if (type === kArrayType) return str;
  let name;
  if (typeof key === 'symbol') {
    name = `[${symbolToString(key)}]`;
  } else if (key === '__proto__') {
    name = "['__proto__']";
  } else if (desc.enumerable === false) {
    name = `[${escapeChars(key, -1)}]`;
  } else if (keyStrRegExp.test(key)) {
    name = key;
  } else {
    name = quote(key);
  }
  // Most values are short: a template is what it costs to be long.
  return str.length < kRopeMin ? `${name}:${extra}${str}` : concat(name, ':', extra, str);
}

// groupArrayElements lays out long arrays of short entries in aligned
// columns, with the same column arithmetic as Node so that the output
// matches byte for byte.
function groupArrayElements(ctx, output, value) {
  let totalLength = 0;
  let maxLength = 0;
  let outputLength = output.length;
  if (ctx.maxArrayLength < output.length) outputLength--; // the "... more items" entry
  const separatorSpace = 2; // ", "
  const dataLen = new Array(outputLength);
  for (let i = 0; i < outputLength; i++) {
    const len = output[i].length;
    dataLen[i] = len;
    totalLength += len + separatorSpace;
    if (maxLength < len) maxLength = len;
  }
  const actualMax = maxLength + separatorSpace;
  if (actualMax * 3 + ctx.indentationLvl < ctx.breakLength &&
      (totalLength / actualMax > 5 || maxLength <= 6)) {
    const averageBias = Math.sqrt(actualMax - totalLength / output.length);
    const biasedMax = Math.max(actualMax - 3 - averageBias, 1);
    const columns = Math.min(
      Math.round(Math.sqrt(2.5 * biasedMax * outputLength) / biasedMax),
      Math.floor((ctx.breakLength - ctx.indentationLvl) / actualMax),
      ctx.compact * 4,
      15,
    );
    if (columns <= 1) return output;
    const maxLineLength = [];
    for (let i = 0; i < columns; i++) {
      let lineLength = 0;
      for (let j = i; j < output.length; j += columns) {
        if (dataLen[j] > lineLength) lineLength = dataLen[j];
      }
      maxLineLength.push(lineLength + separatorSpace);
    }
    let padStart = true; // numbers align right, anything else left
    if (value !== undefined) {
      for (let i = 0; i < output.length; i++) {
        if (typeof value[i] !== 'number' && typeof value[i] !== 'bigint') {
          padStart = false;
          break;
        }
      }
    }
    const grouped = [];
    for (let i = 0; i < outputLength; i += columns) {
      const max = Math.min(i + columns, outputLength);
      let line = '';
      let j = i;
      for (; j < max - 1; j++) {
        const cell = `${flat(output[j])}, `;
        line += padStart ? cell.padStart(maxLineLength[j - i]) : cell.padEnd(maxLineLength[j - i]);
      }
      line += padStart ? flat(output[j]).padStart(maxLineLength[j - i] - separatorSpace) : flat(output[j]);
      grouped.push(line);
    }
    if (ctx.maxArrayLength < output.length) grouped.push(output[outputLength]);
    output = grouped;
  }
  return output;
}

function isBelowBreakLength(ctx, output, start, base) {
  let totalLength = output.length + start;
  if (totalLength + output.length > ctx.breakLength) return false;
  for (let i = 0; i < output.length; i++) {
    totalLength += output[i].length;
    if (totalLength > ctx.breakLength) return false;
  }
  return base === '' || !base.includes('\n');
}

function reduceToSingleString(ctx, output, base, braces, extrasType, recurseTimes, value) {
  if (ctx.compact !== true) {
    if (typeof ctx.compact === 'number' && ctx.compact >= 1) {
      const entries = output.length;
      if (extrasType === kArrayExtrasType && entries > 6) {
        output = groupArrayElements(ctx, output, value);
      }
      // Up to `compact` inner levels fit on one line when short enough.
      if (ctx.currentDepth - recurseTimes < ctx.compact && entries === output.length) {
        const start = output.length + ctx.indentationLvl + braces[0].length + base.length + 10;
        if (isBelowBreakLength(ctx, output, start, base)) {
          if (ctx.breakLength < kRopeMin) {
            // The entries fit on a line, so they are short strings.
            const joined = output.join(', ');
            if (!joined.includes('\n')) return `${base ? `${base} ` : ''}${braces[0]} ${joined} ${braces[1]}`;
          } else if (!output.some(hasNewline)) {
            return joinPieces(`${base ? `${base} ` : ''}${braces[0]} `, output, ', ', ` ${braces[1]}`);
          }
        }
      }
    }
    const indentation = `\n${' '.repeat(ctx.indentationLvl)}`;
    return joinPieces(`${base ? `${base} ` : ''}${braces[0]}${indentation}  `, output, `,${indentation}  `, `${indentation}${braces[1]}`);
  }
  if (isBelowBreakLength(ctx, output, 0, base)) {
    return joinPieces(`${braces[0]}${base ? ` ${base}` : ''} `, output, ', ', ` ${braces[1]}`);
  }
  const indentation = ' '.repeat(ctx.indentationLvl);
  const ln = base === '' && braces[0].length === 1 ? ' ' : `${base ? ` ${base}` : ''}\n${indentation}  `;
  return joinPieces(`${braces[0]}${ln}`, output, `,\n${indentation}  `, ` ${braces[1]}`);
}

function hasBuiltInToString(value) {
  if (typeof value.toString !== 'function') return true;
  if (hasOwn(value, 'toString')) return false;
  let pointer = value;
  do {
    pointer = Object.getPrototypeOf(pointer);
  } while (pointer !== null && !hasOwn(pointer, 'toString'));
  if (pointer === null) return true;
  const desc = Object.getOwnPropertyDescriptor(pointer, 'constructor');
  return desc !== undefined && typeof desc.value === 'function' && builtInObjects.has(desc.value.name);
}

function tryStringify(v) {
  try {
    return JSON.stringify(v);
  } catch (err) {
    if (err instanceof TypeError && /circular/i.test(String(err.message))) return '[Circular]';
    throw err;
  }
}

function formatWithOptions(inspectOptions, ...args) {
  if (inspectOptions === null || typeof inspectOptions !== 'object') {
    const err = new TypeError(`The "inspectOptions" argument must be of type object.${describeReceived(inspectOptions)}`);
    err.code = 'ERR_INVALID_ARG_TYPE';
    throw err;
  }
  return formatArgs(inspectOptions, args);
}

// specificType is Node's determineSpecificType: how error messages name a
// value they received.
function specificType(v) {
  if (v == null) return `${v}`;
  if (typeof v === 'function') return `function ${v.name}`;
  if (typeof v === 'object') {
    const ctor = v.constructor;
    if (ctor && ctor.name) return `an instance of ${ctor.name}`;
    return inspect(v, { depth: -1 });
  }
  let shown = inspect(v, { colors: false });
  if (shown.length > 28) shown = `${shown.slice(0, 25)}...`;
  return `type ${typeof v} (${shown})`;
}

function describeReceived(v) {
  return ` Received ${specificType(v)}`;
}

function formatArgs(inspectOptions, args) {
  const first = args[0];
  let a = 0;
  let str = '';
  let join = '';
  if (typeof first === 'string') {
    if (args.length === 1) return first;
    // Numbers follow the numericSeparator option, or its default.
    const sep = inspectOptions && inspectOptions.numericSeparator !== undefined ?
      inspectOptions.numericSeparator : inspectDefaultOptions.numericSeparator;
    let lastPos = 0;
    let piece;
    for (let i = 0; i < first.length - 1; i++) {
      if (first.charCodeAt(i) !== 37) continue; // '%'
      const next = first[++i];
      if (a + 1 !== args.length) {
        switch (next) {
          case 's': {
            const arg = args[++a];
            if (typeof arg === 'number') piece = formatNumber(arg, sep);
            else if (typeof arg === 'bigint') piece = formatBigInt(arg, sep);
            else if (typeof arg !== 'object' || arg === null || !hasBuiltInToString(arg)) piece = String(arg);
            else piece = inspect(arg, Object.assign({}, inspectOptions, { depth: 0, colors: false, compact: 3 }));
            break;
          }
          case 'j': piece = tryStringify(args[++a]); break;
          case 'd': {
            const arg = args[++a];
            if (typeof arg === 'bigint') piece = formatBigInt(arg, sep);
            else if (typeof arg === 'symbol') piece = 'NaN';
            else piece = formatNumber(Number(arg), sep);
            break;
          }
          case 'O': piece = inspect(args[++a], inspectOptions); break;
          case 'o':
            piece = inspect(args[++a], Object.assign({}, inspectOptions, { showHidden: true, showProxy: true, depth: 4 }));
            break;
          case 'i': {
            const arg = args[++a];
            if (typeof arg === 'bigint') piece = formatBigInt(arg, sep);
            else if (typeof arg === 'symbol') piece = 'NaN';
            else piece = formatNumber(parseInt(arg), sep);
            break;
          }
          case 'f': {
            const arg = args[++a];
            piece = typeof arg === 'symbol' ? 'NaN' : formatNumber(parseFloat(arg), sep);
            break;
          }
          case 'c': a += 1; piece = ''; break;
          case '%': str += first.slice(lastPos, i); lastPos = i + 1; continue;
          default: continue;
        }
        if (lastPos !== i - 1) str += first.slice(lastPos, i - 1);
        str += piece;
        lastPos = i + 1;
      } else if (next === '%') {
        str += first.slice(lastPos, i);
        lastPos = i + 1;
      }
    }
    if (lastPos !== 0) {
      a++;
      join = ' ';
      if (lastPos < first.length) str += first.slice(lastPos);
    }
  }
  while (a < args.length) {
    const value = args[a];
    str += join;
    str += typeof value !== 'string' ? inspect(value, inspectOptions) : value;
    join = ' ';
    a++;
  }
  return str;
}

function format(...args) {
  return formatArgs(undefined, args);
}

module.exports = {
  inspect, format, formatWithOptions,
  isError, isMap, isSet, isWeakMap, isWeakSet, isDate, isRegExp, isPromise, isTypedArray,
  isArrayBuffer, isDataView, isMapIterator, isSetIterator, isArguments, boxedKind,
  typedArrayName, describeReceived, specificType, addNumericSeparator, getKeys, getOwnNonIndexProperties,
};
