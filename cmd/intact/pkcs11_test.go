package main

import (
	"fmt"
	"os"

	"github.com/intactdev/intact/internal/testhsm"
)

// softhsm-token DIR KEY.pk8 CERT.pem LABEL makes a SoftHSM token labelled
// intact-test with user PIN 1234, its files in DIR (set SOFTHSM2_CONF to
// DIR/softhsm2.conf), holding the PKCS #8 key and its certificate under
// LABEL. Scripts that use it say [softhsm], and find the module in
// $SOFTHSM_MODULE.
func init() {
	scriptCommands["softhsm-token"] = func() {
		if len(os.Args) != 5 {
			fmt.Fprintln(os.Stderr, "usage: softhsm-token DIR KEY.pk8 CERT.pem LABEL")
			os.Exit(2)
		}
		dir, keyFile, certFile, label := os.Args[1], os.Args[2], os.Args[3], os.Args[4]
		err := func() error {
			tok, err := testhsm.NewToken(dir, "intact-test", "1234")
			if err != nil {
				return err
			}
			if err := tok.ImportKey(keyFile, label, "01"); err != nil {
				return err
			}
			certs, err := readCertificates(certFile)
			if err != nil {
				return err
			}
			return tok.ImportCertificate(certs[0], label, "01")
		}()
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
}
