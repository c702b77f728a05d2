package jsruntime_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/intactdev/intact"
	"github.com/intactdev/intact/jsruntime"
)

// The runtime runs the repository's example app under its policy and
// signed catalog: every file it loads passes the policy before it runs.
// The policy also disables interactive mode, so code given as a string is
// refused before any of it runs.
func Example() {
	scratch, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(scratch)
	policy, err := intact.Load(intact.LoadOptions{
		Policies: []string{"../examples/policy.xml"},
		Catalogs: []string{"../examples/hello.cat"},
		// No system policy, so that the output does not depend on the
		// machine; a host leaves SystemDir empty.
		SystemDir: filepath.Join(scratch, "system"),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	cfg := jsruntime.Config{Policy: policy, Args: []string{"embedder"}, Stdout: os.Stdout, Stderr: os.Stdout, NoWarnings: true}

	rt, err := jsruntime.New(cfg)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer rt.Close()
	status, err := rt.RunMain("../examples/hello/main.js")
	fmt.Println("exit status", status, err)

	rt2, err := jsruntime.New(cfg)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer rt2.Close()
	// The program returns what stopped it, as an error with Node's code.
	status, err = rt2.Eval("1 + 1", true)
	fmt.Println("exit status", status, intact.ErrorCode(err))
	// Output:
	// ┌───────┐
	// │ hello │
	// └───────┘
	// Hello, embedder! This is intact running JavaScript under code-integrity policy.
	// Each file of this app (main.js, lib/greet.js, config.json, tiny-banner) goes through the code-integrity policy before it runs.
	// exit status 0 <nil>
	// Error [ERR_CODE_INTEGRITY_BLOCKED]: The feature "eval" is blocked by OS Code Integrity policy {
	//   code: 'ERR_CODE_INTEGRITY_BLOCKED'
	// }
	// exit status 1 ERR_CODE_INTEGRITY_BLOCKED
}
