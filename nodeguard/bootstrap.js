// The bootstrap of `intact node`. The broker prepends `const config = {...};`
// and keeps the result in a sealed memfd, so there is no file to tamper
// with. A few lines (bootstrapCall) read it as /proc/<broker pid>/fd/<n>
// and run it as a function body named intact:node-bootstrap, given asMain:
// node's first --import is a short data: URL holding them (bootstrapStub,
// config.stubURL), or, when only a script is on node's command line, they
// are node's main module, and asMain is set: the bootstrap then runs the
// script itself (see the end). It runs in every thread (workers get the
// --import) before any application code, and makes node compile only the
// bytes the broker read with Policy.ReadCode.
//
// Built-in modules come from process.getBuiltinModule, not import: each
// ES module facade of a built-in costs start-up time and memory. Those
// that node does not load for every program (v8 and worker_threads load
// the streams, some 2 ms) are guarded on their first use instead (see
// guardBuiltin).
//
// Everything on the path from the channel to a hook's return value uses
// built-ins captured here, first, so that application code that patches
// Buffer, String, Array, Map or JSON methods later cannot swap a module's
// source (the CVE-2023-38552 class).

const fs = process.getBuiltinModule('node:fs');
const module = process.getBuiltinModule('node:module');
const nodePath = process.getBuiltinModule('node:path');
const url = process.getBuiltinModule('node:url');
const vm = process.getBuiltinModule('node:vm');

const uncurry = Function.prototype.bind.bind(Function.prototype.call);
const ObjectCtor = Object;
const ObjectDefineProperty = Object.defineProperty;
const ObjectFreeze = Object.freeze;
const ObjectGetOwnPropertyDescriptor = Object.getOwnPropertyDescriptor;
const ObjectGetPrototypeOf = Object.getPrototypeOf;
const ObjectHasOwn = Object.hasOwn;
const ObjectSetPrototypeOf = Object.setPrototypeOf;
const ObjectKeys = Object.keys;
const ReflectOwnKeys = Reflect.ownKeys;
const ReflectApply = Reflect.apply;
const ReflectConstruct = Reflect.construct;
const FunctionPrototype = Function.prototype;
const ErrorCtor = Error;
const EvalErrorCtor = EvalError;
const ErrorCaptureStackTrace = Error.captureStackTrace;
const PromiseReject = uncurry(Promise.reject);
const PromiseCtor = Promise;
const JSONParse = JSON.parse;
const JSONStringify = JSON.stringify;
const MathImul = Math.imul;
const NumberToString = uncurry(Number.prototype.toString);
const StringStartsWith = uncurry(String.prototype.startsWith);
const StringEndsWith = uncurry(String.prototype.endsWith);
const StringIncludes = uncurry(String.prototype.includes);
const StringSlice = uncurry(String.prototype.slice);
const StringIndexOf = uncurry(String.prototype.indexOf);
const StringLastIndexOf = uncurry(String.prototype.lastIndexOf);
const StringToLowerCase = uncurry(String.prototype.toLowerCase);
const StringToUpperCase = uncurry(String.prototype.toUpperCase);
const StringIsWellFormed = uncurry(String.prototype.isWellFormed);
const ArrayIncludes = uncurry(Array.prototype.includes);
const ArrayIsArray = Array.isArray;
const ArraySlice = uncurry(Array.prototype.slice);
const ArraySplice = uncurry(Array.prototype.splice);
const RegExpPrototypeExec = uncurry(RegExp.prototype.exec);
// append adds value at the end of arr, an array of the bootstrap's, as an
// own property. Array.prototype.push, and arr[n] = value, would call a
// setter the application put on Array.prototype at that index, keep
// nothing, and have its getter answer for the element from then on.
const append = (arr, value) => {
  ObjectDefineProperty(arr, arr.length, { __proto__: null, value, writable: true, enumerable: true, configurable: true });
};
// withRest returns head, an array of the bootstrap's, with the elements of
// rest (a rest parameter's array) appended by index: spreading rest would
// call %ArrayIteratorPrototype%.next, which the application can replace,
// in the middle of a guard.
const withRest = (head, rest) => {
  for (let i = 0; i < rest.length; i++) append(head, rest[i]);
  return head;
};
// splitOn and replaceEvery do what String.prototype.split and replaceAll
// do with a string separator, by indexOf and slice alone: before Node 26,
// V8 looks up Symbol.split and Symbol.replace on String.prototype even for
// a string separator, and runs what the application put there.
const splitOn = (s, sep) => {
  const parts = [];
  let from = 0;
  for (let at = StringIndexOf(s, sep); at >= 0; at = StringIndexOf(s, sep, from)) {
    append(parts, StringSlice(s, from, at));
    from = at + sep.length;
  }
  append(parts, StringSlice(s, from));
  return parts;
};
const replaceEvery = (s, from, to) => {
  const parts = splitOn(s, from);
  let out = parts[0];
  for (let i = 1; i < parts.length; i++) out += to + parts[i];
  return out;
};
// ownValue returns obj's own data property name, or undefined: reading it runs
// no accessor and reaches no prototype.
const ownValue = (obj, name) => {
  const d = ObjectGetOwnPropertyDescriptor(obj, name);
  return d !== undefined && ObjectHasOwn(d, 'value') ? d.value : undefined;
};
const MapCtor = Map;
const MapGet = uncurry(Map.prototype.get);
const MapSet = uncurry(Map.prototype.set);
const MapDelete = uncurry(Map.prototype.delete);
const WeakSetCtor = WeakSet;
const WeakSetAdd = uncurry(WeakSet.prototype.add);
const WeakSetHas = uncurry(WeakSet.prototype.has);
const WeakMapCtor = WeakMap;
const WeakMapGet = uncurry(WeakMap.prototype.get);
const WeakMapSet = uncurry(WeakMap.prototype.set);
const BufferAllocUnsafeSlow = Buffer.allocUnsafeSlow;
// The monotonic clock (the read-ahead's age): a wall clock stepped back
// would keep files read ahead alive past their time.
// (process.hrtime, not performance.now: the performance global is lazy,
// and loading it costs every program a megabyte.)
const processHrtime = process.hrtime;
const DateNow = () => {
  const t = ReflectApply(processHrtime, process, []);
  return t[0] * 1e3 + t[1] / 1e6;
};
const BufferByteLength = Buffer.byteLength;
const BufferUtf8Slice = uncurry(Buffer.prototype.utf8Slice);
const BufferUtf8Write = uncurry(Buffer.prototype.utf8Write);
const BufferBase64Write = uncurry(Buffer.prototype.base64Write);
const TypedArrayPrototype = Object.getPrototypeOf(Uint8Array.prototype);
const TypedArrayLength = uncurry(Object.getOwnPropertyDescriptor(TypedArrayPrototype, 'length').get);
const TypedArrayByteLength = uncurry(Object.getOwnPropertyDescriptor(TypedArrayPrototype, 'byteLength').get);
const TypedArrayByteOffset = uncurry(Object.getOwnPropertyDescriptor(TypedArrayPrototype, 'byteOffset').get);
const TypedArrayBuffer = uncurry(Object.getOwnPropertyDescriptor(TypedArrayPrototype, 'buffer').get);
const TypedArraySet = uncurry(TypedArrayPrototype.set);
const Uint8ArrayCtor = Uint8Array;
const ArrayBufferByteLength = uncurry(Object.getOwnPropertyDescriptor(ArrayBuffer.prototype, 'byteLength').get);
const ArrayBufferTransfer = typeof ArrayBuffer.prototype.transfer === 'function' ? uncurry(ArrayBuffer.prototype.transfer) : null;
const ArrayBufferIsView = ArrayBuffer.isView;
const fsReadSync = fs.readSync;
// fs.writevSync, not fs.writeSync: writeSync reports errors through an
// object of node's whose errno it reads, which a getter on
// Object.prototype answers, running application code in the middle of an
// exchange (after the request, before the reply).
const fsWritevSync = fs.writevSync;
const fsOpenSync = fs.openSync;
const fsCloseSync = fs.closeSync;
const fsReaddirSync = fs.readdirSync;
const fsReadlinkSync = fs.readlinkSync;
const fsReadFileSync = fs.readFileSync;
const O_RDONLY = fs.constants.O_RDONLY;
const O_WRONLY = fs.constants.O_WRONLY;
const O_RDWR = fs.constants.O_RDWR;
const isWindows = process.platform === 'win32';
// node's own environment, as node made it: what process.env names may be
// replaced by the application, this object may not.
const nodeEnv = process.env;
const DecodeURIComponent = decodeURIComponent;
const pathResolve = nodePath.resolve;
const registerHooks = module.registerHooks;
const isBuiltin = module.isBuiltin;
// Called after guards go in, when the application may have replaced it.
const syncBuiltinESMExports = module.syncBuiltinESMExports;
const AtomicsWait = Atomics.wait;
const Int32ArrayCtor = Int32Array;
const Uint32ArrayCtor = Uint32Array;
const SharedArrayBufferCtor = SharedArrayBuffer;
const globalObject = globalThis;
const WebAssemblyObject = globalThis.WebAssembly;
const processDlopen = process.dlopen;
const processBinding = process.binding;
const getBuiltinModule = process.getBuiltinModule;
// The name V8 gives the bootstrap's own frames.
const bootstrapName = 'intact:node-bootstrap';
const pid = process.pid;
// The module node ran as its main when the bootstrap is (asMain): its
// frames are the bootstrap's.
const mainModulePath = asMain ? process.argv[1] : '';

// refusals are the errors codeError made: the bootstrap's own refusals.
const refusals = new WeakSetCtor();

// A refusal as Node's errors look: `Error [CODE]: message`, with .code.
function codeError(code, message, props, Ctor = ErrorCtor) {
  const err = new Ctor(message);
  WeakSetAdd(refusals, err);
  const kind = Ctor === EvalErrorCtor ? 'EvalError' : 'Error';
  ObjectDefineProperty(err, 'name', { __proto__: null, value: kind + ' [' + code + ']', configurable: true, writable: true });
  // Format the stack with the name above, as Node's own errors do, and
  // without the bootstrap's own frames: the refusal is at the require or
  // import that reached the file.
  const lines = splitOn('' + err.stack, '\n');
  let stack = lines[0];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i];
    if (!StringIncludes(line, '(intact:node-bootstrap:') && !StringIncludes(line, config.stubURL) &&
      (mainModulePath === '' || !StringIncludes(line, '(' + mainModulePath + ':'))) stack += '\n' + line;
  }
  ObjectDefineProperty(err, 'stack', { __proto__: null, value: stack, configurable: true, writable: true });
  delete err.name;
  ObjectDefineProperty(err, 'code', { __proto__: null, value: code, enumerable: true, writable: true, configurable: true });
  if (props) {
    // Node prints an uncaught error with its own properties: why, next and
    // check say, for an operator, why and what to do (intact.Explain).
    const keys = ['path', 'reasons', 'feature', 'why', 'next', 'check'];
    for (let i = 0; i < keys.length; i++) {
      const value = ownValue(props, keys[i]);
      if (value !== undefined) ObjectDefineProperty(err, keys[i], { __proto__: null, value, enumerable: true, writable: true, configurable: true });
    }
  }
  return err;
}

if (typeof registerHooks !== 'function') {
  // Older than 22.15: the broker refuses such releases, so this is a node
  // binary swapped after the probe. Fail closed.
  throw codeError('ERR_CODE_INTEGRITY_VIOLATION', 'intact node: this node has no module.registerHooks');
}

// --- the channel -----------------------------------------------------------
//
// Request: u32 little-endian length of what follows | op byte | u32 seq | payload.
// Reply:   status byte | u32 little-endian length of the body | the
//          request's op, seq and payload, in lower-case hexadecimal | body.
//
// A reply must name the request it answers, whole, or the channel is
// broken for good (call): code in node's process can write requests of its
// own into the channel, or read a reply away, but not make this thread
// take the broker's answer to one of those for its answer to this
// thread's. Without seq, which changes with every request and is this
// thread's alone, its requests are not this thread's; and a thread that
// read a reply away, and so learnt seq, can have the broker answer this
// thread's request again, but not another one under its seq (another
// file's checked bytes as this file's), since the reply names the path.
// The request is named in hexadecimal, so that no byte the application
// chose (its own requests') is in the reply stream as it is: with part of a
// reply read away, such bytes would be read as the head of a reply.

const STATUS_OK = 0;
const STATUS_VIOLATION = 1;
const STATUS_BLOCKED = 2;
// Any other status (3) is another error, with node's code (ENOENT, ...).

let channel = null; // [request fd, reply fd] of this thread
// On Linux, where requests and replies share one socket, what the kernel
// names it (/proc/self/fd/<n>: 'socket:[<inode>]', from the broker): every
// exchange checks that the number still names it, so that a descriptor
// closed and reopened on a file or another socket of the application's is
// never read as the broker's.
let channelName = null;
// seq starts where nobody else can tell: not from Math.random, whose
// state the application shares and can recover from its own draws (an
// outside review predicted it exactly from the draws that followed).
let seq = randomUint32();
// hashSeed makes where a path lands in the table of files kept (hashBytes)
// unknown to whoever names the files.
const hashSeed = randomUint32();
// broken is set while an exchange is under way, and stays set when one
// fails: the channel is then out of step, and no reply on it is trusted.
let broken = false;

// The main thread's channel as it is before any application code runs: the
// socket config.channel names (run_linux.go's channel), which nothing in
// node's process can open a second end of. Another thread, which starts
// when application code has run, only writes to it (openChannel).
const mainChannelName = isWindows ? null : fdName(config.fds[0]);

// randomUint32 returns 32 bits from the system's random source, read
// before any application code runs in this thread.
function randomUint32() {
  const bytes = sealed(BufferAllocUnsafeSlow(4));
  if (isWindows) {
    TypedArraySet(bytes, getBuiltinModule('node:crypto').randomBytes(4));
  } else {
    const fd = fsOpenSync('/dev/urandom', O_RDONLY);
    try {
      readExact(fd, bytes, 4);
    } finally {
      fsCloseSync(fd);
    }
  }
  return (bytes[0] | bytes[1] << 8 | bytes[2] << 16 | bytes[3] << 24) >>> 0;
}

