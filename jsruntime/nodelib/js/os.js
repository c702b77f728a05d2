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

module.exports = {
  EOL: isWindows ? '\r\n' : '\n',
  devNull: isWindows ? '\\\\.\\nul' : '/dev/null',
  platform: () => b.platform(),
  type: () => b.type,
  arch: () => b.arch(),
  machine: () => b.machine,
  release: () => b.release,
  version: () => b.version,
  homedir: () => b.homedir(),
  tmpdir: () => b.tmpdir(),
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
