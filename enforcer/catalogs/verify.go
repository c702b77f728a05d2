package catalogs

import (
	"crypto/x509"
	"errors"

	"github.com/intactdev/intact/catalog"
)

// verifySignature checks that the catalog's signatures cover its content,
// whoever signed it, and returns the first signer's certificate. It returns
// errUnsigned for a catalog without signers.
func verifySignature(cat *catalog.Catalog) (*x509.Certificate, error) {
	if err := cat.CheckSignature(); err != nil {
		if errors.Is(err, catalog.ErrUnsigned) {
			return nil, errUnsigned
		}
		return nil, err
	}
	return cat.Signers[0].Certificate, nil
}
