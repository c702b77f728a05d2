// The JavaScript half of the runtime: process, the module objects and
// error helpers; timers.js and console.js run right after it. It runs
// once per runtime, before any user code, and receives the Go half as
// `binding`. It is part of the intact binary, not a file on disk, so it is
// not subject to the policy.
(function (binding) {
  'use strict';

  const builtinRequire = binding.builtinRequire;
  let util; // the util built-in, loaded on first use
  function getUtil() {
    if (util === undefined) {
      try { util = builtinRequire('util'); } catch (e) { util = null; }
    }
    return util;
  }
  function inspect(v, opts) {
    const u = getUtil();
    if (u && typeof u.inspect === 'function') return u.inspect(v, opts);
    if (typeof v === 'string') return "'" + v + "'";
    try { return String(v); } catch (e) { return Object.prototype.toString.call(v); }
  }
  // plainText reports whether format(...args) is args.join(' '): for
  // strings alone, the first without a '%' unless it is alone, Node's
  // formatWithOptions only joins them. A program that prints only text
  // then never loads util and its inspector.
  function plainText(args) {
    if (args.length > 1 && typeof args[0] === 'string' && args[0].includes('%')) return false;
    for (let i = 0; i < args.length; i++) if (typeof args[i] !== 'string') return false;
    return true;
  }
  function format(...args) {
    if (plainText(args)) return args.join(' ');
    const u = getUtil();
    if (u && typeof u.format === 'function') return u.format(...args);
    return args.map((a) => (typeof a === 'string' ? a : inspect(a))).join(' ');
  }

  // ---- Annex B accessor methods -----------------------------------------
  // Object.prototype.__defineGetter__ and friends, which V8 has and goja
  // lacks (yargs uses them), as ECMA-262 Annex B.2.2 specifies them.
  {
    const toKey = (p) => (typeof p === 'symbol' ? p : String(p));
    const lookup = (self, p, kind) => {
      const key = toKey(p);
      for (let o = Object(self); o !== null; o = Object.getPrototypeOf(o)) {
        const d = Object.getOwnPropertyDescriptor(o, key);
        if (d !== undefined) return d[kind];
      }
      return undefined;
    };
    const methods = {
      __defineGetter__(p, getter) {
        const o = Object(this);
        if (typeof getter !== 'function') throw new TypeError('Object.prototype.__defineGetter__: Expecting function');
        Object.defineProperty(o, toKey(p), { get: getter, enumerable: true, configurable: true });
      },
      __defineSetter__(p, setter) {
        const o = Object(this);
        if (typeof setter !== 'function') throw new TypeError('Object.prototype.__defineSetter__: Expecting function');
        Object.defineProperty(o, toKey(p), { set: setter, enumerable: true, configurable: true });
      },
      __lookupGetter__(p) { return lookup(this, p, 'get'); },
      __lookupSetter__(p) { return lookup(this, p, 'set'); },
    };
    for (const name of Object.keys(methods)) {
      if (!(name in Object.prototype)) {
        Object.defineProperty(Object.prototype, name, { value: methods[name], writable: true, enumerable: false, configurable: true });
      }
    }
  }

  // ---- errors ----------------------------------------------------------
  const ctors = { Error, TypeError, RangeError, SyntaxError };
  function makeError(code, message, type) {
    const Ctor = ctors[type] || Error;
    const e = new Ctor(message);
    if (code && code.startsWith('ERR_')) {
      // Node's internal errors show their code in the stack's first line;
      // its system errors (ENOENT) and MODULE_NOT_FOUND do not.
      e.name = `${Ctor.name} [${code}]`;
      void e.stack;
      delete e.name;
      e.code = code;
      // As Node's internal errors print themselves.
      Object.defineProperty(e, 'toString', {
        value() { return `${this.name} [${code}]: ${this.message}`; }, writable: true, enumerable: false, configurable: true,
      });
    } else if (code) {
      e.code = code;
    }
    // The stack starts at the JavaScript that called into the runtime, in
    // Node's format.
    Object.defineProperty(e, 'stack', { value: nodeStack(e.stack), writable: true, enumerable: false, configurable: true });
    return e;
  }
  function isError(v) {
    return v instanceof Error || Object.prototype.toString.call(v) === '[object Error]';
  }
  // goja writes frames as "\tat name (file:line:col(pc))"; Node writes
  // "    at name (file:line:col)".
  const internalFrame = /^\s*at (makeError |apply \(native\)|runMacrotask |github\.com\/|\S+ \(github\.com\/)/;
  function nodeStack(stack) {
    return String(stack).split('\n').filter((l) => l !== '' && !internalFrame.test(l)).map((line) => {
      const m = /^\s*at (?:(.+?) \()?(.+?)(?:\(\d+\))?\)?$/.exec(line);
      if (!m || !/^\s/.test(line)) return line;
      // Columns on a module's first line count the CommonJS wrapper.
      const loc = m[2].replace(/^(.+):1:(\d+)$/, (all, file, col) =>
        (Number(col) > binding.wrapperLength && !file.startsWith('node:') ? `${file}:1:${Number(col) - binding.wrapperLength}` : all));
      return m[1] ? `    at ${m[1]} (${loc})` : `    at ${loc}`;
    }).join('\n');
  }
  // formatFatal renders an uncaught exception as Node prints it.
  function formatFatal(e) {
    if (isError(e)) {
      let s = e.stack !== undefined ? nodeStack(e.stack) : String(e);
      // goja's GoError carries the Go value, which means nothing to users.
      const keys = Object.keys(e).filter((k) => k !== 'stack' && k !== 'message' && !(e.name === 'GoError' && k === 'value'));
      if (keys.length > 0) {
        s += ' {\n' + keys.map((k) => `  ${k}: ${inspect(e[k])}`).join(',\n') + '\n}';
      }
      return s;
    }
    return 'Uncaught ' + inspect(e);
  }
  function invalidArgType(name, expected, actual) {
    let received;
    if (actual == null) received = ` Received ${actual}`;
    else if (typeof actual === 'function') received = ` Received function ${actual.name}`;
    else if (typeof actual === 'object') received = ` Received an instance of ${actual.constructor && actual.constructor.name || 'Object'}`;
    else received = ` Received type ${typeof actual} (${inspect(actual)})`;
    const what = name.includes('.') ? 'property' : 'argument';
    return makeError('ERR_INVALID_ARG_TYPE', `The "${name}" ${what} must be ${expected}.${received}`, 'TypeError');
  }

  // ---- a small event emitter for process and the stdio streams --------
  const emitterMethods = {
    on(name, fn) { return this.addListener(name, fn); },
    addListener(name, fn) {
      if (typeof fn !== 'function') throw invalidArgType('listener', 'of type function', fn);
      const ev = this._events || (this._events = Object.create(null));
      (ev[name] || (ev[name] = [])).push(fn);
      if (this._onListen) this._onListen(name);
      return this;
    },
    prependListener(name, fn) {
      const ev = this._events || (this._events = Object.create(null));
      (ev[name] || (ev[name] = [])).unshift(fn);
      if (this._onListen) this._onListen(name);
      return this;
    },
    once(name, fn) {
      const self = this;
      function wrapper(...args) { self.removeListener(name, wrapper); return fn.apply(this, args); }
      wrapper.listener = fn;
      return this.on(name, wrapper);
    },
    off(name, fn) { return this.removeListener(name, fn); },
    removeListener(name, fn) {
      const list = this._events && this._events[name];
      if (list) {
        const i = list.findIndex((l) => l === fn || l.listener === fn);
        if (i >= 0) list.splice(i, 1);
      }
      return this;
    },
    removeAllListeners(name) {
      if (name === undefined) this._events = Object.create(null);
      else if (this._events) delete this._events[name];
      return this;
    },
    emit(name, ...args) {
      const list = this._events && this._events[name];
      if (!list || list.length === 0) return false;
      for (const fn of list.slice()) fn.apply(this, args);
      return true;
    },
    listeners(name) { return ((this._events && this._events[name]) || []).map((l) => l.listener || l); },
    rawListeners(name) { return ((this._events && this._events[name]) || []).slice(); },
    listenerCount(name) { return ((this._events && this._events[name]) || []).length; },
    eventNames() { return this._events ? Object.keys(this._events) : []; },
    setMaxListeners() { return this; },
    getMaxListeners() { return 10; },
  };
  function hideEmitterState(obj) {
    Object.defineProperty(obj, '_events', { value: Object.create(null), writable: true, enumerable: false, configurable: true });
  }

  // warnDeprecatedOnce emits the DeprecationWarning code once per runtime.
  const warnedDeprecations = new Set();
  function warnDeprecatedOnce(message, code) {
    if (!warnedDeprecations.has(code)) {
      warnedDeprecations.add(code);
      process.emitWarning(message, 'DeprecationWarning', code);
    }
  }

  // ---- process ---------------------------------------------------------
  const process = binding.process;
  // Node's process.env stores every value as a string and has no symbol
  // keys; it refuses accessors and descriptors that are not plain data.
  function envValue(value) {
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
      warnDeprecatedOnce('Assigning any value other than a string, number, or boolean to a process.env property ' +
        'is deprecated. Please make sure to convert the value to a string before setting process.env with it.', 'DEP0104');
    }
    return `${value}`;
  }
  process.env = new Proxy(process.env, {
    get(target, key) { return typeof key === 'symbol' ? undefined : target[key]; },
    has(target, key) { return typeof key === 'symbol' ? false : key in target; },
    deleteProperty(target, key) { if (typeof key !== 'symbol') delete target[key]; return true; },
    set(target, key, value) {
      if (typeof key === 'symbol') throw new TypeError('Cannot convert a Symbol value to a string');
      target[key] = envValue(value);
      return true;
    },
    defineProperty(target, key, desc) {
      if ('get' in desc || 'set' in desc) {
        throw makeError('ERR_INVALID_OBJECT_DEFINE_PROPERTY', "'process.env' does not accept an accessor(getter/setter) descriptor", 'TypeError');
      }
      if (!desc.configurable || !desc.writable || !desc.enumerable) {
        throw makeError('ERR_INVALID_OBJECT_DEFINE_PROPERTY', "'process.env' only accepts a configurable, writable, and enumerable data descriptor", 'TypeError');
      }
      if (typeof key === 'symbol') throw new TypeError('Cannot convert a Symbol value to a string');
      target[key] = envValue(desc.value);
      return true;
    },
  });
  for (const k of Object.keys(emitterMethods)) {
    Object.defineProperty(process, k, { value: emitterMethods[k], writable: true, enumerable: false, configurable: true });
  }
  hideEmitterState(process);

  function toBytes(chunk, encoding) {
    if (typeof chunk === 'string') return chunk;
    if (chunk instanceof Uint8Array || chunk instanceof ArrayBuffer || ArrayBuffer.isView(chunk)) return chunk;
    throw invalidArgType('chunk', 'of type string or an instance of Buffer, TypedArray, or DataView', chunk);
  }
  function makeWritable(fd) {
    const s = Object.create(emitterMethods);
    hideEmitterState(s);
    s.fd = fd;
    s.isTTY = binding.isatty(fd) || undefined;
    if (s.isTTY) {
      s.columns = binding.termColumns(fd);
      s.getColorDepth = () => 8;
      s.hasColors = (n) => (n === undefined ? true : n <= 256);
    }
    s.writable = true;
    s.write = function (chunk, encoding, cb) {
      if (typeof encoding === 'function') { cb = encoding; encoding = undefined; }
      binding.write(fd, toBytes(chunk, encoding));
      if (typeof cb === 'function') process.nextTick(cb);
      return true;
    };
    s.end = function (chunk, encoding, cb) {
      if (typeof chunk === 'function') { cb = chunk; chunk = undefined; }
      if (chunk !== undefined && chunk !== null) s.write(chunk, encoding);
      if (typeof cb === 'function') process.nextTick(cb);
      return s;
    };
    s.cork = s.uncork = () => {};
    s.setDefaultEncoding = () => s;
    return s;
  }
  process.stdout = makeWritable(1);
  process.stderr = makeWritable(2);

  const stdin = Object.create(emitterMethods);
  hideEmitterState(stdin);
  stdin.fd = 0;
  stdin.isTTY = binding.isatty(0) || undefined;
  stdin.readable = true;
  let stdinEncoding;
  stdin.setEncoding = (enc) => { stdinEncoding = enc; return stdin; };
  stdin.resume = () => { binding.stdinStart(); return stdin; };
  stdin.pause = () => { binding.stdinStop(); return stdin; };
  stdin.unref = () => stdin;
  stdin.ref = () => stdin;
  stdin.setRawMode = () => stdin;
  stdin._onListen = (name) => { if (name === 'data' || name === 'end' || name === 'readable') binding.stdinStart(); };
  stdin._chunk = (bytes) => {
    const Buf = globalThis.Buffer;
    const data = stdinEncoding ? Buf.from(bytes).toString(stdinEncoding) : Buf.from(bytes);
    stdin.emit('data', data);
  };
  stdin._end = () => { stdin.readable = false; stdin.emit('end'); stdin.emit('close'); };
  process.stdin = stdin;

  // nextTick callbacks run after the current macrotask and before promise
  // callbacks queued by it, as in Node.
  const ticks = [];
  let tickScheduled = false;
  function runTicks() {
    tickScheduled = false;
    while (ticks.length > 0) {
      const t = ticks.shift();
      try {
        t.fn(...t.args);
      } catch (e) {
        binding.reportUncaught(e);
        return;
      }
    }
  }
  process.nextTick = function nextTick(fn, ...args) {
    if (typeof fn !== 'function') throw invalidArgType('callback', 'of type function', fn);
    ticks.push({ fn, args });
    if (!tickScheduled) {
      tickScheduled = true;
      Promise.resolve().then(runTicks);
    }
  };
  function runMacrotask(fn, self, args) {
    // Reflect.apply: a callback's own call and apply may be anything.
    const r = Reflect.apply(fn, self, args);
    runTicks();
    return r;
  }

  let exitCode;
  Object.defineProperty(process, 'exitCode', {
    get() { return exitCode; },
    set(v) {
      if (v !== undefined && v !== null && !Number.isInteger(Number(v))) {
        throw invalidArgType('code', 'of type number', v);
      }
      exitCode = v;
    },
    enumerable: true, configurable: false,
  });
  // _exiting is true while the 'exit' listeners run, as in Node (code
  // such as assert.CallTracker refuses work then).
  process._exiting = false;
  process.exit = function exit(code) {
    if (code !== undefined) process.exitCode = code;
    binding.exit(exitCode === undefined || exitCode === null ? 0 : Number(exitCode) | 0);
  };
  process.reallyExit = process.exit;
  process.abort = () => binding.exit(134);
  process.cwd = binding.cwd;
  process.chdir = function chdir(directory) {
    if (typeof directory !== 'string') throw invalidArgType('directory', 'of type string', directory);
    const cwd = binding.cwd();
    const failed = binding.chdir(directory);
    if (failed !== undefined) {
      const [code, errno, desc] = failed;
      const e = makeError('', `${code}: ${desc}, chdir '${cwd}' -> '${directory}'`);
      throw Object.assign(e, { errno, code, syscall: 'chdir', path: cwd, dest: directory });
    }
  };
  process.uptime = binding.uptime;
  process.hrtime = function hrtime(prev) {
    const [s, ns] = binding.hrtime();
    if (prev === undefined) return [s, ns];
    if (!Array.isArray(prev)) throw invalidArgType('time', 'an instance of Array', prev);
    if (prev.length !== 2) {
      throw makeError('ERR_OUT_OF_RANGE', `The value of "time" is out of range. It must be 2. Received ${prev.length}`, 'RangeError');
    }
    let ds = s - prev[0];
    let dns = ns - prev[1];
    if (dns < 0) { ds -= 1; dns += 1e9; }
    return [ds, dns];
  };
  process.hrtime.bigint = binding.hrtimeBigint;
  process.memoryUsage = binding.memoryUsage;
  process.memoryUsage.rss = () => binding.memoryUsage().rss;
  // process.cpuUsage(prev) is the CPU time since prev, checked as Node
  // checks it.
  process.cpuUsage = function cpuUsage(prevValue) {
    const now = binding.cpuUsage();
    if (prevValue === undefined) return now;
    if (prevValue === null || typeof prevValue !== 'object') throw invalidArgType('prevValue', 'of type object', prevValue);
    for (const key of ['user', 'system']) {
      const v = prevValue[key];
      if (typeof v !== 'number') throw invalidArgType(`prevValue.${key}`, 'of type number', v);
      if (v < 0 || !Number.isFinite(v)) {
        throw makeError('ERR_INVALID_ARG_VALUE', `The property 'prevValue.${key}' is invalid. Received ${v}`, 'RangeError');
      }
    }
    return { user: now.user - prevValue.user, system: now.system - prevValue.system };
  };
  // Node's validateUint32.
  function validateUint32(value, name) {
    if (typeof value !== 'number') throw invalidArgType(name, 'of type number', value);
    if (!Number.isInteger(value) || value < 0 || value > 4294967295) {
      const range = Number.isInteger(value) ? '>= 0 && <= 4294967295' : 'an integer';
      throw makeError('ERR_OUT_OF_RANGE', `The value of "${name}" is out of range. It must be ${range}. Received ${inspect(value)}`, 'RangeError');
    }
  }
  // errnoException is Node's ErrnoException for [code, errno, description]
  // from the binding: "kill EINVAL", with errno, code and syscall.
  function errnoException([code, errno], syscall) {
    const e = makeError('', `${syscall} ${code}`);
    Object.assign(e, { errno, code, syscall });
    return e;
  }
  // credentialException is the error Node's C++ throws when the system
  // refuses a credential change: "EPERM, Operation not permitted".
  function credentialException([code, errno, desc], syscall) {
    const e = makeError('', `${code}, ${desc[0].toUpperCase()}${desc.slice(1)}`);
    Object.assign(e, { errno, code, syscall });
    return e;
  }
  process.umask = function umask(mask) {
    if (mask === undefined) return binding.umask(-1);
    if (typeof mask === 'string') {
      if (!/^[0-7]+$/.test(mask)) {
        throw makeError('ERR_INVALID_ARG_VALUE', `The argument 'mask' must be a 32-bit unsigned integer or an octal string. Received ${inspect(mask)}`, 'TypeError');
      }
      mask = Number.parseInt(mask, 8);
    }
    validateUint32(mask, 'mask');
    return binding.umask(mask & 0o777);
  };
  process.getuid = binding.getuid;
  process.getgid = binding.getgid;
  if (binding.setuid !== undefined) {
    process.geteuid = binding.geteuid;
    process.getegid = binding.getegid;
    process.getgroups = binding.getgroups;
    const validateId = (id, name) => {
      if (typeof id === 'number') validateUint32(id, name);
      else if (typeof id !== 'string') throw invalidArgType(name, 'one of type number or string', id);
    };
    const unknownCredential = (type, id) => makeError('ERR_UNKNOWN_CREDENTIAL', `${type} identifier does not exist: ${id}`);
    const idSetter = (type, method, syscall) => function (id) {
      validateId(id, 'id');
      if (typeof id === 'number') id >>>= 0;
      const result = method(id);
      if (result === 1) throw unknownCredential(type, id);
      if (result !== undefined) throw credentialException(result, syscall);
    };
    process.setuid = idSetter('User', binding.setuid, 'setuid');
    process.seteuid = idSetter('User', binding.seteuid, 'seteuid');
    process.setgid = idSetter('Group', binding.setgid, 'setgid');
    process.setegid = idSetter('Group', binding.setegid, 'setegid');
    process.setgroups = function setgroups(groups) {
      if (!Array.isArray(groups)) throw invalidArgType('groups', 'an instance of Array', groups);
      for (let i = 0; i < groups.length; i++) validateId(groups[i], `groups[${i}]`);
      const result = binding.setgroups(groups);
      if (typeof result === 'number') throw unknownCredential('Group', groups[result - 1]);
      if (result !== undefined) throw credentialException(result, 'setgroups');
    };
    process.initgroups = function initgroups(user, extraGroup) {
      validateId(user, 'user');
      validateId(extraGroup, 'extraGroup');
      const result = binding.initgroups(user, extraGroup);
      if (result === 1) throw unknownCredential('User', user);
      if (result === 2) throw unknownCredential('Group', extraGroup);
      if (result !== undefined) throw credentialException(result, 'initgroups');
    };
  }
  // process._kill returns the errno, as Node's does (tests replace it).
  process._kill = function _kill(pid, sig) {
    const result = binding.kill(pid, sig);
    return result === undefined ? 0 : result[1];
  };
  const errnoCodes = { [-1]: 'EPERM', [-3]: 'ESRCH', [-22]: 'EINVAL', [-4040]: 'ESRCH' };
  process.kill = function kill(pid, sig) {
    // eslint-disable-next-line eqeqeq
    if (pid != (pid | 0)) throw invalidArgType('pid', 'of type number', pid);
    let err;
    if (sig === (sig | 0)) {
      err = process._kill(pid, sig);
    } else {
      sig = sig || 'SIGTERM';
      const signals = builtinRequire('os').constants.signals;
      if (!Object.prototype.hasOwnProperty.call(signals, sig)) {
        throw makeError('ERR_UNKNOWN_SIGNAL', `Unknown signal: ${sig}`, 'TypeError');
      }
      err = process._kill(pid, signals[sig]);
    }
    if (err) throw errnoException([errnoCodes[err] || `Unknown system error ${err}`, err], 'kill');
    return true;
  };
  process.getActiveResourcesInfo = function getActiveResourcesInfo() {
    const [timeouts, immediates] = binding.activeResources();
    return [...Array(timeouts).fill('Timeout'), ...Array(immediates).fill('Immediate')];
  };
  process.constrainedMemory = () => undefined;
  let sourceMapsEnabled = false;
  process.setSourceMapsEnabled = function setSourceMapsEnabled(val) {
    if (typeof val !== 'boolean') throw invalidArgType('val', 'of type boolean', val);
    // intact runs what it checked: it has no source-map support to enable.
    sourceMapsEnabled = val;
  };
  Object.defineProperty(process, 'sourceMapsEnabled', { get: () => sourceMapsEnabled, enumerable: true, configurable: true });
  // Node's DEP0100.
  process.assert = function assert(value, message) {
    warnDeprecatedOnce('process.assert() is deprecated. Please use the `assert` module instead.', 'DEP0100');
    if (!value) {
      const e = makeError('ERR_ASSERTION', message || 'assertion error');
      throw e;
    }
  };
  // Node's setUncaughtExceptionCaptureCallback: one callback that takes
  // uncaught exceptions instead of 'uncaughtException' listeners.
  let captureCallback = null;
  process.setUncaughtExceptionCaptureCallback = function setUncaughtExceptionCaptureCallback(fn) {
    if (fn === null) {
      captureCallback = null;
      return;
    }
    if (typeof fn !== 'function') throw invalidArgType('fn', 'of type function or null', fn);
    if (captureCallback !== null) {
      throw makeError('ERR_UNCAUGHT_EXCEPTION_CAPTURE_ALREADY_SET', '`process.setupUncaughtExceptionCapture()` was called while a capture callback was already active');
    }
    captureCallback = fn;
  };
  process.hasUncaughtExceptionCaptureCallback = () => captureCallback !== null;
  process.binding = () => { throw makeError('ERR_FEATURE_UNAVAILABLE_ON_PLATFORM', 'process.binding is not supported by intact'); };
  // Node's lib/internal/process/warning.js.
  process.emitWarning = function emitWarning(warning, type, code, ctor) {
    let detail;
    if (type !== null && typeof type === 'object' && !Array.isArray(type)) {
      ctor = type.ctor;
      code = type.code;
      if (typeof type.detail === 'string') detail = type.detail;
      type = type.type || 'Warning';
    } else if (typeof type === 'function') {
      ctor = type;
      code = undefined;
      type = 'Warning';
    }
    if (type !== undefined && typeof type !== 'string') throw invalidArgType('type', 'of type string', type);
    if (typeof code === 'function') {
      ctor = code;
      code = undefined;
    } else if (code !== undefined && typeof code !== 'string') {
      throw invalidArgType('code', 'of type string', code);
    }
    if (typeof warning === 'string') {
      warning = new Error(warning);
      warning.name = String(type || 'Warning');
      if (code !== undefined) warning.code = code;
      if (detail !== undefined) warning.detail = detail;
      if (typeof Error.captureStackTrace === 'function') Error.captureStackTrace(warning, ctor || process.emitWarning);
    } else if (!isError(warning)) {
      throw invalidArgType('warning', 'of type string or an instance of Error', warning);
    }
    if (warning.name === 'DeprecationWarning') {
      if (process.noDeprecation) return;
      if (process.throwDeprecation) {
        process.nextTick(() => { throw warning; });
        return;
      }
    }
    process.nextTick(() => {
      process.emit('warning', warning);
      if (!binding.noWarnings) {
        const c = warning.code ? `[${warning.code}] ` : '';
        let text;
        try {
          text = typeof warning.toString === 'function' ? `${warning.toString()}` : Error.prototype.toString.call(warning);
        } catch {
          text = Error.prototype.toString.call(warning);
        }
        if (typeof warning.detail === 'string') text += `\n${warning.detail}`;
        // Printed by the runtime, not by the program: a warning's text may
        // quote a name someone else chose, so it cannot forge lines.
        binding.write(2, binding.escapeLines(`(intact:${process.pid}) ${c}${text.replace(/\n/g, '\\n')}`) + '\n');
      }
    });
  };
  process.features = { inspector: false, debug: false, uv: false, ipv6: true, tls_alpn: false, tls_sni: false, tls_ocsp: false, tls: false, cached_builtins: true, typescript: 'transform' };
  // node_module_version is Node 20's ABI version (process.versions.modules).
  process.config = { target_defaults: {}, variables: { node_module_version: 115 } };
  process.execArgv = [];
  process.title = 'intact';
  process.emit = emitterMethods.emit;

  function emitUncaught(err) {
    if (captureCallback !== null) {
      captureCallback(err);
      return true;
    }
    if (process.listenerCount('uncaughtException') === 0) return false;
    process.emit('uncaughtException', err, 'uncaughtException');
    return true;
  }
  function emitUnhandledRejection(reason, promise) {
    if (process.listenerCount('unhandledRejection') === 0) return false;
    process.emit('unhandledRejection', reason, promise);
    return true;
  }
  function unhandledRejectionError(reason) {
    if (isError(reason)) return reason;
    const e = makeError('ERR_UNHANDLED_REJECTION', 'This error originated either by throwing inside of an async function ' +
      'without a catch block, or by rejecting a promise which was not handled with .catch(). The promise rejected with the reason "' +
      inspect(reason) + '".');
    e.stack = `[UnhandledPromiseRejection: ${e.message}]`;
    return e;
  }

  // ---- modules ---------------------------------------------------------
  function emitCircularRequireWarning(prop) {
    process.emitWarning(`Accessing non-existent property '${String(prop)}' of module exports inside circular dependency`);
  }
  // Node's CircularRequirePrototypeWarningProxy.
  const circularWarningProxy = new Proxy({}, {
    get(target, prop) {
      if (prop in target || prop === '__esModule') return target[prop];
      emitCircularRequireWarning(prop);
      return undefined;
    },
    getOwnPropertyDescriptor(target, prop) {
      if (Object.prototype.hasOwnProperty.call(target, prop) || prop === '__esModule') {
        return Object.getOwnPropertyDescriptor(target, prop);
      }
      emitCircularRequireWarning(prop);
      return undefined;
    },
  });
  const cache = Object.create(null);
  let mainModule;
  // A module's own properties are defined, not assigned, so that setters a
  // program puts on Object.prototype never see them (as in Node).
  const setOwn = (o, key, value) => Object.defineProperty(o, key, { value, writable: true, enumerable: true, configurable: true });
  class Module {
    constructor(id = '', parent) {
      setOwn(this, 'id', id);
      setOwn(this, 'path', binding.dirname(id));
      setOwn(this, 'exports', {});
      setOwn(this, 'filename', null);
      setOwn(this, 'loaded', false);
      setOwn(this, 'children', []);
      setOwn(this, 'paths', []);
      Object.defineProperty(this, 'parent', { value: parent, writable: true, enumerable: false, configurable: true });
      if (parent && parent.children) parent.children.push(this);
    }
    require(id) {
      if (typeof id !== 'string') throw invalidArgType('id', 'of type string', id);
      return binding.require(this, id, false);
    }
  }
  const extensions = Object.create(null);
  for (const ext of ['.js', '.json', '.node', '.cjs', '.mjs', '.ts', '.mts', '.cts', '.wasm']) {
    extensions[ext] = function () { throw makeError('ERR_FEATURE_UNAVAILABLE_ON_PLATFORM', 'require.extensions handlers cannot be called or replaced in intact'); };
  }
  function makeRequire(mod, esm) {
    function require(id) {
      // import() converts its specifier to a string (a URL object, say).
      if (esm && typeof id !== 'string' && typeof id !== 'symbol') id = String(id);
      if (typeof id !== 'string') throw invalidArgType('id', 'of type string', id);
      return binding.require(mod, id, esm);
    }
    function resolve(request, options) {
      if (typeof request !== 'string') throw invalidArgType('request', 'of type string', request);
      if (options !== null && typeof options === 'object' && options.paths !== undefined && !Array.isArray(options.paths)) {
        throw makeError('ERR_INVALID_ARG_VALUE', `The property 'options.paths' is invalid. Received ${inspect(options.paths)}`, 'TypeError');
      }
      return binding.resolve(mod, request, options && options.paths, esm);
    }
    resolve.paths = function paths(request) {
      if (typeof request !== 'string') throw invalidArgType('request', 'of type string', request);
      return binding.resolvePaths(mod, request);
    };
    require.resolve = resolve;
    require.cache = cache;
    require.extensions = extensions;
    Object.defineProperty(require, 'main', { get() { return mainModule; }, enumerable: true });
    return require;
  }
  function newModule(filename, parent, isMain) {
    const m = new Module(isMain ? '.' : filename, isMain ? null : parent);
    m.filename = filename;
    m.paths = binding.nodeModulePaths(binding.dirname(filename));
    if (isMain) {
      mainModule = m;
      process.mainModule = m;
    }
    return m;
  }
  Module.Module = Module;
  Module._cache = cache;
  Module._extensions = extensions;
  Module.builtinModules = binding.builtinModules;
  Module.isBuiltin = (name) => binding.isBuiltin(String(name));
  Module._nodeModulePaths = (dir) => binding.nodeModulePaths(String(dir));
  // Module._stat: 0 for a file, 1 for a folder, a negative errno otherwise.
  Module._stat = function _stat(filename) {
    try {
      return builtinRequire('fs').statSync(String(filename)).isDirectory() ? 1 : 0;
    } catch (e) {
      return typeof e.errno === 'number' ? e.errno : -2;
    }
  };
  // Node's createRequire: a file URL (object or string) or an absolute
  // path; a path that ends in a separator names a directory.
  Module.createRequire = function createRequire(filename) {
    const invalid = () => makeError('ERR_INVALID_ARG_VALUE', `The argument 'filename' must be a file URL object, file URL string, or absolute path string. Received ${inspect(filename)}`, 'TypeError');
    const isURL = filename != null && filename.href && filename.protocol && filename.auth === undefined && filename.path === undefined;
    let filepath;
    if (isURL || (typeof filename === 'string' && !builtinRequire('path').isAbsolute(filename))) {
      try {
        filepath = builtinRequire('url').fileURLToPath(filename);
      } catch {
        throw invalid();
      }
    } else if (typeof filename !== 'string') {
      throw invalid();
    } else {
      filepath = filename;
    }
    if (/[\\/]$/.test(filepath)) filepath = builtinRequire('path').join(filepath, 'noop.js');
    const m = new Module(filepath, null);
    m.filename = filepath;
    m.paths = binding.nodeModulePaths(binding.dirname(filepath));
    return makeRequire(m, false);
  };
  Module.syncBuiltinESMExports = () => {};
  Module.findSourceMap = () => undefined;
  Module.register = () => { throw makeError('ERR_FEATURE_UNAVAILABLE_ON_PLATFORM', 'module.register is not supported by intact'); };

  return {
    process, Module, cache, makeRequire, newModule,
    // What timers.js and console.js, which run next, use of the prelude.
    forTimers: { binding, process, builtinRequire, inspect, invalidArgType, makeError, warnDeprecatedOnce },
    forConsole: { binding, process, format, plainText, inspect, getUtil, makeError, invalidArgType, nodeStack },
    // A module required again becomes a child of its new parent too, once.
    // Required while it is still loading (a cycle), its plain exports
    // object warns of properties it does not have, as in Node, until the
    // module has loaded.
    updateChildren(parent, child) {
      const children = parent && parent.children;
      if (Array.isArray(children) && !children.includes(child)) children.push(child);
      const e = child.exports;
      if (!child.loaded && e && typeof e === 'object' && !binding.isProxy(e) &&
          Object.getPrototypeOf(e) === Object.prototype && !e.__esModule) {
        Object.setPrototypeOf(e, circularWarningProxy);
      }
    },
    moduleLoaded(mod) {
      const e = mod.exports;
      if (e && (typeof e === 'object' || typeof e === 'function') && !binding.isProxy(e) &&
          Object.getPrototypeOf(e) === circularWarningProxy) {
        Object.setPrototypeOf(e, Object.prototype);
      }
      mod.loaded = true;
    },
    makeError, formatFatal, runMacrotask, runTicks, emitUncaught, emitUnhandledRejection,
    unhandledRejectionError, inspect, invalidArgType,
    emitExit(code) { process._exiting = true; process.emit('exit', code); },
    emitBeforeExit(code) { return process.emit('beforeExit', code); },
    exitCode() { return exitCode; },
    stdinChunk: stdin._chunk, stdinEnd: stdin._end,
  };
})
