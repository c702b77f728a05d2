// The JavaScript half of the runtime: process, console, timers, the module
// objects and error helpers. It runs once per runtime, before any user code,
// and receives the Go half as `binding`. It is part of the intact binary, not
// a file on disk, so it is not subject to the policy.
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
  function format(...args) {
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
    if (code) {
      // Node's internal errors show their code in the stack's first line.
      e.name = `${Ctor.name} [${code}]`;
      void e.stack;
      delete e.name;
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
    return makeError('ERR_INVALID_ARG_TYPE', `The "${name}" argument must be ${expected}.${received}`, 'TypeError');
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

  // ---- process ---------------------------------------------------------
  const process = binding.process;
  // Node's process.env stores every value as a string.
  process.env = new Proxy(process.env, {
    set(target, key, value) { target[key] = String(value); return true; },
    defineProperty(target, key, desc) {
      if ('value' in desc) desc = Object.assign({}, desc, { value: String(desc.value) });
      return Reflect.defineProperty(target, key, desc);
    },
  });
  for (const k of Object.keys(emitterMethods)) {
    Object.defineProperty(process, k, { value: emitterMethods[k], writable: true, enumerable: false, configurable: true });
  }
  hideEmitterState(process);

  function toBytes(chunk, encoding) {
    if (typeof chunk === 'string') return chunk;
    if (chunk instanceof Uint8Array || chunk instanceof ArrayBuffer || ArrayBuffer.isView(chunk)) return chunk;
    throw invalidArgType('chunk', 'of type string or an instance of Buffer or Uint8Array', chunk);
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
    const r = fn.apply(self, args);
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
  process.exit = function exit(code) {
    if (code !== undefined) process.exitCode = code;
    binding.exit(exitCode === undefined || exitCode === null ? 0 : Number(exitCode) | 0);
  };
  process.reallyExit = process.exit;
  process.abort = () => binding.exit(134);
  process.cwd = binding.cwd;
  process.chdir = binding.chdir;
  process.uptime = binding.uptime;
  process.hrtime = function hrtime(prev) {
    const [s, ns] = binding.hrtime();
    if (prev === undefined) return [s, ns];
    let ds = s - prev[0];
    let dns = ns - prev[1];
    if (dns < 0) { ds -= 1; dns += 1e9; }
    return [ds, dns];
  };
  process.hrtime.bigint = binding.hrtimeBigint;
  process.memoryUsage = binding.memoryUsage;
  process.memoryUsage.rss = () => binding.memoryUsage().rss;
  process.cpuUsage = binding.cpuUsage;
  process.umask = () => 0o22;
  process.getuid = binding.getuid;
  process.geteuid = binding.getuid;
  process.getgid = binding.getgid;
  process.getegid = binding.getgid;
  process.kill = () => { throw makeError('ERR_FEATURE_UNAVAILABLE_ON_PLATFORM', 'process.kill is not supported by intact'); };
  process.binding = () => { throw makeError('ERR_FEATURE_UNAVAILABLE_ON_PLATFORM', 'process.binding is not supported by intact'); };
  process.emitWarning = function emitWarning(warning, type, code) {
    let name = 'Warning';
    if (type !== null && typeof type === 'object') { code = type.code; name = type.type || name; }
    else if (typeof type === 'string') name = type;
    if (typeof warning === 'string') {
      warning = new Error(warning);
      warning.name = name;
      if (code !== undefined) warning.code = code;
    }
    if (name === 'DeprecationWarning' && process.noDeprecation) return;
    process.nextTick(() => {
      process.emit('warning', warning);
      if (!binding.noWarnings) {
        const c = warning.code ? `[${warning.code}] ` : '';
        // Printed by the runtime, not by the program: a warning's text may
        // quote a name someone else chose, so it cannot forge lines.
        binding.write(2, binding.escapeLines(`(intact:${process.pid}) ${c}${warning.name}: ${String(warning.message).replace(/\n/g, '\\n')}`) + '\n');
      }
    });
  };
  process.features = { inspector: false, debug: false, uv: false, ipv6: true, tls_alpn: false, tls_sni: false, tls_ocsp: false, tls: false, cached_builtins: true, typescript: 'transform' };
  process.config = { variables: {} };
  process.execArgv = [];
  process.title = 'intact';
  process.emit = emitterMethods.emit;

  function emitUncaught(err) {
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

  // ---- timers ----------------------------------------------------------
  const TIMEOUT_MAX = 2 ** 31 - 1;
  class Timeout {
    constructor(id, delay) { this._id = id; this._idleTimeout = delay; }
    ref() { binding.timerRef(this._id, true); return this; }
    unref() { binding.timerRef(this._id, false); return this; }
    hasRef() { return binding.timerHasRef(this._id); }
    refresh() { binding.timerRefresh(this._id); return this; }
    close() { binding.clearTimer(this._id); return this; }
    [Symbol.toPrimitive]() { return this._id; }
  }
  class Immediate {
    constructor(id) { this._id = id; }
    ref() { binding.timerRef(this._id, true); return this; }
    unref() { binding.timerRef(this._id, false); return this; }
    hasRef() { return binding.timerHasRef(this._id); }
  }
  function delayOf(ms) {
    ms = Number(ms);
    return ms >= 1 && ms <= TIMEOUT_MAX ? Math.trunc(ms) : 1;
  }
  function schedule(fn, ms, repeat, args) {
    if (typeof fn !== 'function') throw invalidArgType('callback', 'of type function', fn);
    const delay = delayOf(ms);
    const t = new Timeout(0, delay);
    t._id = binding.setTimer(fn, t, delay, repeat, args);
    return t;
  }
  function clear(t) {
    if (t === null || t === undefined) return;
    const id = typeof t === 'object' ? t._id : Number(t);
    if (id) binding.clearTimer(id);
  }
  const timers = {
    setTimeout(fn, ms, ...args) { return schedule(fn, ms, false, args); },
    setInterval(fn, ms, ...args) { return schedule(fn, ms, true, args); },
    setImmediate(fn, ...args) {
      if (typeof fn !== 'function') throw invalidArgType('callback', 'of type function', fn);
      const im = new Immediate(0);
      im._id = binding.setImmediate(fn, im, args);
      return im;
    },
    clearTimeout: clear,
    clearInterval: clear,
    clearImmediate: clear,
  };
  timers.promises = {
    setTimeout(ms, value) { return new Promise((resolve) => timers.setTimeout(resolve, ms, value)); },
    setImmediate(value) { return new Promise((resolve) => timers.setImmediate(resolve, value)); },
  };
  function queueMicrotask(fn) {
    if (typeof fn !== 'function') throw invalidArgType('callback', 'of type function', fn);
    Promise.resolve().then(() => {
      try { fn(); } catch (e) { binding.reportUncaught(e); }
    });
  }

  // ---- console ---------------------------------------------------------
  let groupIndent = '';
  function writeLine(fd, text) {
    if (groupIndent) text = groupIndent + String(text).split('\n').join('\n' + groupIndent);
    binding.write(fd, text + '\n');
  }
  const counts = new Map();
  const timersByLabel = new Map();
  const console = {
    log(...args) { writeLine(1, format(...args)); },
    info(...args) { writeLine(1, format(...args)); },
    debug(...args) { writeLine(1, format(...args)); },
    error(...args) { writeLine(2, format(...args)); },
    warn(...args) { writeLine(2, format(...args)); },
    trace(...args) {
      const e = new Error(format(...args));
      const frames = nodeStack(e.stack).split('\n').slice(2).join('\n');
      writeLine(2, 'Trace: ' + e.message + (frames ? '\n' + frames : ''));
    },
    dir(obj, options) { writeLine(1, inspect(obj, Object.assign({ customInspect: false }, options))); },
    dirxml(...args) { console.log(...args); },
    assert(ok, ...args) {
      if (!ok) {
        args[0] = `Assertion failed${args.length === 0 ? '' : `: ${args[0]}`}`;
        console.warn(...args);
      }
    },
    count(label = 'default') {
      label = `${label}`;
      const n = (counts.get(label) || 0) + 1;
      counts.set(label, n);
      console.log(`${label}: ${n}`);
    },
    countReset(label = 'default') { counts.delete(`${label}`); },
    group(...args) { if (args.length > 0) console.log(...args); groupIndent += '  '; },
    groupEnd() { groupIndent = groupIndent.slice(0, -2); },
    time(label = 'default') { timersByLabel.set(`${label}`, binding.hrtimeMs()); },
    timeEnd(label = 'default') { console.timeLog(label); timersByLabel.delete(`${label}`); },
    timeLog(label = 'default', ...data) {
      label = `${label}`;
      const start = timersByLabel.get(label);
      if (start === undefined) {
        process.emitWarning(`No such label '${label}' for console.timeLog()`);
        return;
      }
      const ms = binding.hrtimeMs() - start;
      const text = ms < 1000 ? `${ms.toFixed(3)}ms` : `${(ms / 1000).toFixed(3)}s`;
      console.log(`${label}: ${text}`, ...data);
    },
    table(data) { console.log(data); },
  };
  console.groupCollapsed = console.group;

  // ---- modules ---------------------------------------------------------
  const cache = Object.create(null);
  let mainModule;
  class Module {
    constructor(id = '', parent) {
      this.id = id;
      this.path = binding.dirname(id);
      this.exports = {};
      this.filename = null;
      this.loaded = false;
      this.children = [];
      this.paths = [];
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
      return binding.resolve(mod, request, options && options.paths, esm);
    }
    resolve.paths = (request) => binding.resolvePaths(mod, request);
    require.resolve = resolve;
    require.cache = cache;
    require.extensions = extensions;
    Object.defineProperty(require, 'main', { get() { return mainModule; }, enumerable: true });
    return require;
  }
  function newModule(filename, parent, isMain) {
    const m = new Module(isMain ? '.' : filename, parent);
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
  Module.createRequire = function createRequire(filename) {
    if (typeof filename === 'object' && filename !== null && typeof filename.href === 'string') filename = filename.href;
    if (typeof filename !== 'string') throw invalidArgType('filename', 'a file URL object, file URL string, or absolute path string', filename);
    if (filename.startsWith('file://')) filename = binding.fileURLToPath(filename);
    const m = new Module(filename, null);
    m.filename = filename;
    m.paths = binding.nodeModulePaths(binding.dirname(filename));
    return makeRequire(m, false);
  };
  Module.syncBuiltinESMExports = () => {};
  Module.findSourceMap = () => undefined;
  Module.register = () => { throw makeError('ERR_FEATURE_UNAVAILABLE_ON_PLATFORM', 'module.register is not supported by intact'); };

  return {
    process, console, timers, queueMicrotask, Module, cache, makeRequire, newModule,
    makeError, formatFatal, runMacrotask, runTicks, emitUncaught, emitUnhandledRejection,
    unhandledRejectionError, inspect,
    emitExit(code) { process.emit('exit', code); },
    emitBeforeExit(code) { return process.emit('beforeExit', code); },
    exitCode() { return exitCode; },
    stdinChunk: stdin._chunk, stdinEnd: stdin._end,
  };
})
