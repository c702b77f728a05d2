'use strict';
// node:timers as the library's own modules see it: the host provides
// node:timers to programs and defines these globals (see jsruntime); this
// module only lets modules vendored from Node's lib require them by name.

for (const name of ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'setImmediate', 'clearImmediate']) {
  module.exports[name] = (...args) => globalThis[name](...args);
}
