package jsruntime_test

import (
	"context"
	"os"
	"os/exec"
	"regexp"
	"testing"
	"time"
)

// isolatedEnv names, in a child process of the test binary, the test the
// child runs.
const isolatedEnv = "INTACT_RUNTIME_ISOLATED_TEST"

// isolated runs the calling test again in a child process of the test
// binary and reports whether the caller is that child, which runs the
// test's body. The parent fails the test if the child fails, crashes (a
// fatal Go stack overflow cannot be recovered) or is still running after
// limit (a hang), so that the failure of one test cannot take down or stall
// the whole run. Where the platform allows, the child's address space is
// capped (see limitMemory), so that runaway allocation fails fast instead
// of exhausting the machine.
func isolated(t *testing.T, limit time.Duration) bool {
	t.Helper()
	if os.Getenv(isolatedEnv) == t.Name() {
		limitMemory(t)
		return true
	}
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^"+regexp.QuoteMeta(t.Name())+"$", "-test.v", "-test.count=1")
	cmd.Env = append(os.Environ(), isolatedEnv+"="+t.Name())
	out, err := cmd.CombinedOutput()
	if ctx.Err() != nil {
		t.Fatalf("still running after %v (a hang); output:\n%s", limit, head(out))
	}
	if err != nil {
		t.Fatalf("child process: %v; output:\n%s", err, head(out))
	}
	return false
}

// head is the start of a child's output, where a Go crash says why before
// it prints every goroutine.
func head(out []byte) []byte {
	const max = 4000
	if len(out) > max {
		return append(out[:max:max], "…"...)
	}
	return out
}
