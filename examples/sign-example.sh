#!/usr/bin/env bash
# Makes the example's TEST-ONLY certificate authority (once), then the signed
# catalog of examples/hello and the policy that trusts the CA. Run it from the
# repository root after changing any file of examples/hello:
#
#	bash examples/sign-example.sh
#
# The private keys in examples/pki are public: never trust this CA anywhere.
set -euo pipefail
cd "$(dirname "$0")"
intact() { go run ../cmd/intact "$@"; }

if [ ! -f pki/ca.pem ]; then
	subj() { echo "/O=intact examples/CN=$1"; }
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-keyout pki/ca.key -out pki/ca.pem -days 36500 \
		-subj "$(subj 'intact EXAMPLE TEST-ONLY CA - do not trust')" \
		-addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-keyout pki/signer.key -out pki/signer.csr \
		-subj "$(subj 'intact EXAMPLE TEST-ONLY signer - do not trust')"
	openssl x509 -req -in pki/signer.csr -CA pki/ca.pem -CAkey pki/ca.key -CAcreateserial \
		-out pki/signer.pem -days 36500 \
		-extfile <(printf 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=codeSigning\n')
	rm -f pki/signer.csr pki/ca.srl
fi

# A fixed effective date keeps the catalog's bytes reproducible.
intact catalog new hello -o hello.cat --time 2026-11-27T00:00:00Z \
	--cert pki/signer.pem --key pki/signer.key --chain pki/ca.pem
intact policy new --signer pki/ca.pem --enforce --deny-interactive \
	--id '{8E2D7C1A-5B3F-4E6A-9C0D-1F2A3B4C5D6E}' --name 'intact example policy' -o policy.xml
