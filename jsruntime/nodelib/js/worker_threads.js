'use strict';
// node:worker_threads for a runtime with one thread: the program is the main
// thread (isMainThread, threadId 0, no parentPort or workerData), the
// environment data is kept, and starting a Worker or making a message
// channel throws ERR_NOT_SUPPORTED.

const { codedError } = require('internal/errors');

function notSupported(name) {
  return function () {
    throw codedError(Error, 'ERR_NOT_SUPPORTED', `worker_threads.${name} is not supported by this runtime (it has no worker threads)`);
  };
}

const environmentData = new Map();
const untransferable = new WeakSet();

module.exports = {
  isMainThread: true,
  threadId: 0,
  parentPort: null,
  workerData: null,
  resourceLimits: {},
  SHARE_ENV: Symbol.for('nodejs.worker_threads.SHARE_ENV'),
  Worker: notSupported('Worker'),
  MessageChannel: notSupported('MessageChannel'),
  MessagePort: notSupported('MessagePort'),
  BroadcastChannel: notSupported('BroadcastChannel'),
  receiveMessageOnPort: notSupported('receiveMessageOnPort'),
  moveMessagePortToContext: notSupported('moveMessagePortToContext'),
  getEnvironmentData: (key) => environmentData.get(key),
  setEnvironmentData(key, value) {
    if (value === undefined) environmentData.delete(key);
    else environmentData.set(key, value);
  },
  markAsUntransferable(object) {
    if (object !== null && (typeof object === 'object' || typeof object === 'function')) untransferable.add(object);
  },
  isMarkedAsUntransferable: (object) => object !== null && typeof object === 'object' && untransferable.has(object),
};
