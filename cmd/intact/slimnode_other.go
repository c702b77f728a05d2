//go:build !linux

package main

// execSlimNode returns at once: outside Linux intact node always runs in
// this process (see slimnode_linux.go).
func execSlimNode(args []string) {}
