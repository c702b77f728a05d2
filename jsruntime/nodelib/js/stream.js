'use strict';
// node:stream is Node's own implementation, from readable-stream (see
// js/readable-stream/LICENSE).

module.exports = require('internal/readable-stream/stream');