function fdName(fd) {
  try { return fsReadlinkSync('/proc/self/fd/' + NumberToString(fd, 10)); } catch { return null; }
}

function checkChannel() {
  if (channelName !== null && fdName(channel[0]) !== channelName) {
    throw codeError('ERR_CODE_INTEGRITY_VIOLATION', 'intact node: the channel to the broker was replaced');
  }
}

// sealed gives buf its own length, byteLength, byteOffset and buffer, so
// that node's fs functions, which read them on the buffers they are given
// (fs.readSync and fs.writeSync read byteLength), never reach an accessor
// the application put on Buffer.prototype or %TypedArray%.prototype: it
// would be handed the buffer, and with it a request before it is sent or
// checked code before node compiles it.
function sealed(buf) {
  ObjectDefineProperty(buf, 'length', { __proto__: null, value: TypedArrayLength(buf) });
  ObjectDefineProperty(buf, 'byteLength', { __proto__: null, value: TypedArrayByteLength(buf) });
  ObjectDefineProperty(buf, 'byteOffset', { __proto__: null, value: TypedArrayByteOffset(buf) });
  ObjectDefineProperty(buf, 'buffer', { __proto__: null, value: TypedArrayBuffer(buf) });
  return buf;
}

function writeAll(fd, buf) {
  let off = 0;
  const len = TypedArrayLength(buf);
  while (off < len) {
    // The rest of buf, as a view of its own (sealed, as every buffer
    // handed to node's fs), in an array of the bootstrap's.
    const rest = off === 0 ? buf : sealed(new Uint8ArrayCtor(TypedArrayBuffer(buf), TypedArrayByteOffset(buf) + off, len - off));
    off += fsWritevSync(fd, [rest], null);
  }
}

function readExact(fd, buf, len) {
  let off = 0;
  while (off < len) {
    const n = fsReadSync(fd, buf, off, len - off, null);
    if (n === 0) throw codeError('ERR_CODE_INTEGRITY_VIOLATION', 'intact node: the broker closed the channel');
    off += n;
  }
}

function frame(op, seq, payload) {
  const plen = BufferByteLength(payload, 'utf8');
  const buf = sealed(BufferAllocUnsafeSlow(9 + plen));
  const n = 5 + plen;
  buf[0] = n & 0xff; buf[1] = (n >>> 8) & 0xff; buf[2] = (n >>> 16) & 0xff; buf[3] = (n >>> 24) & 0xff;
  buf[4] = op;
  buf[5] = seq & 0xff; buf[6] = (seq >>> 8) & 0xff; buf[7] = (seq >>> 16) & 0xff; buf[8] = (seq >>> 24) & 0xff;
  BufferUtf8Write(buf, payload, 9, plen);
  return buf;
}

// call sends a request and returns the broker's reply. The reply's bytes
// are checked code that runs later: they go into memory of their own, which
// no application code can reach (Buffer.allocUnsafe would put a small reply
// in Buffer's shared pool, which any Buffer.allocUnsafe(1).buffer exposes,
// and code read ahead would be overwritten there before it runs), in a
// Buffer that hands itself to no accessor (sealed).
function call(op, payload) {
  if (broken) {
    abandonChannel();
    throw codeError('ERR_CODE_INTEGRITY_VIOLATION', 'intact node: the channel to the broker is out of step');
  }
  if (channel === null) openChannel();
  broken = true;
  checkChannel();
  seq = (seq + 1) >>> 0;
  const request = frame(op, seq, payload);
  writeAll(channel[0], request);
  // The reply's head, then the request it names: op, seq and payload, in
  // hexadecimal.
  const named = 2 * (TypedArrayLength(request) - 4);
  if (replyHead === null || TypedArrayLength(replyHead) < 5 + named) {
    replyHead = sealed(BufferAllocUnsafeSlow(5 + (named > 2048 ? named : 2048)));
  }
  const head = replyHead;
  readExact(channel[1], head, 5 + named);
  for (let i = 0; i < named; i += 2) {
    const b = request[4 + i / 2];
    if (head[5 + i] !== hexDigit(b >>> 4) || head[6 + i] !== hexDigit(b & 15)) {
      throw codeError('ERR_CODE_INTEGRITY_VIOLATION', 'intact node: a reply on the channel to the broker does not answer this request');
    }
  }
  const len = head[1] + head[2] * 0x100 + head[3] * 0x10000 + head[4] * 0x1000000;
  const body = sealed(BufferAllocUnsafeSlow(len));
  readExact(channel[1], body, len);
  checkChannel();
  broken = false;
  return { status: head[0], body };
}

let replyHead = null;

// abandonChannel closes this thread's channel once it is out of step, on
// Linux: a reply left half read (the thread's JavaScript terminated in the
// middle of one, as vm's timeout does, while the thread lives on) would
// otherwise hold one of the places in which the broker serves files
// (maxServing) for as long as the thread lives (outside review rt61). Only
// if the number still names the broker's socket: it may be the
// application's by now.
function abandonChannel() {
  if (channel === null || channelName === null || fdName(channel[0]) !== channelName) return;
  channelName = null;
  try { fsCloseSync(channel[0]); } catch {}
}

// hexDigit is the lower-case hexadecimal digit of n (0-15), as a byte.
function hexDigit(n) {
  return n < 10 ? 0x30 + n : 0x57 + n;
}

// openChannel gives this thread its channel. The main thread has the
// inherited socket. Another thread asks the broker, with one small frame on
// the main thread's socket (a single write, which the kernel does not
// interleave with the main thread's), for one of the sockets node started
// with. It finds which in the sealed memfd the broker names after this
// thread's id, among the broker's descriptors (/proc/<broker>/fd), which
// nobody else can put a file among: "<fd> <name>\n", where name is what the
// kernel names the socket, or "none\n".
function openChannel() {
  if (config.threadPipe) {
    // Windows.
    if (getBuiltinModule('node:worker_threads').isMainThread) channel = config.fds;
    else openPipeChannel();
    return;
  }
  // The kernel's word for which thread this is: node runs JavaScript's
  // main thread on the process's first thread, whose id is the process's.
  // (Asking node, through worker_threads, would load the streams into
  // every program.)
  const self = fsReadlinkSync('/proc/thread-self');
  if (self === NumberToString(pid, 10) + '/task/' + NumberToString(pid, 10)) {
    if (mainChannelName === null || mainChannelName !== config.channel) {
      throw codeError('ERR_CODE_INTEGRITY_VIOLATION', 'intact node: the channel to the broker is not the socket the broker gave node');
    }
    channel = config.fds;
    channelName = mainChannelName;
    return;
  }
  // Random from the system's source: a broker that node's tree started
  // inherits what that code left it, and a rendezvous planted there under
  // a name it could predict would be taken for the broker's.
  const id = NumberToString(pid, 10) + '-' + StringSlice(self, StringLastIndexOf(self, '/') + 1) + '-' +
    NumberToString(randomUint32(), 36) + NumberToString(randomUint32(), 36);
  // Only to the broker: the application may have closed the main
  // thread's socket and opened a file of its own at its number, which
  // would learn the id (outside review rt62).
  if (fdName(config.fds[0]) !== config.channel) {
    throw codeError('ERR_CODE_INTEGRITY_VIOLATION', 'intact node: the channel to the broker was replaced');
  }
  writeAll(config.fds[0], frame(OP.channel, 0, id));
  const fdDir = '/proc/' + NumberToString(config.brokerPID, 10) + '/fd/';
  const rendezvous = '/memfd:intact-node-channel:' + id + ' (deleted)';
  const pause = new Int32ArrayCtor(new SharedArrayBufferCtor(4));
  for (let i = 0; ; i++) {
    const names = fsReaddirSync(fdDir);
    for (let k = 0; k < names.length; k++) {
      let target;
      try { target = fsReadlinkSync(fdDir + names[k]); } catch { continue; }
      if (target !== rendezvous) continue;
      // The broker makes the file, then writes "<fd> <name>\n": until
      // the newline is there, look again (an empty read opened the fd
      // folder itself, EISDIR).
      const text = BufferUtf8SliceAll(fsReadFileSync(fdDir + names[k]));
      if (!StringEndsWith(text, '\n')) break;
      if (text === 'none\n') {
        throw codeError('ERR_CODE_INTEGRITY_VIOLATION', 'intact node: no channel to the broker is left for this thread: node has ' +
          'started as many threads as intact node gives channels to (' + NumberToString(config.threadChannels, 10) + ')');
      }
      const given = splitOn(StringSlice(text, 0, text.length - 1), ' ');
      const fd = +given[0];
      // The application may have closed that number and opened a socket
      // of its own there: the kernel's name tells them apart.
      if (fdName(fd) !== given[1]) {
        throw codeError('ERR_CODE_INTEGRITY_VIOLATION', 'intact node: the channel to the broker was replaced');
      }
      channel = [fd, fd];
      channelName = given[1];
      return;
    }
    if (i >= 5000) throw codeError('ERR_CODE_INTEGRITY_VIOLATION', 'intact node: the broker made no channel for this thread');
    AtomicsWait(pause, 0, 0, 1);
  }
}

// openPipeChannel gives this thread its channel on Windows: a connection
// to the broker's named pipe, which the broker serves as a channel only to
// a client in node's own process (by the client's process id). Between two
// connections the pipe may be busy (EBUSY) or, for an instant, have no
// instance listening (ENOENT): look again.
function openPipeChannel() {
  const pause = new Int32ArrayCtor(new SharedArrayBufferCtor(4));
  for (let i = 0; ; i++) {
    try {
      const fd = fsOpenSync(config.threadPipe, O_RDWR);
      channel = [fd, fd];
      return;
    } catch (err) {
      const code = err !== null && typeof err === 'object' ? err.code : undefined;
      if (i >= 5000 || (code !== 'EBUSY' && code !== 'ENOENT')) {
        throw codeError('ERR_CODE_INTEGRITY_VIOLATION', 'intact node: this thread cannot reach the broker: ' + code);
      }
    }
    AtomicsWait(pause, 0, 0, 1);
  }
}

function BufferUtf8SliceAll(buf) {
  return BufferUtf8Slice(buf, 0, TypedArrayLength(buf));
}

const OP = ObjectFreeze({
  readCode: 0x52,    // 'R'
  addon: 0x44,       // 'D'
  closeAddon: 0x4b,  // 'K'
  channel: 0x43,     // 'C'
  interactive: 0x49, // 'I'
  dynamic: 0x59,     // 'Y'
  logRefusal: 0x4c,  // 'L'
});

// refusal turns a reply that is not OK into the error to throw.
function refusal(reply, Ctor) {
  const info = JSONParse(BufferUtf8Slice(reply.body, 0, TypedArrayLength(reply.body)));
  switch (reply.status) {
    case STATUS_VIOLATION:
      return codeError('ERR_CODE_INTEGRITY_VIOLATION', info.message,
        { path: info.path, reasons: info.reasons, why: info.why, next: info.next, check: info.check });
    case STATUS_BLOCKED:
      return codeError('ERR_CODE_INTEGRITY_BLOCKED', info.message, { feature: info.feature, why: info.why, next: info.next }, Ctor);
  }
  const err = new ErrorCtor(info.message);
  if (info.code) ObjectDefineProperty(err, 'code', { __proto__: null, value: info.code, enumerable: true, writable: true, configurable: true });
  return err;
}

// --- files read ahead --------------------------------------------------------
//
// The broker answers a file with its checked bytes and, in the same reply,
// the checked bytes of other code files of its package, which node is
// likely to ask for next:
//
//   u32 n | n bytes | (u32 path length | path | u32 length | bytes)*
//
// They are kept here, by the path the broker read them through, and each
// is used at most once (it is dropped when used), within aheadTTL of the
// request whose reply carried it, while this thread holds no more than
// aheadMaxBytes of them (the oldest go first). A file not kept is asked for.
// They are kept as the reply's bytes, made code (a string) only when used:
// code made of a whole reply at once would be megabytes of strings on the
// heap beside it, and files never used would be made code for nothing.
// A reply's bytes are let go of (released) once no file kept is in them:
// left to the garbage collector, replies of up to megabytes each piled up
// outside V8's heap, which collects rarely while a program only loads
// modules (node's peak +2.8 MiB with 2,000 modules, bench/README.md).
//
// The files kept are found through a hash table in typed arrays, whose
// keys are the paths' UTF-8 bytes in the reply itself: no JavaScript
// string or object per file. Those, thousands of them alive until node
// asks for their files, survived V8's young-generation collections, which
// then grew its new space by megabytes (Node 26 most: bench/README.md).
// A path node asks for is encoded as UTF-8 and compared byte for byte; one
// that is not well-formed UTF-16 is asked for (node's file system would
// encode it with replacement characters).

const aheadMaxBytes = 4 * 1024 * 1024;
// aheadMaxProbes bounds the slots keepAhead looks at for a file.
const aheadMaxProbes = 64;
// A file read ahead and used much later would be an old version of it. The
// broker hands over files checked at most 5 s before (aheadMaxAge in
// prefetch.go): with this, a file runs within 10 s of its check.
const aheadTTL = 5000;
// The replies that hold files kept, by id, and in the order they came,
// oldest first; a reply leaves the list at the front, once it holds no
// file kept.
const replies = new MapCtor();
let replyIDs = 0;
let oldestReply = null;
let newestReply = null;
let aheadBytes = 0;
// The table: slot i holds a file at offset aheadAt[i] (its path's length)
// of reply aheadReply[i] (0: empty; -1: emptied, which a search passes),
// whose path hashes to aheadHash[i]. Open addressing, at most half full.
let aheadSlots = 0;
let aheadUsed = 0; // slots not empty: files kept, and emptied slots
let aheadKept = 0;
let aheadHash = null;
let aheadReply = null;
let aheadAt = null;
let pathBytes = null; // the UTF-8 of the path asked for

