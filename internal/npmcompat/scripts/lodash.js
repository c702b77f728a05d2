// lodash: collections, objects, strings, functions.
const _ = require('lodash');
const users = [
  { user: 'barney', age: 36, active: true },
  { user: 'fred', age: 40, active: false },
  { user: 'pebbles', age: 1, active: true },
];
console.log(_.sortBy(users, ['age']).map((u) => u.user));
console.log(_.groupBy([6.1, 4.2, 6.3], Math.floor));
console.log(_.chunk(['a', 'b', 'c', 'd', 'e'], 2));
console.log(_.merge({ a: [{ b: 2 }, { d: 4 }] }, { a: [{ c: 3 }, { e: 5 }] }));
console.log(_.cloneDeep({ d: new Date(0), r: /x/g, m: new Map([[1, 2]]) }));
console.log(_.camelCase('Foo Bar'), _.kebabCase('fooBar'), _.snakeCase('Foo Bar'), _.startCase('--foo-bar--'));
console.log(_.template('hello <%= user %>!')({ user: 'fred' }));
console.log(_.isEqual({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] }), _.isEqual([1], [2]));
console.log(_.debounce, _.uniqBy([2.1, 1.2, 2.3], Math.floor), _.range(0, 20, 5));
console.log(_.get({ a: [{ b: { c: 3 } }] }, 'a[0].b.c'), _.set({}, 'x.y[1].z', 1));
console.log(_.pick({ a: 1, b: '2', c: 3 }, ['a', 'c']), _.omit({ a: 1, b: '2', c: 3 }, ['a']));
console.log(_.zip(['a', 'b'], [1, 2], [true, false]), _.flattenDeep([1, [2, [3, [4]], 5]]));
console.log(_.memoize((n) => n * 2)(21), _.padStart('7', 3, '0'), _.escape('<a href="x">&</a>'));
