// Package testhsm makes SoftHSM tokens for tests of PKCS #11 signing: a
// token of its own in a folder, with a key (and its certificate) imported,
// through Debian's softhsm2 (apt-get install softhsm2).
package testhsm

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
)

// modules are where distributions install SoftHSM's PKCS #11 module.
var modules = []string{
	"/usr/lib/softhsm/libsofthsm2.so",
	"/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
	"/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so",
	"/usr/lib64/pkcs11/libsofthsm2.so",
	"/usr/local/lib/softhsm/libsofthsm2.so",
}

// Module returns the path of SoftHSM's module, or an error saying what is
// missing and how to install it. Without cgo there is no way to load it.
func Module() (string, error) {
	if !cgoEnabled {
		return "", errors.New("built without cgo, which PKCS #11 needs")
	}
	if _, err := exec.LookPath("softhsm2-util"); err != nil {
		return "", errors.New("SoftHSM is not installed (apt-get install softhsm2)")
	}
	for _, m := range modules {
		if _, err := os.Stat(m); err == nil {
			return m, nil
		}
	}
	return "", fmt.Errorf("SoftHSM's module is in none of %v", modules)
}

// A Token is a SoftHSM token whose files are in a folder of its own.
type Token struct {
	Module string // SoftHSM's PKCS #11 module
	Conf   string // its configuration file: set SOFTHSM2_CONF to it
	Label  string
	PIN    string
}

// NewToken makes a token labelled label with user PIN pin, keeping its
// files in dir. The caller must set SOFTHSM2_CONF to the token's Conf
// before the module is loaded.
func NewToken(dir, label, pin string) (*Token, error) {
	module, err := Module()
	if err != nil {
		return nil, err
	}
	tokens := filepath.Join(dir, "tokens")
	if err := os.MkdirAll(tokens, 0o700); err != nil {
		return nil, err
	}
	conf := filepath.Join(dir, "softhsm2.conf")
	if err := os.WriteFile(conf, fmt.Appendf(nil, "directories.tokendir = %s\nobjectstore.backend = file\nlog.level = ERROR\n", tokens), 0o600); err != nil {
		return nil, err
	}
	tok := &Token{Module: module, Conf: conf, Label: label, PIN: pin}
	if err := tok.util("--init-token", "--free", "--label", label, "--pin", pin, "--so-pin", pin+"-so"); err != nil {
		return nil, err
	}
	return tok, nil
}

// ImportKey imports the PKCS #8 PEM private key in keyFile under label,
// with a CKA_ID of id.
func (t *Token) ImportKey(keyFile, label, id string) error {
	return t.util("--import", keyFile, "--token", t.Label, "--label", label, "--id", id, "--pin", t.PIN)
}

func (t *Token) util(args ...string) error {
	cmd := exec.Command("softhsm2-util", args...)
	cmd.Env = append(os.Environ(), "SOFTHSM2_CONF="+t.Conf)
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("softhsm2-util %s: %v\n%s", args[0], err, out)
	}
	return nil
}