// readCode returns the checked code of path: a string, or for
// WebAssembly (wasm) a Buffer.
function readCode(path, wasm) {
  // Before the request: the broker measured the files' age when it
  // answered, after this.
  const now = DateNow();
  const reply = call(OP.readCode, path);
  if (reply.status !== STATUS_OK) throw refusal(reply);
  const body = reply.body;
  const end = TypedArrayLength(body);
  const n = u32(body, 0);
  const code = codeAt(body, 4, 4 + n, wasm);
  // The files kept hold the reply, counted; so does this until they are.
  // A literal: its properties are its own, whatever Object.prototype holds.
  const held = { id: ++replyIDs, body, users: 1, at: now, next: 4 + n, end, newer: null };
  if (4 + n < end) {
    MapSet(replies, held.id, held);
    if (newestReply === null) oldestReply = held;
    else newestReply.newer = held;
    newestReply = held;
  }
  for (let off = 4 + n; off < end;) {
    const pathEnd = off + 4 + u32(body, off);
    const dataEnd = pathEnd + 4 + u32(body, pathEnd);
    keepAhead(held, off);
    off = dataEnd;
  }
  release(held);
  return code;
}

// release lets go of a reply held by one user fewer: once none is left,
// its memory goes back at once, by detaching the ArrayBuffer that only
// this reply's Buffer uses (call). Every code made of it is a copy
// (codeAt).
function release(held) {
  if (--held.users > 0) return;
  MapDelete(replies, held.id);
  const body = held.body;
  held.body = null;
  const bytes = TypedArrayBuffer(body);
  if (ArrayBufferTransfer === null || ArrayBufferByteLength(bytes) !== TypedArrayLength(body)) return;
  try {
    ArrayBufferTransfer(bytes, 0);
  } catch {
    // Not detachable: the garbage collector frees it.
  }
}

function u32(buf, off) {
  return buf[off] + buf[off + 1] * 0x100 + buf[off + 2] * 0x10000 + buf[off + 3] * 0x1000000;
}

// hashBytes is FNV-1a, from hashSeed, of the length of buf from start to
// end and of every byte of it. Paths that hash alike are told apart by
// their bytes (findFile). Hashing only the last 16 bytes, as it did, let
// whoever names the files of a package give thousands the same hash, and
// keeping them cost node n²/2 comparisons of whole paths: minutes of its
// main thread for one reply (outside review rt81).
function hashBytes(buf, start, end) {
  let h = MathImul(hashSeed ^ (end - start), 0x01000193);
  for (let i = start; i < end; i++) h = MathImul(h ^ buf[i], 0x01000193);
  return h;
}

// pathHash returns the hash of the path of the file at off in body.
function pathHash(body, off) {
  return hashBytes(body, off + 4, off + 4 + u32(body, off));
}

// codeAt returns the bytes of body from start to end: a string, or for
// WebAssembly a Buffer of their own (a view would keep the whole reply).
function codeAt(body, start, end, wasm) {
  if (!wasm) return BufferUtf8Slice(body, start, end);
  return copyBytes(body, start, end);
}

// copyBytes returns a sealed Buffer of its own holding the bytes of the
// view from start to end, copied by TypedArray.prototype.set, which looks
// up nothing on either.
function copyBytes(view, start, end) {
  const bytes = sealed(BufferAllocUnsafeSlow(end - start));
  TypedArraySet(bytes, new Uint8ArrayCtor(TypedArrayBuffer(view), TypedArrayByteOffset(view) + start, end - start));
  return bytes;
}

// findFile returns the slot of the file kept whose path is the bytes of
// key from start to end, hashing to h; or -1.
function findFile(h, key, start, end) {
  if (aheadKept === 0) return -1;
  const mask = aheadSlots - 1;
  for (let i = h & mask; ; i = (i + 1) & mask) {
    const id = aheadReply[i];
    if (id === 0) return -1;
    if (id > 0 && aheadHash[i] === h) {
      const body = MapGet(replies, id).body;
      const off = aheadAt[i];
      if (sameBytes(body, off + 4, u32(body, off), key, start, end - start)) return i;
    }
  }
}

// sameBytes reports whether a's n bytes from aStart and b's bLen bytes
// from bStart are the same, by indexes alone: Buffer.prototype.compare
// reads length on its arguments, which an accessor could be handed.
function sameBytes(a, aStart, n, b, bStart, bLen) {
  if (n !== bLen) return false;
  for (let i = 0; i < n; i++) if (a[aStart + i] !== b[bStart + i]) return false;
  return true;
}

// keepAhead keeps the file at off in the reply held; the same path kept
// from an older reply is dropped. A file
// counts its path's bytes too: tiny files under long paths held hundreds
// of MiB counted as a few (outside review rt81). One that finds no free
// slot within aheadMaxProbes of where its path hashes is not kept: node
// asks for it.
function keepAhead(held, off) {
  const body = held.body;
  const cost = keptBytes(body, off);
  if (cost > aheadMaxBytes) return;
  const h = pathHash(body, off);
  const old = findFile(h, body, off + 4, off + 4 + u32(body, off));
  if (old >= 0) dropFile(old);
  if ((aheadUsed + 1) * 2 > aheadSlots) rehash();
  const mask = aheadSlots - 1;
  let i = h & mask;
  for (let probes = 1; aheadReply[i] > 0; probes++) {
    if (probes >= aheadMaxProbes) return;
    i = (i + 1) & mask;
  }
  if (aheadReply[i] === 0) aheadUsed++;
  aheadHash[i] = h;
  aheadReply[i] = held.id;
  aheadAt[i] = off;
  aheadKept++;
  held.users++;
  aheadBytes += cost;
  while (aheadBytes > aheadMaxBytes) dropOldest();
}

// keptBytes is what the file at off in body counts for aheadMaxBytes: its
// path's bytes and its own.
function keptBytes(body, off) {
  const pathEnd = off + 4 + u32(body, off);
  return u32(body, off) + u32(body, pathEnd);
}

// rehash makes a table with room for the files kept and as many more,
// without emptied slots.
function rehash() {
  let slots = 1024;
  while (slots < aheadKept * 4) slots *= 2;
  const hashes = aheadHash;
  const ids = aheadReply;
  const offsets = aheadAt;
  const old = aheadSlots;
  aheadSlots = slots;
  aheadHash = new Int32ArrayCtor(slots);
  aheadReply = new Int32ArrayCtor(slots);
  aheadAt = new Uint32ArrayCtor(slots);
  aheadUsed = aheadKept;
  for (let k = 0; k < old; k++) {
    if (ids[k] <= 0) continue;
    let i = hashes[k] & (slots - 1);
    while (aheadReply[i] !== 0) i = (i + 1) & (slots - 1);
    aheadHash[i] = hashes[k];
    aheadReply[i] = ids[k];
    aheadAt[i] = offsets[k];
  }
}

// dropFile forgets the file in slot i; its reply goes once no file kept
// is in it.
function dropFile(i) {
  const held = MapGet(replies, aheadReply[i]);
  const body = held.body;
  aheadBytes -= keptBytes(body, aheadAt[i]);
  aheadReply[i] = -1;
  aheadKept--;
  release(held);
}

// dropOldest forgets the oldest file kept.
function dropOldest() {
  for (;;) {
    const held = oldestReply;
    if (held.body !== null && dropNext(held)) return;
    oldestReply = held.newer;
    if (oldestReply === null) newestReply = null;
  }
}

// dropNext forgets the first file of the reply held that is still kept,
// looking no further than needed, and reports whether there was one.
function dropNext(held) {
  const body = held.body;
  while (held.next < held.end) {
    const off = held.next;
    const pathEnd = off + 4 + u32(body, off);
    held.next = pathEnd + 4 + u32(body, pathEnd);
    const mask = aheadSlots - 1;
    for (let i = pathHash(body, off) & mask; aheadReply[i] !== 0; i = (i + 1) & mask) {
      if (aheadReply[i] === held.id && aheadAt[i] === off) {
        dropFile(i);
        return true;
      }
    }
  }
  return false;
}

// takeAhead returns the code of path read ahead, and forgets it; or
// undefined. Replies older than aheadTTL are dropped first.
function takeAhead(path, wasm) {
  if (oldestReply === null) return undefined;
  const now = DateNow();
  while (oldestReply !== null && (oldestReply.body === null || now - oldestReply.at > aheadTTL)) {
    const held = oldestReply;
    while (held.body !== null && dropNext(held));
    oldestReply = held.newer;
    if (oldestReply === null) newestReply = null;
  }
  if (aheadKept === 0 || !StringIsWellFormed(path)) return undefined;
  const n = BufferByteLength(path, 'utf8');
  if (pathBytes === null || TypedArrayLength(pathBytes) < n) pathBytes = sealed(BufferAllocUnsafeSlow(n < 4096 ? 4096 : n));
  BufferUtf8Write(pathBytes, path, 0, n);
  const i = findFile(hashBytes(pathBytes, 0, n), pathBytes, 0, n);
  if (i < 0) return undefined;
  const body = MapGet(replies, aheadReply[i]).body;
  const pathEnd = aheadAt[i] + 4 + u32(body, aheadAt[i]);
  // The code first: dropping the file may release the reply.
  const code = codeAt(body, pathEnd + 4, pathEnd + 4 + u32(body, pathEnd), wasm);
  dropFile(i);
  return code;
}

// checkedCode returns the checked code of path, read ahead or asked for
// now: a string, or for WebAssembly (wasm) a Buffer.
function checkedCode(path, wasm) {
  const code = takeAhead(path, wasm);
  if (code !== undefined) return code;
  return readCode(path, wasm);
}

// A block is an Error, or a Ctor: code that probes for eval tells V8's
// refusal by EvalError.
function blocked(op, what, Ctor) {
  const reply = call(op, what);
  if (reply.status !== STATUS_OK) throw refusal(reply, Ctor);
  // The broker allows it: the policy does not disable this feature.
}

// hostRefusal is codeError for a refusal the bootstrap makes on its own
// account, which the broker never saw: an option or a source a hook gave,
// a closed API. The broker logs it (Policy.LogRefusal), as it logs a node
// option refused on node's command line, so that every refusal is in the
// event log. what names the thing refused, for the event's "feature".
function hostRefusal(code, what, message, props) {
  const err = codeError(code, message, props);
  let detail = message;
  const reasons = props === undefined ? undefined : ownValue(props, 'reasons');
  if (ArrayIsArray(reasons)) {
    for (let i = 0; i < reasons.length; i++) detail += (i === 0 ? ': ' : '; ') + reasons[i];
  }
  try {
    // A NUL ends what: one in it (an option the application gave a
    // worker) is written as \0.
    call(OP.logRefusal, StringSlice(replaceEvery('' + what, '\0', '\\0'), 0, 1024) + '\0' + StringSlice(detail, 0, 4096));
  } catch {
    // The channel is gone or out of step: the refusal stands, unlogged
    // here; the broker logs that the channel ended (channelEnded).
  }
  return err;
}

const refuseInteractive = (feature) => blocked(OP.interactive, feature);
const refuseDynamic = (what, Ctor) => blocked(OP.dynamic, what, Ctor);

// --- the load hook -----------------------------------------------------------

// served maps a file name to the source handed to node for it, so that
// Module.prototype._compile runs no other source (DisableDynamicCode).
const served = new MapCtor();
// servedWasm maps each Buffer of WebAssembly handed to node to a copy of
// its bytes that nothing else holds: node's translator (Node 24 and 26)
// looks up globalThis.WebAssembly as it compiles, so the application can
// be handed the Buffer, rewrite it and compile it again; what is compiled
// is the copy (wasmGuard).
const servedWasm = new WeakMapCtor();

const interactiveBuiltins = ['node:inspector', 'node:inspector/promises', 'node:repl'];

// fileFormats are the formats node gives a file: module; "builtin" is not
// one (outside review rt31: Module._load handed a file's URL with format
// "builtin" and a built-in's bare id loaded that built-in unguarded).
const fileFormats = ['commonjs', 'module', 'json', 'wasm', 'addon', 'commonjs-typescript', 'module-typescript'];

// typeScriptFormats are the formats whose source node strips of its types
// before compiling it. Node strips with amaro, whose JavaScript glue calls
// methods the application can replace (TextDecoder.prototype.decode
// builds every string it returns): what node compiles is then whatever
// those return, not the checked bytes (outside review rt37). Under
// DisableDynamicCode such a file is refused; with dynamic code allowed,
// it is no more than the strings the application may compile anyway.
const typeScriptFormats = ['commonjs-typescript', 'module-typescript', 'typescript'];
function refuseTypeScript(format, path) {
  if (config.dynamicDisabled && ArrayIncludes(typeScriptFormats, format)) {
    refuseDynamic('TypeScript type stripping (format ' + format + ') of ' + path);
  }
}

// builtinHref returns node:<id> when href names a built-in module, with or
// without the scheme (a resolve hook may hand node a bare id, which it
// loads as that built-in), and '' otherwise.
function builtinHref(href) {
  const scheme = schemeOf(href);
  if (typeof href !== 'string' || scheme === 'file:' || scheme === 'data:') return '';
  if (!ReflectApply(isBuiltin, module, [href])) return '';
  return StringStartsWith(href, 'node:') ? href : 'node:' + href;
}

// schemeOf returns the scheme of href, a URL, in lower case with its
// colon, or '': node takes a URL's scheme in any case, as URLs do
// (FILE:///x names a file), so none is compared as written.
function schemeOf(href) {
  const colon = typeof href === 'string' ? StringIndexOf(href, ':') : -1;
  return colon < 0 ? '' : StringToLowerCase(StringSlice(href, 0, colon + 1));
}

