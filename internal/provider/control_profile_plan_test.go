package provider

import (
	"testing"

	"github.com/securescore/terraform-provider-securescore/internal/graph"
)

// The resource keeps only the newest history entry's author and time; the data sources keep the whole history.
func TestControlProfileResourceSetFromGraphKeepsNewestUpdate(t *testing.T) {
	p := &graph.SecureScoreControlProfile{
		ID:    "AdminMFAV2",
		Title: strp("Catalog fact"),
		ControlStateUpdates: []graph.SecureScoreControlStateUpdate{
			{State: strp("Default")},
			{State: strp("ThirdParty"), UpdatedBy: strp("app-b"), UpdatedDateTime: dto(t, "2024-03-02T11:00:00Z")},
			{State: strp("Ignored"), UpdatedBy: strp("app-a"), UpdatedDateTime: dto(t, "2024-03-01T09:00:00Z")},
		},
	}
	var m controlProfileResourceModelV1
	m.setFromGraph(p)
	if m.State.value() != "ThirdParty" || m.UpdatedBy.value() != "app-b" || m.UpdatedDateTime.value() != "2024-03-02T11:00:00Z" {
		t.Fatalf("state %+v, updated_by %+v, updated_date_time %+v", m.State, m.UpdatedBy, m.UpdatedDateTime)
	}
	m = controlProfileResourceModelV1{State: tfKnown("thirdparty")}
	if m.setFromGraph(p); m.State.value() != "thirdparty" {
		t.Errorf("the configuration's spelling of the same state was not kept: %+v", m.State)
	}

	var untouched controlProfileResourceModelV1
	untouched.setFromGraph(&graph.SecureScoreControlProfile{ID: "X"})
	if !untouched.UpdatedBy.isNull() || !untouched.UpdatedDateTime.isNull() || untouched.State.value() != "Default" {
		t.Fatalf("untouched: %+v", untouched)
	}
}

// The plan keeps state's values for what a PATCH does not change, makes the history "known after apply" only when
// a PATCH is due, applies the defaults, and replaces the resource for another control_id.
func TestControlProfilePlan(t *testing.T) {
	prior := controlProfileResourceModelV1{ID: tfKnown("X"), ControlID: tfKnown("X"), State: tfKnown("Reviewed"),
		VendorInformation: serviceVendor, ResetOnDestroy: tfKnown(true), UpdatedBy: tfKnown("app"), UpdatedDateTime: tfKnown("2024-03-02T11:00:00Z")}
	config := controlProfileResourceModelV1{ControlID: prior.ControlID, State: prior.State}
	unknown := tfUnknown[string]()
	for name, tc := range map[string]struct {
		config, proposed func(*controlProfileResourceModelV1) // changes to config and to the prior state
		create           bool
		replace          bool
		want             func(*controlProfileResourceModelV1) // changes to the proposed state
	}{
		"no change": {},
		"state": {proposed: func(m *controlProfileResourceModelV1) { m.State = tfKnown("Ignored") },
			want: func(m *controlProfileResourceModelV1) { m.UpdatedBy, m.UpdatedDateTime = unknown, unknown }},
		"state in another case": {proposed: func(m *controlProfileResourceModelV1) { m.State = tfKnown("REVIEWED") }},
		"reset_on_destroy only": {
			config:   func(m *controlProfileResourceModelV1) { m.ResetOnDestroy = tfKnown(false) },
			proposed: func(m *controlProfileResourceModelV1) { m.ResetOnDestroy = tfKnown(false) }},
		"vendor_information left out": {
			proposed: func(m *controlProfileResourceModelV1) { m.VendorInformation = vendorInformation{} },
			want:     func(m *controlProfileResourceModelV1) { m.VendorInformation = serviceVendor }},
		"an unknown comment": {proposed: func(m *controlProfileResourceModelV1) { m.Comment = unknown },
			want: func(m *controlProfileResourceModelV1) { m.UpdatedBy, m.UpdatedDateTime = unknown, unknown }},
		"control_id": {proposed: func(m *controlProfileResourceModelV1) { m.ControlID = tfKnown("Y") }, replace: true,
			want: func(m *controlProfileResourceModelV1) {
				m.ID, m.UpdatedBy, m.UpdatedDateTime = unknown, unknown, unknown
			}},
		"create": {create: true,
			want: func(m *controlProfileResourceModelV1) {
				m.ID, m.UpdatedBy, m.UpdatedDateTime = unknown, unknown, unknown
				m.VendorInformation, m.ResetOnDestroy = serviceVendor, tfKnown(true)
			}},
	} {
		cfg, proposed := config, prior
		if tc.create {
			proposed = config // Terraform proposes the configuration, computed attributes null
		}
		for _, change := range []struct {
			f func(*controlProfileResourceModelV1)
			m *controlProfileResourceModelV1
		}{{tc.config, &cfg}, {tc.proposed, &proposed}} {
			if change.f != nil {
				change.f(change.m)
			}
		}
		want := proposed
		if tc.want != nil {
			tc.want(&want)
		}
		var priorPtr *controlProfileResourceModelV1
		if !tc.create {
			priorPtr = &prior
		}
		got := proposed
		replace := got.plan(&cfg, priorPtr)
		if got != want || (len(replace) > 0) != tc.replace {
			t.Errorf("%s: replace %v (want %v)\n got  %+v\n want %+v", name, replace, tc.replace, got, want)
		}
	}
}
