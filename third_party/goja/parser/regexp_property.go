package parser

import (
	"fmt"
	"sort"
	"strings"
	"unicode"
)

// Unicode property escapes (\p{…} and \P{…} with the u flag, ECMA-262
// 22.2.2.9) translated for Go's regexp: general categories and scripts map
// to Go's own \p{…} classes, binary properties to explicit ranges computed
// from Go's Unicode tables as UAX #44 derives them. A property that cannot be
// derived exactly from those tables is a SyntaxError, never a class that
// matches something else.

// generalCategories maps the names and aliases ECMA-262 accepts for a
// General_Category value (Table 67, PropertyValueAliases.txt) to the short
// name.
var generalCategories = map[string]string{
	"L": "L", "Letter": "L",
	"LC": "LC", "Cased_Letter": "LC",
	"Lu": "Lu", "Uppercase_Letter": "Lu",
	"Ll": "Ll", "Lowercase_Letter": "Ll",
	"Lt": "Lt", "Titlecase_Letter": "Lt",
	"Lm": "Lm", "Modifier_Letter": "Lm",
	"Lo": "Lo", "Other_Letter": "Lo",
	"M": "M", "Mark": "M", "Combining_Mark": "M",
	"Mn": "Mn", "Nonspacing_Mark": "Mn",
	"Mc": "Mc", "Spacing_Mark": "Mc",
	"Me": "Me", "Enclosing_Mark": "Me",
	"N": "N", "Number": "N",
	"Nd": "Nd", "Decimal_Number": "Nd", "digit": "Nd",
	"Nl": "Nl", "Letter_Number": "Nl",
	"No": "No", "Other_Number": "No",
	"P": "P", "Punctuation": "P", "punct": "P",
	"Pc": "Pc", "Connector_Punctuation": "Pc",
	"Pd": "Pd", "Dash_Punctuation": "Pd",
	"Ps": "Ps", "Open_Punctuation": "Ps",
	"Pe": "Pe", "Close_Punctuation": "Pe",
	"Pi": "Pi", "Initial_Punctuation": "Pi",
	"Pf": "Pf", "Final_Punctuation": "Pf",
	"Po": "Po", "Other_Punctuation": "Po",
	"S": "S", "Symbol": "S",
	"Sm": "Sm", "Math_Symbol": "Sm",
	"Sc": "Sc", "Currency_Symbol": "Sc",
	"Sk": "Sk", "Modifier_Symbol": "Sk",
	"So": "So", "Other_Symbol": "So",
	"Z": "Z", "Separator": "Z",
	"Zs": "Zs", "Space_Separator": "Zs",
	"Zl": "Zl", "Line_Separator": "Zl",
	"Zp": "Zp", "Paragraph_Separator": "Zp",
	"C": "C", "Other": "C",
	"Cc": "Cc", "Control": "Cc", "cntrl": "Cc",
	"Cf": "Cf", "Format": "Cf",
	"Cs": "Cs", "Surrogate": "Cs",
	"Co": "Co", "Private_Use": "Co",
	"Cn": "Cn", "Unassigned": "Cn",
}

// binaryPropertyAliases maps the short names ECMA-262 accepts (Table 68)
// to the long ones.
var binaryPropertyAliases = map[string]string{
	"AHex": "ASCII_Hex_Digit", "Alpha": "Alphabetic", "Bidi_C": "Bidi_Control",
	"Dep": "Deprecated", "Dia": "Diacritic", "Ext": "Extender", "Gr_Ext": "Grapheme_Extend",
	"Hex": "Hex_Digit", "IDC": "ID_Continue", "IDS": "ID_Start", "IDSB": "IDS_Binary_Operator",
	"IDST": "IDS_Trinary_Operator", "Ideo": "Ideographic", "Join_C": "Join_Control",
	"LOE": "Logical_Order_Exception", "Lower": "Lowercase", "NChar": "Noncharacter_Code_Point",
	"Pat_Syn": "Pattern_Syntax", "Pat_WS": "Pattern_White_Space", "QMark": "Quotation_Mark",
	"RI": "Regional_Indicator", "SD": "Soft_Dotted", "STerm": "Sentence_Terminal",
	"Term": "Terminal_Punctuation", "UIdeo": "Unified_Ideograph", "Upper": "Uppercase",
	"VS": "Variation_Selector", "space": "White_Space",
}

