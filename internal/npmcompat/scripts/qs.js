// qs: nested query strings.
const qs = require('qs');
console.log(qs.parse('a[b][c]=1&a[d][]=2&a[d][]=3&e=%E2%82%AC&f[0][g]=h'));
console.log(qs.stringify({ a: { b: [1, 2], c: 'x y' }, d: null, e: ['é'] }), qs.stringify({ a: [1, 2] }, { arrayFormat: 'brackets', encode: false }));
console.log(qs.parse('?x=1&y=true', { ignoreQueryPrefix: true }), qs.parse('a.b=c', { allowDots: true }));
