package jsruntime

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/dop251/goja"
	"github.com/dop251/goja/file"
	"github.com/dop251/goja/parser"
	"github.com/intactdev/intact"
)

// The module loader. Every file that becomes code is read by one call to
// Policy.ReadCode, and exactly the bytes it returns are compiled: there is
// no cache of compiled code, so a file loaded again (after `delete
// require.cache[f]`) is checked again. Loaded modules live in require.cache
// as in Node; a module whose check or evaluation fails is not cached.

// The function every CommonJS module body is compiled into. The last two
// parameters serve ES module syntax converted to CommonJS: import.meta.url,
// and the require with "import" conditions behind import().
const (
	wrapperHead = "(function (exports, require, module, __filename, __dirname, __intact_import_meta_url, __intact_import) { "
	wrapperTail = "\n})"
	// An ES module has no __filename or __dirname and may declare its
	// own (prettier's do): converted, it gets them under other names, of
	// the same length so that columns on the first line shift alike.
	esmWrapperHead = "(function (exports, require, module, __esm_file, __esm_dir, __intact_import_meta_url, __intact_import) { "
)

// requireFrom is require(request) called from the module object parent.
// esm selects the "import" conditions of package exports, for ES modules.
func (r *Runtime) requireFrom(parent *goja.Object, request string, esm bool) goja.Value {
	if strings.HasPrefix(request, "node:") {
		if !isBuiltin(request) {
			r.throw(&nodeError{Code: "ERR_UNKNOWN_BUILTIN_MODULE", Message: "No such built-in module: " + request})
		}
		return r.requireBuiltin(request)
	}
	if isBuiltin(request) {
		// As in Node, require.cache can stand in for a built-in required
		// without the node: prefix.
		if cached, ok := r.js.cache.Get(request).(*goja.Object); ok {
			return cached.Get("exports")
		}
		return r.requireBuiltin(request)
	}
	if esm && strings.HasPrefix(request, "file:") {
		// import() takes file: URLs (eslint imports its config with a
		// query that defeats Node's cache). The module is the file; a
		// query or fragment does not make another instance here.
		p, err := fileURLPath(request)
		if err != nil {
			r.throw(err)
		}
		request = p
	}
	f, err := r.resolveLinked(parent, request, esm)
	if err != nil {
		r.throw(err)
	}
	if cached := r.js.cache.Get(f.file); cached != nil {
		if obj, ok := cached.(*goja.Object); ok {
			if r.emptyModules[f.file] && f.link != "" {
				// An empty module is vouched for by path: reached
				// through a link, it is judged at the link's path
				// again, as a first load would judge it.
				if _, err := r.readCode(f); err != nil {
					r.throw(err)
				}
			}
			if _, err := r.js.updateChildren(goja.Undefined(), parent, obj); err != nil {
				r.throw(err)
			}
			return obj.Get("exports")
		}
	}
	src, err := r.readCode(f)
	if err != nil {
		r.throw(err)
	}
	mod, err := r.loadModule(f.file, parent, src, false)
	if err != nil {
		r.throw(err)
	}
	return mod.Get("exports")
}

// moduleDir returns the folder requests from the module object m are
// resolved against: its file's folder, or the working directory.
func (r *Runtime) moduleDir(m *goja.Object) string {
	if m != nil {
		if f := m.Get("filename"); f != nil && !goja.IsNull(f) && !goja.IsUndefined(f) {
			if s := f.String(); filepath.IsAbs(s) {
				return filepath.Dir(s)
			}
		}
	}
	return r.cwd()
}

type resolveKey struct {
	dir, request string
	esm          bool
}

// A resolution is the file a request resolved to: its real path, by which
// the module is named and cached, as Node does without
// --preserve-symlinks, and the path that led to it when that path went
// through a symbolic link.
type resolution struct {
	file string // the real (symlink-free) path
	link string // the path before symbolic links were resolved; "" when file
}

// linked returns the resolution of filename, a path as resolved from a
// request.
func (r *Runtime) linked(filename string) resolution {
	real := r.realPath(filename)
	if real == filepath.Clean(filename) {
		return resolution{file: real}
	}
	return resolution{file: real, link: filename}
}

