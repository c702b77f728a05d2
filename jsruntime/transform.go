package jsruntime

import (
	"fmt"
	"net/url"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"

	"github.com/evanw/esbuild/pkg/api"
)

// transformToCommonJS converts an ES module or TypeScript source to
// CommonJS that goja can run, with esbuild. The syntax goja lacks (async
// generators, for await, import()) is lowered; import() becomes a
// require() in a promise, so dynamically imported files go through the
// same checked loader. Top-level await cannot be expressed in CommonJS and
// is reported as a clear error naming the file.
func transformToCommonJS(filename, code string, typescript bool) (string, error) {
	loader := api.LoaderJS
	if typescript {
		loader = api.LoaderTS
	}
	res := api.Transform(code, api.TransformOptions{
		Loader:     loader,
		Format:     api.FormatCommonJS,
		Platform:   api.PlatformNode,
		Target:     api.ESNext,
		Sourcefile: filename,
		LogLevel:   api.LogLevelSilent,
		// Stack traces point into the file as written: goja reads the
		// inline map (and never a file: see compileWrapped).
		Sourcemap:      api.SourceMapInline,
		SourcesContent: api.SourcesContentExclude,
		Supported: map[string]bool{
			"async-generator": false,
			"for-await":       false,
			"dynamic-import":  false,
		},
		Define: map[string]string{
			"import.meta.url":      "__intact_import_meta_url",
			"import.meta.filename": "__esm_file", // see esmWrapperHead
			"import.meta.dirname":  "__esm_dir",
		},
	})
	if len(res.Errors) > 0 {
		msg := res.Errors[0]
		where := filename
		if msg.Location != nil {
			where = fmt.Sprintf("%s:%d:%d", filename, msg.Location.Line, msg.Location.Column+1)
		}
		if strings.Contains(msg.Text, "Top-level await") {
			return "", &nodeError{Code: "ERR_REQUIRE_ASYNC_MODULE", Type: "SyntaxError",
				Message: where + ": top-level await is not supported by this runtime (ES modules run as CommonJS)"}
		}
		return "", &nodeError{Type: "SyntaxError", Message: where + ": " + msg.Text}
	}
	out := strings.Replace(string(res.Code), esbuildNodeMode, esbuildNodeModeESM, 1)
	return strings.ReplaceAll(out, esbuildDynamicImport, esbuildDynamicImportESM), nil
}

// esbuild turns import(x) into a require(x) in a promise; it is redirected
// to the module's import-conditioned require, so that package "exports"
// resolve with the "import" condition as Node's import() does.
const (
	esbuildDynamicImport    = "Promise.resolve().then(() => __toESM(require("
	esbuildDynamicImportESM = "Promise.resolve().then(() => __toESM(__intact_import("
)

// In Node, a default import of a CommonJS module is its module.exports
// (esbuild's "node mode"), but a default import of an ES module is its
// default export. esbuild cannot tell an ES module converted here from a
// CommonJS module that sets __esModule, so the converted modules carry
// esmMarker and the helper honours it.
const (
	esmMarker          = "intact.esm"
	esbuildNodeMode    = "isNodeMode || !mod || !mod.__esModule"
	esbuildNodeModeESM = `isNodeMode && !(mod && mod[Symbol.for("` + esmMarker + `")]) || !mod || !mod.__esModule`
)

// esmOutput matches what esbuild writes for ES module syntax: an export
// object, or a top-level variable for an import statement (import() only
// ever appears inside an expression).
var esmOutput = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`__toCommonJS\(|(?m)^var import_[\w$]+ = `)
})

// looksConvertedFromESM reports whether esbuild's output came from ES
// module syntax rather than only from syntax goja lacks.
func looksConvertedFromESM(out string) bool { return esmOutput().MatchString(out) }

// fileURLPath returns the path of a file: URL, without its query and
// fragment.
func fileURLPath(s string) (string, error) {
	u, err := url.Parse(s)
	if err != nil || u.Scheme != "file" {
		return "", &nodeError{Code: "ERR_INVALID_URL_SCHEME", Message: "The URL must be of scheme file", Type: "TypeError"}
	}
	p := u.Path
	if len(p) > 2 && p[0] == '/' && p[2] == ':' && runtime.GOOS == "windows" {
		p = p[1:] // file:///C:/x is C:\x
	}
	return filepath.FromSlash(p), nil
}

// fileURL returns the file: URL of an absolute path.
func fileURL(path string) string {
	p := filepath.ToSlash(path)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p // a Windows drive path
	}
	return (&url.URL{Scheme: "file", Path: p}).String()
}
