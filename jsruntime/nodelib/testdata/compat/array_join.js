// Array.prototype.join: arrays of strings are joined natively in one
// allocation, anything else by the engine; both must give V8's answers.
const out = [];
out.push([].join(), [''].join(), ['a'].join(), ['a', 'b', 'c'].join(), ['a', 'b'].join(undefined));
out.push(['a', null, undefined, 'b'].join('-'), ['a', , 'b', , ].join('+'), new Array(4).join('ab'));
out.push(['é', 'x', '😀'].join('ü'), ['x', 'y'].join(''), ['a', 'b'].join(0), ['a', 'b'].join({ toString: () => '|' }));
out.push([1, 'a', 2n, true, { toString: () => 'o' }].join(), [['a', 'b'], 'c'].join(';'), ['a', [null], [undefined, 'z']].join());
const withGetter = ['a', 'b', 'c'];
let reads = 0;
Object.defineProperty(withGetter, 1, { get() { reads++; return 'B'; } });
out.push(withGetter.join('.'), reads > 0);
const changing = ['a', 'b'];
let flip = false;
Object.defineProperty(changing, 0, { get() { flip = !flip; return flip ? 'str' : 7; } });
out.push(typeof changing.join('/'));
out.push(Array.prototype.join.call({ length: 2, 0: 'x', 1: 'y' }, '&'), Array.prototype.join.call('abc', '-'));
const long = Array.from({ length: 1000 }, (_, i) => 'p'.repeat(i % 50)).join('\n');
out.push(long.length, long.split('\n').length);
console.log(JSON.stringify(out));
