//go:build !unix

package regularfile

// nonBlocking is empty where opening a file cannot block on a FIFO.
const nonBlocking = 0
