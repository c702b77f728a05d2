// minimist: argument parsing.
const parse = require('minimist');
console.log(parse(['-x', '3', '-y', '4', '-n5', '-abc', '--beep=boop', 'foo', 'bar', 'baz']));
console.log(parse(['--no-color', '--name', 'x', '--', '--not-a-flag'], { '--': true }));
console.log(parse(['-v', '-v', '--count', '2'], { boolean: ['v'], string: ['count'], alias: { v: 'verbose' } }));
console.log(parse(process.argv.slice(2)));
