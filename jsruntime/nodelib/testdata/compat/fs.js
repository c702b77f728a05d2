// node:fs: sync, callback and promise APIs, Stats and Dirents, and errors
// shaped like Node's (paths under the temporary folder print as <tmp>).
const fs = require('fs');
const os = require('os');
const path = require('path');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nodelib-fs-'));
const rel = (s) => String(s).split(tmp).join('<tmp>');
const attempt = (label, fn) => {
  try {
    console.log(label, rel(JSON.stringify(fn())));
  } catch (e) {
    console.log(label, 'threw', rel(e.message), e.code, e.errno, e.syscall, rel(e.path), rel(e.dest), Object.keys(e));
  }
};
const f = path.join(tmp, 'a.txt');
fs.writeFileSync(f, 'héllo\n');
fs.appendFileSync(f, Buffer.from('world'));
attempt('read utf8', () => fs.readFileSync(f, 'utf8'));
attempt('read buffer', () => fs.readFileSync(f).length);
attempt('read opts', () => fs.readFileSync(f, { encoding: 'hex' }));
attempt('exists', () => [fs.existsSync(f), fs.existsSync(path.join(tmp, 'nope'))]);
const st = fs.statSync(f);
attempt('stat', () => [st.isFile(), st.isDirectory(), st.isSymbolicLink(), st.size, st.mtime instanceof Date, typeof st.mtimeMs, (st.mode & 0o777).toString(8)]);
fs.mkdirSync(path.join(tmp, 'd1/d2/d3'), { recursive: true });
attempt('mkdir recursive returns first', () => rel(fs.mkdirSync(path.join(tmp, 'm1/m2'), { recursive: true })));
attempt('mkdir recursive existing', () => fs.mkdirSync(path.join(tmp, 'm1'), { recursive: true }));
fs.writeFileSync(path.join(tmp, 'd1/b.json'), JSON.stringify({ x: 1 }));
fs.symlinkSync(f, path.join(tmp, 'link'));
attempt('lstat link', () => [fs.lstatSync(path.join(tmp, 'link')).isSymbolicLink(), fs.statSync(path.join(tmp, 'link')).isFile()]);
attempt('readlink', () => rel(fs.readlinkSync(path.join(tmp, 'link'))));
attempt('realpath', () => rel(fs.realpathSync(path.join(tmp, 'link'))));
attempt('readdir', () => fs.readdirSync(tmp));
attempt('readdir types', () => fs.readdirSync(tmp, { withFileTypes: true }).map((d) => [d.name, d.isFile(), d.isDirectory(), d.isSymbolicLink()]));
attempt('readdir recursive', () => fs.readdirSync(path.join(tmp, 'd1'), { recursive: true }).sort());
fs.copyFileSync(f, path.join(tmp, 'copy.txt'));
fs.renameSync(path.join(tmp, 'copy.txt'), path.join(tmp, 'moved.txt'));
attempt('copy+rename', () => fs.readFileSync(path.join(tmp, 'moved.txt'), 'utf8'));
const fd = fs.openSync(path.join(tmp, 'fd.bin'), 'w+');
attempt('writeSync', () => [fs.writeSync(fd, 'abcdef'), fs.writeSync(fd, Buffer.from('XY'), 0, 2, 1)]);
const buf = Buffer.alloc(4);
attempt('readSync', () => [fs.readSync(fd, buf, 0, 4, 0), buf.toString()]);
attempt('fstat', () => fs.fstatSync(fd).size);
fs.closeSync(fd);
attempt('access ok', () => fs.accessSync(f, fs.constants.R_OK));
fs.unlinkSync(path.join(tmp, 'moved.txt'));
// Errors
attempt('read missing', () => fs.readFileSync(path.join(tmp, 'missing.txt')));
attempt('read dir', () => fs.readFileSync(tmp));
attempt('stat missing', () => fs.statSync(path.join(tmp, 'missing')));
attempt('stat missing no throw', () => fs.statSync(path.join(tmp, 'missing'), { throwIfNoEntry: false }));
attempt('lstat missing', () => fs.lstatSync(path.join(tmp, 'missing')));
attempt('readdir missing', () => fs.readdirSync(path.join(tmp, 'missing')));
attempt('readdir file', () => fs.readdirSync(f));
attempt('mkdir exists', () => fs.mkdirSync(tmp));
attempt('mkdir no parent', () => fs.mkdirSync(path.join(tmp, 'x/y')));
attempt('rmdir missing', () => fs.rmdirSync(path.join(tmp, 'missing')));
attempt('rmdir not empty', () => fs.rmdirSync(path.join(tmp, 'd1')));
attempt('unlink dir', () => fs.unlinkSync(path.join(tmp, 'd1')));
attempt('unlink missing', () => fs.unlinkSync(path.join(tmp, 'missing')));
attempt('rename missing', () => fs.renameSync(path.join(tmp, 'missing'), path.join(tmp, 'other')));
attempt('copy missing', () => fs.copyFileSync(path.join(tmp, 'missing'), path.join(tmp, 'other')));
attempt('copy excl', () => fs.copyFileSync(f, f, fs.constants.COPYFILE_EXCL));
attempt('access missing', () => fs.accessSync(path.join(tmp, 'missing')));
attempt('realpath missing', () => fs.realpathSync(path.join(tmp, 'missing')));
attempt('open missing', () => fs.openSync(path.join(tmp, 'missing')));
attempt('open wx existing', () => fs.openSync(f, 'wx'));
attempt('write into missing dir', () => fs.writeFileSync(path.join(tmp, 'no/such/file'), 'x'));
attempt('rm dir without recursive', () => fs.rmSync(path.join(tmp, 'd1')));
attempt('rm missing', () => fs.rmSync(path.join(tmp, 'missing')));
attempt('rm missing force', () => fs.rmSync(path.join(tmp, 'missing'), { force: true }));
attempt('readSync bad fd', () => fs.readSync(9999, Buffer.alloc(1)));
attempt('closeSync bad fd', () => fs.closeSync(9999));
// Callbacks, then promises, then cleanup.
fs.readFile(f, 'utf8', (err, data) => {
  console.log('callback readFile', err, JSON.stringify(data));
  fs.stat(path.join(tmp, 'missing'), (err2) => {
    console.log('callback error', err2.code, rel(err2.message));
    (async () => {
      const p = fs.promises;
      await p.writeFile(path.join(tmp, 'p.txt'), 'promised');
      console.log('promises', await p.readFile(path.join(tmp, 'p.txt'), 'utf8'), (await p.stat(path.join(tmp, 'p.txt'))).size);
      await p.mkdir(path.join(tmp, 'pd/x'), { recursive: true });
      console.log('promises readdir', (await p.readdir(tmp)).length);
      await p.access(path.join(tmp, 'missing')).catch((e) => console.log('promises reject', e.code, rel(e.message)));
      await p.rm(path.join(tmp, 'pd'), { recursive: true });
      const fh = await p.open(path.join(tmp, 'p.txt'), 'r');
      console.log('filehandle', (await fh.readFile('utf8')), (await fh.stat()).size);
      await fh.close();
      await new Promise((resolve) => {
        const ws = fs.createWriteStream(path.join(tmp, 'stream.txt'));
        ws.write('line 1\n');
        ws.end('line 2\n', () => {
          let got = '';
          fs.createReadStream(path.join(tmp, 'stream.txt'), { encoding: 'utf8', highWaterMark: 4 })
            .on('data', (c) => { got += c; })
            .on('end', () => { console.log('streams', JSON.stringify(got), ws.bytesWritten); resolve(); });
        });
      });
      console.log('fs/promises is fs.promises', require('fs/promises') === fs.promises);
      fs.rmSync(tmp, { recursive: true, force: true });
      console.log('cleaned', fs.existsSync(tmp));
    })();
  });
});
// util.promisify's results are named as the operation, custom ones too.
console.log(['read', 'write', 'readv', 'writev', 'exists', 'stat'].map((n) => require('util').promisify(fs[n]).name).join());
