package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/intactdev/intact/catalog"
	"github.com/intactdev/intact/catalog/tree"
	"github.com/intactdev/intact/internal/exitstatus"
	"github.com/spf13/cobra"
)

func init() { register("catalog", newCatalogCmd) }

func newCatalogCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "catalog",
		Short: "Make, sign, list and verify Windows security catalogs (.cat)",
		Long: `Make, sign, list and verify Windows security catalogs (.cat), the signed
lists of file digests that WDAC trusts, on any operating system.`,
	}
	cmd.AddCommand(newCatalogListCmd(), newCatalogNewCmd(), newCatalogSignCmd(), newCatalogVerifyCmd(), newCatalogFromEventsCmd())
	return cmd
}

func newCatalogListCmd() *cobra.Command {
	var asJSON bool
	var paths []string
	cmd := &cobra.Command{
		Use:   "list [--path GLOB]... FILE.cat",
		Short: "Print a catalog's header, attributes, members and signers",
		Long: `Print a catalog's version, list identifier, effective date, catalog
attributes, every member (tag, kind, digest algorithm, digest, name-value
attributes), sorted by path, and every signer with its certificate chain,
each certificate with its TBS hash as a policy's signer pins it (intact
policy show). --path lists only the members whose path matches.

The signature line says whether the signatures and message digests check;
it does not judge trust (see "intact catalog verify").

--json prints one object with these stable fields (hex is uppercase, times
are RFC 3339 UTC):
  file, version (1: SHA-1 members, 2: SHA-256 members), list_identifier,
  effective_date, attributes [{name, flags, value}], signature ("unsigned",
  "valid" or "invalid: <reason>"),
  listed (the number of members, with --path),
  members [{path, tag, tag_hex, kind ("PE", "flat", "CAB", "other"),
            digest_algorithm ("SHA-256", "SHA-1") and digest (both absent for
            compat entries, whose tag is the SHA-1 digest),
            compat, attributes}],
  signers [{digest_algorithm, signing_time (if present),
            chain [{subject, issuer, serial, not_before, not_after, sha256,
                    tbs, tbs_algorithm}]}]`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := readCatalogFile(args[0])
			if err != nil {
				return err
			}
			report := newCatalogJSON(args[0], c)
			if len(paths) > 0 {
				report.keepPaths(paths)
			}
			if asJSON {
				return report.writeJSON(cmd.OutOrStdout())
			}
			report.writeText(cmd.OutOrStdout())
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	cmd.Flags().StringArrayVar(&paths, "path", nil, "list only the members whose path matches `GLOB` (repeatable; as catalog new --include)")
	return cmd
}

func newCatalogNewCmd() *cobra.Command {
	var (
		output, when, filesFrom, installDir string
		version                             int
		opts                                tree.Options
		signing                             signingFlags
	)
	cmd := &cobra.Command{
		Use:   "new PATH... -o FILE.cat",
		Short: "Make a catalog of a directory tree or files, signed when a key is given",
		Long: `Make a catalog listing the files below each directory PATH (paths relative
to that directory) and each file PATH (under its base name), like
New-FileCatalog: PE images (recognised by content) get their Authenticode
digest, other files the digest of their exact bytes; empty files are listed
as catalog attributes. Two files with the same relative path are an error.
Symbolic links to files inside a tree are listed under their own paths;
links that leave the tree, FIFOs and devices are errors. FILE.cat itself is
left out of a tree that holds it.

With --files-from, exactly one directory PATH is given and only the files
listed (one relative path per line) are hashed.

A catalog that lists empty files also records its root (the catalog
attribute IntactRoot): the folder its relative paths are relative to, by
default the real absolute path of the PATHs' folder. intact lets an empty
file run only at that root joined with its relative path, so one empty
lib/index.js cannot vouch for an emptied lib/index.js anywhere else. Use
--install-dir to record the folder the tree will be installed to instead
(needed when the PATHs lie in different folders); it is recorded whether or
not empty files are listed, and the root makes the output depend on it.
Only a catalog with a root lets a refusal say that a file it lists
changed since signing: without one, a file of the same name elsewhere is
only noted as such.

The output is deterministic: the same files and the same --time (or
SOURCE_DATE_EPOCH) give the same bytes. It is written to a temporary file
beside FILE.cat and renamed, so FILE.cat is never half-written.

With --cert/--key, --pkcs12 or --pkcs11-module the catalog is signed in
the same step (see "intact catalog sign"), and with --timestamp URL the
signature is timestamped by that RFC 3161 authority (which makes the
output depend on the authority's clock).

Files are hashed on all cores. Memory grows by about 2 KB per file and is
not collected below 1 GiB of heap; set GOGC or GOMEMLIMIT to change that.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if output == "" {
				return errors.New("no output file: use -o FILE.cat")
			}
			if version != 1 && version != 2 {
				return fmt.Errorf("--version %d: want 1 or 2", version)
			}
			t, err := catalogTime(when)
			if err != nil {
				return err
			}
			if err := checkOutput(output); err != nil {
				return err // before hashing, which may take a while
			}
			sign := signing.given()
			var key *signingKey
			if sign {
				// Open the key first: a wrong password should not cost a
				// whole hashing run.
				if key, err = signing.open(cmd.ErrOrStderr()); err != nil {
					return err
				}
				defer key.Close()
			}
			bar := newProgressBar(cmd.ErrOrStderr())
			opts.Progress = bar.callback()
			collectGarbageLate()
			files, err := hashPaths(cmd.Context(), args, filesFrom, output, &opts)
			bar.finish()
			if err != nil {
				return err
			}
			attrs, err := rootAttributes(cmd.ErrOrStderr(), files, args, installDir)
			if err != nil {
				return err
			}
			buildOpts := catalog.BuildOptions{Version: version, Time: t, Attributes: attrs}
			if sign {
				var data []byte
				if data, err = catalog.Build(files, buildOpts); err != nil {
					return err
				}
				if data, err = signing.sign(cmd.Context(), cmd.ErrOrStderr(), data, key); err != nil {
					return err
				}
				err = writeFileAtomic(output, data)
			} else {
				// Written as it is encoded, never whole in memory.
				err = writeFileAtomicFunc(output, func(f *os.File) error {
					_, err := catalog.BuildTo(f, files, buildOpts)
					return err
				})
			}
			if err != nil {
				return err
			}
			printf(cmd.ErrOrStderr(), "%s: %d files, version %d%s\n", output, len(files), version,
				map[bool]string{true: ", signed"}[sign])
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&output, "output", "o", "", "write the catalog to `FILE.cat`")
	fl.IntVar(&version, "version", 2, "catalog version: 2 (SHA-256, Windows 8 and later) or 1 (SHA-1)")
	fl.StringArrayVar(&opts.Include, "include", nil, "hash only files matching `GLOB` (repeatable; with a slash it matches the relative path, else the base name; ** crosses folders)")
	fl.StringArrayVar(&opts.Exclude, "exclude", nil, "skip files and directories matching `GLOB` (repeatable)")
	fl.StringVar(&when, "time", "", "effective date, RFC 3339 (default: $SOURCE_DATE_EPOCH, else now)")
	fl.StringVar(&filesFrom, "files-from", "", "hash only the files listed in `LIST` (one path per line, relative to the one directory PATH)")
	fl.StringVar(&installDir, "install-dir", "", "record `DIR`, an absolute path, as the catalog's root: where the tree will be installed, the only place its empty files may run and where a changed file is said to have changed since signing")
	signing.register(cmd)
	return cmd
}

// rootAttributes returns the catalog attribute that records the root of a
// catalog of files hashed from paths: installDir whenever given, else, when
// files holds empty files (which need it), the real absolute path of the
// folder the paths' relative paths are relative to. When those are several
// folders it records none and warns that the empty files will not run.
func rootAttributes(warnings io.Writer, files []catalog.File, paths []string, installDir string) ([]catalog.Attribute, error) {
	if installDir != "" {
		if !filepath.IsAbs(installDir) && !windowsAbs().MatchString(installDir) {
			return nil, fmt.Errorf("--install-dir %s: not an absolute path", installDir)
		}
		if filepath.IsAbs(installDir) {
			installDir = filepath.Clean(installDir)
		}
	}
	if installDir != "" {
		// Asked for: recorded whatever the files, so that a refusal of a
		// file the catalog lists can say exactly that it changed since
		// signing.
		return []catalog.Attribute{catalog.NewAttribute(catalog.RootAttribute, installDir)}, nil
	}
	empty := 0
	for _, f := range files {
		if f.Size == 0 {
			empty++
		}
	}
	if empty == 0 {
		return nil, nil
	}
	root := ""
	for _, p := range paths {
		dir, err := realDir(p)
		if err != nil {
			return nil, err
		}
		if root != "" && dir != root {
			fmt.Fprintf(warnings, "warning: %d empty file(s) listed, but the PATHs lie in different folders and --install-dir is not given: no root is recorded, and intact will not let them run\n", empty)
			return nil, nil
		}
		root = dir
	}
	return []catalog.Attribute{catalog.NewAttribute(catalog.RootAttribute, root)}, nil
}

// windowsAbs matches an absolute Windows path ("C:\app", "\\server\share"),
// which a catalog made on another OS may name as its root.
var windowsAbs = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^([A-Za-z]:[\\/]|\\\\)`)
})

