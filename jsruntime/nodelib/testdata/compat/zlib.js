const z = require('zlib');
const big = 'hello world '.repeat(1000);
for (const [c, d] of [['gzipSync', 'gunzipSync'], ['deflateSync', 'inflateSync'], ['deflateRawSync', 'inflateRawSync'], ['gzipSync', 'unzipSync'], ['deflateSync', 'unzipSync']]) {
  console.log(c, d, z[d](z[c](big)).toString() === big);
}
for (const bad of [() => z.gunzipSync(Buffer.from('hello')), () => z.inflateSync(Buffer.from('hello')), () => z.gunzipSync(z.gzipSync('abc').subarray(0, 10))]) {
  try { bad(); } catch (e) { console.log(e.message, e.code, e.errno); }
}
// One after the other: which of two asynchronous jobs ends first is up to
// the thread pool, in node as in goja.
const gz = z.createGzip(); const gun = z.createGunzip(); let s = '';
gun.on('data', (d) => { s += d; });
gun.on('end', () => {
  console.log('stream', s === big);
  z.gzip('abc', (err, buf) => z.gunzip(buf, (err2, out) => console.log('cb', err, err2, out.toString())));
});
gz.pipe(gun); gz.end(big);
console.log(z.constants.Z_BEST_COMPRESSION, z.codes.Z_DATA_ERROR, z.codes['-3']);
