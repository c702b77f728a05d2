//go:build !linux

package nodelib

import "github.com/dop251/goja"

// watch: fs.watch is built on inotify, which only Linux has; elsewhere it
// is not supported (null), rather than polled.
func (b *fsBinding) watch(string, bool, bool, goja.Value) goja.Value { return goja.Null() }
