package catalog

import (
	"bytes"
	"cmp"
	"crypto"
	"crypto/x509"
	"encoding/asn1"
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"time"

	"github.com/intactdev/intact/internal/der"
)

// ErrMalformed is wrapped by every error Parse returns for input that is not
// a well-formed catalog.
var ErrMalformed = errors.New("malformed catalog")

// ErrContentType means the signed content is not a certificate trust list
// (Parse), or a signer's contentType attribute does not name one (Verify).
var ErrContentType = errors.New("content is not a certificate trust list")

// A Catalog is a parsed Windows security catalog.
type Catalog struct {
	// Version is 1 for catalogs whose members are SHA-1 digests
	// (CATALOG_LIST_MEMBER) and 2 for SHA-256 ones (CATALOG_LIST_MEMBER_V2).
	Version int
	// ListIdentifier is the CTL's listIdentifier, a 16-byte GUID in every
	// known producer's output.
	ListIdentifier []byte
	// ThisUpdate is the CTL's effective date.
	ThisUpdate time.Time
	// Attributes are the catalog-level name-value attributes (the CATATTRn
	// lines of a catalog definition file), in file order.
	Attributes []Attribute
	// Members are the CTL's trusted subjects, in file order. Duplicates are
	// kept. ReadIndex keeps none: its Index has their digests.
	Members []Member
	// Certificates are the certificates embedded in the SignedData.
	Certificates []*x509.Certificate
	// Signers are the SignedData's signer infos; none when unsigned.
	Signers []Signer

	raw []byte // the whole file, owned by the Catalog
	ctl []byte // the CTL's contents octets: what messageDigest covers
	// ctlSums are, for a catalog of ReadIndex, which keeps no ctl, the
	// digests of the CTL that a signer may have used.
	ctlSums map[crypto.Hash][]byte
}

// Signed reports whether the catalog has at least one signer.
func (c *Catalog) Signed() bool { return len(c.Signers) > 0 }

// Bytes returns the catalog's encoding, as given to Parse, or nil for a
// catalog of ReadIndex, which keeps none. The caller must not modify it.
func (c *Catalog) Bytes() []byte { return c.raw }

// MaxFileSize bounds what callers should read as a catalog: Windows'
// largest catalogs are tens of megabytes, a million members about 250 MB.
const MaxFileSize = 1 << 30

// MaxMembers is the most members Parse accepts: two million files in a
// version 2 catalog (a member for SHA-256 and one for SHA-1 each), far more
// than any catalog Windows or its tools make. Parsed, that many members
// take about 700 MB.
const MaxMembers = 1 << 22

// Kind says how a member's digest was computed, from its member info.
type Kind int

const (
	// KindOther is a member whose subject interface package is unknown.
	KindOther Kind = iota
	// KindFlat is a digest of a file's exact bytes.
	KindFlat
	// KindPE is an Authenticode PE image digest.
	KindPE
	// KindCAB is a cabinet file's SIP digest.
	KindCAB
)

// String returns "other", "flat", "PE" or "CAB".
func (k Kind) String() string {
	switch k {
	case KindFlat:
		return "flat"
	case KindPE:
		return "PE"
	case KindCAB:
		return "CAB"
	}
	return "other"
}

