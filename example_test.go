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

// A host reads every file that becomes code through ReadCode and runs
// exactly the bytes returned; ad-hoc code asks CheckInteractive first.
func ExamplePolicy_ReadCode() {
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
