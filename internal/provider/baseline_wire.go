package provider

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/vmihailenco/msgpack/v5"
	"github.com/vmihailenco/msgpack/v5/msgpcode"
)

// The baseline's values go straight between Terraform's msgpack and baselineModelV1, once per value and RPC: a
// baseline of a thousand controls is a tree of thousands of values, which tftypes would build (and the
// framework walk) several times per RPC. Stored state, which Terraform sends as JSON to UpgradeResourceState
// before every refresh, is read straight into the model too (it holds no unknown values). Every attribute's
// codec is bound in baseline_fields.go.

// msgpackUnknown is how Terraform writes an unknown value: an extension (any extension reads as unknown, as
// Terraform's refined unknowns are extensions too).
var msgpackUnknown = []byte{msgpcode.FixExt1, 0, 0}

// wireCodec reads and writes one kind of known, non-null value as Terraform's value type typ.
type wireCodec[T any] struct {
	typ      tftypes.Type
	nested   *tfprotov6.SchemaObject // for a nested attribute: its schema instead of a type
	encode   func(*msgpack.Encoder, T) error
	decode   func(*msgpack.Decoder) (T, error)
	fromJSON func(json.RawMessage) (T, error) // a known, non-null value of stored state
}

// describe sets the attribute's type (or nested schema) and the kind of its description.
func (c wireCodec[T]) describe(a *tfprotov6.SchemaAttribute) {
	if c.nested != nil {
		a.NestedType = c.nested
	} else {
		a.Type = c.typ
	}
	a.DescriptionKind = tfprotov6.StringKindMarkdown
}

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
	switch {
	case v.isUnknown():
		return encodeUnknown(e)
	case v.isNull():
		return e.EncodeNil()
	}
	return c.encode(e, v.value())
}

// tfValueFromJSON reads a value of stored state: null, or a known value.
func tfValueFromJSON[T any](raw json.RawMessage, c wireCodec[T]) (tfValue[T], error) {
	if len(raw) == 0 || string(raw) == "null" {
		return tfValue[T]{}, nil
	}
	v, err := c.fromJSON(raw)
	return tfKnown(v), err
}

