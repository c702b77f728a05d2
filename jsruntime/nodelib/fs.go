package nodelib

import (
	"crypto/rand"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/dop251/goja"
)

// fsBinding holds the open descriptors of one runtime. Files are kept here so
// the garbage collector does not close them behind the script's back.
type fsBinding struct {
	s     *libState
	files map[int]*os.File
}

// errnoInfo is how libuv names an OS error: its code, its (negative) errno
// number and its message.
type errnoInfo struct {
	code  string
	errno int
	desc  string
}

// uvError builds the Error Node's fs throws: "ENOENT: no such file or
// directory, open 'x'" with errno, code, syscall, path and dest properties.
func (b *fsBinding) uvError(err error, syscallName, path, dest string) *goja.Object {
	rt := b.s.rt
	info := errnoOf(err)
	msg := info.code + ": " + info.desc + ", " + syscallName
	if path != "" {
		msg += " '" + path + "'"
	}
	if dest != "" {
		msg += " -> '" + dest + "'"
	}
	ctor, _ := goja.AssertConstructor(rt.Get("Error"))
	e, cerr := ctor(nil, rt.ToValue(msg))
	if cerr != nil {
		panic(cerr)
	}
	e.Set("errno", info.errno)
	e.Set("code", info.code)
	e.Set("syscall", syscallName)
	if path != "" {
		e.Set("path", path)
	}
	if dest != "" {
		e.Set("dest", dest)
	}
	return e
}

// Errno describes err as libuv does: its code ("ENOENT"), its negative
// errno and its description ("no such file or directory"), for the errors
// the host's functions (process.chdir, process.kill) throw.
func Errno(err error) (code string, errno int, desc string) {
	info := errnoOf(err)
	return info.code, info.errno, info.desc
}

func errnoOf(err error) errnoInfo {
	var en syscall.Errno
	if errors.As(err, &en) {
		if info, ok := errnoTable[en]; ok {
			return info
		}
		return errnoInfo{code: "UNKNOWN", errno: -int(en), desc: en.Error()}
	}
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return errnoTable[syscall.ENOENT]
	case errors.Is(err, fs.ErrExist):
		return errnoTable[syscall.EEXIST]
	case errors.Is(err, fs.ErrPermission):
		return errnoTable[syscall.EACCES]
	}
	return errnoInfo{code: "UNKNOWN", errno: -4094, desc: err.Error()}
}

func (b *fsBinding) throw(err error, syscallName, path, dest string) {
	panic(b.s.rt.ToValue(b.uvError(err, syscallName, path, dest)))
}

func (b *fsBinding) file(fd int, syscallName string) *os.File {
	if f, ok := b.files[fd]; ok {
		return f
	}
	switch fd {
	case 0:
		return os.Stdin
	case 1:
		return os.Stdout
	case 2:
		return os.Stderr
	}
	b.throw(syscall.EBADF, syscallName, "", "")
	return nil
}

// Node's flag numbers are Linux's (fs.constants); osFlags maps the bits this
// runtime honours to the os package's, which differ on other systems.
var nodeOpenFlags = []struct{ node, os int }{
	{1, os.O_WRONLY}, {2, os.O_RDWR}, {64, os.O_CREATE}, {128, os.O_EXCL},
	{512, os.O_TRUNC}, {1024, os.O_APPEND}, {1052672, os.O_SYNC},
}

func osFlags(n int) int {
	fl := 0
	for _, f := range nodeOpenFlags {
		if n&f.node == f.node {
			fl |= f.os
		}
	}
	return fl | extraOpenFlags(n)
}

func (b *fsBinding) open(path string, flags, mode int) int {
	f, err := os.OpenFile(path, osFlags(flags), fs.FileMode(mode))
	if err != nil {
		b.throw(err, "open", path, "")
	}
	fd := int(f.Fd())
	b.files[fd] = f
	return fd
}

// readFile and readFd return the contents of a file as an ArrayBuffer, or,
// when it holds more than kIoMaxLength bytes, the size found as a number,
// for fs.js to throw Node's ERR_FS_FILE_TOO_LARGE.
func (b *fsBinding) readFile(path string, flags int) goja.Value {
	fd := b.open(path, flags, 0o666)
	defer b.close(fd)
	return b.readAll(b.files[fd])
}

