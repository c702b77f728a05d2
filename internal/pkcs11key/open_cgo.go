//go:build cgo

package pkcs11key

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/ThalesGroup/crypto11"
)

// Open loads the module, logs in to the token with the PIN and finds the
// key by its label. Errors name the module, the token or the key, and
// the reason.
func Open(cfg Config) (*Key, error) {
	switch {
	case cfg.Module == "":
		return nil, errors.New("pkcs11: no module given")
	case cfg.Token == "":
		return nil, errors.New("pkcs11: no token label given")
	case cfg.KeyLabel == "":
		return nil, errors.New("pkcs11: no key label given")
	}
	// A missing module is said plainly: crypto11 says only "failed to
	// open module".
	if _, err := os.Stat(cfg.Module); err != nil {
		return nil, fmt.Errorf("pkcs11: module: %w", err)
	}
	ctx, err := crypto11.Configure(&crypto11.Config{Path: cfg.Module, TokenLabel: cfg.Token, Pin: cfg.PIN})
	if err != nil {
		if strings.Contains(err.Error(), "could not find PKCS#11 token") {
			return nil, fmt.Errorf("pkcs11: token %q in %s: %w", cfg.Token, cfg.Module, ErrNotFound)
		}
		return nil, fmt.Errorf("pkcs11: token %q in %s: %w", cfg.Token, cfg.Module, err)
	}
	signers, err := ctx.FindKeyPairs(nil, []byte(cfg.KeyLabel))
	switch {
	case err != nil:
	case len(signers) == 0:
		err = ErrNotFound
	case len(signers) > 1:
		err = fmt.Errorf("%d keys have this label: give each key a label of its own", len(signers))
	}
	if err != nil {
		ctx.Close()
		return nil, fmt.Errorf("pkcs11: key %q in token %q: %w", cfg.KeyLabel, cfg.Token, err)
	}
	cert, err := ctx.FindCertificate(nil, []byte(cfg.KeyLabel), nil)
	if err != nil {
		ctx.Close()
		return nil, fmt.Errorf("pkcs11: certificate %q in token %q: %w", cfg.KeyLabel, cfg.Token, err)
	}
	return &Key{Signer: signers[0], Certificate: cert, close: ctx.Close}, nil
}
