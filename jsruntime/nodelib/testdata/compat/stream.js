// node:stream: Readable, Writable, Transform, PassThrough, pipe, pipeline.
// Scenarios run one after the other: the interleaving of independent streams
// depends on scheduling details that are not part of the contract.
const { Readable, Writable, Transform, PassThrough, pipeline, finished } = require('stream');
const Stream = require('stream');
console.log(typeof Stream, Stream.Readable === Readable, new PassThrough() instanceof Stream, new Readable() instanceof require('events'));
const steps = [
  (next) => {
    const upper = new Transform({
      transform(chunk, enc, cb) { cb(null, chunk.toString().toUpperCase()); },
      flush(cb) { this.push('!'); cb(); },
    });
    const collected = [];
    const sink = new Writable({ write(chunk, enc, cb) { collected.push(chunk.toString()); cb(); } });
    sink.on('finish', () => { console.log('sink finished:', collected.join('')); next(); });
    Readable.from(['a', 'b', 'c']).pipe(upper).pipe(sink);
  },
  (next) => {
    class Counter extends Readable {
      constructor() { super({ objectMode: true }); this.n = 0; }
      _read() { this.n += 1; this.push(this.n <= 3 ? { n: this.n } : null); }
    }
    const seen = [];
    new Counter().on('data', (d) => seen.push(d.n)).on('end', () => { console.log('counter ended', seen); next(); });
  },
  (next) => {
    const pt = new PassThrough();
    let text = '';
    pt.setEncoding('utf8');
    pt.on('data', (s) => { text += s; });
    pt.on('end', () => { console.log('passthrough', JSON.stringify(text)); next(); });
    pt.write('x');
    pt.end('y');
  },
  (next) => {
    const failing = new Transform({ transform(chunk, enc, cb) { cb(new Error('transform failed')); } });
    pipeline(Readable.from(['z']), failing, new PassThrough(), (err) => { console.log('pipeline callback:', err && err.message); next(); });
  },
  (next) => {
    const w = new Writable({ write(c, e, cb) { cb(); } });
    finished(w, (err) => { console.log('finished:', err); next(); });
    w.end('done');
  },
  (next) => {
    const late = new Writable({ write(c, e, cb) { cb(); } });
    late.on('error', (e) => { console.log('write after end:', e.code); next(); });
    late.end();
    late.write('x');
  },
];
const run = (i) => { if (i < steps.length) steps[i](() => run(i + 1)); else console.log('all done'); };
run(0);
