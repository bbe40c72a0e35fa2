package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/vmihailenco/msgpack/v5"
	"github.com/vmihailenco/msgpack/v5/msgpcode"
)

// A no-op plan or refresh of N control profiles decodes and encodes each instance's value about eight times
// (UpgradeResourceState, ReadResource, PlanResourceChange). Through tftypes each of those builds a tree of
// values and attribute paths; at N=1000 that was about two thirds of the provider's CPU. The value's shape is
// fixed and flat (strings, one bool, two objects of strings), so known and null values are read and written
// here straight between the wire and the model. Anything else (an unknown value, a shape this code does not
// expect) returns errNotFlat and the caller takes the general tftypes path, which also words the errors.

var errNotFlat = errors.New("not a known flat control profile value")

// controlProfileFieldOrder is the positions in fields() sorted by attribute name, the order tftypes writes an
// object's attributes in; controlProfileFieldAt finds a position by name.
var controlProfileFieldOrder, controlProfileFieldAt = func() ([]int, map[string]int) {
	var m controlProfileResourceModelV1
	at := map[string]int{}
	for i, f := range m.fields() {
		at[f.name] = i
	}
	order := make([]int, 0, len(at))
	for _, name := range sortedKeys(at) {
		order = append(order, at[name])
	}
	return order, at
}()

// encodeControlProfileWire writes m as msgpack of controlProfileResourceType, byte for byte what
// tfprotov6.NewDynamicValue writes, or returns errNotFlat.
func encodeControlProfileWire(m *controlProfileResourceModelV1) ([]byte, error) {
	fields := m.fields()
	var buf bytes.Buffer
	enc := msgpack.NewEncoder(&buf)
	if err := enc.EncodeMapLen(len(fields)); err != nil {
		return nil, err
	}
	for _, i := range controlProfileFieldOrder {
		if err := enc.EncodeString(fields[i].name); err != nil {
			return nil, err
		}
		if err := encodeFlatValue(enc, fields[i].get()); err != nil {
			return nil, err
		}
	}
	return buf.Bytes(), nil
}

func encodeFlatValue(enc *msgpack.Encoder, v attr.Value) error {
	if v == nil || v.IsUnknown() {
		return errNotFlat
	}
	if v.IsNull() {
		return enc.EncodeNil()
	}
	switch v := v.(type) {
	case types.String:
		return enc.EncodeString(v.ValueString())
	case types.Bool:
		return enc.EncodeBool(v.ValueBool())
	case timeouts.Value:
		return encodeFlatObject(enc, v.Object)
	case types.Object:
		return encodeFlatObject(enc, v)
	}
	return errNotFlat
}

func encodeFlatObject(enc *msgpack.Encoder, o types.Object) error {
	attrs := o.Attributes()
	names := sortedKeys(o.AttributeTypes(context.Background()))
	if err := enc.EncodeMapLen(len(names)); err != nil {
		return err
	}
	for _, name := range names {
		s, ok := attrs[name].(types.String)
		if !ok {
			return errNotFlat
		}
		if err := enc.EncodeString(name); err != nil {
			return err
		}
		if err := encodeFlatValue(enc, s); err != nil {
			return err
		}
	}
	return nil
}

// decodeControlProfileWire reads msgpack of controlProfileResourceType into m, or returns errNotFlat with m
// possibly half set (the caller decodes it again in full).
func decodeControlProfileWire(b []byte, m *controlProfileResourceModelV1) (null bool, err error) {
	r := bytes.NewReader(b)
	dec := msgpack.NewDecoder(r) // a bytes.Reader is read directly, unbuffered, so r.Len() is what is left
	code, err := dec.PeekCode()
	if err != nil {
		return false, errNotFlat
	}
	if code == msgpcode.Nil {
		return true, nil
	}
	n, err := dec.DecodeMapLen()
	if err != nil || n != len(controlProfileFieldOrder) {
		return false, errNotFlat
	}
	fields := m.fields()
	seen := 0
	for range n {
		name, err := dec.DecodeString()
		if err != nil {
			return false, errNotFlat
		}
		i, ok := controlProfileFieldAt[name]
		if !ok {
			return false, errNotFlat
		}
		v, err := decodeFlatValue(dec, fields[i].typ)
		if err != nil || !fields[i].set(v) {
			return false, errNotFlat
		}
		seen++
	}
	if seen != len(fields) || r.Len() != 0 {
		return false, errNotFlat
	}
	return false, nil
}