// jsonAs reads a JSON value into T as encoding/json does.
func jsonAs[T any](raw json.RawMessage) (T, error) {
	var v T
	err := json.Unmarshal(raw, &v)
	return v, err
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

var stringCodec = wireCodec[string]{typ: tftypes.String,
	encode:   func(e *msgpack.Encoder, s string) error { return e.EncodeString(s) },
	decode:   func(d *msgpack.Decoder) (string, error) { return d.DecodeString() },
	fromJSON: jsonAs[string],
}

var boolCodec = wireCodec[bool]{typ: tftypes.Bool,
	encode:   func(e *msgpack.Encoder, b bool) error { return e.EncodeBool(b) },
	decode:   func(d *msgpack.Decoder) (bool, error) { return d.DecodeBool() },
	fromJSON: jsonAs[bool],
}

// stringSetCodec is a set of known strings, held sorted.
var stringSetCodec = wireCodec[[]string]{typ: tftypes.Set{ElementType: tftypes.String},
	encode: func(e *msgpack.Encoder, ss []string) error {
		if err := e.EncodeArrayLen(len(ss)); err != nil {
			return err
		}
		for _, s := range ss {
			if err := e.EncodeString(s); err != nil {
				return err
			}
		}
		return nil
	},
	decode: func(d *msgpack.Decoder) ([]string, error) {
		n, err := d.DecodeArrayLen()
		if err != nil {
			return nil, err
		}
		out := make([]string, 0, max(n, 0))
		for range n {
			s, err := d.DecodeString()
			if err != nil {
				return nil, err
			}
			out = append(out, s)
		}
		slices.Sort(out)
		return out, nil
	},
	fromJSON: func(raw json.RawMessage) ([]string, error) {
		out, err := jsonAs[[]string](raw)
		slices.Sort(out)
		return nonNil(out), err
	},
}

// controlsCodec is the controls map, whose elements (and their attributes) may be null or unknown in a
// configuration or a plan.
var controlsCodec = wireCodec[map[string]baselineControl]{typ: tftypes.Map{ElementType: controlObjectType},
	nested: func() *tfprotov6.SchemaObject {
		o := &tfprotov6.SchemaObject{Nesting: tfprotov6.SchemaObjectNestingModeMap}
		for _, i := range decisionAttributeOrder {
			a := decisionAttributes[i]
			o.Attributes = append(o.Attributes, &tfprotov6.SchemaAttribute{Name: a.name, Type: tftypes.String, Required: a.required,
				Optional: !a.required, Description: a.description, DescriptionKind: tfprotov6.StringKindMarkdown})
		}
		return o
	}(),
	encode: func(e *msgpack.Encoder, controls map[string]baselineControl) error {
		return encodeMap(e, controls, func(c baselineControl) error {
			switch {
			case c.Unknown:
				return encodeUnknown(e)
			case c.Null:
				return e.EncodeNil()
			}
			return encodeControl(e, &c.controlDecision, c.unknown)
		})
	},
	decode: func(d *msgpack.Decoder) (map[string]baselineControl, error) {
		return decodeMap(d, func() (baselineControl, error) {
			var c baselineControl
			unknown, null, err := peekUnknownOrNull(d)
			if err != nil || unknown || null {
				c.Unknown, c.Null = unknown, null
				return c, err
			}
			c.unknown, c.unset, err = decodeControl(d, &c.controlDecision)
			return c, err
		})
	},
	fromJSON: func(raw json.RawMessage) (map[string]baselineControl, error) {
		objects, err := jsonAs[map[string]map[string]*string](raw)
		out := make(map[string]baselineControl, len(objects))
		for id, o := range objects {
			var c baselineControl
			if o == nil {
				c.Null = true
			} else if err == nil {
				err = controlFromJSON(o, &c.controlDecision)
			}
			out[id] = c
		}
		return out, err
	},
}

// priorDecisionsCodec is prior_decisions: a null element is a decision that is not known.
var priorDecisionsCodec = wireCodec[map[string]*controlDecision]{typ: tftypes.Map{ElementType: controlObjectType},
	encode: func(e *msgpack.Encoder, priors map[string]*controlDecision) error {
		return encodeMap(e, priors, func(p *controlDecision) error {
			if p == nil {
				return e.EncodeNil()
			}
			return encodeControl(e, p, 0)
		})
	},
	decode: func(d *msgpack.Decoder) (map[string]*controlDecision, error) {
		return decodeMap(d, func() (*controlDecision, error) {
			if _, null, err := peekUnknownOrNull(d); err != nil || null {
				return nil, err
			}
			p := &controlDecision{}
			unknown, _, err := decodeControl(d, p)
			if err == nil && unknown != 0 {
				err = errors.New("a prior decision is not known")
			}
			return p, err
		})
	},
	fromJSON: func(raw json.RawMessage) (map[string]*controlDecision, error) {
		objects, err := jsonAs[map[string]map[string]*string](raw)
		out := make(map[string]*controlDecision, len(objects))
		for id, o := range objects {
			if o == nil {
				out[id] = nil
				continue
			}
			p := &controlDecision{}
			if err == nil {
				err = controlFromJSON(o, p)
			}
			out[id] = p
		}
		return out, err
	},
}

// timeoutsCodec is the timeouts block's object.
var timeoutsCodec = wireCodec[baselineTimeouts]{typ: func() tftypes.Object {
	attrs := map[string]tftypes.Type{}
	for _, t := range timeoutEntries {
		attrs[t.name] = tftypes.String
	}
	return tftypes.Object{AttributeTypes: attrs}
}(),
	encode: func(e *msgpack.Encoder, t baselineTimeouts) error {
		if err := e.EncodeMapLen(len(timeoutEntries)); err != nil {
			return err
		}
		for _, entry := range timeoutEntries {
			if err := e.EncodeString(entry.name); err != nil {
				return err
			}
			if err := encodeTFValue(e, stringCodec, *entry.of(&t)); err != nil {
				return err
			}
		}
		return nil
	},
	decode: func(d *msgpack.Decoder) (baselineTimeouts, error) {
		var t baselineTimeouts // attributes the object lacks are null
		n, err := d.DecodeMapLen()
		for i := 0; err == nil && i < n; i++ {
			var name string
			if name, err = d.DecodeString(); err != nil {
				break
			}
			err = fmt.Errorf("timeouts: unexpected attribute %q", name)
			for _, entry := range timeoutEntries {
				if entry.name == name {
					*entry.of(&t), err = decodeTFValue(d, stringCodec)
				}
			}
		}
		return t, err
	},
	fromJSON: func(raw json.RawMessage) (baselineTimeouts, error) {
		attrs, err := jsonAs[map[string]json.RawMessage](raw)
		var t baselineTimeouts
		for _, entry := range timeoutEntries {
			if err == nil {
				*entry.of(&t), err = tfValueFromJSON(attrs[entry.name], stringCodec)
			}
		}
		return t, err
	},
}

// controlFromJSON reads a control's object of stored state (null and absent attributes are "").
func controlFromJSON(o map[string]*string, d *controlDecision) error {
	for name, v := range o {
		i, ok := decisionAttributeAt[name]
		if !ok {
			return fmt.Errorf("unexpected attribute %q", name)
		}
		if v != nil {
			*decisionAttributes[i].of(d) = *v
		}
	}
	return nil
}

// encodeMap writes a map with its keys in order (so that equal values encode alike).
func encodeMap[V any](e *msgpack.Encoder, m map[string]V, encodeValue func(V) error) error {
	if err := e.EncodeMapLen(len(m)); err != nil {
		return err
	}
	for _, k := range sortedKeys(m) {
		if err := e.EncodeString(k); err != nil {
			return err
		}
		if err := encodeValue(m[k]); err != nil {
			return fmt.Errorf("%q: %w", k, err)
		}
	}
	return nil
}

func decodeMap[V any](d *msgpack.Decoder, decodeValue func() (V, error)) (map[string]V, error) {
	n, err := d.DecodeMapLen()
	if err != nil {
		return nil, err
	}
	out := make(map[string]V, max(n, 0))
	for range n {
		k, err := d.DecodeString()
		if err != nil {
			return nil, err
		}
		if out[k], err = decodeValue(); err != nil {
			return nil, fmt.Errorf("%q: %w", k, err)
		}
	}
	return out, nil
}

// encodeControl writes a control's object; "" is written as null.
func encodeControl(e *msgpack.Encoder, dec *controlDecision, unknown attrFlags) error {
	if err := e.EncodeMapLen(len(decisionAttributes)); err != nil {
		return err
	}
	for _, i := range decisionAttributeOrder {
		a := decisionAttributes[i]
		if err := e.EncodeString(a.name); err != nil {
			return err
		}
		v := *a.of(dec)
		var err error
		switch {
		case unknown.has(i):
			err = encodeUnknown(e)
		case v == "":
			err = e.EncodeNil()
		default:
			err = e.EncodeString(v)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// decodeControl reads a control's object into dec; attributes it lacks are null.
func decodeControl(d *msgpack.Decoder, dec *controlDecision) (unknown, unset attrFlags, err error) {
	n, err := d.DecodeMapLen()
	if err != nil {
		return 0, 0, err
	}
	seen := attrFlags(0)
	for range n {
		name, err := d.DecodeString()
		if err != nil {
			return 0, 0, err
		}
		i, ok := decisionAttributeAt[name]
		if !ok {
			return 0, 0, fmt.Errorf("unexpected attribute %q", name)
		}
		seen.set(i)
		isUnknown, isNull, err := peekUnknownOrNull(d)
		switch {
		case err != nil:
			return 0, 0, err
		case isUnknown:
			unknown.set(i)
		case isNull:
			if decisionAttributes[i].required {
				unset.set(i)
			}
		default:
			v := decisionAttributes[i].of(dec)
			if *v, err = d.DecodeString(); err != nil {
				return 0, 0, err
			}
			if *v == "" && !decisionAttributes[i].required {
				unset.set(i)
			}
		}
	}
	for i, a := range decisionAttributes {
		if !seen.has(i) && a.required {
			unset.set(i)
		}
	}
	return unknown, unset, nil
}

// decodeBaseline reads a wire value; a nil model is a null object (a resource that does not exist yet, or is
// being destroyed).
func decodeBaseline(dv *tfprotov6.DynamicValue) (*baselineModelV1, error) {
	return baselineTable.decode(dv)
}

func (t *fieldTable) decode(dv *tfprotov6.DynamicValue) (*baselineModelV1, error) {
	if dv == nil {
		return nil, nil
	}
	if dv.MsgPack == nil && dv.JSON != nil {
		return t.decodeJSON(dv.JSON)
	}
	return t.decodeMsgPack(dv.MsgPack)
}

// decodeJSON reads stored state; attributes this table does not have (a later build's) are ignored, and those
// the state lacks (an earlier build's) are null.
func (t *fieldTable) decodeJSON(b []byte) (*baselineModelV1, error) {
	if string(bytes.TrimSpace(b)) == "null" {
		return nil, nil
	}
	attrs, err := jsonAs[map[string]json.RawMessage](b)
	if err != nil {
		return nil, err
	}
	m := nullBaselineModel()
	for _, f := range t.fields {
		if raw, ok := attrs[f.name()]; ok {
			if err := f.fromJSON(raw, m); err != nil {
				return nil, fmt.Errorf("%s: %w", f.name(), err)
			}
		}
	}
	return m, nil
}

func (t *fieldTable) decodeMsgPack(b []byte) (*baselineModelV1, error) {
	d := msgpack.NewDecoder(bytes.NewReader(b))
	unknown, null, err := peekUnknownOrNull(d)
	switch {
	case err != nil:
		return nil, err
	case unknown:
		return nil, errors.New("the whole baseline value is unknown")
	case null:
		return nil, nil
	}
	n, err := d.DecodeMapLen()
	if err != nil {
		return nil, err
	}
	m := nullBaselineModel()
	for range n {
		name, err := d.DecodeString()
		if err != nil {
			return nil, err
		}
		i, ok := t.at[name]
		if !ok {
			return nil, fmt.Errorf("unexpected attribute %q", name)
		}
		if err := t.fields[i].decode(d, m); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
	}
	return m, nil
}

// dynamicValue is m as a wire value.
func (m *baselineModelV1) dynamicValue() (*tfprotov6.DynamicValue, error) {
	return baselineTable.encode(m)
}

func (t *fieldTable) encode(m *baselineModelV1) (*tfprotov6.DynamicValue, error) {
	var buf bytes.Buffer
	e := msgpack.NewEncoder(&buf)
	if err := e.EncodeMapLen(len(t.fields)); err != nil {
		return nil, err
	}
	for _, i := range t.order {
		f := t.fields[i]
		if err := e.EncodeString(f.name()); err != nil {
			return nil, err
		}
		if err := f.encode(e, m); err != nil {
			return nil, fmt.Errorf("%s: %w", f.name(), err)
		}
	}
	return &tfprotov6.DynamicValue{MsgPack: buf.Bytes()}, nil
}

// nullBaselineValue is the wire value of a baseline that does not exist; unknownBaselineValue of one known
// only later (a deferred import).
func nullBaselineValue() *tfprotov6.DynamicValue {
	return &tfprotov6.DynamicValue{MsgPack: []byte{msgpcode.Nil}}
}

func unknownBaselineValue() *tfprotov6.DynamicValue {
	return &tfprotov6.DynamicValue{MsgPack: slices.Clone(msgpackUnknown)}
}
