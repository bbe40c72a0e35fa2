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
)

// The baseline's values go straight between Terraform's msgpack and baselineModelV1, once per value and RPC: a
// baseline of a thousand controls is a tree of thousands of values, which tftypes would build (and the
// framework walk) several times per RPC. Stored state, which Terraform sends as JSON to UpgradeResourceState
// before every refresh, is read straight into the model too (it holds no unknown values). Every attribute's
// codec is bound in its row of baselineTable (baseline_fields.go).

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
	if dv == nil {
		return nil, nil
	}
	if dv.MsgPack == nil && dv.JSON != nil {
		return decodeBaselineJSON(dv.JSON)
	}
	m := nullBaselineModel()
	if null, err := baselineTable.decodeMsgpack(dv.MsgPack, m); err != nil || null {
		return nil, err
	}
	return m, nil
}

// decodeBaselineJSON reads stored state; attributes this table does not have (a later build's) are ignored,
// and those the state lacks (an earlier build's) are null.
func decodeBaselineJSON(b []byte) (*baselineModelV1, error) {
	if string(bytes.TrimSpace(b)) == "null" {
		return nil, nil
	}
	m := nullBaselineModel()
	if err := baselineTable.decodeStateJSON(b, m); err != nil {
		return nil, err
	}
	return m, nil
}

// dynamicValue is m as a wire value.
func (m *baselineModelV1) dynamicValue() (*tfprotov6.DynamicValue, error) {
	return baselineTable.encode(m)
}

// nullBaselineValue is the wire value of a baseline that does not exist; unknownBaselineValue of one known
// only later (a deferred import).
func nullBaselineValue() *tfprotov6.DynamicValue { return baselineTable.null() }

func unknownBaselineValue() *tfprotov6.DynamicValue {
	return &tfprotov6.DynamicValue{MsgPack: slices.Clone(msgpackUnknown)}
}