// A Member is one trusted subject of a catalog: a file identified by its
// digest.
type Member struct {
	// Tag is the subject identifier: in version 1 catalogs the UTF-16LE
	// uppercase hexadecimal digest plus a NUL (or any name a tool chose), in
	// version 2 catalogs the raw digest.
	Tag []byte
	// Kind is the member's kind: from CAT_MEMBERINFO2 ([0] PE, [1] CAB,
	// [2] flat), else from the CAT_MEMBERINFO subject GUID, else from the
	// indirect data type.
	Kind Kind
	// DigestAlgorithm and Digest come from the member's SPC_INDIRECT_DATA.
	// Both are zero for v2 SHA-1 compatibility entries, which carry none.
	// DigestAlgorithm is 0 with a non-nil Digest for an unknown algorithm.
	DigestAlgorithm crypto.Hash
	Digest          []byte
	// IndirectDataType is the type of the SPC_INDIRECT_DATA's data:
	// SPC_PE_IMAGE_DATA (1.3.6.1.4.1.311.2.1.15), SPC_CAB_DATA
	// (…2.1.25, used for flat files) or SPC_LINK (…2.1.28). Nil when absent.
	IndirectDataType asn1.ObjectIdentifier
	// SubjectGUID and MemberInfoVersion are the CAT_MEMBERINFO attribute of
	// version 1 members, e.g. "{C689AAB8-8E78-11D0-8C47-00C04FC295EE}" (PE)
	// and 512; empty and 0 when absent.
	SubjectGUID       string
	MemberInfoVersion int
	// MemberInfo2 is the context tag number of the CAT_MEMBERINFO2 attribute
	// of version 2 members, or -1 when absent.
	MemberInfo2 int
	// Attributes are the member's name-value attributes (File, FilePath,
	// OSAttr, …) in file order.
	Attributes []Attribute
	// Compat marks a version 2 SHA-1 compatibility entry: a member of a v2
	// catalog without indirect data, whose tag is the file's SHA-1 digest.
	Compat bool
}

// TagString returns the tag as text: decoded UTF-16LE for version 1 tags
// that are valid UTF-16 strings, uppercase hexadecimal otherwise.
func (m *Member) TagString() string {
	if s, ok := utf16Tag(m.Tag); ok {
		return s
	}
	return strings.ToUpper(hex.EncodeToString(m.Tag))
}

// utf16Tag decodes a v1 tag: UTF-16LE text of printable ASCII ending in NUL.
func utf16Tag(tag []byte) (string, bool) {
	if len(tag) < 4 || len(tag)%2 != 0 || tag[len(tag)-2] != 0 || tag[len(tag)-1] != 0 {
		return "", false
	}
	for i := 0; i < len(tag)-2; i += 2 {
		if tag[i+1] != 0 || tag[i] < 0x20 || tag[i] > 0x7e {
			return "", false
		}
	}
	s, _ := decodeUTF16(tag, false)
	return s, true
}

// Attribute returns the first name-value attribute named name, compared
// case-insensitively as wintrust does.
func (m *Member) Attribute(name string) (Attribute, bool) {
	return findAttribute(m.Attributes, name)
}

// Attribute returns the first catalog-level attribute named name, compared
// case-insensitively.
func (c *Catalog) Attribute(name string) (Attribute, bool) {
	return findAttribute(c.Attributes, name)
}

func findAttribute(attrs []Attribute, name string) (Attribute, bool) {
	for _, a := range attrs {
		if strings.EqualFold(a.Name, name) {
			return a, true
		}
	}
	return Attribute{}, false
}

// Name-value attribute flags (CRYPTCAT_ATTR_*, wintrust mscat.h).
const (
	FlagNameASCII       = 0x00000001
	FlagNameOID         = 0x00000002
	FlagDataASCII       = 0x00010000
	FlagDataBase64      = 0x00020000
	FlagDataReplace     = 0x00040000
	FlagNoAutoCompat    = 0x01000000
	FlagAuthenticated   = 0x10000000
	FlagUnauthenticated = 0x20000000

	// DefaultFlags is what MakeCat and New-FileCatalog store for text
	// attributes: authenticated, ASCII name, text data (0x10010001).
	DefaultFlags = FlagAuthenticated | FlagDataASCII | FlagNameASCII
)

// An Attribute is a catalog name-value attribute (CAT_NAMEVALUE).
type Attribute struct {
	Name  string
	Flags uint32
	// Value is the stored value: UTF-16LE text with a NUL terminator, or,
	// with FlagDataBase64, the already-decoded bytes.
	Value []byte
}

// NewAttribute returns a text attribute with DefaultFlags, its value stored
// as UTF-16LE plus NUL as MakeCat stores it.
func NewAttribute(name, value string) Attribute {
	return Attribute{Name: name, Flags: DefaultFlags, Value: utf16z(value)}
}

// Text returns the value as text: raw bytes when FlagDataBase64 is set or
// the value is not UTF-16, the decoded UTF-16LE without its NUL otherwise.
func (a Attribute) Text() string {
	if a.Flags&FlagDataBase64 == 0 {
		if s, ok := decodeUTF16(a.Value, false); ok {
			return s
		}
	}
	return string(a.Value)
}

