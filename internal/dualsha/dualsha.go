// Package dualsha computes the SHA-256 and the SHA-1 digests of the same
// bytes in one pass.
//
// A version 2 Windows catalog lists every file under both digests. With
// the SHA extensions of x86 processors, each hash is bound by the latency of
// its round instructions rather than by their throughput, so running the
// rounds of both side by side over each block costs little more than one
// of them. Elsewhere, and on processors without the extensions, a Digest
// runs crypto/sha256 and crypto/sha1 one after the other.
package dualsha

import (
	"crypto/sha1"
	"crypto/sha256"
	"encoding/binary"
	"hash"
)

const blockSize = 64

// Initial states (FIPS 180-4, 5.3.1 and 5.3.3).
var (
	init256 = [8]uint32{0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19}
	init1   = [5]uint32{0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0}
)

// A Digest computes both digests of the bytes written to it. The zero
// value is not ready: use New.
type Digest struct {
	s256 [8]uint32
	s1   [5]uint32
	buf  [blockSize]byte
	nbuf int
	n    uint64 // bytes written

	// Without the SHA extensions.
	h256, h1 hash.Hash
}

// New returns a Digest of no bytes.
func New() *Digest {
	d := new(Digest)
	if !useSHANI {
		d.h256, d.h1 = sha256.New(), sha1.New()
	}
	d.Reset()
	return d
}

// Reset makes d a digest of no bytes.
func (d *Digest) Reset() {
	if d.h256 != nil {
		d.h256.Reset()
		d.h1.Reset()
		return
	}
	d.s256, d.s1, d.nbuf, d.n = init256, init1, 0, 0
}

// Write adds p to the bytes hashed. It never fails.
func (d *Digest) Write(p []byte) (int, error) {
	if d.h256 != nil {
		d.h256.Write(p)
		return d.h1.Write(p)
	}
	n := len(p)
	d.n += uint64(n)
	if d.nbuf > 0 {
		c := copy(d.buf[d.nbuf:], p)
		d.nbuf += c
		p = p[c:]
		if d.nbuf < blockSize {
			return n, nil
		}
		blockSHANI(&d.s256, &d.s1, d.buf[:])
		d.nbuf = 0
	}
	if full := len(p) &^ (blockSize - 1); full > 0 {
		blockSHANI(&d.s256, &d.s1, p[:full])
		p = p[full:]
	}
	d.nbuf = copy(d.buf[:], p)
	return n, nil
}

// Sums returns the SHA-256 and the SHA-1 digest of the bytes written so
// far. It does not change d.
func (d *Digest) Sums() (sum256 [sha256.Size]byte, sum1 [sha1.Size]byte) {
	if d.h256 != nil {
		// Not Sum(sum256[:0]): a slice of the results passed to an
		// interface method would move them to the heap on every path,
		// two allocations per call where the SHA extensions need none.
		copy(sum256[:], d.h256.Sum(nil))
		copy(sum1[:], d.h1.Sum(nil))
		return sum256, sum1
	}
	// Both hashes pad alike: a 1 bit, zeros, and the length in bits as a
	// 64-bit big-endian number, to a whole number of blocks.
	s256, s1 := d.s256, d.s1
	var tail [2 * blockSize]byte
	n := copy(tail[:], d.buf[:d.nbuf])
	tail[n] = 0x80
	end := blockSize
	if n+1+8 > blockSize {
		end = 2 * blockSize
	}
	binary.BigEndian.PutUint64(tail[end-8:], d.n*8)
	blockSHANI(&s256, &s1, tail[:end])
	for i, v := range s256 {
		binary.BigEndian.PutUint32(sum256[4*i:], v)
	}
	for i, v := range s1 {
		binary.BigEndian.PutUint32(sum1[4*i:], v)
	}
	return sum256, sum1
}

// Sum returns the SHA-256 and the SHA-1 digest of data.
func Sum(data []byte) (sum256 [sha256.Size]byte, sum1 [sha1.Size]byte) {
	if !useSHANI {
		return sha256.Sum256(data), sha1.Sum(data)
	}
	var d Digest
	d.Reset()
	d.Write(data)
	return d.Sums()
}
