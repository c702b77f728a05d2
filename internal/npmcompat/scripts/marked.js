// marked: Markdown to HTML.
const { marked } = require('marked');
marked.setOptions({ mangle: false, headerIds: false });
console.log(marked.parse(`# Title

Some *emphasis*, **strong**, \`code\` and a [link](https://example.com "t").

- one
- two
  1. nested

| a | b |
|---|:-:|
| 1 | 2 |

\`\`\`js
const x = 1 < 2;
\`\`\`

> quote
`));
console.log(marked.lexer('Hello _world_').map((t) => t.type));
