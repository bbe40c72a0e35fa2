package emulator

// $filter: "prop eq literal" clauses joined by "and", as the Secure Score API supports.

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

type litKind int

const (
	litString litKind = iota
	litNumber
	litBool
	litNull
	litDateTime
)

type filterClause struct {
	prop string
	kind litKind
	s    string
	f    float64
	b    bool
	t    time.Time
}

type filterError struct{ msg string }

func (e *filterError) Error() string { return e.msg }

func parseFilter(expr string, et *entityType) ([]filterClause, error) {
	p := &filterParser{s: expr}
	var out []filterClause
	for {
		p.space()
		prop := p.ident()
		if prop == "" {
			return nil, p.syntax()
		}
		def, ok := et.props[strings.ToLower(prop)]
		if !ok {
			return nil, &filterError{fmt.Sprintf("Could not find a property named '%s' on type '%s'.", prop, et.name)}
		}
		p.space()
		op := p.ident()
		if !strings.EqualFold(op, "eq") {
			if op == "" {
				return nil, p.syntax()
			}
			return nil, &filterError{fmt.Sprintf("Invalid filter clause: the operator '%s' is not supported; only 'eq' and 'and' are.", op)}
		}
		p.space()
		c, err := p.literal()
		if err != nil {
			return nil, err
		}
		c.prop = def.name
		if err := checkFilterType(def, c); err != nil {
			return nil, err
		}
		out = append(out, c)
		p.space()
		if p.i >= len(p.s) {
			return out, nil
		}
		if kw := p.ident(); !strings.EqualFold(kw, "and") {
			return nil, &filterError{fmt.Sprintf("Invalid filter clause: expected 'and' at position %d in '%s'.", p.i, p.s)}
		}
	}
}

func checkFilterType(def propDef, c filterClause) error {
	if c.kind == litNull {
		return nil
	}
	want := map[edmKind]litKind{edmString: litString, edmBool: litBool, edmInt32: litNumber, edmDouble: litNumber, edmDateTimeOffset: litDateTime}
	k, ok := want[def.kind]
	if !ok {
		return &filterError{fmt.Sprintf("Invalid filter clause: the property '%s' of type '%s' cannot be compared with 'eq'.", def.name, def.typeName())}
	}
	if k != c.kind {
		return &filterError{fmt.Sprintf("A binary operator with incompatible types was detected. Found operand types '%s' and '%s' for operator kind 'Equal'.", def.typeName(), litTypeName(c.kind))}
	}
	return nil
}

func litTypeName(k litKind) string {
	switch k {
	case litString:
		return "Edm.String"
	case litNumber:
		return "Edm.Double"
	case litBool:
		return "Edm.Boolean"
	case litDateTime:
		return "Edm.DateTimeOffset"
	}
	return "null"
}

type filterParser struct {
	s string
	i int
}

func (p *filterParser) syntax() error {
	return &filterError{fmt.Sprintf("Syntax error at position %d in '%s'.", p.i, p.s)}
}

func (p *filterParser) space() {
	for p.i < len(p.s) && (p.s[p.i] == ' ' || p.s[p.i] == '\t') {
		p.i++
	}
}

func (p *filterParser) ident() string {
	start := p.i
	for p.i < len(p.s) {
		c := p.s[p.i]
		if c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || p.i > start && c >= '0' && c <= '9' {
			p.i++
			continue
		}
		break
	}
	return p.s[start:p.i]
}

func (p *filterParser) literal() (filterClause, error) {
	if p.i < len(p.s) && p.s[p.i] == '\'' {
		var b strings.Builder
		p.i++
		for p.i < len(p.s) {
			c := p.s[p.i]
			if c == '\'' {
				if p.i+1 < len(p.s) && p.s[p.i+1] == '\'' {
					b.WriteByte('\'')
					p.i += 2
					continue
				}
				p.i++
				return filterClause{kind: litString, s: b.String()}, nil
			}
			b.WriteByte(c)
			p.i++
		}
		return filterClause{}, &filterError{fmt.Sprintf("Unterminated string literal at position %d in '%s'.", p.i, p.s)}
	}
	start := p.i
	for p.i < len(p.s) && p.s[p.i] != ' ' && p.s[p.i] != '\t' {
		p.i++
	}
	tok := p.s[start:p.i]
	switch strings.ToLower(tok) {
	case "":
		return filterClause{}, p.syntax()
	case "true", "false":
		return filterClause{kind: litBool, b: strings.EqualFold(tok, "true")}, nil
	case "null":
		return filterClause{kind: litNull}, nil
	}
	if t, err := parseDateTimeOffset(tok); err == nil {
		return filterClause{kind: litDateTime, t: t}, nil
	}
	if f, err := strconv.ParseFloat(strings.TrimRight(tok, "dDmMlLfF"), 64); err == nil {
		return filterClause{kind: litNumber, f: f}, nil
	}
	return filterClause{}, &filterError{fmt.Sprintf("Syntax error: '%s' at position %d in '%s' is not a valid literal.", tok, start, p.s)}
}

func matchFilter(obj map[string]any, clauses []filterClause) bool {
	for _, c := range clauses {
		if !matchClause(obj[c.prop], c) {
			return false
		}
	}
	return true
}

func matchClause(v any, c filterClause) bool {
	switch c.kind {
	case litNull:
		return v == nil
	case litString:
		s, ok := v.(string)
		return ok && s == c.s
	case litBool:
		b, ok := v.(bool)
		return ok && b == c.b
	case litNumber:
		if n, ok := v.(json.Number); ok {
			f, err := n.Float64()
			return err == nil && f == c.f
		}
		return false
	case litDateTime:
		s, ok := v.(string)
		if !ok {
			return false
		}
		t, err := parseDateTimeOffset(s)
		return err == nil && t.Equal(c.t)
	}
	return false
}
