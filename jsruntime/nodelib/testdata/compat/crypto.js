// node:crypto: digests, HMAC, random values.
const crypto = require('crypto');
for (const alg of ['md5', 'sha1', 'sha256', 'sha384', 'sha512', 'sha224', 'SHA256']) {
  console.log(alg, crypto.createHash(alg).update('hello ').update(Buffer.from('world')).digest('hex'));
}
console.log(crypto.createHash('sha256').update('').digest('base64'), crypto.createHash('sha1').update('x').digest().length);
console.log(crypto.createHash('md5').update('6869', 'hex').digest('hex'), crypto.createHash('sha256').update(new Uint8Array([1, 2])).digest('base64url'));
const h = crypto.createHash('sha256').update('part1');
const copy = h.copy();
console.log(h.update('a').digest('hex') === crypto.createHash('sha256').update('part1a').digest('hex'), copy.update('b').digest('hex').slice(0, 16));
console.log(crypto.createHmac('sha256', 'key').update('The quick brown fox jumps over the lazy dog').digest('hex'));
console.log(crypto.createHmac('sha1', Buffer.from('k')).update('m').digest('base64'), crypto.createHmac('md5', '').update('').digest('hex'));
try { crypto.createHash('nope'); } catch (e) { console.log(e.message); }
try { const d = crypto.createHash('sha1'); d.digest(); d.digest(); } catch (e) { console.log(e.code, e.message); }
try { crypto.createHmac('sha256'); } catch (e) { console.log(e.code); }
const r = crypto.randomBytes(16);
console.log(Buffer.isBuffer(r), r.length, crypto.randomBytes(0).length);
const uuids = new Set(Array.from({ length: 50 }, () => crypto.randomUUID()));
console.log(uuids.size, [...uuids].every((u) => /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(u)));
const ints = Array.from({ length: 200 }, () => crypto.randomInt(5, 10));
console.log(ints.every((n) => Number.isInteger(n) && n >= 5 && n < 10), new Set(ints).size, crypto.randomInt(1) === 0);
try { crypto.randomInt(10, 5); } catch (e) { console.log(e.code, e.message); }
try { crypto.randomBytes(-1); } catch (e) { console.log(e.code, e.message); }
console.log(crypto.timingSafeEqual(Buffer.from('abc'), Buffer.from('abc')), crypto.timingSafeEqual(Buffer.from('abc'), Buffer.from('abd')));
try { crypto.timingSafeEqual(Buffer.from('a'), Buffer.from('ab')); } catch (e) { console.log(e.code, e.message); }
const arr = crypto.getRandomValues(new Uint32Array(4));
console.log(arr.length, arr instanceof Uint32Array, crypto.webcrypto.getRandomValues(new Uint8Array(8)).length);
try { crypto.getRandomValues(new Float64Array(1)); } catch (e) { console.log(e.name); }
console.log(crypto.getHashes().includes('sha256'));
crypto.randomBytes(4, (err, buf) => console.log('async randomBytes', err, buf.length));
