package execcheck

import (
	"fmt"
	"testing"

	"golang.org/x/sys/unix"
)

func TestRefusalMapping(t *testing.T) {
	for _, tc := range []struct {
		err     error
		name    string
		refused bool
	}{
		{unix.EACCES, "EACCES", true},                            // mode, noexec, Landlock, IMA, IPE
		{unix.EPERM, "EPERM", true},                              // fanotify (fapolicyd)
		{unix.ETXTBSY, "ETXTBSY", true},                          // open for writing
		{fmt.Errorf("wrapped: %w", unix.EACCES), "EACCES", true}, // through a wrapper
		{unix.ENOEXEC, "", false},                                // format is not checked: a failure
		{unix.EINVAL, "", false},                                 // no AT_EXECVE_CHECK: a failure
		{unix.EBADF, "", false},                                  // bad descriptor
		{fmt.Errorf("not an errno"), "", false},
	} {
		name, refused := refusal(tc.err)
		if name != tc.name || refused != tc.refused {
			t.Errorf("refusal(%v) = %q, %v; want %q, %v", tc.err, name, refused, tc.name, tc.refused)
		}
	}
}
