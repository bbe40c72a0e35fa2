package provider

import (
	"context"
	"fmt"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"

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
// securescore_baseline; deprecated feeds plan warnings), so a list of hundreds of controls decodes in about the time of one GET. A service that
// ignores $select sends whole profiles, which decode the same way.
var controlProfileSelect = []string{"id", "azureTenantId", "controlStateUpdates", "vendorInformation", "deprecated"}

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
	flight singleflight.Group

	mu       sync.Mutex
	inFlight int               // reads between start and end
	lastRead time.Time         // when the newest read started
	listing  *profileListing   // the newest complete list; nil before the first
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

func newControlProfileSnapshot(client controlProfileReader) *controlProfileSnapshot {
	return &controlProfileSnapshot{client: client, ttl: controlProfileSnapshotTTL, now: time.Now, written: map[string]uint64{},
		retired: map[string]bool{}}
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
	list := s.listFor(id)
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

// listFor decides, under mu, whether a read of id goes through the list: it does when a listing that is still
// fresh for id exists or is being made, or when another read is in flight or started within readBurstWindow.
func (s *controlProfileSnapshot) listFor(id string) bool {
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
// time and every read waiting for it shares it; it runs on its own context so that one waiter giving up does
// not fail the others, and each waiter stops waiting when its own context ends.
func (s *controlProfileSnapshot) list(ctx context.Context) (*profileListing, error) {
	s.mu.Lock()
	if l := s.listing; l != nil && s.now().Sub(l.at) < s.ttl {
		s.mu.Unlock()
		return l, nil
	}
	s.mu.Unlock()

	ch := s.flight.DoChan("list", func() (any, error) {
		s.mu.Lock()
		// A list that finished between the check above and this flight serves this reader too.
		if l := s.listing; l != nil && s.now().Sub(l.at) < s.ttl {
			s.mu.Unlock()
			return l, nil
		}
		l := &profileListing{writes: s.writes, at: s.now()}
		s.mu.Unlock()
		lctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), defaultReadTimeout)
		defer cancel()
		got, err := s.client.ListControlProfiles(lctx, graph.ListOptions{Top: controlProfileListTop, Select: controlProfileSelect})
		s.mu.Lock()
		defer s.mu.Unlock()
		if err != nil {
			s.failedAt = s.now()
			return nil, err
		}
		l.byID = make(map[string]*graph.SecureScoreControlProfile, len(got.Value))
		for i := range got.Value {
			l.byID[got.Value[i].ID] = &got.Value[i]
		}
		s.listing, s.failedAt = l, time.Time{}
		return l, nil
	})
	select {
	case <-ctx.Done():
		return nil, ctx.Err()
	case r := <-ch:
		if r.Err != nil {
			return nil, r.Err
		}
		l, ok := r.Val.(*profileListing)
		if !ok {
			return nil, fmt.Errorf("listing control profiles: unexpected result %T", r.Val)
		}
		return l, nil
	}
}

// all returns every control profile of the tenant from one list, shared with concurrent reads as read's list is.
// A listing that started before a write of this process is not used: a new list is made, so a baseline always
// sees what it wrote (one list, never one GET per control).
func (s *controlProfileSnapshot) all(ctx context.Context) (map[string]*graph.SecureScoreControlProfile, error) {
	for range 2 {
		l, err := s.list(ctx)
		if err != nil {
			return nil, err
		}
		s.mu.Lock()
		stale := false
		for _, w := range s.written {
			if w > l.writes {
				stale = true
				break
			}
		}
		if stale && s.listing == l {
			s.listing = nil
		}
		s.mu.Unlock()
		if !stale {
			return l.byID, nil
		}
	}
	return nil, fmt.Errorf("the control profiles changed while they were listed; try again")
}
