//go:build !purego

package dualsha

//go:generate go run gen.go

// useSHANI says whether the processor has the SHA extensions (CPUID leaf 7,
// EBX bit 29; golang.org/x/sys/cpu does not report them on x86) and the
// SSSE3 and SSE4.1 instructions that the block function also uses.
var useSHANI = hasSHANI()

// blockSHANI runs the SHA-256 and SHA-1 compression functions over the
// whole 64-byte blocks of p.
//
//go:noescape
func blockSHANI(s256 *[8]uint32, s1 *[5]uint32, p []byte)

// cpuid returns the registers CPUID reports for leaf and subleaf.
func cpuid(leaf, subleaf uint32) (eax, ebx, ecx, edx uint32)

func hasSHANI() bool {
	maxLeaf, _, _, _ := cpuid(0, 0)
	if maxLeaf < 7 {
		return false
	}
	_, _, ecx1, _ := cpuid(1, 0)
	_, ebx7, _, _ := cpuid(7, 0)
	const (
		ssse3 = 1 << 9  // leaf 1, ECX
		sse41 = 1 << 19 // leaf 1, ECX
		sha   = 1 << 29 // leaf 7, EBX
	)
	return ecx1&ssse3 != 0 && ecx1&sse41 != 0 && ebx7&sha != 0
}
