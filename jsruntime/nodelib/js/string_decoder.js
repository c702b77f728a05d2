'use strict';
// node:string_decoder: decodes Buffers to strings without splitting
// multi-byte characters across chunks.

const { Buffer } = require('buffer');
const { codedError } = require('internal/errors');

function normalizeEncoding(enc) {
  const e = `${enc === undefined || enc === null ? 'utf8' : enc}`.toLowerCase();
  switch (e) {
    case 'utf8': case 'utf-8': case '': return 'utf8';
    case 'ucs2': case 'ucs-2': case 'utf16le': case 'utf-16le': return 'utf16le';
    case 'latin1': case 'binary': return 'latin1';
    case 'base64': case 'base64url': case 'ascii': case 'hex': return e;
    default:
      throw codedError(TypeError, 'ERR_UNKNOWN_ENCODING', `Unknown encoding: ${enc}`);
  }
}

// utf8Incomplete returns how many bytes at the end of buf start a UTF-8
// sequence that the following chunk must complete.
function utf8Incomplete(buf) {
  for (let back = 1; back <= Math.min(3, buf.length); back++) {
    const c = buf[buf.length - back];
    if ((c & 0xc0) === 0x80) continue; // continuation byte
    let need = 0;
    if ((c & 0xe0) === 0xc0) need = 2;
    else if ((c & 0xf0) === 0xe0) need = 3;
    else if ((c & 0xf8) === 0xf0) need = 4;
    return need > back ? back : 0;
  }
  return 0;
}

class StringDecoder {
  constructor(encoding) {
    this.encoding = normalizeEncoding(encoding);
    this.pending = Buffer.alloc(0);
  }
  write(buf) {
    if (typeof buf === 'string') return buf;
    let bytes = Buffer.concat([this.pending, Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength)]);
    let keep = 0;
    switch (this.encoding) {
      case 'utf8': keep = utf8Incomplete(bytes); break;
      case 'utf16le': {
        keep = bytes.length % 2;
        // Keep a high surrogate until its low half arrives.
        const end = bytes.length - keep;
        if (end >= 2) {
          const last = bytes[end - 2] | (bytes[end - 1] << 8);
          if (last >= 0xd800 && last <= 0xdbff) keep += 2;
        }
        break;
      }
      case 'base64': case 'base64url': keep = bytes.length % 3; break;
      default: keep = 0;
    }
    this.pending = Buffer.from(bytes.subarray(bytes.length - keep));
    bytes = bytes.subarray(0, bytes.length - keep);
    return bytes.toString(this.encoding);
  }
  end(buf) {
    let out = buf === undefined ? '' : this.write(buf);
    if (this.pending.length > 0) {
      out += this.pending.toString(this.encoding);
      this.pending = Buffer.alloc(0);
    }
    return out;
  }
  text(buf, offset) {
    return this.write(buf.subarray(offset));
  }
  get lastNeed() { return this.pending.length === 0 ? 0 : 1; }
}

module.exports = { StringDecoder };
