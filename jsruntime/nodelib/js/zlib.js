'use strict';
// node:zlib for the zlib, gzip and raw deflate formats, on Go's compress
// packages (internal/zlib): the sync, callback and promise-free stream
// forms. A stream inflates or deflates what it was given when it ends, so
// its output is complete and correct but not incremental. Brotli needs a
// module outside Go's standard library and is refused with a clear error.

const b = internalBinding('zlib');
const { Transform } = require('stream');
const { codedError, invalidArgType } = require('internal/errors');

const constants = {
  Z_NO_FLUSH: 0, Z_PARTIAL_FLUSH: 1, Z_SYNC_FLUSH: 2, Z_FULL_FLUSH: 3, Z_FINISH: 4, Z_BLOCK: 5,
  Z_OK: 0, Z_STREAM_END: 1, Z_NEED_DICT: 2, Z_ERRNO: -1, Z_STREAM_ERROR: -2, Z_DATA_ERROR: -3,
  Z_MEM_ERROR: -4, Z_BUF_ERROR: -5, Z_VERSION_ERROR: -6,
  Z_NO_COMPRESSION: 0, Z_BEST_SPEED: 1, Z_BEST_COMPRESSION: 9, Z_DEFAULT_COMPRESSION: -1,
  Z_FILTERED: 1, Z_HUFFMAN_ONLY: 2, Z_RLE: 3, Z_FIXED: 4, Z_DEFAULT_STRATEGY: 0, ZLIB_VERNUM: 4865,
  DEFLATE: 1, INFLATE: 2, GZIP: 3, GUNZIP: 4, DEFLATERAW: 5, INFLATERAW: 6, UNZIP: 7,
  Z_MIN_WINDOWBITS: 8, Z_MAX_WINDOWBITS: 15, Z_DEFAULT_WINDOWBITS: 15, Z_MIN_CHUNK: 64,
  Z_MAX_CHUNK: Infinity, Z_DEFAULT_CHUNK: 16384, Z_MIN_MEMLEVEL: 1, Z_MAX_MEMLEVEL: 9,
  Z_DEFAULT_MEMLEVEL: 8, Z_MIN_LEVEL: -1, Z_MAX_LEVEL: 9, Z_DEFAULT_LEVEL: -1,
};

function toBuffer(data, name) {
  if (typeof data === 'string') return Buffer.from(data);
  if (Buffer.isBuffer(data)) return data;
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  if (data instanceof ArrayBuffer) return Buffer.from(data);
  throw invalidArgType(name, ['string', 'Buffer', 'TypedArray', 'DataView', 'ArrayBuffer'], data);
}

function level(opts) {
  const l = opts && opts.level !== undefined ? opts.level : -1;
  if (!Number.isInteger(l) || l < -1 || l > 9) {
    throw codedError(RangeError, 'ERR_OUT_OF_RANGE', `The value of "options.level" is out of range. It must be >= -1 and <= 9. Received ${l}`);
  }
  return l;
}

const formats = {
  Deflate: ['deflate', true], Inflate: ['deflate', false], Gzip: ['gzip', true], Gunzip: ['gzip', false],
  DeflateRaw: ['raw', true], InflateRaw: ['raw', false], Unzip: ['unzip', false],
};

function process1(format, compress, data, opts) {
  const buf = toBuffer(data, 'buffer');
  const out = compress ? b.deflate(format, buf, level(opts)) : b.inflate(format, buf);
  return Buffer.from(out);
}

const zlib = { constants, codes: {} };
for (const [k, v] of Object.entries(constants)) {
  if (k.startsWith('Z_')) zlib[k] = v;
}
for (const k of ['Z_OK', 'Z_STREAM_END', 'Z_NEED_DICT', 'Z_ERRNO', 'Z_STREAM_ERROR', 'Z_DATA_ERROR', 'Z_MEM_ERROR', 'Z_BUF_ERROR', 'Z_VERSION_ERROR']) {
  zlib.codes[k] = constants[k];
  zlib.codes[constants[k]] = k;
}

for (const [name, [format, compress]] of Object.entries(formats)) {
  const lower = name[0].toLowerCase() + name.slice(1);
  zlib[lower + 'Sync'] = function (data, opts) { return process1(format, compress, data, opts); };
  zlib[lower] = function (data, opts, callback) {
    if (typeof opts === 'function') { callback = opts; opts = {}; }
    if (typeof callback !== 'function') throw invalidArgType('callback', 'of type function', callback);
    let result;
    let error = null;
    try { result = process1(format, compress, data, opts); } catch (e) { error = e; }
    process.nextTick(() => (error ? callback(error) : callback(null, result)));
  };
  class Stream extends Transform {
    constructor(opts) {
      super(opts);
      this._level = compress ? level(opts) : undefined;
      this._chunks = [];
      this.bytesWritten = 0;
    }
    _transform(chunk, encoding, cb) {
      const buf = typeof chunk === 'string' ? Buffer.from(chunk, encoding) : chunk;
      this._chunks.push(buf);
      this.bytesWritten += buf.length;
      cb();
    }
    _flush(cb) {
      let out;
      try {
        out = process1(format, compress, Buffer.concat(this._chunks), { level: this._level });
      } catch (e) {
        cb(e);
        return;
      }
      this._chunks = [];
      cb(null, out);
    }
  }
  Object.defineProperty(Stream, 'name', { value: name });
  zlib[name] = Stream;
  zlib['create' + name] = (opts) => new Stream(opts);
}

function noBrotli() {
  throw codedError(Error, 'ERR_NOT_SUPPORTED', 'Brotli is not supported by intact: Go has no standard Brotli implementation');
}
for (const name of ['brotliCompress', 'brotliDecompress', 'brotliCompressSync', 'brotliDecompressSync',
  'createBrotliCompress', 'createBrotliDecompress', 'BrotliCompress', 'BrotliDecompress']) {
  zlib[name] = noBrotli;
}
module.exports = zlib;
