package main

import (
	"bytes"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/intactdev/intact"
	"github.com/intactdev/intact/fleet/generation"
	"github.com/intactdev/intact/internal/sysfolder"
	"github.com/spf13/cobra"
)

// TestRootCmdMakesOnlyTheCommandNamed: each subcommand is registered under
// the name it answers to; a command line that starts with one gets that
// one alone, any other gets them all.
func TestRootCmdMakesOnlyTheCommandNamed(t *testing.T) {
	names := func(root *cobra.Command) (ns []string) {
		for _, c := range root.Commands() {
			if c.Name() != "help" && c.Name() != "completion" { // cobra's own
				ns = append(ns, c.Name())
			}
		}
		return ns
	}
	var all []string
	for _, c := range commands {
		if got := c.newCmd().Name(); got != c.name {
			t.Errorf("the command registered as %q is named %q", c.name, got)
		}
		all = append(all, c.name)
	}
	slices.Sort(all)
	for _, c := range commands {
		root := newRootCmd([]string{c.name, "--help"})
		root.InitDefaultHelpCmd()
		if got := names(root); !slices.Equal(got, []string{c.name}) {
			t.Errorf("for %s: %v", c.name, got)
		}
	}
	for _, args := range [][]string{nil, {"help", "catalog"}, {"--help"}, {"catalgo"}, {"-p", "1"}} {
		root := newRootCmd(args)
		if got := names(root); !slices.Equal(got, all) {
			t.Errorf("for %q: %v, want all of %v", args, got, all)
		}
	}
}

// TestHelpNamesEverything: `intact --help` names every environment
// variable intact reads (each Env constant of its packages, found in their
// sources, so that a new one cannot be left out) and every file of the
// system folder, as the README promises (outside review rt64 found
// INTACT_EVENT_FORMAT and the fleet's files missing).
func TestHelpNamesEverything(t *testing.T) {
	root := newRootCmd([]string{"--help"})
	var out bytes.Buffer
	root.SetOut(&out)
	root.SetArgs([]string{"--help"})
	if err := root.Execute(); err != nil {
		t.Fatal(err)
	}
	help := out.String()
	want := []string{"SOURCE_DATE_EPOCH", sysfolder.Policy, sysfolder.Catalogs, sysfolder.Pointer, sysfolder.Generations,
		sysfolder.IndexCache, generation.FloorsName, generation.LockName, "events.conf"}
	// The Env constants of intact's packages; helpers of its tests (the
	// internal/test* packages, the node cache the tests install) are not
	// intact's.
	fset := token.NewFileSet()
	const module = "../.."
	err := filepath.WalkDir(module, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && path != module {
			switch name := d.Name(); {
			case name == "third_party" || name == "testdata" || name == "bench" || name == "nodecache" ||
				strings.HasPrefix(name, "test") || strings.HasPrefix(name, "."):
				return filepath.SkipDir
			}
			return nil
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			spec, ok := n.(*ast.ValueSpec)
			if !ok {
				return true
			}
			for i, name := range spec.Names {
				if !strings.HasPrefix(name.Name, "Env") || i >= len(spec.Values) {
					continue
				}
				if lit, ok := spec.Values[i].(*ast.BasicLit); ok && lit.Kind == token.STRING && strings.HasPrefix(lit.Value, `"INTACT_`) {
					want = append(want, strings.Trim(lit.Value, `"`))
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(want, intact.EnvEventFormat) {
		t.Fatalf("the sources' Env constants were not found: %v", want)
	}
	for _, w := range want {
		if !strings.Contains(help, w) {
			t.Errorf("intact --help does not name %s", w)
		}
	}
}
