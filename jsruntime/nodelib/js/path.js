'use strict';
// node:path, POSIX and Windows flavours. The module itself is the flavour of
// the host OS.

const { invalidArgType } = require('internal/errors');
const osBinding = internalBinding('os');

function assertPath(p, name = 'path') {
  if (typeof p !== 'string') throw invalidArgType(name, 'string', p);
}

function cwd() {
  if (typeof process === 'object' && process && typeof process.cwd === 'function') return process.cwd();
  return osBinding.cwd();
}

// normalizeSegments resolves "." and ".." in a path split on separators.
function normalizeSegments(parts, allowAboveRoot) {
  const out = [];
  for (const p of parts) {
    if (p === '' || p === '.') continue;
    if (p === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
      else if (allowAboveRoot) out.push('..');
    } else {
      out.push(p);
    }
  }
  return out;
}

const posix = {
  sep: '/',
  delimiter: ':',
  resolve(...args) {
    let resolved = '';
    let absolute = false;
    for (let i = args.length - 1; i >= -1 && !absolute; i--) {
      const p = i >= 0 ? args[i] : cwd();
      assertPath(p, `paths[${i}]`);
      if (p === '') continue;
      resolved = `${p}/${resolved}`;
      absolute = p[0] === '/';
    }
    const norm = normalizeSegments(resolved.split('/'), !absolute).join('/');
    if (absolute) return `/${norm}`;
    return norm.length > 0 ? norm : '.';
  },
  normalize(p) {
    assertPath(p);
    if (p === '') return '.';
    const absolute = p[0] === '/';
    const trailing = p[p.length - 1] === '/';
    let out = normalizeSegments(p.split('/'), !absolute).join('/');
    if (out === '' && !absolute) out = '.';
    if (out !== '' && trailing) out += '/';
    return absolute ? `/${out}` : out;
  },
  isAbsolute(p) {
    assertPath(p);
    return p.length > 0 && p[0] === '/';
  },
  join(...args) {
    if (args.length === 0) return '.';
    const parts = [];
    for (const a of args) {
      assertPath(a);
      if (a !== '') parts.push(a);
    }
    if (parts.length === 0) return '.';
    return posix.normalize(parts.join('/'));
  },
  relative(from, to) {
    assertPath(from, 'from');
    assertPath(to, 'to');
    if (from === to) return '';
    from = posix.resolve(from);
    to = posix.resolve(to);
    if (from === to) return '';
    const f = from.split('/').filter(Boolean);
    const t = to.split('/').filter(Boolean);
    let i = 0;
    while (i < f.length && i < t.length && f[i] === t[i]) i++;
    return [...f.slice(i).map(() => '..'), ...t.slice(i)].join('/');
  },
  toNamespacedPath(p) { return p; },
  dirname(p) {
    assertPath(p);
    if (p.length === 0) return '.';
    const absolute = p[0] === '/';
    let end = -1;
    let matchedSlash = true;
    for (let i = p.length - 1; i >= 1; i--) {
      if (p[i] === '/') {
        if (!matchedSlash) { end = i; break; }
      } else {
        matchedSlash = false;
      }
    }
    if (end === -1) return absolute ? '/' : '.';
    if (absolute && end === 1) return '//';
    return p.slice(0, end);
  },
  basename(p, ext) {
    if (ext !== undefined) assertPath(ext, 'ext');
    assertPath(p);
    let end = p.length;
    while (end > 0 && p[end - 1] === '/') end--;
    if (end === 0) return '';
    let start = p.lastIndexOf('/', end - 1) + 1;
    let base = p.slice(start, end);
    if (ext !== undefined && ext.length > 0 && base !== ext && base.endsWith(ext)) {
      base = base.slice(0, base.length - ext.length);
    }
    return base;
  },
  extname(p) {
    assertPath(p);
    const base = posix.basename(p);
    const dot = base.lastIndexOf('.');
    if (dot <= 0) {
      return '';
    }
    if (base === '..') return '';
    // "name." ends with a dot: the extension is "." unless the name is all dots
    return base.slice(dot);
  },
  format(obj) {
    if (obj === null || typeof obj !== 'object') throw invalidArgType('pathObject', 'Object', obj);
    return formatPath('/', obj);
  },
  parse(p) {
    assertPath(p);
    const ret = { root: '', dir: '', base: '', ext: '', name: '' };
    if (p.length === 0) return ret;
    if (p[0] === '/') ret.root = '/';
    let end = p.length;
    while (end > 1 && p[end - 1] === '/') end--;
    const trimmed = p.slice(0, end);
    if (trimmed === '/') { ret.dir = '/'; return ret; }
    ret.base = posix.basename(trimmed);
    ret.ext = posix.extname(trimmed);
    ret.name = ret.ext ? ret.base.slice(0, ret.base.length - ret.ext.length) : ret.base;
    const slash = trimmed.lastIndexOf('/');
    if (slash === 0) ret.dir = '/';
    else if (slash > 0) ret.dir = trimmed.slice(0, slash);
    return ret;
  },
  matchesGlob: undefined,
};
delete posix.matchesGlob;

