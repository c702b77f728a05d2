package catalog

import (
	"bytes"
	"crypto/sha256"
	"encoding/asn1"
	"encoding/hex"
	"errors"
	"fmt"
	"path"
	"slices"
	"strings"
	"time"
)

// A File is one file to list in a catalog, as HashTree and HashFiles
// return it.
type File struct {
	// Path is the file's path relative to the hashed root, with forward
	// slashes. Catalogs store it with backslashes, as Windows does.
	Path string
	// Size is the file's size in bytes. Empty files have no digests and
	// are recorded as catalog attributes, as New-FileCatalog does.
	Size int64
	// Kind is KindPE when the digests are Authenticode image digests and
	// KindFlat when they cover the file's exact bytes.
	Kind Kind
	// SHA256 and SHA1 are the file's digests.
	SHA256 []byte
	SHA1   []byte
}

// BuildOptions control Build.
type BuildOptions struct {
	// Version is 2 (SHA-256 members plus SHA-1 compatibility entries, the
	// default) or 1 (SHA-1 members, for Windows 7 and older).
	Version int
	// Time is the catalog's effective date (ctlThisUpdate). It is required:
	// the same files and the same time give the same bytes.
	Time time.Time
	// Attributes are catalog-level attributes such as OSAttr, written before
	// the FilePath attributes of empty files.
	Attributes []Attribute
}

// The SIP-specific values that MakeCat writes, copied from the vectors:
// SpcPeImageData's flags are a 3-bit BIT STRING {includeResources,
// includeDebugInfo, includeImportAddressTable} = 0b101, and v1 catalogs
// carry wintrust's "<<<Obsolete>>>" file link where v2 ones have an empty
// string.
var (
	peImageFlags = []byte{tagBitString, 2, 0x05, 0xa0}
	obsolete     = "<<<Obsolete>>>"
)

// Build writes an unsigned catalog listing files, with the structure that
// New-FileCatalog gives it: members sorted by tag, each with a FilePath
// name-value (flags 0x10010001, the path with backslashes), member info and
// SPC_INDIRECT_DATA (SPC_PE_IMAGE_DATA for PE images, SPC_CAB_DATA with an
// empty file link for other files). Version 2 adds a SHA-1 compatibility
// member per file. Empty files become catalog attributes
// FilePath=<path>. Paths that differ only in case are refused, since
// Windows, where the catalog is checked, cannot hold both.
//
// The list identifier is derived from the rest of the catalog, so the
// output depends only on files and opts.
func Build(files []File, opts BuildOptions) ([]byte, error) {
	version := opts.Version
	if version == 0 {
		version = 2
	}
	if version != 1 && version != 2 {
		return nil, fmt.Errorf("catalog: build: version %d is not 1 or 2", opts.Version)
	}
	if opts.Time.IsZero() {
		return nil, errors.New("catalog: build: no time given")
	}
	seen := map[string]string{}
	var members []encodedMember
	var empty []string
	for _, f := range files {
		if err := checkPath(f.Path); err != nil {
			return nil, fmt.Errorf("catalog: build: %w", err)
		}
		key := strings.ToLower(f.Path)
		if prev, dup := seen[key]; dup {
			if prev == f.Path {
				return nil, fmt.Errorf("catalog: build: %s: listed twice", f.Path)
			}
			return nil, fmt.Errorf("catalog: build: %s and %s differ only in case", prev, f.Path)
		}
		seen[key] = f.Path
		if f.Size == 0 {
			empty = append(empty, f.Path)
			continue
		}
		ms, err := buildMembers(f, version)
		if err != nil {
			return nil, fmt.Errorf("catalog: build: %s: %w", f.Path, err)
		}
		members = append(members, ms...)
	}
	// Members sorted by tag bytes, as MakeCat sorts them.
	slices.SortStableFunc(members, func(a, b encodedMember) int { return bytes.Compare(a.tag, b.tag) })
	subjects := make([][]byte, len(members))
	for i, m := range members {
		subjects[i] = m.der
	}

	var exts [][]byte
	slices.Sort(empty)
	attrs := slices.Clone(opts.Attributes)
	for _, p := range empty {
		attrs = append(attrs, NewAttribute("FilePath", windowsPath(p)))
	}
	for _, a := range attrs {
		exts = append(exts, tlv(tagSequence, derOID(oidNameValue), derOctets(nameValue(a))))
	}

	alg := oidCatalogMember2
	if version == 1 {
		alg = oidCatalogMember1
	}
	tail := [][]byte{derTime(opts.Time), algorithmIdentifier(alg)}
	if len(members) > 0 {
		tail = append(tail, tlv(tagSequence, subjects...))
	}
	if len(exts) > 0 {
		tail = append(tail, tlv(ctx(0, true), tlv(tagSequence, exts...)))
	}
	// The list identifier: the first 16 bytes of the SHA-256 of everything
	// else in the CTL, so equal inputs give equal catalogs and different
	// ones different identifiers.
	h := sha256.New()
	for _, t := range tail {
		h.Write(t)
	}
	listID := h.Sum(nil)[:16]
	ctl := tlv(tagSequence, slices.Concat(
		[][]byte{tlv(tagSequence, derOID(oidCatalogList)), derOctets(listID)}, tail)...)
	return encodeSignedData(ctl, nil, nil, nil), nil
}