// A Signer is one SignerInfo of the catalog's SignedData.
type Signer struct {
	// Certificate is the embedded certificate the signer identifies, or nil
	// if it is not embedded.
	Certificate *x509.Certificate
	// DigestAlgorithm hashes the CTL and the authenticated attributes; 0 if
	// unknown.
	DigestAlgorithm crypto.Hash
	// SigningTime is the PKCS #9 signingTime attribute; zero when absent.
	SigningTime time.Time

	issuer    []byte                // issuerAndSerialNumber: the issuer's complete encoding
	serial    *big.Int              // issuerAndSerialNumber: the serial number
	ski       []byte                // or [0] subjectKeyIdentifier
	authAttrs []byte                // complete [0] IMPLICIT authenticatedAttributes encoding
	sigAlg    asn1.ObjectIdentifier // digestEncryptionAlgorithm
	signature []byte
	unauth    []byte // complete [1] IMPLICIT unauthenticatedAttributes encoding
}

// parseError builds "catalog: <what>: <err>" wrapping ErrMalformed.
func parseError(what string, err error) error {
	return fmt.Errorf("catalog: %s: %w: %w", what, ErrMalformed, err)
}

// Parse parses a DER-encoded catalog (ContentInfo of SignedData around a
// certificate trust list). It does not verify signatures; see Verify.
// Parse copies data; the Catalog keeps no reference to it.
func Parse(data []byte) (*Catalog, error) {
	raw := bytes.Clone(data)
	c := &Catalog{raw: raw}
	top := der.NewReader(raw)
	ci, err := top.Read(der.Sequence)
	if err != nil {
		return nil, parseError("ContentInfo", err)
	}
	if !top.Empty() {
		return nil, parseError("ContentInfo", fmt.Errorf("%d bytes of trailing data", top.Len()))
	}
	r := der.NewReader(ci)
	oid, err := r.ReadOID()
	if err != nil {
		return nil, parseError("ContentInfo content type", err)
	}
	if !oid.Equal(oidSignedData) {
		return nil, fmt.Errorf("catalog: ContentInfo content type %v is not signedData: %w", oid, ErrMalformed)
	}
	explicit, err := r.Read(der.Context(0).Constructed())
	if err != nil {
		return nil, parseError("ContentInfo content", err)
	}
	sd, err := der.NewReader(explicit).Read(der.Sequence)
	if err != nil {
		return nil, parseError("SignedData", err)
	}
	if err := c.parseSignedData(sd); err != nil {
		return nil, err
	}
	return c, nil
}

func (c *Catalog) parseSignedData(sd []byte) error {
	r := der.NewReader(sd)
	if _, err := r.Read(der.Integer); err != nil {
		return parseError("SignedData version", err)
	}
	algs, err := r.Read(der.Set)
	if err != nil {
		return parseError("SignedData digestAlgorithms", err)
	}
	for ar := der.NewReader(algs); !ar.Empty(); {
		if _, err := ar.Read(der.Sequence); err != nil {
			return parseError("SignedData digestAlgorithms", err)
		}
	}
	eci, err := r.Read(der.Sequence)
	if err != nil {
		return parseError("SignedData contentInfo", err)
	}
	er := der.NewReader(eci)
	ctype, err := er.ReadOID()
	if err != nil {
		return parseError("SignedData content type", err)
	}
	if !ctype.Equal(oidCTL) {
		return fmt.Errorf("catalog: SignedData content type %v: %w", ctype, ErrContentType)
	}
	explicit, err := er.Read(der.Context(0).Constructed())
	if err != nil {
		return parseError("SignedData content", err)
	}
	// The CTL is embedded directly, not in an OCTET STRING (PITFALLS.md).
	c.ctl, err = der.NewReader(explicit).Read(der.Sequence)
	if err != nil {
		return parseError("certificate trust list", err)
	}
	if err := c.parseCTL(c.ctl); err != nil {
		return err
	}
	if certs, ok, err := r.ReadOptional(der.Context(0).Constructed()); err != nil {
		return parseError("SignedData certificates", err)
	} else if ok {
		for cr, i := der.NewReader(certs), 0; !cr.Empty(); i++ {
			tag, _, full, err := cr.Next()
			if err != nil {
				return parseError("SignedData certificate "+fmt.Sprint(i), err)
			}
			if tag != der.Sequence {
				continue // attribute certificates and other CertificateChoices
			}
			cert, err := x509.ParseCertificate(full)
			if err != nil {
				return parseError("SignedData certificate "+fmt.Sprint(i), err)
			}
			c.Certificates = append(c.Certificates, cert)
		}
	}
	if _, _, err := r.ReadOptional(der.Context(1).Constructed()); err != nil {
		return parseError("SignedData crls", err)
	}
	signers, err := r.Read(der.Set)
	if err != nil {
		return parseError("SignedData signerInfos", err)
	}
	for sr, i := der.NewReader(signers), 0; !sr.Empty(); i++ {
		si, err := sr.Read(der.Sequence)
		if err == nil {
			err = c.parseSigner(si)
		}
		if err != nil {
			return parseError("signer "+fmt.Sprint(i), err)
		}
	}
	if !r.Empty() {
		return parseError("SignedData", errors.New("trailing data"))
	}
	return nil
}

