'use strict'

// intact: the host's process; a runtime with nodelib alone (no host) gets
// what the streams use of it, nextTick on the microtask queue.
module.exports =
  typeof process !== 'undefined'
    ? process
    : {
        nextTick(fn, ...args) {
          queueMicrotaskOrPromise(() => fn(...args))
        }
      }

function queueMicrotaskOrPromise(fn) {
  if (typeof queueMicrotask === 'function') queueMicrotask(fn)
  else Promise.resolve().then(fn)
}
