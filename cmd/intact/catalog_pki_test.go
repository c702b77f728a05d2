package main

import (
	"os"
	"path/filepath"
	"runtime"

	"github.com/spf13/cobra"
)

// The test binary, which testscript runs as the "intact" command, has one
// more, hidden command: "intact catalog-test-pki DIR" copies the TEST-ONLY
// keys and certificates of testdata/pki (see its README) into DIR, so that
// scripts can sign and verify with them. The intact binary never has it.
func init() { register("catalog-test-pki", newCatalogTestPKICmd) }

func newCatalogTestPKICmd() *cobra.Command {
	return &cobra.Command{
		Use:    "catalog-test-pki DIR",
		Hidden: true,
		Args:   cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			_, file, _, _ := runtime.Caller(0)
			src := filepath.Join(filepath.Dir(file), "testdata", "pki")
			entries, err := os.ReadDir(src)
			if err != nil {
				return err
			}
			if err := os.MkdirAll(args[0], 0o755); err != nil {
				return err
			}
			for _, e := range entries {
				if filepath.Ext(e.Name()) == ".go" || e.Name() == "README.md" {
					continue
				}
				data, err := os.ReadFile(filepath.Join(src, e.Name()))
				if err != nil {
					return err
				}
				if err := os.WriteFile(filepath.Join(args[0], e.Name()), data, 0o644); err != nil {
					return err
				}
			}
			return nil
		},
	}
}
