package jsruntime

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/intactdev/intact/internal/regularfile"
)

// Module resolution follows Node.js's algorithm
// (https://nodejs.org/api/modules.html#all-together and the ESM resolution
// of "exports" and "imports"). Resolution only finds a file name: it reads
// package.json files as data and stats candidates, and never reads a file
// that becomes code. The file it returns is read, once, through
// Policy.ReadCode by the loader, so a tampered package.json can at most
// redirect a request to another file, which must pass the policy itself.

// probeExtensions are tried, in order, after a request that names no file.
// Node's own three come first so that Node's choice wins where both exist.
var probeExtensions = []string{".js", ".json", ".node", ".cjs", ".mjs", ".ts", ".mts", ".cts", ".wasm"}

// Condition sets for package "exports" and "imports".
var (
	requireConditions = []string{"require", "node", "module-sync", "default"}
	importConditions  = []string{"import", "node", "module-sync", "default"}
)

// A resolver resolves module requests to absolute file names. It caches,
// for the life of one runtime, what it learnt of each directory's
// package.json: the fields it uses, that there is none, or that it is
// invalid. Node caches package.json reads the same way; here it also means
// a broken package.json in a folder above the program (which another user
// may own) is read and parsed once, not once for every module.
type resolver struct {
	packages map[string]*packageJSON // by directory; nil when the directory has none
	invalid  map[string]error        // by directory: its package.json's ERR_INVALID_PACKAGE_CONFIG
}

// packageJSON holds the fields of a package.json that resolution uses.
type packageJSON struct {
	dir     string
	path    string
	name    string
	main    string
	typ     string
	exports any // nil when absent; jsonObject, string, []any or jsonNull
	imports any
}

func newResolver() *resolver {
	return &resolver{packages: make(map[string]*packageJSON), invalid: make(map[string]error)}
}

// Limits on a package.json. Node has none, but it reads package.json
// files in every folder above a script, folders other users may own
// (/tmp), so a file there must not be able to hang or exhaust the process.
const (
	// maxPackageJSONSize is far above any real package.json (the largest
	// on npm, with "exports" maps of thousands of entries, are about 1 MiB)
	// and small enough that reading one cannot exhaust memory.
	maxPackageJSONSize = 16 << 20
	// maxPackageJSONDepth bounds the nesting of arrays and objects, which
	// parsing and "exports" resolution follow by recursion; real files
	// nest a handful of levels.
	maxPackageJSONDepth = 1000
	// maxPackageJSONValues bounds the values (strings, numbers, arrays,
	// objects, each counted once) of "exports" and of "imports", the only
	// fields whose values are kept as objects, for the life of the runtime:
	// a few hundred bytes each, so 16 MiB of "exports" would cost far more
	// than 16 MiB. The largest real maps hold a few thousand.
	maxPackageJSONValues = 100_000
)

// readPackage returns the package.json in dir, nil if there is none.
//
// Only a regular file counts, opened without blocking: a FIFO, a device
// such as /dev/zero or a folder named package.json is no package.json (Node
// would hang on the first two), so one placed in a folder above a program
// by another user cannot stop it. A file larger than maxPackageJSONSize or
// nested deeper than maxPackageJSONDepth is ERR_INVALID_PACKAGE_CONFIG,
// like one that is not JSON.
func (r *resolver) readPackage(dir string) (*packageJSON, error) {
	if p, ok := r.packages[dir]; ok {
		return p, nil
	}
	if err, ok := r.invalid[dir]; ok {
		return nil, err
	}
	path := filepath.Join(dir, "package.json")
	f, err := regularfile.Open(path)
	if err != nil {
		// A missing, unreadable or special package.json is no package.json.
		r.packages[dir] = nil
		return nil, nil
	}
	defer f.Close()
	data, err := regularfile.ReadLimited(f, maxPackageJSONSize)
	p := &packageJSON{dir: dir, path: path}
	if err == nil {
		err = p.decode(data)
	}
	if err != nil {
		err = &nodeError{Code: "ERR_INVALID_PACKAGE_CONFIG", Message: fmt.Sprintf("Invalid package config %s: %v", path, err), Err: err}
		r.invalid[dir] = err
		return nil, err
	}
	r.packages[dir] = p
	return p, nil
}

