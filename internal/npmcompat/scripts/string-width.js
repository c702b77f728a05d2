// string-width: display width of strings (emoji, East Asian wide, ANSI codes).
const stringWidth = require('string-width');
console.log(['abc', '古池や', '\u001B[1mbold\u001B[22m', '👍🏽', 'é', ''].map((s) => stringWidth(s)));
