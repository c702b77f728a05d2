'use strict';
// node:child_process: spawn, exec, execFile and their sync forms, with
// Node 20's argument handling, errors and event order. The host starts the
// processes (internalBinding('spawn'), jsruntime's os/exec); a program that
// starts node or process.execPath gets a child runtime under the same
// policy. There is no IPC channel: fork and 'ipc' in stdio throw
// ERR_NOT_SUPPORTED, and stdio beyond fds 0-2 may only be 'ignore'.

const binding = internalBinding('spawn');
const EventEmitter = require('events');
const { Readable, Writable } = require('stream');
const { codedError, invalidArgType, outOfRange } = require('internal/errors');
const { inspect } = require('internal/inspect');
const { signals } = require('os').constants;

const MAX_BUFFER = 1024 * 1024;

const signalNames = {};
for (const name of Object.keys(signals)) {
  if (signalNames[signals[name]] === undefined) signalNames[signals[name]] = name;
}

function notSupported(what) {
  return codedError(Error, 'ERR_NOT_SUPPORTED', `child_process: ${what} is not supported by this runtime`);
}

function invalidArgValue(name, value, reason = 'is invalid') {
  let inspected = inspect(value);
  if (inspected.length > 128) inspected = `${inspected.slice(0, 128)}...`;
  const type = name.includes('.') ? 'property' : 'argument';
  return codedError(TypeError, 'ERR_INVALID_ARG_VALUE', `The ${type} '${name}' ${reason}. Received ${inspected}`);
}

// errnoException is Node's ErrnoException: "spawn x ENOENT" with errno,
// code and syscall.
function errnoException(e, syscall) {
  const err = new Error(`${syscall} ${e.code}`);
  err.errno = e.errno;
  err.code = e.code;
  err.syscall = syscall;
  return err;
}

// hostError turns what the binding reports into the error to throw or
// emit: its own coded error, or an errno error of syscall.
function hostError(e, syscall) {
  if (e.message !== undefined) return codedError(Error, e.code, e.message);
  return errnoException(e, syscall);
}

function genericNodeError(message, props) {
  return Object.assign(new Error(message), props);
}

function validateString(value, name) {
  if (typeof value !== 'string') throw invalidArgType(name, 'string', value);
}

function validateNullCheck(value, name) {
  if (typeof value === 'string' && value.includes('\u0000')) {
    throw invalidArgValue(name, value, 'must be a string without null bytes');
  }
}

function validateObject(value, name) {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw invalidArgType(name, 'Object', value);
  }
}

function validateBoolean(value, name) {
  if (typeof value !== 'boolean') throw invalidArgType(name, 'boolean', value);
}

function validateTimeout(timeout) {
  if (timeout != null && !(Number.isInteger(timeout) && timeout >= 0)) {
    throw outOfRange('timeout', 'an unsigned integer', timeout);
  }
}

function validateMaxBuffer(maxBuffer) {
  if (maxBuffer != null && !(typeof maxBuffer === 'number' && maxBuffer >= 0)) {
    throw outOfRange('options.maxBuffer', 'a positive number', maxBuffer);
  }
}

function convertToValidSignal(signal) {
  if (typeof signal === 'number' && signalNames[signal] !== undefined) return signal;
  if (typeof signal === 'string') {
    const n = signals[signal.toUpperCase()];
    if (n !== undefined) return n;
  }
  throw codedError(TypeError, 'ERR_UNKNOWN_SIGNAL', `Unknown signal: ${signal}`);
}

function sanitizeKillSignal(killSignal) {
  if (typeof killSignal === 'string' || typeof killSignal === 'number') return convertToValidSignal(killSignal);
  if (killSignal != null) throw invalidArgType('options.killSignal', ['string', 'number'], killSignal);
  return signals.SIGTERM;
}

