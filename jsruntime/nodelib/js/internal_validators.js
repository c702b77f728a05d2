'use strict';
// Node's argument validators (lib/internal/validators.js), as readable-stream
// carries them, with its Node-style errors.

module.exports = require('internal/readable-stream/internal/validators');
module.exports.codes = require('internal/readable-stream/ours/errors').codes;
