package main

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"software.sslmate.com/src/go-pkcs12"
)

// signingFlags choose the key and certificates that sign a catalog: PEM
// files (--cert, --key, optional --chain) or a PKCS #12 file (--pkcs12,
// optional --password-file, optional --chain).
type signingFlags struct {
	cert, key, chain     string
	pkcs12, passwordFile string
	timestamp            string // URL of an RFC 3161 time-stamping authority
}

func (f *signingFlags) register(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringVar(&f.cert, "cert", "", "signer certificate `file` (PEM or DER; may also hold the chain)")
	fl.StringVar(&f.key, "key", "", "signer private key `file` (PEM: PKCS #8, PKCS #1 or SEC 1; RSA or ECDSA)")
	fl.StringVar(&f.chain, "chain", "", "intermediate (and root) certificates `file` to embed (PEM)")
	fl.StringVar(&f.pkcs12, "pkcs12", "", "PKCS #12 `file` with the signer's key, certificate and chain")
	fl.StringVar(&f.passwordFile, "password-file", "", "`file` whose first line is the PKCS #12 password")
	fl.StringVar(&f.timestamp, "timestamp", "", "have the signature timestamped by the RFC 3161 time-stamping authority at `URL`")
}

// given reports whether any signing flag is set.
func (f *signingFlags) given() bool {
	return f.cert != "" || f.key != "" || f.pkcs12 != "" || f.chain != "" || f.passwordFile != "" || f.timestamp != ""
}

// load returns the signing key and the certificates to embed, the signer's
// own certificate first.
func (f *signingFlags) load() (crypto.Signer, []*x509.Certificate, error) {
	var (
		key   crypto.Signer
		certs []*x509.Certificate
	)
	switch {
	case f.pkcs12 != "" && (f.cert != "" || f.key != ""):
		return nil, nil, errors.New("--pkcs12 cannot be combined with --cert or --key")
	case f.pkcs12 != "":
		var err error
		if key, certs, err = readPKCS12(f.pkcs12, f.passwordFile); err != nil {
			return nil, nil, err
		}
	case f.passwordFile != "":
		return nil, nil, errors.New("--password-file needs --pkcs12")
	case f.cert == "" || f.key == "":
		return nil, nil, errors.New("signing needs --cert and --key, or --pkcs12")
	default:
		var err error
		if key, err = readPrivateKey(f.key); err != nil {
			return nil, nil, err
		}
		if certs, err = readCertificates(f.cert); err != nil {
			return nil, nil, err
		}
	}
	if f.chain != "" {
		chain, err := readCertificates(f.chain)
		if err != nil {
			return nil, nil, err
		}
		certs = append(certs, chain...)
	}
	return key, signerFirst(key, certs), nil
}

// signerFirst moves the certificate of key's public key to the front and
// drops duplicates, so that the certificate files may list the chain in any
// order. When no certificate matches, catalog.Sign reports it.
func signerFirst(key crypto.Signer, certs []*x509.Certificate) []*x509.Certificate {
	pub, _ := key.Public().(interface{ Equal(crypto.PublicKey) bool })
	var out []*x509.Certificate
	for _, c := range certs {
		switch {
		case slices.ContainsFunc(out, c.Equal):
		case pub != nil && pub.Equal(c.PublicKey):
			out = slices.Insert(out, 0, c)
		default:
			out = append(out, c)
		}
	}
	return out
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

// readPKCS12 reads a PKCS #12 file's key, certificate and chain.
func readPKCS12(name, passwordFile string) (crypto.Signer, []*x509.Certificate, error) {
	data, err := readRegularFile(name, maxKeyFileSize)
	if err != nil {
		return nil, nil, err
	}
	password := ""
	if passwordFile != "" {
		p, err := readRegularFile(passwordFile, maxKeyFileSize)
		if err != nil {
			return nil, nil, err
		}
		password, _, _ = strings.Cut(string(p), "\n")
		password = strings.TrimSuffix(password, "\r")
	}
	key, cert, chain, err := pkcs12.DecodeChain(data, password)
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
		return nil, errors.New("no trusted root given: use --root ROOT.pem (repeatable)")
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