function load(href, context, nextLoad) {
  const scheme = schemeOf(href);
  const builtin = builtinHref(href);
  if (builtin !== '') {
    guardBuiltin(builtin);
    return builtinResult(href, nextLoad(href, context));
  }
  if (scheme === 'file:') {
    const path = filePath(href);
    // The context may be the application's (its hook called next with
    // it): each field is read once, and node is given the format judged
    // (an accessor could answer each read differently).
    const format = context.format;
    const conditions = context.conditions;
    if (format === 'addon' || StringEndsWith(path, '.node')) {
      // process.dlopen, below, checks and loads a sealed copy. Whatever
      // format a resolve hook named, node must not read it as anything
      // else: it would read the file itself, unchecked.
      const result = nextLoad(href, { ...context, format: 'addon' });
      if (result.source != null) {
        throw hostRefusal('ERR_CODE_INTEGRITY_VIOLATION', path, 'The file ' + path + ' did not pass OS Code Integrity validation',
          { path, reasons: ['intact node loads a .node file only as an addon'] });
      }
      return { format: 'addon', source: null, shortCircuit: true };
    }
    if (format !== null && format !== undefined && !ArrayIncludes(fileFormats, format)) {
      throw hostRefusal('ERR_CODE_INTEGRITY_VIOLATION', path, 'The file ' + path + ' did not pass OS Code Integrity validation',
        { path, reasons: ['intact node runs a file only as code of a file, not as format ' + JSONStringify('' + format)] });
    }
    refuseTypeScript(format, path);
    if (format === 'wasm') {
      const bytes = checkedCode(path, true);
      WeakMapSet(servedWasm, bytes, copyBytes(bytes, 0, TypedArrayLength(bytes)));
      return { format, source: bytes, shortCircuit: true };
    }
    const source = checkedCode(path, false);
    const esmChain = !(ArrayIsArray(conditions) && ArrayIncludes(conditions, 'require'));
    // Module.prototype._compile will be given this source for CommonJS,
    // and for an ES module loaded by require(); the ESM loader compiles
    // ES modules, and JSON is parsed, without it.
    if (config.dynamicDisabled && format !== 'json' && (format !== 'module' || !esmChain)) MapSet(served, path, source);
    if (esmChain && (format === null || format === undefined || format === 'commonjs')) {
      // Hand the checked source to the default ESM load: it reads nothing
      // when given one, detects the format and, for CommonJS, has the CJS
      // loader compile exactly this source. Returning no source here would
      // make node read the file itself, skipping the hooks.
      // Spread defines own properties; Object.assign would call setters
      // the application may have put on Object.prototype.
      // Node's detection gives an empty source no format, which the
      // hooks then refuse: as either kind it runs nothing.
      const given = source === '' && (format === null || format === undefined) ?
        { ...context, format: 'commonjs', source } : { ...context, format, source };
      const result = nextLoad(href, given);
      // Given no format, node names one from the file's name (.mts).
      refuseTypeScript(result.format, path);
      return { ...result, source, shortCircuit: true };
    }
    return { format, source, shortCircuit: true };
  }
  if (scheme === 'node:') {
    // Not a built-in module this node knows (builtinHref, above, guarded
    // those): node refuses it. Guarded all the same, should node's loader
    // and isBuiltin ever disagree.
    guardBuiltin(href);
    return builtinResult(href, nextLoad(href, context));
  }
  if (scheme === 'data:') {
    refuseDynamic('a data: module');
    // CommonJS cannot load a data: URL: asked for one, node's last load
    // reads a file (readByNode).
    const conditions = context.conditions;
    if (ArrayIsArray(conditions) && ArrayIncludes(conditions, 'require')) readByNode(href);
    return nextLoad(href, context);
  }
  throw hostRefusal('ERR_CODE_INTEGRITY_VIOLATION', href, 'The file ' + href + ' did not pass OS Code Integrity validation',
    { path: href, reasons: ['intact node runs code from files only, not from ' + StringSlice(href, 0, StringIndexOf(href, ':')) + ': URLs'] });
}

// builtinResult returns node's answer for a node: URL, which must be a
// built-in, with no source. For a CommonJS module node's last load reads
// the module's file whenever it is asked for the module's own URL, and the
// application can give a module a built-in's URL over an unsigned file
// (the module's kURL symbol, or Module._load's resolution): a source here
// is that file, read by node unchecked (outside review rt38).
function builtinResult(href, result) {
  if (result === null || typeof result !== 'object' || result.format !== 'builtin' || result.source != null) readByNode(href);
  return result;
}

function readByNode(href) {
  throw hostRefusal('ERR_CODE_INTEGRITY_VIOLATION', href, 'intact node: a module shown to the hooks as ' + href +
    ' would run a file node read itself, unchecked');
}

// filePath returns the path a file: URL names, as url.fileURLToPath does
// for the URLs node's resolver makes, by string operations only:
// fileURLToPath reads URL.prototype's accessors, which the application can
// replace (it made the bootstrap take a JavaScript file for an addon).
function filePath(href) {
  let rest = StringSlice(href, 5); // after "file:"
  const fragment = StringIndexOf(rest, '#');
  if (fragment >= 0) rest = StringSlice(rest, 0, fragment);
  const query = StringIndexOf(rest, '?');
  if (query >= 0) rest = StringSlice(rest, 0, query);
  if (!StringStartsWith(rest, '//')) throw invalidFileURL(href, 'it has no authority');
  rest = StringSlice(rest, 2);
  const slash = StringIndexOf(rest, '/');
  const host = slash < 0 ? rest : StringSlice(rest, 0, slash);
  let path = slash < 0 ? '/' : StringSlice(rest, slash);
  const lower = StringToLowerCase(path);
  if (StringIncludes(lower, '%2f') || (isWindows && StringIncludes(lower, '%5c'))) {
    throw invalidFileURL(href, 'it holds an encoded path separator');
  }
  path = DecodeURIComponent(path);
  if (!isWindows) {
    if (host !== '' && host !== 'localhost') throw invalidFileURL(href, 'its host is not localhost');
    return path;
  }
  path = replaceEvery(path, '/', '\\');
  if (host !== '' && host !== 'localhost') return '\\\\' + host + path; // UNC
  // "\C:\x" → "C:\x"
  return StringSlice(path, 1);
}

function invalidFileURL(href, why) {
  return codeError('ERR_INVALID_FILE_URL_PATH', 'File URL path ' + href + ' is not usable: ' + why);
}

// --- settings ---------------------------------------------------------------

// config came from the broker with this code, so no round trip is needed.
// The version check catches a node binary swapped after the broker probed it.
if (process.version !== config.version) {
  throw hostRefusal('ERR_CODE_INTEGRITY_VIOLATION', 'node ' + process.version, 'intact node: node is ' + process.version + ', not the ' +
    config.version + ' the broker started');
}

registerHooks({ load });

// process.getBuiltinModule hands out built-in modules without the module
// loader, and so without the hook above.
if (typeof getBuiltinModule === 'function') {
  ObjectDefineProperty(process, 'getBuiltinModule', {
    __proto__: null,
    value: function (id) {
      const name = '' + id;
      guardBuiltin(StringStartsWith(name, 'node:') ? name : 'node:' + name);
      return ReflectApply(getBuiltinModule, process, [id]);
    },
    writable: false, enumerable: false, configurable: false,
  });
}

// --- doors closed under any policy ------------------------------------------

// define fixes obj[name] to value. An export keeps its enumerability: node
// builds a built-in module's ES module facade, when first imported, from
// the enumerable keys of its exports.
function define(obj, name, value) {
  const old = ObjectGetOwnPropertyDescriptor(obj, name);
  ObjectDefineProperty(obj, name, { __proto__: null, value, writable: false, enumerable: old !== undefined && old.enumerable, configurable: false });
}

function closed(name) {
  return function () {
    throw hostRefusal('ERR_ACCESS_DENIED', name, name + ' is closed by intact node: it reaches Node.js internals around the module loader');
  };
}

// --- the channels' descriptors stay the bootstrap's ---------------------------
//
// A thread of the application that held a second descriptor of a channel
// could put a socket of its own at the channel's number during one of the
// bootstrap's exchanges, answer it, and put the channel back before the
// name check that follows (doc/node.md). Node's fs cannot open a socket
// again (ENXIO), so a second descriptor comes only from a child process
// handed the channel as one of its stdio (which could send it back), or
// from a stream handle wrapped around it, which fork()'s IPC sends to a
// child and back. Both are refused for the channels' descriptors, in the
// handles' own methods, which node's code calls too: open(fd) of pipes,
// TCP and UDP sockets, and the stdio of a child's spawn, whatever it names
// (a descriptor, or a stream handle around one, such as a TTY).
if (config.channelFDs) guardChannelDescriptors(config.channelFDs);

// On Windows, libuv looks for a program named without a folder in the
// working folder before PATH unless the process's environment has
// NoDefaultCurrentDirectoryInExePath, which the broker sets: a node.exe in
// the working folder would run instead of the shim (outside review rt71).
// The application can delete the variable (rt72), and a worker's
// process.env is a copy of its own, whose changes never reach the
// process's (rt74): so node named without a folder is started as the
// shim, by its path, and the variable is set again before each spawn. The
// child's own environment gets it too, whatever the application gave it,
// for the programs cmd.exe and the like look for (exec('node …'): rt75;
// node copied process.env into the child's before these hooks run).
if (isWindows) {
  const noCurrentDirectory = 'NoDefaultCurrentDirectoryInExePath';
  const bareNode = (file) => {
    if (typeof file !== 'string') return false;
    const name = StringToLowerCase(file);
    return name === 'node' || name === 'node.exe';
  };
  // envPairs ("NAME=value" strings) with the variable, in a copy.
  const withVariable = (pairs) => {
    if (!ArrayIsArray(pairs)) return pairs; // node refuses it
    const copy = [];
    let found = false;
    for (let i = 0; i < pairs.length; i++) {
      const pair = pairs[i];
      ObjectDefineProperty(copy, i, { __proto__: null, value: pair, writable: true, enumerable: true, configurable: true });
      if (typeof pair === 'string' && StringToLowerCase(StringSlice(pair, 0, noCurrentDirectory.length + 1)) === StringToLowerCase(noCurrentDirectory) + '=') found = true;
    }
    if (!found) ObjectDefineProperty(copy, copy.length, { __proto__: null, value: noCurrentDirectory + '=1', writable: true, enumerable: true, configurable: true });
    return copy;
  };
  wrapSpawns((options) => {
    const file = options.file;
    const envPairs = options.envPairs;
    nodeEnv[noCurrentDirectory] = '1';
    return { __proto__: null, file: bareNode(file) ? config.shim : file, envPairs: withVariable(envPairs) };
  });
}

function guardChannelDescriptors(fds) {
  const isChannel = (fd) => ArrayIncludes(fds, fd);
  const refuse = (what) => {
    throw hostRefusal('ERR_CODE_INTEGRITY_VIOLATION', what, 'intact node: ' + what + ' would hand out a channel to the broker');
  };
  const pipe = quietBinding('pipe_wrap').Pipe;
  const tcp = quietBinding('tcp_wrap').TCP;
  const udp = quietBinding('udp_wrap').UDP;
  for (const [handle, name] of [[pipe, 'a pipe'], [tcp, 'a TCP socket'], [udp, 'a UDP socket']]) {
    const open = handle.prototype.open;
    define(handle.prototype, 'open', function open_(fd) {
      const n = fd | 0; // as node takes it (Int32Value), once
      if (isChannel(n)) refuse('opening descriptor ' + NumberToString(n, 10) + ' as ' + name);
      return ReflectApply(open, this, [n]);
    });
  }
  // A stream handle's descriptor, from node's own accessor (the handle's
  // fd property can be shadowed).
  const streamFd = uncurry(ObjectGetOwnPropertyDescriptor(ObjectGetPrototypeOf(pipe.prototype), 'fd').get);
  // checkedStdio copies a spawn's stdio, reading each entry once (node
  // reads it again), and refuses any that hands the child a channel: a
  // descriptor ('fd', or 'inherit' at a channel's number) or a stream
  // handle around one ('wrap'). Pipes made for the child are new sockets.
  const checkedStdio = (stdio) => {
    if (!ArrayIsArray(stdio)) return stdio; // node refuses it
    const n = stdio.length;
    const copy = [];
    for (let i = 0; i < n; i++) {
      const entry = stdio[i];
      let item = entry;
      if (entry !== null && typeof entry === 'object') {
        const type = entry.type;
        if (type === 'ignore') {
          item = { __proto__: null, type };
        } else if (type === 'pipe' || type === 'overlapped') {
          item = { __proto__: null, type, handle: entry.handle, readable: entry.readable, writable: entry.writable, input: entry.input };
        } else if (type === 'wrap') {
          const handle = entry.handle;
          let fd = -1;
          try { fd = streamFd(handle); } catch {}
          if (isChannel(fd)) refuse('a child process\'s stdio ' + NumberToString(i, 10));
          item = { __proto__: null, type, handle };
        } else {
          // Node makes these entries with a number, but reads a stdio
          // stream's fd twice to do so: an accessor can answer a number
          // to its type check and then a string or an object, which the
          // synchronous spawn turns into a number (Int32Value) unchecked
          // (outside review rt36). Only a number is taken.
          const fd = entry.fd;
          if (typeof fd !== 'number') {
            throw codeError('ERR_INVALID_ARG_TYPE', 'intact node: a child process\'s stdio ' + NumberToString(i, 10) +
              ' names its descriptor by a ' + typeof fd + ', not a number');
          }
          if (isChannel(fd | 0)) refuse('a child process\'s stdio ' + NumberToString(i, 10));
          item = { __proto__: null, type, fd };
        }
      }
      ObjectDefineProperty(copy, i, { __proto__: null, value: item, writable: true, enumerable: true, configurable: true });
    }
    return copy;
  };
  wrapSpawns((options) => ({ __proto__: null, stdio: checkedStdio(options.stdio) }));
}

