package provider

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/securescore/terraform-provider-securescore/internal/graph"
)

// Refresh reads of securescore_control_profile come from one paged list of the tenant's control profiles per
// plugin process rather than one GET per control: Graph allows 4 concurrent requests per app and tenant on
// Secure Score, so a refresh of 300 controls by GET queues for 75 round trips, and by list it takes one.
const (
	// controlProfileSnapshotTTL bounds how long one list serves reads. Terraform starts a new plugin process for
	// each command, and one refresh walk reads all of its instances within seconds of each other, so 30 s
	// covers a walk of thousands of controls while a long-lived process (a test, a language server) never plans
	// from a listing older than that. Changes made elsewhere (the portal) are seen by the next command.
	controlProfileSnapshotTTL = 30 * time.Second

	// readBurstWindow: a read that starts this soon after another belongs to the same walk and uses the list.
	readBurstWindow = 2 * time.Second

	// controlProfileListTop is the page size asked for. Graph documents $top on this list but no maximum; the
	// emulator caps a page at 1000 and the service's own cap applies the same way, since the rest of the
	// collection is then fetched by following @odata.nextLink verbatim.
	controlProfileListTop = 1000
)

// controlProfileSelect trims the listed profiles to what the resources store (azureTenantId is the id of
// securescore_baseline; deprecated feeds plan warnings) and what `terraform query` shows and filters on (title,
// service, controlCategory: short strings), so a list of hundreds of controls decodes in about the time of one GET.
// A service that ignores $select sends whole profiles, which decode the same way.
var controlProfileSelect = []string{"id", "azureTenantId", "controlStateUpdates", "vendorInformation", "deprecated",
	"title", "service", "controlCategory"}

// controlProfileReader is what the snapshot needs from the Graph client.
type controlProfileReader interface {
	ListControlProfiles(ctx context.Context, opts graph.ListOptions) (*graph.ControlProfileList, error)
	GetControlProfile(ctx context.Context, id string) (*graph.SecureScoreControlProfile, error)
}

var _ controlProfileReader = (*graph.Client)(nil)

// controlProfileSnapshot serves control-profile reads for one configured client.
//
// The rule, chosen by measurement (BenchmarkControlProfileFirstRead): a read that finds no listing in progress
// and no other read in flight or just before it GETs its control, exactly as before, so a plan of one resource
// costs one small GET. A read that arrives while another is in flight, or within readBurstWindow of one,
// starts (or joins) the list, which then serves every later read for controlProfileSnapshotTTL. The window
// keeps a refresh walk on the list when a loaded machine spaces Terraform's reads out. A refresh of N controls therefore costs at most one GET plus
// ceil(N/1000) list pages.
type controlProfileSnapshot struct {
	client controlProfileReader
	ttl    time.Duration
	now    func() time.Time
	// noDeadline bounds a list while every read waiting for it has a context without a deadline (reads always
	// have one in the provider; tests may not).
	noDeadline time.Duration

	mu       sync.Mutex
	inFlight int               // reads between start and end
	lastRead time.Time         // when the newest read started
	listing  *profileListing   // the newest complete list; nil before the first
	run      *listRun          // the list in progress; nil when none
	failedAt time.Time         // when the last list failed: reads GET until ttl has passed
	writes   uint64            // writes seen so far
	written  map[string]uint64 // id → value of writes just after its last write
	retired  map[string]bool   // id → deprecated, as last read (for plan warnings)
}

// profileListing is one complete list.
type profileListing struct {
	writes uint64 // writes seen when the list started: later ones are not in it
	at     time.Time
	byID   map[string]*graph.SecureScoreControlProfile
}

// listRun is one list in progress, shared by every read that waits for it. Its fields other than ctx and done are
// guarded by the snapshot's mu.
type listRun struct {
	ctx     *listContext
	done    chan struct{} // closed once listing or err is set
	listing *profileListing
	err     error

	waiters    map[int]time.Time // each waiting read's deadline
	nextWaiter int
}

func newControlProfileSnapshot(client controlProfileReader) *controlProfileSnapshot {
	return &controlProfileSnapshot{client: client, ttl: controlProfileSnapshotTTL, now: time.Now, noDeadline: defaultReadTimeout,
		written: map[string]uint64{}, retired: map[string]bool{}}
}