function validatedPath(value, name) {
  if (typeof value === 'string') {
    validateNullCheck(value, name);
    return value;
  }
  if (Buffer.isBuffer(value)) return value.toString();
  if (value instanceof URL) return require('url').fileURLToPath(value);
  throw invalidArgType(name, ['string', 'Buffer', 'URL'], value);
}

// normalizeSpawnArguments is Node's: validation, the shell, argv0 and the
// environment as KEY=value pairs.
function normalizeSpawnArguments(file, args, options) {
  validateString(file, 'file');
  validateNullCheck(file, 'file');
  if (file.length === 0) throw invalidArgValue('file', file, 'cannot be empty');
  if (Array.isArray(args)) {
    args = args.slice();
  } else if (args == null) {
    args = [];
  } else if (typeof args !== 'object') {
    throw invalidArgType('args', 'object', args);
  } else {
    options = args;
    args = [];
  }
  args.forEach((a, i) => validateNullCheck(a, `args[${i}]`));
  if (options === undefined) options = {};
  else validateObject(options, 'options');
  options = { ...options };
  let cwd = options.cwd;
  if (cwd != null) cwd = validatedPath(cwd, 'options.cwd');
  if (options.detached != null) validateBoolean(options.detached, 'options.detached');
  for (const id of ['uid', 'gid']) {
    if (options[id] != null && !(Number.isInteger(options[id]) && options[id] >= -(2 ** 31) && options[id] < 2 ** 31)) {
      throw invalidArgType(`options.${id}`, 'int32', options[id]);
    }
    if (options[id] != null) throw notSupported(`options.${id}`);
  }
  if (options.shell != null && typeof options.shell !== 'boolean' && typeof options.shell !== 'string') {
    throw invalidArgType('options.shell', ['boolean', 'string'], options.shell);
  }
  if (options.argv0 != null) {
    validateString(options.argv0, 'options.argv0');
    validateNullCheck(options.argv0, 'options.argv0');
  }
  if (options.windowsHide != null) validateBoolean(options.windowsHide, 'options.windowsHide');
  if (options.windowsVerbatimArguments != null) {
    validateBoolean(options.windowsVerbatimArguments, 'options.windowsVerbatimArguments');
  }
  if (options.shell) {
    validateNullCheck(options.shell, 'options.shell');
    const command = [file, ...args].join(' ');
    if (process.platform === 'win32') {
      file = typeof options.shell === 'string' ? options.shell : (process.env.comspec || 'cmd.exe');
      args = /^(?:.*\\)?cmd(?:\.exe)?$/i.test(file) ? ['/d', '/s', '/c', `"${command}"`] : ['-c', command];
    } else {
      file = typeof options.shell === 'string' ? options.shell : '/bin/sh';
      args = ['-c', command];
    }
  }
  args.unshift(typeof options.argv0 === 'string' ? options.argv0 : file);
  const env = options.env || process.env;
  const envPairs = [];
  for (const key in env) { // inherited keys too, as Node does
    const value = env[key];
    if (value !== undefined) {
      validateNullCheck(key, `options.env['${key}']`);
      validateNullCheck(value, `options.env['${key}']`);
      envPairs.push(`${key}=${value}`);
    }
  }
  return { ...options, args, cwd, detached: !!options.detached, envPairs, file };
}

// stdioKinds normalises the stdio option to what the host starts: "pipe",
// "inherit" or "ignore" for each of fds 0-2.
function stdioKinds(stdio) {
  if (stdio == null) stdio = 'pipe';
  if (typeof stdio === 'string') {
    if (!['pipe', 'overlapped', 'ignore', 'inherit'].includes(stdio)) throw invalidArgValue('stdio', stdio);
    stdio = [stdio, stdio, stdio];
  } else if (!Array.isArray(stdio)) {
    throw invalidArgValue('stdio', stdio);
  }
  const kinds = [];
  for (let i = 0; i < Math.max(3, stdio.length); i++) {
    let s = stdio[i];
    if (s == null) s = i < 3 ? 'pipe' : 'ignore';
    let kind;
    if (s === 'pipe' || s === 'overlapped') kind = 'pipe';
    else if (s === 'ignore' || s === 'inherit') kind = s;
    else if (s === 'ipc') throw notSupported("an IPC channel ('ipc' in stdio)");
    else if (s === i || (typeof s === 'object' && s.fd === i)) kind = 'inherit';
    else if (typeof s === 'number' || typeof s === 'object') throw notSupported(`stdio[${i}] other than 'pipe', 'inherit', 'ignore' or fd ${i}`);
    else throw invalidArgValue('stdio', s);
    if (i >= 3 && kind !== 'ignore') throw notSupported(`stdio[${i}] other than 'ignore'`);
    kinds.push(kind);
  }
  return kinds.slice(0, 3);
}

