// node:querystring and node:string_decoder.
const qs = require('querystring');
const { StringDecoder } = require('string_decoder');
console.log(qs.parse('a=1&b=2&a=3&c=&d&e=x%20y+z&%E2%82%AC=euro&bad=%E2%82'));
console.log(qs.parse('w:1;x:2', ';', ':'), qs.parse(''), qs.parse('a=1&a=2&a=3', null, null, { maxKeys: 2 }));
console.log(qs.stringify({ a: [1, 2], b: 'x y', c: true, d: null, e: undefined, f: 'é€', g: "!'()*~" }));
console.log(qs.stringify({ a: 1, b: 2 }, ';', ':'), qs.stringify('no'), qs.escape('a b&c/d?é'), qs.unescape('a%20b%zz'));
console.log(qs.encode === qs.stringify, qs.decode === qs.parse);
const euro = Buffer.from('€uro');
for (const enc of ['utf8', 'utf16le', 'base64', 'hex', 'latin1']) {
  const d = new StringDecoder(enc);
  const bytes = Buffer.from('h€llo wörld 😀', 'utf8');
  const src = enc === 'utf8' ? bytes : Buffer.from(bytes.toString(enc === 'latin1' ? 'latin1' : 'utf8'), enc === 'latin1' ? 'latin1' : enc === 'utf16le' ? 'utf16le' : 'utf8');
  let out = '';
  for (let i = 0; i < src.length; i++) out += d.write(src.subarray(i, i + 1));
  out += d.end();
  console.log(enc, JSON.stringify(out));
}
const d8 = new StringDecoder('utf8');
console.log(JSON.stringify([d8.write(euro.subarray(0, 2)), d8.write(euro.subarray(2)), d8.end(Buffer.from([0xe2]))]));
try { new StringDecoder('nope'); } catch (e) { console.log(e.code, e.message); }
