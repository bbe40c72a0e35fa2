package emulator

// Stored state, its JSON persistence, and the direct-access methods tests use.

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
)

const stateFormat = "securescore-emulator/v1"

type signingKey struct {
	KID     string `json:"kid"`
	Secret  []byte `json:"secret"`
	Retired bool   `json:"retired,omitempty"` // tokens signed with it read as expired
}

// entity is one stored object. raw is its rendered JSON, refreshed on every change under the
// write lock, so readers never write.
type entity struct {
	et  *entityType
	obj map[string]any

	rawMu sync.Mutex
	raw   []byte // obj as JSON in the service's property order; nil until asked for after a change
}

func newEntity(et *entityType, obj map[string]any) *entity {
	e := &entity{et: et}
	e.set(obj)
	return e
}

// set replaces the object. Its JSON is made when first asked for: the current secureScore holds a controlScore
// per control and changes with every control-profile PATCH, but is read far less often.
func (e *entity) set(obj map[string]any) {
	e.rawMu.Lock()
	defer e.rawMu.Unlock()
	e.obj = obj
	e.raw = nil
}

func (e *entity) bytes() []byte {
	e.rawMu.Lock()
	defer e.rawMu.Unlock()
	if e.raw == nil {
		e.raw = marshalOrdered(e.obj, e.et.order)
	}
	return e.raw
}

func (e *entity) id() string {
	s, _ := e.obj["id"].(string)
	return s
}

func (e *entity) MarshalJSON() ([]byte, error) { return e.bytes(), nil }

func (e *entity) UnmarshalJSON(b []byte) error {
	v, err := decodeJSON(b)
	if err != nil {
		return err
	}
	m, ok := v.(map[string]any)
	if !ok {
		return errors.New("entity is not a JSON object")
	}
	e.obj = m
	return nil
}

func decodeJSON(b []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, errors.New("unexpected data after the JSON value")
	}
	return v, nil
}

type state struct {
	Format   string       `json:"format"`
	TenantID string       `json:"tenantId"`
	Keys     []signingKey `json:"signingKeys"`
	// Implemented is hidden service-side truth: what each control earns in state Default/Reviewed.
	Implemented map[string]float64 `json:"implementedScores"`
	Scores      []*entity          `json:"secureScores"`    // newest first
	Profiles    []*entity          `json:"controlProfiles"` // service order (rank)

	profileByID map[string]*entity
}

// index rebuilds lookups and the derived caches after load or seed.
func (s *state) index() {
	for _, sc := range s.Scores {
		sc.et = secureScoreType
		sc.set(sc.obj)
	}
	s.profileByID = make(map[string]*entity, len(s.Profiles))
	for _, p := range s.Profiles {
		p.et = controlProfileType
		p.set(p.obj)
		s.profileByID[p.id()] = p
	}
	if s.Implemented == nil {
		s.Implemented = map[string]float64{}
	}
	s.sortScores()
}

func (s *state) sortScores() {
	sort.SliceStable(s.Scores, func(i, j int) bool {
		ti, ei := parseDateTimeOffset(str(s.Scores[i].obj["createdDateTime"]))
		tj, ej := parseDateTimeOffset(str(s.Scores[j].obj["createdDateTime"]))
		switch {
		case ei == nil && ej == nil && !ti.Equal(tj):
			return ti.After(tj)
		case ei == nil && ej != nil:
			return true
		case ei != nil && ej == nil:
			return false
		}
		return s.Scores[i].id() > s.Scores[j].id()
	})
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

func (s *state) score(id string) (int, *entity) {
	for i, sc := range s.Scores {
		if sc.id() == id {
			return i, sc
		}
	}
	for i, sc := range s.Scores {
		if strings.EqualFold(sc.id(), id) {
			return i, sc
		}
	}
	return -1, nil
}

func (s *state) profile(id string) *entity {
	if p, ok := s.profileByID[id]; ok {
		return p
	}
	for _, p := range s.Profiles {
		if strings.EqualFold(p.id(), id) {
			return p
		}
	}
	return nil
}

func (s *state) current() *entity {
	if len(s.Scores) == 0 {
		return nil
	}
	return s.Scores[0]
}

func loadState(path string) (*state, bool, error) {
	if path == "" {
		return nil, false, nil
	}
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("emulator: read state: %w", err)
	}
	var st state
	if err := json.Unmarshal(b, &st); err != nil {
		return nil, false, fmt.Errorf("emulator: state file %s: %w", path, err)
	}
	if st.Format != stateFormat {
		return nil, false, fmt.Errorf("emulator: state file %s has format %q, want %q", path, st.Format, stateFormat)
	}
	return &st, true, nil
}

// snapshotLocked renders the state; the caller holds e.mu.
func (e *Emulator) snapshotLocked() []byte {
	e.st.Format = stateFormat
	b, err := json.Marshal(e.st)
	if err != nil {
		panic(fmt.Sprintf("emulator: encode state: %v", err))
	}
	return b
}

// save writes the state file atomically (temp file, fsync, rename). Holding e.mu (read or
// write) while calling keeps saves in the order of the writes they follow.
func (e *Emulator) save() error {
	if e.cfg.StateFile == "" {
		return nil
	}
	return e.writeStateFile(e.snapshotLocked())
}