// decode sets p's fields from the package.json text data. Only the fields
// resolution uses are built into Go values: the others are checked to be
// JSON but never become objects, so a large package.json costs little more
// than its text (a generic parse built objects of 40 times its size).
func (p *packageJSON) decode(data []byte) error {
	if err := checkJSONDepth(data, maxPackageJSONDepth); err != nil {
		return err
	}
	var fields map[string]jsonSpan
	if err := json.Unmarshal(data, &fields); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) {
			// Valid JSON that is not an object (an array, a string): a
			// package.json with none of the fields, as in Node.
			return nil
		}
		return err
	}
	// name, main and type count only when they are strings, as in Node.
	json.Unmarshal(fields["name"], &p.name)
	json.Unmarshal(fields["main"], &p.main)
	json.Unmarshal(fields["type"], &p.typ)
	budget := maxPackageJSONValues
	var err error
	if p.exports, err = parseField(fields["exports"], "exports", &budget); err != nil {
		return err
	}
	budget = maxPackageJSONValues
	p.imports, err = parseField(fields["imports"], "imports", &budget)
	return err
}

// parseField parses the raw value of the field name, nil when absent,
// refusing more than *budget values.
func parseField(raw jsonSpan, name string, budget *int) (any, error) {
	if raw == nil {
		return nil, nil
	}
	v, err := parseOrderedJSON(raw, budget)
	if errors.Is(err, errTooManyValues) {
		return nil, fmt.Errorf("%q holds more than %d values", name, maxPackageJSONValues)
	}
	return v, err
}

// A jsonSpan is the text of one JSON value within a package.json's text,
// not a copy of it, as json.RawMessage would be: decode keeps neither after
// it returns, and the text is not modified, so the copy would only double
// the memory a large field costs.
type jsonSpan []byte

func (s *jsonSpan) UnmarshalJSON(data []byte) error {
	*s = data
	return nil
}

// checkJSONDepth reports errTooDeep if the arrays and objects of the JSON
// text data nest more than depth deep. It only counts brackets outside
// strings; whether data is JSON is for the parser to say.
func checkJSONDepth(data []byte, depth int) error {
	level, inString := 0, false
	for i := 0; i < len(data); i++ {
		c := data[i]
		switch {
		case inString && c == '\\':
			i++
		case c == '"':
			inString = !inString
		case inString:
		case c == '[' || c == '{':
			if level++; level > depth {
				return errTooDeep
			}
		case c == ']' || c == '}':
			level--
		}
	}
	return nil
}

// packageScope returns the nearest package.json at or above dir, stopping
// at a node_modules folder as Node does, or nil.
func (r *resolver) packageScope(dir string) *packageJSON {
	for {
		if filepath.Base(dir) == "node_modules" {
			return nil
		}
		if p, err := r.readPackage(dir); err == nil && p != nil {
			return p
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return nil
		}
		dir = parent
	}
}

// isESM reports whether a file is an ES module by its extension and, for
// .js and extensionless files, by the "type" of its package scope.
func (r *resolver) isESM(filename string) bool {
	switch filepath.Ext(filename) {
	case ".mjs", ".mts":
		return true
	case ".cjs", ".cts", ".json", ".node", ".wasm":
		return false
	}
	p := r.packageScope(filepath.Dir(filename))
	return p != nil && p.typ == "module"
}