// realDir returns the real absolute path of the folder a PATH argument's
// files are relative to: PATH itself when a directory, else its folder.
func realDir(path string) (string, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return "", err
	}
	if !fi.IsDir() {
		path = filepath.Dir(path)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", err
	}
	return filepath.EvalSymlinks(abs)
}

// catalogTime returns the catalog's effective date from --time, else
// SOURCE_DATE_EPOCH (reproducible builds), else the current time; always
// whole seconds in UTC, which is what the catalog stores.
func catalogTime(flag string) (time.Time, error) {
	if flag != "" {
		t, err := time.Parse(time.RFC3339, flag)
		if err != nil {
			return time.Time{}, fmt.Errorf("--time: %w", err)
		}
		return t.UTC().Truncate(time.Second), nil
	}
	if env := os.Getenv("SOURCE_DATE_EPOCH"); env != "" {
		secs, err := strconv.ParseInt(env, 10, 64)
		if err != nil {
			return time.Time{}, fmt.Errorf("SOURCE_DATE_EPOCH=%q: not a number of seconds", env)
		}
		return time.Unix(secs, 0).UTC(), nil
	}
	return time.Now().UTC().Truncate(time.Second), nil
}

// collectGarbageLate turns the garbage collector off for a command that
// hashes a tree and exits, up to a soft limit of 1 GiB of heap, past which
// it collects again. Hashing a node_modules tree and building its catalog
// allocate ~2 KB per file (the catalog included), most of it live until
// the end, so collecting it costs more than it saves: ~10% of the run
// (bench/README.md). esbuild's CLI does the same. GOGC or GOMEMLIMIT in
// the environment win.
func collectGarbageLate() {
	if os.Getenv("GOGC") == "" && os.Getenv("GOMEMLIMIT") == "" {
		debug.SetGCPercent(-1)
		debug.SetMemoryLimit(1 << 30)
	}
}

