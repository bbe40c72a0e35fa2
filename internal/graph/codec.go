package graph

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// DecodeError says which property of a response could not be decoded, e.g.
// "averageComparativeScores[0].averageScore: invalid Edm.Double ...".
type DecodeError struct {
	Path string // property path; empty for the document itself
	Err  error
}

func (e *DecodeError) Error() string {
	if e.Path == "" {
		return e.Err.Error()
	}
	return e.Path + ": " + e.Err.Error()
}

func (e *DecodeError) Unwrap() error { return e.Err }

// DecodeErrors is returned when several properties failed; each is reported (up to maxDecodeErrors), in
// document model order, so one bad placeholder does not hide the next.
type DecodeErrors []*DecodeError

func (e DecodeErrors) Error() string {
	parts := make([]string, len(e))
	for i, d := range e {
		parts[i] = d.Error()
	}
	return strings.Join(parts, "; ")
}

func (e DecodeErrors) Unwrap() []error {
	out := make([]error, len(e))
	for i, d := range e {
		out[i] = d
	}
	return out
}

const maxDecodeErrors = 10

type codecField struct {
	name  string
	index int
}

type structCodec struct {
	fields   []codecField
	declared map[string]bool
	extra    int // index of the Extra field, or -1 for closed types
}

var codecCache sync.Map // reflect.Type -> *structCodec

var (
	doubleType   = reflect.TypeFor[Double]()
	dateTimeType = reflect.TypeFor[DateTimeOffset]()
	extraType    = reflect.TypeFor[Extra]()
)

func codecFor(t reflect.Type) *structCodec {
	if v, ok := codecCache.Load(t); ok {
		if c, ok := v.(*structCodec); ok {
			return c
		}
	}
	c := &structCodec{declared: map[string]bool{}, extra: -1}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			if f.Type == extraType {
				c.extra = i
			}
			continue
		}
		c.fields = append(c.fields, codecField{name: tag, index: i})
		c.declared[tag] = true
	}
	codecCache.Store(t, c)
	return c
}

type decoder struct{ errs DecodeErrors }

func (d *decoder) fail(path string, err error) {
	if len(d.errs) < maxDecodeErrors {
		d.errs = append(d.errs, &DecodeError{Path: path, Err: err})
	}
}

func (d *decoder) err() error {
	switch len(d.errs) {
	case 0:
		return nil
	case 1:
		return d.errs[0]
	}
	return d.errs
}

// decodeRoot decodes a whole JSON document into the model value v points to.
func decodeRoot(b []byte, v any) error {
	return decodeAt(b, v, "")
}

// decodeAt decodes b into v, naming properties relative to path.
func decodeAt(b []byte, v any, path string) error {
	if err := checkSyntax(b); err != nil {
		return &DecodeError{Path: path, Err: err}
	}
	d := &decoder{}
	d.value(reflect.ValueOf(v).Elem(), b, path)
	return d.err()
}

// checkSyntax reports a JSON syntax error with its line and column, which makes a trailing comma easy to find.
func checkSyntax(b []byte) error {
	if json.Valid(b) {
		return nil
	}
	var raw json.RawMessage
	err := json.Unmarshal(b, &raw)
	var se *json.SyntaxError
	if errors.As(err, &se) {
		line, col := lineCol(b, se.Offset)
		return fmt.Errorf("invalid JSON at line %d, column %d: %s", line, col, se.Error())
	}
	if err == nil {
		err = errors.New("not valid JSON")
	}
	return fmt.Errorf("invalid JSON: %w", err)
}

// lineCol gives the 1-based position of the offending byte; SyntaxError.Offset counts the bytes read,
// including that byte.
func lineCol(b []byte, off int64) (int, int) {
	off--
	if off > int64(len(b)) {
		off = int64(len(b))
	}
	if off < 0 {
		off = 0
	}
	line, col := 1, 1
	for _, c := range b[:off] {
		if c == '\n' {
			line++
			col = 1
		} else {
			col++
		}
	}
	return line, col
}

