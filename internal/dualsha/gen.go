//go:build ignore

// This program writes block_amd64.s: the SHA-256 and SHA-1 compression
// functions, with Intel's SHA extensions, run side by side over the same
// 64-byte blocks. Each half is the standard library's (crypto/sha256 and
// crypto/sha1, after S. Gulley et al., "New Instructions Supporting the
// Secure Hash Algorithm on Intel Architecture Processors", 2013), with its
// registers renamed so that the two fit in the 16 XMM registers together.
// Each hash's rounds form one chain of dependent instructions, bound by the
// latency of SHA256RNDS2 or SHA1RNDS4; with no dependency between the two
// chains, the processor runs the SHA-1 rounds while the SHA-256 rounds wait
// for their results. Interleaving the two in the text gained nothing
// measurable over placing one after the other (AMD EPYC, 2026-12-02).
//
//	go run gen.go [-o FILE]
package main

import (
	"bytes"
	"flag"
	"fmt"
	"log"
	"os"
)

// SHA-256 registers. SHA256RNDS2 reads X0 implicitly.
const (
	msg    = "X0"
	state0 = "X1" // ABEF
	state1 = "X2" // CDGH
	m0     = "X3"
	m1     = "X4"
	m2     = "X5"
	m3     = "X6"
	m4     = "X7"
)

// SHA-1 registers.
const (
	abcd     = "X8"
	msg0     = "X9"
	msg1     = "X10"
	msg2     = "X11"
	msg3     = "X12"
	e0       = "X13"
	e1       = "X14"
	shufMask = "X15"
)

// A group is the instructions of four rounds of one hash.
type group []string

func (g *group) add(format string, args ...any) { *g = append(*g, fmt.Sprintf(format, args...)) }

func sha256Groups() []group {
	var gs []group
	msg1 := func(g *group, m, a string) { g.add("SHA256MSG1 %s, %s", m, a) }
	for c, m := range []string{m0, m1, m2} {
		var g group
		g.add("MOVOU %d(SI), %s", c*16, msg)
		g.add("PSHUFB flip_mask<>(SB), %s", msg)
		g.add("MOVO %s, %s", msg, m)
		g.add("PADDD %d(AX), %s", c*32, msg)
		g.add("SHA256RNDS2 %s, %s, %s", msg, state0, state1)
		g.add("PSHUFD $0x0e, %s, %s", msg, msg)
		g.add("SHA256RNDS2 %s, %s, %s", msg, state1, state0)
		if c > 0 {
			msg1(&g, m, []string{m0, m1, m2}[c-1])
		}
		gs = append(gs, g)
	}
	// Rounds 12 to 59: the message schedule rotates through m0-m3.
	ms := []string{m3, m0, m1, m2}
	for c := 3; c <= 14; c++ {
		m, a, t := ms[(c-3)%4], ms[(c-3+3)%4], ms[(c-3+1)%4]
		var g group
		if c == 3 {
			g.add("MOVOU 48(SI), %s", msg)
			g.add("PSHUFB flip_mask<>(SB), %s", msg)
			g.add("MOVO %s, %s", msg, m)
		} else {
			g.add("MOVO %s, %s", m, msg)
		}
		g.add("PADDD %d(AX), %s", c*32, msg)
		g.add("SHA256RNDS2 %s, %s, %s", msg, state0, state1)
		g.add("MOVO %s, %s", m, m4)
		g.add("PALIGNR $4, %s, %s", a, m4)
		g.add("PADDD %s, %s", m4, t)
		g.add("SHA256MSG2 %s, %s", m, t)
		g.add("PSHUFD $0x0e, %s, %s", msg, msg)
		g.add("SHA256RNDS2 %s, %s, %s", msg, state1, state0)
		if c <= 12 {
			msg1(&g, m, a)
		}
		gs = append(gs, g)
	}
	var g group
	g.add("MOVO %s, %s", m3, msg)
	g.add("PADDD 480(AX), %s", msg)
	g.add("SHA256RNDS2 %s, %s, %s", msg, state0, state1)
	g.add("PSHUFD $0x0e, %s, %s", msg, msg)
	g.add("SHA256RNDS2 %s, %s, %s", msg, state1, state0)
	return append(gs, g)
}

