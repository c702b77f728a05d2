//go:build !amd64 || purego

package dualsha

var useSHANI = false

func blockSHANI(s256 *[8]uint32, s1 *[5]uint32, p []byte) {
	panic("dualsha: no SHA extensions")
}
