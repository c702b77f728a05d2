'use strict';
// node:readline: line-by-line reading of any stream that emits 'data' and
// 'end' (process.stdin, fs streams, PassThrough), prompts and questions.
// There is no line editing or history: that is the REPL's job.

const EventEmitter = require('events');
const { StringDecoder } = require('string_decoder');
const { invalidArgType } = require('internal/errors');

const kQuestion = Symbol('question');

class Interface extends EventEmitter {
  constructor(input, output, completer, terminal) {
    super();
    // Either createInterface(options) or createInterface(input, output, ...).
    const opts = input && input.input !== undefined ? input : { input, output, completer, terminal };
    if (!opts.input || typeof opts.input.on !== 'function') throw invalidArgType('input', 'Readable', opts.input);
    this.input = opts.input;
    this.output = opts.output;
    this.terminal = Boolean(opts.terminal);
    this.line = '';
    this.closed = false;
    this.crlfDelay = opts.crlfDelay === undefined ? 100 : Math.max(100, opts.crlfDelay);
    this._prompt = opts.prompt === undefined ? '> ' : `${opts.prompt}`;
    this[kQuestion] = null;
    this._paused = false;
    this._pending = [];
    const decoder = new StringDecoder('utf8');
    let sawReturn = false;
    this._onData = (chunk) => {
      const text = typeof chunk === 'string' ? chunk : decoder.write(chunk);
      let start = 0;
      for (let i = 0; i < text.length; i++) {
        const c = text[i];
        if (c === '\n' && sawReturn && i === start) {
          // The \n of a \r\n split across chunks.
          sawReturn = false;
          start = i + 1;
          continue;
        }
        sawReturn = false;
        if (c === '\n' || c === '\r') {
          this._online(this.line + text.slice(start, i));
          this.line = '';
          if (c === '\r') {
            if (text[i + 1] === '\n') i++;
            else if (i + 1 === text.length) sawReturn = true;
          }
          start = i + 1;
        }
      }
      this.line += text.slice(start);
    };
    this._onEnd = () => {
      const rest = this.line + decoder.end();
      this.line = '';
      if (rest.length > 0) this._online(rest);
      this.close();
    };
    this.input.on('data', this._onData);
    this.input.on('end', this._onEnd);
    if (typeof this.input.resume === 'function') this.input.resume();
  }

  _online(line) {
    if (this.closed) return;
    if (this[kQuestion] !== null) {
      const cb = this[kQuestion];
      this[kQuestion] = null;
      cb(line);
      return;
    }
    this.emit('line', line);
  }

  _write(s) {
    if (this.output && typeof this.output.write === 'function') this.output.write(s);
  }

  getPrompt() { return this._prompt; }
  setPrompt(p) { this._prompt = `${p}`; }
  prompt() {
    if (this.closed) return;
    if (this._paused) this.resume();
    this._write(this._prompt);
  }

  question(query, options, cb) {
    if (typeof options === 'function') cb = options;
    if (typeof cb !== 'function') return;
    if (this.closed) return;
    if (this[kQuestion] !== null) {
      this.prompt();
      return;
    }
    this[kQuestion] = cb;
    this._write(`${query}`);
  }

  write(data) {
    if (this.closed) return;
    if (typeof data === 'string') this._onData(data);
  }

  pause() {
    if (this._paused) return this;
    this._paused = true;
    if (typeof this.input.pause === 'function') this.input.pause();
    this.emit('pause');
    return this;
  }

  resume() {
    if (!this._paused) return this;
    this._paused = false;
    if (typeof this.input.resume === 'function') this.input.resume();
    this.emit('resume');
    return this;
  }

  close() {
    if (this.closed) return;
    this.closed = true;
    this.input.removeListener('data', this._onData);
    this.input.removeListener('end', this._onEnd);
    if (typeof this.input.pause === 'function') this.input.pause();
    this.emit('close');
  }

  getCursorPos() { return { rows: 0, cols: this.line.length }; }

  [Symbol.asyncIterator]() {
    const queue = [];
    let done = this.closed;
    let wake = null;
    this.on('line', (l) => { queue.push(l); if (wake) wake(); });
    this.on('close', () => { done = true; if (wake) wake(); });
    return {
      next: () => new Promise((resolve) => {
        const attempt = () => {
          wake = null;
          if (queue.length > 0) resolve({ value: queue.shift(), done: false });
          else if (done) resolve({ value: undefined, done: true });
          else wake = attempt;
        };
        attempt();
      }),
      return: () => { this.close(); return Promise.resolve({ value: undefined, done: true }); },
      [Symbol.asyncIterator]() { return this; },
    };
  }
}

function createInterface(input, output, completer, terminal) {
  return new Interface(input, output, completer, terminal);
}

// Terminal control: ANSI escape sequences written to the stream.
function cursorTo(stream, x, y, cb) {
  if (typeof y === 'function') { cb = y; y = undefined; }
  const seq = typeof y === 'number' ? `\x1b[${y + 1};${x + 1}H` : `\x1b[${x + 1}G`;
  return writeSeq(stream, seq, cb);
}

function moveCursor(stream, dx, dy, cb) {
  let seq = '';
  if (dx < 0) seq += `\x1b[${-dx}D`; else if (dx > 0) seq += `\x1b[${dx}C`;
  if (dy < 0) seq += `\x1b[${-dy}A`; else if (dy > 0) seq += `\x1b[${dy}B`;
  return writeSeq(stream, seq, cb);
}

function clearLine(stream, dir, cb) {
  const seq = dir < 0 ? '\x1b[1K' : dir > 0 ? '\x1b[0K' : '\x1b[2K';
  return writeSeq(stream, seq, cb);
}

function clearScreenDown(stream, cb) {
  return writeSeq(stream, '\x1b[0J', cb);
}

function writeSeq(stream, seq, cb) {
  if (!stream || typeof stream.write !== 'function') {
    if (typeof cb === 'function') Promise.resolve().then(cb);
    return true;
  }
  return stream.write(seq, cb);
}

function emitKeypressEvents() {}

const promises = {
  Interface: class extends Interface {
    question(query, options) {
      return new Promise((resolve) => super.question(query, options || {}, resolve));
    }
  },
  createInterface(...args) { return new promises.Interface(...args); },
};

module.exports = {
  Interface,
  createInterface,
  cursorTo,
  moveCursor,
  clearLine,
  clearScreenDown,
  emitKeypressEvents,
  promises,
};
