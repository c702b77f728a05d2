package nodeguard

import (
	"encoding/json"
	"unicode/utf8"
)

// dependencyNames returns the names of the packages that a package.json
// manifest lists in its "dependencies" and "optionalDependencies" objects,
// as encoding/json decodes the manifest into maps by those exact keys: a
// key given twice counts once, its last value. It returns nil when the
// manifest is not valid JSON or either list is neither an object nor null.
//
// Reading ahead looks at the manifest of every package it hands over, and
// decoding each into maps cost the broker 2 ms of CPU for Express's 69
// (perf, 10 runs): this validates without allocating, then walks the
// document once and makes strings of the names only.
func dependencyNames(manifest []byte) []string {
	if !json.Valid(manifest) {
		return nil
	}
	return scanDependencyNames(manifest)
}

// scanDependencyNames is dependencyNames of a valid manifest. Given any
// other bytes it returns some names, but stops, and never panics.
func scanDependencyNames(manifest []byte) []string {
	s := manifestScanner{data: manifest}
	if !s.consume('{') {
		return nil
	}
	var lists [2][]string
	var bad [2]bool
	for !s.done() && !s.consume('}') {
		key := s.key()
		slot := -1
		switch key {
		case "dependencies":
			slot = 0
		case "optionalDependencies":
			slot = 1
		}
		if slot < 0 {
			s.skipValue()
		} else {
			lists[slot], bad[slot] = s.objectKeys()
		}
		s.consume(',')
	}
	if bad[0] || bad[1] {
		return nil
	}
	return append(lists[0], lists[1]...)
}

// manifestScanner walks a document that json.Valid accepted. It stops at
// the end of the data whatever it holds, and never indexes past it.
type manifestScanner struct {
	data []byte
	pos  int
}

// done reports whether the scanner is at the end of the data.
func (s *manifestScanner) done() bool { return s.pos >= len(s.data) }

func (s *manifestScanner) space() {
	for s.pos < len(s.data) {
		switch s.data[s.pos] {
		case ' ', '\t', '\n', '\r':
			s.pos++
		default:
			return
		}
	}
}

// consume skips white space and then c, if c is next, and reports whether
// it was.
func (s *manifestScanner) consume(c byte) bool {
	s.space()
	if s.pos < len(s.data) && s.data[s.pos] == c {
		s.pos++
		return true
	}
	return false
}

// key returns the member name next, decoded, and skips the colon after it.
func (s *manifestScanner) key() string {
	s.space()
	raw := s.stringToken()
	s.consume(':')
	if len(raw) < 2 {
		return "" // not reached for valid JSON
	}
	body := raw[1 : len(raw)-1]
	for _, c := range body {
		if c == '\\' || c >= utf8.RuneSelf {
			// Escapes and invalid UTF-8 decode as encoding/json decodes
			// them (U+FFFD for invalid bytes): the rare case.
			var k string
			json.Unmarshal(raw, &k)
			return k
		}
	}
	return string(body)
}

// stringToken returns the string next, quotes included.
func (s *manifestScanner) stringToken() []byte {
	start := s.pos
	s.pos++ // the opening quote
	for s.pos < len(s.data) {
		switch s.data[s.pos] {
		case '\\':
			s.pos += 2
		case '"':
			s.pos++
			return s.data[start:s.pos]
		default:
			s.pos++
		}
	}
	s.pos = len(s.data)
	return s.data[start:] // not reached for valid JSON
}

// objectKeys returns the member names of the object next, skipping their
// values, and reports it bad when the value next is neither an object nor
// null (which encoding/json decodes into a map as no names).
func (s *manifestScanner) objectKeys() ([]string, bool) {
	s.space()
	if s.pos < len(s.data) && s.data[s.pos] != '{' {
		null := s.pos+4 <= len(s.data) && string(s.data[s.pos:s.pos+4]) == "null"
		s.skipValue()
		return nil, !null
	}
	s.pos++
	var names []string
	for !s.done() && !s.consume('}') {
		names = append(names, s.key())
		s.skipValue()
		s.consume(',')
	}
	return names, false
}

// skipValue skips the value next: a string, or anything up to the end of
// the object or array it opens, or a number or literal.
func (s *manifestScanner) skipValue() {
	s.space()
	depth := 0
	for s.pos < len(s.data) {
		switch c := s.data[s.pos]; c {
		case '"':
			s.stringToken()
			if depth == 0 {
				return
			}
			continue
		case '{', '[':
			depth++
		case '}', ']':
			if depth == 0 {
				return // the end of the enclosing value
			}
			depth--
			if depth == 0 {
				s.pos++
				return
			}
		case ',':
			if depth == 0 {
				return
			}
		}
		s.pos++
	}
}