func (c *Catalog) parseCTL(ctl []byte) error {
	r := der.NewReader(ctl)
	if r.Peek() == der.Integer {
		if _, err := r.Read(der.Integer); err != nil {
			return parseError("CTL version", err)
		}
	}
	usage, err := r.Read(der.Sequence)
	if err != nil {
		return parseError("CTL subjectUsage", err)
	}
	isCatalog := false
	for ur := der.NewReader(usage); !ur.Empty(); {
		oid, err := ur.ReadOID()
		if err != nil {
			return parseError("CTL subjectUsage", err)
		}
		isCatalog = isCatalog || oid.Equal(oidCatalogList)
	}
	if !isCatalog {
		return fmt.Errorf("catalog: CTL subjectUsage lacks catalog list %v: %w", oidCatalogList, ErrContentType)
	}
	if id, ok, err := r.ReadOptional(der.OctetString); err != nil {
		return parseError("CTL listIdentifier", err)
	} else if ok {
		c.ListIdentifier = id
	}
	if r.Peek() == der.Integer {
		if _, err := r.Read(der.Integer); err != nil {
			return parseError("CTL sequenceNumber", err)
		}
	}
	tag, body, _, err := r.Next()
	if err == nil {
		c.ThisUpdate, err = der.ParseTime(tag, body)
	}
	if err != nil {
		return parseError("CTL thisUpdate", err)
	}
	if t := r.Peek(); t == der.UTCTime || t == der.GeneralizedTime {
		if _, _, _, err := r.Next(); err != nil {
			return parseError("CTL nextUpdate", err)
		}
	}
	alg, err := r.Read(der.Sequence)
	if err != nil {
		return parseError("CTL subjectAlgorithm", err)
	}
	algOID, err := der.NewReader(alg).ReadOID()
	if err != nil {
		return parseError("CTL subjectAlgorithm", err)
	}
	switch {
	case algOID.Equal(oidCatalogMember1):
		c.Version = 1
	case algOID.Equal(oidCatalogMember2):
		c.Version = 2
	default:
		return fmt.Errorf("catalog: CTL subjectAlgorithm %v is not a catalog member algorithm: %w", algOID, ErrMalformed)
	}
	if subjects, ok, err := r.ReadOptional(der.Sequence); err != nil {
		return parseError("CTL trustedSubjects", err)
	} else if ok {
		if err := c.parseMembers(subjects); err != nil {
			return err
		}
	}
	if ext, ok, err := r.ReadOptional(der.Context(0).Constructed()); err != nil {
		return parseError("CTL extensions", err)
	} else if ok {
		if err := c.parseExtensions(ext); err != nil {
			return err
		}
	}
	if !r.Empty() {
		return parseError("CTL", fmt.Errorf("unexpected element with tag 0x%02x", r.Peek()))
	}
	return nil
}

