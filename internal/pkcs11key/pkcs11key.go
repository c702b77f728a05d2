// Package pkcs11key signs with a private key that never leaves a PKCS #11
// token: a hardware security module, a smart card, SoftHSM, or a cloud
// KMS's PKCS #11 library. The key is a crypto.Signer, so catalog.Sign uses
// it as it uses a key read from a file, and other back ends (a cloud KMS's
// own API) can be added the same way.
//
// PKCS #11 modules are C libraries: this package needs cgo. Built without
// cgo (CGO_ENABLED=0, or cross-compiled), Open says so and nothing else
// changes.
package pkcs11key

import (
	"crypto"
	"crypto/x509"
	"errors"
)

// Config names the module, the token and the key.
type Config struct {
	Module   string // the PKCS #11 library's file, e.g. /usr/lib/softhsm/libsofthsm2.so
	Token    string // the token's label
	KeyLabel string // the private key's CKA_LABEL
	PIN      string // the user PIN of the token
}

// A Key is a private key in a token, open until Close.
type Key struct {
	crypto.Signer
	// Certificate is the certificate stored in the token with the key's
	// label, or nil when there is none.
	Certificate *x509.Certificate
	close       func() error
}

// Close ends the session with the token.
func (k *Key) Close() error { return k.close() }

// ErrNotFound is wrapped by Open's error when the token or the key is not
// there.
var ErrNotFound = errors.New("not found")
