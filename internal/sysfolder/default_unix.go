//go:build unix

package sysfolder

// Default returns the system folder: /etc/intact.
func Default() string { return "/etc/intact" }