func (c *Catalog) parseMembers(b []byte) error {
	// Count the members first: a Member is ~40 times the size of the
	// smallest encoding of one, so the slice is allocated once, at its
	// size, and a catalog with more members than any real one is refused
	// before it costs gigabytes.
	n := 0
	for r := der.NewReader(b); !r.Empty(); n++ {
		if _, err := r.Read(der.Sequence); err != nil {
			return parseError(fmt.Sprintf("member %d", n), err)
		}
		if n == MaxMembers {
			return parseError("members", fmt.Errorf("more than %d", MaxMembers))
		}
	}
	c.Members = make([]Member, 0, n)
	for r, i := der.NewReader(b), 0; !r.Empty(); i++ {
		body, err := r.Read(der.Sequence)
		if err != nil {
			return parseError(fmt.Sprintf("member %d", i), err)
		}
		m, err := parseMember(body, c.Version)
		if err != nil {
			return parseError(fmt.Sprintf("member %d", i), err)
		}
		c.Members = append(c.Members, m)
	}
	return nil
}

func parseMember(b []byte, version int) (Member, error) {
	m := Member{MemberInfo2: -1}
	s := memberScan{info2: -1, attrs: &m.Attributes}
	if err := s.scan(b); err != nil {
		return m, err
	}
	m.Tag, m.Kind, m.DigestAlgorithm, m.Digest = s.tag, s.kind(), s.alg, s.digest
	m.SubjectGUID, m.MemberInfoVersion, m.MemberInfo2 = s.guid, s.infoVersion, s.info2
	if s.dataType != nil {
		m.IndirectDataType, _ = der.ParseOID(s.dataType) // checked by scan
	}
	m.Compat = version == 2 && m.Digest == nil
	return m, nil
}

// A memberScan is what a member's encoding says. Parse keeps it as a
// Member; ReadIndex keeps only the digest and its kind, and for the
// encodings every producer writes reads it without allocating.
type memberScan struct {
	tag       []byte
	infoKind  Kind // from CAT_MEMBERINFO or CAT_MEMBERINFO2
	alg       crypto.Hash
	digest    []byte // nil without indirect data
	dataType  []byte // contents of the indirect data type's OID, nil when absent
	dataImage bool   // dataType is SPC_PE_IMAGE_DATA
	dataCAB   bool   // dataType is SPC_CAB_DATA
	guid      string
	info2     int
	// infoVersion is CAT_MEMBERINFO's version.
	infoVersion int
	// attrs receives the name-value attributes; when nil they are checked
	// and dropped.
	attrs *[]Attribute
	// values receives the name-value attributes' values when record is
	// set, for a memberLayout.
	values [][]byte
	record bool
}

// scan reads a TrustedSubject's contents.
func (s *memberScan) scan(b []byte) error {
	r := der.NewReader(b)
	var err error
	if s.tag, err = r.Read(der.OctetString); err != nil {
		return fmt.Errorf("tag: %w", err)
	}
	if len(s.tag) == 0 {
		// Every tool names a member by a digest or a label. Refusing
		// nameless ones also keeps a crafted catalog from costing a
		// Member per four bytes.
		return errors.New("empty tag")
	}
	attrs, _, err := r.ReadOptional(der.Set)
	if err != nil {
		return fmt.Errorf("attributes: %w", err)
	}
	if !r.Empty() {
		return errors.New("trailing data")
	}
	for ar := der.NewReader(attrs); !ar.Empty(); {
		attr, err := ar.Read(der.Sequence)
		if err != nil {
			return fmt.Errorf("attribute: %w", err)
		}
		if err := s.attribute(attr); err != nil {
			return err
		}
	}
	return nil
}

// kind is the member's Kind: from its member info, else from its indirect
// data type.
func (s *memberScan) kind() Kind {
	switch {
	case s.infoKind != KindOther:
		return s.infoKind
	case s.dataImage:
		return KindPE
	case s.dataCAB:
		return KindFlat
	}
	return KindOther
}

// digestKind is Member.DigestKind.
func (s *memberScan) digestKind() Kind {
	return digestKind(s.kind(), s.dataType != nil, s.dataImage)
}

// indexed is Member.indexed: the digest the member is indexed under, in a
// catalog of the given version, and its algorithm.
func (s *memberScan) indexed(version int) ([]byte, crypto.Hash) {
	d, h := s.digest, s.alg
	if version == 2 && s.digest == nil {
		d, h = s.tag, crypto.SHA1
	}
	return indexable(d, h)
}

