package provider

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/vmihailenco/msgpack/v5"
	"github.com/vmihailenco/msgpack/v5/msgpcode"
)

// The wire codecs of an attributeTable: msgpack (what Terraform sends and receives), state JSON (what
// UpgradeResourceState reads) and tftypes (the general path). Each value's own codec (wire_codec.go) reads and
// writes its known values; the table walks objects and null and unknown values. A no-op plan or refresh of N control profiles
// decodes and encodes each instance's value about eight times; through tftypes each of those builds a tree of
// values and attribute paths, which was about two thirds of the provider's CPU at N=1000. The value's shape is
// fixed and shallow (strings, bools, objects of strings), so the table reads and writes it straight between the
// bytes and the model, the same bytes tftypes writes (TestControlProfileWireMatchesTFTypes). What the flat
// readers do not take (a shape they do not expect, a JSON DynamicValue) returns errNotFlat, and the caller takes
// the general tftypes path, which also words the errors.

var errNotFlat = errors.New("not a value of the resource's type")

// encodeMsgpack writes m as msgpack of t's type, byte for byte what tfprotov6.NewDynamicValue writes.
func (t *attributeTable[M]) encodeMsgpack(m *M) ([]byte, error) {
	var buf bytes.Buffer
	enc := msgpack.GetEncoder() // the rows' codecs take it through an interface, so a new one would escape
	defer msgpack.PutEncoder(enc)
	enc.Reset(&buf)
	if err := encodeAttributes(enc, t.attrs, m); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func encodeAttributes[M any](enc *msgpack.Encoder, attrs []tableAttr[M], m *M) error {
	if err := enc.EncodeMapLen(len(attrs)); err != nil {
		return err
	}
	for i := range attrs {
		if err := enc.EncodeString(attrs[i].name); err != nil {
			return err
		}
		if err := attrs[i].encodeMsgpack(enc, m); err != nil {
			return fmt.Errorf("%s: %w", attrs[i].name, err)
		}
	}
	return nil
}

func (a *tableAttr[M]) encodeMsgpack(enc *msgpack.Encoder, m *M) error {
	if a.value != nil {
		return a.value.encodeMsgpack(enc, m)
	}
	switch *a.object(m) {
	case valueNull:
		return enc.EncodeNil()
	case valueUnknown:
		return encodeUnknown(enc)
	}
	return encodeAttributes(enc, a.attrs, m)
}

// decodeMsgpack reads msgpack of t's type into m (which it sets whole), and reports whether the value itself is
// null. Its errors are errNotFlat; m may then be half set.
func (t *attributeTable[M]) decodeMsgpack(b []byte, m *M) (null bool, err error) {
	r := bytes.NewReader(b)
	dec := msgpack.GetDecoder()
	defer msgpack.PutDecoder(dec)
	dec.Reset(r) // a bytes.Reader is read directly, unbuffered, so r.Len() is what is left
	code, err := dec.PeekCode()
	switch {
	case err != nil:
		return false, errNotFlat
	case code == msgpcode.Nil:
		return true, nil
	case msgpcode.IsExt(code):
		return false, fmt.Errorf("%w: the whole resource value is unknown", errNotFlat)
	}
	if err := decodeAttributes(dec, t.attrs, m); err != nil {
		return false, fmt.Errorf("%w: %w", errNotFlat, err)
	}
	if r.Len() != 0 {
		return false, errNotFlat
	}
	return false, nil
}

// decodeAttributes reads an object holding exactly attrs, in any order, as tftypes requires.
func decodeAttributes[M any](dec *msgpack.Decoder, attrs []tableAttr[M], m *M) error {
	n, err := dec.DecodeMapLen()
	if err != nil || n != len(attrs) || n > 64 {
		return errNotFlat
	}
	var seen uint64
	for range n {
		name, err := dec.DecodeString()
		if err != nil {
			return errNotFlat
		}
		i := indexOf(attrs, name)
		if i < 0 || seen&(1<<i) != 0 {
			return fmt.Errorf("unexpected attribute %q", name)
		}
		seen |= 1 << i
		if err := attrs[i].decodeMsgpack(dec, m); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	return nil
}

func (a *tableAttr[M]) decodeMsgpack(dec *msgpack.Decoder, m *M) error {
	if a.value != nil {
		return a.value.decodeMsgpack(dec, m)
	}
	unknown, null, err := peekUnknownOrNull(dec)
	switch {
	case err != nil:
		return err
	case unknown:
		a.setState(m, valueUnknown)
		return nil
	case null:
		a.setState(m, valueNull)
		return nil
	}
	*a.object(m) = valueKnown
	return decodeAttributes(dec, a.attrs, m)
}

// decodeStateJSON reads state JSON of t's type, as Terraform stores it, into m, which the caller passes zero:
// attributes the JSON lacks stay null, and attributes t does not have are ignored, as the general path's
// IgnoreUndefinedAttributes does. Its errors are errNotFlat (the control profile's general path reads such
// state and words the error).
func (t *attributeTable[M]) decodeStateJSON(b []byte, m *M) error {
	s := jsonScanner{b: b}
	if err := decodeJSONAttributes(&s, t.attrs, m); err != nil {
		return err
	}
	if s.skipSpace(); s.i != len(s.b) {
		return errNotFlat
	}
	return nil
}

func decodeJSONAttributes[M any](s *jsonScanner, attrs []tableAttr[M], m *M) error {
	if !s.consume('{') {
		return errNotFlat
	}
	if s.consume('}') {
		return nil
	}
	for {
		name, ok := s.str()
		if !ok || !s.consume(':') {
			return errNotFlat
		}
		if i := indexOf(attrs, name); i >= 0 {
			if err := attrs[i].decodeJSON(s, m); err != nil {
				return fmt.Errorf("%w: %s: %w", errNotFlat, name, err)
			}
		} else if !s.skipValue() {
			return errNotFlat
		}
		if s.consume('}') {
			return nil
		}
		if !s.consume(',') {
			return errNotFlat
		}
	}
}

func (a *tableAttr[M]) decodeJSON(s *jsonScanner, m *M) error {
	if s.literal("null") {
		a.setState(m, valueNull)
		return nil
	}
	if a.value == nil {
		*a.object(m) = valueKnown
		return decodeJSONAttributes(s, a.attrs, m)
	}
	s.skipSpace()
	start := s.i
	if !s.skipValue() {
		return errNotFlat
	}
	return a.value.decodeJSON(s.b[start:s.i], m)
}

// fromTerraform reads a tftypes value of t's type into m, and reports whether the value itself is null.
func (t *attributeTable[M]) fromTerraform(v tftypes.Value, m *M) (null bool, err error) {
	if v.IsNull() {
		return true, nil
	}
	if !v.IsKnown() {
		return false, errors.New("the whole resource value is unknown")
	}
	return false, fromTerraformAttributes(v, t.attrs, m)
}

func fromTerraformAttributes[M any](v tftypes.Value, attrs []tableAttr[M], m *M) error {
	var vals map[string]tftypes.Value
	if err := v.As(&vals); err != nil {
		return err
	}
	for i := range attrs {
		a := &attrs[i]
		av, ok := vals[a.name]
		if !ok {
			return fmt.Errorf("%s: missing", a.name)
		}
		if err := a.fromTerraform(av, m); err != nil {
			return fmt.Errorf("%s: %w", a.name, err)
		}
	}
	return nil
}

func (a *tableAttr[M]) fromTerraform(v tftypes.Value, m *M) error {
	switch {
	case !v.IsKnown():
		a.setState(m, valueUnknown)
		return nil
	case v.IsNull():
		a.setState(m, valueNull)
		return nil
	case a.value != nil:
		return a.value.fromTerraform(v, m)
	}
	*a.object(m) = valueKnown
	return fromTerraformAttributes(v, a.attrs, m)
}

// toTerraform is m as a tftypes value of t's type.
func (t *attributeTable[M]) toTerraform(m *M) tftypes.Value {
	return toTerraformObject(t.typ, t.attrs, m)
}

func toTerraformObject[M any](typ tftypes.Object, attrs []tableAttr[M], m *M) tftypes.Value {
	vals := make(map[string]tftypes.Value, len(attrs))
	for i := range attrs {
		vals[attrs[i].name] = attrs[i].toTerraform(m)
	}
	return tftypes.NewValue(typ, vals)
}

func (a *tableAttr[M]) toTerraform(m *M) tftypes.Value {
	typ := a.tfType()
	switch a.state(m) {
	case valueNull:
		return tftypes.NewValue(typ, nil)
	case valueUnknown:
		return tftypes.NewValue(typ, tftypes.UnknownValue)
	}
	if a.value != nil {
		return a.value.toTerraform(m)
	}
	return toTerraformObject(typ.(tftypes.Object), a.attrs, m) //nolint:forcetypeassert // tfType of an object
}

// decode reads a wire value into m and reports whether the value itself is null (a resource that does not exist
// yet, or is being destroyed).
func (t *attributeTable[M]) decode(dv *tfprotov6.DynamicValue, m *M) (null bool, err error) {
	if dv == nil {
		return true, nil
	}
	if dv.MsgPack != nil && dv.JSON == nil {
		var flat M
		if null, err := t.decodeMsgpack(dv.MsgPack, &flat); err == nil {
			*m = flat
			return null, nil
		}
	}
	v, err := dv.Unmarshal(t.typ)
	if err != nil {
		return false, err
	}
	var general M
	if null, err = t.fromTerraform(v, &general); err == nil {
		*m = general
	}
	return null, err
}

// encode is m as a wire value.
func (t *attributeTable[M]) encode(m *M) (*tfprotov6.DynamicValue, error) {
	b, err := t.encodeMsgpack(m)
	if err != nil {
		return nil, err
	}
	return &tfprotov6.DynamicValue{MsgPack: b}, nil
}

// null is the wire value of a resource that does not exist (after destroy, or a failed create).
func (t *attributeTable[M]) null() *tfprotov6.DynamicValue {
	return &tfprotov6.DynamicValue{MsgPack: []byte{msgpcode.Nil}}
}