// wrapSpawns has node's spawns of child processes (child_process's
// Process.spawn and spawnSync) take their options as adjust makes them:
// adjust reads what it needs of the options, each once, and returns the
// options to put in their place. Node 22's Process.spawn and every
// spawnSync take an options object, over which they go as own properties
// (node's native code takes it as an object, ToObject: a function, or a
// primitive whose prototype holds stdio, is one too: outside review, a
// function as the options handed Node 22's Process.spawn the channel
// unchecked); later releases' Process.spawn takes them one by one.
function wrapSpawns(adjust) {
  const processWrap = quietBinding('process_wrap').Process;
  const spawnSync = quietBinding('spawn_sync');
  const overOptions = (args) => {
    const options = args[0];
    if (options === null || options === undefined) return; // node refuses it
    const object = ObjectCtor(options);
    setArg(args, 0, { __proto__: object, ...adjust(object) });
  };
  const byPosition = (args) => {
    const given = { __proto__: null };
    for (let i = 0; i < spawnArgumentNames.length; i++) given[spawnArgumentNames[i]] = args[i];
    const adjusted = adjust(given);
    for (let i = 0; i < spawnArgumentNames.length; i++) {
      const name = spawnArgumentNames[i];
      if (ObjectHasOwn(adjusted, name)) setArg(args, i, adjusted[name]);
    }
  };
  const optionsObject = StringStartsWith(config.version, 'v22.');
  const spawn = processWrap.prototype.spawn;
  define(processWrap.prototype, 'spawn', function spawn_(...args) {
    if (optionsObject) overOptions(args);
    else byPosition(args);
    return ReflectApply(spawn, this, args);
  });
  const spawnSyncFn = spawnSync.spawn;
  define(spawnSync, 'spawn', function spawn_(...args) {
    overOptions(args);
    return ReflectApply(spawnSyncFn, this, args);
  });
}

// Process.spawn's arguments from Node 24 on, in their order.
const spawnArgumentNames = ['file', 'args', 'cwd', 'envPairs', 'stdio'];

// setArg replaces argument i as an own property: an index past the end
// would reach a setter the application put on Array.prototype.
function setArg(args, i, value) {
  ObjectDefineProperty(args, i, { __proto__: null, value, writable: true, enumerable: true, configurable: true });
}

// quietBinding returns node's process.binding(name), which the application
// cannot reach (closed below). process.binding is deprecated (a warning
// under --pending-deprecation): asked quietly, it is the bootstrap's
// business, not the application's. (Under --no-deprecation,
// process.noDeprecation is true and read-only; an accessor the application
// put there is left alone, and the warning may show.)
function quietBinding(name) {
  const quiet = ObjectGetOwnPropertyDescriptor(process, 'noDeprecation');
  const hush = quiet === undefined || quiet.writable === true;
  if (hush) {
    ObjectDefineProperty(process, 'noDeprecation', { __proto__: null, value: true, writable: true, enumerable: true, configurable: true });
  }
  try {
    return ReflectApply(processBinding, process, [name]);
  } finally {
    if (hush && quiet === undefined) {
      delete process.noDeprecation;
    } else if (hush) {
      ObjectDefineProperty(process, 'noDeprecation', {
        __proto__: null, value: quiet.value, writable: true, enumerable: quiet.enumerable, configurable: quiet.configurable,
      });
    }
  }
}

define(process, 'binding', closed('process.binding'));
define(process, '_linkedBinding', closed('process._linkedBinding'));
// Children run through intact node too: fork() and spawn(process.execPath)
// start the shim, which starts a broker of its own.
define(process, 'execPath', config.shim);
// process.argv[0] is the path node started as: node's own, which children
// must not execute, or, when node is confined, its ELF interpreter's.
// Programs that start children with it get the shim too.
process.argv[0] = config.shim;
// process.execArgv is what the user gave node (without this bootstrap), so
// that fork() passes the same options on to the shim.
process.execArgv = ArraySlice(config.execArgv);

// Native code: the broker checks the file and copies it into a sealed
// in-memory file; node maps that copy, never the path an attacker can swap.
// withSealed calls load with the copy's path (which keeps the file's name)
// and releases the copy once it is mapped, with the release token of the
// broker's reply, which nothing but this thread has read.
//
// load must run no application code before node maps the copy: whatever
// it would read of the application's arguments is read before the broker
// is asked. Application code running in between could have the broker
// open a file of its choosing at the copy's descriptor number.
function withSealed(filename, load) {
  // The broker has its own working folder: send it an absolute path.
  const reply = call(OP.addon, pathResolve('' + filename));
  if (reply.status !== STATUS_OK) throw refusal(reply);
  const body = BufferUtf8Slice(reply.body, 0, TypedArrayLength(reply.body));
  const space = StringIndexOf(body, ' ');
  const token = StringSlice(body, 0, space);
  const sealed = StringSlice(body, space + 1);
  try {
    return load(sealed);
  } finally {
    call(OP.closeAddon, token);
  }
}

define(process, 'dlopen', function dlopen(mod, filename, ...rest) {
  // What node reads of the arguments (module.exports, the flags as a
  // 32-bit integer), read now; node is handed the bootstrap's own module,
  // whose exports the library sets, and the application's gets them.
  const name = '' + filename;
  const own = { __proto__: null, exports: mod.exports };
  const args = rest.length > 0 ? [own, undefined, rest[0] | 0] : [own, undefined];
  const result = withSealed(name, (sealed) => {
    args[1] = sealed;
    return ReflectApply(processDlopen, process, args);
  });
  mod.exports = own.exports;
  return result;
});

// firstUse returns the built-in module the first time it is asked for,
// and undefined afterwards, or when this node has no such module. The
// module counts as guarded once it has loaded: one whose first evaluation
// the application made throw (node then evaluates it again on the next
// require) is loaded, and guarded, on its next use, whatever the error
// was. Counted as guarded before it had loaded, it was left unguarded
// when the error was a refusal of the bootstrap's the application had
// kept (outside review rt89: node:sqlite's original loadExtension on Node
// 22, node:ffi on Node 26, each loaded an unsigned library).
const guardedBuiltins = new MapCtor();
function firstUse(href) {
  if (MapGet(guardedBuiltins, href)) return undefined;
  if (!ReflectApply(isBuiltin, module, [href])) {
    MapSet(guardedBuiltins, href, true);
    return undefined;
  }
  const exports = getBuiltinModule(href);
  MapSet(guardedBuiltins, href, true);
  return exports;
}

// guardBuiltin closes the doors to native code of a built-in module the
// application is about to reach, on its first use: loading these modules
// here would cost every program their start-up (and print node:sqlite's
// experimental warning).
//
// A guard that did not go in whole, because something the application
// changed made it throw, leaves every module that needs one closed from
// then on. Only the guard of the REPL and the inspector refuses, on every
// use, with a refusal of the bootstrap's own; any other error, a refusal
// the application kept and threw again among them (outside review rt89),
// is a guard that failed.
let guardsFailed = false;
function guardBuiltin(href) {
  const guard = guardOf(href);
  if (guard === undefined) return;
  if (guardsFailed) {
    throw hostRefusal('ERR_ACCESS_DENIED', href, 'intact node: ' + href + ' is closed: a guard of intact node could not be put in place');
  }
  try {
    guard(href);
  } catch (err) {
    if (guard !== guardInteractive || !WeakSetHas(refusals, err)) guardsFailed = true;
    throw err;
  }
}

// guardOf returns the guard of the built-in module href names, or
// undefined for a module that needs none.
function guardOf(href) {
  if (ArrayIncludes(interactiveBuiltins, href)) return guardInteractive;
  if (ArrayIncludes(tlsModules, href)) return guardEngineOptions;
  switch (href) {
    case 'node:sqlite': return guardSqlite;
    case 'node:ffi': return guardFFI;
    case 'node:v8': return guardV8;
    case 'node:worker_threads': return guardWorkers;
    case 'node:crypto': return guardSetEngine;
  }
  return undefined;
}

// The REPL and the inspector are interactive code; the inspector's
// Runtime.evaluate also compiles strings, which
// --disallow-code-generation-from-strings does not stop. And whenever
// files are checked, the inspector is closed: a debugger reads closures
// ([[Scopes]]), so code in node took the originals the guards keep
// (process.dlopen, process.binding) out of the bootstrap and loaded a
// native addon no catalog lists (outside review rt87).
function guardInteractive(href) {
  if (config.interactiveDisabled) refuseInteractive('REPL');
  if (href === 'node:repl') return;
  dynamicGuard('the inspector');
  if (config.codeChecked) {
    throw hostRefusal('ERR_ACCESS_DENIED', href, href + ' is closed by intact node: a debugger reaches the originals ' +
      'intact guards, which load native code no catalog lists');
  }
}

// node:ffi (Node 26) maps any shared library and calls native code by
// name or by address: through the program's own symbols (libc's dlopen,
// from ffi.dlopen(null)) it reaches any library without a check, and
// callbacks and pointers run machine code made in memory. Every function
// it exports is closed on its first use.
function guardFFI() {
  const ffi = firstUse('node:ffi');
  if (ffi === undefined) return;
  const keys = ReflectOwnKeys(ffi);
  for (let i = 0; i < keys.length; i++) {
    const desc = ObjectGetOwnPropertyDescriptor(ffi, keys[i]);
    if (desc !== undefined && typeof desc.value === 'function') {
      define(ffi, keys[i], function () {
        throw hostRefusal('ERR_ACCESS_DENIED', 'node:ffi ' + keys[i], 'node:ffi is closed by intact node: it maps libraries and runs native code ' +
          'that intact cannot check');
      });
    }
  }
  ReflectApply(syncBuiltinESMExports, module, []);
}

// OpenSSL engines are shared libraries OpenSSL maps itself, by a path or a
// name, with dependencies of their own: crypto.setEngine and the
// privateKeyEngine and clientCertEngine options of TLS contexts. Engines
// are deprecated in OpenSSL 3; intact node refuses them. Each door is
// closed when the application first reaches a module that opens it:
// an application that uses node:crypto alone (Express does, for ETags)
// does not pay for node:tls and a TLS context (1-2 ms and 3 MiB for
// Express; 13-18 ms in a program that has not used OpenSSL yet).
function refuseEngine(what) {
  return function () {
    throw hostRefusal('ERR_ACCESS_DENIED', what, what + ' is closed by intact node: an OpenSSL engine is native code loaded from a path intact cannot check');
  };
}

function guardSetEngine() {
  const crypto = firstUse('node:crypto');
  if (crypto === undefined || typeof crypto.setEngine !== 'function') return;
  define(crypto, 'setEngine', refuseEngine('crypto.setEngine'));
  ReflectApply(syncBuiltinESMExports, module, []);
}

// The modules through which the application makes TLS contexts; the
// others use node:tls, and _tls_common and _tls_wrap are its parts.
const tlsModules = ['node:tls', 'node:https', 'node:http2', 'node:_tls_common', 'node:_tls_wrap'];
let engineOptionsGuarded = false;
function guardEngineOptions() {
  if (engineOptionsGuarded) return;
  // The engine options reach OpenSSL through two methods of the native
  // TLS context, which every TLS context of this thread shares: a context
  // is made only to reach its prototype. With no CA list, node skips
  // loading its root certificates (about 10 ms). node:tls is loaded first:
  // loading _tls_common before it would leave node:tls without
  // createSecureContext.
  const context = getBuiltinModule('node:tls').createSecureContext({ __proto__: null, ca: [] }).context;
  const proto = ObjectGetPrototypeOf(context);
  if (typeof proto.setEngineKey === 'function') define(proto, 'setEngineKey', refuseEngine('The privateKeyEngine option'));
  if (typeof proto.setClientCertEngine === 'function') define(proto, 'setClientCertEngine', refuseEngine('The clientCertEngine option'));
  engineOptionsGuarded = true;
}

// Node's fetch, WebSocket and EventSource (the undici inside node) make
// TLS contexts too, with options the application can give them (a
// dispatcher of its own, made from the class of the global one), without
// the application reaching any TLS module: the options are guarded before
// undici's first connection that is not plain HTTP, which undici announces,
// synchronously, on a diagnostics channel, when the channel says it has
// subscribers. Diagnostics channels are public, and an application can
// unsubscribe anyone: so the channel itself guards, through an own publish
// and an own hasSubscribers that always answers yes, which shadow its
// prototype's whatever the application subscribes, unsubscribes or swaps.
// (Wrapping fetch and the other globals that load undici would not do:
// most are V8 lazy data properties, which even reading their descriptor
// loads, and undici costs 17 MiB.) Holding the channel keeps undici's the
// same object. Anyone may publish on it: whatever does not say plain HTTP
// guards too.
const beforeConnect = getBuiltinModule('node:diagnostics_channel').channel('undici:client:beforeConnect');
const channelPublish = beforeConnect.publish;
ObjectDefineProperty(beforeConnect, 'publish', {
  __proto__: null,
  value: function publish(message) {
    const params = message !== null && typeof message === 'object' ? message.connectParams : undefined;
    if (params === null || typeof params !== 'object' || params.protocol !== 'http:') guardEngineOptions();
    // beforeConnect, not this: naming it here keeps the channel in the
    // bootstrap's context, which its hooks keep alive. Node holds channels
    // weakly: collected, undici would get a new one, without these.
    return ReflectApply(channelPublish, beforeConnect, [message]);
  },
  writable: false, enumerable: false, configurable: false,
});
ObjectDefineProperty(beforeConnect, 'hasSubscribers', { __proto__: null, get: () => true, enumerable: false, configurable: false });
// Undici loaded already (node makes a proxy dispatcher at start-up when
// NODE_USE_ENV_PROXY asks for one): guard now.
if (globalThis[Symbol.for('undici.globalDispatcher.1')] !== undefined) guardEngineOptions();