// SIP subject GUIDs of CAT_MEMBERINFO (wintrust's registered SIPs).
const (
	guidPE   = "{C689AAB8-8E78-11D0-8C47-00C04FC295EE}"
	guidCAB  = "{C689AABA-8E78-11D0-8C47-00C04FC295EE}"
	guidFlat = "{DE351A42-8E59-11D0-8C47-00C04FC295EE}"
)

func (s *memberScan) attribute(attr []byte) error {
	r := der.NewReader(attr)
	oid, err := r.Read(der.OID)
	if err != nil {
		return fmt.Errorf("attribute type: %w", err)
	}
	values, err := r.Read(der.Set)
	if err != nil {
		return fmt.Errorf("attribute values: %w", err)
	}
	vr := der.NewReader(values)
	switch {
	case bytes.Equal(oid, rawNameValue):
		for !vr.Empty() {
			nv, err := vr.Read(der.Sequence)
			if err != nil {
				return fmt.Errorf("name-value: %w", err)
			}
			a, err := parseNameValue(nv, s.attrs != nil || s.record)
			if err != nil {
				return err
			}
			if s.attrs != nil {
				*s.attrs = append(*s.attrs, a)
			}
			if s.record {
				s.values = append(s.values, a.Value)
			}
		}
	case bytes.Equal(oid, rawMemberInfo):
		mi, err := vr.Read(der.Sequence)
		if err != nil {
			return fmt.Errorf("member info: %w", err)
		}
		mr := der.NewReader(mi)
		guid, err := mr.Read(der.BMPString)
		if err != nil {
			return fmt.Errorf("member info: %w", err)
		}
		g, ok := decodeBMP(guid)
		if !ok {
			return errors.New("member info: odd-length BMPString")
		}
		s.guid = g
		ver, err := mr.Read(der.Integer)
		if err != nil {
			return fmt.Errorf("member info: %w", err)
		}
		v, err := der.ParseInt(ver)
		if err != nil {
			return fmt.Errorf("member info version: %w", err)
		}
		s.infoVersion = int(v)
		switch strings.ToUpper(g) {
		case guidPE:
			s.infoKind = KindPE
		case guidCAB:
			s.infoKind = KindCAB
		case guidFlat:
			s.infoKind = KindFlat
		}
	case bytes.Equal(oid, rawMemberInfo2):
		tag, _, _, err := vr.Next()
		if err != nil {
			return fmt.Errorf("member info 2: %w", err)
		}
		if !tag.IsContext() {
			return fmt.Errorf("member info 2: unexpected tag 0x%02x", tag)
		}
		s.info2 = tag.Number()
		switch s.info2 {
		case 0:
			s.infoKind = KindPE
		case 1:
			s.infoKind = KindCAB
		case 2:
			s.infoKind = KindFlat
		}
	case bytes.Equal(oid, rawIndirectData):
		ind, err := vr.Read(der.Sequence)
		if err != nil {
			return fmt.Errorf("indirect data: %w", err)
		}
		if err := s.indirectData(ind); err != nil {
			return fmt.Errorf("indirect data: %w", err)
		}
	}
	return nil
}

// indirectData reads SpcIndirectDataContent{data
// SpcAttributeTypeAndOptionalValue, messageDigest DigestInfo}.
func (s *memberScan) indirectData(b []byte) error {
	r := der.NewReader(b)
	data, err := r.Read(der.Sequence)
	if err != nil {
		return err
	}
	if s.dataType, err = der.NewReader(data).Read(der.OID); err != nil {
		return err
	}
	// Compared as object identifiers, as Member.IndirectDataType is: the
	// same arcs may be encoded with redundant octets. The usual encodings
	// are recognised without decoding.
	switch {
	case bytes.Equal(s.dataType, rawPEImageData):
		s.dataImage, s.dataCAB = true, false
	case bytes.Equal(s.dataType, rawCABData):
		s.dataImage, s.dataCAB = false, true
	default:
		oid, err := der.ParseOID(s.dataType)
		if err != nil {
			return err
		}
		s.dataImage, s.dataCAB = oid.Equal(oidPEImageData), oid.Equal(oidCABData)
	}
	di, err := r.Read(der.Sequence)
	if err != nil {
		return fmt.Errorf("digest info: %w", err)
	}
	dr := der.NewReader(di)
	alg, err := dr.Read(der.Sequence)
	if err != nil {
		return fmt.Errorf("digest algorithm: %w", err)
	}
	algOID, err := der.NewReader(alg).Read(der.OID)
	if err != nil {
		return fmt.Errorf("digest algorithm: %w", err)
	}
	s.alg = hashForRawOID(algOID)
	if s.digest, err = dr.Read(der.OctetString); err != nil {
		return fmt.Errorf("digest: %w", err)
	}
	if s.alg != 0 && len(s.digest) != s.alg.Size() {
		return fmt.Errorf("digest: %d bytes for %v", len(s.digest), s.alg)
	}
	return nil
}

