// acorn: parse JavaScript to an AST.
const acorn = require('acorn');
const ast = acorn.parse('function* f(a, b = 2) { for (const x of a) yield* x; } class A extends B { #p = 1; static m() {} }', { ecmaVersion: 2022, sourceType: 'module', allowAwaitOutsideFunction: true, allowReturnOutsideFunction: true });
console.log(ast.body.map((n) => n.type), ast.end);
console.log(JSON.stringify(ast.body[1], null, 1).length);
const tokens = [...acorn.tokenizer('let x = 1 + 2 // c', { ecmaVersion: 2020 })].map((t) => t.type.label);
console.log(tokens);
try { acorn.parse('let = ;', { ecmaVersion: 2020 }); } catch (e) { console.log(e.name, e.message, e.pos, e.loc); }
console.log(acorn.parse('a?.b ?? c', { ecmaVersion: 2020 }).body[0].expression);
