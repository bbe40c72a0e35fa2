package provider

import (
	"bytes"
	"fmt"
	"reflect"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/vmihailenco/msgpack/v5"
)

// attrValue is where a table row's value lives in the model M, with its codec: what the table's walks
// (attribute_table.go, attribute_table_wire.go) ask of a value that is not an object of rows.
type attrValue[M any] interface {
	tfType() tftypes.Type
	nestedSchema() *tfprotov6.SchemaObject // a nested attribute's schema (a map of objects); nil: a plain type
	state(m *M) valueState
	setState(m *M, s valueState) // null or unknown
	encodeMsgpack(e *msgpack.Encoder, m *M) error
	decodeMsgpack(d *msgpack.Decoder, m *M) error
	decodeJSON(raw []byte, m *M) error // a known value of stored state
	fromTerraform(v tftypes.Value, m *M) error
	toTerraform(m *M) tftypes.Value
	equal(a, b *M) bool
	knownString(m *M) (string, bool) // the value, when it is a known string (for checks)
	setString(m *M, s string)        // sets a string value known (for defaults)
	field(m *M) any                  // the model's field, to prove every field has its row
	copyValue(dst, src *M)
}

// codecValue is a tfValue[T] of M, read and written by c.
type codecValue[M, T any] struct {
	c  wireCodec[T]
	at func(*M) *tfValue[T]
}

var _ attrValue[tfString] = (*codecValue[tfString, string])(nil)

// valueAt binds a codec to one field of the model; stringAt and boolAt are its common cases.
func valueAt[M, T any](c wireCodec[T], at func(*M) *tfValue[T]) attrValue[M] {
	return &codecValue[M, T]{c: c, at: at}
}

func stringAt[M any](at func(*M) *tfString) attrValue[M] { return valueAt(stringCodec, at) }
func boolAt[M any](at func(*M) *tfBool) attrValue[M]     { return valueAt(boolCodec, at) }

func (f *codecValue[M, T]) tfType() tftypes.Type                  { return f.c.typ }
func (f *codecValue[M, T]) nestedSchema() *tfprotov6.SchemaObject { return f.c.nested }
func (f *codecValue[M, T]) state(m *M) valueState                 { return f.at(m).state }
func (f *codecValue[M, T]) setState(m *M, s valueState)           { *f.at(m) = tfValue[T]{state: s} }
func (f *codecValue[M, T]) field(m *M) any                        { return f.at(m) }
func (f *codecValue[M, T]) copyValue(dst, src *M)                 { *f.at(dst) = *f.at(src) }

func (f *codecValue[M, T]) encodeMsgpack(e *msgpack.Encoder, m *M) error {
	return encodeTFValue(e, f.c, *f.at(m))
}

func (f *codecValue[M, T]) decodeMsgpack(d *msgpack.Decoder, m *M) (err error) {
	*f.at(m), err = decodeTFValue(d, f.c)
	return err
}

func (f *codecValue[M, T]) decodeJSON(raw []byte, m *M) error {
	v, err := f.c.fromJSON(raw)
	*f.at(m) = tfKnown(v)
	return err
}

// fromTerraform reads a known value: strings and bools as tftypes holds them, anything else through msgpack.
func (f *codecValue[M, T]) fromTerraform(v tftypes.Value, m *M) error {
	var x T
	switch p := any(&x).(type) {
	case *string, *bool:
		err := v.As(p)
		*f.at(m) = tfKnown(x)
		return err
	}
	dv, err := tfprotov6.NewDynamicValue(f.c.typ, v)
	if err != nil {
		return err
	}
	return f.decodeMsgpack(msgpack.NewDecoder(bytes.NewReader(dv.MsgPack)), m)
}

// toTerraform is a known value as tftypes holds it: strings and bools directly, anything else through msgpack.
func (f *codecValue[M, T]) toTerraform(m *M) tftypes.Value {
	v := f.at(m).v
	switch any(v).(type) {
	case string, bool:
		return tftypes.NewValue(f.c.typ, v)
	}
	var buf bytes.Buffer
	if err := f.c.encode(msgpack.NewEncoder(&buf), v); err != nil {
		// A bytes.Buffer takes every write, and a codec writes every value it reads.
		panic(fmt.Sprintf("encoding a %s: %v", f.c.typ, err))
	}
	out, err := (&tfprotov6.DynamicValue{MsgPack: buf.Bytes()}).Unmarshal(f.c.typ)
	if err != nil {
		panic(fmt.Sprintf("reading a %s: %v", f.c.typ, err)) // a codec writes its type (the wire agreement tests)
	}
	return out
}

func (f *codecValue[M, T]) equal(a, b *M) bool { return reflect.DeepEqual(*f.at(a), *f.at(b)) }

func (f *codecValue[M, T]) knownString(m *M) (string, bool) {
	if v := f.at(m); f.c.text != nil && v.state == valueKnown {
		return *f.c.text(&v.v), true
	}
	return "", false
}

func (f *codecValue[M, T]) setString(m *M, s string) {
	if f.c.text != nil {
		var v T
		*f.c.text(&v) = s
		*f.at(m) = tfKnown(v)
	}
}
