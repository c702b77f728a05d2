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

module.exports = {
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
  networkInterfaces: () => ({}),
  userInfo: () => b.userInfo(),
  constants: {
    signals,
    errno: {},
    priority: { PRIORITY_LOW: 19, PRIORITY_BELOW_NORMAL: 10, PRIORITY_NORMAL: 0, PRIORITY_ABOVE_NORMAL: -7, PRIORITY_HIGH: -14, PRIORITY_HIGHEST: -20 },
  },
};

// As in Node, EOL and devNull cannot be assigned, only redefined.
Object.defineProperties(module.exports, {
  EOL: { value: isWindows ? '\r\n' : '\n', writable: false, enumerable: true, configurable: true },
  devNull: { value: isWindows ? '\\\\.\\nul' : '/dev/null', writable: false, enumerable: true, configurable: true },
});
