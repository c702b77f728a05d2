'use strict';
// node:http without the network. intact run has no sockets: a server or a
// client is refused with a clear error (run servers with `intact node`,
// stock Node under the same policy). What frameworks read or extend
// without a connection is here: METHODS, STATUS_CODES, the message
// classes whose prototypes Express builds its request and response on, and
// the header validators.

const Stream = require('stream');
const { codedError } = require('internal/errors');

const METHODS = ["ACL","BIND","CHECKOUT","CONNECT","COPY","DELETE","GET","HEAD","LINK","LOCK","M-SEARCH","MERGE","MKACTIVITY","MKCALENDAR","MKCOL","MOVE","NOTIFY","OPTIONS","PATCH","POST","PROPFIND","PROPPATCH","PURGE","PUT","QUERY","REBIND","REPORT","SEARCH","SOURCE","SUBSCRIBE","TRACE","UNBIND","UNLINK","UNLOCK","UNSUBSCRIBE"];
const STATUS_CODES = {"100":"Continue","101":"Switching Protocols","102":"Processing","103":"Early Hints","200":"OK","201":"Created","202":"Accepted","203":"Non-Authoritative Information","204":"No Content","205":"Reset Content","206":"Partial Content","207":"Multi-Status","208":"Already Reported","226":"IM Used","300":"Multiple Choices","301":"Moved Permanently","302":"Found","303":"See Other","304":"Not Modified","305":"Use Proxy","307":"Temporary Redirect","308":"Permanent Redirect","400":"Bad Request","401":"Unauthorized","402":"Payment Required","403":"Forbidden","404":"Not Found","405":"Method Not Allowed","406":"Not Acceptable","407":"Proxy Authentication Required","408":"Request Timeout","409":"Conflict","410":"Gone","411":"Length Required","412":"Precondition Failed","413":"Payload Too Large","414":"URI Too Long","415":"Unsupported Media Type","416":"Range Not Satisfiable","417":"Expectation Failed","418":"I'm a Teapot","421":"Misdirected Request","422":"Unprocessable Entity","423":"Locked","424":"Failed Dependency","425":"Too Early","426":"Upgrade Required","428":"Precondition Required","429":"Too Many Requests","431":"Request Header Fields Too Large","451":"Unavailable For Legal Reasons","500":"Internal Server Error","501":"Not Implemented","502":"Bad Gateway","503":"Service Unavailable","504":"Gateway Timeout","505":"HTTP Version Not Supported","506":"Variant Also Negotiates","507":"Insufficient Storage","508":"Loop Detected","509":"Bandwidth Limit Exceeded","510":"Not Extended","511":"Network Authentication Required"};

function noNetwork(what) {
  return function () {
    throw codedError(Error, 'ERR_NOT_SUPPORTED',
      `http.${what} is not supported by intact run, which has no network access; run servers and clients with intact node`);
  };
}

class IncomingMessage extends Stream.Readable {
  constructor(socket) {
    super();
    this.socket = socket === undefined ? null : socket;
    this.httpVersionMajor = null;
    this.httpVersionMinor = null;
    this.httpVersion = null;
    this.complete = false;
    this.rawHeaders = [];
    this.rawTrailers = [];
    this.headers = {};
    this.trailers = {};
    this.url = '';
    this.method = null;
    this.statusCode = null;
    this.statusMessage = null;
  }
  _read() {}
}

class OutgoingMessage extends Stream {
  constructor() {
    super();
    this.headersSent = false;
    this.finished = false;
    this._headers = Object.create(null);
  }
  setHeader(name, value) {
    validateHeaderName(name);
    validateHeaderValue(name, value);
    this._headers[String(name).toLowerCase()] = [name, value];
    return this;
  }
  getHeader(name) {
    const h = this._headers[String(name).toLowerCase()];
    return h === undefined ? undefined : h[1];
  }
  getHeaderNames() { return Object.keys(this._headers); }
  getHeaders() {
    const out = Object.create(null);
    for (const k of Object.keys(this._headers)) out[k] = this._headers[k][1];
    return out;
  }
  hasHeader(name) { return String(name).toLowerCase() in this._headers; }
  removeHeader(name) { delete this._headers[String(name).toLowerCase()]; }
}
OutgoingMessage.prototype.write = noNetwork('OutgoingMessage.prototype.write');
OutgoingMessage.prototype.end = noNetwork('OutgoingMessage.prototype.end');

class ServerResponse extends OutgoingMessage {
  constructor(req) {
    super();
    this.req = req;
    this.statusCode = 200;
    this.statusMessage = undefined;
  }
}
ServerResponse.prototype.writeHead = noNetwork('ServerResponse.prototype.writeHead');

const tokenRe = /^[\^_`a-zA-Z\-0-9!#$%&'*+.|~]+$/;
const invalidValueRe = /[^\t\x20-\x7e\x80-\xff]/;

function validateHeaderName(name) {
  if (typeof name !== 'string' || !name || !tokenRe.test(name)) {
    throw codedError(TypeError, 'ERR_INVALID_HTTP_TOKEN', `Header name must be a valid HTTP token ["${name}"]`);
  }
}

function validateHeaderValue(name, value) {
  if (value === undefined) {
    throw codedError(TypeError, 'ERR_HTTP_INVALID_HEADER_VALUE', `Invalid value "${value}" for header "${name}"`);
  }
  if (invalidValueRe.test(String(value))) {
    throw codedError(TypeError, 'ERR_INVALID_CHAR', `Invalid character in header content ["${name}"]`);
  }
}

module.exports = {
  METHODS,
  STATUS_CODES,
  IncomingMessage,
  OutgoingMessage,
  ServerResponse,
  validateHeaderName,
  validateHeaderValue,
  maxHeaderSize: 16384,
  Server: noNetwork('Server'),
  createServer: noNetwork('createServer'),
  request: noNetwork('request'),
  get: noNetwork('get'),
  Agent: noNetwork('Agent'),
  ClientRequest: noNetwork('ClientRequest'),
};
