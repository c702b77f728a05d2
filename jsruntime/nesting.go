package jsruntime

import "strings"

// MaxSourceNesting is how deeply the brackets ( [ { and template
// substitutions of a script may nest. goja's parser and esbuild's recurse
// in Go once per level, and a Go stack overflow ends the process without
// any chance to recover: a file of a million "[" crashed it. V8 refuses
// such source with its RangeError for an exhausted stack, and so does the
// runtime, before any parser sees it. Real code stays far below: the
// minified bundles of popular npm packages nest at most a few dozen
// levels (see TestSourceNestingOfRealCode), and V8 itself gives up on
// "[".repeat(n) at a few thousand.
const MaxSourceNesting = 1000

// sourceNesting returns how deeply code's brackets nest, counting only those
// in code: strings, template text, comments and regular-expression literals
// are skipped. Whether a "/" starts a regular expression or divides is
// decided, as tokenizers without a parser do, by the token before it. It
// stops counting once past limit. It needs no valid source: an unterminated
// string or comment ends the count.
func sourceNesting(code string, limit int) int {
	// chain counts prefixes that nest without brackets since the last
	// other token — labels (a: b: c: …) and unary operators (! ~ - +
	// typeof …): goja's parser recurses once for each.
	depth, chain, deepest := 0, 0, 0
	// templates holds, for each template substitution ${ under way, the
	// depth at which it opened: its } resumes the template's text.
	var templates []int
	regexAllowed := true
	i := 0
	// templateText skips template text from from: to the closing backquote,
	// or into a substitution, one level deeper.
	templateText := func(from int) {
		var opened bool
		if i, opened = skipTemplateText(code, from); opened {
			depth++
			templates = append(templates, depth)
		}
		regexAllowed = opened
	}
	for i < len(code) {
		c := code[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
			continue
		case c == '"' || c == '\'':
			i = skipQuoted(code, i)
			regexAllowed = false
			chain = 0
			continue
		case c == '`':
			templateText(i + 1)
		case c == '/' && i+1 < len(code) && code[i+1] == '/':
			for i < len(code) && code[i] != '\n' {
				i++
			}
			continue
		case c == '/' && i+1 < len(code) && code[i+1] == '*':
			end := strings.Index(code[i+2:], "*/")
			if end < 0 {
				return deepest
			}
			i += 2 + end + 2
			continue
		case c == '/' && regexAllowed:
			i = skipRegExp(code, i+1)
			regexAllowed = false
			continue
		case c == '(' || c == '[' || c == '{':
			depth++
			regexAllowed = true
			i++
		case c == ')' || c == ']':
			depth--
			regexAllowed = false
			i++
		case c == '}':
			if n := len(templates); n > 0 && templates[n-1] == depth {
				templates = templates[:n-1]
				depth--
				templateText(i + 1)
				break
			}
			depth--
			// A } ending a block is followed by a statement, which may
			// be a regular expression; one ending an object literal is
			// rarely divided.
			regexAllowed = true
			i++
		case isWordByte(c):
			start := i
			for i < len(code) && isWordByte(code[i]) {
				i++
			}
			word := code[start:i]
			regexAllowed = regexKeywords[word]
			switch {
			case followedByColon(code, i):
				chain++ // a label, or an object key (which its value ends)
			case prefixKeywords[word]:
				chain++
			default:
				chain = 0
			}
		default:
			if c == '!' || c == '~' || (c == '-' || c == '+') && regexAllowed {
				chain++
			} else if c != ':' {
				chain = 0
			}
			// Punctuators: after any of them (but the closing ones above) an
			// expression may start. A non-ASCII byte is taken as part of a
			// word: identifiers are the only place it may appear in code.
			regexAllowed = c < 0x80
			i++
		}
		if depth+chain > deepest {
			deepest = depth + chain
			if deepest > limit {
				return deepest
			}
		}
	}
	return deepest
}

// regexKeywords are the words after which a "/" starts a regular expression.
var regexKeywords = map[string]bool{
	"return": true, "typeof": true, "instanceof": true, "in": true, "of": true, "new": true, "delete": true,
	"void": true, "throw": true, "case": true, "do": true, "else": true, "yield": true, "await": true,
}

// prefixKeywords are the keywords that take an operand after them, each a
// level of the parser's recursion.
var prefixKeywords = map[string]bool{
	"typeof": true, "void": true, "delete": true, "await": true, "new": true, "yield": true,
}

// followedByColon reports whether the next character after i, past blanks,
// is a colon.
func followedByColon(code string, i int) bool {
	for ; i < len(code); i++ {
		switch code[i] {
		case ' ', '\t', '\n', '\r':
			continue
		case ':':
			return true
		}
		return false
	}
	return false
}

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '$' || c == '\\' || c >= 0x80
}

// skipQuoted returns the index after the string literal starting at i.
func skipQuoted(code string, i int) int {
	quote := code[i]
	for i++; i < len(code); i++ {
		switch code[i] {
		case '\\':
			i++
		case quote, '\n':
			return i + 1
		}
	}
	return i
}

// skipTemplateText skips template text from i to its closing backquote or
// to a substitution's "${", and returns the index after it and whether a
// substitution opened.
func skipTemplateText(code string, i int) (int, bool) {
	for ; i < len(code); i++ {
		switch code[i] {
		case '\\':
			i++
		case '`':
			return i + 1, false
		case '$':
			if i+1 < len(code) && code[i+1] == '{' {
				return i + 2, true
			}
		}
	}
	return i, false
}

// skipRegExp returns the index after the regular-expression literal whose
// body starts at i: its closing "/" is outside a character class, and a
// line break ends it.
func skipRegExp(code string, i int) int {
	inClass := false
	for ; i < len(code); i++ {
		switch code[i] {
		case '\\':
			i++
		case '[':
			inClass = true
		case ']':
			inClass = false
		case '/':
			if !inClass {
				return i + 1
			}
		case '\n':
			return i
		}
	}
	return i
}

// checkSourceNesting returns V8's RangeError for an exhausted stack if
// code nests deeper than MaxSourceNesting; where names the file for a
// module, as a SyntaxError would, and is empty for code built at run time.
func checkSourceNesting(where, code string) error {
	if sourceNesting(code, MaxSourceNesting) <= MaxSourceNesting {
		return nil
	}
	msg := "Maximum call stack size exceeded"
	if where != "" {
		msg = where + ": " + msg
	}
	return &nodeError{Type: "RangeError", Message: msg}
}
