package main

import (
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/intactdev/intact/fleet/agent"
	"github.com/spf13/cobra"
)

func init() { register("agent", newAgentCmd) }

func newAgentCmd() *cobra.Command {
	var (
		configFile string
		once       bool
	)
	cmd := &cobra.Command{
		Use:   "agent [--once] --config FILE",
		Short: "Keep the system policy at the bundle the fleet's TUF repository names",
		Long: `Agent polls the fleet's TUF repository (doc/fleet.md) and installs the policy
bundle its target names: fetched by digest from the registries, checked (the
PolicyID allowed, the VersionEx not below the floor, every catalog trusted,
intact.Load accepts it) and switched into the system folder atomically. Without
--once it polls for ever, every interval with jitter, backing off on errors.
When the metadata is stale or unreachable, nothing changes: the policy in force
stays in force, and intact status says so.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := agent.ReadConfig(configFile)
			if err != nil {
				return err
			}
			if cfg.SystemDir == "" {
				cfg.SystemDir = systemDir // set only by tests
			}
			a, err := agent.New(cfg, agent.Options{})
			if err != nil {
				return err
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			w := cmd.ErrOrStderr()
			if once {
				res, err := a.Poll(ctx)
				if err != nil {
					return fmt.Errorf("%s: poll failed, the policy in force stays: %w", cfg.Target, err)
				}
				printPoll(w, cfg.Target, res, nil)
				return nil
			}
			err = a.Run(ctx, func(res *agent.Result, err error) { printPoll(w, cfg.Target, res, err) })
			if ctx.Err() != nil {
				return nil // stopped by a signal
			}
			return err
		},
	}
	cmd.Flags().StringVar(&configFile, "config", "", "the agent's configuration `file` (JSON, doc/fleet.md)")
	cmd.Flags().BoolVar(&once, "once", false, "poll once and exit (for a systemd timer); fail if the poll failed")
	_ = cmd.MarkFlagRequired("config")
	return cmd
}

// printPoll reports a poll's outcome, one line, timestamped like a log.
func printPoll(w io.Writer, target string, res *agent.Result, err error) {
	now := time.Now().UTC().Format(time.RFC3339)
	switch {
	case err != nil:
		printf(w, "%s %s: poll failed, the policy in force stays: %v\n", now, target, err)
	case res.Switched != nil:
		printf(w, "%s %s: installed policy %s version %s (bundle %s, generation %s)\n", now, target,
			res.Switched.PolicyID, res.Switched.VersionEx, res.Target.Digest, res.Switched.Name)
	default:
		printf(w, "%s %s: up to date (policy %s version %s)\n", now, target, res.Target.PolicyID, res.Target.VersionEx)
	}
}