func childPath(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

func jsonKind(raw []byte) string {
	if len(raw) == 0 {
		return "nothing"
	}
	switch raw[0] {
	case '{':
		return "an object"
	case '[':
		return "an array"
	case '"':
		return "a string " + truncateForError(raw)
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	}
	return "a number " + truncateForError(raw)
}

func (d *decoder) value(v reflect.Value, raw []byte, path string) {
	raw = bytes.TrimSpace(raw)
	isNull := string(raw) == "null"
	switch v.Type() {
	case doubleType:
		if isNull {
			d.fail(path, errors.New("invalid Edm.Double null"))
			return
		}
		f, err := parseDouble(raw)
		if err != nil {
			d.fail(path, err)
			return
		}
		v.SetFloat(float64(f))
		return
	case dateTimeType:
		var dt DateTimeOffset
		if err := dt.UnmarshalJSON(raw); err != nil {
			d.fail(path, err)
			return
		}
		v.Set(reflect.ValueOf(dt))
		return
	}
	switch v.Kind() {
	case reflect.Pointer:
		if isNull {
			v.SetZero()
			return
		}
		p := reflect.New(v.Type().Elem())
		d.value(p.Elem(), raw, path)
		v.Set(p)
	case reflect.String:
		if isNull {
			v.SetString("")
			return
		}
		var s string
		if raw[0] != '"' || json.Unmarshal(raw, &s) != nil {
			d.fail(path, fmt.Errorf("want an Edm.String, got %s", jsonKind(raw)))
			return
		}
		v.SetString(s)
	case reflect.Int32:
		n, err := parseInt32(raw)
		if err != nil {
			d.fail(path, err)
			return
		}
		v.SetInt(int64(n))
	case reflect.Bool:
		switch string(raw) {
		case "true":
			v.SetBool(true)
		case "false":
			v.SetBool(false)
		default:
			d.fail(path, fmt.Errorf("want an Edm.Boolean, got %s", jsonKind(raw)))
		}
	case reflect.Slice:
		if isNull {
			v.SetZero()
			return
		}
		var items []json.RawMessage
		if raw[0] != '[' || json.Unmarshal(raw, &items) != nil {
			d.fail(path, fmt.Errorf("want a collection (JSON array), got %s", jsonKind(raw)))
			return
		}
		s := reflect.MakeSlice(v.Type(), len(items), len(items))
		for i, item := range items {
			d.value(s.Index(i), item, path+"["+strconv.Itoa(i)+"]")
		}
		v.Set(s)
	case reflect.Struct:
		d.object(v, raw, path)
	default:
		d.fail(path, fmt.Errorf("internal error: no decoder for %s", v.Type()))
	}
}

func (d *decoder) object(v reflect.Value, raw []byte, path string) {
	if string(raw) == "null" {
		v.SetZero()
		return
	}
	var m map[string]json.RawMessage
	if raw[0] != '{' || json.Unmarshal(raw, &m) != nil {
		d.fail(path, fmt.Errorf("want an object, got %s", jsonKind(raw)))
		return
	}
	c := codecFor(v.Type())
	for _, f := range c.fields {
		if r, ok := m[f.name]; ok {
			d.value(v.Field(f.index), r, childPath(path, f.name))
		}
	}
	if c.extra < 0 {
		// Closed types (securityVendorInformation, secureScoreControlStateUpdate) have nowhere to keep
		// undeclared properties; they are ignored rather than failing, as OData clients must tolerate them.
		return
	}
	var extra Extra
	for k, r := range m {
		if c.declared[k] || strings.Contains(k, "@") {
			continue
		}
		if extra == nil {
			extra = Extra{}
		}
		extra[k] = slices.Clone(r)
	}
	v.Field(c.extra).Set(reflect.ValueOf(extra))
}

func parseInt32(raw []byte) (int32, error) {
	s := string(raw)
	if !jsonNumber.MatchString(s) {
		return 0, fmt.Errorf("want an Edm.Int32, got %s", jsonKind(raw))
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f != math.Trunc(f) || f < math.MinInt32 || f > math.MaxInt32 {
		return 0, fmt.Errorf("want an Edm.Int32, got %s (not a whole number in the Int32 range)", truncateForError(raw))
	}
	return int32(f), nil
}

// encodeRoot writes the model value v points to: declared properties in model order (nil as null), then Extra.
func encodeRoot(v any) ([]byte, error) {
	var buf bytes.Buffer
	if err := encodeValue(&buf, reflect.ValueOf(v).Elem()); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func encodeValue(buf *bytes.Buffer, v reflect.Value) error {
	switch v.Type() {
	case doubleType, dateTimeType:
		m, ok := v.Interface().(json.Marshaler)
		if !ok {
			return fmt.Errorf("graph: internal error: %s is not a json.Marshaler", v.Type())
		}
		b, err := m.MarshalJSON()
		if err != nil {
			return err
		}
		buf.Write(b)
		return nil
	}
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			buf.WriteString("null")
			return nil
		}
		return encodeValue(buf, v.Elem())
	case reflect.String:
		writeJSONString(buf, v.String())
	case reflect.Int32:
		buf.WriteString(strconv.FormatInt(v.Int(), 10))
	case reflect.Bool:
		buf.WriteString(strconv.FormatBool(v.Bool()))
	case reflect.Slice:
		if v.IsNil() {
			buf.WriteString("null")
			return nil
		}
		buf.WriteByte('[')
		for i := 0; i < v.Len(); i++ {
			if i > 0 {
				buf.WriteByte(',')
			}
			if err := encodeValue(buf, v.Index(i)); err != nil {
				return err
			}
		}
		buf.WriteByte(']')
	case reflect.Struct:
		return encodeObject(buf, v)
	default:
		return fmt.Errorf("graph: internal error: no encoder for %s", v.Type())
	}
	return nil
}

func encodeObject(buf *bytes.Buffer, v reflect.Value) error {
	c := codecFor(v.Type())
	buf.WriteByte('{')
	for i, f := range c.fields {
		if i > 0 {
			buf.WriteByte(',')
		}
		writeJSONString(buf, f.name)
		buf.WriteByte(':')
		if err := encodeValue(buf, v.Field(f.index)); err != nil {
			return err
		}
	}
	if c.extra >= 0 {
		extra, _ := v.Field(c.extra).Interface().(Extra) // the field's type is Extra by construction
		keys := make([]string, 0, len(extra))
		for k := range extra {
			if !c.declared[k] && !strings.Contains(k, "@") {
				keys = append(keys, k)
			}
		}
		slices.Sort(keys)
		wrote := false
		for _, k := range keys {
			var compact bytes.Buffer
			if err := json.Compact(&compact, extra[k]); err != nil {
				return fmt.Errorf("graph: Extra property %q does not hold valid JSON: %w", k, err)
			}
			if len(c.fields) > 0 || wrote {
				buf.WriteByte(',')
			}
			wrote = true
			writeJSONString(buf, k)
			buf.WriteByte(':')
			buf.Write(compact.Bytes())
		}
	}
	buf.WriteByte('}')
	return nil
}

// writeJSONString writes s as a JSON string without encoding/json's HTML escaping, so "<b>" stays readable.
func writeJSONString(buf *bytes.Buffer, s string) {
	var tmp bytes.Buffer
	enc := json.NewEncoder(&tmp)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // encoding a string cannot fail
	buf.Write(bytes.TrimSuffix(tmp.Bytes(), []byte("\n")))
}

// errorValueMax bounds how much of an offending value an error message quotes.
const errorValueMax = 80

func truncateString(s string) string {
	r := []rune(s)
	if len(r) <= errorValueMax {
		return s
	}
	return string(r[:errorValueMax]) + "…"
}

func truncateForError(b []byte) string {
	return truncateString(strings.ToValidUTF8(string(b), "\uFFFD"))
}
