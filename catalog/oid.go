package catalog

import (
	"bytes"
	"crypto"
	"encoding/asn1"

	"github.com/intactdev/intact/internal/der"
)

// Object identifiers. References: [MS-CAESO] and wintrust's mscat.h for the
// catalog ones, Authenticode_PE.docx for SPC_*, RFC 2315 for PKCS #7.
var (
	oidSignedData     = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 2}
	oidCTL            = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 311, 10, 1}    // szOID_CTL
	oidCatalogList    = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 311, 12, 1, 1} // szOID_CATALOG_LIST
	oidCatalogMember1 = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 311, 12, 1, 2} // szOID_CATALOG_LIST_MEMBER
	oidCatalogMember2 = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 311, 12, 1, 3} // szOID_CATALOG_LIST_MEMBER_V2
	oidNameValue      = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 311, 12, 2, 1} // CAT_NAMEVALUE_OBJID
	oidMemberInfo     = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 311, 12, 2, 2} // CAT_MEMBERINFO_OBJID
	oidMemberInfo2    = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 311, 12, 2, 3} // CAT_MEMBERINFO2_OBJID
	oidIndirectData   = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 311, 2, 1, 4}  // SPC_INDIRECT_DATA_OBJID
	oidStatementType  = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 311, 2, 1, 11} // SPC_STATEMENT_TYPE_OBJID
	oidOpusInfo       = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 311, 2, 1, 12} // SPC_SP_OPUS_INFO_OBJID
	oidPEImageData    = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 311, 2, 1, 15} // SPC_PE_IMAGE_DATAOBJ
	oidIndividualSign = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 311, 2, 1, 21} // SPC_INDIVIDUAL_SP_KEY_PURPOSE_OBJID
	oidCABData        = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 311, 2, 1, 25} // SPC_CAB_DATA_OBJID: flat files
	oidContentType    = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 3}      // PKCS #9
	oidMessageDigest  = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 4}      // PKCS #9
	oidSigningTime    = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 5}      // PKCS #9
	oidRSA            = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 1}      // rsaEncryption
	oidECDSASHA256    = asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 3, 2}       // ecdsa-with-SHA256
	oidSHA1           = asn1.ObjectIdentifier{1, 3, 14, 3, 2, 26}              // id-sha1
	oidSHA256         = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 1}  // id-sha256
	oidSHA384         = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 2}  // id-sha384
	oidSHA512         = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 3}  // id-sha512
	oidMD5            = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 5}         // md5

	// Timestamps
	oidCounterSignature = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 6}        // PKCS #9 countersignature
	oidRFC3161          = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 311, 3, 3, 1}    // szOID_RFC3161_counterSign
	oidTSTInfo          = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 16, 1, 4} // id-ct-TSTInfo
	oidECPublicKey      = asn1.ObjectIdentifier{1, 2, 840, 10045, 2, 1}            // id-ecPublicKey
	oidECDSASHA1        = asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 1}            // ecdsa-with-SHA1
	oidECDSASHA384      = asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 3, 3}         // ecdsa-with-SHA384
	oidECDSASHA512      = asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 3, 4}         // ecdsa-with-SHA512
	oidRSASHA1          = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 5}        // sha1WithRSAEncryption
	oidRSASHA256        = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 11}       // sha256WithRSAEncryption
	oidRSASHA384        = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 12}       // sha384WithRSAEncryption
	oidRSASHA512        = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 13}       // sha512WithRSAEncryption

	oidKeyUsage = asn1.ObjectIdentifier{2, 5, 29, 15} // id-ce-keyUsage, RFC 5280 §4.2.1.3
)

// The contents octets of the OIDs that the parser meets once per member,
// compared as bytes to avoid decoding them 100,000 times.
var (
	rawNameValue    = oidBody(oidNameValue)
	rawMemberInfo   = oidBody(oidMemberInfo)
	rawMemberInfo2  = oidBody(oidMemberInfo2)
	rawIndirectData = oidBody(oidIndirectData)
	rawPEImageData  = oidBody(oidPEImageData)
	rawCABData      = oidBody(oidCABData)
)

func oidBody(oid asn1.ObjectIdentifier) []byte {
	b := der.EncodeOID(oid)
	return b[2:] // all of these are shorter than 128 bytes
}

// digestAlgorithms maps digest algorithm identifiers to hash functions.
var digestAlgorithms = []struct {
	oid  asn1.ObjectIdentifier
	raw  []byte
	hash crypto.Hash
}{
	{oidSHA1, oidBody(oidSHA1), crypto.SHA1},
	{oidSHA256, oidBody(oidSHA256), crypto.SHA256},
	{oidSHA384, oidBody(oidSHA384), crypto.SHA384},
	{oidSHA512, oidBody(oidSHA512), crypto.SHA512},
	{oidMD5, oidBody(oidMD5), crypto.MD5},
}

// hashForRawOID returns the hash function a digest algorithm OID names,
// given the OID's contents octets, or 0.
func hashForRawOID(body []byte) crypto.Hash {
	for _, d := range digestAlgorithms {
		if bytes.Equal(d.raw, body) {
			return d.hash
		}
	}
	return 0
}

// algorithmIdentifier encodes AlgorithmIdentifier{oid, NULL}.
func algorithmIdentifier(oid asn1.ObjectIdentifier) []byte {
	return der.Encode(der.Sequence, der.EncodeOID(oid), []byte{byte(der.Null), 0})
}
