//go:build !cgo

package testhsm

import (
	"crypto/x509"
	"errors"
)

const cgoEnabled = false

// ImportCertificate fails: PKCS #11 needs cgo.
func (t *Token) ImportCertificate(cert *x509.Certificate, label, id string) error {
	return errors.New("built without cgo, which PKCS #11 needs")
}