// derivedProperties are the binary properties UAX #44 derives from the
// tables Go has (DerivedCoreProperties.txt).
var derivedProperties = map[string]func() runeRanges{
	"Any":      func() runeRanges { return runeRanges{{0, unicode.MaxRune}} },
	"ASCII":    func() runeRanges { return runeRanges{{0, unicode.MaxASCII}} },
	"Assigned": func() runeRanges { return complement(unassigned()) },
	"Alphabetic": func() runeRanges {
		return fromTables(unicode.Lu, unicode.Ll, unicode.Lt, unicode.Lm, unicode.Lo, unicode.Nl, unicode.Other_Alphabetic)
	},
	"Lowercase": func() runeRanges { return fromTables(unicode.Ll, unicode.Other_Lowercase) },
	"Uppercase": func() runeRanges { return fromTables(unicode.Lu, unicode.Other_Uppercase) },
	"Math":      func() runeRanges { return fromTables(unicode.Sm, unicode.Other_Math) },
	"Cased": func() runeRanges {
		return fromTables(unicode.Ll, unicode.Other_Lowercase, unicode.Lu, unicode.Other_Uppercase, unicode.Lt)
	},
	"Grapheme_Extend": func() runeRanges { return fromTables(unicode.Me, unicode.Mn, unicode.Other_Grapheme_Extend) },
	"ID_Start":        idStart,
	"ID_Continue": func() runeRanges {
		return subtract(union(idStart(), fromTables(unicode.Mn, unicode.Mc, unicode.Nd, unicode.Pc, unicode.Other_ID_Continue)),
			fromTables(unicode.Pattern_Syntax, unicode.Pattern_White_Space))
	},
}

func idStart() runeRanges {
	return subtract(fromTables(unicode.Lu, unicode.Ll, unicode.Lt, unicode.Lm, unicode.Lo, unicode.Nl, unicode.Other_ID_Start),
		fromTables(unicode.Pattern_Syntax, unicode.Pattern_White_Space))
}

func unassigned() runeRanges { return fromTables(unicode.Categories["Cn"]) }

// scanProperty translates the body of \p{…} (negated for \P{…}); the
// parser is at the character after p or P.
func (self *_RegExp_parser) scanProperty(negated, inClass bool) {
	if self.chr != '{' {
		self.error(true, "Invalid property name")
		return
	}
	end := strings.IndexByte(self.str[self.offset:], '}')
	if end < 0 {
		self.error(true, "Invalid property name")
		return
	}
	body := self.str[self.offset : self.offset+end]
	self.offset += end + 1
	self.read()
	class, ranges, err := unicodeProperty(body)
	if err != nil {
		self.error(true, "%s", err)
		return
	}
	switch {
	case class != "" && !negated && inClass:
		self.writeString(class)
	case class != "" && !negated:
		self.writeString("[" + class + "]")
	case class != "" && !inClass:
		self.writeString("[^" + class + "]")
	default:
		rs := ranges()
		if negated {
			rs = complement(rs)
		}
		if inClass {
			self.writeString(rs.String())
		} else {
			self.writeString("[" + rs.String() + "]")
		}
	}
}

// unicodeProperty resolves the body of a property escape to a Go class
// body (class) or, when Go has no class for it, to ranges. ranges is set in
// both cases.
func unicodeProperty(body string) (class string, ranges func() runeRanges, err error) {
	name, value, hasValue := strings.Cut(body, "=")
	if hasValue {
		switch name {
		case "General_Category", "gc":
			if gc, ok := generalCategories[value]; ok {
				return categoryClass(gc)
			}
		case "Script", "sc":
			if t, ok := unicode.Scripts[value]; ok {
				return `\p{` + value + `}`, func() runeRanges { return fromTables(t) }, nil
			}
		}
		return "", nil, fmt.Errorf("Invalid property name or value: %s", body)
	}
	if gc, ok := generalCategories[name]; ok {
		return categoryClass(gc)
	}
	if long, ok := binaryPropertyAliases[name]; ok {
		name = long
	}
	if derive, ok := derivedProperties[name]; ok {
		return "", derive, nil
	}
	if t, ok := unicode.Properties[name]; ok && !strings.HasPrefix(name, "Other_") && name != "Hyphen" && name != "Prepended_Concatenation_Mark" {
		return "", func() runeRanges { return fromTables(t) }, nil
	}
	return "", nil, fmt.Errorf("Invalid or unsupported property name: %s", body)
}