// resolve returns the absolute file name request refers to from a module in
// parentDir. Built-in modules are handled by the caller.
func (r *resolver) resolve(request, parentDir string, conds []string) (string, error) {
	if request == "" {
		return "", &nodeError{Code: "ERR_INVALID_ARG_VALUE", Message: "The argument 'id' must be a non-empty string. Received ''"}
	}
	if strings.HasPrefix(request, "#") {
		return r.resolveImports(request, parentDir, conds)
	}
	if isPathRequest(request) {
		p := request
		if !filepath.IsAbs(p) {
			p = filepath.Join(parentDir, filepath.FromSlash(p))
		}
		// As Node's trailingSlash: "x/", "x/.", "x/.." and "." name folders.
		dirOnly := strings.HasSuffix(request, "/") || strings.HasSuffix(request, "/.") ||
			strings.HasSuffix(request, "/..") || request == "." || request == ".."
		if !dirOnly {
			if f, ok := loadAsFile(p); ok {
				return f, nil
			}
		}
		f, ok, err := r.loadAsDirectory(p)
		if err != nil || ok {
			return f, err
		}
		return "", notFound(request)
	}
	name, subpath, ok := splitPackageName(request)
	if !ok {
		return "", notFound(request)
	}
	// A package may refer to itself by its name through its "exports".
	if scope := r.packageScope(parentDir); scope != nil && scope.name == name && scope.exports != nil {
		return r.resolveExports(scope, subpath, conds)
	}
	for _, dir := range nodeModulesPaths(parentDir) {
		pkgDir := filepath.Join(dir, filepath.FromSlash(name))
		if p, err := r.readPackage(pkgDir); err != nil {
			return "", err
		} else if p != nil && p.exports != nil {
			return r.resolveExports(p, subpath, conds)
		}
		full := filepath.Join(dir, filepath.FromSlash(request))
		if !strings.HasSuffix(request, "/") {
			if f, ok := loadAsFile(full); ok {
				return f, nil
			}
		}
		f, ok, err := r.loadAsDirectory(full)
		if err != nil || ok {
			return f, err
		}
	}
	return "", notFound(request)
}

