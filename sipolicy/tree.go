package sipolicy

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// Limits on what one policy may hold. Parsing keeps a tree of the whole
// document, some 160 bytes per element and 70 per attribute, and
// encoding/xml allocates several times that on the way: without limits a
// 64 MiB policy of empty elements took 3 GB. With them no policy within
// MaxFileSize takes more than about 210 MB to parse (measured with crafted
// policies at each limit). They are far above real policies: Microsoft's
// block lists hold tens of thousands of hash rules, each one element with
// three attributes, referenced by one or two elements with one.
const (
	// maxDepth bounds element nesting; SiPolicy needs six levels.
	maxDepth = 64
	// MaxElements bounds the elements of a policy, known or not.
	MaxElements = 1 << 18
	// MaxAttributes bounds the attributes of a policy, namespace
	// declarations included.
	MaxAttributes = 1 << 19
	// MaxRunBytes bounds the bytes between two '>': every start tag, and so
	// the attributes encoding/xml reads in one go before the limits above
	// can count them (one tag could otherwise hold millions).
	MaxRunBytes = 1 << 20
)

// node is an XML element with the line it starts on.
type node struct {
	name  xml.Name
	attrs []xml.Attr
	kids  []*node
	text  []byte
	line  int
}

// lineError is an error at a line of the document being parsed.
type lineError struct {
	line int
	err  error
}

func (e *lineError) Error() string { return e.err.Error() }

func errorAt(line int, format string, args ...any) error {
	return &lineError{line, fmt.Errorf(format, args...)}
}

// content returns the element's character data without surrounding space.
func (n *node) content() string { return strings.TrimSpace(string(n.text)) }

// empty reports whether n carries nothing: no attributes other than
// namespace declarations, no children and no text. Ignoring an empty
// element loses nothing, so it gets no note.
func (n *node) empty() bool {
	for _, a := range n.attrs {
		if !isNamespaceDecl(a) {
			return false
		}
	}
	return len(n.kids) == 0 && n.content() == ""
}

func isNamespaceDecl(a xml.Attr) bool { return a.Name.Space == "xmlns" || a.Name.Local == "xmlns" }

// readTree parses data into a tree of elements with line numbers.
func readTree(data []byte) (*node, error) {
	data, utf16Input, err := toUTF8(data)
	if err != nil {
		return nil, errorAt(1, "%v", err)
	}
	if off := longRun(data, MaxRunBytes); off >= 0 {
		// Name the line where the long tag or text starts.
		off += len(data[off:]) - len(bytes.TrimLeft(data[off:], " \t\r\n"))
		return nil, errorAt(1+bytes.Count(data[:off], []byte{'\n'}),
			"more than %d bytes without a '>' (a tag or text that long is intact's limit for a policy)", MaxRunBytes)
	}
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = true
	d.CharsetReader = func(label string, r io.Reader) (io.Reader, error) {
		// Only a UTF-16 document, already converted above, may declare
		// another encoding than UTF-8.
		if utf16Input && strings.HasPrefix(strings.ToLower(label), "utf-16") {
			return r, nil
		}
		return nil, fmt.Errorf("unsupported encoding %q (use UTF-8 or UTF-16)", label)
	}
	line, counted := 1, int64(0)
	lineAt := func(off int64) int {
		line += bytes.Count(data[counted:off], []byte{'\n'})
		counted = off
		return line
	}
	var root *node
	var stack []*node
	elements, attributes := 0, 0
	for {
		off := d.InputOffset()
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			var se *xml.SyntaxError
			if errors.As(err, &se) {
				return nil, errorAt(se.Line, "malformed XML: %s", se.Msg)
			}
			return nil, errorAt(lineAt(d.InputOffset()), "malformed XML: %v", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			n := &node{name: t.Name, attrs: t.Attr, line: lineAt(off)}
			elements++
			attributes += len(t.Attr)
			switch {
			case elements > MaxElements:
				return nil, errorAt(n.line, "more than %d elements, intact's limit for a policy", MaxElements)
			case attributes > MaxAttributes:
				return nil, errorAt(n.line, "more than %d attributes, intact's limit for a policy", MaxAttributes)
			}
			switch {
			case len(stack) > 0:
				top := stack[len(stack)-1]
				top.kids = append(top.kids, n)
			case root != nil:
				return nil, errorAt(n.line, "malformed XML: a second root element <%s>", t.Name.Local)
			default:
				root = n
			}
			if len(stack) == maxDepth {
				return nil, errorAt(n.line, "elements nested deeper than %d", maxDepth)
			}
			stack = append(stack, n)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 {
				top := stack[len(stack)-1]
				top.text = append(top.text, t...)
			} else if len(bytes.TrimSpace(t)) > 0 {
				return nil, errorAt(lineAt(off), "malformed XML: text outside the root element")
			}
		}
	}
	if root == nil {
		return nil, errorAt(lineAt(int64(len(data))), "malformed XML: no root element")
	}
	return root, nil
}

// toUTF8 converts a document with a UTF-16 byte-order mark to UTF-8 (Windows
// PowerShell writes policies that way) and drops a UTF-8 byte-order mark.
func toUTF8(data []byte) (out []byte, wasUTF16 bool, err error) {
	var big bool
	switch {
	case bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}):
		return data[3:], false, nil
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}):
	case bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		big = true
	default:
		return data, false, nil
	}
	data = data[2:]
	if len(data)%2 != 0 {
		return nil, false, errors.New("UTF-16 document has an odd number of bytes")
	}
	units := make([]uint16, len(data)/2)
	for i := range units {
		if big {
			units[i] = uint16(data[2*i])<<8 | uint16(data[2*i+1])
		} else {
			units[i] = uint16(data[2*i+1])<<8 | uint16(data[2*i])
		}
	}
	out = make([]byte, 0, len(units))
	for _, r := range utf16.Decode(units) {
		out = utf8.AppendRune(out, r)
	}
	return out, true, nil
}

// longRun returns the offset where data first runs more than limit bytes
// without a '>', or -1 when it never does.
func longRun(data []byte, limit int) int {
	for start := 0; start < len(data); {
		i := bytes.IndexByte(data[start:], '>')
		if i < 0 {
			i = len(data) - start
		}
		if i > limit {
			return start
		}
		start += i + 1
	}
	return -1
}