func sha1Groups() []group {
	var gs []group
	var g group
	g.add("MOVOU (SI), %s", msg0)
	g.add("PSHUFB %s, %s", shufMask, msg0)
	g.add("PADDD %s, %s", msg0, e0)
	g.add("MOVO %s, %s", abcd, e1)
	g.add("SHA1RNDS4 $0, %s, %s", e0, abcd)
	gs = append(gs, g)

	g = nil
	g.add("MOVOU 16(SI), %s", msg1)
	g.add("PSHUFB %s, %s", shufMask, msg1)
	g.add("SHA1NEXTE %s, %s", msg1, e1)
	g.add("MOVO %s, %s", abcd, e0)
	g.add("SHA1RNDS4 $0, %s, %s", e1, abcd)
	g.add("SHA1MSG1 %s, %s", msg1, msg0)
	gs = append(gs, g)

	g = nil
	g.add("MOVOU 32(SI), %s", msg2)
	g.add("PSHUFB %s, %s", shufMask, msg2)
	g.add("SHA1NEXTE %s, %s", msg2, e0)
	g.add("MOVO %s, %s", abcd, e1)
	g.add("SHA1RNDS4 $0, %s, %s", e0, abcd)
	g.add("SHA1MSG1 %s, %s", msg2, msg1)
	g.add("PXOR %s, %s", msg2, msg0)
	gs = append(gs, g)

	// Rounds 12 to 67: e0 and e1 take turns, and the message registers
	// move up one every four rounds.
	msgs := []string{msg3, msg0, msg1, msg2}
	for i := range 14 {
		g = nil
		a, b := e1, e0
		if i%2 == 1 {
			a, b = e0, e1
		}
		if i == 0 {
			g.add("MOVOU 48(SI), %s", msg3)
			g.add("PSHUFB %s, %s", shufMask, msg3)
		}
		g.add("SHA1NEXTE %s, %s", msgs[i%4], a)
		g.add("MOVO %s, %s", abcd, b)
		g.add("SHA1MSG2 %s, %s", msgs[i%4], msgs[(1+i)%4])
		g.add("SHA1RNDS4 $%d, %s, %s", (12+i*4)/20, a, abcd)
		g.add("SHA1MSG1 %s, %s", msgs[i%4], msgs[(3+i)%4])
		g.add("PXOR %s, %s", msgs[i%4], msgs[(2+i)%4])
		gs = append(gs, g)
	}

	g = nil // rounds 68-71
	g.add("SHA1NEXTE %s, %s", msg1, e1)
	g.add("MOVO %s, %s", abcd, e0)
	g.add("SHA1MSG2 %s, %s", msg1, msg2)
	g.add("SHA1RNDS4 $3, %s, %s", e1, abcd)
	g.add("PXOR %s, %s", msg1, msg3)
	gs = append(gs, g)

	g = nil // rounds 72-75
	g.add("SHA1NEXTE %s, %s", msg2, e0)
	g.add("MOVO %s, %s", abcd, e1)
	g.add("SHA1MSG2 %s, %s", msg2, msg3)
	g.add("SHA1RNDS4 $3, %s, %s", e0, abcd)
	gs = append(gs, g)

	g = nil // rounds 76-79
	g.add("SHA1NEXTE %s, %s", msg3, e1)
	g.add("MOVO %s, %s", abcd, e0)
	g.add("SHA1RNDS4 $3, %s, %s", e1, abcd)
	return append(gs, g)
}

var k256 = [64]uint32{
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
	0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
	0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
	0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
	0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
}

