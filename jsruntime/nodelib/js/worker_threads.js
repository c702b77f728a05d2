'use strict';
// node:worker_threads as seen from the main thread, the only thread this
// runtime has: there is no parent port or worker data, and starting a
// worker is refused with a clear error rather than run in this thread.

const { codedError } = require('internal/errors');

class Worker {
  constructor() {
    throw codedError(Error, 'ERR_FEATURE_UNAVAILABLE_ON_PLATFORM', 'worker_threads.Worker is not supported by intact: programs run in one thread');
  }
}

module.exports = {
  isMainThread: true,
  parentPort: null,
  workerData: null,
  threadId: 0,
  resourceLimits: {},
  SHARE_ENV: Symbol.for('nodejs.worker_threads.SHARE_ENV'),
  Worker,
  getEnvironmentData() { return undefined; },
  setEnvironmentData() {},
  markAsUntransferable() {},
  isMarkedAsUntransferable() { return false; },
  moveMessagePortToContext() { throw codedError(Error, 'ERR_FEATURE_UNAVAILABLE_ON_PLATFORM', 'worker_threads.moveMessagePortToContext is not supported by intact'); },
  receiveMessageOnPort() { return undefined; },
};
