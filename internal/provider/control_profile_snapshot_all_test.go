package provider

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/securescore/terraform-provider-securescore/internal/graph"
)

// profileStates is each control's state in a listing.
func profileStates(t *testing.T, got map[string]*graph.SecureScoreControlProfile) map[string]string {
	t.Helper()
	out := map[string]string{}
	for id, p := range got {
		out[id] = *p.ControlStateUpdates[0].State
	}
	return out
}

// Another resource applied alongside writes other controls while every list runs (a baseline of 40 controls
// beside the one that lists): the list serves its caller, once, without a GET, and never fails. Before, any write
// during a list made it stale for every caller, and two in a row failed with "changed while they were listed".
func TestControlProfileSnapshotAllIgnoresWritesToOtherControls(t *testing.T) {
	f := newFakeProfiles("A1", "A2", "B1", "B2")
	s := newControlProfileSnapshot(f)
	writes := 0
	f.duringList = func() {
		writes++
		id := fmt.Sprintf("A%d", writes%2+1)
		f.set(id, "Ignored")
		s.invalidate(id) // the other baseline's PATCH, ended while this list ran
	}
	got, err := s.all(context.Background(), usingControls([]string{"B1", "B2"}))
	if err != nil {
		t.Fatalf("all: %v", err)
	}
	if len(got) != 4 || f.lists.Load() != 1 || f.gets.Load() != 0 {
		t.Fatalf("%d controls from %d lists and %d GETs; want all 4 from 1 list, no GET", len(got), f.lists.Load(), f.gets.Load())
	}
}

// A control the caller uses that was written while the list ran may hold its previous value in the list: it is
// read again by GET, and the list (one) serves the rest.
func TestControlProfileSnapshotAllConfirmsUsedControlWrittenDuringList(t *testing.T) {
	f := newFakeProfiles("B1", "B2", "C")
	s := newControlProfileSnapshot(f)
	f.duringList = func() {
		f.set("B2", "ThirdParty")
		s.invalidate("B2")
	}
	got, err := s.all(context.Background(), usingControls([]string{"B1", "B2"}))
	if err != nil {
		t.Fatal(err)
	}
	if st := profileStates(t, got); st["B2"] != "ThirdParty" || st["B1"] != "Default" || len(st) != 3 {
		t.Fatalf("states %v; want B2 as written, the others as listed", st)
	}
	if f.lists.Load() != 1 || !slices.Equal(f.getIDs, []string{"B2"}) {
		t.Fatalf("%d lists, GETs %v; want 1 list and a GET of B2 only", f.lists.Load(), f.getIDs)
	}
}

// Several writes to used controls that ended before the call are all in a list started now: one new list replaces
// a GET each. A single one costs a GET instead of a list.
func TestControlProfileSnapshotAllRelistsAfterEarlierWrites(t *testing.T) {
	f := newFakeProfiles("B1", "B2", "B3")
	s := newControlProfileSnapshot(f)
	listed(t, s)
	for _, id := range []string{"B1", "B2"} {
		f.set(id, "Reviewed")
		s.invalidate(id)
	}
	got, err := s.all(context.Background(), usingControls([]string{"B1", "B2", "B3"}))
	if err != nil {
		t.Fatal(err)
	}
	if st := profileStates(t, got); st["B1"] != "Reviewed" || st["B2"] != "Reviewed" || st["B3"] != "Default" {
		t.Fatalf("states %v", st)
	}
	if f.lists.Load() != 2 || f.gets.Load() != 0 {
		t.Fatalf("%d lists, %d GETs; want the first list and one more, no GET", f.lists.Load(), f.gets.Load())
	}

	f.set("B3", "Ignored")
	s.invalidate("B3")
	got, err = s.all(context.Background(), usingControls([]string{"B3"}))
	if err != nil {
		t.Fatal(err)
	}
	if st := profileStates(t, got); st["B3"] != "Ignored" || f.lists.Load() != 2 || !slices.Equal(f.getIDs, []string{"B3"}) {
		t.Fatalf("states %v after %d lists, GETs %v; want B3 by one GET", st, f.lists.Load(), f.getIDs)
	}
}

// An import uses every control: any write while the list ran is read again; a control gone meanwhile (404) is
// left out. What the caller does not use (the zero controlsUsed: only the tenant and which controls exist) is
// never read again.
func TestControlProfileSnapshotAllEveryControl(t *testing.T) {
	f := newFakeProfiles("A", "B", "Gone")
	s := newControlProfileSnapshot(f)
	f.duringList = func() {
		f.set("A", "Ignored")
		s.invalidate("A")
		f.mu.Lock()
		delete(f.ids, "Gone")
		f.mu.Unlock()
		s.invalidate("Gone")
	}
	got, err := s.all(context.Background(), usingEveryControl())
	if err != nil {
		t.Fatal(err)
	}
	f.duringList = nil
	if st := profileStates(t, got); st["A"] != "Ignored" || len(st) != 2 {
		t.Fatalf("states %v; want A as written, Gone left out", st)
	}
	if !slices.Equal(f.getIDs, []string{"A", "Gone"}) {
		t.Fatalf("GETs %v", f.getIDs)
	}
	if _, err := s.all(context.Background(), controlsUsed{}); err != nil || len(f.getIDs) != 2 {
		t.Fatalf("tenant only: %v, GETs %v", err, f.getIDs)
	}
}