func main() {
	out := flag.String("o", "block_amd64.s", "write the assembly to `FILE`")
	flag.Parse()
	var b bytes.Buffer
	p := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	line := func(l string) { // an instruction or comment, or a blank line
		if l != "" {
			l = "\t" + l
		}
		p("%s", l)
	}
	p("// Code generated by gen.go; DO NOT EDIT.")
	p("")
	p("//go:build !purego")
	p("")
	p("#include \"textflag.h\"")
	p("")
	p("// func blockSHANI(s256 *[8]uint32, s1 *[5]uint32, p []byte)")
	p("TEXT ·blockSHANI(SB), $80-40")
	for _, l := range []string{
		"MOVQ s256+0(FP), DI",
		"MOVQ s1+8(FP), R8",
		"MOVQ p_base+16(FP), SI",
		"MOVQ p_len+24(FP), DX",
		"SHRQ $6, DX",
		"SHLQ $6, DX",
		"CMPQ DX, $0",
		"JEQ done",
		"ADDQ SI, DX",
		"",
		"// 16-byte aligned room for the states at the start of a block; the",
		"// frame is 80 bytes because aligning SP up may skip up to 15 of them.",
		"// SHA-1's E at 0(BX), ABCD at 16(BX), SHA-256's ABEF at 32(BX), CDGH at 48(BX).",
		"LEAQ 15(SP), BX",
		"ANDQ $-16, BX",
		"",
		"// Load SHA-256's state and reorder it: DCBA, HGFE -> ABEF, CDGH.",
		"MOVOU (DI), " + state0,
		"MOVOU 16(DI), " + state1,
		"PSHUFD $0xb1, " + state0 + ", " + state0,
		"PSHUFD $0x1b, " + state1 + ", " + state1,
		"MOVO " + state0 + ", " + m4,
		"PALIGNR $8, " + state1 + ", " + state0,
		"PBLENDW $0xf0, " + m4 + ", " + state1,
		"LEAQ K256<>(SB), AX",
		"",
		"// Load SHA-1's state.",
		"PINSRD $3, 16(R8), " + e0,
		"MOVOU (R8), " + abcd,
		"PAND upper_mask<>(SB), " + e0,
		"PSHUFD $0x1b, " + abcd + ", " + abcd,
		"MOVO shuffle_mask<>(SB), " + shufMask,
	} {
		line(l)
	}
	p("")
	p("loop:")
	for _, l := range []string{
		"MOVO " + e0 + ", (BX)",
		"MOVO " + abcd + ", 16(BX)",
		"MOVO " + state0 + ", 32(BX)",
		"MOVO " + state1 + ", 48(BX)",
	} {
		line(l)
	}
	for _, g := range append(sha256Groups(), sha1Groups()...) {
		p("")
		for _, l := range g {
			line(l)
		}
	}
	p("")
	for _, l := range []string{
		"// Add the states at the start of the block.",
		"SHA1NEXTE (BX), " + e0,
		"PADDD 16(BX), " + abcd,
		"PADDD 32(BX), " + state0,
		"PADDD 48(BX), " + state1,
		"ADDQ $64, SI",
		"CMPQ SI, DX",
		"JNE loop",
		"",
		"// Store SHA-256's state in its order: ABEF, CDGH -> DCBA, HGFE.",
		"PSHUFD $0x1b, " + state0 + ", " + state0,
		"PSHUFD $0xb1, " + state1 + ", " + state1,
		"MOVO " + state0 + ", " + m4,
		"PBLENDW $0xf0, " + state1 + ", " + state0,
		"PALIGNR $8, " + m4 + ", " + state1,
		"MOVOU " + state0 + ", (DI)",
		"MOVOU " + state1 + ", 16(DI)",
		"",
		"// Store SHA-1's state.",
		"PSHUFD $0x1b, " + abcd + ", " + abcd,
		"MOVOU " + abcd + ", (R8)",
		"PEXTRD $3, " + e0 + ", 16(R8)",
	} {
		line(l)
	}
	p("")
	p("done:")
	p("\tRET")
	p("")
	// SHA256RNDS2 takes two rounds' constants from the low half of a
	// register; each 16 bytes of four constants is followed by 16 unused.
	for i := 0; i < 16; i++ {
		for j := 0; j < 4; j++ {
			p("DATA K256<>+%d(SB)/4, $0x%08x", i*32+j*4, k256[i*4+j])
		}
	}
	p("GLOBL K256<>(SB), RODATA|NOPTR, $512")
	p("")
	p("// Byte order of each 32-bit word, for SHA-256.")
	p("DATA flip_mask<>+0(SB)/8, $0x0405060700010203")
	p("DATA flip_mask<>+8(SB)/8, $0x0c0d0e0f08090a0b")
	p("GLOBL flip_mask<>(SB), RODATA|NOPTR, $16")
	p("")
	p("// Byte order of all 16 bytes, for SHA-1.")
	p("DATA shuffle_mask<>+0(SB)/8, $0x08090a0b0c0d0e0f")
	p("DATA shuffle_mask<>+8(SB)/8, $0x0001020304050607")
	p("GLOBL shuffle_mask<>(SB), RODATA|NOPTR, $16")
	p("")
	p("DATA upper_mask<>+0(SB)/8, $0x0000000000000000")
	p("DATA upper_mask<>+8(SB)/8, $0xffffffff00000000")
	p("GLOBL upper_mask<>(SB), RODATA|NOPTR, $16")
	if err := os.WriteFile(*out, b.Bytes(), 0o666); err != nil {
		log.Fatal(err)
	}
}
