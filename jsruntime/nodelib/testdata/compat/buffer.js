// Buffer: Node's readers and writers, from, toString, write, search,
// comparison, copying, swapping and inspection, and their errors.
const buffer = require('buffer');
const util = require('util');

const show = (fn) => {
  try {
    console.log(util.inspect(fn()));
  } catch (e) {
    console.log(`${e.name} ${e.code}: ${e.message}`);
  }
};

const b = Buffer.alloc(8);
show(() => [b.writeUInt32LE(0xdeadbeef), b.readUInt32BE(0), b.readInt32LE(0), b]);
show(() => [b.writeIntBE(-123456789012, 1, 6), b.readIntBE(1, 6), b.readUIntLE(1, 6)]);
show(() => [b.writeDoubleBE(Infinity), b.readDoubleBE(), b.writeFloatLE(-0.5, 4), b.readFloatLE(4)]);
show(() => [b.writeBigInt64LE(-(2n ** 63n)), b.readBigInt64LE(), b.readBigUInt64BE()]);
show(() => b.writeUInt32LE(2 ** 32));
show(() => b.writeInt16BE(-32769));
show(() => b.writeIntLE(2 ** 47, 0, 6));
show(() => b.writeBigUInt64LE(-1n));
show(() => b.writeBigInt64LE(1));
show(() => b.readUInt8(8));
show(() => b.readUIntLE(0, 7));
show(() => b.readUIntLE(0, 1.5));
show(() => b.writeInt8(1, 1.5));
show(() => Buffer.alloc(1).readInt16LE(0));
show(() => b.readFloatLE('0'));

show(() => Buffer.from({ type: 'Buffer', data: [1, 2, 300] }));
show(() => Buffer.from(new ArrayBuffer(4), 1, 2));
show(() => Buffer.from(new ArrayBuffer(4), 5));
show(() => Buffer.from({ [Symbol.toPrimitive]: () => 'hi' }));
show(() => Buffer.from(new String('str')));
show(() => Buffer.from(1));
show(() => Buffer.of(1, 2, 257));
show(() => Buffer.from('abc').map((x) => x + 1));
show(() => Buffer.from('aGVs bG8=\n', 'base64').toString());

const s = Buffer.from('abcdef');
show(() => [s.toString('ascii', 1, 3), s.toString(undefined, -1, 100), s.toString('hex', 4)]);
show(() => s.toString(null));
show(() => s.write(1));
show(() => Buffer.alloc(9).write('foo', -1));
show(() => [Buffer.alloc(3).write('ab', 0, 3, 'ucs2'), Buffer.alloc(4).write('€', 'utf8'), Buffer.alloc(2).write('€')]);

show(() => [s.indexOf('c'), s.indexOf('c', NaN), s.lastIndexOf('c', -5), s.indexOf(0x64), s.includes('ef', -2), s.indexOf('')]);
show(() => [Buffer.from('ff').indexOf(Buffer.from('f'), 1, 'ucs2'), Buffer.from('a\u0000b\u0000').indexOf('b', 'ucs2')]);
show(() => s.indexOf({}));
show(() => s.indexOf('a', 0, 'nope'));

show(() => [s.compare(Buffer.from('abd')), s.compare(Buffer.from('xbc'), 1, 3, 1, 3), Buffer.compare(s, s), s.equals(Buffer.from('abcdef'))]);
show(() => s.compare('abc'));
show(() => s.equals('abc'));
show(() => s.compare(s, -1));
const t = Buffer.alloc(4);
show(() => [s.copy(t, 1, 2), t]);
show(() => s.copy(t, -1));
show(() => s.copy(t, 0, 9));
show(() => Buffer.concat([Buffer.from('a'), new Uint8Array([98])], 4));
show(() => Buffer.concat([1]));
show(() => [Buffer.byteLength('héllo'), Buffer.byteLength('aGk=', 'base64'), Buffer.byteLength('abc', 'nope'), Buffer.byteLength('ab', 'ucs2')]);
show(() => Buffer.byteLength({}));

show(() => Buffer.from([1, 2, 3, 4, 5, 6, 7, 8]).swap16().swap32().swap64());
show(() => Buffer.from([1, 2, 3]).swap32());
show(() => [s.parent === s.buffer, s.offset === s.byteOffset]);
show(() => [buffer.isUtf8(Buffer.from('é')), buffer.isUtf8(Buffer.from([0xed, 0xa0, 0x80])), buffer.isAscii(Buffer.from('abc')), buffer.isAscii(Buffer.from('é'))]);
show(() => buffer.isUtf8('x'));

const i = Buffer.from('1234');
i.prop = 1;
show(() => i);
buffer.INSPECT_MAX_BYTES = 2;
show(() => Buffer.from('1234'));
show(() => { buffer.INSPECT_MAX_BYTES = -1; });
show(() => { buffer.INSPECT_MAX_BYTES = 'x'; });

for (const str of ['=bad', 'ab=cd', 'YWJj=ZGVm', 'YW Jj', 'YWJjZA==ZGVm', 'YQ', 'Y', 'YWJ=', '-_-_', 'YW\u00e9Jj']) {
  console.log(JSON.stringify(str), Buffer.from(str, 'base64').toString('hex'), Buffer.from(str, 'base64url').toString('hex'));
}
const nan = Buffer.alloc(24);
nan.writeDoubleBE(NaN, 0);
nan.writeDoubleLE(NaN, 8);
nan.writeFloatBE(NaN, 16);
nan.writeFloatLE(NaN, 20);
console.log(nan.toString('hex'));

show(() => Buffer.alloc(3).fill('zz', 'hex'));
show(() => Buffer.alloc(3).fill(new Uint8Array(0)));
show(() => [Buffer.alloc(3).fill(true), Buffer.alloc(3).fill(0x1ff), Buffer.alloc(3).fill('', 1), Buffer.alloc(3).fill({ valueOf() { return 65; } })]);
show(() => Buffer.alloc(3).fill('a', 'nope'));
show(() => [Buffer.alloc(3).fill('a', 2, 1), Buffer.alloc(3).fill('ab', 1, 'ucs2'), Buffer.alloc(3).fill(new Uint16Array([0x4142])), Buffer.alloc(5).fill('abc', 1)]);
show(() => Buffer.alloc(3).fill('a', 0, 4));
show(() => [Buffer.allocUnsafe(3.3).fill().toString(), Buffer.from('abc').inspect()]);

{
  const ab = new ArrayBuffer(4);
  new Uint8Array(ab)[0] = 7;
  const c = structuredClone({ a: ab }, { transfer: [ab] });
  console.log(ab.byteLength, c.a.byteLength, new Uint8Array(c.a)[0]);
  show(() => buffer.isUtf8(ab));
  show(() => buffer.isAscii(new ArrayBuffer(0)));
  show(() => structuredClone(1, { transfer: [{}] }));
  show(() => structuredClone(1, { transfer: 5 }));
}