// commonStrings are the BMPStrings that every member repeats; decodeBMP
// returns them without allocating.
var commonStrings = func() map[string]string {
	m := map[string]string{}
	for _, s := range []string{"FilePath", "File", "OSAttr", guidPE, guidFlat, guidCAB} {
		m[string(utf16be(s))] = s
	}
	return m
}()

// decodeBMP decodes the contents of a BMPString.
func decodeBMP(b []byte) (string, bool) {
	if s, ok := commonStrings[string(b)]; ok { // the compiler does not allocate for m[string(b)]
		return s, true
	}
	return decodeUTF16(b, true)
}

// parseNameValue reads NameValue{BMPString name, INTEGER flags, OCTET
// STRING value}. Unless keep is set it only checks it, and returns an
// Attribute without its name.
func parseNameValue(b []byte, keep bool) (Attribute, error) {
	r := der.NewReader(b)
	name, err := r.Read(der.BMPString)
	if err != nil {
		return Attribute{}, fmt.Errorf("name-value name: %w", err)
	}
	if len(name)%2 != 0 {
		return Attribute{}, errors.New("name-value name: odd-length BMPString")
	}
	fl, err := r.Read(der.Integer)
	var flags int64
	if err == nil {
		flags, err = der.ParseInt(fl)
	}
	if err != nil {
		s, _ := decodeBMP(name)
		return Attribute{}, fmt.Errorf("name-value %q flags: %w", s, err)
	}
	value, err := r.Read(der.OctetString)
	if err != nil {
		s, _ := decodeBMP(name)
		return Attribute{}, fmt.Errorf("name-value %q value: %w", s, err)
	}
	if !keep {
		return Attribute{}, nil
	}
	s, _ := decodeBMP(name)
	return Attribute{Name: s, Flags: uint32(flags), Value: value}, nil
}

// parseExtensions reads the CTL's [0] Extensions, where catalog attributes
// live as Extension{CAT_NAMEVALUE, OCTET STRING{NameValue}}.
func (c *Catalog) parseExtensions(b []byte) error {
	exts, err := der.NewReader(b).Read(der.Sequence)
	if err != nil {
		return parseError("CTL extensions", err)
	}
	for r, i := der.NewReader(exts), 0; !r.Empty(); i++ {
		ext, err := r.Read(der.Sequence)
		if err != nil {
			return parseError(fmt.Sprintf("catalog attribute %d", i), err)
		}
		er := der.NewReader(ext)
		oid, err := er.Read(der.OID)
		if err != nil {
			return parseError(fmt.Sprintf("catalog attribute %d", i), err)
		}
		if er.Peek() == der.Boolean {
			if _, err := er.Read(der.Boolean); err != nil {
				return parseError(fmt.Sprintf("catalog attribute %d", i), err)
			}
		}
		value, err := er.Read(der.OctetString)
		if err != nil {
			return parseError(fmt.Sprintf("catalog attribute %d", i), err)
		}
		if !bytes.Equal(oid, rawNameValue) {
			continue
		}
		nv, err := der.NewReader(value).Read(der.Sequence)
		if err != nil {
			return parseError(fmt.Sprintf("catalog attribute %d", i), err)
		}
		a, err := parseNameValue(nv, true)
		if err != nil {
			return parseError(fmt.Sprintf("catalog attribute %d", i), err)
		}
		c.Attributes = append(c.Attributes, a)
	}
	return nil
}

