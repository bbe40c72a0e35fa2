package provider

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/securescore/terraform-provider-securescore/internal/graph"
)

// fakeProfiles is a tenant of control profiles that counts reads. A GET blocks while hold is set, so a test can
// keep one read in flight.
type fakeProfiles struct {
	mu         sync.Mutex
	ids        map[string]string // id → state
	hidden     map[string]bool   // left out of lists (GET still finds them)
	listErr    error
	lists      atomic.Int32
	gets       atomic.Int32
	getIDs     []string
	hold       chan struct{}                   // GETs wait for it when set
	listHold   chan struct{}                   // lists wait for it (or for their context to end) when set
	duringList func()                          // runs while each list is in progress: the writes of other resources applied alongside
	listCtx    atomic.Pointer[context.Context] // the newest list's
	listsEnded atomic.Int32
}

var _ controlProfileReader = (*fakeProfiles)(nil)

func newFakeProfiles(ids ...string) *fakeProfiles {
	f := &fakeProfiles{ids: map[string]string{}, hidden: map[string]bool{}}
	for _, id := range ids {
		f.ids[id] = "Default"
	}
	return f
}

func (f *fakeProfiles) profile(id, state string) graph.SecureScoreControlProfile {
	return graph.SecureScoreControlProfile{ID: id, ControlStateUpdates: []graph.SecureScoreControlStateUpdate{{State: &state}}}
}