function hostRequest(options, stdio) {
  return {
    file: options.file, args: options.args, cwd: options.cwd, envPairs: options.envPairs, stdio,
    detached: !!options.detached,
  };
}

function checkHost() {
  if (typeof binding.spawn !== 'function') throw notSupported('starting processes');
}

// ---- ChildProcess ----------------------------------------------------------

function maybeClose(child) {
  child._closesGot++;
  if (child._closesGot === child._closesNeeded) {
    child.emit('close', child.exitCode, child.signalCode);
  }
}

class ChildProcess extends EventEmitter {
  constructor() {
    super();
    this._closesNeeded = 1;
    this._closesGot = 0;
    this.connected = false;
    this.signalCode = null;
    this.exitCode = null;
    this.killed = false;
    this.spawnfile = null;
    this._handle = null;
  }

  spawn(options) {
    validateObject(options, 'options');
    const stdio = stdioKinds(options.stdio);
    validateString(options.file, 'options.file');
    this.spawnfile = options.file;
    if (options.args === undefined) {
      this.spawnargs = [];
    } else {
      if (!Array.isArray(options.args)) throw invalidArgType('options.args', 'Array', options.args);
      this.spawnargs = options.args;
    }
    checkHost();
    const readers = {};
    const result = binding.spawn(hostRequest(options, stdio), (fd, chunk) => {
      const stream = readers[fd];
      if (!stream) return;
      stream.push(chunk === null ? null : Buffer.from(chunk));
    }, (code, signo) => this._onexit(code, signo));
    const started = result.pid !== undefined;
    if (!started && result.errno === undefined) throw hostError(result, 'spawn');
    if (started) {
      this._handle = result;
      this.pid = result.pid;
    }
    this.stdio = stdio.map((kind, fd) => {
      if (kind !== 'pipe') return null;
      if (fd === 0) return this._stdin(result, started);
      const stream = new Readable({ read() {} });
      if (started) {
        readers[fd] = stream;
        this._closesNeeded++;
        stream.on('close', () => maybeClose(this));
      } else {
        stream.destroy();
      }
      return stream;
    });
    [this.stdin, this.stdout, this.stderr] = this.stdio;
    if (started) {
      process.nextTick(() => this.emit('spawn'));
      return 0;
    }
    rememberErrno(result);
    process.nextTick(() => this._onexit(result.errno, null));
    return result.errno;
  }

  _stdin(handle, started) {
    const stdin = new Writable({
      write(chunk, encoding, callback) {
        handle.write(chunk, (status) => callback(status ? errnoException({ errno: status, code: 'EPIPE' }, 'write') : null));
      },
      final(callback) {
        handle.end();
        callback();
      },
      destroy(err, callback) {
        if (handle.end) handle.end();
        callback(err);
      },
    });
    if (!started) stdin.destroy();
    return stdin;
  }

