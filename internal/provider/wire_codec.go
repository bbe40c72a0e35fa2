package provider

import (
	"encoding/json"
	"errors"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/vmihailenco/msgpack/v5"
	"github.com/vmihailenco/msgpack/v5/msgpcode"
)

// A wireCodec reads and writes one kind of value between the model and Terraform's wire forms; the attribute
// table (attribute_table.go) binds one to each field of a model and walks null and unknown values and objects.

// wireCodec reads and writes one kind of known, non-null value as Terraform's value type typ.
type wireCodec[T any] struct {
	typ      tftypes.Type
	nested   *tfprotov6.SchemaObject // for a nested attribute: its schema instead of a type
	encode   func(*msgpack.Encoder, T) error
	decode   func(*msgpack.Decoder) (T, error) // refuses a value of another type (the general path reads it)
	fromJSON func(json.RawMessage) (T, error)  // a known, non-null value of stored state
	text     func(*T) *string                  // a string value as a string, for checks and defaults; nil: not a string
}

// msgpackUnknown is how Terraform writes an unknown value: extension 0 with one zero byte (any extension reads
// as unknown, as tftypes and go-cty read them: Terraform's refined unknowns are extensions too).
var msgpackUnknown = []byte{msgpcode.FixExt1, 0, 0}

// peekUnknownOrNull consumes an unknown or null value and says which; a value of another kind is left unread.
func peekUnknownOrNull(d *msgpack.Decoder) (unknown, null bool, err error) {
	code, err := d.PeekCode()
	if err != nil {
		return false, false, err
	}
	switch {
	case msgpcode.IsExt(code):
		return true, false, d.Skip()
	case code == msgpcode.Nil:
		return false, true, d.Skip()
	}
	return false, false, nil
}

func encodeUnknown(e *msgpack.Encoder) error {
	_, err := e.Writer().Write(msgpackUnknown)
	return err
}

// encodeTFValue writes v: unknown, null, or its known value as c writes it.
func encodeTFValue[T any](e *msgpack.Encoder, c wireCodec[T], v tfValue[T]) error {
	switch v.state {
	case valueUnknown:
		return encodeUnknown(e)
	case valueNull:
		return e.EncodeNil()
	}
	return c.encode(e, v.v)
}

// decodeTFValue reads an unknown, a null, or a known value as c reads it.
func decodeTFValue[T any](d *msgpack.Decoder, c wireCodec[T]) (tfValue[T], error) {
	unknown, null, err := peekUnknownOrNull(d)
	switch {
	case err != nil:
		return tfValue[T]{}, err
	case unknown:
		return tfUnknown[T](), nil
	case null:
		return tfValue[T]{}, nil
	}
	v, err := c.decode(d)
	return tfKnown(v), err
}

// jsonAs reads a JSON value into T as encoding/json does.
func jsonAs[T any](raw json.RawMessage) (T, error) {
	var v T
	err := json.Unmarshal(raw, &v)
	return v, err
}

var errWrongType = errors.New("a value of another type")

var stringCodec = wireCodec[string]{typ: tftypes.String, text: func(s *string) *string { return s },
	encode: func(e *msgpack.Encoder, s string) error { return e.EncodeString(s) },
	decode: func(d *msgpack.Decoder) (string, error) {
		if code, err := d.PeekCode(); err != nil || !msgpcode.IsString(code) { // DecodeString also takes nil and bytes
			return "", errWrongType
		}
		return d.DecodeString()
	},
	fromJSON: func(raw json.RawMessage) (string, error) {
		s := jsonScanner{b: raw}
		if v, ok := s.str(); ok && s.i == len(s.b) {
			return v, nil
		}
		return "", errWrongType
	},
}

var boolCodec = wireCodec[bool]{typ: tftypes.Bool,
	encode: func(e *msgpack.Encoder, b bool) error { return e.EncodeBool(b) },
	decode: func(d *msgpack.Decoder) (bool, error) {
		if code, err := d.PeekCode(); err != nil || (code != msgpcode.True && code != msgpcode.False) {
			return false, errWrongType
		}
		return d.DecodeBool()
	},
	fromJSON: func(raw json.RawMessage) (bool, error) {
		switch string(raw) {
		case "true":
			return true, nil
		case "false":
			return false, nil
		}
		return false, errWrongType
	},
}
