'use strict'

// intact: the runtime's util.format and util.inspect, which are Node's, so
// that stream errors read as Node's do (readable-stream ships a reduced copy).
const { format, inspect } = require('util')
module.exports = { format, inspect }
