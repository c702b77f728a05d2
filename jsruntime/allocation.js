// V8's limits on what one allocation may ask for, checked before goja
// allocates. goja allocates whatever it is asked for, and Go cannot recover
// from a failed allocation: new ArrayBuffer(2**40) or 'x'.repeat(2**40) was
// a fatal out-of-memory crash instead of V8's RangeError. Runs before any
// other JavaScript, so that every constructor and method handed out is the
// checked one. Receives canAllocate(bytes) (nodelib.CanAllocate).
(function (canAllocate) {
  'use strict';
  // V8's longest string (2**29 - 24) and longest typed array (2**32
  // elements, Node's buffer.constants.MAX_LENGTH for bytes).
  const maxStringLength = 2 ** 29 - 24;
  const maxTypedArrayLength = 2 ** 32;
  const { apply, construct, defineProperty } = Reflect;
  const invalidStringLength = () => new RangeError('Invalid string length');
  // Below this size canAllocate (a call into Go) always says yes.
  const largeAllocation = 2 ** 20;

  // A checked constructor is a function in place of the original that
  // checks its arguments and constructs the original. It shares the
  // original's prototype (so instanceof holds), inherits from the
  // original's parent (%TypedArray%: from, of), carries its own statics
  // (BYTES_PER_ELEMENT, isView, Symbol.species), and passes new.target on
  // (so classes that extend it construct themselves). goja's Proxy would
  // be simpler, but goja's instanceof refuses a Proxy of a constructor.
  //
  // For typed arrays elementSize is BYTES_PER_ELEMENT; for ArrayBuffer it
  // is 0. The checks are written inline, not as a callback, and the
  // function never names `arguments` (which goja then builds for every
  // call): either made construction several times slower in goja. A
  // missing argument and an undefined one mean the same to each of these
  // constructors, so three named parameters pass everything on.
  function checkConstruction(Ctor, elementSize) {
    const checked = {
      [Ctor.name]: function (a, b, c) {
        if (new.target === undefined) return apply(Ctor, this, [a, b, c]); // goja's TypeError: requires 'new'
        if (elementSize === 0 || typeof a !== 'object' || a === null) {
          // A length: ArrayBuffer converts whatever it is given, a typed
          // array anything but an object. Convert it once, here, as the
          // spec does (a valueOf runs once; a BigInt or Symbol throws
          // TypeError), and hand goja the number: "1099511627776" or
          // {valueOf} passed a check that looked only at numbers.
          if (a !== undefined) a = +a;
        } else if (!isView(a) && !(a instanceof OriginalArrayBuffer) && typeof a[Symbol.iterator] !== 'function') {
          // An array-like: goja sizes the array from its length.
          const n = Math.trunc(+a.length);
          if (n > maxTypedArrayLength) throw new RangeError(`Invalid typed array length: ${n}`);
          if (n * elementSize >= largeAllocation && !canAllocate(n * elementSize)) throw new RangeError('Array buffer allocation failed');
        }
        if (typeof a === 'number') {
          // new T(length) allocates; new T(buffer, offset, length) is
          // checked against its buffer by goja.
          const n = Math.trunc(a);
          if (elementSize === 0) {
            if (n < 0 || n > Number.MAX_SAFE_INTEGER) throw new RangeError('Invalid array buffer length');
          } else if (n > maxTypedArrayLength) {
            throw new RangeError(`Invalid typed array length: ${n}`);
          }
          const bytes = elementSize === 0 ? n : n * elementSize;
          if (bytes >= largeAllocation && !canAllocate(bytes)) throw new RangeError('Array buffer allocation failed');
        }
        if (new.target === checked) return new Ctor(a, b, c);
        return construct(Ctor, [a, b, c], new.target);
      },
    }[Ctor.name];
    for (const key of Reflect.ownKeys(Ctor)) {
      if (key === 'name') continue;
      defineProperty(checked, key, Reflect.getOwnPropertyDescriptor(Ctor, key));
    }
    Object.setPrototypeOf(checked, Object.getPrototypeOf(Ctor));
    defineProperty(Ctor.prototype, 'constructor', { value: checked, writable: true, enumerable: false, configurable: true });
    defineProperty(globalThis, Ctor.name, { value: checked, writable: true, enumerable: false, configurable: true });
  }

  const OriginalArrayBuffer = globalThis.ArrayBuffer;
  const isView = OriginalArrayBuffer.isView;
  for (const name of ['ArrayBuffer', 'SharedArrayBuffer']) {
    if (typeof globalThis[name] === 'function') checkConstruction(globalThis[name], 0);
  }
  for (const name of ['Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array',
    'Int32Array', 'Uint32Array', 'Float32Array', 'Float64Array', 'BigInt64Array', 'BigUint64Array']) {
    const Ctor = globalThis[name];
    if (typeof Ctor === 'function') checkConstruction(Ctor, Ctor.BYTES_PER_ELEMENT);
  }

  // String methods whose result length is known (or bounded below) before
  // they build it. Each keeps its name and length, and calls the original
  // through a bound call with fixed arguments, not ...args and apply,
  // which goja runs several times slower.
  function replaceMethod(proto, name, checked) {
    defineProperty(checked, 'name', { value: name, configurable: true });
    defineProperty(checked, 'length', { value: proto[name].length, configurable: true });
    defineProperty(proto, name, { value: checked, writable: true, enumerable: false, configurable: true });
  }
  const callOf = (f) => Function.prototype.call.bind(f);
  // Each method converts its receiver and arguments once, here, in the
  // spec's order (ToString of the receiver first; null and undefined are
  // left for the original to refuse), checks the result's length, and
  // hands the original the converted values, so that a toString or
  // valueOf runs once and cannot answer the check one thing and the
  // method another.
  const asString = (s) => (typeof s === 'string' || s === null || s === undefined ? s : `${s}`);
  const asNumber = (v) => (typeof v === 'number' || v === undefined ? v : +v);
  const lengthOf = (s) => (typeof s === 'string' ? s.length : 0);
  const countOf = (v) => (v > 0 ? v : 0);

  const repeat = callOf(String.prototype.repeat);
  replaceMethod(String.prototype, 'repeat', function (count) {
    const s = asString(this);
    count = asNumber(count);
    if (lengthOf(s) * countOf(count) > maxStringLength) throw invalidStringLength();
    return repeat(s, count);
  });
  for (const name of ['padStart', 'padEnd']) {
    const pad = callOf(String.prototype[name]);
    replaceMethod(String.prototype, name, function (maxLength, fill) {
      const s = asString(this);
      maxLength = asNumber(maxLength);
      fill = asString(fill);
      if (countOf(maxLength) > maxStringLength && countOf(maxLength) > lengthOf(s) && fill !== '') throw invalidStringLength();
      return pad(s, maxLength, fill);
    });
  }
  const concat = String.prototype.concat;
  replaceMethod(String.prototype, 'concat', function (...args) {
    const s = asString(this);
    let n = lengthOf(s);
    for (let i = 0; i < args.length; i++) {
      args[i] = asString(args[i]);
      n += lengthOf(args[i]);
    }
    if (n > maxStringLength) throw invalidStringLength();
    return apply(concat, s, args);
  });
  // Array.prototype.join is checked in Go (nodelib.joinTooLong), where
  // its depth is bounded too: a JavaScript wrapper would add a frame for
  // each level of nested arrays.
})
