// Package intact makes programs that execute code files cooperate with
// code-integrity policy.
//
// A host that runs code (a script runtime, a plugin loader, an interpreter
// embedded in a Go program) asks one question before a file becomes code:
//
//	src, err := policy.ReadCode(path)
//
// ReadCode opens the file once, lets every enforcer judge the open file,
// reads the bytes from that same descriptor, makes sure the file did not
// change meanwhile, lets every enforcer judge those exact bytes, and returns
// them. The host must execute exactly the returned bytes. A refusal is a
// *ViolationError with code ERR_CODE_INTEGRITY_VIOLATION.
//
// ReadCode judges the bytes as a script engine will run them: by the digest
// of all of them, whatever the file is called. A host that hands a file to
// the OS image loader instead (dlopen, LoadLibrary) asks ReadImage, which
// also lets a PE image match by its Authenticode digest; bytes from
// ReadImage must never reach a script engine.
//
// Before running code that is not a file — an eval string, a REPL line, code
// piped on stdin — the host calls CheckInteractive, which returns a
// *BlockedError with code ERR_CODE_INTEGRITY_BLOCKED when the policy
// disables interactive mode.
//
// With no policy in force ReadCode reads the file as it is, and
// CheckInteractive returns nil: nothing changes, except that no more than
// the maximum code size is read, so that a device without end (/dev/zero)
// named as code fails instead of filling the memory.
//
// Policies come from enforcers (package enforcer and its subpackages):
// Windows WDAC through wldp.dll, the Linux kernel through AT_EXECVE_CHECK and
// the exec securebits, and signed Windows security catalogs checked against
// a WDAC policy file on any OS. Deny wins: every enforcing source must allow.
package intact