// categoryClass is the Go class body of a general category (Go's tables
// have Cn and LC, and its C includes Cn as ECMA-262's does).
func categoryClass(gc string) (string, func() runeRanges, error) {
	t := unicode.Categories[gc]
	return `\p{` + gc + `}`, func() runeRanges { return fromTables(t) }, nil
}

// runeRanges is a sorted list of disjoint, non-adjacent code point ranges.
type runeRanges [][2]rune

func fromTables(tables ...*unicode.RangeTable) runeRanges {
	var all runeRanges
	for _, t := range tables {
		for _, r := range t.R16 {
			for c := rune(r.Lo); c <= rune(r.Hi); c += rune(r.Stride) {
				if r.Stride == 1 {
					all = append(all, [2]rune{rune(r.Lo), rune(r.Hi)})
					break
				}
				all = append(all, [2]rune{c, c})
			}
		}
		for _, r := range t.R32 {
			for c := rune(r.Lo); c <= rune(r.Hi); c += rune(r.Stride) {
				if r.Stride == 1 {
					all = append(all, [2]rune{rune(r.Lo), rune(r.Hi)})
					break
				}
				all = append(all, [2]rune{c, c})
			}
		}
	}
	return normalize(all)
}

func normalize(rs runeRanges) runeRanges {
	sort.Slice(rs, func(i, j int) bool { return rs[i][0] < rs[j][0] })
	out := rs[:0]
	for _, r := range rs {
		if n := len(out); n > 0 && r[0] <= out[n-1][1]+1 {
			out[n-1][1] = max(out[n-1][1], r[1])
			continue
		}
		out = append(out, r)
	}
	return out
}

func union(a, b runeRanges) runeRanges {
	return normalize(append(append(runeRanges{}, a...), b...))
}

func complement(rs runeRanges) runeRanges {
	var out runeRanges
	next := rune(0)
	for _, r := range rs {
		if r[0] > next {
			out = append(out, [2]rune{next, r[0] - 1})
		}
		next = r[1] + 1
	}
	if next <= unicode.MaxRune {
		out = append(out, [2]rune{next, unicode.MaxRune})
	}
	return out
}

func subtract(a, b runeRanges) runeRanges {
	// a − b = a ∩ ¬b = ¬(¬a ∪ b)
	return complement(union(complement(a), b))
}

// String writes the ranges as the body of a Go class.
func (rs runeRanges) String() string {
	var b strings.Builder
	for _, r := range rs {
		fmt.Fprintf(&b, `\x{%X}`, r[0])
		if r[1] != r[0] {
			fmt.Fprintf(&b, `-\x{%X}`, r[1])
		}
	}
	return b.String()
}

// ExpandPropertyEscapes rewrites the property escapes of a pattern with the
// u flag as classes of \u{…} ranges, for regexp2, which runs the patterns
// Go's regexp cannot and knows only some of the properties.
func ExpandPropertyEscapes(pattern string) (string, error) {
	if !strings.Contains(pattern, `\p{`) && !strings.Contains(pattern, `\P{`) {
		return pattern, nil
	}
	var b strings.Builder
	inClass := false
	for i := 0; i < len(pattern); i++ {
		c := pattern[i]
		switch {
		case c == '\\' && i+1 < len(pattern):
			next := pattern[i+1]
			if next != 'p' && next != 'P' {
				b.WriteByte(c)
				b.WriteByte(next)
				i++
				continue
			}
			end := strings.IndexByte(pattern[i+2:], '}')
			if end < 0 || pattern[i+2] != '{' {
				return "", fmt.Errorf("Invalid property name")
			}
			_, ranges, err := unicodeProperty(pattern[i+3 : i+2+end])
			if err != nil {
				return "", err
			}
			rs := ranges()
			if next == 'P' {
				rs = complement(rs)
			}
			if !inClass {
				b.WriteByte('[')
			}
			for _, r := range rs {
				fmt.Fprintf(&b, `\u{%X}`, r[0])
				if r[1] != r[0] {
					fmt.Fprintf(&b, `-\u{%X}`, r[1])
				}
			}
			if !inClass {
				b.WriteByte(']')
			}
			i += 2 + end
		case c == '[' && !inClass:
			inClass = true
			b.WriteByte(c)
		case c == ']' && inClass:
			inClass = false
			b.WriteByte(c)
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), nil
}