// V8 flags set at run time reach new isolates (workers) and the engine's
// internals: --allow-natives-syntax, or code generation from strings
// allowed again. Only flags that change neither pass.
const harmlessV8Flags = /^--(no-)?(expose[-_]gc|trace[-_][a-z_-]+|max[-_](old|semi)[-_]space[-_]size(=\d+)?|stack[-_]size=\d+)$/;
function guardV8() {
  const v8 = firstUse('node:v8');
  if (v8 === undefined) return;
  const v8SetFlagsFromString = v8.setFlagsFromString;
  define(v8, 'setFlagsFromString', function setFlagsFromString(flags) {
    // RegExp.prototype.exec itself: test would call the exec the
    // application put on RegExp.prototype. Node takes only a string.
    if (typeof flags !== 'string' || RegExpPrototypeExec(harmlessV8Flags, flags) === null) {
      throw hostRefusal('ERR_ACCESS_DENIED', 'v8.setFlagsFromString', 'v8.setFlagsFromString(' + JSONStringify('' + flags) +
        ') is closed by intact node: V8 flags can reach the engine\'s internals and re-enable code generation');
    }
    return ReflectApply(v8SetFlagsFromString, v8, [flags]);
  });
  // queryObjects hands util.inspect every live object whose prototype
  // chain holds the constructor's prototype, and util.inspect calls any
  // inspect method it finds on the way: one the application put on
  // Function.prototype was handed every function in the heap, the
  // originals the guards keep among them (outside review rt88 loaded an
  // unsigned library with the original process.dlopen).
  if (typeof v8.queryObjects === 'function') {
    define(v8, 'queryObjects', function queryObjects() {
      throw hostRefusal('ERR_ACCESS_DENIED', 'v8.queryObjects', 'v8.queryObjects is closed by intact node: it hands the application ' +
        'every live object of a kind, the originals intact guards among them');
    });
  }
  ReflectApply(syncBuiltinESMExports, module, []);
}

// SQLite extensions are shared libraries SQLite maps itself. Guarded when
// the application first reaches node:sqlite (loading it here would print
// its experimental warning for every program), in every class it exports
// that loads them: DatabaseSync, and Node 26's Database, the same class
// there today, which a later release may make another (outside review
// rt82).
function guardSqlite() {
  const sqlite = firstUse('node:sqlite');
  if (sqlite === undefined || sqlite === null) return;
  const guarded = [];
  const names = ObjectKeys(sqlite);
  for (let i = 0; i < names.length; i++) {
    const ctor = sqlite[names[i]];
    const proto = typeof ctor === 'function' ? ctor.prototype : undefined;
    if (typeof proto !== 'object' || proto === null || ArrayIncludes(guarded, proto)) continue;
    const own = ObjectGetOwnPropertyDescriptor(proto, 'loadExtension');
    if (own === undefined || typeof own.value !== 'function') continue;
    guarded[guarded.length] = proto;
    guardLoadExtension(proto, own.value);
  }
}

function guardLoadExtension(proto, loadExtension) {
  define(proto, 'loadExtension', function (path, entryPoint) {
    // The strings of the path and the entry point, read now (withSealed).
    path = '' + path;
    if (entryPoint !== undefined) entryPoint = '' + entryPoint;
    const load = (file) => withSealed(file, (sealed) => {
      if (entryPoint !== undefined) return ReflectApply(loadExtension, this, [sealed, entryPoint]);
      // The sealed copy's path (/proc/<broker>/fd/<n>) does not keep the
      // file's name, from which SQLite derives the entry point it tries
      // after sqlite3_extension_init: try both, as SQLite would.
      try {
        return ReflectApply(loadExtension, this, [sealed]);
      } catch (err) {
        if (err === null || typeof err !== 'object' || ownValue(err, 'code') !== 'ERR_LOAD_SQLITE_EXTENSION') throw err;
        return ReflectApply(loadExtension, this, [sealed, sqliteEntryPoint('' + file)]);
      }
    });
    try {
      return load(path);
    } catch (err) {
      // SQLite tries the name with the system's suffix next.
      if (err === null || typeof err !== 'object' || ownValue(err, 'code') !== 'ENOENT') throw err;
      return load('' + path + (isWindows ? '.dll' : '.so'));
    }
  });
}

// sqliteEntryPoint is the entry point SQLite derives from a library's file
// name: "sqlite3_", the letters of the base name up to its first dot,
// lower-cased, without a leading "lib", then "_init".
function sqliteEntryPoint(file) {
  const slash = StringLastIndexOf(file, '/');
  const backslash = isWindows ? StringLastIndexOf(file, '\\') : -1;
  let base = StringSlice(file, (slash > backslash ? slash : backslash) + 1);
  if (StringToLowerCase(StringSlice(base, 0, 3)) === 'lib') base = StringSlice(base, 3);
  let name = '';
  for (let i = 0; i < base.length && base[i] !== '.'; i++) {
    const c = base[i];
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) name += StringToLowerCase(c);
  }
  return 'sqlite3_' + name + '_init';
}

// guardedConstructor returns a stand-in for the built-in class Original
// that constructs one with the arguments check(args) returns. The stand-in
// is a plain function, not a subclass: a subclass's prototype is the class
// it extends, which would hand the original back
// (Object.getPrototypeOf(Guarded)). Instances keep Original's prototype,
// whose constructor, and that of each prototype in protos (the native
// classes a built-in extends: vm.Script's ContextifyScript compiles any
// string), becomes the stand-in: no way leads back to a constructor that
// skips check. Static members are copied; the stand-in inherits from base.
function guardedConstructor(Original, name, check, base, protos) {
  const Guarded = {
    [name]: function (...args) {
      if (new.target === undefined) throw new TypeError('Class constructor ' + name + " cannot be invoked without 'new'");
      return ReflectConstruct(Original, check(args), new.target);
    },
  }[name];
  const keys = ReflectOwnKeys(Original);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i];
    if (key === 'length' || key === 'name' || key === 'prototype') continue;
    ObjectDefineProperty(Guarded, key, { __proto__: null, ...ObjectGetOwnPropertyDescriptor(Original, key) });
  }
  ObjectDefineProperty(Guarded, 'prototype', { __proto__: null, value: Original.prototype, writable: false, enumerable: false, configurable: false });
  ObjectSetPrototypeOf(Guarded, base === undefined ? FunctionPrototype : base);
  const all = withRest([Original.prototype], protos ?? []);
  for (let i = 0; i < all.length; i++) {
    ObjectDefineProperty(all[i], 'constructor', { __proto__: null, value: Guarded, writable: true, enumerable: false, configurable: true });
  }
  return Guarded;
}

// V8 accepts a code cache made from any source of the same length: the
// bytes that run would no longer be the bytes that were checked.
define(module, 'enableCompileCache', function enableCompileCache() {
  return { status: module.constants?.compileCacheStatus?.DISABLED ?? 3, message: 'disabled by intact node' };
});

function withoutCachedData(options) {
  if (options === null || typeof options !== 'object' || !('cachedData' in options)) return options;
  // Own properties only, and cachedData none: node would read one inherited
  // from Object.prototype.
  return { __proto__: null, ...options, cachedData: undefined };
}

const VmScript = vm.Script;
const vmCompileFunction = vm.compileFunction;
const vmRunInThisContext = vm.runInThisContext;
const vmRunInNewContext = vm.runInNewContext;
const vmRunInContext = vm.runInContext;
const vmCreateContext = vm.createContext;

function dynamicGuard(what) {
  if (config.dynamicDisabled) refuseDynamic(what);
}

// eval and the Function constructors V8 refuses itself under
// --disallow-code-generation-from-strings, with an EvalError that no
// event records. Under DisableDynamicCode they ask the broker first, so
// that each is refused as every other way is, with Node's
// ERR_CODE_INTEGRITY_BLOCKED, and logged (outside review rt70). The flag
// stays the barrier: whatever reaches the originals (another context's
// globals are its own) is refused by V8, unlogged.
if (config.dynamicDisabled) guardCodeFromStrings();

function guardCodeFromStrings() {
  const originalEval = globalThis.eval;
  const guardedEval = {
    eval(code) {
      if (typeof code !== 'string') return code; // as eval does
      refuseDynamic('eval', EvalErrorCtor);
      // Allowed (the policy does not disable dynamic code, which never
      // happens here): V8's flag decides, as without a stand-in.
      return ReflectApply(originalEval, globalThis, [code]);
    },
  }.eval;
  ObjectDefineProperty(globalThis, 'eval', { __proto__: null, value: guardedEval, writable: true, enumerable: false, configurable: true });
  const GuardedFunction = guardCodeConstructor(FunctionPrototype, undefined);
  ObjectDefineProperty(globalThis, 'Function', { __proto__: null, value: GuardedFunction, writable: true, enumerable: false, configurable: true });
  // %AsyncFunction%, %GeneratorFunction% and %AsyncGeneratorFunction% are
  // no globals: each is its functions' prototype's constructor.
  const kinds = [async function () {}, function* () {}, async function* () {}];
  for (let i = 0; i < kinds.length; i++) guardCodeConstructor(ObjectGetPrototypeOf(kinds[i]), GuardedFunction);
}

// guardCodeConstructor puts a stand-in for the constructor of proto, the
// prototype of some kind of function, where code finds it: as proto's
// constructor (whence (function () {}).constructor), with the same name,
// length, prototype and, when base is given, that [[Prototype]].
function guardCodeConstructor(proto, base) {
  const Original = proto.constructor;
  const name = Original.name;
  const Guarded = {
    [name]: function (...args) {
      refuseDynamic(name, EvalErrorCtor);
      return ReflectConstruct(Original, args, new.target ?? Original); // allowed: as eval's
    },
  }[name];
  ObjectDefineProperty(Guarded, 'length', { __proto__: null, value: Original.length, configurable: true });
  ObjectDefineProperty(Guarded, 'prototype', { __proto__: null, value: proto, writable: false, enumerable: false, configurable: false });
  ObjectSetPrototypeOf(Guarded, base ?? ObjectGetPrototypeOf(Original));
  const own = ObjectGetOwnPropertyDescriptor(proto, 'constructor');
  ObjectDefineProperty(proto, 'constructor', { __proto__: null, ...own, value: Guarded });
  return Guarded;
}

// vm.Script extends node's native ContextifyScript, whose constructor
// compiles any string too.
define(vm, 'Script', guardedConstructor(VmScript, 'Script', ([code, options]) => {
  dynamicGuard('vm.Script');
  return [code, withoutCachedData(typeof options === 'string' ? { filename: options } : options)];
}, undefined, [ObjectGetPrototypeOf(VmScript.prototype)]));
define(vm, 'compileFunction', function compileFunction(code, params, options) {
  dynamicGuard('vm.compileFunction');
  return ReflectApply(vmCompileFunction, vm, [code, params, withoutCachedData(options)]);
});
define(vm, 'runInThisContext', function runInThisContext(code, options) {
  dynamicGuard('vm.runInThisContext');
  return ReflectApply(vmRunInThisContext, vm, [code, options]);
});
define(vm, 'runInNewContext', function runInNewContext(code, ctx, options) {
  dynamicGuard('vm.runInNewContext');
  return ReflectApply(vmRunInNewContext, vm, [code, ctx, options]);
});
define(vm, 'runInContext', function runInContext(code, ctx, options) {
  dynamicGuard('vm.runInContext');
  return ReflectApply(vmRunInContext, vm, [code, ctx, options]);
});
define(vm, 'createContext', function createContext(ctx, options) {
  if (!config.dynamicDisabled) return ReflectApply(vmCreateContext, vm, [ctx, options]);
  // A new context has code generation from strings on by default, whatever
  // --disallow-code-generation-from-strings says.
  const forced = { __proto__: null, ...options, codeGeneration: { __proto__: null, strings: false, wasm: false } };
  return ReflectApply(vmCreateContext, vm, [ctx, forced]);
});
if (typeof vm.SourceTextModule === 'function') {
  const VmSourceTextModule = vm.SourceTextModule;
  define(vm, 'SourceTextModule', guardedConstructor(VmSourceTextModule, 'SourceTextModule', ([code, options]) => {
    dynamicGuard('vm.SourceTextModule');
    return [code, withoutCachedData(options)];
  }, ObjectGetPrototypeOf(VmSourceTextModule)));
}
// vm.createScript builds node's own Script, not the guarded export.
define(vm, 'createScript', function createScript(code, options) {
  return new vm.Script(code, options);
});
// Every other function of node:vm is guarded too, unless it is known to
// compile nothing: a function a later node adds may compile its argument
// (createScript did, behind the guarded Script).
{
  const compilesNothing = ['Script', 'SourceTextModule', 'SyntheticModule', 'Module', 'compileFunction', 'createContext',
    'createScript', 'isContext', 'measureMemory', 'runInContext', 'runInNewContext', 'runInThisContext'];
  const keys = ObjectKeys(vm);
  for (let i = 0; i < keys.length; i++) {
    const name = keys[i];
    const fn = vm[name];
    if (typeof fn !== 'function' || ArrayIncludes(compilesNothing, name)) continue;
    define(vm, name, function (...args) {
      dynamicGuard('vm.' + name);
      return ReflectApply(fn, this, args);
    });
  }
}

// nodeEvalWrapper reports whether content is the wrapper node compiles
// through _compile to run -e code and code on standard input (approved by
// the broker before node started; the code itself node compiles otherwise):
// the caller must be node's execution module, and content a template
// literal of that module's own source, read from node
// (process.binding('natives')). The caller alone would not do: a bound
// function leaves no frame, so _compile bound to other source and handed to
// node's uncaught-exception handler there (as the capture callback, or as
// process.emit) looked called from it.
let executionSource = null;
function nodeEvalWrapper(content) {
  if (typeof content !== 'string' || callerFileName() !== 'node:internal/process/execution') return false;
  if (executionSource === null) executionSource = builtinSource('internal/process/execution');
  return !StringIncludes(content, '`') && !StringIncludes(content, '${') && StringIncludes(executionSource, '`' + content + '`');
}

// Module.prototype._compile runs only the source the broker served for that
// file; anything else is code built at run time.
const Module = module.Module ?? module;
const moduleCompile = Module.prototype._compile;

