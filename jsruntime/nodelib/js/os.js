'use strict';
// node:os

const b = internalBinding('os');

const isWindows = b.platform() === 'win32';

const signals = {
  SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGILL: 4, SIGTRAP: 5, SIGABRT: 6, SIGIOT: 6, SIGBUS: 7,
  SIGFPE: 8, SIGKILL: 9, SIGUSR1: 10, SIGSEGV: 11, SIGUSR2: 12, SIGPIPE: 13, SIGALRM: 14,
  SIGTERM: 15, SIGCHLD: 17, SIGSTKFLT: 16, SIGCONT: 18, SIGSTOP: 19, SIGTSTP: 20, SIGTTIN: 21,
  SIGTTOU: 22, SIGURG: 23, SIGXCPU: 24, SIGXFSZ: 25, SIGVTALRM: 26, SIGPROF: 27, SIGWINCH: 28,
  SIGIO: 29, SIGPOLL: 29, SIGPWR: 30, SIGSYS: 31,
};

// The environment as the program sees it: process.env where the host has
// one (a program may change it, as Node's tests do), else none.
function env(name) {
  const e = typeof process === 'object' && process !== null ? process.env : undefined;
  return e && typeof e[name] === 'string' && e[name] !== '' ? e[name] : undefined;
}

// tmpdir and homedir follow Node: the variables first, each read on every
// call.
function tmpdir() {
  if (isWindows) {
    let path = env('TEMP') || env('TMP') || (env('SystemRoot') || env('windir')) + '\\temp';
    if (path.length > 1 && path.endsWith('\\') && !path.endsWith(':\\')) path = path.slice(0, -1);
    return path;
  }
  let path = env('TMPDIR') || env('TMP') || env('TEMP') || '/tmp';
  if (path.length > 1 && path.endsWith('/')) path = path.slice(0, -1);
  return path;
}

function homedir() {
  return env(isWindows ? 'USERPROFILE' : 'HOME') || b.homedir();
}

const { validateInt32 } = require('internal/validators');

class SystemError extends Error {
  get name() { return 'SystemError'; }
  get code() { return 'ERR_SYSTEM_ERROR'; }
  toString() { return `${this.name} [${this.code}]: ${this.message}`; }
}

// systemError is Node's ERR_SYSTEM_ERROR for a libuv call that failed with
// [code, errno, description].
function systemError(syscall, [code, errno, message]) {
  const err = new SystemError(`A system error occurred: ${syscall} returned ${code} (${message})`);
  const info = { errno, code, message, syscall };
  Object.defineProperties(err, {
    info: { value: info, enumerable: true, configurable: true, writable: true },
    errno: { get: () => info.errno, set: (v) => { info.errno = v; }, enumerable: true, configurable: true },
    syscall: { get: () => info.syscall, set: (v) => { info.syscall = v; }, enumerable: true, configurable: true },
  });
  return err;
}

function setPriority(pid, priority) {
  if (priority === undefined) {
    priority = pid;
    pid = 0;
  }
  validateInt32(pid, 'pid');
  validateInt32(priority, 'priority', -20, 19);
  const failed = b.setPriority(pid, priority);
  if (failed != null) throw systemError('uv_os_setpriority', failed);
}

function getPriority(pid) {
  if (pid === undefined) pid = 0;
  else validateInt32(pid, 'pid');
  const priority = b.getPriority(pid);
  if (Array.isArray(priority)) throw systemError('uv_os_getpriority', priority);
  return priority;
}

module.exports = {
  getPriority,
  setPriority,
  platform: () => b.platform(),
  type: () => b.type,
  arch: () => b.arch(),
  machine: () => b.machine,
  release: () => b.release,
  version: () => b.version,
  homedir,
  tmpdir,
  hostname: () => b.hostname(),
  endianness: () => 'LE',
  cpus: () => b.cpus(),
  availableParallelism: () => b.numCPU(),
  totalmem: () => b.memory()[0],
  freemem: () => b.memory()[1],
  uptime: () => b.uptime(),
  loadavg: () => b.loadavg(),
  networkInterfaces: () => b.networkInterfaces(),
  userInfo: () => b.userInfo(),
  constants: {
    signals,
    errno: {},
    priority: { PRIORITY_LOW: 19, PRIORITY_BELOW_NORMAL: 10, PRIORITY_NORMAL: 0, PRIORITY_ABOVE_NORMAL: -7, PRIORITY_HIGH: -14, PRIORITY_HIGHEST: -20 },
  },
};

// As in Node, the functions that return a single value convert to it
// (`${os.hostname}`).
for (const name of ['arch', 'availableParallelism', 'endianness', 'freemem', 'homedir', 'hostname', 'machine',
  'platform', 'release', 'tmpdir', 'totalmem', 'type', 'uptime', 'version']) {
  const fn = module.exports[name];
  fn[Symbol.toPrimitive] = () => fn();
}

// As in Node, EOL and devNull cannot be assigned, only redefined.
Object.defineProperties(module.exports, {
  EOL: { value: isWindows ? '\r\n' : '\n', writable: false, enumerable: true, configurable: true },
  devNull: { value: isWindows ? '\\\\.\\nul' : '/dev/null', writable: false, enumerable: true, configurable: true },
});
