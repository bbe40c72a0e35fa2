package provider

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// randomModel sets every attribute of m that attrs lists, at any depth, to null, known or (with unknowns)
// unknown at random, with strings in each of msgpack's string forms (fixstr, str8, str16), non-ASCII text and
// JSON escapes. It is the test generator of every table: a new attribute is generated because it is in the table.
func randomModel[M any](attrs []tableAttr[M], m *M, r *rand.Rand, unknowns bool) {
	for i := range attrs {
		a := &attrs[i]
		switch r.IntN(4) {
		case 0:
			a.setState(m, valueNull)
			continue
		case 1:
			if unknowns {
				a.setState(m, valueUnknown)
				continue
			}
		}
		switch v := a.value.(type) {
		case *codecValue[M, string]:
			*v.at(m) = tfKnown(randomString(r))
		case *codecValue[M, bool]:
			*v.at(m) = tfKnown(r.IntN(2) == 0)
		default:
			*a.object(m) = valueKnown
			randomModel(a.attrs, m, r, unknowns)
		}
	}
}

func randomString(r *rand.Rand) string {
	switch r.IntN(6) {
	case 0:
		return ""
	case 1:
		return "ThirdParty ✓ Überprüft"
	case 2:
		return `a "quoted" \ back\slash	tab` + "\u2028"
	case 3:
		return strings.Repeat("a", 40+r.IntN(300))
	case 4:
		return "AdminMFAV2"
	}
	return strings.Repeat("x", 70000)
}

// checkWireRoundTrip proves a table's codecs against tftypes on random models: the flat encoder writes exactly
// the bytes tftypes writes, and the flat and general decoders and the state JSON reader all read them back.
func checkWireRoundTrip[M comparable](t *testing.T, table *attributeTable[M], seed uint64) {
	t.Helper()
	r := rand.New(rand.NewPCG(seed, 2))
	for i := range 300 {
		var m M
		unknowns := i%2 == 0
		randomModel(table.attrs, &m, r, unknowns)
		fast, err := table.encodeMsgpack(&m)
		if err != nil {
			t.Fatalf("#%d: flat encode: %v", i, err)
		}
		general, err := tfprotov6.NewDynamicValue(table.typ, table.toTerraform(&m))
		if err != nil {
			t.Fatalf("#%d: tftypes encode: %v", i, err)
		}
		if !bytes.Equal(fast, general.MsgPack) {
			t.Fatalf("#%d: flat encoding differs from tftypes'\n flat    %x\n general %x", i, fast, general.MsgPack)
		}
		var viaFlat, viaGeneral M
		if null, err := table.decodeMsgpack(general.MsgPack, &viaFlat); err != nil || null || viaFlat != m {
			t.Fatalf("#%d: flat decode: null=%v err=%v\n got  %+v\n want %+v", i, null, err, viaFlat, m)
		}
		v, err := general.Unmarshal(table.typ)
		if err != nil {
			t.Fatal(err)
		}
		if null, err := table.fromTerraform(v, &viaGeneral); err != nil || null || viaGeneral != m {
			t.Fatalf("#%d: general decode: null=%v err=%v", i, null, err)
		}
		if unknowns {
			continue
		}
		js, err := terraformJSON(v) // the state Terraform stores
		if err != nil {
			t.Fatal(err)
		}
		var viaJSON M
		if err := table.decodeStateJSON(js, &viaJSON); err != nil || viaJSON != m {
			t.Fatalf("#%d: state JSON %s: err=%v\n got  %+v\n want %+v", i, js, err, viaJSON, m)
		}
	}
}

func TestControlProfileWireMatchesTFTypes(t *testing.T) {
	checkWireRoundTrip(t, controlProfileAttributes, 1)
}

// What the flat readers do not take goes the general way: a value of another shape, and state JSON with
// attributes of the wrong type; a null resource is null either way.
func TestControlProfileWireFallsBack(t *testing.T) {
	var scratch controlProfileResourceModelV2
	if null, err := controlProfileAttributes.decodeMsgpack(controlProfileAttributes.null().MsgPack, &scratch); err != nil || !null {
		t.Errorf("flat decode of a null resource: null=%v err=%v", null, err)
	}
	otherType := tftypes.Object{AttributeTypes: map[string]tftypes.Type{"id": tftypes.String}}
	other, err := tfprotov6.NewDynamicValue(otherType, tftypes.NewValue(otherType, map[string]tftypes.Value{"id": tftypes.NewValue(tftypes.String, "x")}))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := controlProfileAttributes.decodeMsgpack(other.MsgPack, &scratch); !errors.Is(err, errNotFlat) {
		t.Errorf("flat decode of another object type: %v, want errNotFlat", err)
	}
	if _, err := controlProfileAttributes.decode(&other, &scratch); err == nil {
		t.Errorf("decode of another object type: no error")
	}

	// State JSON: attributes added by a later build are skipped, whatever their JSON; wrong types fall back.
	later := `{"id":"A","control_id":"A","state":"Ignored","assigned_to":null,"comment":"x\"y",` +
		`"vendor_information":{"provider":"SecureScore","provider_version":null,"sub_provider":null,"vendor":"Microsoft","later":{"a":[1,2.5e3,true,null,"s"]}},` +
		`"reset_on_destroy":true,"timeouts":null,"updated_by":null,"updated_date_time":null,"added_later":[{"k":-1}]}`
	var m controlProfileResourceModelV2
	if err := controlProfileAttributes.decodeStateJSON([]byte(later), &m); err != nil {
		t.Fatalf("state with attributes added later: %v", err)
	}
	if m.Comment.value() != `x"y` || m.VendorInformation.Vendor.value() != "Microsoft" || m.ResetOnDestroy != tfKnown(true) {
		t.Errorf("state with attributes added later read as %+v", m)
	}
	for _, bad := range []string{`{"id":"A","reset_on_destroy":"yes"}`, `{"id":1}`, `null`, `{"timeouts":{"read":5}}`, `{"id":"A"} x`, `{"id":"A"`} {
		var m controlProfileResourceModelV2
		if err := controlProfileAttributes.decodeStateJSON([]byte(bad), &m); !errors.Is(err, errNotFlat) {
			t.Errorf("flat read of state %s: %v, want errNotFlat", bad, err)
		}
	}
}
