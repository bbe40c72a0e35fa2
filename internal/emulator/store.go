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

// stateFormat is the state file's format: the signing keys and every tenant's data. stateFormatV1
// (one tenant at the top level) still loads, and is rewritten as stateFormat.
const (
	stateFormat   = "securescore-emulator/v2"
	stateFormatV1 = "securescore-emulator/v1"
)

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

// state is one tenant's data.
type state struct {
	TenantID string `json:"tenantId"`
	// Implemented is hidden service-side truth: what each control earns in state Default/Reviewed.
	Implemented map[string]float64 `json:"implementedScores"`
	Scores      []*entity          `json:"secureScores"`              // newest first
	Profiles    []*entity          `json:"controlProfiles"`           // service order (rank)
	Pending     []pendingRescore   `json:"pendingRescores,omitempty"` // state changes the score does not count yet (RescoreDelay)

	profileByID map[string]*entity
	cfg         TenantConfig // from Config, not persisted

	// Runtime only, never persisted: the multi-tenant application's consent here and this tenant's faults.
	access *tenantAccess
	faults *faultState
}

// stateFile is the persisted whole: keys are the token service's, shared by every tenant.
type stateFile struct {
	Format  string       `json:"format"`
	Keys    []signingKey `json:"signingKeys"`
	Tenants []*state     `json:"tenants"`
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

// loadState reads the state file; migrated is true for the v1 (single-tenant) format.
func loadState(path string) (file *stateFile, loaded, migrated bool, err error) {
	if path == "" {
		return nil, false, false, nil
	}
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false, false, nil
	}
	if err != nil {
		return nil, false, false, fmt.Errorf("emulator: read state: %w", err)
	}
	var head struct {
		Format string `json:"format"`
	}
	if err := json.Unmarshal(b, &head); err != nil {
		return nil, false, false, fmt.Errorf("emulator: state file %s: %w", path, err)
	}
	switch head.Format {
	case stateFormat:
		file = &stateFile{}
		err = json.Unmarshal(b, file)
	case stateFormatV1:
		var v1 struct {
			Keys []signingKey `json:"signingKeys"`
			state
		}
		err = json.Unmarshal(b, &v1)
		file, migrated = &stateFile{Format: stateFormat, Keys: v1.Keys, Tenants: []*state{&v1.state}}, true
	default:
		return nil, false, false, fmt.Errorf("emulator: state file %s has format %q, want %q (or %q)", path, head.Format, stateFormat, stateFormatV1)
	}
	if err != nil {
		return nil, false, false, fmt.Errorf("emulator: state file %s: %w", path, err)
	}
	return file, true, migrated, nil
}