// hashPaths hashes every PATH argument: directories as trees, files under
// their base names, or, with filesFrom, the listed files of one directory.
// It refuses two files with the same relative path, naming both. The
// output file is left out of the trees that hold it.
func hashPaths(ctx context.Context, paths []string, filesFrom, output string, opts *tree.Options) ([]catalog.File, error) {
	if filesFrom != "" {
		if len(paths) != 1 {
			return nil, errors.New("--files-from needs exactly one directory PATH")
		}
		names, err := readFileList(filesFrom)
		if err != nil {
			return nil, err
		}
		files, err := tree.HashFiles(ctx, paths[0], names, opts)
		return withoutFile(files, paths[0], output), err
	}
	var all []catalog.File
	// Trees cannot hold two files with the same relative path, but two
	// PATH arguments can: the first file of each relative path (in lower
	// case, as Windows compares them) and the PATH that gave it.
	type origin struct{ root, path string }
	var seen map[string]origin
	if len(paths) > 1 {
		seen = map[string]origin{}
	}
	for _, p := range paths {
		fi, err := os.Stat(p)
		if err != nil {
			return nil, err
		}
		root, files := p, []catalog.File(nil)
		if fi.IsDir() {
			files, err = tree.Hash(ctx, p, opts)
			files = withoutFile(files, p, output)
		} else {
			root = filepath.Dir(p)
			files, err = tree.HashFiles(ctx, root, []string{filepath.Base(p)}, opts)
		}
		if err != nil {
			return nil, err
		}
		if seen != nil {
			for _, f := range files {
				key := strings.ToLower(f.Path)
				if prev, dup := seen[key]; dup {
					return nil, fmt.Errorf("%s and %s have the same relative path %s",
						filepath.Join(prev.root, filepath.FromSlash(prev.path)), filepath.Join(root, filepath.FromSlash(f.Path)), f.Path)
				}
				seen[key] = origin{root, f.Path}
			}
		}
		if all == nil {
			all = files // one PATH, most often: no copy
		} else {
			all = append(all, files...)
		}
	}
	return all, nil
}

