package provider

import (
	"testing"

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
