package sipolicy_test

import (
	"crypto/sha256"
	"fmt"
	"os"

	"github.com/intactdev/intact/sipolicy"
)

// A WDAC policy read as intact's catalogs enforcer reads it: who is
// trusted, which hashes are allowed or denied, and the application
// settings for the application id "intact". The policy is the repository's
// example app's.
func ExampleParse() {
	data, err := os.ReadFile("../examples/policy.xml")
	if err != nil {
		fmt.Println(err)
		return
	}
	p, err := sipolicy.Parse("policy.xml", data)
	if err != nil {
		fmt.Println(err) // a *ParseError, naming the file and line
		return
	}
	fmt.Printf("%s %v, audit mode %v\n", p.FriendlyName, p.Version, p.Audit())
	for _, s := range p.AllowedSigners() {
		fmt.Printf("trusts %q by its %s %X…\n", s.Name, s.RootType, s.Root[:4])
	}
	for _, name := range []string{"EnforceCodeIntegrity", "DisableInteractiveMode", "DisableDynamicCode"} {
		value, src := p.LookupAppSetting("intact", name)
		fmt.Printf("%s: %v (%v)\n", name, value, src)
	}
	sum := sha256.Sum256([]byte("console.log('hi')\n"))
	fmt.Println("denied by hash:", p.DeniedHashes().Lookup(sum[:]) != nil)
	// Output:
	// intact example policy 1.0.0.0, audit mode false
	// trusts "intact EXAMPLE TEST-ONLY CA - do not trust" by its TBS 0FEF10FD…
	// EnforceCodeIntegrity: true (AppSettings)
	// DisableInteractiveMode: true (AppSettings)
	// DisableDynamicCode: false (AppSettings)
	// denied by hash: false
}
