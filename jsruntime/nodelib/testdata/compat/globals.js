// Globals: Buffer, URL, TextEncoder/TextDecoder, atob/btoa, structuredClone,
// Error.captureStackTrace; and node:os, node:tty, node:url, node:buffer.
const os = require('os');
const tty = require('tty');
const url = require('url');
const buffer = require('buffer');
console.log(btoa('hello'), atob('aGVsbG8='), btoa(''), atob(' aGk = '));
try { btoa('€'); } catch (e) { console.log(e.name); }
try { atob('***'); } catch (e) { console.log(e.name); }
const orig = { d: new Date(0), m: new Map([['k', { deep: [1] }]]), s: new Set([1]), r: /x/g, arr: [1, , 3], n: null };
orig.self = orig;
const clone = structuredClone(orig);
console.log(clone, clone !== orig, clone.self === clone, clone.m.get('k') !== orig.m.get('k'));
try { structuredClone(() => {}); } catch (e) { console.log(e.name); }
const target = {};
Error.captureStackTrace(target);
console.log(typeof target.stack, Object.keys(target), typeof Error.stackTraceLimit);
console.log(new TextEncoder().encode('hi'), typeof TextDecoder, typeof URL, typeof URLSearchParams);
console.log(require('util').TextEncoder === TextEncoder, buffer.Buffer === Buffer, require('node:buffer') === buffer);
console.log(os.EOL === '\n', os.platform(), os.type(), os.arch(), os.endianness(), os.homedir() === process.env.HOME);
console.log(typeof os.release(), typeof os.hostname(), os.tmpdir() === (process.env.TMPDIR || '/tmp').replace(/\/$/, ''), os.cpus().length > 0);
console.log(os.totalmem() > os.freemem(), os.freemem() > 0, typeof os.uptime(), os.loadavg().length, typeof os.userInfo().username, os.constants.signals.SIGTERM);
console.log(tty.isatty(-1), tty.isatty(99), tty.isatty(1.5), typeof tty.isatty(0));
console.log(url.fileURLToPath('file:///tmp/a%20b/c.txt'), url.pathToFileURL('/tmp/a b/#c?.txt').href);
try { url.fileURLToPath('http://x/y'); } catch (e) { console.log(e.code, e.message); }
try { url.fileURLToPath('file:///a%2Fb'); } catch (e) { console.log(e.code, e.message); }
const u = new URL('https://user:pw@example.com:8080/p/a/t/h?query=string&a=1#hash');
console.log(u.href, u.host, u.pathname, u.searchParams.get('a'), [...new URLSearchParams('x=1&y=2').keys()]);
const legacy = url.parse('http://user@host.com:8080/p/a?q=1#h');
console.log(legacy.protocol, legacy.auth, legacy.host, legacy.port, legacy.hostname, legacy.pathname, legacy.search, legacy.query, legacy.hash, legacy.path);
console.log([url.resolve('/one/two/three', 'four'), url.resolve('http://example.com/', '/one'), url.resolve('http://example.com/one', '/two'),
  url.resolve('http://example.com/a/b', '../c?x=1'), url.resolve('a/b', 'c'), url.resolve('http://x.com/a', 'https://y.com/b')]);
console.log(url.format({ protocol: 'https', hostname: 'example.com', pathname: '/x', query: { a: 1, b: 'two' } }));
const b = Buffer.from('hello world');
console.log(b, Buffer.isBuffer(b), Buffer.isBuffer(new Uint8Array(1)), Buffer.byteLength('€'), Buffer.isEncoding('utf8'), Buffer.isEncoding('nope'));
console.log(b.subarray(0, 5), b.slice(-5).toString(), b.indexOf('o'), b.lastIndexOf('o'), b.includes('wor'), b.indexOf(Buffer.from('zz')));
console.log(JSON.stringify(Buffer.from([1, 2])), Buffer.compare(Buffer.from('a'), Buffer.from('b')), Buffer.from('b').compare(Buffer.from('a')));
const dst = Buffer.alloc(4);
console.log(b.copy(dst, 1, 0, 2), dst, Buffer.alloc(3).fill('ab'), Buffer.allocUnsafe(2).length, Buffer.from('abcd').swap16().toString());
console.log(Buffer.alloc(60, 1), buffer.kMaxLength > 0, Buffer.concat([Buffer.from('a'), Buffer.from('b')]).toString(), Buffer.from('aGk=', 'base64').toString());
console.log([Buffer.from('x')], { buf: Buffer.from([255]) }, b.equals(Buffer.from('hello world')), b.toString('hex', 0, 2));
