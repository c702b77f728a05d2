package main

import (
	"bufio"
	"context"
	"crypto"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/intactdev/intact/catalog"
	"github.com/intactdev/intact/catalog/tsa"
	"github.com/intactdev/intact/internal/exitstatus"
	"github.com/intactdev/intact/internal/pkcs11key"
	"github.com/spf13/cobra"
	"golang.org/x/term"
)

// signingFlags choose the key and certificates that sign a catalog: PEM
// files (--cert, --key, optional --chain), a PKCS #12 file (--pkcs12), or a
// key in a PKCS #11 token (--pkcs11-module, --pkcs11-token, --pkcs11-key);
// a password or PIN from a file, a variable, a descriptor or the terminal;
// and the time-stamping authorities.
type signingFlags struct {
	cert, key, chain string
	pkcs12           string
	pkcs11           pkcs11key.Config
	password         secretFlags
	timestamps       []string // URLs of RFC 3161 time-stamping authorities, tried in order
	retries          int
}

func (f *signingFlags) register(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringVar(&f.cert, "cert", "", "signer certificate `file` (PEM or DER; may also hold the chain)")
	fl.StringVar(&f.key, "key", "", "signer private key `file` (PEM: PKCS #8, PKCS #1 or SEC 1; RSA or ECDSA)")
	fl.StringVar(&f.chain, "chain", "", "intermediate (and root) certificates `file` to embed (PEM)")
	fl.StringVar(&f.pkcs12, "pkcs12", "", "PKCS #12 `file` with the signer's key, certificate and chain")
	fl.StringVar(&f.pkcs11.Module, "pkcs11-module", "", "sign with a key in a PKCS #11 token (HSM, smart card, KMS): the module's `library` file")
	fl.StringVar(&f.pkcs11.Token, "pkcs11-token", "", "the PKCS #11 token's `label`")
	fl.StringVar(&f.pkcs11.KeyLabel, "pkcs11-key", "", "the `label` of the key (and of its certificate, unless --cert is given) in the token")
	f.password.register(cmd, "the PKCS #12 password or the token's PIN")
	fl.StringArrayVar(&f.timestamps, "timestamp", nil, "have the signature timestamped by the RFC 3161 time-stamping authority at `URL` (repeatable: tried in order)")
	fl.IntVar(&f.retries, "timestamp-retries", 2, "`times` to ask an authority again after a failure that may pass (no connection, HTTP 429 or 5xx)")
}

// given reports whether any flag that asks for a signature is set.
func (f *signingFlags) given() bool {
	return f.cert != "" || f.key != "" || f.pkcs12 != "" || f.chain != "" || f.pkcs11 != (pkcs11key.Config{}) ||
		f.password.given() || len(f.timestamps) > 0
}

// signingKey is an open signing key and the certificates to embed, the
// signer's own first.
type signingKey struct {
	signer crypto.Signer
	certs  []*x509.Certificate
	close  func() error
}

// Close releases the key: it ends the session with a token.
func (k *signingKey) Close() error {
	if k.close == nil {
		return nil
	}
	return k.close()
}

