'use strict';
// The part of Node's encoding_binding that url.parse (vendored from Node's
// lib) uses: toASCII, a host name in Punycode, '' when it is not a valid
// one.

const { domainToASCII } = require('internal/url');

module.exports = { toASCII: (host) => domainToASCII(host) };