func (b *fsBinding) readFd(fd int) goja.Value {
	return b.readAll(b.file(fd, "read"))
}

func (b *fsBinding) readAll(f *os.File) goja.Value {
	data, tooLarge, err := readBounded(f, kIoMaxLength)
	if err == errAllocation {
		panic(newError(b.s.rt, "RangeError", err.Error()))
	}
	if err != nil {
		b.throw(err, "read", "", "")
	}
	if tooLarge > 0 {
		return b.s.rt.ToValue(tooLarge)
	}
	return b.s.rt.ToValue(b.s.rt.NewArrayBuffer(data))
}

// errAllocation is V8's error when memory for an ArrayBuffer cannot be had.
var errAllocation = errors.New("Array buffer allocation failed")

// kIoMaxLength is Node's limit on what readFile reads (2 GiB - 1).
const kIoMaxLength = 1<<31 - 1

// readBounded reads f from its offset to its end. If it holds more than
// limit bytes it returns, instead of the contents, how many it holds: the
// size of a regular file, checked before reading, or the bytes read past
// the limit from a device, a pipe or a growing file (/dev/zero never ends,
// and reading it whole was a fatal out-of-memory crash). Memory is spent on
// at most limit bytes read, in chunks, and their copy once joined.
//
// If the memory the read needs cannot be allocated under the process's
// limit, it fails with errAllocation instead of crashing.
func readBounded(f *os.File, limit int64) (data []byte, tooLarge int64, err error) {
	if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() && fi.Size() > limit {
		return nil, fi.Size(), nil
	}
	var chunks [][]byte
	var total int64
	size := 64 << 10
	for {
		if !CanAllocate(int64(size)) {
			return nil, 0, errAllocation
		}
		chunk := make([]byte, size)
		n, err := io.ReadFull(f, chunk)
		chunks = append(chunks, chunk[:n])
		total += int64(n)
		if total > limit {
			return nil, total, nil
		}
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			break
		}
		if err != nil {
			return nil, 0, err
		}
		size = min(size*2, 64<<20)
	}
	if len(chunks) == 1 {
		return chunks[0], 0, nil
	}
	if !CanAllocate(total) {
		return nil, 0, errAllocation
	}
	data = make([]byte, 0, total)
	for _, c := range chunks {
		data = append(data, c...)
	}
	return data, 0, nil
}

func (b *fsBinding) writeFile(path string, data goja.Value, flags, mode int) {
	fd := b.open(path, flags, mode)
	defer b.close(fd)
	if _, err := b.files[fd].Write(bytesArg(b.s.rt, data)); err != nil {
		b.throw(err, "write", "", "")
	}
}

func (b *fsBinding) close(fd int) {
	f, ok := b.files[fd]
	if !ok {
		b.throw(syscall.EBADF, "close", "", "")
	}
	delete(b.files, fd)
	if err := f.Close(); err != nil {
		b.throw(err, "close", "", "")
	}
}

// read reads into buf[offset:offset+length] at position (-1: the current
// offset) and returns the number of bytes read; 0 means end of file.
func (b *fsBinding) read(fd int, buf goja.Value, offset, length int, position int64) int {
	f := b.file(fd, "read")
	p := bytesArg(b.s.rt, buf)
	if offset < 0 || length < 0 || offset > len(p) || length > len(p)-offset {
		panic(b.s.rt.NewTypeError("read: offset and length out of range"))
	}
	var n int
	var err error
	if position >= 0 {
		n, err = f.ReadAt(p[offset:offset+length], position)
	} else {
		n, err = f.Read(p[offset : offset+length])
	}
	if err != nil && err != io.EOF {
		b.throw(err, "read", "", "")
	}
	return n
}

func (b *fsBinding) write(fd int, data goja.Value, position int64) int {
	f := b.file(fd, "write")
	p := bytesArg(b.s.rt, data)
	var n int
	var err error
	if position >= 0 {
		n, err = f.WriteAt(p, position)
	} else {
		n, err = f.Write(p)
	}
	if err != nil {
		b.throw(err, "write", "", "")
	}
	return n
}

