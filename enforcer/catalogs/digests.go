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
// SHA-1 hash rules; the Authenticode digests serve PE members.
type digests struct {
	data   []byte
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

func (d *digests) flatSHA1() [sha1.Size]byte {
	if d.sha1 == nil {
		sum := sha1.Sum(d.data)
		d.sha1 = &sum
	}
	return *d.sha1
}

// pe returns the Authenticode digests of the bytes, or nil when they are not
// a PE image.
func (d *digests) pe() *peDigests {
	if d.peTried {
		return d.peDigest
	}
	d.peTried = true
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
