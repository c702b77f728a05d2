'use strict';
// node:child_process is not available in this runtime: it loads, so packages
// that import it for optional features still work, and every call throws.

const { codedError } = require('internal/errors');

function unsupported(name) {
  return function () {
    throw codedError(Error, 'ERR_NOT_SUPPORTED', `child_process.${name} is not supported by this runtime`);
  };
}

for (const name of ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork']) {
  module.exports[name] = unsupported(name);
}
