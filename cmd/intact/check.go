package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/intactdev/intact"
	"github.com/intactdev/intact/enforcer"
	"github.com/intactdev/intact/internal/exitstatus"
	"github.com/intactdev/intact/internal/regularfile"
	"github.com/spf13/cobra"
)

func init() { register("check", newCheckCmd) }

func newCheckCmd() *cobra.Command {
	var flags policyFlags
	var asJSON, image, recursive bool
	cmd := &cobra.Command{
		Use:   "check [--policy P] [--catalog C]... [--json] [--image] [-r] FILE|FOLDER...",
		Short: "Say whether each file may run under the policy in force, and why",
		Long: `Check reads each file as the runtime would (intact.ReadCode) and prints its
verdict: which catalog and signer, or which hash rule, allowed it, or what
failed. It exits with status 1 if any file is refused. In audit mode a file
that would be refused is reported as allowed, with the would-be denial.

Like the runtime, check follows symbolic links and judges the real file
they lead to, which it names ("judged: PATH") when it is another path.
The bytes are judged as script, JSON or WebAssembly are: by the digest of
all of them. With --image they are judged as the OS image loader's would
be (intact.ReadImage), where a PE image may also match by its Authenticode
digest; the runtime never runs such a file (.dll, .exe, .node, ...).

With -r a folder stands for every file below it, in lexical order. A
symbolic link below it is judged by its target when that is a file inside
the folder; one that leads out of the folder (or to a folder) is reported
refused, its target not read. The links are judged when the folder is
walked, and each file is then read by its path: someone who can change the
tree while check runs can swap a file for a link in between and make check
read, hash and log a file elsewhere that check's user can read. Run check
-r on a tree others cannot write, or as the tree's owner. Check such a link
by naming it. Without -r a folder
is refused as the runtime would refuse it. When no policy checks files, a
FIFO or device is reported, not read (the runtime would read it as it is). When the policy cannot be loaded
(a broken system policy), every file is reported refused with the reason:
nothing runs until it is fixed; check then exits 2, a configuration error.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			paths, err := checkPaths(args, recursive)
			if err != nil {
				return err
			}
			// A policy that cannot be loaded refuses everything; check
			// still says so for each file, and why, rather than going
			// dark.
			p, loadErr := flags.load()
			results := make([]checkResult, 0, len(paths))
			refused := false
			for _, path := range paths {
				var r checkResult
				if path.outside != "" {
					r = checkResult{Path: path.name, Checks: []enforcerCheck{},
						Error: fmt.Sprintf("symbolic link %s %s: not followed by check -r (check it by name to judge its target)", path.leads, path.outside)}
				} else if loadErr != nil {
					r = unavailableResult(path.name, loadErr)
				} else if err := checkable(p, path.name); err != nil {
					r = checkResult{Path: path.name, Checks: []enforcerCheck{}, Error: err.Error()}
				} else {
					r = checkFile(p, path.name, image)
				}
				refused = refused || !r.Allowed
				results = append(results, r)
			}
			if asJSON {
				if err := writeIndentedJSON(cmd.OutOrStdout(), results); err != nil {
					return err
				}
			} else {
				for _, r := range results {
					printCheck(cmd.OutOrStdout(), r)
				}
			}
			if loadErr != nil {
				// Each file is refused, but the cause is the
				// configuration: status 2, as run and status give it.
				return exitstatus.Error(exitstatus.Usage)
			}
			if refused {
				return exitstatus.Error(1)
			}
			return nil
		},
	}
	flags.register(cmd)
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	cmd.Flags().BoolVar(&image, "image", false, "judge the files as the OS image loader would, not as script")
	cmd.Flags().BoolVarP(&recursive, "recursive", "r", false, "check every file in the folders given, and below")
	return cmd
}

// checkResult is one file's verdict, also the JSON shape of `check --json`.
type checkResult struct {
	Path    string `json:"path"`
	Judged  string `json:"judged,omitempty"` // the real path judged, when symbolic links lead elsewhere
	Image   bool   `json:"image,omitempty"`  // judged as the OS image loader would (--image)
	Allowed bool   `json:"allowed"`
	SHA256  string `json:"sha256,omitempty"`
	Code    string `json:"code,omitempty"`  // ERR_CODE_INTEGRITY_VIOLATION when refused by policy
	Error   string `json:"error,omitempty"` // the error that refused the file
	// Refusal says why, by a stable reason, and what to do next.
	Refusal *intact.Refusal `json:"refusal,omitempty"`
	Checks  []enforcerCheck `json:"checks"`
}

// enforcerCheck is one enforcer's part in a verdict.
type enforcerCheck struct {
	Enforcer    string `json:"enforcer"`
	Allowed     bool   `json:"allowed"`
	Audit       bool   `json:"audit,omitempty"` // a denial that audit mode let through
	Reason      string `json:"reason,omitempty"`
	Detail      string `json:"detail,omitempty"`
	HashRule    string `json:"hash_rule,omitempty"`
	Catalog     string `json:"catalog,omitempty"`
	Signer      string `json:"signer,omitempty"`
	Certificate string `json:"certificate,omitempty"`
}

// checkFile judges path exactly as the runtime would, with ReadCode on the
// real path symbolic links lead to (or, for image, with ReadImage), and on
// path itself when that file is empty, and reports how each enforcer
// judged the bytes read.
func checkFile(p *intact.Policy, path string, image bool) checkResult {
	r := checkResult{Path: path, Image: image, Checks: []enforcerCheck{}}
	judged := path
	if real, err := filepath.EvalSymlinks(path); err == nil && real != filepath.Clean(path) {
		judged, r.Judged = real, real
	}
	explain := p.ExplainCode
	if image {
		explain = p.ExplainImage
	}
	data, ex, err := explain(judged)
	if err == nil && len(data) == 0 && judged != path {
		// As the runtime does: an empty file, vouched for by path, is
		// judged at the path a link put it, not at the link's target.
		judged, r.Judged = path, ""
		data, ex, err = explain(judged)
	}
	if err != nil {
		r.Error = err.Error()
		r.Code = intact.ErrorCode(err)
		r.Refusal = intact.Explain(err)
		var v *intact.ViolationError
		if errors.As(err, &v) {
			for _, d := range v.Denials {
				r.Checks = append(r.Checks, enforcerCheck{Enforcer: d.Enforcer, Reason: string(d.Reason), Detail: denialDetail(d)})
			}
		}
		return r
	}
	r.Allowed = true
	if len(ex.Verdicts) == 0 {
		return r
	}
	r.SHA256 = upperHex(ex.SHA256[:])
	for _, v := range ex.Verdicts {
		a := v.Allowance
		c := enforcerCheck{Enforcer: v.Enforcer, Allowed: true,
			HashRule: a.HashRule, Catalog: a.Catalog, Signer: a.PolicySigner, Certificate: a.SignedBy}
		if len(v.Audited) == 0 {
			r.Checks = append(r.Checks, c)
		}
		for _, d := range v.Audited {
			c.Allowed, c.Audit = false, true
			c.Reason, c.Detail = string(d.Reason), denialDetail(d)
			r.Checks = append(r.Checks, c)
		}
	}
	return r
}

// checkable returns an error when no policy checks files and path names no
// regular file: the runtime would read such a FIFO or device as it is, but
// check must not wait on one, nor read one without end, so it says what it
// is instead. Under a policy that checks files ReadCode refuses them at
// once itself.
func checkable(p *intact.Policy, path string) error {
	if p.ChecksCode() {
		return nil
	}
	f, err := regularfile.Open(path)
	if err == nil {
		return f.Close()
	}
	if fi, serr := os.Stat(path); serr == nil && !fi.Mode().IsRegular() && !fi.IsDir() {
		return fmt.Errorf("%w: not checked (check reads no FIFO or device)", err)
	}
	return nil // checkFile reports what is wrong, as the runtime would
}

// A checkPath is a file to check; outside, when not empty, is the folder
// given to -r that a symbolic link at name leads out of, or to a folder
// in ("out of", "to a folder in").
type checkPath struct {
	name, outside, leads string
}

// checkPaths returns the files to check: args, with each folder replaced
// by the files below it when recursive. A symbolic link below a folder is
// checked only when it leads to a file inside that folder.
func checkPaths(args []string, recursive bool) ([]checkPath, error) {
	var out []checkPath
	for _, arg := range args {
		fi, err := os.Lstat(arg)
		if !recursive || err != nil || !fi.IsDir() {
			out = append(out, checkPath{name: arg}) // checkFile reports what is wrong
			continue
		}
		root, err := filepath.EvalSymlinks(arg)
		if err != nil {
			return nil, err
		}
		err = filepath.WalkDir(arg, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			switch {
			case d.IsDir():
			case d.Type()&fs.ModeSymlink != 0:
				if leads := linkLeads(path, root); leads != "" {
					out = append(out, checkPath{name: path, outside: arg, leads: leads})
				} else {
					out = append(out, checkPath{name: path})
				}
			default:
				out = append(out, checkPath{name: path})
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// linkLeads says where the symbolic link at path leads when check -r must
// not follow it: "out of" root (a real path), or "to a folder in" it. It
// returns "" for a link to a file below root, or to nothing (checkFile
// then says the file is missing).
func linkLeads(path, root string) string {
	real, err := filepath.EvalSymlinks(path)
	if errors.Is(err, fs.ErrNotExist) {
		return ""
	}
	if err != nil {
		return "out of"
	}
	rel, err := filepath.Rel(root, real)
	if err != nil || !filepath.IsLocal(rel) {
		return "out of"
	}
	if fi, err := os.Stat(real); err != nil || fi.IsDir() {
		return "to a folder in"
	}
	return ""
}

// unavailableResult is the verdict on path when the policy cannot be
// loaded: refused, since nothing may run, with the load error as the
// reason.
func unavailableResult(path string, loadErr error) checkResult {
	r := checkResult{Path: path, Code: intact.CodeViolation, Error: loadErr.Error(), Checks: []enforcerCheck{}}
	r.Refusal = &intact.Refusal{
		Code: intact.CodeViolation, Path: path, Reason: enforcer.ReasonPolicyUnavailable,
		Why:  "the policy cannot be loaded, so nothing runs: " + loadErr.Error(),
		Next: "fix or restore the policy file it names ('intact policy show FILE' points at the line), or its catalogs; 'intact status' shows what is loaded",
	}
	return r
}

func denialDetail(d *enforcer.Denial) string {
	detail := d.Detail
	if d.Err != nil {
		if detail != "" {
			detail += ": "
		}
		detail += d.Err.Error()
	}
	return detail
}

func printCheck(w io.Writer, r checkResult) {
	if r.Judged != "" {
		printf(w, "%s: judged: %s\n", r.Path, r.Judged)
	}
	switch {
	case r.Allowed && len(r.Checks) == 0:
		printf(w, "%s: allowed (no policy enforces code integrity)\n", r.Path)
	case r.Allowed:
		printf(w, "%s: allowed\n", r.Path)
	default:
		printf(w, "%s: refused: %s\n", r.Path, r.Error)
		if r.Refusal != nil {
			printf(w, "  why: %s\n", r.Refusal.Why)
			printf(w, "  next: %s\n", r.Refusal.Next)
		}
	}
	for _, c := range r.Checks {
		switch {
		case c.Audit:
			printf(w, "  %s: audit mode: would be refused: %s: %s\n", c.Enforcer, c.Reason, c.Detail)
		case !c.Allowed:
			printf(w, "  %s: %s: %s\n", c.Enforcer, c.Reason, c.Detail)
		case c.HashRule != "":
			printf(w, "  %s: allowed by hash rule %s\n", c.Enforcer, c.HashRule)
		case c.Catalog != "":
			printf(w, "  %s: listed in %s, signed by %s, trusted through signer %s\n", c.Enforcer, c.Catalog, c.Certificate, c.Signer)
		default:
			printf(w, "  %s: allowed\n", c.Enforcer)
		}
	}
}