// resolveFrom resolves a request made by the module object parent to a
// real (symlink-free) file name.
func (r *Runtime) resolveFrom(parent *goja.Object, request string, esm bool) (string, error) {
	f, err := r.resolveLinked(parent, request, esm)
	return f.file, err
}

// resolveLinked resolves a request made by the module object parent.
// Resolutions are cached by folder and request; the files they name are
// still checked every time they are loaded.
func (r *Runtime) resolveLinked(parent *goja.Object, request string, esm bool) (resolution, error) {
	dir := r.moduleDir(parent)
	key := resolveKey{dir, request, esm}
	if f, ok := r.resolved[key]; ok {
		return f, nil
	}
	conds := requireConditions
	if esm {
		conds = importConditions
	}
	filename, err := r.res.resolve(request, dir, conds)
	if err != nil {
		return resolution{}, r.withRequireStack(err, parent)
	}
	f := r.linked(filename)
	r.resolved[key] = f
	return f, nil
}

// realPath resolves symbolic links in a file name, remembering the real
// paths of folders: one lstat per new file instead of one per component.
func (r *Runtime) realPath(filename string) string {
	dir, base := filepath.Split(filename)
	dir = filepath.Clean(dir)
	realDir, ok := r.realDirs[dir]
	if !ok {
		realDir = dir
		if d, err := filepath.EvalSymlinks(dir); err == nil {
			realDir = d
		}
		r.realDirs[dir] = realDir
	}
	p := filepath.Join(realDir, base)
	if fi, err := os.Lstat(p); err == nil && fi.Mode()&os.ModeSymlink != 0 {
		if real, err := filepath.EvalSymlinks(p); err == nil {
			return real
		}
	}
	return p
}

// withRequireStack adds Node's "Require stack" to a MODULE_NOT_FOUND error.
func (r *Runtime) withRequireStack(err error, parent *goja.Object) error {
	var ne *nodeError
	if !errors.As(err, &ne) || ne.Code != "MODULE_NOT_FOUND" {
		return err
	}
	var stack []string
	for m := parent; m != nil; {
		f := m.Get("filename")
		if f == nil || goja.IsNull(f) || goja.IsUndefined(f) {
			break
		}
		stack = append(stack, f.String())
		p, ok := m.Get("parent").(*goja.Object)
		if !ok {
			break
		}
		m = p
	}
	if len(stack) == 0 {
		return err
	}
	msg := ne.Message + "\nRequire stack:\n- " + strings.Join(stack, "\n- ")
	return &nodeError{Code: ne.Code, Message: msg, Err: err}
}

// loadModule compiles and runs the file filename as a module whose parent
// is the module object parent. src is the file's content as readCode
// returned it.
func (r *Runtime) loadModule(filename string, parent *goja.Object, src []byte, isMain bool) (*goja.Object, error) {
	var parentVal goja.Value = goja.Undefined()
	if parent != nil {
		parentVal = parent
	}
	v, err := r.js.newModule(goja.Undefined(), r.vm.ToValue(filename), parentVal, r.vm.ToValue(isMain))
	if err != nil {
		return nil, err
	}
	mod := v.(*goja.Object)
	if err := r.js.cache.Set(filename, mod); err != nil {
		return nil, err
	}
	if err := r.execute(mod, filename, src); err != nil {
		r.js.cache.Delete(filename)
		return nil, err
	}
	if _, err := r.js.moduleLoaded(goja.Undefined(), mod); err != nil {
		return nil, err
	}
	return mod, nil
}

// readCode is the one place files that become code are read: f's real
// path, and, when that file is empty and f was reached through a symbolic
// link, the link's path too. Catalogs vouch for an empty file by its path,
// and the module required is at the link's: replacing a signed lib/auth.js
// with a link to a vouched empty file must not empty the module. The
// second read is of an empty file, and only then.
func (r *Runtime) readCode(f resolution) ([]byte, error) {
	src, err := r.readFile(f.file)
	if err == nil && len(src) == 0 && f.link != "" {
		src, err = r.readFile(f.link)
	}
	if err == nil && len(src) == 0 {
		if r.emptyModules == nil {
			r.emptyModules = make(map[string]bool)
		}
		r.emptyModules[f.file] = true
	}
	return src, err
}

