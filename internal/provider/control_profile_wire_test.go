package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// randomControlProfileModel has every field null or known, at random, with strings that msgpack encodes in each
// of its string forms (fixstr, str8, str16) and non-ASCII text.
func randomControlProfileModel(r *rand.Rand) controlProfileResourceModelV1 {
	str := func() types.String {
		switch r.IntN(5) {
		case 0:
			return types.StringNull()
		case 1:
			return types.StringValue("")
		case 2:
			return types.StringValue("ThirdParty ✓ Überprüft")
		case 3:
			return types.StringValue(string(bytes.Repeat([]byte("a"), 40+r.IntN(300))))
		}
		return types.StringValue(string(bytes.Repeat([]byte("x"), 70000)))
	}
	obj := func(t types.ObjectType) types.Object {
		if r.IntN(3) == 0 {
			return types.ObjectNull(t.AttrTypes)
		}
		attrs := map[string]attr.Value{}
		for name := range t.AttrTypes {
			attrs[name] = str()
		}
		return types.ObjectValueMust(t.AttrTypes, attrs)
	}
	m := controlProfileResourceModelV1{ID: str(), ControlID: str(), State: str(), AssignedTo: str(), Comment: str(),
		VendorInformation: obj(vendorInformationType), Timeouts: timeouts.Value{Object: obj(profileTimeoutsType.ObjectType)},
		UpdatedBy: str(), UpdatedDateTime: str(), ResetOnDestroy: types.BoolNull()}
	if r.IntN(3) > 0 {
		m.ResetOnDestroy = types.BoolValue(r.IntN(2) == 0)
	}
	return m
}

// modelsEqual compares every field of two models.
func modelsEqual(t *testing.T, what string, got, want *controlProfileResourceModelV1) {
	t.Helper()
	wf := want.fields()
	for i, f := range got.fields() {
		if !f.get().Equal(wf[i].get()) {
			t.Errorf("%s: %s = %v, want %v", what, f.name, f.get(), wf[i].get())
		}
	}
}

// The flat codec writes exactly the bytes tftypes writes, and reads them back to the same model as the
// general path.
func TestControlProfileWireMatchesTFTypes(t *testing.T) {
	ctx := context.Background()
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 500 {
		m := randomControlProfileModel(r)
		fast, err := encodeControlProfileWire(&m)
		if err != nil {
			t.Fatalf("#%d: flat encode: %v", i, err)
		}
		general, err := m.toDynamicValueGeneral(ctx)
		if err != nil {
			t.Fatalf("#%d: general encode: %v", i, err)
		}
		if !bytes.Equal(fast, general.MsgPack) {
			t.Fatalf("#%d: flat encoding differs from tftypes'\n flat    %x\n general %x", i, fast, general.MsgPack)
		}
		var viaFast controlProfileResourceModelV1
		if null, err := decodeControlProfileWire(general.MsgPack, &viaFast); err != nil || null {
			t.Fatalf("#%d: flat decode: null=%v err=%v", i, null, err)
		}
		modelsEqual(t, "flat decode", &viaFast, &m)

		// The version 1 state Terraform stores, upgraded both ways.
		v, err := general.Unmarshal(controlProfileResourceType)
		if err != nil {
			t.Fatal(err)
		}
		js, err := terraformJSON(v)
		if err != nil {
			t.Fatal(err)
		}
		raw := &tfprotov6.RawState{JSON: js}
		up, err := upgradeControlProfileStateWire(raw)
		if err != nil {
			t.Fatalf("#%d: flat upgrade of %s: %v", i, js, err)
		}
		if !bytes.Equal(up.MsgPack, general.MsgPack) {
			t.Fatalf("#%d: flat upgrade of %s differs from the state's encoding", i, js)
		}
	}
}

