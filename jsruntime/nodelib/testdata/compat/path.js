// node:path, POSIX and Windows.
const path = require('path');
const p = path.posix;
const show = (label, v) => console.log(label, JSON.stringify(v));
for (const x of ['', '.', '/', '//', 'a/b/../c', '/a//b/./c/', '../../a', 'a/..', './', '/..', 'a/b/../../..']) show(`normalize(${x})`, p.normalize(x));
show('join', [p.join('/a', 'b', '../c', './d'), p.join('a', '', 'b/'), p.join(), p.join('', '')]);
show('resolve', [p.resolve('/a/b', './c'), p.resolve('/a/b', '/x', 'y'), p.resolve('/a', '..', '..')]);
show('resolve cwd', p.resolve('x') === p.join(process.cwd(), 'x'));
show('relative', [p.relative('/a/b/c', '/a/d'), p.relative('/a', '/a'), p.relative('/a/b', '/a/b/c/d'), p.relative('/', '/x')]);
for (const x of ['/a/b/c', '/a/b/c/', 'a', '/', '//a', 'a/b', '']) show(`dirname(${x})`, p.dirname(x));
for (const x of ['/a/b.txt', 'b.txt/', 'a', '/', '.bashrc', 'a.b.c', 'a.', '..', '...']) show(`basename/extname(${x})`, [p.basename(x), p.extname(x)]);
show('basename ext', [p.basename('/a/b.txt', '.txt'), p.basename('/a/b.txt', 'b.txt'), p.basename('a.js', 'js')]);
show('parse', [p.parse('/home/u/file.tar.gz'), p.parse('rel/x'), p.parse('/'), p.parse('noext')]);
show('format', [p.format({ dir: '/a', base: 'b.c' }), p.format({ root: '/', name: 'n', ext: 'e' }), p.format({ name: 'x', ext: '.y' })]);
show('isAbsolute', [p.isAbsolute('/x'), p.isAbsolute('x'), p.isAbsolute('')]);
show('sep', [p.sep, p.delimiter, path.win32.sep, path.win32.delimiter, path.posix === p, path === path.posix]);
const w = path.win32;
show('win32.normalize', [w.normalize('C:\\a\\..\\b\\.\\c'), w.normalize('C:/a/b/'), w.normalize('\\\\server\\share\\x\\..\\y'), w.normalize('a\\..\\..')]);
show('win32.join', [w.join('C:\\a', 'b', '..', 'c.txt'), w.join('a', 'b')]);
show('win32.isAbsolute', [w.isAbsolute('C:\\x'), w.isAbsolute('C:x'), w.isAbsolute('\\x'), w.isAbsolute('x')]);
show('win32.basename/dirname/extname', [w.basename('C:\\a\\b.txt'), w.dirname('C:\\a\\b.txt'), w.extname('C:\\a\\b.txt'), w.basename('C:\\a\\B.TXT', '.txt')]);
show('win32.parse', w.parse('C:\\dir\\file.ext'));
show('win32.resolve', [w.resolve('C:\\a', 'b'), w.resolve('C:\\a', 'D:\\b', 'c')]);
show('win32.relative', w.relative('C:\\a\\b', 'C:\\a\\c\\d'));
try { p.join(1); } catch (e) { console.log(e.name, e.code, e.message); }
try { p.basename(null); } catch (e) { console.log(e.code, e.message); }