func (b *fsBinding) stat(path string, follow, throwIfMissing bool) goja.Value {
	name := "lstat"
	if follow {
		name = "stat"
	}
	st, err := statPath(path, follow)
	if err != nil {
		if !throwIfMissing && errors.Is(err, fs.ErrNotExist) {
			return goja.Undefined()
		}
		b.throw(err, name, path, "")
	}
	return b.s.rt.ToValue(st)
}

func (b *fsBinding) fstat(fd int) []float64 {
	st, err := statFile(b.file(fd, "fstat"))
	if err != nil {
		b.throw(err, "fstat", "", "")
	}
	return st
}

func msOf(t time.Time) float64 {
	return float64(t.UnixNano()) / 1e6
}

// readdir returns the names in path, sorted as libuv's scandir returns them,
// each with its type (see direntType) when withTypes.
func (b *fsBinding) readdir(path string, withTypes bool) goja.Value {
	entries, err := os.ReadDir(path)
	if err != nil {
		b.throw(err, "scandir", path, "")
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].Name() < entries[j].Name() })
	if !withTypes {
		names := make([]string, len(entries))
		for i, e := range entries {
			names[i] = e.Name()
		}
		return b.s.rt.ToValue(names)
	}
	out := make([]any, len(entries))
	for i, e := range entries {
		out[i] = []any{e.Name(), direntType(e.Type())}
	}
	return b.s.rt.ToValue(out)
}

// direntType is libuv's UV_DIRENT_* number for a file mode type.
func direntType(m fs.FileMode) int {
	switch {
	case m.IsRegular():
		return 1
	case m.IsDir():
		return 2
	case m&fs.ModeSymlink != 0:
		return 3
	case m&fs.ModeNamedPipe != 0:
		return 4
	case m&fs.ModeSocket != 0:
		return 5
	case m&fs.ModeCharDevice != 0:
		return 6
	case m&fs.ModeDevice != 0:
		return 7
	}
	return 0
}

// mkdir creates path; with recursive it creates parents and returns the
// first directory it created (undefined if none), as Node does.
func (b *fsBinding) mkdir(path string, recursive bool, mode int) goja.Value {
	if !recursive {
		if err := os.Mkdir(path, fs.FileMode(mode)); err != nil {
			b.throw(err, "mkdir", path, "")
		}
		return goja.Undefined()
	}
	first, err := mkdirp(path, fs.FileMode(mode), true)
	if err != nil {
		b.throw(err, "mkdir", path, "")
	}
	if first == "" {
		return goja.Undefined()
	}
	return b.s.rt.ToValue(first)
}

// mkdirp creates path and its missing parents as Node's MKDirpSync does: on
// the path as written, so "a/../b" creates a, and b within it. It returns
// the first directory it created. A file where a directory should be is
// EEXIST at path itself and ENOTDIR above it.
func mkdirp(path string, mode fs.FileMode, last bool) (string, error) {
	err := os.Mkdir(path, mode)
	switch {
	case err == nil:
		return path, nil
	case errors.Is(err, fs.ErrNotExist):
		parent := parentOf(path)
		if parent == "" || parent == path {
			return "", err
		}
		first, err := mkdirp(parent, mode, false)
		if err != nil {
			return "", err
		}
		if err := os.Mkdir(path, mode); err != nil && !errors.Is(err, fs.ErrExist) {
			return "", err
		}
		if first == "" {
			first = path
		}
		return first, nil
	}
	if fi, serr := os.Stat(path); serr == nil {
		if fi.IsDir() {
			return "", nil
		}
		if last {
			return "", syscall.EEXIST
		}
		return "", syscall.ENOTDIR
	}
	return "", err
}

// parentOf cuts path at its last separator without cleaning it (filepath.Dir
// would resolve "..").
func parentOf(path string) string {
	trimmed := strings.TrimRight(path, string(filepath.Separator)+"/")
	i := strings.LastIndexAny(trimmed, string(filepath.Separator)+"/")
	if i < 0 {
		return ""
	}
	if i == 0 {
		return trimmed[:1]
	}
	return trimmed[:i]
}