func (e *Emulator) writeStateFile(b []byte) error {
	e.saveMu.Lock()
	defer e.saveMu.Unlock()
	path := e.cfg.StateFile
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".tmp*")
	if err != nil {
		return fmt.Errorf("emulator: save state: %w", err)
	}
	name := tmp.Name()
	_, werr := tmp.Write(b)
	if werr == nil {
		werr = tmp.Sync()
	}
	if cerr := tmp.Close(); werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = os.Rename(name, path)
	}
	if werr != nil {
		_ = os.Remove(name)
		return fmt.Errorf("emulator: save state: %w", werr)
	}
	return nil
}

// plain decodes stored JSON into ordinary Go values (float64 numbers), a private copy.
func plain(raw []byte) map[string]any {
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		panic(fmt.Sprintf("emulator: decode stored entity: %v", err))
	}
	return m
}

// toStored converts caller-supplied Go values to the decoded-JSON form (json.Number) we store.
func toStored(props map[string]any) (map[string]any, error) {
	b, err := json.Marshal(props)
	if err != nil {
		return nil, err
	}
	v, err := decodeJSON(b)
	if err != nil {
		return nil, err
	}
	m, _ := v.(map[string]any)
	return m, nil
}

// SecureScore returns a copy of the stored secureScore as the service would return it.
func (e *Emulator) SecureScore(id string) (map[string]any, bool) {
	e.mu.RLock()
	defer e.mu.RUnlock()
	_, sc := e.st.score(id)
	if sc == nil {
		return nil, false
	}
	return plain(sc.bytes()), true
}

// CurrentSecureScoreID is the id of the tenant's newest score, or "" when there is none.
func (e *Emulator) CurrentSecureScoreID() string {
	e.mu.RLock()
	defer e.mu.RUnlock()
	if c := e.st.current(); c != nil {
		return c.id()
	}
	return ""
}

// PatchSecureScore changes stored data as if someone else did (drift). Types are validated as
// for a PATCH; id, azureTenantId and createdDateTime may be changed here.
func (e *Emulator) PatchSecureScore(id string, props map[string]any) error {
	m, err := toStored(props)
	if err != nil {
		return err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	_, sc := e.st.score(id)
	if sc == nil {
		return fmt.Errorf("emulator: secureScore %q not found", id)
	}
	upd, perr := applySecureScorePatch(sc.obj, m, true)
	if perr != nil {
		return perr
	}
	sc.set(upd)
	e.st.sortScores()
	return e.save()
}

// DeleteSecureScore removes a score; the next newest becomes current.
func (e *Emulator) DeleteSecureScore(id string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	i, sc := e.st.score(id)
	if sc == nil {
		return false
	}
	e.st.Scores = append(e.st.Scores[:i], e.st.Scores[i+1:]...)
	_ = e.save() // best effort: the in-memory change stands either way
	return true
}

// ControlProfile returns a copy of the stored profile as the service would return it.
func (e *Emulator) ControlProfile(id string) (map[string]any, bool) {
	e.mu.RLock()
	defer e.mu.RUnlock()
	p := e.st.profile(id)
	if p == nil {
		return nil, false
	}
	return plain(p.bytes()), true
}

// PatchControlProfile applies a PATCH body (assignedTo, comment, state, vendorInformation) as if
// someone else did it in the portal: it appends a controlStateUpdates entry by
// "portal-admin@<TenantDomain>" and moves the current score. Read-only declared properties
// (title, maxScore, deprecated, …) may also be set here, to simulate service-side changes.
func (e *Emulator) PatchControlProfile(id string, props map[string]any) error {
	m, err := toStored(props)
	if err != nil {
		return err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	p := e.st.profile(id)
	if p == nil {
		return fmt.Errorf("emulator: control profile %q not found", id)
	}
	if perr := e.updateProfileLocked(p, m, "portal-admin@"+e.cfg.TenantDomain, true); perr != nil {
		return perr
	}
	return e.save()
}

// DeleteControlProfile removes a profile (a later GET is a 404) without touching scores.
func (e *Emulator) DeleteControlProfile(id string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	p := e.st.profile(id)
	if p == nil {
		return false
	}
	for i, q := range e.st.Profiles {
		if q == p {
			e.st.Profiles = append(e.st.Profiles[:i], e.st.Profiles[i+1:]...)
			break
		}
	}
	delete(e.st.profileByID, p.id())
	_ = e.save() // best effort: the in-memory change stands either way
	return true
}

// ControlProfileIDs lists profile ids in the service's order (by rank).
func (e *Emulator) ControlProfileIDs() []string {
	e.mu.RLock()
	defer e.mu.RUnlock()
	ids := make([]string, len(e.st.Profiles))
	for i, p := range e.st.Profiles {
		ids[i] = p.id()
	}
	return ids
}

// stateJSON is the whole state as served by GET /_emulator/state (signing keys left out).
func (e *Emulator) stateJSON() []byte {
	e.mu.RLock()
	defer e.mu.RUnlock()
	view := struct {
		TenantID        string    `json:"tenantId"`
		CurrentID       string    `json:"currentSecureScoreId"`
		SecureScores    []*entity `json:"secureScores"`
		ControlProfiles []*entity `json:"controlProfiles"`
	}{TenantID: e.st.TenantID, SecureScores: e.st.Scores, ControlProfiles: e.st.Profiles}
	if c := e.st.current(); c != nil {
		view.CurrentID = c.id()
	}
	b, err := json.Marshal(view)
	if err != nil {
		panic(fmt.Sprintf("emulator: encode state: %v", err))
	}
	return b
}
