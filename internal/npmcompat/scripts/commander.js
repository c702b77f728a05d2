// commander: command-line programs (an EventEmitter subclass).
const { Command, Option } = require('commander');
const program = new Command();
program.name('tool').version('1.2.3').description('demo tool')
  .option('-d, --debug', 'output extra debugging')
  .option('-p, --pizza-type <type>', 'flavour of pizza', 'margherita')
  .addOption(new Option('-s, --size <size>', 'cup size').choices(['small', 'large']))
  .argument('<file>', 'input file')
  .argument('[rest...]', 'others')
  .exitOverride()
  .configureOutput({ writeOut: (s) => console.log('OUT:', s), writeErr: (s) => console.log('ERR:', s) });
program.action((file, rest, opts) => console.log('action', file, rest, opts));
program.parse(['node', 'tool', '-d', '--pizza-type', 'hawaii', '-s', 'large', 'in.txt', 'a', 'b']);
console.log(program.opts());
console.log(program.helpInformation());
try { program.parse(['node', 'tool', '-s', 'medium', 'x']); } catch (e) { console.log(e.code, e.exitCode); }
