'use strict';
// node:tty: isatty only; this runtime has no tty streams of its own.

const b = internalBinding('os');

function isatty(fd) {
  return Number.isInteger(fd) && fd >= 0 && fd <= 2147483647 && b.isatty(fd);
}

module.exports = {
  isatty,
  ReadStream: function ReadStream() { throw new Error('tty.ReadStream is not supported'); },
  WriteStream: function WriteStream() { throw new Error('tty.WriteStream is not supported'); },
};