  _onexit(exitCode, signo) {
    if (signo !== null) this.signalCode = signalNames[signo] || signo;
    else this.exitCode = exitCode;
    if (this.stdin) this.stdin.destroy();
    this._handle = null;
    if (exitCode < 0) {
      const syscall = this.spawnfile ? `spawn ${this.spawnfile}` : 'spawn';
      const err = errnoException({ errno: exitCode, code: errnoName(exitCode) }, syscall);
      if (this.spawnfile) err.path = this.spawnfile;
      err.spawnargs = this.spawnargs.slice(1);
      this.emit('error', err);
    } else {
      this.emit('exit', this.exitCode, this.signalCode);
    }
    process.nextTick(() => {
      // Output nobody reads would keep the streams open: let it flow.
      for (const s of this.stdio) {
        if (s && s.readable && s.readableFlowing === null && s.listenerCount('data') === 0) s.resume();
      }
    });
    maybeClose(this);
  }

  kill(sig) {
    const signal = sig === 0 ? sig : convertToValidSignal(sig === undefined ? 'SIGTERM' : sig);
    if (this._handle) {
      const err = this._handle.kill(signal);
      if (err === 0) {
        this.killed = true;
        return true;
      }
      if (err.code !== 'ESRCH') this.emit('error', hostError(err, 'kill'));
    }
    return false;
  }

  ref() { if (this._handle) this._handle.ref(); }

  unref() { if (this._handle) this._handle.unref(); }
}

// errnoName names a negative errno the host reported (spawn's).
const errnoNames = {};
function rememberErrno(e) {
  errnoNames[e.errno] = e.code;
}
function errnoName(n) {
  return errnoNames[n] || 'UNKNOWN';
}

// ---- spawn and friends -----------------------------------------------------

function spawn(file, args, options) {
  options = normalizeSpawnArguments(file, args, options);
  validateTimeout(options.timeout);
  if (options.signal !== undefined &&
      (options.signal === null || typeof options.signal !== 'object' || !('aborted' in options.signal))) {
    throw invalidArgType('options.signal', 'AbortSignal', options.signal);
  }
  const killSignal = sanitizeKillSignal(options.killSignal);
  const child = new ChildProcess();
  child.spawn(options);
  if (options.timeout > 0) {
    let timer = setTimeout(() => {
      if (timer) {
        try {
          child.kill(killSignal);
        } catch (err) {
          child.emit('error', err);
        }
        timer = null;
      }
    }, options.timeout);
    child.once('exit', () => {
      if (timer) {
        clearTimeout(timer);
        timer = null;
      }
    });
  }
  if (options.signal) {
    const signal = options.signal;
    const onAbort = () => {
      try {
        if (child.kill(killSignal)) {
          const err = codedError(Error, 'ABORT_ERR', 'The operation was aborted');
          err.name = 'AbortError';
          err.cause = signal.reason;
          child.emit('error', err);
        }
      } catch (err) {
        child.emit('error', err);
      }
    };
    if (signal.aborted) {
      process.nextTick(onAbort);
    } else {
      signal.addEventListener('abort', onAbort, { once: true });
      child.once('exit', () => signal.removeEventListener('abort', onAbort));
    }
  }
  return child;
}

function normalizeExecFileArgs(file, args, options, callback) {
  if (Array.isArray(args)) {
    args = args.slice();
  } else if (args != null && typeof args === 'object') {
    callback = options;
    options = args;
    args = null;
  } else if (typeof args === 'function') {
    callback = args;
    options = null;
    args = null;
  }
  if (args == null) args = [];
  if (typeof options === 'function') {
    callback = options;
  } else if (options != null) {
    validateObject(options, 'options');
  }
  if (options == null || typeof options === 'function') options = {};
  if (callback != null && typeof callback !== 'function') throw invalidArgType('callback', 'Function', callback);
  if (options.argv0 != null) {
    validateString(options.argv0, 'options.argv0');
    validateNullCheck(options.argv0, 'options.argv0');
  }
  return { file, args, options, callback };
}

