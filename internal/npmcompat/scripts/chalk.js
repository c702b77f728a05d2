// chalk: terminal styling; with no terminal and FORCE_COLOR unset it detects no color support.
const chalk = require('chalk');
console.log(chalk.supportsColor, chalk.level);
console.log(chalk.red('red'), chalk.bold.underline('bold'), chalk`{green ok}`);
const forced = new chalk.Instance({ level: 1 });
console.log(JSON.stringify(forced.red.bold('x')), JSON.stringify(forced.bgBlue.white('y')), JSON.stringify(forced.hex('#ff0000')('z')));
