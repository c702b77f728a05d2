//go:build cgo

package testhsm

import (
	"crypto/x509"
	"encoding/hex"
	"fmt"
	"os"

	"github.com/ThalesGroup/crypto11"
)

const cgoEnabled = true

// ImportCertificate stores cert in the token under label, with the CKA_ID
// id (hex), as a signer finds it beside its key.
func (t *Token) ImportCertificate(cert *x509.Certificate, label, id string) error {
	rawID, err := hex.DecodeString(id)
	if err != nil {
		return fmt.Errorf("certificate id %q: %w", id, err)
	}
	// SoftHSM reads its configuration when the module is loaded.
	if err := os.Setenv("SOFTHSM2_CONF", t.Conf); err != nil {
		return err
	}
	ctx, err := crypto11.Configure(&crypto11.Config{Path: t.Module, TokenLabel: t.Label, Pin: t.PIN})
	if err != nil {
		return err
	}
	defer ctx.Close()
	return ctx.ImportCertificateWithLabel(rawID, []byte(label), cert)
}
