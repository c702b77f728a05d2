//go:build !linux

// Command node measures intact node, which runs on Linux only.
package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Fprintln(os.Stderr, "bench: intact node, and so this benchmark, runs on Linux only")
	os.Exit(2)
}