function execFile(file, args, options, callback) {
  ({ file, args, options, callback } = normalizeExecFileArgs(file, args, options, callback));
  options = {
    encoding: 'utf8', timeout: 0, maxBuffer: MAX_BUFFER, killSignal: 'SIGTERM',
    cwd: null, env: null, shell: false, ...options,
  };
  validateTimeout(options.timeout);
  validateMaxBuffer(options.maxBuffer);
  options.killSignal = sanitizeKillSignal(options.killSignal);
  const child = spawn(file, args, {
    cwd: options.cwd, env: options.env, gid: options.gid, shell: options.shell, signal: options.signal,
    uid: options.uid, windowsHide: !!options.windowsHide,
    windowsVerbatimArguments: !!options.windowsVerbatimArguments,
  });
  const encoding = options.encoding !== 'buffer' && Buffer.isEncoding(options.encoding) ? options.encoding : null;
  const out = { stdout: [], stderr: [] };
  const lengths = { stdout: 0, stderr: 0 };
  let killed = false;
  let exited = false;
  let timer;
  let ex = null;
  let cmd = file;

  function join(name) {
    const stream = child[name];
    return encoding || (stream && stream.readableEncoding) ? out[name].join('') : Buffer.concat(out[name]);
  }

  function exithandler(code, signal) {
    if (exited) return;
    exited = true;
    if (timer) {
      clearTimeout(timer);
      timer = null;
    }
    if (!callback) return;
    const stdout = join('stdout');
    const stderr = join('stderr');
    if (!ex && code === 0 && signal === null) {
      callback(null, stdout, stderr);
      return;
    }
    if (args && args.length) cmd += ` ${args.join(' ')}`;
    if (!ex) {
      ex = genericNodeError(`Command failed: ${cmd}\n${stderr}`, {
        code: code < 0 ? errnoName(code) : code,
        killed: child.killed || killed,
        signal,
      });
    }
    ex.cmd = cmd;
    callback(ex, stdout, stderr);
  }

  function errorhandler(e) {
    ex = e;
    if (child.stdout) child.stdout.destroy();
    if (child.stderr) child.stderr.destroy();
    exithandler();
  }

  function kill() {
    if (child.stdout) child.stdout.destroy();
    if (child.stderr) child.stderr.destroy();
    killed = true;
    try {
      child.kill(options.killSignal);
    } catch (e) {
      ex = e;
      exithandler();
    }
  }

  if (options.timeout > 0) {
    timer = setTimeout(() => {
      kill();
      timer = null;
    }, options.timeout);
  }

  for (const name of ['stdout', 'stderr']) {
    const stream = child[name];
    if (!stream) continue;
    if (encoding) stream.setEncoding(encoding);
    stream.on('data', (chunk) => {
      if (options.maxBuffer === Infinity) {
        out[name].push(chunk);
        return;
      }
      const enc = stream.readableEncoding;
      const length = enc ? Buffer.byteLength(chunk, enc) : chunk.length;
      lengths[name] += length;
      if (lengths[name] > options.maxBuffer) {
        const truncated = options.maxBuffer - (lengths[name] - length);
        out[name].push(chunk.slice(0, truncated));
        ex = codedError(RangeError, 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER', `${name} maxBuffer length exceeded`);
        kill();
      } else {
        out[name].push(chunk);
      }
    });
  }
  child.addListener('close', exithandler);
  child.addListener('error', errorhandler);
  return child;
}

function normalizeExecArgs(command, options, callback) {
  validateString(command, 'command');
  validateNullCheck(command, 'command');
  if (typeof options === 'function') {
    callback = options;
    options = undefined;
  }
  options = { ...options };
  options.shell = typeof options.shell === 'string' ? options.shell : true;
  return { file: command, options, callback };
}

function exec(command, options, callback) {
  const opts = normalizeExecArgs(command, options, callback);
  return execFile(opts.file, opts.options, opts.callback);
}

// promisified exec and execFile resolve { stdout, stderr } and reject with
// an error that carries them, as Node's do.
function customPromiseExecFunction(orig) {
  return (...args) => {
    let resolve;
    let reject;
    const promise = new Promise((res, rej) => {
      resolve = res;
      reject = rej;
    });
    promise.child = orig(...args, (err, stdout, stderr) => {
      if (err !== null) {
        err.stdout = stdout;
        err.stderr = stderr;
        reject(err);
      } else {
        resolve({ stdout, stderr });
      }
    });
    return promise;
  };
}

const promisifyCustom = Symbol.for('nodejs.util.promisify.custom');
Object.defineProperty(exec, promisifyCustom, { enumerable: false, value: customPromiseExecFunction(exec) });
Object.defineProperty(execFile, promisifyCustom, { enumerable: false, value: customPromiseExecFunction(execFile) });

function toInput(input, i, encoding) {
  if (ArrayBuffer.isView(input)) return input;
  if (typeof input === 'string') return Buffer.from(input, encoding);
  throw invalidArgType(`options.stdio[${i}]`, ['Buffer', 'TypedArray', 'DataView', 'string'], input);
}

function spawnSync(file, args, options) {
  options = { maxBuffer: MAX_BUFFER, ...normalizeSpawnArguments(file, args, options) };
  validateTimeout(options.timeout);
  validateMaxBuffer(options.maxBuffer);
  options.killSignal = sanitizeKillSignal(options.killSignal);
  const stdio = stdioKinds(options.stdio || 'pipe');
  let input;
  if (options.input != null) input = toInput(options.input, 0, options.encoding);
  if (Array.isArray(options.stdio) && options.stdio[0] && options.stdio[0].input != null) {
    input = toInput(options.stdio[0].input, 0, options.encoding);
  }
  checkHost();
  const req = hostRequest(options, stdio);
  req.input = input;
  req.timeout = options.timeout || 0;
  req.killSignal = options.killSignal;
  req.maxBuffer = options.maxBuffer == null ? MAX_BUFFER : options.maxBuffer;
  const r = binding.spawnSync(req);
  if (r.error && r.error.errno === undefined) throw hostError(r.error, 'spawnSync');
  const result = {
    status: r.status,
    signal: r.signal === null ? null : (signalNames[r.signal] || r.signal),
    output: r.output && r.output.map((b) => {
      if (b === null) return null;
      const buf = Buffer.from(b);
      return options.encoding && options.encoding !== 'buffer' ? buf.toString(options.encoding) : buf;
    }),
    pid: r.pid,
  };
  result.stdout = result.output && result.output[1];
  result.stderr = result.output && result.output[2];
  if (r.error) {
    result.error = errnoException(r.error, `spawnSync ${options.file}`);
    result.error.path = options.file;
    result.error.spawnargs = options.args.slice(1);
  }
  return result;
}

function checkExecSyncError(ret, args, cmd) {
  let err;
  if (ret.error) {
    err = ret.error;
    Object.assign(err, ret);
  } else if (ret.status !== 0) {
    let msg = `Command failed: ${cmd || args.join(' ')}`;
    if (ret.stderr && ret.stderr.length > 0) msg += `\n${ret.stderr.toString()}`;
    err = genericNodeError(msg, ret);
  }
  return err;
}

function execFileSync(file, args, options) {
  ({ file, args, options } = normalizeExecFileArgs(file, args, options));
  const inheritStderr = !options.stdio;
  const ret = spawnSync(file, args, options);
  if (inheritStderr && ret.stderr) process.stderr.write(ret.stderr);
  const err = checkExecSyncError(ret, [options.argv0 || file, ...args]);
  if (err) throw err;
  return ret.stdout;
}

function execSync(command, options) {
  const opts = normalizeExecArgs(command, options, null);
  const inheritStderr = !opts.options.stdio;
  const ret = spawnSync(opts.file, opts.options);
  if (inheritStderr && ret.stderr) process.stderr.write(ret.stderr);
  const err = checkExecSyncError(ret, undefined, command);
  if (err) throw err;
  return ret.stdout;
}

function fork() {
  throw notSupported('fork (it needs an IPC channel)');
}

module.exports = {
  ChildProcess, exec, execFile, execFileSync, execSync, fork, spawn, spawnSync,
};
