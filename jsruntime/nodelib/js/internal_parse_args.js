'use strict';
// util.parseArgs: Node's command-line argument parser.

const { codedError, invalidArgType } = require('internal/errors');

const hasOwn = (o, k) => Object.prototype.hasOwnProperty.call(o, k);

function optionLabel(name, opt) {
  const short = opt && opt.short ? `-${opt.short}, ` : '';
  const value = opt && opt.type === 'string' ? ' <value>' : '';
  return `${short}--${name}${value}`;
}

function parseArgs(config = {}) {
  if (config === null || typeof config !== 'object') throw invalidArgType('config', 'Object', config);
  const args = config.args !== undefined ? config.args : defaultArgs();
  const options = config.options !== undefined ? config.options : {};
  const strict = config.strict !== undefined ? Boolean(config.strict) : true;
  const allowPositionals = config.allowPositionals !== undefined ? Boolean(config.allowPositionals) : !strict;
  const wantTokens = Boolean(config.tokens);
  if (!Array.isArray(args)) throw invalidArgType('args', 'Array', args);

  const shortToLong = {};
  for (const [name, opt] of Object.entries(options)) {
    if (opt === null || typeof opt !== 'object') throw invalidArgType(`options.${name}`, 'Object', opt);
    if (opt.type !== 'string' && opt.type !== 'boolean') {
      throw codedError(TypeError, 'ERR_INVALID_ARG_TYPE', `The "options.${name}.type" property must be ('string|boolean').${require('internal/inspect').describeReceived(opt.type)}`);
    }
    if (opt.short !== undefined) {
      if (typeof opt.short !== 'string' || opt.short.length !== 1) {
        throw codedError(TypeError, 'ERR_INVALID_ARG_VALUE', `The property 'options.${name}.short' must be a single character. Received ${require('internal/inspect').inspect(opt.short)}`);
      }
      shortToLong[opt.short] = name;
    }
  }

  // Tokenise.
  const tokens = [];
  let index = 0;
  while (index < args.length) {
    const arg = args[index];
    if (arg === '--') {
      tokens.push({ kind: 'option-terminator', index });
      for (let i = index + 1; i < args.length; i++) tokens.push({ kind: 'positional', index: i, value: args[i] });
      break;
    }
    if (arg.length > 1 && arg[0] === '-' && arg[1] !== '-') {
      // Short options: -f, -fVALUE, -abc.
      const letter = arg[1];
      const name = shortToLong[letter] !== undefined ? shortToLong[letter] : letter;
      const opt = options[name];
      const takesValue = opt !== undefined && opt.type === 'string';
      if (arg.length === 2) {
        let value;
        let consumed = 1;
        if (takesValue && index + 1 < args.length) {
          value = args[index + 1];
          consumed = 2;
        }
        tokens.push({ kind: 'option', name, rawName: arg, index, value, inlineValue: takesValue && consumed === 2 ? false : undefined });
        index += consumed;
        continue;
      }
      if (takesValue) {
        tokens.push({ kind: 'option', name, rawName: `-${letter}`, index, value: arg.slice(2), inlineValue: true });
        index++;
        continue;
      }
      // A group of short flags: expand in place.
      const expanded = [];
      for (let i = 1; i < arg.length; i++) {
        const l = arg[i];
        const n = shortToLong[l] !== undefined ? shortToLong[l] : l;
        const o = options[n];
        if (o !== undefined && o.type === 'string' && i + 1 < arg.length) {
          expanded.push({ kind: 'option', name: n, rawName: `-${l}`, index, value: arg.slice(i + 1), inlineValue: true });
          break;
        }
        if (o !== undefined && o.type === 'string') {
          let value;
          if (index + 1 < args.length) value = args[index + 1];
          expanded.push({ kind: 'option', name: n, rawName: `-${l}`, index, value, inlineValue: value === undefined ? undefined : false });
          if (value !== undefined) index++;
          break;
        }
        expanded.push({ kind: 'option', name: n, rawName: `-${l}`, index, value: undefined, inlineValue: undefined });
      }
      tokens.push(...expanded);
      index++;
      continue;
    }
    if (arg.startsWith('--') && arg.length > 2) {
      const eq = arg.indexOf('=');
      if (eq !== -1) {
        const name = arg.slice(2, eq);
        tokens.push({ kind: 'option', name, rawName: `--${name}`, index, value: arg.slice(eq + 1), inlineValue: true });
        index++;
        continue;
      }
      const name = arg.slice(2);
      const opt = options[name];
      if (opt !== undefined && opt.type === 'string' && index + 1 < args.length) {
        tokens.push({ kind: 'option', name, rawName: arg, index, value: args[index + 1], inlineValue: false });
        index += 2;
        continue;
      }
      tokens.push({ kind: 'option', name, rawName: arg, index, value: undefined, inlineValue: undefined });
      index++;
      continue;
    }
    tokens.push({ kind: 'positional', index, value: arg });
    index++;
  }

  const values = Object.create(null);
  const positionals = [];
  for (const token of tokens) {
    if (token.kind === 'positional') {
      if (!allowPositionals) {
        throw codedError(TypeError, 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL',
          `Unexpected argument '${token.value}'. This command does not take positional arguments`);
      }
      positionals.push(token.value);
      continue;
    }
    if (token.kind !== 'option') continue;
    const opt = options[token.name];
    if (strict) checkStrict(token, opt, allowPositionals);
    // A flag without a value (booleans, and unknown options when not
    // strict) is true.
    const value = token.value === undefined ? true : token.value;
    if (opt !== undefined && opt.multiple) {
      if (values[token.name] === undefined) values[token.name] = [];
      values[token.name].push(value);
    } else {
      values[token.name] = value;
    }
  }
  for (const [name, opt] of Object.entries(options)) {
    if (opt.default !== undefined && values[name] === undefined) values[name] = opt.default;
  }
  const result = { values, positionals };
  if (wantTokens) result.tokens = tokens;
  return result;
}

function checkStrict(token, opt, allowPositionals) {
  if (opt === undefined) {
    let msg = `Unknown option '${token.rawName}'`;
    if (allowPositionals) {
      msg += `. To specify a positional argument starting with a '-', place it at the end of the command after '--', as in '-- "${token.rawName}"`;
    }
    throw codedError(TypeError, 'ERR_PARSE_ARGS_UNKNOWN_OPTION', msg);
  }
  const label = optionLabel(token.name, opt);
  if (opt.type === 'string') {
    if (token.value === undefined) {
      throw codedError(TypeError, 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE', `Option '${label}' argument missing`);
    }
    if (!token.inlineValue && token.value.startsWith('-')) {
      const example = opt.short ? `'--${token.name}=-XYZ' or '-${opt.short}-XYZ'` : `'--${token.name}=-XYZ'`;
      const hint = token.rawName.startsWith('--') ? `'--${token.name}=-XYZ'` : example;
      throw codedError(TypeError, 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE',
        `Option '${token.rawName}' argument is ambiguous.\nDid you forget to specify the option argument for '${token.rawName}'?\nTo specify an option argument starting with a dash use ${hint}.`);
    }
  } else if (token.value !== undefined) {
    throw codedError(TypeError, 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE', `Option '${label.replace(' <value>', '')}' does not take an argument`);
  }
}

function defaultArgs() {
  if (typeof process === 'object' && process && Array.isArray(process.argv)) return process.argv.slice(2);
  return [];
}

module.exports = { parseArgs };
