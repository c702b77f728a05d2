// Package testtrace is for tests: what a process may do to its parent's
// memory and descriptors, as a child of a node under intact node would try
// (linuxsec.Thread.DenyTracing). Only Linux has it.
package testtrace
