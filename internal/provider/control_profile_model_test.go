package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/securescore/terraform-provider-securescore/internal/graph"
)

func strp(s string) *string { return &s }

func dto(t *testing.T, s string) *graph.DateTimeOffset {
	t.Helper()
	d, err := graph.ParseDateTimeOffset(s)
	if err != nil {
		t.Fatal(err)
	}
	return &d
}

// The current state is the newest entry by updatedDateTime, whatever the order Graph lists them in.
func TestNewestStateUpdate(t *testing.T) {
	ups := []graph.SecureScoreControlStateUpdate{
		{State: strp("Default")}, // untouched seed entry: no date, oldest
		{State: strp("Ignored"), UpdatedDateTime: dto(t, "2024-03-02T10:00:00.0000000Z")},
		{State: strp("ThirdParty"), UpdatedDateTime: dto(t, "2024-03-02T12:00:00+01:00")}, // 11:00Z: newest
		{State: strp("Reviewed"), UpdatedDateTime: dto(t, "2024-03-01T09:00:00Z")},
	}
	if got := newestStateUpdate(ups); got == nil || *got.State != "ThirdParty" {
		t.Fatalf("newest = %+v, want the ThirdParty entry", got)
	}
	if got := newestStateUpdate(ups[:1]); got == nil || *got.State != "Default" {
		t.Fatalf("newest of an untouched profile = %+v, want Default", got)
	}
	if newestStateUpdate(nil) != nil {
		t.Fatal("newest of no entries must be nil")
	}
}

func TestControlProfileSetFromGraphMapsEmptyTextToNull(t *testing.T) {
	p := &graph.SecureScoreControlProfile{
		ID: "AdminMFAV2",
		ControlStateUpdates: []graph.SecureScoreControlStateUpdate{
			{State: strp("Reviewed"), AssignedTo: strp(""), Comment: strp("ok"), UpdatedDateTime: dto(t, "2024-03-02T10:00:00Z")},
		},
	}
	var m controlProfileModelV0
	m.setFromGraph(p)
	if m.State.ValueString() != "Reviewed" || !m.AssignedTo.IsNull() || m.Comment.ValueString() != "ok" {
		t.Fatalf("state %s, assigned_to %s, comment %s", m.State, m.AssignedTo, m.Comment)
	}
	if !m.VendorInformation.IsNull() || m.Threats.IsNull() || len(m.Threats.Elements()) != 0 {
		t.Fatalf("vendor_information %s, threats %s", m.VendorInformation, m.Threats)
	}

	// No entries at all reads as Default.
	var empty controlProfileModelV0
	if d := empty.setFromGraph(&graph.SecureScoreControlProfile{ID: "X"}); d.HasError() {
		t.Fatal(d)
	}
	if empty.State.ValueString() != controlStateDefault {
		t.Fatalf("state without entries = %s, want Default", empty.State)
	}
}

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
	if m.State.ValueString() != "ThirdParty" || m.UpdatedBy.ValueString() != "app-b" || m.UpdatedDateTime.ValueString() != "2024-03-02T11:00:00Z" {
		t.Fatalf("state %s, updated_by %s, updated_date_time %s", m.State, m.UpdatedBy, m.UpdatedDateTime)
	}

	var untouched controlProfileResourceModelV1
	untouched.setFromGraph(&graph.SecureScoreControlProfile{ID: "X"})
	if !untouched.UpdatedBy.IsNull() || !untouched.UpdatedDateTime.IsNull() || untouched.State.ValueString() != "Default" {
		t.Fatalf("untouched: state %s, updated_by %s, updated_date_time %s", untouched.State, untouched.UpdatedBy, untouched.UpdatedDateTime)
	}
}

// The plan keeps state's values for what a PATCH does not change, makes the history "known after apply" only when
// a PATCH is due, applies the defaults, and replaces the resource for another control_id.
func TestControlProfilePlan(t *testing.T) {
	prior := controlProfileResourceModelV1{ID: types.StringValue("X"), ControlID: types.StringValue("X"),
		State: types.StringValue("Reviewed"), VendorInformation: defaultVendorInformation, ResetOnDestroy: types.BoolValue(true),
		UpdatedBy: types.StringValue("app"), UpdatedDateTime: types.StringValue("2024-03-02T11:00:00Z")}
	config := controlProfileResourceModelV1{ControlID: prior.ControlID, State: prior.State,
		VendorInformation: types.ObjectNull(vendorInformationType.AttrTypes), ResetOnDestroy: types.BoolNull()}
	// Terraform proposes the prior value of everything the configuration leaves null.
	proposed := func(change func(*controlProfileResourceModelV1)) controlProfileResourceModelV1 {
		p := prior
		change(&p)
		return p
	}

	p := proposed(func(p *controlProfileResourceModelV1) { p.State = types.StringValue("Ignored") })
	if p.plan(&config, &prior) || p.ID.ValueString() != "X" || !p.UpdatedBy.IsUnknown() || !p.UpdatedDateTime.IsUnknown() {
		t.Fatalf("state change: id %s, updated_by %s, updated_date_time %s", p.ID, p.UpdatedBy, p.UpdatedDateTime)
	}

	p = proposed(func(p *controlProfileResourceModelV1) { p.ResetOnDestroy = types.BoolValue(false) })
	cfg := config
	cfg.ResetOnDestroy = types.BoolValue(false)
	if p.plan(&cfg, &prior) || p.UpdatedBy.ValueString() != "app" || p.UpdatedDateTime.IsUnknown() || p.ResetOnDestroy.ValueBool() {
		t.Fatalf("reset_on_destroy only: updated_by %s, updated_date_time %s, reset %s", p.UpdatedBy, p.UpdatedDateTime, p.ResetOnDestroy)
	}

	p = proposed(func(p *controlProfileResourceModelV1) {
		p.VendorInformation = types.ObjectNull(vendorInformationType.AttrTypes)
	})
	if p.plan(&config, &prior) || !p.VendorInformation.Equal(defaultVendorInformation) || p.UpdatedBy.IsUnknown() {
		t.Fatalf("vendor_information left out: %s, updated_by %s", p.VendorInformation, p.UpdatedBy)
	}

	p = proposed(func(p *controlProfileResourceModelV1) { p.ControlID = types.StringValue("Y") })
	if !p.plan(&config, &prior) || !p.ID.IsUnknown() || !p.UpdatedBy.IsUnknown() || !p.UpdatedDateTime.IsUnknown() {
		t.Fatalf("control_id change: id %s, updated_by %s", p.ID, p.UpdatedBy)
	}

	create := config
	create.ID, create.ResetOnDestroy = types.StringNull(), types.BoolNull()
	if create.plan(&config, nil) || !create.ID.IsUnknown() || !create.UpdatedDateTime.IsUnknown() ||
		!create.ResetOnDestroy.ValueBool() || !create.VendorInformation.Equal(defaultVendorInformation) {
		t.Fatalf("create: id %s, updated_date_time %s, reset %s, vendor %s", create.ID, create.UpdatedDateTime, create.ResetOnDestroy, create.VendorInformation)
	}
}
