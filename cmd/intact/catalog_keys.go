package main

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"slices"

	"github.com/intactdev/intact/internal/exitstatus"
	"software.sslmate.com/src/go-pkcs12"
)

// signerFirst moves the certificate of key's public key to the front and
// drops duplicates, so that the certificate files may list the chain in any
// order. Of several certificates of the key (a renewed one in --cert, the
// old one still in --chain), the first listed signs. When no certificate
// matches, catalog.Sign reports it.
func signerFirst(key crypto.Signer, certs []*x509.Certificate) []*x509.Certificate {
	var out []*x509.Certificate
	signer := false
	for _, c := range certs {
		switch {
		case slices.ContainsFunc(out, c.Equal):
		case !signer && keyMatches(key, c):
			out = slices.Insert(out, 0, c)
			signer = true
		default:
			out = append(out, c)
		}
	}
	return out
}

// keyMatches reports whether cert certifies key's public key.
func keyMatches(key crypto.Signer, cert *x509.Certificate) bool {
	pub, ok := key.Public().(interface{ Equal(crypto.PublicKey) bool })
	return ok && pub.Equal(cert.PublicKey)
}

// maxKeyFileSize bounds certificate, key and password files.
const maxKeyFileSize = 1 << 20

// readCertificates reads every certificate of a PEM file, or the one
// certificate of a DER file.
func readCertificates(name string) ([]*x509.Certificate, error) {
	data, err := readRegularFile(name, maxKeyFileSize)
	if err != nil {
		return nil, err
	}
	if !bytes.Contains(data, []byte("-----BEGIN")) {
		cert, err := x509.ParseCertificate(data)
		if err != nil {
			return nil, fmt.Errorf("%s: neither PEM nor a DER certificate: %w", name, err)
		}
		return []*x509.Certificate{cert}, nil
	}
	var certs []*x509.Certificate
	for rest := data; ; {
		var block *pem.Block
		if block, rest = pem.Decode(rest); block == nil {
			break
		}
		if block.Type != "CERTIFICATE" {
			continue
		}
		cert, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("%s: certificate %d: %w", name, len(certs)+1, err)
		}
		certs = append(certs, cert)
	}
	if len(certs) == 0 {
		return nil, fmt.Errorf("%s: no CERTIFICATE block", name)
	}
	return certs, nil
}

// readPrivateKey reads the first private key of a PEM file: PKCS #8
// ("PRIVATE KEY"), PKCS #1 ("RSA PRIVATE KEY") or SEC 1 ("EC PRIVATE KEY").
func readPrivateKey(name string) (crypto.Signer, error) {
	data, err := readRegularFile(name, maxKeyFileSize)
	if err != nil {
		return nil, err
	}
	for rest := data; ; {
		var block *pem.Block
		if block, rest = pem.Decode(rest); block == nil {
			return nil, fmt.Errorf("%s: no PEM private key (PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY)", name)
		}
		var key any
		switch block.Type {
		case "PRIVATE KEY":
			key, err = x509.ParsePKCS8PrivateKey(block.Bytes)
		case "RSA PRIVATE KEY", "EC PRIVATE KEY":
			if _, encrypted := block.Headers["DEK-Info"]; encrypted {
				return nil, fmt.Errorf("%s: encrypted PEM keys are not supported; use --pkcs12 with --password-file", name)
			}
			if block.Type == "RSA PRIVATE KEY" {
				key, err = x509.ParsePKCS1PrivateKey(block.Bytes)
			} else {
				key, err = x509.ParseECPrivateKey(block.Bytes)
			}
		case "ENCRYPTED PRIVATE KEY":
			return nil, fmt.Errorf("%s: encrypted PKCS #8 keys are not supported; use --pkcs12 with --password-file", name)
		default:
			continue // e.g. EC PARAMETERS, or a certificate in the same file
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %s: %w", name, block.Type, err)
		}
		signer, ok := key.(crypto.Signer)
		if !ok {
			return nil, fmt.Errorf("%s: %T cannot sign", name, key)
		}
		return signer, nil
	}
}

// readPKCS12 reads a PKCS #12 file's key, certificate and chain. It tries
// the empty password first unless one is given, since many files have
// none, and asks on the terminal only when that fails.
func readPKCS12(name string, password *secretFlags, prompt io.Writer) (crypto.Signer, []*x509.Certificate, error) {
	data, err := readRegularFile(name, maxKeyFileSize)
	if err != nil {
		return nil, nil, err
	}
	pw, given, err := password.read()
	if err != nil {
		return nil, nil, err
	}
	key, cert, chain, err := pkcs12.DecodeChain(data, pw)
	if err != nil && !given && errors.Is(err, pkcs12.ErrIncorrectPassword) {
		if pw, err = password.ask(prompt, "the password of "+name); err != nil {
			return nil, nil, err
		}
		key, cert, chain, err = pkcs12.DecodeChain(data, pw)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", name, err)
	}
	signer, ok := key.(crypto.Signer)
	if !ok {
		return nil, nil, fmt.Errorf("%s: %T cannot sign", name, key)
	}
	return signer, append([]*x509.Certificate{cert}, chain...), nil
}

// readRoots reads the trusted roots of --root flags into a pool.
func readRoots(names []string) (*x509.CertPool, error) {
	if len(names) == 0 {
		return nil, exitstatus.UsageError(errors.New("no trusted root given: use --root ROOT.pem (repeatable)"))
	}
	pool := x509.NewCertPool()
	for _, name := range names {
		certs, err := readCertificates(name)
		if err != nil {
			return nil, err
		}
		for _, c := range certs {
			pool.AddCert(c)
		}
	}
	return pool, nil
}