// open opens the key the flags name, asking for a password or PIN on the
// terminal when none is given and one is needed, refuses a signer's
// certificate whose key usage forbids signing, and warns on stderr when
// the signer's certificate would not be trusted for code signing.
func (f *signingFlags) open(stderr io.Writer) (*signingKey, error) {
	k := &signingKey{}
	var certs []*x509.Certificate
	switch {
	case f.pkcs11.Module != "" || f.pkcs11.Token != "" || f.pkcs11.KeyLabel != "":
		if f.pkcs12 != "" || f.key != "" {
			return nil, errors.New("--pkcs11-module cannot be combined with --pkcs12 or --key")
		}
		if f.pkcs11.Module == "" || f.pkcs11.Token == "" || f.pkcs11.KeyLabel == "" {
			return nil, errors.New("a key in a PKCS #11 token needs --pkcs11-module, --pkcs11-token and --pkcs11-key")
		}
		pin, given, err := f.password.read()
		if err == nil && !given {
			pin, err = f.password.ask(stderr, "the PIN of token "+f.pkcs11.Token)
		}
		if err != nil {
			return nil, err
		}
		cfg := f.pkcs11
		cfg.PIN = pin
		key, err := pkcs11key.Open(cfg)
		if err != nil {
			return nil, err
		}
		k.signer, k.close = key, key.Close
		switch {
		case f.cert != "":
			if certs, err = readCertificates(f.cert); err != nil {
				key.Close()
				return nil, err
			}
		case key.Certificate != nil:
			certs = []*x509.Certificate{key.Certificate}
		default:
			key.Close()
			return nil, fmt.Errorf("token %s holds no certificate labelled %s: store it there or give --cert", cfg.Token, cfg.KeyLabel)
		}
	case f.pkcs12 != "" && (f.cert != "" || f.key != ""):
		return nil, errors.New("--pkcs12 cannot be combined with --cert or --key")
	case f.pkcs12 != "":
		var err error
		if k.signer, certs, err = readPKCS12(f.pkcs12, &f.password, stderr); err != nil {
			return nil, err
		}
	case f.password.given():
		return nil, errors.New("--password-file, --password-env and --password-fd need --pkcs12 or --pkcs11-module")
	case f.cert == "" || f.key == "":
		return nil, errors.New("signing needs --cert and --key, --pkcs12, or --pkcs11-module, --pkcs11-token and --pkcs11-key")
	default:
		var err error
		if k.signer, err = readPrivateKey(f.key); err != nil {
			return nil, err
		}
		if certs, err = readCertificates(f.cert); err != nil {
			return nil, err
		}
	}
	if f.chain != "" {
		chain, err := readCertificates(f.chain)
		if err != nil {
			k.Close()
			return nil, err
		}
		certs = append(certs, chain...)
	}
	k.certs = signerFirst(k.signer, certs)
	// A key usage without digitalSignature forbids the key itself to make
	// this signature (RFC 5280 §4.2.1.3), so no verifier should ever accept
	// it: refuse, where a missing code-signing EKU or a validity outside
	// now, which are about what verifiers trust, are warned of.
	if len(k.certs) > 0 && keyMatches(k.signer, k.certs[0]) {
		if err := catalog.CheckSignerKeyUsage(k.certs[0]); err != nil {
			k.Close()
			return nil, exitstatus.UsageError(fmt.Errorf("%s: %w; refusing to sign a catalog that verifiers would not trust", f.source(k.certs[0]), err))
		}
	}
	for _, w := range certificateWarnings(k.certs, time.Now()) {
		printf(stderr, "warning: %s\n", w)
	}
	return k, nil
}

// source names where the flags' certificate cert came from: --cert,
// --chain, the PKCS #12 file or the token.
func (f *signingFlags) source(cert *x509.Certificate) string {
	for _, name := range []string{f.cert, f.chain} {
		if name == "" {
			continue
		}
		if certs, err := readCertificates(name); err == nil && slices.ContainsFunc(certs, cert.Equal) {
			return name
		}
	}
	if f.pkcs12 != "" {
		return f.pkcs12
	}
	return "token " + f.pkcs11.Token
}

// certificateWarnings says why the signer's certificate chain would not be
// trusted for code signing at now, although the signature can be made: a
// signer without the code-signing extended key usage, or a certificate
// outside its validity. Catalog verifiers (Windows, osslsigncode, intact)
// refuse such signatures, so a pipeline should hear of it while signing.
func certificateWarnings(certs []*x509.Certificate, now time.Time) []string {
	if len(certs) == 0 {
		return nil
	}
	var warnings []string
	if leaf := certs[0]; !slices.Contains(leaf.ExtKeyUsage, x509.ExtKeyUsageCodeSigning) {
		warnings = append(warnings, fmt.Sprintf("the signer's certificate %q lacks the code-signing extended key usage: verifiers will not trust this catalog", leaf.Subject))
	}
	for i, c := range certs {
		whose := "the signer's certificate"
		if i > 0 {
			whose = "the chain's certificate"
		}
		switch {
		case now.Before(c.NotBefore):
			warnings = append(warnings, fmt.Sprintf("%s %q is not valid before %s: verifiers will not trust this catalog until then", whose, c.Subject, c.NotBefore.UTC().Format(time.RFC3339)))
		case now.After(c.NotAfter):
			warnings = append(warnings, fmt.Sprintf("%s %q expired on %s: verifiers will not trust this catalog", whose, c.Subject, c.NotAfter.UTC().Format(time.RFC3339)))
		}
	}
	return warnings
}

