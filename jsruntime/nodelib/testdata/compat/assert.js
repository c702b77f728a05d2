// node:assert: passing checks, and failing ones with Node's messages and codes.
const assert = require('assert');
const show = (fn) => {
  try {
    fn();
    console.log('passed');
  } catch (e) {
    console.log(JSON.stringify([e.name, e.code, e.message, e.operator, e.generatedMessage, e.actual === undefined ? 'undef' : typeof e.actual]));
  }
};
show(() => assert(true));
show(() => assert.ok(1));
show(() => assert.equal(1, '1'));
show(() => assert.deepEqual({ a: [1, 2] }, { a: ['1', 2] }));
show(() => assert.deepStrictEqual({ a: [1, { b: new Set([1]) }] }, { a: [1, { b: new Set([1]) }] }));
show(() => assert.notDeepStrictEqual({ a: 1 }, { a: 2 }));
show(() => assert.throws(() => { throw new TypeError('x'); }, TypeError));
show(() => assert.throws(() => { throw new Error('abc'); }, /b/));
show(() => assert.throws(() => { throw new Error('abc'); }, { message: 'abc' }));
show(() => assert.doesNotThrow(() => {}));
show(() => assert.match('abc', /b/));
show(() => assert.strict.equal(1, 1));
show(() => assert.strictEqual(1, 2));
show(() => assert.strictEqual('a', 'b'));
show(() => assert.strictEqual(1, '1'));
show(() => assert.strictEqual(1, 2, 'custom message'));
show(() => assert.equal(1, 2));
show(() => assert.notEqual(1, 1));
show(() => assert.notStrictEqual(1, 1));
show(() => assert(null, 'with message'));
show(() => assert.ok());
show(() => assert.deepStrictEqual({ a: 1 }, { a: 2 }));
show(() => assert.deepStrictEqual([1, 2, 3], [1, 2, 4]));
show(() => assert.deepEqual({ a: 1 }, { a: 2 }));
show(() => assert.notDeepStrictEqual({ a: 1 }, { a: 1 }));
show(() => assert.strictEqual({ a: 1 }, { a: 1 }));
show(() => assert.fail());
show(() => assert.fail('boom'));
show(() => assert.throws(() => {}));
show(() => assert.throws(() => { throw new Error('x'); }, /y/));
show(() => assert.throws(() => { throw new TypeError('x'); }, RangeError));
show(() => assert.throws(() => { throw new Error('x'); }, { message: 'y' }));
show(() => assert.doesNotThrow(() => { throw new Error('x'); }));
show(() => assert.match('abc', /x/));
show(() => assert.doesNotMatch('abc', /b/));
show(() => assert.ifError(null));
show(() => assert.ifError(new Error('if')));
show(() => assert.strict.equal(1, '1'));
show(() => assert.strict.deepEqual([1], ['1']));
console.log(new assert.AssertionError({ actual: 1, expected: 2, operator: 'strictEqual' }).message);
show(() => assert.fail('first', 'second'));
show(() => assert.fail('a', 'b', undefined, 'op'));
show(() => assert.ifError(new TypeError()));
show(() => assert.ifError({ constructor: null, message: '' }));
show(() => assert.doesNotThrow(() => { throw new Error('x'); }, (e) => e.message === 'x'));
show(() => assert.doesNotThrow(() => { throw new Error('x'); }, RangeError));
show(() => assert.throws(() => { throw null; }, { code: 'X' }));
{
  const tracker = new assert.CallTracker();
  const twice = tracker.calls(function twice() {}, 2);
  const once = tracker.calls(1);
  twice('a');
  console.log(tracker.report().map((r) => `${r.operator}: ${r.message}`), tracker.getCalls(twice));
  show(() => tracker.verify());
  once();
  show(() => tracker.verify());
  twice.call('this', 'b');
  show(() => tracker.verify());
  show(() => tracker.calls(() => {}, 0));
  show(() => tracker.calls(() => {}, '1'));
  show(() => tracker.getCalls(() => {}));
}
(async () => {
  await assert.rejects(Promise.reject(new Error('r')), /r/).then(() => console.log('rejects passed'));
  await assert.rejects(Promise.resolve(1)).catch((e) => console.log(e.code, e.message));
  await assert.doesNotReject(async () => 1).then(() => console.log('doesNotReject passed'));
  await assert.rejects(() => {}).catch((e) => console.log(e.code, e.message));
  await assert.rejects(() => new Map()).catch((e) => console.log(e.code, e.message));
  await assert.rejects('fail').catch((e) => console.log(e.code, e.message));
  await assert.doesNotReject(Promise.reject(new Error('no')), (e) => e.message === 'no').catch((e) => console.log(e.code, e.message));
})();

