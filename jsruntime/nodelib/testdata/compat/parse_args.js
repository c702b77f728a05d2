// util.parseArgs
const { parseArgs } = require('util');
const t = (c) => {
  try {
    console.log(JSON.stringify(parseArgs(c)));
  } catch (e) {
    console.log(e.code, JSON.stringify(e.message));
  }
};
const options = { foo: { type: 'string', short: 'f' }, bar: { type: 'boolean', short: 'b' }, list: { type: 'string', multiple: true }, d: { type: 'string', default: 'dv' } };
t({ args: ['-f', 'x', '--bar', '--list', 'a', '--list=b', 'pos'], options, allowPositionals: true });
t({ args: ['--unknown'], options });
t({ args: ['--unknown'], options, allowPositionals: true });
t({ args: ['-u'], options });
t({ args: ['pos'], options });
t({ args: ['--bar=1'], options });
t({ args: ['--foo'], options });
t({ args: ['-f'], options });
t({ args: ['--foo', '-b'], options });
t({ args: ['-f', '--x'], options });
t({ args: ['-bfval'], options });
t({ args: ['-fb'], options });
t({ args: ['--', '--foo'], options, allowPositionals: true });
t({ args: ['-bb', '--no-bar', 'x', '--free=v'], options, strict: false });
t({ args: ['-f', 'x', '--', 'y'], options, tokens: true, allowPositionals: true });
t({ args: ['-bf', 'v', '--bar'], options, tokens: true });
t({ args: ['--foo=', '-f='], options });
t({ args: ['--list', 'one'], options: { list: { type: 'string', multiple: true, default: ['z'] } } });
t({ args: [], options: { x: { type: 'number' } } });
console.log(parseArgs({ args: ['--bar'], options }).values);