func (b *fsBinding) rm(path string, recursive, force bool) {
	fi, err := os.Lstat(path)
	if err != nil {
		if force && errors.Is(err, fs.ErrNotExist) {
			return
		}
		b.throw(err, "lstat", path, "")
	}
	if fi.IsDir() {
		if !recursive {
			// Node's rm reports a directory with its own error code.
			rt := b.s.rt
			ctor, _ := goja.AssertConstructor(rt.Get("Error"))
			e, cerr := ctor(nil, rt.ToValue("Path is a directory: rm returned EISDIR (is a directory) "+path))
			if cerr != nil {
				panic(cerr)
			}
			e.Set("code", "ERR_FS_EISDIR")
			e.Set("info", rt.ToValue(map[string]any{"code": "EISDIR", "message": "is a directory", "path": path, "syscall": "rm", "errno": int(syscall.EISDIR)}))
			e.Set("errno", int(syscall.EISDIR))
			e.Set("syscall", "rm")
			e.Set("path", path)
			panic(rt.ToValue(e))
		}
		if err := os.RemoveAll(path); err != nil {
			b.throw(err, "rm", path, "")
		}
		return
	}
	if err := os.Remove(path); err != nil {
		b.throw(err, "rm", path, "")
	}
}

func init() {
	natives["internal/fs"] = func(s *libState, module *goja.Object) {
		b := &fsBinding{s: s, files: map[int]*os.File{}}
		o := module.Get("exports").(*goja.Object)
		o.Set("open", b.open)
		o.Set("close", b.close)
		o.Set("read", b.read)
		o.Set("write", b.write)
		o.Set("readFile", b.readFile)
		o.Set("readFd", b.readFd)
		o.Set("writeFile", b.writeFile)
		o.Set("stat", b.stat)
		o.Set("fstat", b.fstat)
		o.Set("readdir", b.readdir)
		o.Set("mkdir", b.mkdir)
		o.Set("rm", b.rm)
		o.Set("rmdir", func(path string) {
			fi, err := os.Lstat(path)
			if err == nil && !fi.IsDir() {
				b.throw(syscall.ENOTDIR, "rmdir", path, "")
			}
			if err := syscallRmdir(path); err != nil {
				b.throw(err, "rmdir", path, "")
			}
		})
		o.Set("unlink", func(path string) {
			if fi, err := os.Lstat(path); err == nil && fi.IsDir() {
				b.throw(syscall.EISDIR, "unlink", path, "")
			}
			if err := os.Remove(path); err != nil {
				b.throw(err, "unlink", path, "")
			}
		})
		o.Set("rename", func(from, to string) {
			if err := os.Rename(from, to); err != nil {
				b.throw(err, "rename", from, to)
			}
		})
		o.Set("realpath", func(path string) string {
			if _, err := os.Lstat(path); err != nil {
				b.throw(err, "lstat", path, "")
			}
			abs, err := filepath.Abs(path)
			if err == nil {
				abs, err = filepath.EvalSymlinks(abs)
			}
			if err != nil {
				// EvalSymlinks' own errors (a cycle) carry no errno: the
				// kernel's stat names them (ELOOP).
				if _, serr := os.Stat(path); serr != nil {
					err = serr
				}
				b.throw(err, "realpath", path, "")
			}
			return abs
		})
		o.Set("access", func(path string, mode int) {
			if err := access(path, mode); err != nil {
				b.throw(err, "access", path, "")
			}
		})
		o.Set("copyFile", func(src, dst string, excl bool) {
			if err := copyFile(src, dst, excl); err != nil {
				b.throw(err, "copyfile", src, dst)
			}
		})
		o.Set("symlink", func(target, path string) {
			if err := os.Symlink(target, path); err != nil {
				b.throw(err, "symlink", target, path)
			}
		})
		o.Set("readlink", func(path string) string {
			t, err := os.Readlink(path)
			if err != nil {
				b.throw(err, "readlink", path, "")
			}
			return t
		})
		o.Set("chmod", func(path string, mode int) {
			if err := os.Chmod(path, fs.FileMode(mode)); err != nil {
				b.throw(err, "chmod", path, "")
			}
		})
		o.Set("utimes", func(path string, atime, mtime float64) {
			if err := os.Chtimes(path, time.UnixMilli(int64(atime*1000)), time.UnixMilli(int64(mtime*1000))); err != nil {
				b.throw(err, "utime", path, "")
			}
		})
		o.Set("truncate", func(path string, n int64) {
			if err := os.Truncate(path, n); err != nil {
				b.throw(err, "open", path, "")
			}
		})
		o.Set("ftruncate", func(fd int, n int64) {
			if err := b.file(fd, "ftruncate").Truncate(n); err != nil {
				b.throw(err, "ftruncate", "", "")
			}
		})
		o.Set("mkdtemp", func(prefix string) string {
			dir, err := mkdtemp(prefix)
			if err != nil {
				b.throw(err, "mkdtemp", prefix+"XXXXXX", "")
			}
			return dir
		})
		o.Set("watch", b.watch)
		o.Set("statfs", func(path string) []float64 {
			st, err := statfs(path)
			if err != nil {
				b.throw(err, "statfs", path, "")
			}
			return st
		})
		o.Set("link", func(from, to string) {
			if err := os.Link(from, to); err != nil {
				b.throw(err, "link", from, to)
			}
		})
		o.Set("chown", func(path string, uid, gid int) {
			if err := os.Chown(path, uid, gid); err != nil {
				b.throw(err, "chown", path, "")
			}
		})
		o.Set("lchown", func(path string, uid, gid int) {
			if err := os.Lchown(path, uid, gid); err != nil {
				b.throw(err, "lchown", path, "")
			}
		})
		o.Set("fchown", func(fd, uid, gid int) {
			if err := b.file(fd, "fchown").Chown(uid, gid); err != nil {
				b.throw(err, "fchown", "", "")
			}
		})
		o.Set("fchmod", func(fd, mode int) {
			if err := b.file(fd, "fchmod").Chmod(fs.FileMode(mode)); err != nil {
				b.throw(err, "fchmod", "", "")
			}
		})
		o.Set("fsync", func(fd int) {
			if err := b.file(fd, "fsync").Sync(); err != nil && !errors.Is(err, syscall.EINVAL) {
				b.throw(err, "fsync", "", "")
			}
		})
		o.Set("futimes", func(fd int, atime, mtime float64) {
			if err := futimes(b.file(fd, "futime"), atime, mtime); err != nil {
				b.throw(err, "futime", "", "")
			}
		})
		o.Set("lutimes", func(path string, atime, mtime float64) {
			if err := lutimes(path, atime, mtime); err != nil {
				b.throw(err, "lutime", path, "")
			}
		})
	}
}