func decodeFlatValue(dec *msgpack.Decoder, typ attr.Type) (attr.Value, error) {
	code, err := dec.PeekCode()
	if err != nil {
		return nil, err
	}
	null := code == msgpcode.Nil
	if null {
		if err := dec.DecodeNil(); err != nil {
			return nil, err
		}
	}
	switch t := typ.(type) {
	case basetypes.StringType:
		if null {
			return types.StringNull(), nil
		}
		s, err := decodeFlatString(dec, code)
		return types.StringValue(s), err
	case basetypes.BoolType:
		if null {
			return types.BoolNull(), nil
		}
		if code != msgpcode.True && code != msgpcode.False {
			return nil, errNotFlat
		}
		b, err := dec.DecodeBool()
		return types.BoolValue(b), err
	case timeouts.Type:
		o, err := decodeFlatObject(dec, t.ObjectType, null)
		return timeouts.Value{Object: o}, err
	case types.ObjectType:
		return decodeFlatObject(dec, t, null)
	}
	return nil, errNotFlat
}

// decodeFlatString reads a string, refusing anything else (msgpack's DecodeString also takes nil).
func decodeFlatString(dec *msgpack.Decoder, code byte) (string, error) {
	if !msgpcode.IsString(code) {
		return "", errNotFlat
	}
	return dec.DecodeString()
}

func decodeFlatObject(dec *msgpack.Decoder, t types.ObjectType, null bool) (types.Object, error) {
	if null {
		return types.ObjectNull(t.AttrTypes), nil
	}
	n, err := dec.DecodeMapLen()
	if err != nil || n != len(t.AttrTypes) {
		return types.Object{}, errNotFlat
	}
	attrs := make(map[string]attr.Value, n)
	for range n {
		name, err := dec.DecodeString()
		if err != nil {
			return types.Object{}, errNotFlat
		}
		if _, ok := t.AttrTypes[name]; !ok {
			return types.Object{}, errNotFlat
		}
		v, err := decodeFlatValue(dec, types.StringType)
		if err != nil {
			return types.Object{}, errNotFlat
		}
		attrs[name] = v
	}
	o, diags := types.ObjectValue(t.AttrTypes, attrs)
	if diags.HasError() {
		return types.Object{}, errNotFlat
	}
	return o, nil
}

// controlProfileStateJSON is schema version 1's state as Terraform stores it. Attributes it does not name are
// ignored, as UpgradeResourceState's general path does (IgnoreUndefinedAttributes).
type controlProfileStateJSON struct {
	ID                *string             `json:"id"`
	ControlID         *string             `json:"control_id"`
	State             *string             `json:"state"`
	AssignedTo        *string             `json:"assigned_to"`
	Comment           *string             `json:"comment"`
	VendorInformation *map[string]*string `json:"vendor_information"`
	ResetOnDestroy    *bool               `json:"reset_on_destroy"`
	Timeouts          *map[string]*string `json:"timeouts"`
	UpdatedBy         *string             `json:"updated_by"`
	UpdatedDateTime   *string             `json:"updated_date_time"`
}

// upgradeControlProfileStateWire reads version 1 state JSON straight into the wire value, or returns
// errNotFlat (a value this reading would get wrong; the general path reads it and words any error).
func upgradeControlProfileStateWire(raw *tfprotov6.RawState) (*tfprotov6.DynamicValue, error) {
	if raw == nil || raw.JSON == nil || raw.Flatmap != nil {
		return nil, errNotFlat
	}
	var s controlProfileStateJSON
	if err := json.Unmarshal(raw.JSON, &s); err != nil || bytes.Equal(bytes.TrimSpace(raw.JSON), []byte("null")) {
		return nil, errNotFlat
	}
	str := func(p *string) types.String {
		if p == nil {
			return types.StringNull()
		}
		return types.StringValue(*p)
	}
	obj := func(p *map[string]*string, t types.ObjectType) (types.Object, bool) {
		if p == nil {
			return types.ObjectNull(t.AttrTypes), true
		}
		attrs := make(map[string]attr.Value, len(t.AttrTypes))
		for name := range t.AttrTypes {
			attrs[name] = str((*p)[name])
		}
		o, diags := types.ObjectValue(t.AttrTypes, attrs)
		return o, !diags.HasError()
	}
	m := controlProfileResourceModelV1{ID: str(s.ID), ControlID: str(s.ControlID), State: str(s.State),
		AssignedTo: str(s.AssignedTo), Comment: str(s.Comment), UpdatedBy: str(s.UpdatedBy), UpdatedDateTime: str(s.UpdatedDateTime),
		ResetOnDestroy: types.BoolNull()}
	if s.ResetOnDestroy != nil {
		m.ResetOnDestroy = types.BoolValue(*s.ResetOnDestroy)
	}
	var ok1, ok2 bool
	m.VendorInformation, ok1 = obj(s.VendorInformation, vendorInformationType)
	var to types.Object
	to, ok2 = obj(s.Timeouts, profileTimeoutsType.ObjectType)
	m.Timeouts = timeouts.Value{Object: to}
	if !ok1 || !ok2 {
		return nil, errNotFlat
	}
	b, err := encodeControlProfileWire(&m)
	if err != nil {
		return nil, err
	}
	return &tfprotov6.DynamicValue{MsgPack: b}, nil
}
