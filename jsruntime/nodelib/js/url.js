'use strict';
// node:url: the WHATWG URL classes plus the file URL helpers.

const whatwg = require('internal/url');
const path = require('path');
const { codedError, invalidArgType } = require('internal/errors');

const { URL, URLSearchParams } = whatwg;

function fileURLToPath(input) {
  let url = input;
  if (typeof url === 'string') url = new URL(url);
  else if (!(url instanceof URL)) throw invalidArgType('path', ['string', 'URL'], input);
  if (url.protocol !== 'file:') throw codedError(TypeError, 'ERR_INVALID_URL_SCHEME', 'The URL must be of scheme file');
  if (url.hostname !== '') {
    throw codedError(TypeError, 'ERR_INVALID_FILE_URL_HOST', `File URL host must be "localhost" or empty on ${internalBinding('os').platform()}`);
  }
  const pathname = url.pathname;
  for (let i = 0; i < pathname.length; i++) {
    if (pathname[i] === '%') {
      const third = pathname.codePointAt(i + 2) | 0x20;
      if (pathname[i + 1] === '2' && third === 102) {
        throw codedError(TypeError, 'ERR_INVALID_FILE_URL_PATH', 'File URL path must not include encoded / characters');
      }
    }
  }
  return decodeURIComponent(pathname);
}

function pathToFileURL(filepath) {
  let resolved = path.resolve(filepath);
  if (filepath.endsWith('/') && !resolved.endsWith('/')) resolved += '/';
  const encoded = resolved.replace(/%/g, '%25').replace(/\\/g, '%5C').replace(/\n/g, '%0A')
    .replace(/\r/g, '%0D').replace(/\t/g, '%09').replace(/#/g, '%23').replace(/\?/g, '%3F');
  return new URL(`file://${encoded}`);
}

// Legacy url.parse/format/resolve, enough for packages that still call them.
const protocolPattern = /^([a-z0-9.+-]+:)/i;
function urlParse(str, parseQueryString) {
  const result = {
    protocol: null, slashes: null, auth: null, host: null, port: null, hostname: null,
    hash: null, search: null, query: null, pathname: null, path: null, href: str,
  };
  let rest = `${str}`.trim();
  const hashAt = rest.indexOf('#');
  if (hashAt !== -1) { result.hash = rest.slice(hashAt); rest = rest.slice(0, hashAt); }
  const qAt = rest.indexOf('?');
  if (qAt !== -1) {
    result.search = rest.slice(qAt);
    result.query = rest.slice(qAt + 1);
    rest = rest.slice(0, qAt);
  } else if (parseQueryString) {
    result.search = '';
  }
  if (parseQueryString) result.query = require('querystring').parse(result.query || '');
  const proto = protocolPattern.exec(rest);
  if (proto) { result.protocol = proto[1].toLowerCase(); rest = rest.slice(proto[1].length); }
  if (rest.startsWith('//')) {
    result.slashes = true;
    rest = rest.slice(2);
    let end = rest.indexOf('/');
    if (end === -1) end = rest.length;
    let host = rest.slice(0, end);
    rest = rest.slice(end);
    const at = host.lastIndexOf('@');
    if (at !== -1) { result.auth = decodeURIComponent(host.slice(0, at)); host = host.slice(at + 1); }
    result.host = host.toLowerCase();
    const portMatch = /:(\d*)$/.exec(host);
    if (portMatch) { result.port = portMatch[1] || null; host = host.slice(0, -portMatch[0].length); }
    result.hostname = host.toLowerCase();
    if (rest === '' && result.protocol && /^(https?|ftp|gopher|file|wss?):$/.test(result.protocol)) rest = '/';
  }
  result.pathname = rest || (result.slashes ? '/' : null);
  result.path = (result.pathname || '') + (result.search || '') || null;
  result.href = urlFormat(result);
  return result;
}

function urlFormat(obj) {
  if (typeof obj === 'string') obj = urlParse(obj);
  if (obj instanceof URL) return obj.href;
  let out = obj.protocol || '';
  if (out && !out.endsWith(':')) out += ':';
  const host = obj.host || (obj.hostname ? obj.hostname + (obj.port ? `:${obj.port}` : '') : '');
  if (obj.slashes || host) out += '//';
  if (obj.auth) out += `${encodeURIComponent(obj.auth).replace(/%3A/i, ':')}@`;
  out += host;
  let pathname = obj.pathname || '';
  if (host && pathname && pathname[0] !== '/') pathname = `/${pathname}`;
  out += pathname;
  let search = obj.search || '';
  if (!search && obj.query && typeof obj.query === 'object') {
    const q = require('querystring').stringify(obj.query);
    if (q) search = `?${q}`;
  }
  if (search && search[0] !== '?') search = `?${search}`;
  out += search;
  let hash = obj.hash || '';
  if (hash && hash[0] !== '#') hash = `#${hash}`;
  return out + hash;
}

// urlResolve resolves to against from as a browser resolves a link; a
// scheme-less from is resolved on a placeholder origin that is stripped again.
function urlResolve(from, to) {
  if (protocolPattern.test(to)) return new URL(to).href;
  if (protocolPattern.test(from)) return new URL(to, from).href;
  const relative = !from.startsWith('/');
  const prefix = relative ? '/__relative__/' : '/';
  const u = new URL(to, `http://placeholder${prefix}${relative ? from : from.slice(1)}`);
  let out = u.pathname + u.search + u.hash;
  if (relative) out = out.startsWith(prefix) ? out.slice(prefix.length) : out.replace(/^\//, '');
  return out;
}

module.exports = {
  URL,
  URLSearchParams,
  domainToASCII: whatwg.domainToASCII,
  domainToUnicode: whatwg.domainToUnicode,
  fileURLToPath,
  pathToFileURL,
  parse: urlParse,
  format: urlFormat,
  resolve: urlResolve,
};
