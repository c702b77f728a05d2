package main

import (
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/intactdev/intact/jsruntime"
	"github.com/spf13/cobra"
)

func init() { register("version", newVersionCmd) }

func newVersionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print intact's version, VCS revision, Go version and the Node.js version it emulates",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			fmt.Fprint(cmd.OutOrStdout(), versionText())
			return nil
		},
	}
}

// versionText is what `intact version` and `intact --version` print: the
// module version, the VCS revision the binary was built from (with
// "modified" when the tree had changes), the Go toolchain, and the Node.js
// version the runtime emulates (process.version).
func versionText() string {
	version, revision := "(devel)", ""
	if info, ok := debug.ReadBuildInfo(); ok {
		if info.Main.Version != "" {
			version = info.Main.Version
		}
		var modified bool
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				revision = s.Value
			case "vcs.modified":
				modified = s.Value == "true"
			}
		}
		if revision != "" && modified {
			revision += " (modified)"
		}
	}
	if revision == "" {
		revision = "unknown"
	}
	return fmt.Sprintf("intact %s\nrevision: %s\ngo: %s\nnode: v%s (the Node.js version the runtime emulates)\n",
		version, revision, runtime.Version(), jsruntime.NodeVersion)
}
