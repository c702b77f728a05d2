package intact_test

import (
	"errors"
	"fmt"
	"log"

	"github.com/intactdev/intact"
)

// A host that runs code loads the policy in force once and reads every code
// file through it, executing exactly the bytes returned.
func ExampleLoad() {
	policy, err := intact.Load(intact.LoadOptions{AppID: "myapp"})
	if err != nil {
		log.Fatal(err) // fail closed: run nothing
	}
	src, err := policy.ReadCode("plugins/hello.lua")
	var v *intact.ViolationError
	switch {
	case errors.As(err, &v):
		log.Fatalf("%s: %s", v.Code(), v.Explain())
	case err != nil:
		log.Fatal(err)
	}
	fmt.Printf("running %d bytes\n", len(src))

	if err := policy.CheckInteractive(intact.FeatureREPL); err != nil {
		log.Fatal(err) // ERR_CODE_INTEGRITY_BLOCKED
	}
}
