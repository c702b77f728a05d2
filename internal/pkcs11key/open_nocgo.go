//go:build !cgo

package pkcs11key

import "errors"

// Open fails: PKCS #11 modules are C libraries, and this program was built
// without cgo.
func Open(cfg Config) (*Key, error) {
	return nil, errors.New("pkcs11: this program was built without cgo (CGO_ENABLED=0), which PKCS #11 modules need")
}
