// The console of the runtime's JavaScript half. It is prelude.js's, kept
// apart so that it compiles on another core while the prelude compiles; it
// runs after the prelude and timers.js, with what the prelude shares with
// it.
(function (shared) {
  'use strict';
  const { binding, process, format, plainText, inspect, getUtil, makeError, invalidArgType, nodeStack } = shared;
  // Node's Console (lib/internal/console/constructor.js): it writes to its
  // streams' write methods, so a program that replaces process.stdout.write
  // sees console.log's output, as under Node. The global console's streams
  // are process.stdout and process.stderr, looked up on every call.
  const kGroupIndent = Symbol('kGroupIndent');
  const kGroupIndentationWidth = Symbol('kGroupIndentationWidth');
  const kCounts = Symbol('kCounts');
  const kInspectOptions = Symbol('kInspectOptions');
  const kIsConsole = Symbol('kIsConsole');
  const kUseStdout = Symbol('kUseStdout');
  const kUseStderr = Symbol('kUseStderr');
  const noop = () => {};
  function consoleStreamError(name) {
    return makeError('ERR_CONSOLE_WRITABLE_STREAM', `Console expects a writable stream instance for ${name}`, 'TypeError');
  }
  function Console(options /* or: stdout, stderr, ignoreErrors = true */) {
    if (!new.target) return Reflect.construct(Console, arguments);
    if (!options || typeof options.write === 'function') {
      options = { stdout: options, stderr: arguments[1], ignoreErrors: arguments[2] };
    }
    const { stdout, stderr = stdout, ignoreErrors = true, colorMode = 'auto', inspectOptions, groupIndentation } = options;
    if (!stdout || typeof stdout.write !== 'function') throw consoleStreamError('stdout');
    if (!stderr || typeof stderr.write !== 'function') throw consoleStreamError('stderr');
    if (colorMode !== 'auto' && colorMode !== true && colorMode !== false) {
      throw makeError('ERR_INVALID_ARG_VALUE', `The argument 'colorMode' must be one of: 'auto', true, false. Received ${inspect(colorMode)}`, 'TypeError');
    }
    if (groupIndentation !== undefined) {
      if (typeof groupIndentation !== 'number') throw invalidArgType('groupIndentation', 'of type number', groupIndentation);
      if (!Number.isInteger(groupIndentation) || groupIndentation < 0 || groupIndentation > 1000) {
        throw makeError('ERR_OUT_OF_RANGE', `The value of "groupIndentation" is out of range. It must be ${Number.isInteger(groupIndentation) ? '>= 0 && <= 1000' : 'an integer'}. Received ${inspect(groupIndentation)}`, 'RangeError');
      }
    }
    if (inspectOptions !== undefined) {
      if (inspectOptions === null || typeof inspectOptions !== 'object') throw invalidArgType('options.inspectOptions', 'of type object', inspectOptions);
      if (inspectOptions.colors !== undefined && options.colorMode !== undefined) {
        throw makeError('ERR_INCOMPATIBLE_OPTION_PAIR', 'Option "options.inspectOptions.color" cannot be used in combination with option "colorMode"', 'TypeError');
      }
    }
    for (const key of Object.keys(Console.prototype)) {
      this[key] = this[key].bind(this);
      Object.defineProperty(this[key], 'name', { __proto__: null, value: key });
    }
    bindConsole(this, () => stdout, () => stderr, ignoreErrors, groupIndentation, inspectOptions);
  }
  function bindConsole(c, stdout, stderr, ignoreErrors, groupIndentation = 2, inspectOptions = undefined) {
    const hidden = (name, desc) => Object.defineProperty(c, name, { __proto__: null, enumerable: false, configurable: true, ...desc });
    hidden('_stdout', { get: stdout, set(v) { stdout = () => v; } });
    hidden('_stderr', { get: stderr, set(v) { stderr = () => v; } });
    hidden('_ignoreErrors', { value: Boolean(ignoreErrors), writable: true });
    hidden('_times', { value: new Map(), writable: true });
    hidden(kCounts, { value: new Map(), writable: true });
    hidden(kGroupIndent, { value: '', writable: true });
    hidden(kGroupIndentationWidth, { value: groupIndentation, writable: true });
    hidden(kInspectOptions, { value: inspectOptions, writable: true });
    hidden(kIsConsole, { value: true });
  }
  function writeToConsole(c, which, string) {
    const stream = which === kUseStdout ? c._stdout : c._stderr;
    const indent = c[kGroupIndent];
    if (indent.length !== 0) {
      if (string.includes('\n')) string = string.replace(/\n/g, `\n${indent}`);
      string = indent + string;
    }
    string += '\n';
    if (c._ignoreErrors === false) return stream.write(string);
    // A write error, synchronous or reported later, is swallowed: console
    // is for debugging. A stack overflow is not: it is the program's.
    const listen = typeof stream.listenerCount === 'function' && stream.listenerCount('error') === 0;
    try {
      if (listen) stream.once('error', noop);
      stream.write(string, (err) => {
        // An error reported to the callback is emitted next as 'error':
        // absorb that too.
        if (err != null && !(stream._writableState && stream._writableState.errorEmitted) &&
            typeof stream.listenerCount === 'function' && stream.listenerCount('error') === 0) {
          stream.once('error', noop);
        }
      });
    } catch (e) {
      if (e instanceof RangeError && /call stack/i.test(e.message)) throw e;
    } finally {
      if (listen) stream.removeListener('error', noop);
    }
  }
  function formatFor(c, args) {
    if (plainText(args)) return args.join(' ');
    const u = getUtil();
    const opts = c[kInspectOptions];
    if (opts && u && typeof u.formatWithOptions === 'function') return u.formatWithOptions(opts, ...args);
    return format(...args);
  }
  function formatTime(ms) {
    let hours = 0;
    let minutes = 0;
    let seconds = 0;
    if (ms >= 1000) {
      if (ms >= 60000) {
        if (ms >= 3600000) {
          hours = Math.floor(ms / 3600000);
          ms %= 3600000;
        }
        minutes = Math.floor(ms / 60000);
        ms %= 60000;
      }
      seconds = ms / 1000;
    }
    const pad = (v) => `${v}`.padStart(2, '0');
    if (hours !== 0 || minutes !== 0) {
      [seconds, ms] = seconds.toFixed(3).split('.');
      const res = hours !== 0 ? `${hours}:${pad(minutes)}` : minutes;
      return `${res}:${pad(seconds)}.${ms} (${hours !== 0 ? 'h:m' : ''}m:ss.mmm)`;
    }
    if (seconds !== 0) return `${seconds.toFixed(3)}s`;
    return `${Number(ms.toFixed(3))}ms`;
  }
  function timeLogImpl(c, name, label, data) {
    const start = c._times.get(label);
    if (start === undefined) {
      process.emitWarning(`No such label '${label}' for console.${name}()`);
      return false;
    }
    const formatted = formatTime(binding.hrtimeMs() - start);
    if (data === undefined) c.log('%s: %s', label, formatted);
    else c.log('%s: %s', label, formatted, ...data);
    return true;
  }
  // The display width of a table cell: code points, escape sequences left out.
  const cellWidth = (s) => [...s.replace(/\u001b\[[0-9;]*m/g, '')].length;
  function renderTable(head, columns) {
    const rows = [];
    const widths = head.map(cellWidth);
    const longest = Math.max(...columns.map((c) => c.length));
    for (let i = 0; i < head.length; i++) {
      for (let j = 0; j < longest; j++) {
        if (rows[j] === undefined) rows[j] = [];
        const value = rows[j][i] = Object.prototype.hasOwnProperty.call(columns[i], j) ? columns[i][j] : '';
        widths[i] = Math.max(widths[i] || 0, cellWidth(value));
      }
    }
    const row = (cells) => `│ ${cells.map((c, i) => c + ' '.repeat(widths[i] - cellWidth(c))).join(' │ ')} │`;
    const divider = widths.map((w) => '─'.repeat(w + 2));
    let out = `┌${divider.join('┬')}┐\n${row(head)}\n├${divider.join('┼')}┤\n`;
    for (const r of rows) out += `${row(r)}\n`;
    return `${out}└${divider.join('┴')}┘`;
  }
  Console.prototype = {
    log(...args) { writeToConsole(this, kUseStdout, formatFor(this, args)); },
    warn(...args) { writeToConsole(this, kUseStderr, formatFor(this, args)); },
    dir(object, options) {
      writeToConsole(this, kUseStdout, inspect(object, { customInspect: false, ...this[kInspectOptions], ...options }));
    },
    time(label = 'default') {
      label = `${label}`;
      if (this._times.has(label)) {
        process.emitWarning(`Label '${label}' already exists for console.time()`);
        return;
      }
      this._times.set(label, binding.hrtimeMs());
    },
    timeEnd(label = 'default') {
      label = `${label}`;
      if (timeLogImpl(this, 'timeEnd', label)) this._times.delete(label);
    },
    timeLog(label = 'default', ...data) {
      timeLogImpl(this, 'timeLog', `${label}`, data);
    },
    trace: function trace(...args) {
      const e = new Error(formatFor(this, args));
      const frames = nodeStack(e.stack).split('\n').slice(2).join('\n');
      this.error(`Trace: ${e.message}${frames ? `\n${frames}` : ''}`);
    },
    assert(expression, ...args) {
      if (!expression) {
        args[0] = `Assertion failed${args.length === 0 ? '' : `: ${args[0]}`}`;
        Reflect.apply(this.warn, this, args);
      }
    },
    clear() {
      const out = this._stdout;
      if (out.isTTY && process.env.TERM !== 'dumb') out.write('\u001b[1;1H\u001b[0J');
    },
    count(label = 'default') {
      label = `${label}`;
      const n = (this[kCounts].get(label) || 0) + 1;
      this[kCounts].set(label, n);
      this.log(`${label}: ${n}`);
    },
    countReset(label = 'default') {
      if (!this[kCounts].has(`${label}`)) {
        process.emitWarning(`Count for '${label}' does not exist`);
        return;
      }
      this[kCounts].delete(`${label}`);
    },
    group(...data) {
      if (data.length > 0) Reflect.apply(this.log, this, data);
      this[kGroupIndent] += ' '.repeat(this[kGroupIndentationWidth]);
    },
    groupEnd() {
      this[kGroupIndent] = this[kGroupIndent].slice(0, this[kGroupIndent].length - this[kGroupIndentationWidth]);
    },
    // https://console.spec.whatwg.org/#table, as Node renders it.
    table(tabularData, properties) {
      if (properties !== undefined && !Array.isArray(properties)) throw invalidArgType('properties', 'an instance of Array', properties);
      if (tabularData === null || typeof tabularData !== 'object') return this.log(tabularData);
      const u = getUtil();
      const types = u && u.types;
      const show = (v) => {
        const depth = v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length > 2 ? -1 : 0;
        return inspect(v, { depth, maxArrayLength: 3, breakLength: Infinity, ...this[kInspectOptions] });
      };
      const indexes = (length) => Array.from({ length }, (_, i) => show(i));
      if (types && types.isMap(tabularData)) {
        const keys = [];
        const values = [];
        for (const [k, v] of tabularData) {
          keys.push(show(k));
          values.push(show(v));
        }
        return this.log(renderTable(['(iteration index)', 'Key', 'Values'], [indexes(keys.length), keys, values]));
      }
      if (types && types.isSet(tabularData)) {
        const values = [...tabularData].map(show);
        return this.log(renderTable(['(iteration index)', 'Values'], [indexes(values.length), values]));
      }
      const map = { __proto__: null };
      let hasPrimitives = false;
      const valuesKeyArray = [];
      const indexKeyArray = Object.keys(tabularData);
      for (let i = 0; i < indexKeyArray.length; i++) {
        const item = tabularData[indexKeyArray[i]];
        const primitive = item === null || (typeof item !== 'function' && typeof item !== 'object');
        if (properties === undefined && primitive) {
          hasPrimitives = true;
          valuesKeyArray[i] = show(item);
        } else {
          for (const key of properties || Object.keys(item)) {
            map[key] ??= [];
            if ((primitive && properties) || !Object.prototype.hasOwnProperty.call(item, key)) map[key][i] = '';
            else map[key][i] = show(item[key]);
          }
        }
      }
      const keys = Object.keys(map);
      const values = Object.values(map);
      if (hasPrimitives) {
        keys.push('Values');
        values.push(valuesKeyArray);
      }
      keys.unshift('(index)');
      values.unshift(indexKeyArray);
      return this.log(renderTable(keys, values));
    },
  };
  Object.defineProperty(Console.prototype, 'constructor', { __proto__: null, value: Console, writable: true, configurable: true });
  Console.prototype.debug = Console.prototype.log;
  Console.prototype.info = Console.prototype.log;
  Console.prototype.dirxml = Console.prototype.log;
  Console.prototype.error = Console.prototype.warn;
  Console.prototype.groupCollapsed = Console.prototype.group;
  Object.defineProperty(Console, Symbol.hasInstance, { __proto__: null, value: (instance) => instance != null && instance[kIsConsole] === true });

  // The global console: Console's methods bound to it, its streams those
  // of process at the time of each call.
  const console = { __proto__: {} };
  for (const key of Reflect.ownKeys(Console.prototype)) {
    if (key === 'constructor') continue;
    const desc = Reflect.getOwnPropertyDescriptor(Console.prototype, key);
    if (typeof desc.value === 'function') {
      desc.value = desc.value.bind(console);
      Reflect.defineProperty(desc.value, 'name', { __proto__: null, value: key });
    }
    Reflect.defineProperty(console, key, desc);
  }
  bindConsole(console, () => process.stdout, () => process.stderr, true);
  console.Console = Console;
  // The inspector's methods of the global console, which do nothing, as
  // Node's do while no inspector session is attached (there never is one).
  for (const name of ['profile', 'profileEnd', 'timeStamp']) {
    console[name] = { [name]() {} }[name];
  }

  return { console, Console };
})