func (f *fakeProfiles) ListControlProfiles(ctx context.Context, opts graph.ListOptions) (*graph.ControlProfileList, error) {
	f.listCtx.Store(&ctx)
	f.lists.Add(1)
	defer f.listsEnded.Add(1)
	if f.listHold != nil {
		select {
		case <-f.listHold:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	if opts.Top != controlProfileListTop {
		return nil, errors.New("list without the page size")
	}
	out, err := f.listed()
	if f.duringList != nil {
		f.duringList() // after the list read the tenant, before it returns
	}
	return out, err
}

func (f *fakeProfiles) listed() (*graph.ControlProfileList, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.listErr != nil {
		return nil, f.listErr
	}
	out := &graph.ControlProfileList{}
	for id, st := range f.ids {
		if !f.hidden[id] {
			out.Value = append(out.Value, f.profile(id, st))
		}
	}
	return out, nil
}

func (f *fakeProfiles) GetControlProfile(ctx context.Context, id string) (*graph.SecureScoreControlProfile, error) {
	f.gets.Add(1)
	f.mu.Lock()
	f.getIDs = append(f.getIDs, id)
	hold := f.hold
	f.mu.Unlock()
	if hold != nil {
		select {
		case <-hold:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	st, ok := f.ids[id]
	if !ok {
		return nil, &graph.Error{Method: http.MethodGet, StatusCode: http.StatusNotFound}
	}
	p := f.profile(id, st)
	return &p, nil
}

func (f *fakeProfiles) set(id, state string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.ids[id] = state
}

func readState(t *testing.T, s *controlProfileSnapshot, id string) string {
	t.Helper()
	p, err := s.read(context.Background(), id)
	if err != nil {
		t.Fatalf("read %s: %v", id, err)
	}
	return *p.ControlStateUpdates[0].State
}

// One read alone is one GET, as before the snapshot: a list would cost more (BenchmarkControlProfileFirstRead).
// Reads spaced wider than readBurstWindow stay alone; a read right after another belongs to a walk and lists.
func TestControlProfileSnapshotAloneGets(t *testing.T) {
	f := newFakeProfiles("A", "B", "C")
	s := newControlProfileSnapshot(f)
	now := time.Unix(1_700_000_000, 0)
	s.now = func() time.Time { return now }
	readState(t, s, "A")
	now = now.Add(readBurstWindow + time.Second)
	readState(t, s, "B")
	if f.lists.Load() != 0 || f.gets.Load() != 2 {
		t.Fatalf("lists %d, gets %d; want 0 lists, 2 GETs", f.lists.Load(), f.gets.Load())
	}
	now = now.Add(readBurstWindow / 2)
	readState(t, s, "C")
	if f.lists.Load() != 1 || f.gets.Load() != 2 {
		t.Fatalf("after a read within the burst window: lists %d, gets %d; want 1 list, 2 GETs", f.lists.Load(), f.gets.Load())
	}
}

// Reads that arrive while another is in flight share one list, which then serves every following read.
func TestControlProfileSnapshotConcurrentReadsShareOneList(t *testing.T) {
	ids := []string{"A", "B", "C", "D", "E", "F", "G", "H"}
	f := newFakeProfiles(ids...)
	f.hold = make(chan struct{})
	s := newControlProfileSnapshot(f)

	first := make(chan error, 1)
	go func() { _, err := s.read(context.Background(), "A"); first <- err }()
	for f.gets.Load() == 0 { // the first read's GET is in flight
		time.Sleep(time.Millisecond)
	}
	var wg sync.WaitGroup
	for _, id := range ids[1:] {
		wg.Add(1)
		go func() { defer wg.Done(); readState(t, s, id) }()
	}
	wg.Wait() // served by the list while the first GET is still held
	close(f.hold)
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	for _, id := range ids {
		readState(t, s, id)
	}
	if f.lists.Load() != 1 || f.gets.Load() != 1 {
		t.Fatalf("lists %d, gets %d; want 1 list and only the first read's GET", f.lists.Load(), f.gets.Load())
	}
}

// listed makes s hold a fresh listing.
func listed(t *testing.T, s *controlProfileSnapshot) {
	t.Helper()
	if _, err := s.list(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// A control missing from the list is confirmed with one GET: found, it is returned; gone, the 404 is the GET's.
func TestControlProfileSnapshotMissingIsConfirmedByGet(t *testing.T) {
	f := newFakeProfiles("A", "Hidden")
	f.hidden["Hidden"] = true
	s := newControlProfileSnapshot(f)
	listed(t, s)
	if got := readState(t, s, "Hidden"); got != "Default" {
		t.Fatalf("hidden from the list: %s", got)
	}
	if _, err := s.read(context.Background(), "Gone"); !graph.IsNotFound(err) {
		t.Fatalf("gone: %v, want a 404", err)
	}
	if f.lists.Load() != 1 || f.gets.Load() != 2 || f.getIDs[0] != "Hidden" || f.getIDs[1] != "Gone" {
		t.Fatalf("lists %d, GETs %v; want 1 list, one GET per missing control", f.lists.Load(), f.getIDs)
	}
}

// A write invalidates what the listing holds for that control only.
func TestControlProfileSnapshotWriteInvalidates(t *testing.T) {
	f := newFakeProfiles("A", "B")
	s := newControlProfileSnapshot(f)
	listed(t, s)
	f.set("A", "ThirdParty")
	f.set("B", "Ignored") // changed elsewhere: the snapshot may serve the listed value within its bound
	s.invalidate("A")
	if got := readState(t, s, "A"); got != "ThirdParty" {
		t.Fatalf("written control read %s from the listing", got)
	}
	if got := readState(t, s, "B"); got != "Default" {
		t.Fatalf("untouched control: %s, want the listed value", got)
	}
	if f.lists.Load() != 1 || f.gets.Load() != 1 {
		t.Fatalf("lists %d, gets %d", f.lists.Load(), f.gets.Load())
	}
}

// A write during a list is not trusted to be in it.
func TestControlProfileSnapshotWriteDuringListInvalidates(t *testing.T) {
	f := newFakeProfiles("A")
	s := newControlProfileSnapshot(f)
	s.mu.Lock()
	l := &profileListing{writes: s.writes, at: s.now()}
	s.mu.Unlock()
	s.invalidate("A") // lands after the list started
	p := f.profile("A", "Default")
	l.byID = map[string]*graph.SecureScoreControlProfile{"A": &p}
	s.mu.Lock()
	s.listing = l
	s.mu.Unlock()
	f.set("A", "Reviewed")
	if got := readState(t, s, "A"); got != "Reviewed" {
		t.Fatalf("read %s from a list that started before the write", got)
	}
}

// The snapshot serves reads for controlProfileSnapshotTTL only; then a read alone GETs again.
func TestControlProfileSnapshotExpires(t *testing.T) {
	f := newFakeProfiles("A")
	s := newControlProfileSnapshot(f)
	now := time.Unix(1000, 0)
	s.now = func() time.Time { return now }
	listed(t, s)
	readState(t, s, "A")
	now = now.Add(controlProfileSnapshotTTL - time.Second)
	readState(t, s, "A")
	if f.gets.Load() != 0 {
		t.Fatalf("GETs %d within the bound", f.gets.Load())
	}
	now = now.Add(2 * time.Second)
	f.set("A", "Ignored")
	if got := readState(t, s, "A"); got != "Ignored" || f.gets.Load() != 1 {
		t.Fatalf("after the bound: %s, GETs %d", got, f.gets.Load())
	}
}

// A failed list fails no read: each falls back to its GET, and no list is tried again within the bound.
func TestControlProfileSnapshotListFailureFallsBackToGet(t *testing.T) {
	f := newFakeProfiles("A", "B")
	f.listErr = errors.New("boom")
	s := newControlProfileSnapshot(f)
	if _, err := s.list(context.Background()); err == nil {
		t.Fatal("list error lost")
	}
	s.mu.Lock()
	s.inFlight = 5 // other reads in flight would normally list
	s.mu.Unlock()
	readState(t, s, "A")
	readState(t, s, "B")
	if f.lists.Load() != 1 || f.gets.Load() != 2 {
		t.Fatalf("lists %d, gets %d; want the one failed list, then GETs", f.lists.Load(), f.gets.Load())
	}
}

// waitForListWaiters returns once n reads wait for the list in progress.
func waitForListWaiters(s *controlProfileSnapshot, n int) {
	for {
		s.mu.Lock()
		joined := s.run != nil && len(s.run.waiters) == n
		s.mu.Unlock()
		if joined {
			return
		}
		time.Sleep(time.Millisecond)
	}
}

// A waiter that gives up stops waiting at once and does not fail the shared list for the others.
func TestControlProfileSnapshotCancelledWaiter(t *testing.T) {
	f := newFakeProfiles("A")
	f.listHold = make(chan struct{})
	s := newControlProfileSnapshot(f)
	ctx, cancel := context.WithCancel(context.Background())
	gave := make(chan error, 1)
	go func() { _, err := s.list(ctx); gave <- err }()
	for f.lists.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	other := make(chan error, 1)
	go func() { _, err := s.list(context.Background()); other <- err }()
	waitForListWaiters(s, 2)
	cancel()
	if err := <-gave; !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled waiter: %v", err)
	}
	close(f.listHold)
	if err := <-other; err != nil {
		t.Fatalf("other waiter: %v", err)
	}
	readState(t, s, "A")
	if f.lists.Load() != 1 || f.gets.Load() != 0 {
		t.Fatalf("lists %d, gets %d; want the one shared list", f.lists.Load(), f.gets.Load())
	}
}
