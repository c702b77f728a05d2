// node:http and node:net without the network: what frameworks read.
const http = require('http');
const net = require('net');
console.log(http.METHODS.length, http.METHODS.includes('GET'), http.STATUS_CODES[404], http.STATUS_CODES[418]);
const req = Object.create(http.IncomingMessage.prototype);
console.log(req instanceof require('stream').Readable, typeof http.ServerResponse.prototype.setHeader);
try { http.validateHeaderName('bad name'); } catch (e) { console.log(e.code); }
try { http.validateHeaderValue('x', undefined); } catch (e) { console.log(e.code); }
console.log(['1.2.3.4', '::1', 'fe80::1%eth0', '1.2.3', '::ffff:1.2.3.4', 'x', '256.1.1.1'].map(net.isIP).join());
console.log(net.isIPv4('10.0.0.1'), net.isIPv6('10.0.0.1'));
const wt = require('worker_threads');
console.log(wt.isMainThread, wt.threadId, wt.parentPort, wt.workerData);
