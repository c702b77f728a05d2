// node:readline over a stream: lines split on \n, \r\n and \r (also across
// chunks), questions, prompts, close.
const readline = require('readline');
const { PassThrough } = require('stream');
const input = new PassThrough();
const out = [];
const output = { write: (s) => { out.push(s); return true; } };
const rl = readline.createInterface({ input, output });
const lines = [];
rl.on('line', (l) => lines.push(l));
rl.on('close', () => {
  console.log(JSON.stringify(lines), JSON.stringify(out));
  const input2 = new PassThrough();
  const rl2 = readline.createInterface({ input: input2, output, prompt: '$ ' });
  rl2.question('name? ', (answer) => {
    console.log('answer:', answer, rl2.getPrompt());
    rl2.setPrompt('# ');
    rl2.prompt();
    rl2.on('line', (l) => { console.log('line after question:', l); rl2.close(); });
    rl2.on('close', () => {
      console.log('closed', JSON.stringify(out.slice(-2)));
      const rlp = require('readline/promises').createInterface({ input: new PassThrough(), output });
      console.log(typeof rlp.question('q').then, typeof readline.cursorTo, typeof readline.clearLine);
      rlp.close();
    });
    input2.write('second\n');
  });
  input2.write('ada\n');
});
input.write('one\ntwo\r\nthr');
input.write('ee\rfour\r');
input.write('\nfive\n\nsix é');
input.end();