// parseSigner reads a PKCS #7 SignerInfo.
func (c *Catalog) parseSigner(b []byte) error {
	var s Signer
	r := der.NewReader(b)
	if _, err := r.Read(der.Integer); err != nil {
		return fmt.Errorf("version: %w", err)
	}
	tag, body, _, err := r.Next()
	if err != nil {
		return fmt.Errorf("signer identifier: %w", err)
	}
	switch tag {
	case der.Sequence:
		ir := der.NewReader(body)
		if s.issuer, err = ir.ReadElement(der.Sequence); err != nil {
			return fmt.Errorf("signer issuer: %w", err)
		}
		serial, err := ir.Read(der.Integer)
		if err != nil || len(serial) == 0 {
			return fmt.Errorf("signer serial number: %w", cmp.Or(err, der.ErrTruncated))
		}
		s.serial = der.ParseBigInt(serial)
	case der.Context(0):
		s.ski = body
	default:
		return fmt.Errorf("signer identifier: unexpected tag 0x%02x", tag)
	}
	alg, err := r.Read(der.Sequence)
	if err != nil {
		return fmt.Errorf("digest algorithm: %w", err)
	}
	algOID, err := der.NewReader(alg).Read(der.OID)
	if err != nil {
		return fmt.Errorf("digest algorithm: %w", err)
	}
	s.DigestAlgorithm = hashForRawOID(algOID)
	if r.Peek() == der.Context(0).Constructed() {
		_, body, full, err := r.Next()
		if err != nil {
			return fmt.Errorf("authenticated attributes: %w", err)
		}
		s.authAttrs = full
		if err := s.parseAuthAttrs(body); err != nil {
			return fmt.Errorf("authenticated attributes: %w", err)
		}
	}
	salg, err := r.Read(der.Sequence)
	if err != nil {
		return fmt.Errorf("signature algorithm: %w", err)
	}
	if s.sigAlg, err = der.NewReader(salg).ReadOID(); err != nil {
		return fmt.Errorf("signature algorithm: %w", err)
	}
	if s.signature, err = r.Read(der.OctetString); err != nil {
		return fmt.Errorf("signature: %w", err)
	}
	if r.Peek() == der.Context(1).Constructed() {
		_, _, full, err := r.Next()
		if err != nil {
			return fmt.Errorf("unauthenticated attributes: %w", err)
		}
		s.unauth = full
	}
	if !r.Empty() {
		return errors.New("trailing data")
	}
	s.Certificate = c.signerCertificate(&s)
	c.Signers = append(c.Signers, s)
	return nil
}

// parseAuthAttrs checks the shape of the authenticated attributes and picks
// out signingTime. contentType and messageDigest are checked by Verify.
func (s *Signer) parseAuthAttrs(b []byte) error {
	for r := der.NewReader(b); !r.Empty(); {
		attr, err := r.Read(der.Sequence)
		if err != nil {
			return err
		}
		ar := der.NewReader(attr)
		oid, err := ar.ReadOID()
		if err != nil {
			return err
		}
		values, err := ar.Read(der.Set)
		if err != nil {
			return fmt.Errorf("%v: %w", oid, err)
		}
		if oid.Equal(oidSigningTime) {
			tag, body, _, err := der.NewReader(values).Next()
			if err == nil {
				s.SigningTime, err = der.ParseTime(tag, body)
			}
			if err != nil {
				return fmt.Errorf("signingTime: %w", err)
			}
		}
	}
	return nil
}

// signerCertificate finds the embedded certificate a SignerInfo names by
// issuer and serial number or by subject key identifier.
func (c *Catalog) signerCertificate(s *Signer) *x509.Certificate {
	for _, cert := range c.Certificates {
		if s.ski != nil {
			if len(cert.SubjectKeyId) > 0 && bytes.Equal(s.ski, cert.SubjectKeyId) {
				return cert
			}
		} else if bytes.Equal(s.issuer, cert.RawIssuer) && s.serial.Cmp(cert.SerialNumber) == 0 {
			return cert
		}
	}
	return nil
}