// sign signs an encoded catalog with key, and has the signature
// timestamped by the first authority that answers when the flags name any;
// failures that are followed by another try are reported on stderr.
func (f *signingFlags) sign(ctx context.Context, stderr io.Writer, data []byte, key *signingKey) ([]byte, error) {
	opts := &catalog.SignOptions{}
	if len(f.timestamps) > 0 {
		if f.retries < 0 {
			return nil, fmt.Errorf("--timestamp-retries %d: want 0 or more", f.retries)
		}
		failover := &tsa.Failover{Retries: f.retries, Backoff: 2 * time.Second,
			Log: func(err error, next *tsa.Authority) { printf(stderr, "warning: %v; asking %s\n", err, next) }}
		for _, url := range f.timestamps {
			failover.Authorities = append(failover.Authorities, &tsa.Authority{URL: url})
		}
		opts.UnauthenticatedAttributes = func(signature []byte) ([][]byte, error) {
			attr, err := failover.Timestamp(ctx, signature)
			if err != nil {
				return nil, err
			}
			return [][]byte{attr}, nil
		}
	}
	return catalog.Sign(data, key.signer, key.certs, opts)
}

// secretFlags say where a password or PIN comes from: the first line of a
// file, an environment variable, or the first line read from an open file
// descriptor (a pipe from a secrets manager, say). When none is given it is
// asked for on the terminal, if there is one.
type secretFlags struct {
	file, env string
	fd        int
}

func (s *secretFlags) register(cmd *cobra.Command, what string) {
	fl := cmd.Flags()
	fl.StringVar(&s.file, "password-file", "", "`file` whose first line is "+what)
	fl.StringVar(&s.env, "password-env", "", "environment `variable` that holds "+what)
	fl.IntVar(&s.fd, "password-fd", -1, "open file `descriptor` to read "+what+" from (its first line)")
}

func (s *secretFlags) given() bool { return s.file != "" || s.env != "" || s.fd >= 0 }

// read returns the secret from the source the flags name, and whether
// they name one.
func (s *secretFlags) read() (secret string, given bool, err error) {
	n := 0
	for _, set := range []bool{s.file != "", s.env != "", s.fd >= 0} {
		if set {
			n++
		}
	}
	switch {
	case n > 1:
		return "", true, errors.New("give only one of --password-file, --password-env and --password-fd")
	case s.file != "":
		data, err := readRegularFile(s.file, maxKeyFileSize)
		if err != nil {
			return "", true, err
		}
		return firstLine(string(data)), true, nil
	case s.env != "":
		v, ok := os.LookupEnv(s.env)
		if !ok {
			return "", true, fmt.Errorf("--password-env %s: the variable is not set", s.env)
		}
		return v, true, nil
	case s.fd >= 0:
		if term.IsTerminal(s.fd) {
			// A terminal echoes what is typed on it: the secret would be
			// on screen, in scrollback and in session recordings.
			return "", true, exitstatus.UsageError(fmt.Errorf("--password-fd %d is a terminal, which would show the password as it is typed: leave out --password-fd, and intact asks for it without echo", s.fd))
		}
		f := os.NewFile(uintptr(s.fd), "descriptor "+strconv.Itoa(s.fd))
		if f == nil {
			return "", true, fmt.Errorf("--password-fd %d: not a descriptor", s.fd)
		}
		defer f.Close()
		line, err := bufio.NewReaderSize(io.LimitReader(f, maxKeyFileSize), 4096).ReadString('\n')
		if err != nil && err != io.EOF {
			return "", true, fmt.Errorf("--password-fd %d: %w", s.fd, err)
		}
		return firstLine(line), true, nil
	}
	return "", false, nil
}

// ask reads what (a password, a PIN) from the terminal without echoing
// it, after a prompt on w. Without a terminal it says how to give it
// instead.
func (s *secretFlags) ask(w io.Writer, what string) (string, error) {
	fd := int(os.Stdin.Fd())
	if !term.IsTerminal(fd) {
		return "", fmt.Errorf("no terminal to ask for %s on: give it with --password-env, --password-fd or --password-file", what)
	}
	fmt.Fprintf(w, "Enter %s: ", what)
	secret, err := term.ReadPassword(fd)
	fmt.Fprintln(w)
	if err != nil {
		return "", fmt.Errorf("reading the password: %w", err)
	}
	return string(secret), nil
}

// firstLine is s up to its first line end.
func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return strings.TrimSuffix(line, "\r")
}
