'use strict';
// util.inspect.colors and util.inspect.styles, Node's tables of ANSI style
// codes, and util.styleText, which uses them (eslint's formatters do).

const { codedError, invalidArgType } = require('internal/errors');

const colors = Object.assign(Object.create(null), {
  reset: [0, 0], bold: [1, 22], dim: [2, 22], italic: [3, 23], underline: [4, 24], blink: [5, 25],
  inverse: [7, 27], hidden: [8, 28], strikethrough: [9, 29], doubleunderline: [21, 24],
  black: [30, 39], red: [31, 39], green: [32, 39], yellow: [33, 39], blue: [34, 39], magenta: [35, 39],
  cyan: [36, 39], white: [37, 39], bgBlack: [40, 49], bgRed: [41, 49], bgGreen: [42, 49],
  bgYellow: [43, 49], bgBlue: [44, 49], bgMagenta: [45, 49], bgCyan: [46, 49], bgWhite: [47, 49],
  framed: [51, 54], overlined: [53, 55], gray: [90, 39], redBright: [91, 39], greenBright: [92, 39],
  yellowBright: [93, 39], blueBright: [94, 39], magentaBright: [95, 39], cyanBright: [96, 39],
  whiteBright: [97, 39], bgGray: [100, 49], bgRedBright: [101, 49], bgGreenBright: [102, 49],
  bgYellowBright: [103, 49], bgBlueBright: [104, 49], bgMagentaBright: [105, 49], bgCyanBright: [106, 49],
  bgWhiteBright: [107, 49],
});

// Aliases are non-enumerable accessors, as in Node.
function defineColorAlias(target, alias) {
  Object.defineProperty(colors, alias, {
    get() { return this[target]; },
    set(value) { this[target] = value; },
    configurable: true,
    enumerable: false,
  });
}
defineColorAlias('gray', 'grey');
defineColorAlias('gray', 'blackBright');
defineColorAlias('bgGray', 'bgGrey');
defineColorAlias('bgGray', 'bgBlackBright');
defineColorAlias('dim', 'faint');
defineColorAlias('strikethrough', 'crossedout');
defineColorAlias('strikethrough', 'strikeThrough');
defineColorAlias('strikethrough', 'crossedOut');
defineColorAlias('hidden', 'conceal');
defineColorAlias('inverse', 'swapColors');
defineColorAlias('inverse', 'swapcolors');
defineColorAlias('doubleunderline', 'doubleUnderline');

const styles = Object.assign(Object.create(null), {
  special: 'cyan', number: 'yellow', bigint: 'yellow', boolean: 'yellow', undefined: 'grey',
  null: 'bold', string: 'green', symbol: 'green', date: 'magenta', regexp: 'red', module: 'underline',
});

function unknownFormat(key) {
  const list = Object.keys(colors).map((k) => `'${k}'`).join(', ');
  return codedError(TypeError, 'ERR_INVALID_ARG_VALUE',
    `The argument 'format' must be one of: ${list}. Received ${require('internal/inspect').inspect(key)}`);
}

function shouldColorize(stream) {
  // FORCE_COLOR decides as tty's getColorDepth does: '', 1, true, 2 and
  // 3 give more than two colours, anything else two.
  const force = process.env.FORCE_COLOR;
  if (force !== undefined) return ['', '1', 'true', '2', '3'].includes(force);
  return Boolean(stream && stream.isTTY && (typeof stream.getColorDepth === 'function' ? stream.getColorDepth() > 2 : true));
}

const escape = (code) => `\u001b[${code}m`;

// styleText is Node 20.20's, quirks included: a list of formats is applied
// whatever the stream, a single format only where the stream takes colours.
function styleText(format, text, { validateStream = true, stream = process.stdout } = {}) {
  if (typeof text !== 'string') throw invalidArgType('text', 'of type string', text);
  if (typeof validateStream !== 'boolean') throw invalidArgType('options.validateStream', 'of type boolean', validateStream);
  if (validateStream && (stream === null || typeof stream !== 'object' ||
      (typeof stream.pipe !== 'function' && typeof stream.write !== 'function' && typeof stream.getReader !== 'function'))) {
    throw invalidArgType('stream', ['ReadableStream', 'WritableStream', 'Stream'], stream);
  }
  if (Array.isArray(format)) {
    let left = '';
    let right = '';
    for (const key of format) {
      const codes = colors[key];
      if (codes == null) throw unknownFormat(key);
      left += escape(codes[0]);
      right = `${escape(codes[1])}${right}`;
    }
    return `${left}${text}${right}`;
  }
  const codes = colors[format];
  if (codes == null) throw unknownFormat(format);
  if (validateStream && (!stream || !shouldColorize(stream))) return text;
  return `${escape(codes[0])}${text}${escape(codes[1])}`;
}

module.exports = { colors, styles, styleText };
