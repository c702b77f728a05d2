'use strict';
// Node's internal/events/abort_listener (events.addAbortListener): listen
// once for an AbortSignal's abort; the result removes the listener when
// disposed.

const { validateAbortSignal, validateFunction } = require('internal/validators');
const { invalidArgType } = require('internal/errors');

function addAbortListener(signal, listener) {
  if (signal === undefined) throw invalidArgType('signal', 'AbortSignal', signal);
  validateAbortSignal(signal, 'signal');
  validateFunction(listener, 'listener');
  let removeEventListener;
  if (signal.aborted) {
    queueMicrotask(() => listener());
  } else {
    signal.addEventListener('abort', listener, { __proto__: null, once: true });
    removeEventListener = () => signal.removeEventListener('abort', listener);
  }
  return {
    __proto__: null,
    [Symbol.dispose]() {
      if (removeEventListener !== undefined) removeEventListener();
    },
  };
}

module.exports = { addAbortListener };
