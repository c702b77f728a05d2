'use strict';
// Node's internal/streams/utils, as readable-stream carries it.

module.exports = require('internal/readable-stream/internal/streams/utils');
