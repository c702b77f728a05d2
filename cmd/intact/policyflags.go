package main

import (
	"github.com/intactdev/intact"
	"github.com/intactdev/intact/internal/exitstatus"
	"github.com/spf13/cobra"
)

// systemDir replaces the system policy folder in tests: the cmd/intact test
// binary sets it from TEST_INTACT_SYSTEM_DIR, and the builds of
// internal/npmcompat.BuildIntact link a scratch folder into it (-ldflags -X).
// A release build leaves it empty and nothing sets it at run time, so
// nothing on the command line or in the environment moves the system policy.
var systemDir string

// policyFlags are the flags that add policies and catalogs to the system's.
type policyFlags struct {
	policies []string
	catalogs []string
}

func (f *policyFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringArrayVar(&f.policies, "policy", nil, "also enforce this WDAC policy XML `file` (repeatable; adds to the system policy)")
	cmd.Flags().StringArrayVar(&f.catalogs, "catalog", nil, "also load this catalog `file or folder` (repeatable)")
}

// load returns the policy in force with the flags' additions. A policy
// that cannot be loaded is a configuration error (exit status 2): nothing
// may run.
func (f *policyFlags) load() (*intact.Policy, error) {
	p, err := intact.Load(intact.LoadOptions{
		Policies:  f.policies,
		Catalogs:  f.catalogs,
		SystemDir: systemDir,
	})
	if err != nil {
		return nil, exitstatus.WithHint(exitstatus.UsageError(err),
			"Nothing runs until the policy loads; 'intact check FILE' explains what refuses it.")
	}
	return p, nil
}
