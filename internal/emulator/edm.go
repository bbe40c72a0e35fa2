package emulator

// EDM types of the two entity sets (from the v1.0/beta CSDL, identical in both) and the
// validation of client-supplied values against them.

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

type edmKind int

const (
	edmString edmKind = iota
	edmInt32
	edmDouble
	edmBool
	edmDateTimeOffset
	edmStringCollection
	edmComplex
	edmComplexCollection
)

func (k edmKind) String() string {
	switch k {
	case edmString:
		return "Edm.String"
	case edmInt32:
		return "Edm.Int32"
	case edmDouble:
		return "Edm.Double"
	case edmBool:
		return "Edm.Boolean"
	case edmDateTimeOffset:
		return "Edm.DateTimeOffset"
	case edmStringCollection:
		return "Collection(Edm.String)"
	}
	return "complex"
}

type propDef struct {
	name    string
	kind    edmKind
	complex *complexType // for edmComplex / edmComplexCollection
}

func (p propDef) typeName() string {
	switch p.kind {
	case edmComplex:
		return "microsoft.graph." + p.complex.name
	case edmComplexCollection:
		return "Collection(microsoft.graph." + p.complex.name + ")"
	}
	return p.kind.String()
}

type complexType struct {
	name  string
	open  bool
	props map[string]propDef // lower-case name -> def
}

type entityType struct {
	name  string
	order []string           // declared properties in the service's output order (id first)
	props map[string]propDef // lower-case name -> def
}

func (et *entityType) canonical(name string) (string, bool) {
	if p, ok := et.props[strings.ToLower(name)]; ok {
		return p.name, true
	}
	return "", false
}

func defs(ps ...propDef) map[string]propDef {
	m := make(map[string]propDef, len(ps))
	for _, p := range ps {
		m[strings.ToLower(p.name)] = p
	}
	return m
}

var (
	vendorInformationType = &complexType{name: "securityVendorInformation", props: defs(
		propDef{name: "provider"}, propDef{name: "providerVersion"}, propDef{name: "subProvider"}, propDef{name: "vendor"})}
	averageComparativeScoreType = &complexType{name: "averageComparativeScore", open: true, props: defs(
		propDef{name: "averageScore", kind: edmDouble}, propDef{name: "basis"})}
	controlScoreType = &complexType{name: "controlScore", open: true, props: defs(
		propDef{name: "controlCategory"}, propDef{name: "controlName"}, propDef{name: "description"},
		propDef{name: "score", kind: edmDouble})}
	certificationControlType = &complexType{name: "certificationControl", open: true, props: defs(
		propDef{name: "name"}, propDef{name: "url"})}
	complianceInformationType = &complexType{name: "complianceInformation", open: true, props: defs(
		propDef{name: "certificationControls", kind: edmComplexCollection, complex: certificationControlType},
		propDef{name: "certificationName"})}
	controlStateUpdateType = &complexType{name: "secureScoreControlStateUpdate", props: defs(
		propDef{name: "assignedTo"}, propDef{name: "comment"}, propDef{name: "state"}, propDef{name: "updatedBy"},
		propDef{name: "updatedDateTime", kind: edmDateTimeOffset})}
)

var secureScoreType = &entityType{
	name: "microsoft.graph.secureScore",
	order: []string{"id", "azureTenantId", "activeUserCount", "createdDateTime", "currentScore", "enabledServices",
		"licensedUserCount", "maxScore", "averageComparativeScores", "controlScores", "vendorInformation"},
	props: defs(
		propDef{name: "id"},
		propDef{name: "azureTenantId"},
		propDef{name: "activeUserCount", kind: edmInt32},
		propDef{name: "createdDateTime", kind: edmDateTimeOffset},
		propDef{name: "currentScore", kind: edmDouble},
		propDef{name: "enabledServices", kind: edmStringCollection},
		propDef{name: "licensedUserCount", kind: edmInt32},
		propDef{name: "maxScore", kind: edmDouble},
		propDef{name: "averageComparativeScores", kind: edmComplexCollection, complex: averageComparativeScoreType},
		propDef{name: "controlScores", kind: edmComplexCollection, complex: controlScoreType},
		propDef{name: "vendorInformation", kind: edmComplex, complex: vendorInformationType},
	),
}