// readFile reads a file that becomes code through Policy.ReadCode.
func (r *Runtime) readFile(filename string) ([]byte, error) {
	src, err := r.policy.ReadCode(filename)
	if err != nil && intact.ErrorCode(err) == "" && errors.Is(err, fs.ErrNotExist) {
		return nil, &nodeError{Code: "MODULE_NOT_FOUND", Message: fmt.Sprintf("Cannot find module '%s'", filename), Err: err}
	}
	return src, err
}

// nativeExtensions name the files a host hands to the OS image loader, in
// lower case: Node.js addons and PE images. Their bytes were checked as
// script (Policy.ReadCode), but the runtime never runs them as script
// either: a signed image that is also valid JavaScript is vouched for as an
// image by a digest that leaves out its checksum and certificate table,
// which a script engine would run. filename is the resolved real path, so a
// .js link to a .dll is refused too, and trailing dots and spaces, which
// Windows drops from file names ("plugin.dll."), do not hide the extension.
var nativeExtensions = []string{".node", ".exe", ".dll", ".sys", ".ocx", ".cpl", ".scr", ".drv", ".efi", ".mui", ".winmd"}

// execute evaluates a module's checked bytes according to its kind.
func (r *Runtime) execute(mod *goja.Object, filename string, src []byte) error {
	ext := strings.ToLower(filepath.Ext(strings.TrimRight(filename, ". ")))
	if slices.Contains(nativeExtensions, ext) {
		return &nodeError{Code: "ERR_DLOPEN_FAILED", Message: fmt.Sprintf("Cannot load native addon %s: native addons are not supported by this runtime", filename)}
	}
	switch ext {
	case ".json":
		return r.executeJSON(mod, filename, src)
	case ".wasm":
		exports, err := r.instantiateWasm(filename, src)
		if err != nil {
			return err
		}
		return mod.Set("exports", exports)
	}
	prg, esm, dynImport, err := r.compileModule(filename, src)
	if err != nil {
		return err
	}
	fnVal, err := r.vm.RunProgram(prg)
	if err != nil {
		return err
	}
	fn, ok := goja.AssertFunction(fnVal)
	if !ok {
		return fmt.Errorf("%s: module wrapper is not a function", filename)
	}
	require, err := r.js.makeRequire(goja.Undefined(), mod, r.vm.ToValue(esm))
	if err != nil {
		return err
	}
	importRequire := require
	if !esm && dynImport {
		if importRequire, err = r.js.makeRequire(goja.Undefined(), mod, r.vm.ToValue(true)); err != nil {
			return err
		}
	}
	exports := mod.Get("exports")
	_, err = fn(exports, exports, require, mod, r.vm.ToValue(filename), r.vm.ToValue(filepath.Dir(filename)), r.vm.ToValue(fileURL(filename)), importRequire)
	if err == nil && esm {
		if obj, ok := mod.Get("exports").(*goja.Object); ok {
			// An ES module may name what require() returns with an
			// export called "module.exports", as Node allows.
			if v := obj.Get("module.exports"); v != nil && hasOwn(obj, "module.exports") {
				return mod.Set("exports", v)
			}
			obj.DefineDataPropertySymbol(r.esmSymbol, r.vm.ToValue(true), goja.FLAG_FALSE, goja.FLAG_FALSE, goja.FLAG_FALSE)
		}
	}
	return err
}

