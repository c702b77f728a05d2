// yargs-parser: argument parsing with types, aliases, arrays.
const parser = require('yargs-parser');
console.log(parser(['--foo', '33', '--bar', 'baz', '-xvf', 'file.tar', 'pos1', '--no-color']));
console.log(parser('--name=ada --list a b c --n 5', { array: ['list'], number: ['n'], alias: { name: ['N'] } }));
console.log(parser.detailed(['--a.b.c', '1', '--count', '--count'], { count: ['count'] }).argv);
console.log(parser(['--camel-case-me', 'x', '--', 'rest']));
