'use strict';
// The part of Node's internal/timers that timers/promises (vendored from
// Node's lib) uses, on the host's timers: Timeout and Immediate return the
// host's timer objects, already started.

const timers = require('timers');

function Timeout(callback, after, args, isRepeat, isRefed) {
  const t = (isRepeat ? timers.setInterval : timers.setTimeout)(callback, after, ...(args || []));
  if (!isRefed) t.unref();
  return t;
}

function Immediate(callback, args) {
  return timers.setImmediate(callback, ...(args || []));
}

function insert() {}

module.exports = { Timeout, Immediate, insert };