function formatPath(sep, obj) {
  const dir = obj.dir || obj.root;
  const base = obj.base || `${obj.name || ''}${obj.ext ? (obj.ext[0] === '.' ? '' : '.') + obj.ext : ''}`;
  if (!dir) return base;
  return dir === obj.root ? `${dir}${base}` : `${dir}${sep}${base}`;
}

// Windows paths: drive letters, UNC roots, both separators.
const isSep = (c) => c === '/' || c === '\\';

function winSplitRoot(p) {
  // Returns [root, rest, absolute].
  if (p.length >= 2 && /[a-zA-Z]/.test(p[0]) && p[1] === ':') {
    if (p.length >= 3 && isSep(p[2])) return [`${p.slice(0, 2)}\\`, p.slice(3), true];
    return [p.slice(0, 2), p.slice(2), false];
  }
  if (p.length >= 2 && isSep(p[0]) && isSep(p[1])) {
    const m = /^[\\/]{2}([^\\/]+)[\\/]+([^\\/]+)(?:[\\/]|$)/.exec(p);
    if (m) return [`\\\\${m[1]}\\${m[2]}\\`, p.slice(m[0].length), true];
  }
  if (p.length >= 1 && isSep(p[0])) return ['\\', p.slice(1), true];
  return ['', p, false];
}

const win32 = {
  sep: '\\',
  delimiter: ';',
  normalize(p) {
    assertPath(p);
    if (p === '') return '.';
    const [root, rest, absolute] = winSplitRoot(p);
    const trailing = isSep(p[p.length - 1]) && rest.length > 0;
    let out = normalizeSegments(rest.split(/[\\/]/), !absolute).join('\\');
    if (out === '' && !absolute) out = '.';
    if (out !== '' && trailing) out += '\\';
    return root + out;
  },
  isAbsolute(p) {
    assertPath(p);
    return winSplitRoot(p)[2] || (p.length > 0 && isSep(p[0]));
  },
  join(...args) {
    const parts = args.filter((a) => { assertPath(a); return a !== ''; });
    if (parts.length === 0) return '.';
    return win32.normalize(parts.join('\\'));
  },
  resolve(...args) {
    let device = '';
    let tail = '';
    let absolute = false;
    for (let i = args.length - 1; i >= -1; i--) {
      let p = i >= 0 ? args[i] : cwd();
      if (i >= 0) assertPath(p, `paths[${i}]`);
      if (p === '') continue;
      const [root, rest, abs] = winSplitRoot(p);
      const dev = root.replace(/\\$/, '');
      if (device && dev && /^[a-zA-Z]:$/.test(dev) && dev.toLowerCase() !== device.toLowerCase()) continue;
      if (!device && dev && dev !== '') device = dev;
      if (!absolute) {
        tail = `${rest}\\${tail}`;
        absolute = abs;
      }
      if (absolute && device) break;
    }
    const norm = normalizeSegments(tail.split(/[\\/]/), !absolute).join('\\');
    return (device + (absolute ? '\\' : '') + norm) || '.';
  },
  relative(from, to) {
    from = win32.resolve(from);
    to = win32.resolve(to);
    if (from.toLowerCase() === to.toLowerCase()) return '';
    const f = from.split('\\').filter(Boolean);
    const t = to.split('\\').filter(Boolean);
    let i = 0;
    while (i < f.length && i < t.length && f[i].toLowerCase() === t[i].toLowerCase()) i++;
    if (i === 0) return to;
    return [...f.slice(i).map(() => '..'), ...t.slice(i)].join('\\');
  },
  toNamespacedPath(p) { return p; },
  dirname(p) {
    assertPath(p);
    const [root, rest] = winSplitRoot(p);
    const trimmed = rest.replace(/[\\/]+$/, '');
    const i = Math.max(trimmed.lastIndexOf('/'), trimmed.lastIndexOf('\\'));
    if (i === -1) return root || '.';
    return root + trimmed.slice(0, i);
  },
  basename(p, ext) {
    assertPath(p);
    const rest = winSplitRoot(p)[1].replace(/[\\/]+$/, '');
    let base = rest.slice(Math.max(rest.lastIndexOf('/'), rest.lastIndexOf('\\')) + 1);
    if (ext !== undefined && ext.length > 0 && base !== ext && base.endsWith(ext)) {
      base = base.slice(0, base.length - ext.length);
    }
    return base;
  },
  extname(p) {
    const base = win32.basename(p);
    const dot = base.lastIndexOf('.');
    if (dot <= 0 || base === '..') return '';
    return base.slice(dot);
  },
  format(obj) {
    if (obj === null || typeof obj !== 'object') throw invalidArgType('pathObject', 'Object', obj);
    return formatPath('\\', obj);
  },
  parse(p) {
    assertPath(p);
    const ret = { root: '', dir: '', base: '', ext: '', name: '' };
    if (p === '') return ret;
    ret.root = winSplitRoot(p)[0];
    ret.base = win32.basename(p);
    ret.ext = win32.extname(p);
    ret.name = ret.ext ? ret.base.slice(0, ret.base.length - ret.ext.length) : ret.base;
    ret.dir = ret.base ? win32.dirname(p) : ret.root;
    if (ret.dir === '.' && ret.root === '') ret.dir = '';
    return ret;
  },
};

posix.posix = win32.posix = posix;
posix.win32 = win32.win32 = win32;

module.exports = osBinding.platform() === 'win32' ? win32 : posix;