// readFileList reads a --files-from list: one relative path per line;
// blank lines are skipped.
func readFileList(name string) ([]string, error) {
	data, err := readRegularFile(name, 1<<30)
	if err != nil {
		return nil, err
	}
	var names []string
	for line := range strings.Lines(string(data)) {
		if line = strings.TrimRight(line, "\r\n"); line != "" {
			names = append(names, line)
		}
	}
	return names, nil
}

func newCatalogSignCmd() *cobra.Command {
	var (
		output  string
		signing signingFlags
	)
	cmd := &cobra.Command{
		Use:   "sign FILE.cat (--cert CERT --key KEY | --pkcs12 FILE | --pkcs11-module LIB --pkcs11-token LABEL --pkcs11-key LABEL) -o SIGNED.cat",
		Short: "Sign a catalog (replacing any signature)",
		Long: `Sign a catalog with PKCS #7 SignedData over its certificate trust list,
SHA-256 and DER-ordered authenticated attributes, as signtool does. The key
is RSA or ECDSA, in PEM (PKCS #8, PKCS #1 or SEC 1) with its certificate
(--cert, which may hold the chain too, and --chain), in a PKCS #12 file,
or in a PKCS #11 token (an HSM, a smart card, a KMS's PKCS #11 library:
--pkcs11-module, --pkcs11-token, --pkcs11-key; the certificate from the
token under the key's label, or --cert). The PKCS #12 password or the
token's PIN comes from --password-env, --password-fd or --password-file,
or else is asked for on the terminal.

With --timestamp URL the signature is timestamped by that RFC 3161
time-stamping authority, so that Windows honours it after the signing
certificate expires; repeat it to name fallbacks, tried in order, each
retried --timestamp-retries times after a failure that may pass.

A signer's certificate without the code-signing extended key usage, or a
certificate outside its validity, is warned of on stderr: verifiers will
not trust the catalog. A signer's certificate whose key usage extension
lacks digitalSignature is refused (exit status 2): its key may not sign.
The output is written through a temporary file and a rename.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if output == "" {
				return exitstatus.UsageError(errors.New("no output file: use -o SIGNED.cat"))
			}
			data, err := readRegularFile(args[0], catalog.MaxFileSize)
			if err != nil {
				return err
			}
			key, err := signing.open(cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			defer key.Close()
			signed, err := signing.sign(cmd.Context(), cmd.ErrOrStderr(), data, key)
			if err != nil {
				return fmt.Errorf("%s: %w", args[0], err)
			}
			return writeFileAtomic(output, signed)
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", "", "write the signed catalog to `SIGNED.cat`")
	signing.register(cmd)
	return cmd
}

func newCatalogVerifyCmd() *cobra.Command {
	var (
		roots     []string
		allowSHA1 bool
		asJSON    bool
	)
	cmd := &cobra.Command{
		Use:   "verify FILE.cat --root ROOT.pem [--json] [PATH]",
		Short: "Check a catalog's signature and trust, and optionally a tree against it",
		Long: `Check the catalog's signature, its signer's certificate chain to one of the
--root certificates, the signer's code-signing extended key usage and key
usage (digitalSignature, when it has the extension) and the certificates'
validity now.

With PATH, also do what Test-FileCatalog does: hash every file below PATH
(or PATH itself) and compare with the catalog's members by their FilePath
attributes, case-insensitively, reporting files changed, missing from the
tree, and not in the catalog.

The exit status is 0 only when everything checks; otherwise 1, with each
problem on its own line. With --json the report lists every file with its
status, as Test-FileCatalog -Detailed does: valid, changed, missing (from
the tree), not-in-catalog, or empty-not-vouched (an empty file the catalog
lists but intact would not let run where it lies).`,
		Args: cobra.RangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			pool, err := readRoots(roots)
			if err != nil {
				return err
			}
			c, err := readCatalogFile(args[0])
			if err != nil {
				return err
			}
			v := verifyReport{Catalog: args[0], OK: true}
			chains, err := c.Verify(catalog.VerifyOptions{Roots: pool, AllowSHA1: allowSHA1})
			if err != nil {
				v.OK = false
				v.Signature.Error = strings.TrimPrefix(err.Error(), "catalog: ")
			} else {
				chain := chains[0]
				v.Signature.Valid = true
				v.Signature.Signer = chain[0].Subject.String()
				v.Signature.Root = chain[len(chain)-1].Subject.String()
			}
			if len(args) == 2 {
				report, err := compareTree(cmd.Context(), cmd.ErrOrStderr(), c, args[0], args[1])
				if err != nil {
					return err
				}
				v.Path = args[1]
				v.Files = report.statuses(c)
				for _, f := range v.Files {
					v.OK = v.OK && f.Status == fileValid
				}
			}
			if asJSON {
				if err := writeIndentedJSON(cmd.OutOrStdout(), v); err != nil {
					return err
				}
			} else {
				v.print(cmd.OutOrStdout(), emptyNotVouchedWhy(c))
			}
			if !v.OK {
				return exitstatus.Error(1)
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON, with every file's status")
	cmd.Flags().StringArrayVar(&roots, "root", nil, "trusted root certificate `file` (PEM or DER; repeatable; required)")
	cmd.Flags().BoolVar(&allowSHA1, "allow-sha1", false, "accept signers that digest with SHA-1 (older catalogs)")
	return cmd
}

// treeReport is what Compare says of a tree, and where the tree lies.
type treeReport struct {
	*catalog.Report
	root  string   // the real path of the folder the tree's paths are relative to
	files []string // the tree's files, relative to root
	empty []string
}

// The statuses of a file in `catalog verify`.
const (
	fileValid           = "valid"
	fileChanged         = "changed"
	fileMissing         = "missing"
	fileNotInCatalog    = "not-in-catalog"
	fileEmptyNotVouched = "empty-not-vouched"
)

// verifyReport is what `catalog verify` says, and the JSON of --json.
type verifyReport struct {
	Catalog   string `json:"catalog"`
	OK        bool   `json:"ok"`
	Signature struct {
		Valid  bool   `json:"valid"`
		Signer string `json:"signer,omitempty"` // the signing certificate's subject
		Root   string `json:"root,omitempty"`   // the trusted root's subject
		Error  string `json:"error,omitempty"`
	} `json:"signature"`
	Path  string       `json:"path,omitempty"`
	Files []fileStatus `json:"files,omitempty"`
}

type fileStatus struct {
	Path   string `json:"path"`
	Status string `json:"status"`
}

// statuses returns every file of the tree and of the catalog with its
// status, sorted by path.
func (r *treeReport) statuses(c *catalog.Catalog) []fileStatus {
	status := make(map[string]string)
	for _, p := range r.files {
		status[p] = fileValid
	}
	for _, p := range r.emptyNotVouched(c) {
		status[p] = fileEmptyNotVouched
	}
	for _, list := range []struct {
		status string
		paths  []string
	}{{fileChanged, r.Changed}, {fileMissing, r.Missing}, {fileNotInCatalog, r.Extra}} {
		for _, p := range list.paths {
			status[p] = list.status
		}
	}
	out := make([]fileStatus, 0, len(status))
	for _, p := range slices.Sorted(maps.Keys(status)) {
		out = append(out, fileStatus{p, status[p]})
	}
	return out
}

// print writes the report for people: a line for the signature, one per
// file that does not match, and one saying all match.
func (v *verifyReport) print(w io.Writer, emptyWhy string) {
	if v.Signature.Valid {
		printf(w, "%s: signed by %q, trusted through %q\n", v.Catalog, v.Signature.Signer, v.Signature.Root)
	} else {
		printf(w, "%s: signature: %s\n", v.Catalog, v.Signature.Error)
	}
	words := map[string]string{
		fileChanged: "changed", fileMissing: "missing from the tree", fileNotInCatalog: "not in the catalog",
		fileEmptyNotVouched: emptyWhy,
	}
	// In the order of old: changed, missing, extra, empty.
	matched := true
	for _, st := range []string{fileChanged, fileMissing, fileNotInCatalog, fileEmptyNotVouched} {
		for _, f := range v.Files {
			if f.Status == st {
				printf(w, "%s: %s\n", f.Path, words[st])
				matched = false
			}
		}
	}
	if v.Path != "" && matched {
		printf(w, "%s: every file matches the catalog\n", v.Path)
	}
}

// emptyNotVouched returns the empty files of the tree that Compare matched
// with the catalog's but that intact would not let run where they lie:
// the rule of the catalogs enforcer (catalog.EmptyFiles), so that verify
// and run agree.
func (r *treeReport) emptyNotVouched(c *catalog.Catalog) []string {
	vouched := c.EmptyFiles()
	var not []string
	for _, rel := range r.empty {
		if slices.Contains(r.Changed, rel) || slices.Contains(r.Extra, rel) {
			continue // said already
		}
		if !vouched.Vouches(filepath.Join(r.root, filepath.FromSlash(rel))) {
			not = append(not, rel)
		}
	}
	return not
}

// emptyNotVouchedWhy says why the catalog does not vouch for an empty file.
func emptyNotVouchedWhy(c *catalog.Catalog) string {
	if root := c.Root(); root != "" {
		return fmt.Sprintf("empty, and the catalog vouches for empty files only below its root %s", root)
	}
	return "empty, and the catalog records no root, so it vouches for no empty file"
}

// compareTree hashes PATH (a directory tree or one file) and compares it
// with the catalog. The catalog file itself, when it lies in the tree, is
// not one of the tree's files.
func compareTree(ctx context.Context, progress io.Writer, c *catalog.Catalog, catalogFile, path string) (*treeReport, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	// Where the runtime would find the files: real paths, as it resolves
	// them.
	root, err := realDir(path)
	if err != nil {
		return nil, err
	}
	bar := newProgressBar(progress)
	opts := &tree.Options{Progress: bar.callback()}
	collectGarbageLate()
	var files []catalog.File
	if fi.IsDir() {
		files, err = tree.Hash(ctx, path, opts)
		files = withoutFile(files, path, catalogFile)
	} else {
		files, err = tree.HashFiles(ctx, filepath.Dir(path), []string{filepath.Base(path)}, opts)
	}
	bar.finish()
	if err != nil {
		return nil, err
	}
	report, err := catalog.Compare(c, files)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	r := &treeReport{Report: report, root: root}
	for _, f := range files {
		r.files = append(r.files, f.Path)
		if f.Size == 0 {
			r.empty = append(r.empty, f.Path)
		}
	}
	return r, nil
}

// withoutFile drops the file named name from files hashed below root: a
// catalog kept in the tree it lists is not a member of itself.
func withoutFile(files []catalog.File, root, name string) []catalog.File {
	absRoot, err1 := filepath.Abs(root)
	absName, err2 := filepath.Abs(name)
	if err1 != nil || err2 != nil {
		return files
	}
	rel, err := filepath.Rel(absRoot, absName)
	if err != nil || !filepath.IsLocal(rel) {
		return files
	}
	rel = filepath.ToSlash(rel)
	return slices.DeleteFunc(files, func(f catalog.File) bool { return f.Path == rel })
}