// mkdtemp creates a directory named prefix and six random characters, as
// libuv's mkdtemp does.
func mkdtemp(prefix string) (string, error) {
	const chars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	var rnd [6]byte
	for range 100 {
		if _, err := rand.Read(rnd[:]); err != nil {
			return "", err
		}
		name := []byte(prefix)
		for _, c := range rnd {
			name = append(name, chars[int(c)%len(chars)])
		}
		err := os.Mkdir(string(name), 0o700)
		if err == nil {
			return string(name), nil
		}
		if !errors.Is(err, fs.ErrExist) {
			return "", err
		}
	}
	return "", syscall.EEXIST
}

func copyFile(src, dst string, excl bool) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	fi, err := in.Stat()
	if err != nil {
		return err
	}
	if fi.IsDir() {
		return syscall.EISDIR
	}
	flags := os.O_WRONLY | os.O_CREATE | os.O_TRUNC
	if excl {
		flags |= os.O_EXCL
	}
	out, err := os.OpenFile(dst, flags, fi.Mode().Perm())
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// portableStat fills Stats from what every OS's FileInfo offers.
func portableStat(fi fs.FileInfo) []float64 {
	mode := float64(fi.Mode().Perm())
	switch {
	case fi.Mode().IsRegular():
		mode += 0o100000
	case fi.IsDir():
		mode += 0o040000
	case fi.Mode()&fs.ModeSymlink != 0:
		mode += 0o120000
	}
	t := fi.ModTime()
	mt, sec, nsec := msOf(t), float64(t.Unix()), float64(t.Nanosecond())
	return []float64{0, mode, 1, 0, 0, 0, 4096, 0, float64(fi.Size()), 0, mt, mt, mt, mt, sec, nsec, sec, nsec, sec, nsec, sec, nsec}
}