// Module._load takes, on Node 24 and 26, a resolution of the caller's own
// (internal options: resolved.url, .filename, .format), and loads the
// built-in that filename names, while the load hooks, the bootstrap's
// among them, are shown url: a harmless built-in's URL, or a signed file's,
// got any built-in past its guard (outside reviews rt31 and rt32). So the
// built-in filename names is guarded here, and node is handed the
// resolution as it was read, once. The property stays writable, as node's
// own callers and monkey-patchers expect: a replacement can only wrap this
// one, the original being nowhere else.
{
  const moduleLoad = Module._load;
  const loadDesc = ObjectGetOwnPropertyDescriptor(Module, '_load');
  ObjectDefineProperty(Module, '_load', {
    __proto__: null,
    value: function _load(request, parent, isMain, options) {
      // Node reads options.resolved of whatever it is given, a function or
      // a primitive (through String.prototype) included: it always gets an
      // object of the bootstrap's, read once (outside review rt33).
      if (options !== undefined) {
        const given = options === null ? undefined : options.resolved;
        const copy = options !== null && (typeof options === 'object' || typeof options === 'function') ?
          { __proto__: null, ...options } : { __proto__: null };
        if (given !== undefined && given !== null) {
          const resolved = { __proto__: null, url: given.url, filename: given.filename, format: given.format };
          const builtin = builtinHref(resolved.filename);
          if (builtin !== '') guardBuiltin(builtin);
          ObjectDefineProperty(copy, 'resolved', { __proto__: null, value: resolved, writable: true, enumerable: true, configurable: true });
        }
        options = copy;
      }
      return ReflectApply(moduleLoad, this, [request, parent, isMain, options]);
    },
    writable: loadDesc === undefined || loadDesc.writable === true,
    enumerable: loadDesc !== undefined && loadDesc.enumerable === true,
    configurable: true,
  });
}

// Node compiles a CommonJS module's content inside Module.wrapper, and
// once an application has set Module.wrap or Module.wrapper (node's
// accessors cannot be replaced), it compiles Module.wrap(content): code
// made at run time around the checked content. wrapperUnchanged says
// whether both are still node's, read without running any accessor.
const moduleWrap = Module.wrap;
const moduleWrapper = Module.wrapper;
const moduleWrapperParts = [moduleWrapper[0], moduleWrapper[1]];
function wrapperUnchanged() {
  if (Module.wrap !== moduleWrap || Module.wrapper !== moduleWrapper) return false;
  for (let i = 0; i < 2; i++) {
    const part = ObjectGetOwnPropertyDescriptor(moduleWrapper, i);
    if (part === undefined || !ObjectHasOwn(part, 'value') || part.value !== moduleWrapperParts[i]) return false;
  }
  return true;
}
if (config.dynamicDisabled) {
  // Only then: the wrapper shows in the stack of every CommonJS module.
  define(Module.prototype, '_compile', function _compile(content, filename, ...rest) {
    // The arguments first: nothing of the application may run between the
    // checks and the compile.
    const args = withRest([content, filename], rest);
    // Node strips the types of the content it is given with a TypeScript
    // format, after this check (typeScriptFormats).
    if (rest.length > 0) refuseTypeScript(rest[0], filename);
    const expected = MapGet(served, filename);
    // Node runs -e code and code on standard input (approved by the broker
    // before node started) inside a fixed wrapper it compiles this way.
    if ((expected === undefined || expected !== content) && !nodeEvalWrapper(content)) {
      refuseDynamic('module._compile of ' + filename);
    }
    if (!wrapperUnchanged()) refuseDynamic('a changed Module.wrap or Module.wrapper, for ' + filename);
    MapDelete(served, filename);
    return ReflectApply(moduleCompile, this, args);
  });
}

// Loaders registered by the application: a load hook returning a source
// other than the one node's chain (ours) gave it is code made at run time.
// Its result is read once, into an object of the bootstrap's: an accessor
// could give the check one source and node another.
define(module, 'registerHooks', function (hooks) {
  if (hooks === null || (typeof hooks !== 'object' && typeof hooks !== 'function')) {
    return ReflectApply(registerHooks, module, [hooks]);
  }
  // The hooks are read once, into an object of the bootstrap's that node
  // is given instead: node would read them again, and an accessor (or a
  // function standing for the object) could show this check no load hook
  // and node one.
  const appResolve = hooks.resolve;
  const appLoad = hooks.load;
  if (typeof appLoad !== 'function') return ReflectApply(registerHooks, module, [{ __proto__: null, resolve: appResolve, load: appLoad }]);
  return ReflectApply(registerHooks, module, [{
    __proto__: null,
    resolve: appResolve,
    load(href, context, nextLoad) {
      // Built-in modules are guarded before the application's hook runs,
      // under any policy: a hook that answers a node: URL itself, with no
      // source as node's own do, never reaches the bootstrap's load
      // (outside review rt30).
      const builtin = builtinHref(href);
      if (builtin !== '') guardBuiltin(builtin);
      if (!config.codeChecked && !config.dynamicDisabled) return ReflectApply(appLoad, this, [href, context, nextLoad]);
      // What the chain below (ours) gave, kept where the application
      // cannot change it: bytes are copied, since the application holds
      // the Buffer it is given and could rewrite it.
      let givenHref;
      let givenFormat;
      let givenSource;
      const next = !config.dynamicDisabled ? nextLoad : (u, c) => {
        const r = nextLoad(u, c);
        givenHref = u;
        givenFormat = r.format;
        givenSource = privateCopy(r.source);
        // The application gets a copy of its own: bytes the bootstrap
        // serves as WebAssembly (servedWasm) never reach it.
        return { format: r.format, source: privateCopy(r.source), shortCircuit: r.shortCircuit };
      };
      const result = ReflectApply(appLoad, this, [href, context, next]);
      if (result === null || typeof result !== 'object') return result; // node refuses it
      const format = result.format;
      const source = result.source;
      const shortCircuit = result.shortCircuit;
      if (source == null) {
        // Given no source, node reads a file itself (sourceless).
        sourceless(href, format);
        return { format, source, shortCircuit };
      }
      // With dynamic code allowed, any source the hook returns is no more
      // than the strings the application may compile.
      if (!config.dynamicDisabled) return { format, source, shortCircuit };
      if (givenHref !== href || (format !== undefined && format !== givenFormat) || !sameSource(source, givenSource)) {
        refuseDynamic('a load hook returning other source for ' + href);
      }
      // Node gets the bootstrap's own copy, which nobody else holds, in
      // the format the chain gave it: with none, node would turn bytes into
      // text with TextDecoder.prototype.decode, which the application can
      // replace (outside review rt42).
      if (typeof givenSource !== 'string') WeakMapSet(servedWasm, givenSource, copyBytes(givenSource, 0, TypedArrayLength(givenSource)));
      return { format: givenFormat, source: givenSource, shortCircuit };
    },
  }]);
});

// sourceless refuses an application's load hook result that gives node
// no source for anything but a built-in: for a file node then reads the
// file itself, past the bootstrap's hook (an unsigned file imported as
// CommonJS ran, its URL's scheme in any case: outside review of rt37's
// fixes). An addon is loaded by process.dlopen, which checks it.
function sourceless(href, format) {
  const scheme = schemeOf(href);
  if (scheme === 'node:' || format === 'addon') return;
  const path = scheme === 'file:' ? filePath(href) : href;
  throw hostRefusal('ERR_CODE_INTEGRITY_VIOLATION', path, 'The file ' + path + ' did not pass OS Code Integrity validation',
    { path, reasons: ['a load hook gave node no source for it, and node would read it itself, unchecked'] });
}

// privateCopy returns source itself when it is a string (immutable), a
// copy of its bytes when it is a view, and undefined otherwise.
function privateCopy(source) {
  if (typeof source === 'string') return source;
  if (!ArrayBufferIsView(source)) return undefined;
  return copyBytes(source, 0, TypedArrayByteLength(source));
}

// sameSource reports whether source (an application's) holds what kept
// (privateCopy's) does.
function sameSource(source, kept) {
  if (typeof kept === 'string') return source === kept;
  if (kept === undefined || !ArrayBufferIsView(source)) return false;
  const n = TypedArrayByteLength(source);
  const bytes = new Uint8ArrayCtor(TypedArrayBuffer(source), TypedArrayByteOffset(source), n);
  return sameBytes(bytes, 0, n, kept, 0, TypedArrayLength(kept));
}
// module.register runs loaders in a thread of node's own, which no
// bootstrap reaches: node reads the loader and every module it imports
// itself. Where files are checked it is refused; registerHooks, in this
// thread and through these hooks, does the same job.
if (typeof module.register === 'function') {
  const moduleRegister = module.register;
  define(module, 'register', function register(...args) {
    if (config.codeChecked) {
      throw hostRefusal('ERR_CODE_INTEGRITY_BLOCKED', 'module.register', 'intact node: module.register is refused: node runs the loaders it ' +
        'registers in a thread of their own, which reads their files without intact\'s checks; use module.registerHooks');
    }
    dynamicGuard('module.register');
    return ReflectApply(moduleRegister, module, args);
  });
}

// workerOptionName is the canonical name of one execArgv entry, as node
// reads it: "_" and "-" are the same after the leading dashes, a value may
// follow "=", and one-letter options have long names.
function workerOptionName(arg) {
  let name = arg;
  const eq = StringIndexOf(arg, '=');
  if (StringStartsWith(arg, '--') && eq > 0) name = StringSlice(arg, 0, eq);
  if (StringStartsWith(name, '--')) return { name: '--' + replaceEvery(StringSlice(name, 2), '_', '-'), hasValue: eq > 0 };
  if (ObjectHasOwn(config.shortOptions, name)) return { name: config.shortOptions[name], hasValue: false };
  return { name, hasValue: false };
}

// judgeWorkerOptions appends to out the options of argv, a worker's
// execArgv or the words of its NODE_OPTIONS: each must be on the broker's
// allow-list for workers (config.workerOptions, from the same table as the
// command line's). The user's --require modules are dropped from an
// execArgv: the bootstrap requires them.
function judgeWorkerOptions(argv, where, out) {
  for (let i = 0; i < argv.length; i++) {
    const a = '' + argv[i];
    const { name, hasValue } = workerOptionName(a);
    if (name === '--require' && where === 'execArgv') {
      const value = hasValue ? StringSlice(a, StringIndexOf(a, '=') + 1) : '' + argv[i + 1];
      if (ArrayIncludes(config.requires, value)) {
        if (!hasValue) i++;
        continue;
      }
    }
    if (!ObjectHasOwn(config.workerOptions, name)) {
      throw hostRefusal('ERR_CODE_INTEGRITY_BLOCKED', 'worker option ' + a, 'intact node: a worker\'s ' + where + ' may not carry ' + a +
        ': it is not on intact node\'s allow-list of node options (preloads go to intact node itself)');
    }
    append(out, a);
    if (config.workerOptions[name] && !hasValue && i + 1 < argv.length) {
      // In NODE_OPTIONS node may not take the next word as the value (it
      // drops a V8 option without one, and reads the word as an option of
      // its own): a value comes only after "=" there.
      if (where === 'NODE_OPTIONS') {
        throw hostRefusal('ERR_CODE_INTEGRITY_BLOCKED', 'worker option ' + a, 'intact node: a worker\'s NODE_OPTIONS may give ' + a + ' a value only as ' +
          a + '=VALUE');
      }
      append(out, '' + argv[++i]);
    }
  }
  return out;
}

// workerExecArgv is a worker's execArgv: this bootstrap first, then the
// given options, judged.
function workerExecArgv(given) {
  return judgeWorkerOptions(ArrayIsArray(given) ? given : [], 'execArgv', ['--import', config.stubURL]);
}

// splitNodeOptions splits NODE_OPTIONS as node does: on spaces, with
// double quotes around words that hold them and backslash escapes inside.
function splitNodeOptions(value) {
  const words = [];
  let word = '';
  let inWord = false;
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (quoted && c === '\\' && i + 1 < value.length) {
      word += value[++i];
      inWord = true;
    } else if (c === '"') {
      quoted = !quoted; // "" is no word, as node reads it
    } else if (c === ' ' && !quoted) {
      if (inWord) append(words, word);
      word = '';
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (quoted) throw hostRefusal('ERR_CODE_INTEGRITY_BLOCKED', 'worker NODE_OPTIONS', 'intact node: a worker\'s NODE_OPTIONS holds an unterminated string');
  if (inWord) append(words, word);
  return words;
}

// The variables a worker's environment may not set: node reads V8 code
// caches where NODE_COMPILE_CACHE says (V8 accepts a cache made from other
// source), and the REPL's module from NODE_REPL_EXTERNAL_MODULE.
const workerRemovedEnv = ['NODE_COMPILE_CACHE', 'NODE_COMPILE_CACHE_PORTABLE', 'NODE_REPL_EXTERNAL_MODULE', 'NODE_DISABLE_COMPILE_CACHE'];
const envName = isWindows ? StringToUpperCase : (name) => name;

// workerEnv is the environment a worker starts with, for the env option
// given. Node reads NODE_OPTIONS from a worker's environment whenever it
// is given one, or an execArgv (then the process's own): preloads there
// run before the bootstrap, a loader in a thread with none. So the worker
// always gets an environment of its own, a copy of the one given (or of
// process.env, node's default), with NODE_OPTIONS judged as an execArgv
// is and node's compile cache off. A worker sharing the process's
// environment (SHARE_ENV) is refused: the application could change it
// after these checks, before the worker reads it.
function workerEnv(given, shareEnv) {
  if (given === shareEnv) {
    throw hostRefusal('ERR_CODE_INTEGRITY_BLOCKED', 'worker env SHARE_ENV', 'intact node: a worker may not share the process\'s environment (SHARE_ENV): ' +
      'node reads options and its compile cache from it after intact\'s checks');
  }
  if (given !== undefined && given !== null && typeof given !== 'object') return given; // node refuses it
  const from = given === undefined || given === null ? process.env : given;
  const env = { __proto__: null };
  const keys = ObjectKeys(from);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i];
    const value = `${from[key]}`;
    const name = envName(key);
    if (ArrayIncludes(workerRemovedEnv, name)) continue;
    if (name === 'NODE_OPTIONS') judgeWorkerOptions(splitNodeOptions(value), 'NODE_OPTIONS', []);
    env[key] = value;
  }
  env.NODE_DISABLE_COMPILE_CACHE = '1';
  return env;
}

