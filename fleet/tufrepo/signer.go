package tufrepo

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"fmt"
	"io"

	"github.com/sigstore/sigstore/pkg/signature"
	"github.com/theupdateframework/go-tuf/v2/metadata"
)

// signer signs TUF metadata with any crypto.Signer, in the scheme TUF names
// for its key type: ed25519, ecdsa-sha2-nistp256 (ASN.1 signatures over
// SHA-256) or rsassa-pss-sha256. go-tuf asks for a sigstore signer; this
// one needs no private key bytes, so a KMS or HSM key fits.
type signer struct {
	crypto.Signer
	opts crypto.SignerOpts
}

func newSigner(s crypto.Signer) (*signer, error) {
	switch pub := s.Public().(type) {
	case ed25519.PublicKey:
		return &signer{s, crypto.Hash(0)}, nil
	case *ecdsa.PublicKey:
		if pub.Curve != elliptic.P256() {
			return nil, fmt.Errorf("ECDSA key on %s: TUF signs with P-256 only", pub.Curve.Params().Name)
		}
		return &signer{s, crypto.SHA256}, nil
	case *rsa.PublicKey:
		return &signer{s, &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash, Hash: crypto.SHA256}}, nil
	default:
		return nil, fmt.Errorf("%T keys cannot sign TUF metadata (Ed25519, ECDSA P-256 or RSA)", pub)
	}
}

// SignMessage signs the canonical JSON go-tuf hands it.
func (s *signer) SignMessage(message io.Reader, _ ...signature.SignOption) ([]byte, error) {
	msg, err := io.ReadAll(message)
	if err != nil {
		return nil, err
	}
	if s.opts.HashFunc() != 0 {
		sum := sha256.Sum256(msg)
		msg = sum[:]
	}
	return s.Sign(rand.Reader, msg, s.opts)
}

// PublicKey is the key go-tuf derives the key id from.
func (s *signer) PublicKey(...signature.PublicKeyOption) (crypto.PublicKey, error) {
	return s.Public(), nil
}

// keyID returns the TUF key id of the signer's public key.
func (s *signer) keyID() (string, error) { return KeyID(s.Public()) }

// KeyID returns the TUF key id of pub, as root.json lists it.
func KeyID(pub crypto.PublicKey) (string, error) {
	key, err := metadata.KeyFromPublicKey(pub)
	if err != nil {
		return "", err
	}
	return key.ID()
}