// snapshotLocked renders the state; the caller holds e.mu.
func (e *Emulator) snapshotLocked() []byte {
	b, err := json.Marshal(stateFile{Format: stateFormat, Keys: e.keys, Tenants: e.tenants})
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
func (t *Tenant) SecureScore(id string) (map[string]any, bool) {
	t.e.mu.RLock()
	defer t.e.mu.RUnlock()
	_, sc := t.st.score(id)
	if sc == nil {
		return nil, false
	}
	return plain(sc.bytes()), true
}

// CurrentSecureScoreID is the id of this tenant's newest score, or "" when there is none.
func (t *Tenant) CurrentSecureScoreID() string {
	t.e.mu.RLock()
	defer t.e.mu.RUnlock()
	if c := t.st.current(); c != nil {
		return c.id()
	}
	return ""
}

// PatchSecureScore changes stored data as if someone else did (drift). Types are validated as
// for a PATCH; id, azureTenantId and createdDateTime may be changed here.
func (t *Tenant) PatchSecureScore(id string, props map[string]any) error {
	m, err := toStored(props)
	if err != nil {
		return err
	}
	t.e.mu.Lock()
	defer t.e.mu.Unlock()
	_, sc := t.st.score(id)
	if sc == nil {
		return fmt.Errorf("emulator: secureScore %q not found", id)
	}
	upd, perr := applySecureScorePatch(sc.obj, m, true)
	if perr != nil {
		return perr
	}
	sc.set(upd)
	t.st.sortScores()
	return t.e.save()
}

// DeleteSecureScore removes a score; the next newest becomes current.
func (t *Tenant) DeleteSecureScore(id string) bool {
	t.e.mu.Lock()
	defer t.e.mu.Unlock()
	i, sc := t.st.score(id)
	if sc == nil {
		return false
	}
	t.st.Scores = append(t.st.Scores[:i], t.st.Scores[i+1:]...)
	_ = t.e.save() // best effort: the in-memory change stands either way
	return true
}

// ControlProfile returns a copy of the stored profile as the service would return it.
func (t *Tenant) ControlProfile(id string) (map[string]any, bool) {
	t.e.mu.RLock()
	defer t.e.mu.RUnlock()
	p := t.st.profile(id)
	if p == nil {
		return nil, false
	}
	return plain(p.bytes()), true
}

// PatchControlProfile applies a PATCH body (assignedTo, comment, state, vendorInformation) as if
// someone else did it in the portal: it appends a controlStateUpdates entry by
// "portal-admin@<tenant domain>" and moves the current score. Read-only declared properties
// (title, maxScore, deprecated, …) may also be set here, to simulate service-side changes.
func (t *Tenant) PatchControlProfile(id string, props map[string]any) error {
	m, err := toStored(props)
	if err != nil {
		return err
	}
	t.e.mu.Lock()
	defer t.e.mu.Unlock()
	p := t.st.profile(id)
	if p == nil {
		return fmt.Errorf("emulator: control profile %q not found", id)
	}
	if perr := t.e.updateProfileLocked(t.st, p, m, "portal-admin@"+t.st.cfg.Domain, true); perr != nil {
		return perr
	}
	return t.e.save()
}

// DeleteControlProfile removes a profile (a later GET is a 404) without touching scores.
func (t *Tenant) DeleteControlProfile(id string) bool {
	t.e.mu.Lock()
	defer t.e.mu.Unlock()
	p := t.st.profile(id)
	if p == nil {
		return false
	}
	for i, q := range t.st.Profiles {
		if q == p {
			t.st.Profiles = append(t.st.Profiles[:i], t.st.Profiles[i+1:]...)
			break
		}
	}
	delete(t.st.profileByID, p.id())
	_ = t.e.save() // best effort: the in-memory change stands either way
	return true
}

// ControlProfileIDs lists profile ids in the service's order (by rank).
func (t *Tenant) ControlProfileIDs() []string {
	t.e.mu.RLock()
	defer t.e.mu.RUnlock()
	ids := make([]string, len(t.st.Profiles))
	for i, p := range t.st.Profiles {
		ids[i] = p.id()
	}
	return ids
}

// The single-tenant accessors act on the first (default) tenant; see Tenant for the others.

// SecureScore returns a copy of the default tenant's stored secureScore (see Tenant.SecureScore).
func (e *Emulator) SecureScore(id string) (map[string]any, bool) {
	return e.defaultTenant().SecureScore(id)
}

// CurrentSecureScoreID is the id of the default tenant's newest score (see Tenant.CurrentSecureScoreID).
func (e *Emulator) CurrentSecureScoreID() string { return e.defaultTenant().CurrentSecureScoreID() }

// PatchSecureScore changes the default tenant's stored data (see Tenant.PatchSecureScore).
func (e *Emulator) PatchSecureScore(id string, props map[string]any) error {
	return e.defaultTenant().PatchSecureScore(id, props)
}

// DeleteSecureScore removes one of the default tenant's scores (see Tenant.DeleteSecureScore).
func (e *Emulator) DeleteSecureScore(id string) bool { return e.defaultTenant().DeleteSecureScore(id) }

// ControlProfile returns a copy of the default tenant's stored profile (see Tenant.ControlProfile).
func (e *Emulator) ControlProfile(id string) (map[string]any, bool) {
	return e.defaultTenant().ControlProfile(id)
}

// PatchControlProfile updates a default tenant's profile as the portal would (see Tenant.PatchControlProfile).
func (e *Emulator) PatchControlProfile(id string, props map[string]any) error {
	return e.defaultTenant().PatchControlProfile(id, props)
}

// DeleteControlProfile removes a default tenant's profile (see Tenant.DeleteControlProfile).
func (e *Emulator) DeleteControlProfile(id string) bool {
	return e.defaultTenant().DeleteControlProfile(id)
}

// ControlProfileIDs lists the default tenant's profile ids (see Tenant.ControlProfileIDs).
func (e *Emulator) ControlProfileIDs() []string { return e.defaultTenant().ControlProfileIDs() }

// stateJSON is one tenant's state as served by GET /_emulator/state (signing keys left out).
func (e *Emulator) stateJSON(t *state) []byte {
	e.mu.RLock()
	defer e.mu.RUnlock()
	view := struct {
		TenantID        string    `json:"tenantId"`
		Domain          string    `json:"domain"`
		CurrentID       string    `json:"currentSecureScoreId"`
		SecureScores    []*entity `json:"secureScores"`
		ControlProfiles []*entity `json:"controlProfiles"`
	}{TenantID: t.TenantID, Domain: t.cfg.Domain, SecureScores: t.Scores, ControlProfiles: t.Profiles}
	if c := t.current(); c != nil {
		view.CurrentID = c.id()
	}
	b, err := json.Marshal(view)
	if err != nil {
		panic(fmt.Sprintf("emulator: encode state: %v", err))
	}
	return b
}