// isPathRequest reports whether a request names a path rather than a
// package: ./x, ../x, /x, . and .. (and drive paths on Windows).
func isPathRequest(request string) bool {
	return request == "." || request == ".." || strings.HasPrefix(request, "./") ||
		strings.HasPrefix(request, "../") || strings.HasPrefix(request, "/") ||
		filepath.IsAbs(request) || strings.HasPrefix(request, `.\`) || strings.HasPrefix(request, `..\`)
}

// splitPackageName splits "@scope/name/sub/path" into "@scope/name" and
// "./sub/path" (or "." for the package itself).
func splitPackageName(request string) (name, subpath string, ok bool) {
	parts := strings.SplitN(request, "/", 3)
	n := 1
	if strings.HasPrefix(request, "@") {
		if len(parts) < 2 || parts[1] == "" {
			return "", "", false
		}
		n = 2
	}
	name = strings.Join(parts[:n], "/")
	if name == "" || strings.Contains(name, `\`) || strings.Contains(name, "%") {
		return "", "", false
	}
	subpath = "."
	if rest := strings.TrimPrefix(request, name); rest != "" {
		subpath = "." + rest
	}
	return name, subpath, true
}

// nodeModulesPaths lists the node_modules folders searched from dir,
// nearest first, skipping folders that are themselves node_modules.
func nodeModulesPaths(dir string) []string {
	var paths []string
	for {
		if filepath.Base(dir) != "node_modules" {
			paths = append(paths, filepath.Join(dir, "node_modules"))
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return paths
		}
		dir = parent
	}
}

func isFile(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && !fi.IsDir()
}

// loadAsFile tries p itself, then p with each probed extension.
func loadAsFile(p string) (string, bool) {
	if isFile(p) {
		return p, true
	}
	for _, ext := range probeExtensions {
		if isFile(p + ext) {
			return p + ext, true
		}
	}
	return "", false
}

func loadIndex(dir string) (string, bool) {
	for _, ext := range probeExtensions {
		if f := filepath.Join(dir, "index"+ext); isFile(f) {
			return f, true
		}
	}
	return "", false
}

// loadAsDirectory resolves a folder through its package.json "main", then
// its index file.
func (r *resolver) loadAsDirectory(dir string) (string, bool, error) {
	p, err := r.readPackage(dir)
	if err != nil {
		return "", false, err
	}
	if p != nil && p.main != "" {
		m := filepath.Join(dir, filepath.FromSlash(p.main))
		if f, ok := loadAsFile(m); ok {
			return f, true, nil
		}
		if f, ok := loadIndex(m); ok {
			return f, true, nil
		}
	}
	f, ok := loadIndex(dir)
	return f, ok, nil
}

// resolveExports resolves subpath ("." or "./x") through a package's
// "exports" field.
func (r *resolver) resolveExports(p *packageJSON, subpath string, conds []string) (string, error) {
	exports := p.exports
	if obj, ok := exports.(*jsonObject); ok && !obj.hasDotKeys() {
		// Conditions at the top level describe the main export only.
		exports = &jsonObject{keys: []string{"."}, values: map[string]any{".": obj}}
	} else if !ok {
		exports = &jsonObject{keys: []string{"."}, values: map[string]any{".": exports}}
	}
	target, match, found := matchKey(exports.(*jsonObject), subpath)
	if found {
		f, ok, err := r.resolveTarget(p, target, match, false, conds)
		if err != nil {
			return "", err
		}
		if ok {
			return existing(f)
		}
	}
	if subpath == "." {
		return "", &nodeError{Code: "ERR_PACKAGE_PATH_NOT_EXPORTED", Message: fmt.Sprintf("No \"exports\" main defined in %s", p.path)}
	}
	return "", &nodeError{Code: "ERR_PACKAGE_PATH_NOT_EXPORTED", Message: fmt.Sprintf("Package subpath '%s' is not defined by \"exports\" in %s", subpath, p.path)}
}

// resolveImports resolves a "#name" request through the "imports" field of
// the package that contains parentDir.
func (r *resolver) resolveImports(request, parentDir string, conds []string) (string, error) {
	p := r.packageScope(parentDir)
	if p != nil {
		if imports, ok := p.imports.(*jsonObject); ok {
			if target, match, found := matchKey(imports, request); found {
				if s, ok := target.(string); ok && !strings.HasPrefix(s, "./") && !strings.HasPrefix(s, "../") && !strings.HasPrefix(s, "/") {
					// An import may map to a package.
					return r.resolve(strings.ReplaceAll(s, "*", match), p.dir, conds)
				}
				f, ok, err := r.resolveTarget(p, target, match, true, conds)
				if err != nil {
					return "", err
				}
				if ok {
					return existing(f)
				}
			}
		}
	}
	where := "in package " + parentDir
	if p != nil {
		where = "in package " + p.dir + string(filepath.Separator) + " imported from " + parentDir
	}
	return "", &nodeError{Code: "ERR_PACKAGE_IMPORT_NOT_DEFINED", Message: fmt.Sprintf("Package import specifier \"%s\" is not defined %s", request, where)}
}

// matchKey finds subpath among the keys of m: exactly, or through the
// pattern key with the longest prefix ("./lib/*.js"). It returns the target
// and the text the "*" matched.
func matchKey(m *jsonObject, subpath string) (target any, match string, found bool) {
	if v, ok := m.values[subpath]; ok && !strings.Contains(subpath, "*") {
		return v, "", true
	}
	best := ""
	for _, k := range m.keys {
		star := strings.Index(k, "*")
		if star < 0 || strings.Count(k, "*") != 1 {
			continue
		}
		prefix, suffix := k[:star], k[star+1:]
		if !strings.HasPrefix(subpath, prefix) || subpath == prefix || !strings.HasSuffix(subpath, suffix) || len(subpath) < len(k) {
			continue
		}
		if patternLess(best, k) {
			best = k
			target = m.values[k]
			match = subpath[len(prefix) : len(subpath)-len(suffix)]
			found = true
		}
	}
	return target, match, found
}

// patternLess orders pattern keys as Node's PATTERN_KEY_COMPARE: the longer
// prefix before the "*" wins, then the longer key.
func patternLess(a, b string) bool {
	if a == "" {
		return true
	}
	pa, pb := strings.Index(a, "*"), strings.Index(b, "*")
	if pa != pb {
		return pb > pa
	}
	return len(b) > len(a)
}

// resolveTarget resolves one "exports"/"imports" target: a string, an
// array of fallbacks, or an object of conditions. ok is false when the
// target resolves to nothing (null, or no condition matched).
func (r *resolver) resolveTarget(p *packageJSON, target any, match string, isImports bool, conds []string) (string, bool, error) {
	switch t := target.(type) {
	case string:
		if !strings.HasPrefix(t, "./") {
			return "", false, invalidTarget(p, t)
		}
		resolved := strings.ReplaceAll(t, "*", match)
		for _, seg := range strings.Split(resolved, "/")[1:] {
			if seg == "." || seg == ".." || seg == "node_modules" {
				return "", false, invalidTarget(p, t)
			}
		}
		return filepath.Join(p.dir, filepath.FromSlash(resolved)), true, nil
	case []any:
		var lastErr error
		for _, alt := range t {
			f, ok, err := r.resolveTarget(p, alt, match, isImports, conds)
			if err != nil {
				lastErr = err
				continue
			}
			if ok {
				return f, true, nil
			}
		}
		return "", false, lastErr
	case *jsonObject:
		for _, k := range t.keys {
			if k != "default" && !contains(conds, k) {
				continue
			}
			f, ok, err := r.resolveTarget(p, t.values[k], match, isImports, conds)
			if err != nil || ok {
				return f, ok, err
			}
		}
		return "", false, nil
	}
	return "", false, nil // null: explicitly not exported
}

func invalidTarget(p *packageJSON, t string) error {
	return &nodeError{Code: "ERR_INVALID_PACKAGE_TARGET", Message: fmt.Sprintf("Invalid \"exports\" target %q defined in the package config %s", t, p.path)}
}

// existing returns f if it is a file, else Node's "Cannot find module".
func existing(f string) (string, error) {
	if isFile(f) {
		return f, nil
	}
	return "", notFound(f)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// notFound is Node's MODULE_NOT_FOUND error; the loader adds the require
// stack.
func notFound(request string) *nodeError {
	return &nodeError{Code: "MODULE_NOT_FOUND", Message: fmt.Sprintf("Cannot find module '%s'", request)}
}

// jsonObject is a JSON object that keeps its keys in document order, which
// "exports" conditions depend on.
type jsonObject struct {
	keys   []string
	values map[string]any
}

func (o *jsonObject) get(k string) any { return o.values[k] }

// hasDotKeys reports whether the object's keys are subpaths (".", "./x")
// rather than conditions.
func (o *jsonObject) hasDotKeys() bool {
	for _, k := range o.keys {
		if strings.HasPrefix(k, ".") {
			return true
		}
	}
	return false
}

// parseOrderedJSON parses JSON keeping object key order, refusing arrays
// and objects nested more than maxPackageJSONDepth deep and more than
// *budget values (errTooManyValues).
func parseOrderedJSON(data []byte, budget *int) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	v, err := parseJSONValue(dec, maxPackageJSONDepth, budget)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("unexpected data after the top-level value")
	}
	return v, nil
}

// parseJSONValue reads one value; depth is how many more levels of
// arrays and objects it may open.
func parseJSONValue(dec *json.Decoder, depth int, budget *int) (any, error) {
	if *budget--; *budget < 0 {
		return nil, errTooManyValues
	}
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch d := tok.(type) {
	case json.Delim:
		if depth == 0 {
			return nil, errTooDeep
		}
		switch d {
		case '{':
			obj := &jsonObject{values: make(map[string]any)}
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, err
				}
				k, _ := kt.(string)
				v, err := parseJSONValue(dec, depth-1, budget)
				if err != nil {
					return nil, err
				}
				if _, dup := obj.values[k]; !dup {
					obj.keys = append(obj.keys, k)
				}
				obj.values[k] = v
			}
			_, err := dec.Token()
			return obj, err
		case '[':
			arr := []any{}
			for dec.More() {
				v, err := parseJSONValue(dec, depth-1, budget)
				if err != nil {
					return nil, err
				}
				arr = append(arr, v)
			}
			_, err := dec.Token()
			return arr, err
		}
		return nil, fmt.Errorf("unexpected %v", d)
	}
	return tok, nil
}

var errTooManyValues = errors.New("too many values")

var errTooDeep = fmt.Errorf("arrays and objects nested more than %d deep", maxPackageJSONDepth)