var controlProfileType = &entityType{
	name: "microsoft.graph.secureScoreControlProfile",
	order: []string{"id", "azureTenantId", "actionType", "actionUrl", "controlCategory", "title", "deprecated",
		"implementationCost", "lastModifiedDateTime", "maxScore", "rank", "remediation", "remediationImpact",
		"service", "threats", "tier", "userImpact", "complianceInformation", "controlStateUpdates", "vendorInformation"},
	props: defs(
		propDef{name: "id"},
		propDef{name: "azureTenantId"},
		propDef{name: "actionType"},
		propDef{name: "actionUrl"},
		propDef{name: "complianceInformation", kind: edmComplexCollection, complex: complianceInformationType},
		propDef{name: "controlCategory"},
		propDef{name: "controlStateUpdates", kind: edmComplexCollection, complex: controlStateUpdateType},
		propDef{name: "deprecated", kind: edmBool},
		propDef{name: "implementationCost"},
		propDef{name: "lastModifiedDateTime", kind: edmDateTimeOffset},
		propDef{name: "maxScore", kind: edmDouble},
		propDef{name: "rank", kind: edmInt32},
		propDef{name: "remediation"},
		propDef{name: "remediationImpact"},
		propDef{name: "service"},
		propDef{name: "threats", kind: edmStringCollection},
		propDef{name: "tier"},
		propDef{name: "title"},
		propDef{name: "userImpact"},
		propDef{name: "vendorInformation", kind: edmComplex, complex: vendorInformationType},
	),
}

// propError is a 400 that names the offending property.
type propError struct {
	prop string
	msg  string
}

func (e *propError) Error() string {
	return fmt.Sprintf("Invalid value for property '%s': %s", e.prop, e.msg)
}

func isAnnotation(key string) bool { return strings.Contains(key, "@") }

func literal(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	s := string(b)
	if len(s) > 64 {
		s = s[:64] + "…"
	}
	return s
}

func typeErr(path string, v any, want string) error {
	return &propError{prop: path, msg: fmt.Sprintf("cannot convert the literal %s to the expected type '%s'.", literal(v), want)}
}

// normalizeValue checks v (decoded with UseNumber) against def and returns the value to store.
// Annotations inside complex values are dropped; dynamic properties of open types are kept verbatim.
func normalizeValue(path string, def propDef, v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	switch def.kind {
	case edmString:
		s, ok := v.(string)
		if !ok {
			return nil, typeErr(path, v, "Edm.String")
		}
		return s, nil
	case edmBool:
		b, ok := v.(bool)
		if !ok {
			return nil, typeErr(path, v, "Edm.Boolean")
		}
		return b, nil
	case edmInt32:
		n, ok := v.(json.Number)
		if !ok {
			return nil, typeErr(path, v, "Edm.Int32")
		}
		i, err := strconv.ParseInt(n.String(), 10, 64)
		if err != nil {
			return nil, typeErr(path, v, "Edm.Int32")
		}
		if i < math.MinInt32 || i > math.MaxInt32 {
			return nil, &propError{prop: path, msg: fmt.Sprintf("the value %s is out of the range of type 'Edm.Int32' (%d to %d).", n, math.MinInt32, math.MaxInt32)}
		}
		return json.Number(strconv.FormatInt(i, 10)), nil
	case edmDouble:
		switch x := v.(type) {
		case json.Number:
			f, err := strconv.ParseFloat(x.String(), 64)
			if err != nil {
				return nil, &propError{prop: path, msg: fmt.Sprintf("the value %s is not a valid 'Edm.Double'.", x)}
			}
			return doubleValue(f), nil
		case string:
			switch x {
			case "NaN", "INF", "-INF":
				return x, nil
			}
		}
		return nil, typeErr(path, v, "Edm.Double")
	case edmDateTimeOffset:
		s, ok := v.(string)
		if !ok {
			return nil, typeErr(path, v, "Edm.DateTimeOffset")
		}
		if _, err := parseDateTimeOffset(s); err != nil {
			return nil, typeErr(path, v, "Edm.DateTimeOffset")
		}
		return s, nil
	case edmStringCollection:
		arr, ok := v.([]any)
		if !ok {
			return nil, typeErr(path, v, "Collection(Edm.String)")
		}
		out := make([]any, len(arr))
		for i, el := range arr {
			s, ok := el.(string)
			if !ok {
				return nil, typeErr(fmt.Sprintf("%s[%d]", path, i), el, "Edm.String")
			}
			out[i] = s
		}
		return out, nil
	case edmComplex:
		return normalizeComplex(path, def.complex, v)
	case edmComplexCollection:
		arr, ok := v.([]any)
		if !ok {
			return nil, typeErr(path, v, def.typeName())
		}
		out := make([]any, len(arr))
		for i, el := range arr {
			if el == nil {
				return nil, &propError{prop: fmt.Sprintf("%s[%d]", path, i), msg: "a null value was found for a collection element of a complex type; null elements are not allowed."}
			}
			n, err := normalizeComplex(fmt.Sprintf("%s[%d]", path, i), def.complex, el)
			if err != nil {
				return nil, err
			}
			out[i] = n
		}
		return out, nil
	}
	return nil, typeErr(path, v, def.typeName())
}