// deprecated reports whether the last read of id found it deprecated, and whether any read said.
func (s *controlProfileSnapshot) deprecated(id string) (deprecated, known bool) {
	if s == nil { // not configured: nothing was read
		return false, false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	deprecated, known = s.retired[id]
	return deprecated, known
}

// note remembers what a read learnt about p that plans use.
func (s *controlProfileSnapshot) note(p *graph.SecureScoreControlProfile) {
	if p == nil || p.Deprecated == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.retired[p.ID] = *p.Deprecated
}

// invalidate forgets what any listing holds about id. Call it after every write to id, whatever its outcome:
// a write that failed may still have landed.
func (s *controlProfileSnapshot) invalidate(id string) {
	if s == nil { // not configured: nothing was read either
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.writes++
	s.written[id] = s.writes
}

// read returns the control profile id. A control the list does not hold is confirmed with a GET, so a 404
// (graph.IsNotFound) is only ever reported by a GET: state is never dropped on a list alone.
func (s *controlProfileSnapshot) read(ctx context.Context, id string) (*graph.SecureScoreControlProfile, error) {
	s.mu.Lock()
	s.inFlight++
	list := s.readsFromList(id)
	s.lastRead = s.now()
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.inFlight--
		s.mu.Unlock()
	}()

	if list {
		if l, err := s.list(ctx); err == nil {
			if p, ok := l.byID[id]; ok && s.fresh(l, id) {
				s.note(p)
				return p, nil
			}
		} else if ctx.Err() != nil {
			return nil, err
		}
	}
	p, err := s.client.GetControlProfile(ctx, id)
	s.note(p)
	return p, err
}

// readsFromList decides, under mu, whether a read of id goes through the list: it does when a listing that is
// still fresh for id exists or is being made, or when another read is in flight or started within readBurstWindow.
func (s *controlProfileSnapshot) readsFromList(id string) bool {
	now := s.now()
	if !s.failedAt.IsZero() && now.Sub(s.failedAt) < s.ttl {
		return false
	}
	if l := s.listing; l != nil && now.Sub(l.at) < s.ttl {
		return s.written[id] <= l.writes
	}
	return s.inFlight > 1 || (!s.lastRead.IsZero() && now.Sub(s.lastRead) < readBurstWindow)
}

// fresh reports whether l still speaks for id: not expired, and no write to id since l started.
func (s *controlProfileSnapshot) fresh(l *profileListing, id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.now().Sub(l.at) < s.ttl && s.written[id] <= l.writes
}

// list returns the current listing, making it when there is none that is fresh. One list is in progress at a
// time and every read waiting for it shares it. It runs until the latest deadline among the reads waiting for it
// (see listContext), so that a read allowed 20 minutes is not cut short by one allowed 5 that started the list; a
// read whose own context ends stops waiting at once without failing the list for the others, and when no read
// waits any more the list is cancelled.
func (s *controlProfileSnapshot) list(ctx context.Context) (*profileListing, error) {
	s.mu.Lock()
	if l := s.listing; l != nil && s.now().Sub(l.at) < s.ttl {
		s.mu.Unlock()
		return l, nil
	}
	run, start := s.run, s.run == nil
	if start {
		// The list logs on a goroutine of its own while this read goes on: its log fields must be its own.
		run = &listRun{ctx: newListContext(graph.ForkLogContext(context.WithoutCancel(ctx))), done: make(chan struct{}),
			waiters: map[int]time.Time{}}
		s.run = run
	}
	waiter := s.join(run, ctx)
	if start {
		go s.runList(run, &profileListing{writes: s.writes, at: s.now()}) // after join: the list starts with a deadline
	}
	s.mu.Unlock()

	select {
	case <-run.done:
		if run.err != nil {
			return nil, run.err
		}
		return run.listing, nil
	case <-ctx.Done():
		select {
		case <-run.done: // ended as the deadline passed: the list's own answer says more
			if run.err != nil {
				return nil, run.err
			}
			return run.listing, nil
		default:
		}
		s.mu.Lock()
		s.leave(run, waiter)
		s.mu.Unlock()
		return nil, fmt.Errorf("waited for the tenant's list of control profiles (one request shared by the reads of this "+
			"Terraform run), which had not answered: %w", ctx.Err())
	}
}

// join adds a read whose context is ctx to the waiters of run, under mu, and returns its key.
func (s *controlProfileSnapshot) join(run *listRun, ctx context.Context) int {
	deadline, ok := ctx.Deadline()
	if !ok {
		deadline = time.Now().Add(s.noDeadline)
	}
	run.nextWaiter++
	run.waiters[run.nextWaiter] = deadline
	s.setListDeadline(run)
	return run.nextWaiter
}

// leave removes a waiter that stopped waiting, under mu. The list goes on until the latest deadline of those still
// waiting; with none left it is cancelled, and the next read starts a new one.
func (s *controlProfileSnapshot) leave(run *listRun, waiter int) {
	delete(run.waiters, waiter)
	if len(run.waiters) > 0 {
		s.setListDeadline(run)
		return
	}
	if s.run == run {
		s.run = nil
	}
	run.ctx.end(context.Canceled)
}

// setListDeadline gives run's list the latest deadline of its waiters, under mu.
func (s *controlProfileSnapshot) setListDeadline(run *listRun) {
	var latest time.Time
	for _, d := range run.waiters {
		if d.After(latest) {
			latest = d
		}
	}
	run.ctx.setDeadline(latest)
}

// runList makes the list l and ends run with it.
func (s *controlProfileSnapshot) runList(run *listRun, l *profileListing) {
	got, err := s.client.ListControlProfiles(run.ctx, graph.ListOptions{Top: controlProfileListTop, Select: controlProfileSelect})
	gaveUp := run.ctx.Err() != nil // every waiter's deadline passed, or none waits any more
	run.ctx.end(context.Canceled)  // releases its timer; nothing uses it any more
	s.mu.Lock()
	defer close(run.done)
	defer s.mu.Unlock()
	if s.run == run {
		s.run = nil
	}
	if err != nil {
		run.err = err
		if !gaveUp { // a list its readers gave up on did not fail: the next read may list again
			s.failedAt = s.now()
		}
		return
	}
	l.byID = make(map[string]*graph.SecureScoreControlProfile, len(got.Value))
	for i := range got.Value {
		l.byID[got.Value[i].ID] = &got.Value[i]
	}
	s.listing, s.failedAt, run.listing = l, time.Time{}, l
}

// controlsUsed names the controls whose listed values a caller of all takes; a write to any other control while the
// list runs does not concern it. The zero value takes none (only which controls exist, and the tenant).
type controlsUsed struct {
	every bool
	ids   []string
}

// usingControls: the caller takes the listed values of ids.
func usingControls(ids []string) controlsUsed { return controlsUsed{ids: ids} }

// usingEveryControl: the caller takes the listed value of every control (an import of a whole tenant).
func usingEveryControl() controlsUsed { return controlsUsed{every: true} }

// all returns every control profile of the tenant from one list, shared with concurrent reads as read's list is.
// used names the controls whose values the caller takes. A write of this process to one of them that ended after
// the list started may be missing from it, so that control is read again by GET: a baseline always sees what was
// written, and writes to other controls (other resources applied alongside) neither disturb nor fail it. When
// several such writes ended before this call, a new list (started now, and holding them all) replaces the GETs.
func (s *controlProfileSnapshot) all(ctx context.Context, used controlsUsed) (map[string]*graph.SecureScoreControlProfile, error) {
	s.mu.Lock()
	began := s.writes
	s.mu.Unlock()
	for relisted := false; ; relisted = true {
		l, err := s.list(ctx)
		if err != nil {
			return nil, err
		}
		s.mu.Lock()
		missed, endedBefore := s.missedBy(l, used, began)
		relist := !relisted && endedBefore > 1
		if relist && s.listing == l {
			s.listing = nil
		}
		s.mu.Unlock()
		if !relist {
			return s.confirm(ctx, l, missed)
		}
	}
}

// missedBy returns, under mu, the controls of used that this process wrote after l started (l may hold their
// previous values), and how many of those writes ended before began.
func (s *controlProfileSnapshot) missedBy(l *profileListing, used controlsUsed, began uint64) (missed []string, endedBefore int) {
	check := func(id string, w uint64) {
		if w > l.writes {
			missed = append(missed, id)
			if w <= began {
				endedBefore++
			}
		}
	}
	if used.every {
		for id, w := range s.written {
			check(id, w)
		}
	} else {
		for _, id := range used.ids {
			check(id, s.written[id])
		}
	}
	slices.Sort(missed)
	return missed, endedBefore
}

// confirm returns l's profiles with those of ids read again by GET; a control that is gone (404) is left out.
func (s *controlProfileSnapshot) confirm(ctx context.Context, l *profileListing, ids []string) (map[string]*graph.SecureScoreControlProfile, error) {
	if len(ids) == 0 {
		return l.byID, nil
	}
	out := maps.Clone(l.byID)
	for _, id := range ids {
		p, err := s.client.GetControlProfile(ctx, id)
		switch {
		case graph.IsNotFound(err):
			delete(out, id)
		case err != nil:
			return nil, fmt.Errorf("reading control profile %q again, as it was written while the list ran: %w", id, err)
		default:
			s.note(p)
			out[id] = p
		}
	}
	return out, nil
}