// What the flat codec does not take goes the general way: unknown values (planned attributes), values of
// another shape, and state JSON with attributes of the wrong type.
func TestControlProfileWireFallsBack(t *testing.T) {
	ctx := context.Background()
	m := randomControlProfileModel(rand.New(rand.NewPCG(3, 4)))
	m.UpdatedBy, m.ID = types.StringUnknown(), types.StringValue("AdminMFAV2")
	if _, err := encodeControlProfileWire(&m); !errors.Is(err, errNotFlat) {
		t.Fatalf("flat encode of an unknown value: %v, want errNotFlat", err)
	}
	dv, err := m.toDynamicValue(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var scratch controlProfileResourceModelV1
	if _, err := decodeControlProfileWire(dv.MsgPack, &scratch); !errors.Is(err, errNotFlat) {
		t.Fatalf("flat decode of an unknown value: %v, want errNotFlat", err)
	}
	var got controlProfileResourceModelV1
	if null, err := decodeControlProfile(ctx, dv, &got); err != nil || null {
		t.Fatalf("decodeControlProfile: null=%v err=%v", null, err)
	}
	modelsEqual(t, "general decode", &got, &m)

	// A null resource (destroy) and a value of another type.
	null := nullControlProfileValue()
	if isNull, err := decodeControlProfileWire(null.MsgPack, &scratch); err != nil || !isNull {
		t.Errorf("flat decode of a null resource: null=%v err=%v", isNull, err)
	}
	other, err := tfprotov6.NewDynamicValue(tftypes.Object{AttributeTypes: map[string]tftypes.Type{"id": tftypes.String}},
		tftypes.NewValue(tftypes.Object{AttributeTypes: map[string]tftypes.Type{"id": tftypes.String}}, map[string]tftypes.Value{"id": tftypes.NewValue(tftypes.String, "x")}))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := decodeControlProfileWire(other.MsgPack, &scratch); !errors.Is(err, errNotFlat) {
		t.Errorf("flat decode of another object type: %v, want errNotFlat", err)
	}

	// State JSON: extra attributes are ignored as the general path ignores them; a wrong type falls back, and
	// the general path reports it.
	extra := json.RawMessage(`{"id":"A","control_id":"A","state":"Ignored","assigned_to":null,"comment":null,` +
		`"vendor_information":{"provider":"SecureScore","provider_version":null,"sub_provider":null,"vendor":"Microsoft","later":"x"},` +
		`"reset_on_destroy":true,"timeouts":null,"updated_by":null,"updated_date_time":null,"added_later":[1,2]}`)
	fast, err := upgradeControlProfileStateWire(&tfprotov6.RawState{JSON: extra})
	if err != nil {
		t.Fatal(err)
	}
	v, err := upgradeControlProfileState(controlProfileSchemaVersion, &tfprotov6.RawState{JSON: extra})
	if err != nil {
		t.Fatal(err)
	}
	general, err := tfprotov6.NewDynamicValue(controlProfileResourceType, v)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(fast.MsgPack, general.MsgPack) {
		t.Errorf("state with attributes added later: flat upgrade differs from the general one")
	}
	for _, bad := range []string{`{"id":"A","reset_on_destroy":"yes"}`, `{"id":1}`, `null`, `{"timeouts":{"read":5}}`} {
		if _, err := upgradeControlProfileStateWire(&tfprotov6.RawState{JSON: []byte(bad)}); !errors.Is(err, errNotFlat) {
			t.Errorf("flat upgrade of %s: %v, want errNotFlat", bad, err)
		}
	}
	resp, err := newControlProfileServer().UpgradeResourceState(ctx, &tfprotov6.UpgradeResourceStateRequest{TypeName: controlProfileTypeName,
		Version: controlProfileSchemaVersion, RawState: &tfprotov6.RawState{JSON: []byte(`{"id":"A","reset_on_destroy":"yes"}`)}})
	if err != nil || len(resp.Diagnostics) == 0 {
		t.Errorf("UpgradeResourceState of a wrongly typed state: err=%v diagnostics=%v, want the general path's error", err, resp.Diagnostics)
	}
}