func normalizeComplex(path string, ct *complexType, v any) (any, error) {
	m, ok := v.(map[string]any)
	if !ok {
		return nil, typeErr(path, v, "microsoft.graph."+ct.name)
	}
	out := make(map[string]any, len(m))
	for k, val := range m {
		if isAnnotation(k) {
			continue
		}
		def, ok := ct.props[strings.ToLower(k)]
		if !ok {
			if !ct.open {
				return nil, &propError{prop: path + "." + k, msg: fmt.Sprintf("the property '%s' does not exist on type 'microsoft.graph.%s'. Make sure to only use property names that are defined by the type or mark the type as open type.", k, ct.name)}
			}
			out[k] = stripAnnotations(val)
			continue
		}
		n, err := normalizeValue(path+"."+def.name, def, val)
		if err != nil {
			return nil, err
		}
		out[def.name] = n
	}
	return out, nil
}

// doubleValue stores a Double as the service writes it: whole values with ".0", specials as strings.
func doubleValue(f float64) any {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "INF"
	case math.IsInf(f, -1):
		return "-INF"
	}
	if f == math.Trunc(f) && math.Abs(f) < 1e15 {
		return json.Number(strconv.FormatFloat(f, 'f', 1, 64))
	}
	return json.Number(strconv.FormatFloat(f, 'g', -1, 64))
}

// asFloat reads a stored Double or Int32; specials and non-numbers read as (0, false).
func asFloat(v any) (float64, bool) {
	switch x := v.(type) {
	case json.Number:
		f, err := x.Float64()
		return f, err == nil
	case float64:
		return x, true
	}
	return 0, false
}

// parseDateTimeOffset accepts yyyy-MM-ddTHH:mm[:ss[.f{1,12}]](Z|±hh:mm).
func parseDateTimeOffset(s string) (time.Time, error) {
	bad := fmt.Errorf("invalid Edm.DateTimeOffset %q", s)
	if len(s) < 17 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't') || s[13] != ':' {
		return time.Time{}, bad
	}
	num := func(a string) (int, bool) {
		n := 0
		for _, c := range a {
			if c < '0' || c > '9' {
				return 0, false
			}
			n = n*10 + int(c-'0')
		}
		return n, len(a) > 0
	}
	year, ok1 := num(s[0:4])
	month, ok2 := num(s[5:7])
	day, ok3 := num(s[8:10])
	hour, ok4 := num(s[11:13])
	minute, ok5 := num(s[14:16])
	if !ok1 || !ok2 || !ok3 || !ok4 || !ok5 {
		return time.Time{}, bad
	}
	rest := s[16:]
	sec, nsec := 0, 0
	if strings.HasPrefix(rest, ":") {
		if len(rest) < 3 {
			return time.Time{}, bad
		}
		var ok bool
		if sec, ok = num(rest[1:3]); !ok {
			return time.Time{}, bad
		}
		rest = rest[3:]
		if strings.HasPrefix(rest, ".") {
			i := 1
			for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
				i++
			}
			frac := rest[1:i]
			if len(frac) == 0 || len(frac) > 12 {
				return time.Time{}, bad
			}
			if len(frac) > 9 {
				frac = frac[:9]
			}
			nsec, _ = num(frac + strings.Repeat("0", 9-len(frac)))
			rest = rest[i:]
		}
	}
	var loc *time.Location
	switch {
	case rest == "Z" || rest == "z":
		loc = time.UTC
	case len(rest) == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':':
		oh, ok1 := num(rest[1:3])
		om, ok2 := num(rest[4:6])
		if !ok1 || !ok2 || oh > 23 || om > 59 {
			return time.Time{}, bad
		}
		off := oh*3600 + om*60
		if rest[0] == '-' {
			off = -off
		}
		loc = time.FixedZone("", off)
	default:
		return time.Time{}, bad
	}
	if month < 1 || month > 12 || hour > 23 || minute > 59 || sec > 59 {
		return time.Time{}, bad
	}
	t := time.Date(year, time.Month(month), day, hour, minute, sec, nsec, loc)
	if t.Day() != day {
		return time.Time{}, bad
	}
	return t, nil
}

// cloneJSON deep-copies a decoded JSON value.
func cloneJSON(v any) any {
	switch x := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(x))
		for k, val := range x {
			m[k] = cloneJSON(val)
		}
		return m
	case []any:
		a := make([]any, len(x))
		for i, val := range x {
			a[i] = cloneJSON(val)
		}
		return a
	}
	return v
}

// stripAnnotations removes '@' keys at every depth from a dynamic value before it is stored.
func stripAnnotations(v any) any {
	switch x := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(x))
		for k, val := range x {
			if !isAnnotation(k) {
				m[k] = stripAnnotations(val)
			}
		}
		return m
	case []any:
		a := make([]any, len(x))
		for i, val := range x {
			a[i] = stripAnnotations(val)
		}
		return a
	}
	return v
}

func jsonInt(n int) json.Number { return json.Number(strconv.Itoa(n)) }

// cloneObject deep-copies a decoded JSON object.
func cloneObject(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = cloneJSON(v)
	}
	return out
}
