// Package catalog reads, makes, signs and verifies Windows security catalogs
// (.cat files) in pure Go.
//
// A catalog lists the digests of files that its signer vouches for: WDAC
// trusts a file whose digest is a member of a catalog signed by a trusted
// signer. This package implements the format that MakeCat, New-FileCatalog
// and the Windows build produce, so catalogs made here are read by Windows
// and catalogs made by Windows are read here.
//
//   - [Parse] reads a catalog; [Catalog.Index] builds a digest lookup for
//     enforcement, by member kind ([Index.LookupKind]): a PE member's
//     Authenticode digest is the plain digest of other bytes.
//   - [ReadIndex] does what Parse and Index do, for enforcement, in one
//     pass over a file: it keeps the members' digests, not the members or
//     the file's bytes, and hashes the signed content while it indexes it.
//     A member laid out byte for byte like an earlier one but for its tag,
//     digest and values is checked by comparing it with that one.
//   - [Build] writes an unsigned catalog of files that package tree has
//     hashed the way New-FileCatalog does.
//   - [Sign] signs a catalog, and [TimestampRequest] has its signature
//     timestamped; [Catalog.Verify] checks the signature and the signer's
//     certificate chain.
//   - [Compare] does what Test-FileCatalog does: it reports files changed,
//     missing or not listed.
//
// Choices worth knowing:
//
//   - Build's output is byte for byte what New-FileCatalog writes for the
//     same files and time (the tests compare against real catalogs), except
//     the list identifier, which is derived from the content instead of
//     random so that builds are reproducible.
//   - Sign writes no signingTime unless asked: Authenticode signers omit it
//     and rely on timestamps, which SignOptions.UnauthenticatedAttributes
//     can add.
//   - Verify requires explicit roots, the code-signing extended key usage on
//     the signer's certificate, and SHA-256 or better unless AllowSHA1.
//   - Compare matches paths case-insensitively, as Test-FileCatalog does
//     and as the Windows file systems that catalogs target do; Build refuses
//     paths that differ only in case for the same reason.
//
// # Format
//
// The layouts below are those this package reads and writes. References:
// RFC 2315 (PKCS #7), [MS-CAESO] §4.4 (certificate trust lists), Microsoft's
// "Windows Authenticode Portable Executable Signature Format" (SPC_*
// structures), wintrust's mscat.h (CAT_* OIDs and CRYPTCAT_ATTR_* flags), and
// the real catalogs under the repository's shared test vectors.
//
// A catalog is a DER ContentInfo of PKCS #7 SignedData (version 1) whose
// content type is szOID_CTL (1.3.6.1.4.1.311.10.1). Unlike CMS, the CTL
// SEQUENCE is the [0] EXPLICIT content itself, not an OCTET STRING, and the
// signer's messageDigest covers the CTL's contents octets (without its tag
// and length). An unsigned catalog has empty digestAlgorithms and
// signerInfos SETs.
//
//	ContentInfo ::= SEQUENCE {
//	  contentType  OBJECT IDENTIFIER,          -- 1.2.840.113549.1.7.2 signedData
//	  content  [0] EXPLICIT SignedData }
//	SignedData ::= SEQUENCE {
//	  version           INTEGER,               -- 1
//	  digestAlgorithms  SET OF AlgorithmIdentifier,
//	  contentInfo       SEQUENCE {
//	    contentType  OBJECT IDENTIFIER,        -- 1.3.6.1.4.1.311.10.1 szOID_CTL
//	    content  [0] EXPLICIT CertificateTrustList },
//	  certificates  [0] IMPLICIT SET OF Certificate OPTIONAL,
//	  crls          [1] IMPLICIT SET OF CertificateList OPTIONAL,
//	  signerInfos       SET OF SignerInfo }
//	CertificateTrustList ::= SEQUENCE {
//	  version           INTEGER OPTIONAL,      -- absent in every known catalog
//	  subjectUsage      SEQUENCE OF OBJECT IDENTIFIER, -- 1.3.6.1.4.1.311.12.1.1 catalog list
//	  listIdentifier    OCTET STRING OPTIONAL, -- 16 bytes
//	  sequenceNumber    INTEGER OPTIONAL,
//	  ctlThisUpdate     Time,
//	  ctlNextUpdate     Time OPTIONAL,
//	  subjectAlgorithm  AlgorithmIdentifier,   -- 1.3.6.1.4.1.311.12.1.2 v1 (SHA-1 members)
//	                                           -- 1.3.6.1.4.1.311.12.1.3 v2 (SHA-256 members)
//	  trustedSubjects   SEQUENCE OF TrustedSubject OPTIONAL,
//	  ctlExtensions [0] EXPLICIT SEQUENCE OF Extension OPTIONAL } -- catalog attributes
//	TrustedSubject ::= SEQUENCE {
//	  subjectIdentifier OCTET STRING,          -- the member tag
//	  subjectAttributes SET OF Attribute OPTIONAL }
//	Attribute ::= SEQUENCE { type OBJECT IDENTIFIER, values SET OF ANY }
//
// Member attributes:
//
//	CAT_NAMEVALUE   1.3.6.1.4.1.311.12.2.1: NameValue
//	CAT_MEMBERINFO  1.3.6.1.4.1.311.12.2.2: SEQUENCE { subjectGUID BMPString, certVersion INTEGER } -- v1
//	CAT_MEMBERINFO2 1.3.6.1.4.1.311.12.2.3: [n] IMPLICIT NULL -- v2: 0 PE, 1 CAB, 2 flat
//	SPC_INDIRECT_DATA 1.3.6.1.4.1.311.2.1.4: SpcIndirectDataContent
//	NameValue ::= SEQUENCE { name BMPString, flags INTEGER, value OCTET STRING }
//	SpcIndirectDataContent ::= SEQUENCE {
//	  data SEQUENCE { type OBJECT IDENTIFIER, value ANY OPTIONAL },
//	  messageDigest SEQUENCE { digestAlgorithm AlgorithmIdentifier, digest OCTET STRING } }
//
// The data type is SPC_PE_IMAGE_DATA (1.3.6.1.4.1.311.2.1.15) with an
// SpcPeImageData value for PE images, whose digest is the Authenticode image
// hash, and SPC_CAB_DATA (1.3.6.1.4.1.311.2.1.25) with an SpcLink value for
// every other file, whose digest covers the file's exact bytes.
//
// A catalog attribute is an Extension { extnID 1.3.6.1.4.1.311.12.2.1,
// extnValue OCTET STRING containing a NameValue }. A name-value's flags are
// CRYPTCAT_ATTR_* bits; MakeCat stores 0x10010001 with the value as UTF-16LE
// text plus a NUL, or with 0x00020000 (DATABASE64) the decoded bytes.
// Empty files, which have nothing to hash, are catalog attributes
// FilePath=<relative path>, as New-FileCatalog writes them; intact adds
// IntactRoot=<absolute folder> (RootAttribute), without which the relative
// paths vouch for no file (see EmptyFiles).
//
// Version 1 member tags are the UTF-16LE uppercase hexadecimal SHA-1 digest
// plus a NUL, with CAT_MEMBERINFO naming the subject interface package
// ({C689AAB8-8E78-11D0-8C47-00C04FC295EE} PE, {DE351A42-8E59-11D0-8C47-00C04FC295EE}
// flat) and version 512. Version 2 tags are the raw SHA-256 digest, and
// every file also has a SHA-1 "compatibility" member: its tag is the raw
// SHA-1 digest, it has CAT_MEMBERINFO2 and the file's name-values but no
// indirect data. Writers sort members by tag bytes and every SET in DER
// order.
//
// A signed catalog has one SignerInfo (RFC 2315 §9.2):
//
//	SignerInfo ::= SEQUENCE {
//	  version                    INTEGER,      -- 1
//	  issuerAndSerialNumber      SEQUENCE { issuer Name, serialNumber INTEGER },
//	  digestAlgorithm            AlgorithmIdentifier,
//	  authenticatedAttributes    [0] IMPLICIT SET OF Attribute,
//	  digestEncryptionAlgorithm  AlgorithmIdentifier, -- rsaEncryption or ecdsa-with-SHA256
//	  encryptedDigest            OCTET STRING,
//	  unauthenticatedAttributes  [1] IMPLICIT SET OF Attribute OPTIONAL } -- timestamps
//
// Sign writes the authenticated attributes contentType (szOID_CTL),
// messageDigest (the digest of the CTL's contents octets),
// SPC_SP_OPUS_INFO (1.3.6.1.4.1.311.2.1.12, an empty SEQUENCE),
// SPC_STATEMENT_TYPE (1.3.6.1.4.1.311.2.1.11, individual code signing
// 1.3.6.1.4.1.311.2.1.21) and, if asked, signingTime, sorted as DER
// requires. The signature covers their DER encoding with the SET OF tag;
// Verify hashes the attributes exactly as stored, re-tagged, never a
// re-encoding.
//
// # Timestamps
//
// A timestamp countersigns the signer's encryptedDigest (the signature
// value's octets) and lives in the unauthenticated attributes, in one of two
// forms; [Catalog.Timestamps] reads both, and [TimestampRequest] asks for
// the first and checks the answer (package tsa carries both over HTTP):
//
//	szOID_RFC3161_counterSign 1.3.6.1.4.1.311.3.3.1: TimeStampToken (RFC 3161)
//	TimeStampToken ::= ContentInfo {           -- CMS (RFC 5652), version 3
//	  contentType 1.2.840.113549.1.7.2,
//	  content [0] EXPLICIT SignedData {
//	    encapContentInfo { eContentType 1.2.840.113549.1.9.16.1.4 id-ct-TSTInfo,
//	                       eContent [0] EXPLICIT OCTET STRING -- DER TSTInfo },
//	    certificates [0] IMPLICIT ...,         -- the TSA's, when certReq
//	    signerInfos { SignerInfo } } }         -- sid: issuerAndSerialNumber or [0] subjectKeyIdentifier
//	TSTInfo ::= SEQUENCE {
//	  version INTEGER, policy OBJECT IDENTIFIER,
//	  messageImprint SEQUENCE { hashAlgorithm AlgorithmIdentifier,
//	                            hashedMessage OCTET STRING }, -- digest of the encryptedDigest
//	  serialNumber INTEGER, genTime GeneralizedTime, -- fractional seconds allowed
//	  accuracy SEQUENCE OPTIONAL, ordering BOOLEAN DEFAULT FALSE,
//	  nonce INTEGER OPTIONAL, tsa [0] GeneralName OPTIONAL,
//	  extensions [1] IMPLICIT Extensions OPTIONAL }
//
//	countersignature 1.2.840.113549.1.9.6: SignerInfo (PKCS #9, legacy Authenticode)
//
// The token's SignerInfo has signed attributes contentType (id-ct-TSTInfo)
// and messageDigest (the digest of the eContent octets with its
// digestAlgorithm), and signs their DER SET OF. The legacy countersignature
// is an RFC 2315 SignerInfo whose authenticated attributes are contentType
// (pkcs7-data), signingTime (UTCTime or GeneralizedTime) and messageDigest,
// the digest of the encryptedDigest; its certificate is among the outer
// SignedData's. Real tokens come with quirks that Parse accepts:
// indefinite lengths (re-encoded with definite ones before checking),
// digest AlgorithmIdentifiers without NULL parameters, signature algorithms
// given as rsaEncryption or sha256WithRSAEncryption alike, and Symantec's
// RSA countersignatures over the bare digest without a DigestInfo. Parse
// checks a timestamp's imprint and signature, not its certificate's chain.
package catalog
