package catalogs

import (
	"bytes"
	"crypto"
	"crypto/sha1"
	"crypto/sha256"

	"github.com/intactdev/intact/authenticode"
)

// digests are the hashes of one file's bytes, computed only when a lookup
// needs them: the SHA-256 is given; the SHA-1 serves version 1 catalogs and
// SHA-1 hash rules; the Authenticode digests serve PE members. When data is
// nil only the SHA-256 and the size are known (Enforcer.CheckDigest), and
// the other digests are not available.
type digests struct {
	data   []byte
	size   int64
	sha256 [sha256.Size]byte
	// image is whether the host hands the bytes to the OS image loader
	// (enforcer.Content.Image): only then may an Authenticode digest vouch
	// for them.
	image bool

	sha1     *[sha1.Size]byte
	peTried  bool
	peDigest *peDigests
}

type peDigests struct {
	sha256 [sha256.Size]byte
	sha1   [sha1.Size]byte
}

// flatSHA1 returns the SHA-1 of the bytes, or nil when they are not known.
func (d *digests) flatSHA1() *[sha1.Size]byte {
	if d.sha1 == nil && (d.data != nil || d.size == 0) {
		sum := sha1.Sum(d.data)
		d.sha1 = &sum
	}
	return d.sha1
}

// pe returns the Authenticode digests of the bytes, or nil when they are not
// a PE image or not known.
func (d *digests) pe() *peDigests {
	if d.peTried {
		return d.peDigest
	}
	d.peTried = true
	if d.data == nil {
		return nil
	}
	if !bytes.HasPrefix(d.data, []byte("MZ")) {
		return nil
	}
	sums, err := authenticode.Digest(bytes.NewReader(d.data), int64(len(d.data)), crypto.SHA256, crypto.SHA1)
	if err != nil {
		return nil
	}
	d.peDigest = &peDigests{sha256: [sha256.Size]byte(sums[0]), sha1: [sha1.Size]byte(sums[1])}
	return d.peDigest
}