// Workers run the bootstrap too, whatever execArgv and environment they are
// given, and never code from a string when dynamic code is disabled.
// Guarded when the application first reaches node:worker_threads.
function guardWorkers() {
  const workerThreads = firstUse('node:worker_threads');
  if (workerThreads === undefined) return;
  const WorkerCtor = workerThreads.Worker;
  const shareEnv = workerThreads.SHARE_ENV;
  define(workerThreads, 'Worker', guardedConstructor(WorkerCtor, 'Worker', (args) => {
    // Own properties only (spread, defineProperty): accessors on
    // Object.prototype must not decide what the worker runs.
    // A null prototype: node reads eval, execArgv, env and the rest of the
    // options where the guard did, and an accessor on Object.prototype
    // would answer each read differently.
    const opts = { __proto__: null, ...args[1] };
    if (opts.eval) {
      dynamicGuard('new Worker(code, {eval: true})');
      // Node runs no --import before a worker's eval code, so the thread
      // would have no bootstrap: no checks of the files it loads, no
      // guard on process.dlopen (outside review rt34). Where files are
      // checked, it is refused even with dynamic code allowed.
      if (config.codeChecked) {
        throw hostRefusal('ERR_CODE_INTEGRITY_BLOCKED', 'new Worker(code, {eval: true})', 'intact node: a worker given code as a string (eval: true) is refused: ' +
          'node runs it without intact\'s checks of the files it loads; give the worker a file');
      }
    }
    // Without execArgv the worker inherits node's own options, this
    // bootstrap among them, unless node ran it as its main module: then
    // the worker gets the user's options (none) after the bootstrap. With
    // one, the bootstrap goes first; the user's --require modules are
    // required by the bootstrap in the worker, and any other preload or
    // the inspector would run unchecked. Without an own execArgv, node
    // would read one inherited from Object.prototype: make it own,
    // undefined (inherit node's options).
    let execArgv = ObjectHasOwn(opts, 'execArgv') ? opts.execArgv : undefined;
    if (execArgv === undefined && asMain) execArgv = config.execArgv;
    ObjectDefineProperty(opts, 'execArgv', { __proto__: null, value: execArgv === undefined ? undefined : workerExecArgv(execArgv),
      enumerable: true, writable: true, configurable: true });
    ObjectDefineProperty(opts, 'env', { __proto__: null, value: workerEnv(ObjectHasOwn(opts, 'env') ? opts.env : undefined, shareEnv),
      enumerable: true, writable: true, configurable: true });
    return [args[0], opts];
  }, ObjectGetPrototypeOf(WorkerCtor)));
  ReflectApply(syncBuiltinESMExports, module, []);
}

// callerFileName returns the file name V8 records for the code that called
// the bootstrap function calling it, or '' when there is none. It decides
// by V8's structured call sites, never by the text of a stack: a folder can
// be named "(node:internal/process/execution:", and a source map (with
// --enable-source-maps or process.setSourceMapsEnabled) rewrites the text
// of a frame. Source maps are applied only by node's own stack formatting;
// the call sites a prepareStackTrace set here receives are V8's own. The
// CallSite methods are the ones captured below, before any application
// code could patch CallSite.prototype.
//
// The call sites are the ones this function's own prepareStackTrace
// received for its own holder, never what holder.stack holds, and only
// when node can have called nothing else: node calls
// globalThis.Error.prepareStackTrace, so an application that replaced
// globalThis.Error, or made Error.prepareStackTrace an accessor (whose
// setter would be handed the bootstrap's function), could call it with
// call sites it kept from a stack that passed through node's internals.
// Then there are none, and nothing is allowed.
function captureCallSites(limit, below) {
  const global = ObjectGetOwnPropertyDescriptor(globalObject, 'Error');
  if (global === undefined || !ObjectHasOwn(global, 'value') || global.value !== ErrorCtor) return undefined;
  const saved = ObjectGetOwnPropertyDescriptor(ErrorCtor, 'prepareStackTrace');
  if (saved !== undefined && (!ObjectHasOwn(saved, 'value') || !saved.configurable)) return undefined;
  // stackTraceLimit as a plain data property only: an accessor's setter
  // would be handed control with the bootstrap's formatter in place, and
  // could feed it call sites kept from elsewhere (outside review rt30).
  const limitDesc = ObjectGetOwnPropertyDescriptor(ErrorCtor, 'stackTraceLimit');
  if (limitDesc !== undefined && (!ObjectHasOwn(limitDesc, 'value') || !limitDesc.writable || !limitDesc.configurable)) return undefined;
  const holder = {};
  let captured;
  ObjectDefineProperty(ErrorCtor, 'prepareStackTrace', {
    __proto__: null,
    value: (error, callSites) => { if (error === holder) captured = callSites; return ''; },
    writable: true, enumerable: false, configurable: true,
  });
  ObjectDefineProperty(ErrorCtor, 'stackTraceLimit', { __proto__: null, value: limit, writable: true, enumerable: true, configurable: true });
  try {
    ErrorCaptureStackTrace(holder, below);
    holder.stack; // V8 formats the stack, calling prepareStackTrace, on first read
    return captured;
  } finally {
    if (saved === undefined) delete ErrorCtor.prepareStackTrace;
    else {
      ObjectDefineProperty(ErrorCtor, 'prepareStackTrace', {
        __proto__: null, value: saved.value, writable: saved.writable, enumerable: saved.enumerable, configurable: true,
      });
    }
    if (limitDesc === undefined) delete ErrorCtor.stackTraceLimit;
    else ObjectDefineProperty(ErrorCtor, 'stackTraceLimit', { __proto__: null, ...limitDesc });
  }
}
const callSiteProto = ObjectGetPrototypeOf(captureCallSites(1, captureCallSites)[0]);
const CallSiteGetFileName = uncurry(callSiteProto.getFileName);
const CallSiteGetFunctionName = uncurry(callSiteProto.getFunctionName);

function callerFileName() {
  const site = callerSite(callerFileName);
  if (site === undefined) return '';
  const name = CallSiteGetFileName(site);
  return typeof name === 'string' ? name : '';
}

// callerSite returns the call site of the code that called the bootstrap
// function below (callerFileName or nodeWasmCaller) called, or
// undefined: the first frame that is not the bootstrap's own.
function callerSite(below) {
  const sites = captureCallSites(8, below);
  if (!ArrayIsArray(sites)) return undefined;
  for (let i = 0; i < sites.length; i++) {
    if (CallSiteGetFileName(sites[i]) !== bootstrapName) return sites[i];
  }
  return undefined;
}

// Node's own WebAssembly: two of the dependencies bundled in node compile
// modules they carry as base64 in their source, undici's HTTP parser
// (fetch) and amaro's TypeScript stripper. Under DisableDynamicCode those
// are allowed, and nothing else: the caller must be the function of
// theirs that compiles them (naming the function, not only the module,
// matters: undici also calls back into the application, and a dispatcher
// handed WebAssembly.compile would compile bytes from the network), and
// the bytes must be one of the modules in that dependency's source, which
// the bootstrap reads from node itself (process.binding('natives')). The
// caller alone would not do: the bytes reach it through Buffer.from and
// node:buffer, which the application can replace. What is compiled is the
// bootstrap's own copy of the module, never the bytes handed in, which
// another thread could change (in a SharedArrayBuffer) once compared.
//
// Node's own modules are named by their id, which no file, and no module
// the loader gives a path or a file: URL, can have.
const nodeWasmCallers = [
  ['node:internal/deps/undici/undici', 'lazyllhttp'],
  ['node:internal/deps/amaro/dist/index', 'lib/wasm.js'],
];
// The modules decoded, by builtin id, once asked for.
const nodeWasmModules = new MapCtor();

// nodeWasmCaller returns the id of the dependency whose compiling function
// called, or undefined.
function nodeWasmCaller() {
  const site = callerSite(nodeWasmCaller);
  if (site === undefined) return undefined;
  const file = CallSiteGetFileName(site);
  const fn = CallSiteGetFunctionName(site);
  for (let i = 0; i < nodeWasmCallers.length; i++) {
    if (file === nodeWasmCallers[i][0] && fn === nodeWasmCallers[i][1]) return StringSlice(file, 5);
  }
  return undefined;
}

// builtinSource returns the source of node's built-in module id, read from
// node itself (process.binding('natives'), closed to the application), or
// "". An own property, read without getters: a missing id must not reach
// Object.prototype.
function builtinSource(id) {
  const source = ownValue(quietBinding('natives'), id);
  return typeof source === 'string' ? source : '';
}

// nodeWasm returns the WebAssembly modules in the source of node's builtin
// module id: each string literal that is base64 beginning with the
// module magic ("\0asm", "AGFzbQ"), decoded.
function nodeWasm(id) {
  let modules = MapGet(nodeWasmModules, id);
  if (modules !== undefined) return modules;
  modules = [];
  const source = builtinSource(id);
  for (let at = StringIndexOf(source, 'AGFzbQ'); at > 0; at = StringIndexOf(source, 'AGFzbQ', at + 1)) {
    const quote = source[at - 1];
    if (quote !== '"' && quote !== "'") continue;
    const end = StringIndexOf(source, quote, at);
    if (end < 0) break;
    const base64 = StringSlice(source, at, end);
    const bytes = sealed(BufferAllocUnsafeSlow(BufferByteLength(base64, 'base64')));
    const n = BufferBase64Write(bytes, base64, 0, TypedArrayLength(bytes));
    append(modules, n === TypedArrayLength(bytes) ? bytes : copyBytes(bytes, 0, n));
    at = end;
  }
  MapSet(nodeWasmModules, id, modules);
  return modules;
}

// ownWasm returns the module of modules whose bytes bytes (an ArrayBuffer
// or a typed array) holds, or undefined.
function ownWasm(modules, bytes) {
  let view;
  try {
    view = ArrayBufferIsView(bytes)
      ? new Uint8ArrayCtor(TypedArrayBuffer(bytes), TypedArrayByteOffset(bytes), TypedArrayByteLength(bytes))
      : new Uint8ArrayCtor(bytes);
  } catch {
    return undefined; // a DataView, or no bytes at all
  }
  const n = TypedArrayLength(view);
  for (let i = 0; i < modules.length; i++) {
    if (sameBytes(view, 0, n, modules[i], 0, TypedArrayLength(modules[i]))) return modules[i];
  }
  return undefined;
}

// wasmGuard returns the bytes to compile where the application asked to
// compile bytes: WebAssembly compiled from bytes the broker did not serve
// is code made at run time, refused unless it is node's own.
function wasmGuard(what, bytes) {
  if (!config.dynamicDisabled) return bytes;
  if (ArrayBufferIsView(bytes)) {
    const checked = WeakMapGet(servedWasm, bytes);
    if (checked !== undefined) return checked;
  }
  const id = nodeWasmCaller();
  if (id !== undefined) {
    const own = ownWasm(nodeWasm(id), bytes);
    if (own !== undefined) return own;
  }
  refuseDynamic(what);
}

if (WebAssemblyObject && config.dynamicDisabled) {
  const wasmCompile = WebAssemblyObject.compile;
  const wasmInstantiate = WebAssemblyObject.instantiate;
  const WasmModule = WebAssemblyObject.Module;
  // compile, instantiate and the streaming two answer with a promise,
  // and a refusal rejects it, as bytes that do not compile do: code that
  // falls back on JavaScript in a .catch() still does.
  const rejecting = (f) => ({
    [f.name](...args) {
      try {
        return ReflectApply(f, this, args);
      } catch (e) {
        return PromiseReject(PromiseCtor, e);
      }
    },
  })[f.name];
  define(WebAssemblyObject, 'compile', rejecting(function compile(bytes, ...rest) {
    return ReflectApply(wasmCompile, WebAssemblyObject, withRest([wasmGuard('WebAssembly.compile', bytes)], rest));
  }));
  // A Module compiled already runs as it is; anything else is compiled.
  // V8 tells them apart by what the object is, not by its prototype, which
  // the application can set (instanceof would take dressed-up bytes for a
  // Module): WebAssembly.Module.exports throws for anything but one.
  const wasmModuleExports = WasmModule.exports;
  const isWasmModule = (value) => {
    try {
      wasmModuleExports(value);
      return true;
    } catch {
      return false;
    }
  };
  define(WebAssemblyObject, 'instantiate', rejecting(function instantiate(source, ...rest) {
    const compiled = isWasmModule(source) ? source : wasmGuard('WebAssembly.instantiate', source);
    return ReflectApply(wasmInstantiate, WebAssemblyObject, withRest([compiled], rest));
  }));
  const Guarded = guardedConstructor(WasmModule, 'Module', (args) => {
    ObjectDefineProperty(args, 0, { __proto__: null, value: wasmGuard('WebAssembly.Module', args[0]), writable: true, enumerable: true, configurable: true });
    return args;
  });
  define(WebAssemblyObject, 'Module', Guarded);
  for (const name of ['compileStreaming', 'instantiateStreaming']) {
    if (typeof WebAssemblyObject[name] === 'function') {
      define(WebAssemblyObject, name, rejecting({ [name]() { refuseDynamic('WebAssembly.' + name); } }[name]));
    }
  }
}

module.syncBuiltinESMExports();

// The user's --require modules run now, after the hooks, as they would have
// run before any --import.
// Node runs them in workers too.
if (config.requires.length > 0) {
  const req = module.createRequire(process.cwd() + '/');
  for (let i = 0; i < config.requires.length; i++) req(config.requires[i]);
}

// Node ran the bootstrap as its main module (see the top): the script runs
// now, as node would have run it. Nothing of that module stays in sight:
// not in require.cache, not as process.mainModule (the script's module is,
// if it is CommonJS), not in process.argv. The script is found as node's
// resolveMainPath finds it (Module._findPath, after symbolic links: node
// had --preserve-symlinks-main only for the bootstrap's module, whose path
// has no real path), and run by node's own runMain, which picks the
// CommonJS or the ESM loader.
if (asMain) {
  delete Module._cache[mainModulePath];
  delete process.mainModule;
  ArraySplice(process.argv, 1, 1);
  const script = pathResolve(process.argv[1]);
  process.argv[1] = script;
  const found = Module._findPath(script, null, false);
  // Node resets RegExp's legacy statics before the main runs.
  RegExpPrototypeExec(/^/, '');
  Module.runMain(found || script);
}