func (r *Runtime) executeJSON(mod *goja.Object, filename string, src []byte) error {
	src = bytes.TrimPrefix(src, utf8BOM)
	v, err := r.js.parseJSON(goja.Undefined(), r.vm.ToValue(string(src)))
	if err != nil {
		var ex *goja.Exception
		if errors.As(err, &ex) {
			if obj, ok := ex.Value().(*goja.Object); ok {
				// Node names the file in the message.
				obj.Set("message", filename+": "+obj.Get("message").String())
			}
		}
		return err
	}
	return mod.Set("exports", v)
}

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// compileModule compiles a module's bytes into its wrapper function. ES
// modules and TypeScript are converted to CommonJS by esbuild first; a .js
// file that goja cannot parse is converted too, which covers ES module
// syntax in an ambiguous .js file (Node's module detection) and the syntax
// goja lacks (async generators, for await). esm reports whether the module
// imports with "import" conditions; dynImport whether it uses import().
func (r *Runtime) compileModule(filename string, src []byte) (prg *goja.Program, esm, dynImport bool, err error) {
	src = bytes.TrimPrefix(src, utf8BOM)
	code := string(src)
	if strings.HasPrefix(code, "#!") {
		// A hashbang is legal only at the very start of a script; keep
		// the line count.
		code = "//" + code[2:]
	}
	// Before goja's parser or esbuild's, which would overflow Go's stack.
	if err := checkSourceNesting(filename, code); err != nil {
		return nil, false, false, err
	}
	ext := strings.ToLower(filepath.Ext(filename))
	ts := ext == ".ts" || ext == ".mts" || ext == ".cts"
	esm = r.res.isESM(filename)
	if esm || ts {
		out, err := transformToCommonJS(filename, code, ts)
		if err != nil {
			return nil, false, false, err
		}
		prg, err = r.compileWrapped(filename, out, true, esm || looksConvertedFromESM(out))
		if serr := syntaxError(filename, err); serr != nil {
			return nil, false, false, serr
		}
		r.sources[filename] = code // positions are mapped back to it
		return prg, esm, usesDynamicImport(out), err
	}
	prg, err = r.compileWrapped(filename, code, false, false)
	if err == nil {
		return prg, false, false, nil
	}
	serr := syntaxError(filename, err)
	if serr == nil {
		return nil, false, false, err
	}
	out, terr := transformToCommonJS(filename, code, false)
	if terr != nil {
		return nil, false, false, serr // goja's own syntax error is the clearer one
	}
	prg, err2 := r.compileWrapped(filename, out, true, looksConvertedFromESM(out))
	if err2 != nil {
		return nil, false, false, serr
	}
	r.sources[filename] = code
	return prg, looksConvertedFromESM(out), usesDynamicImport(out), nil
}

func usesDynamicImport(out string) bool { return strings.Contains(out, "__intact_import(") }

// compileWrapped compiles code in the CommonJS wrapper, or in the one for
// ES modules converted to CommonJS (esm). Source maps are honoured only for
// code esbuild converted (mapped), and only inline: a source map is never
// read from a file.
func (r *Runtime) compileWrapped(filename, code string, mapped, esm bool) (*goja.Program, error) {
	head := wrapperHead
	if esm {
		head = esmWrapperHead
	}
	wrapped := head + code + wrapperTail
	r.sources[filename] = wrapped
	opt := parser.WithDisableSourceMaps
	if mapped {
		opt = parser.WithSourceMapLoader(func(string) ([]byte, error) { return nil, errNoSourceMapFiles })
	}
	ast, err := goja.Parse(filename, wrapped, opt)
	if err != nil {
		return nil, err
	}
	return goja.CompileAST(ast, false)
}

var errNoSourceMapFiles = errors.New("source maps are not read from files")

var parseErrorPosition = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`Line (\d+):(\d+) (.*?)(?: \(and \d+ more errors?\))?$`)
})

// syntaxError turns goja's parse or compile error into a SyntaxError that
// names the file, line and column (in the file, not the wrapper), or
// returns nil if err is not a syntax error.
func syntaxError(filename string, err error) *nodeError {
	var pos file.Position
	var msg string
	var list parser.ErrorList
	var cse *goja.CompilerSyntaxError
	switch {
	case errors.As(err, &list) && len(list) > 0:
		pos, msg = list[0].Position, list[0].Message
	case errors.As(err, &cse):
		msg = cse.Message
		if cse.File != nil {
			pos = cse.File.Position(cse.Offset)
		} else if m := parseErrorPosition().FindStringSubmatch(msg); m != nil {
			// goja.Parse reports a parser.ErrorList flattened into text.
			pos.Line, _ = strconv.Atoi(m[1])
			pos.Column, _ = strconv.Atoi(m[2])
			msg = m[3]
		}
	default:
		return nil
	}
	if pos.Line == 1 {
		pos.Column -= len(wrapperHead)
	}
	where := filename
	if pos.Line > 0 {
		where = fmt.Sprintf("%s:%d:%d", filename, pos.Line, pos.Column)
	}
	return &nodeError{Type: "SyntaxError", Message: where + ": " + msg, Err: err}
}

func hasOwn(obj *goja.Object, key string) bool {
	for _, k := range obj.Keys() {
		if k == key {
			return true
		}
	}
	return false
}