// checkPath refuses paths that are not clean relative slash paths.
func checkPath(p string) error {
	if p == "" || p == "." || path.IsAbs(p) || path.Clean(p) != p || p == ".." || strings.HasPrefix(p, "../") ||
		strings.ContainsAny(p, "\\\x00") {
		return fmt.Errorf("%q is not a clean relative path with forward slashes", p)
	}
	return nil
}

func windowsPath(p string) string { return strings.ReplaceAll(p, "/", `\`) }

// An encodedMember is a TrustedSubject's tag and complete encoding.
type encodedMember struct {
	tag, der []byte
}

// buildMembers encodes f's members: one in v1, the SHA-256 member and the
// SHA-1 compatibility member in v2.
func buildMembers(f File, version int) ([]encodedMember, error) {
	if f.Kind != KindPE && f.Kind != KindFlat {
		return nil, fmt.Errorf("kind %v is neither PE nor flat", f.Kind)
	}
	if len(f.SHA1) != 20 || (version == 2 && len(f.SHA256) != 32) {
		return nil, errors.New("missing digest")
	}
	filePath := attribute(oidNameValue, nameValue(NewAttribute("FilePath", windowsPath(f.Path))))
	if version == 1 {
		guid := guidFlat
		if f.Kind == KindPE {
			guid = guidPE
		}
		tag := utf16z(strings.ToUpper(hex.EncodeToString(f.SHA1)))
		info := attribute(oidMemberInfo, tlv(tagSequence, derBMP(guid), derInt(512)))
		return []encodedMember{member(tag, info, filePath, indirectData(f, version))}, nil
	}
	n := 2
	if f.Kind == KindPE {
		n = 0
	}
	info := attribute(oidMemberInfo2, []byte{ctx(n, false), 0})
	return []encodedMember{
		member(f.SHA256, info, filePath, indirectData(f, version)),
		member(f.SHA1, info, filePath),
	}, nil
}

// member encodes TrustedSubject{tag, SET OF attributes}.
func member(tag []byte, attrs ...[]byte) encodedMember {
	return encodedMember{tag, tlv(tagSequence, derOctets(tag), derSet(attrs...))}
}

// attribute encodes Attribute{type, SET{value}}.
func attribute(oid asn1.ObjectIdentifier, value []byte) []byte {
	return tlv(tagSequence, derOID(oid), tlv(tagSet, value))
}

// nameValue encodes NameValue{name, flags, value}.
func nameValue(a Attribute) []byte {
	return tlv(tagSequence, derBMP(a.Name), derInt(int64(a.Flags)), derOctets(a.Value))
}

// indirectData encodes the SPC_INDIRECT_DATA attribute of f's main member.
func indirectData(f File, version int) []byte {
	link := ""
	digestOID, digest := oidSHA256, f.SHA256
	if version == 1 {
		link = obsolete
		digestOID, digest = oidSHA1, f.SHA1
	}
	// SpcLink.file [2] EXPLICIT SpcString.unicode [0] IMPLICIT BMPString.
	file := tlv(ctx(2, true), tlv(ctx(0, false), utf16be(link)))
	var data []byte
	if f.Kind == KindPE {
		peData := tlv(tagSequence, peImageFlags, tlv(ctx(0, true), file))
		data = tlv(tagSequence, derOID(oidPEImageData), peData)
	} else {
		data = tlv(tagSequence, derOID(oidCABData), file)
	}
	digestInfo := tlv(tagSequence, algorithmIdentifier(digestOID), derOctets(digest))
	return attribute(oidIndirectData, tlv(tagSequence, data, digestInfo))
}
