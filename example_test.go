package intact_test

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/intactdev/intact"
	"github.com/intactdev/intact/enforcer"
)

// allowList is a content enforcer that allows only the exact bytes it lists.
type allowList map[[32]byte]bool

func (allowList) Name() string { return "allow-list" }
func (allowList) Settings() enforcer.Settings {
	return enforcer.Settings{EnforceCodeIntegrity: true, DisableInteractiveMode: true}
}
func (allowList) Status() enforcer.Status { return enforcer.Status{Available: true} }
func (a allowList) CheckContent(c enforcer.Content) error {
	if !a[c.SHA256] {
		return &enforcer.Denial{Reason: enforcer.ReasonNotInCatalog}
	}
	return nil
}

// A host with a policy source of its own: an enforcer that allows only
// the exact bytes it lists. A host reads every file that becomes code
// through ReadCode and runs exactly the bytes returned; ad-hoc code asks
// CheckInteractive first.
func ExampleNew() {
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	trusted := filepath.Join(dir, "trusted.js")
	tampered := filepath.Join(dir, "tampered.js")
	os.WriteFile(trusted, []byte("console.log('hi')"), 0o644)
	os.WriteFile(tampered, []byte("console.log('pwned')"), 0o644)

	var allowed allowList = map[[32]byte]bool{}
	allowed[sha256.Sum256([]byte("console.log('hi')"))] = true
	policy := intact.New(intact.Config{Enforcers: []enforcer.Enforcer{allowed}})

	src, err := policy.ReadCode(trusted)
	fmt.Printf("%s %v\n", src, err)

	_, err = policy.ReadCode(tampered)
	var v *intact.ViolationError
	if errors.As(err, &v) {
		fmt.Println(v.Code(), v.Reason())
	}

	err = policy.CheckInteractive(intact.FeatureEval)
	fmt.Println(intact.ErrorCode(err)+":", err)
	// Output:
	// console.log('hi') <nil>
	// ERR_CODE_INTEGRITY_VIOLATION not-in-catalog
	// ERR_CODE_INTEGRITY_BLOCKED: The feature "eval" is blocked by OS Code Integrity policy
}

// A host under a WDAC policy file and a signed catalog, those of the
// repository's example app: the files the catalog lists may run, a changed
// copy may not, and the policy disables interactive mode.
func ExamplePolicy_ReadCode() {
	scratch, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(scratch)
	policy, err := intact.Load(intact.LoadOptions{
		Policies: []string{"examples/policy.xml"},
		Catalogs: []string{"examples/hello.cat"},
		// A folder with no system policy, so that what this example prints
		// does not depend on the machine; a host leaves SystemDir empty.
		SystemDir: filepath.Join(scratch, "system"),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	src, err := policy.ReadCode("examples/hello/lib/greet.js")
	fmt.Println(len(src), "bytes,", err)

	tampered := filepath.Join(scratch, "greet.js")
	os.WriteFile(tampered, append(src, "// changed\n"...), 0o644)
	_, err = policy.ReadCode(tampered)
	var v *intact.ViolationError
	if errors.As(err, &v) {
		fmt.Println(v.Code(), v.Reason())
	}

	fmt.Println(intact.ErrorCode(policy.CheckInteractive(intact.FeatureREPL)))
	// Output:
	// 155 bytes, <nil>
	// ERR_CODE_INTEGRITY_VIOLATION not-in-catalog
	// ERR_CODE_INTEGRITY_BLOCKED
}

// ReadCode asks the policy in force for this process (the system's, and
// the policies and catalogs named by INTACT_POLICY and INTACT_CATALOGS),
// loaded once. What it returns depends on the machine, so this example
// has no output to check.
func ExampleReadCode() {
	src, err := intact.ReadCode("main.js")
	if err != nil {
		// A *ViolationError or *BlockedError carries Node.js's code,
		// ERR_CODE_INTEGRITY_VIOLATION or ERR_CODE_INTEGRITY_BLOCKED; any
		// other error (a missing file, a policy that cannot be loaded)
		// has none. Either way, nothing of the file runs.
		fmt.Fprintln(os.Stderr, intact.ErrorCode(err), err)
		return
	}
	_ = src // compile and run exactly these bytes
}
