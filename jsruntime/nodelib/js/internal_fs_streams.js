'use strict';
// fs.createReadStream / createWriteStream over the synchronous fs calls.

const fs = require('fs');
const { Readable, Writable } = require('stream');

function createReadStream(path, options) {
  const opts = typeof options === 'string' ? { encoding: options } : Object.assign({}, options);
  const fd = opts.fd !== undefined ? opts.fd : fs.openSync(path, opts.flags || 'r');
  let pos = opts.start !== undefined ? opts.start : -1;
  const end = opts.end !== undefined ? opts.end : Infinity;
  const hwm = opts.highWaterMark || 65536;
  const stream = new Readable({
    highWaterMark: hwm,
    encoding: opts.encoding,
    read() {
      let want = hwm;
      if (pos >= 0 && end !== Infinity) want = Math.min(want, end - pos + 1);
      if (want <= 0) { this.push(null); return; }
      const buf = Buffer.alloc(want);
      let n;
      try {
        n = fs.readSync(fd, buf, 0, want, pos >= 0 ? pos : null);
      } catch (err) {
        this.destroy(err);
        return;
      }
      if (pos >= 0) pos += n;
      this.push(n === 0 ? null : buf.subarray(0, n));
    },
    destroy(err, cb) {
      if (opts.autoClose !== false) { try { fs.closeSync(fd); } catch { /* already closed */ } }
      cb(err);
    },
  });
  stream.path = path;
  stream.fd = fd;
  Promise.resolve().then(() => stream.emit('open', fd)).then(() => stream.emit('ready'));
  return stream;
}

function createWriteStream(path, options) {
  const opts = typeof options === 'string' ? { encoding: options } : Object.assign({}, options);
  const fd = opts.fd !== undefined ? opts.fd : fs.openSync(path, opts.flags || 'w', opts.mode);
  let bytesWritten = 0;
  const stream = new Writable({
    write(chunk, encoding, cb) {
      try {
        bytesWritten += fs.writeSync(fd, chunk);
        stream.bytesWritten = bytesWritten;
        cb();
      } catch (err) {
        cb(err);
      }
    },
    destroy(err, cb) {
      if (opts.autoClose !== false) { try { fs.closeSync(fd); } catch { /* already closed */ } }
      cb(err);
    },
  });
  stream.path = path;
  stream.fd = fd;
  stream.bytesWritten = 0;
  Promise.resolve().then(() => stream.emit('open', fd)).then(() => stream.emit('ready'));
  return stream;
}

module.exports = { createReadStream, createWriteStream };
