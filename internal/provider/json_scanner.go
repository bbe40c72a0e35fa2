package provider

import (
	"bytes"
	"encoding/json"
	"unicode/utf8"
)

// jsonScanner reads the structure of stored state: objects, strings and literals; a value's codec reads the
// rest. Anything it does not expect makes a reader return false.
type jsonScanner struct {
	b []byte
	i int
}

func (s *jsonScanner) skipSpace() {
	for s.i < len(s.b) && (s.b[s.i] == ' ' || s.b[s.i] == '\t' || s.b[s.i] == '\n' || s.b[s.i] == '\r') {
		s.i++
	}
}

// consume reads c, after any space.
func (s *jsonScanner) consume(c byte) bool {
	s.skipSpace()
	if s.i < len(s.b) && s.b[s.i] == c {
		s.i++
		return true
	}
	return false
}

// literal reads lit (null, true, false), after any space.
func (s *jsonScanner) literal(lit string) bool {
	s.skipSpace()
	if !bytes.HasPrefix(s.b[s.i:], []byte(lit)) {
		return false
	}
	s.i += len(lit)
	return true
}

// str reads a string. Strings with escapes or invalid UTF-8 are rare in state; encoding/json reads those.
func (s *jsonScanner) str() (string, bool) {
	quoted, plain, ok := s.quoted()
	switch {
	case !ok:
		return "", false
	case plain && utf8.Valid(quoted[1:len(quoted)-1]):
		return string(quoted[1 : len(quoted)-1]), true
	}
	var out string
	return out, json.Unmarshal(quoted, &out) == nil
}

// quoted reads a string as it is written, quotes included, and says whether it has no escapes.
func (s *jsonScanner) quoted() (quoted []byte, plain, ok bool) {
	s.skipSpace()
	if s.i >= len(s.b) || s.b[s.i] != '"' {
		return nil, false, false
	}
	start, plain := s.i, true
	for s.i++; s.i < len(s.b); s.i++ {
		switch c := s.b[s.i]; {
		case c == '\\':
			plain = false
			s.i++ // the escaped character cannot end the string
		case c < 0x20:
			return nil, false, false
		case c == '"':
			s.i++
			return s.b[start:s.i], plain, true
		}
	}
	return nil, false, false
}

// skipValue reads any JSON value: an attribute this build does not know.
func (s *jsonScanner) skipValue() bool {
	s.skipSpace()
	if s.i >= len(s.b) {
		return false
	}
	switch s.b[s.i] {
	case '"':
		_, _, ok := s.quoted()
		return ok
	case '{', '[':
		end := byte('}')
		if s.b[s.i] == '[' {
			end = ']'
		}
		s.i++
		if s.consume(end) {
			return true
		}
		for {
			if end == '}' {
				if _, _, ok := s.quoted(); !ok || !s.consume(':') {
					return false
				}
			}
			if !s.skipValue() {
				return false
			}
			if s.consume(end) {
				return true
			}
			if !s.consume(',') {
				return false
			}
		}
	}
	start := s.i // a number or a literal
	for s.i < len(s.b) && bytes.IndexByte([]byte("+-.0123456789Eaeflnrstu"), s.b[s.i]) >= 0 {
		s.i++
	}
	return s.i > start
}
