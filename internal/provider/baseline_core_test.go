package provider

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/securescore/terraform-provider-securescore/internal/graph"
)

// The baseline's core, tested directly on models and a fake tenant: no protocol server, no emulator.

const (
	tenantA = "00000000-0000-4000-8000-00000000000a"
	tenantB = "00000000-0000-4000-8000-00000000000b"
)

// fakeTenant holds decisions by control id and records what the core asks of it.
type fakeTenant struct {
	name, id string // as configured; its GUID
	answer   string // the azureTenantId its profiles carry; id when ""
	guidErr  error
	listErr  error
	held     map[string]controlDecision
	failWith map[string]error // PATCH errors by control id (the PATCH is not applied, unless UndecodedWriteError)
	claims   *baselineClaims

	mu      sync.Mutex
	lists   int
	patched map[string]controlDecision
}

func newFakeTenant(id string, held map[string]controlDecision) *fakeTenant {
	return &fakeTenant{name: id, id: id, held: held, claims: newBaselineClaims(), patched: map[string]controlDecision{}}
}

func (f *fakeTenant) tenantName() string { return f.name }

func (f *fakeTenant) guid(context.Context) (string, error) { return f.id, f.guidErr }

func (f *fakeTenant) profile(id string) *graph.SecureScoreControlProfile {
	d := f.held[id]
	answer := f.answer
	if answer == "" {
		answer = f.id
	}
	return &graph.SecureScoreControlProfile{ID: id, AzureTenantID: answer, ControlStateUpdates: []graph.SecureScoreControlStateUpdate{
		{State: &d.State, AssignedTo: &d.AssignedTo, Comment: &d.Comment}}}
}

func (f *fakeTenant) list(context.Context, controlsUsed) (map[string]*graph.SecureScoreControlProfile, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.lists++
	if f.listErr != nil {
		return nil, f.listErr
	}
	out := map[string]*graph.SecureScoreControlProfile{}
	for id := range f.held {
		out[id] = f.profile(id)
	}
	return out, nil
}

func (f *fakeTenant) get(_ context.Context, id string) (*graph.SecureScoreControlProfile, error) {
	if _, ok := f.held[id]; !ok {
		return nil, &graph.Error{StatusCode: http.StatusNotFound, Code: "NotFound"}
	}
	return f.profile(id), nil
}

func (f *fakeTenant) patch(_ context.Context, id string, d controlDecision) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	err := f.failWith[id]
	var ue *graph.UndecodedWriteError
	if err == nil || errors.As(err, &ue) {
		f.patched[id], f.held[id] = d, d
	}
	return err
}

func (f *fakeTenant) claim(ds map[string]controlDecision) []string { return f.claims.claim(ds) }

// tenantsFor reaches the fakes by name ("" is the first, the provider's tenant).
func tenantsFor(fakes ...*fakeTenant) baselineTenants {
	return func(name string) (baselineTenant, error) {
		for _, f := range fakes {
			if name == "" || sameTenant(name, f.name) || sameTenant(name, f.id) {
				return f, nil
			}
		}
		return nil, fmt.Errorf("tenant %q: not served", name)
	}
}

// configOf is a configuration holding controls, with extra settings.
func configOf(controls map[string]controlDecision, set ...func(*baselineModelV1)) *baselineModelV1 {
	m := nullBaselineModel()
	m.setDecisions(controls)
	for _, s := range set {
		s(m)
	}
	return m
}

// stateOf is the state of a baseline of tenant A holding controls, with their prior decisions.
func stateOf(controls map[string]controlDecision, priors map[string]*controlDecision) *baselineModelV1 {
	m := nullBaselineModel()
	m.ID, m.TenantID = tfKnown(tenantA), tfKnown(tenantA)
	m.setDecisions(controls)
	m.PriorDecisions = tfKnown(priors)
	m.SkippedControls = tfKnown([]string{})
	m.MissingControls, m.OnDestroy, m.TenantUnavailable = tfKnown(missingControlsError), tfKnown(onDestroyRestore), tfKnown(tenantUnavailableError)
	return m
}

// clone copies a model through the wire, as each RPC sees its own copy.
func clone(t *testing.T, m *baselineModelV1) *baselineModelV1 {
	t.Helper()
	dv, err := m.dynamicValue()
	if err != nil {
		t.Fatal(err)
	}
	c, err := decodeBaseline(dv)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// proposed is Terraform's proposed new state: the configuration, with the prior values of the computed
// attributes it leaves null (timeouts, a block, stays as configured).
func proposed(t *testing.T, config, prior *baselineModelV1) *baselineModelV1 {
	t.Helper()
	if prior == nil {
		return clone(t, config)
	}
	attrs := func(m *baselineModelV1) map[string]tftypes.Value {
		dv, err := m.dynamicValue()
		if err != nil {
			t.Fatal(err)
		}
		v, err := dv.Unmarshal(baselineValueType)
		if err != nil {
			t.Fatal(err)
		}
		var out map[string]tftypes.Value
		if err := v.As(&out); err != nil {
			t.Fatal(err)
		}
		return out
	}
	c, p := attrs(config), attrs(prior)
	for _, a := range baselineResourceSchema().Block.Attributes {
		if a.Computed && c[a.Name].IsNull() {
			c[a.Name] = p[a.Name]
		}
	}
	dv, err := tfprotov6.NewDynamicValue(baselineValueType, tftypes.NewValue(baselineValueType, c))
	if err != nil {
		t.Fatal(err)
	}
	m, err := decodeBaseline(&dv)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func problemSummaries(ps diagnostics) string {
	var out []string
	for _, p := range ps {
		sev := "E"
		if p.warning {
			sev = "W"
		}
		out = append(out, sev+":"+p.summary)
	}
	return strings.Join(out, "; ")
}

var (
	ignored    = controlDecision{State: "Ignored", Comment: "Risk accepted by CISO"}
	thirdParty = controlDecision{State: "ThirdParty", AssignedTo: "secops@contoso.com"}
	reviewed   = controlDecision{State: "Reviewed"}
)

func ptr(d controlDecision) *controlDecision { return &d }

// heldBy is a tenant's decisions: every control pristine except those given.
func heldBy(ids []string, decided map[string]controlDecision) map[string]controlDecision {
	out := map[string]controlDecision{}
	for _, id := range ids {
		out[id] = pristine
	}
	maps.Copy(out, decided)
	return out
}

var coreControls = []string{"AdminMFAV2", "BlockLegacyAuthentication", "OneAdmin", "MFARegistrationV2", "scid_2010"}

func TestPlanBaseline(t *testing.T) {
	withMissing := func(v string) func(*baselineModelV1) {
		return func(m *baselineModelV1) { m.MissingControls = tfKnown(v) }
	}
	priorAB := stateOf(map[string]controlDecision{"AdminMFAV2": thirdParty, "OneAdmin": reviewed},
		map[string]*controlDecision{"AdminMFAV2": ptr(pristine), "OneAdmin": ptr(ignored)})
	priorWithSkipped := func() *baselineModelV1 {
		m := stateOf(map[string]controlDecision{"AdminMFAV2": thirdParty, "OneAdmin": reviewed, "NoSuch": reviewed},
			map[string]*controlDecision{"AdminMFAV2": ptr(pristine), "OneAdmin": ptr(ignored)})
		m.SkippedControls, m.MissingControls = tfKnown([]string{"NoSuch"}), tfKnown(missingControlsWarn)
		return m
	}()
	for _, tc := range []struct {
		name         string
		config       *baselineModelV1
		prior        *baselineModelV1
		tenants      func(a, b *fakeTenant) baselineTenants
		tenant       func(*fakeTenant)
		wantProblems string // summaries, in order
		wantDetail   string // a part of the diagnostics' details
		wantReplace  bool
		wantLists    int
		check        func(t *testing.T, plan *baselineModelV1)
	}{
		{name: "create: defaults, the tenant's GUID, nothing skipped, prior decisions known after apply",
			config: configOf(map[string]controlDecision{"AdminMFAV2": thirdParty}), wantLists: 1,
			check: func(t *testing.T, p *baselineModelV1) {
				if p.MissingControls != tfKnown(missingControlsError) || p.OnDestroy != tfKnown(onDestroyRestore) || p.TenantUnavailable != tfKnown(tenantUnavailableError) ||
					p.TenantID != tfKnown(tenantA) || p.ID != tfKnown(tenantA) || len(p.SkippedControls.value()) != 0 || !p.SkippedControls.isKnown() || !p.PriorDecisions.isUnknown() {
					t.Errorf("planned %+v", p)
				}
			}},
		{name: "reset_on_destroy maps to on_destroy",
			config: configOf(map[string]controlDecision{"AdminMFAV2": thirdParty}, func(m *baselineModelV1) { m.ResetOnDestroy = tfKnown(false) }), wantLists: 1,
			check: func(t *testing.T, p *baselineModelV1) {
				if p.OnDestroy != tfKnown(onDestroyKeep) {
					t.Errorf("on_destroy %+v", p.OnDestroy)
				}
			}},
		{name: "a missing control, in the wrong case: an error naming the control meant",
			config: configOf(map[string]controlDecision{"adminmfav2": thirdParty, "OneAdmn": reviewed}), wantLists: 1,
			wantProblems: "E:Controls missing from the tenant",
			wantDetail:   `"OneAdmn" (did you mean "OneAdmin"?), "adminmfav2" (did you mean "AdminMFAV2"?)`},
		{name: "missing controls with warn: skipped",
			config: configOf(map[string]controlDecision{"AdminMFAV2": thirdParty, "NoSuch": reviewed}, withMissing("warn")), wantLists: 1,
			wantProblems: "W:Controls missing from the tenant are skipped",
			check: func(t *testing.T, p *baselineModelV1) {
				if !slices.Equal(p.SkippedControls.value(), []string{"NoSuch"}) || !p.PriorDecisions.isUnknown() {
					t.Errorf("skipped %+v", p.SkippedControls)
				}
			}},
		{name: "a Defender for Endpoint control: refused at plan, with the portal to use",
			config: configOf(map[string]controlDecision{"AdminMFAV2": thirdParty, "scid_2010": ignored}), wantLists: 1,
			wantProblems: "E:Defender for Endpoint controls in the baseline", wantDetail: "Microsoft Defender portal"},
		{name: "a Defender for Endpoint control with warn: skipped, listed, never applied",
			config: configOf(map[string]controlDecision{"AdminMFAV2": thirdParty, "scid_2010": ignored}, withMissing("warn")), wantLists: 1,
			wantProblems: "W:Defender for Endpoint controls are skipped",
			check: func(t *testing.T, p *baselineModelV1) {
				if !slices.Equal(p.SkippedControls.value(), []string{"scid_2010"}) {
					t.Errorf("skipped %+v", p.SkippedControls)
				}
			}},
		{name: "a control whose value is known only after apply: planned as unknown, its id checked",
			config: func() *baselineModelV1 {
				m := configOf(map[string]controlDecision{"AdminMFAV2": thirdParty})
				m.Controls.value()["OneAdmin"] = baselineControl{Unknown: true}
				return m
			}(), wantLists: 1,
			check: func(t *testing.T, p *baselineModelV1) {
				if !p.Controls.value()["OneAdmin"].Unknown || !p.SkippedControls.isKnown() || !p.PriorDecisions.isUnknown() {
					t.Errorf("planned %+v", p)
				}
			}},
		{name: "controls known only after apply",
			config: func() *baselineModelV1 {
				m := nullBaselineModel()
				m.Controls = tfUnknown[map[string]baselineControl]()
				return m
			}(),
			check: func(t *testing.T, p *baselineModelV1) {
				if !p.Controls.isUnknown() || !p.SkippedControls.isUnknown() || !p.PriorDecisions.isUnknown() {
					t.Errorf("planned %+v", p)
				}
			}},
		{name: "no change: the prior state, no request",
			config: configOf(map[string]controlDecision{"AdminMFAV2": thirdParty, "OneAdmin": reviewed}), prior: priorAB,
			check: func(t *testing.T, p *baselineModelV1) {
				if !p.equal(priorAB) {
					t.Errorf("planned %+v, want the prior state", p)
				}
			}},
		{name: "a key removed: restored to its decision from before the baseline, with a warning",
			config: configOf(map[string]controlDecision{"AdminMFAV2": thirdParty}), prior: priorAB,
			wantProblems: "W:Removing controls from the baseline changes controls in the tenant",
			wantDetail:   `"OneAdmin": "Reviewed" → "Ignored" (comment "Risk accepted by CISO")`,
			check: func(t *testing.T, p *baselineModelV1) {
				if len(p.PriorDecisions.value()) != 1 || *p.PriorDecisions.value()["AdminMFAV2"] != pristine {
					t.Errorf("prior decisions %+v", p.PriorDecisions)
				}
			}},
		{name: "a key removed with on_destroy = reset",
			config: configOf(map[string]controlDecision{"AdminMFAV2": thirdParty}, func(m *baselineModelV1) { m.OnDestroy = tfKnown(onDestroyReset) }), prior: priorAB,
			wantProblems: "W:Removing controls from the baseline changes controls in the tenant", wantDetail: `"OneAdmin": "Reviewed" → "Default"`},
		{name: "a key removed whose prior decision is not known (upgraded state): left as it is, with a warning",
			config: configOf(map[string]controlDecision{"AdminMFAV2": thirdParty}),
			prior: stateOf(map[string]controlDecision{"AdminMFAV2": thirdParty, "OneAdmin": reviewed},
				map[string]*controlDecision{"AdminMFAV2": nil, "OneAdmin": nil}),
			wantProblems: "W:Removing controls from the baseline leaves controls as they are", wantDetail: `"OneAdmin"`},
		{name: "the provider's tenant changed: replaced, with a warning naming both",
			config: configOf(map[string]controlDecision{"AdminMFAV2": thirdParty, "OneAdmin": reviewed}), prior: priorAB,
			tenants: func(a, b *fakeTenant) baselineTenants { return tenantsFor(b, a) }, wantReplace: true,
			wantProblems: "W:Baseline moves to another tenant", wantDetail: tenantA,
			check: func(t *testing.T, p *baselineModelV1) {
				if p.TenantID != tfKnown(tenantB) || p.ID != tfKnown(tenantB) {
					t.Errorf("planned tenant %+v id %+v", p.TenantID, p.ID)
				}
			}},
		{name: "no tenant on the resource nor on the provider: an error naming both places",
			config: configOf(map[string]controlDecision{"AdminMFAV2": thirdParty}),
			tenants: func(_, _ *fakeTenant) baselineTenants {
				return func(string) (baselineTenant, error) { return nil, NoTenantError{} }
			},
			wantProblems: "E:No tenant for the baseline", wantDetail: NoTenantError{}.Error()},
		{name: "provider not configured yet: planned without the tenant; another tenant_id is a replacement all the same, with a warning",
			config: configOf(map[string]controlDecision{"AdminMFAV2": thirdParty, "OneAdmin": reviewed}, func(m *baselineModelV1) { m.TenantID = tfKnown(tenantB) }),
			prior:  priorAB, tenants: func(_, _ *fakeTenant) baselineTenants { return nil }, wantReplace: true,
			wantProblems: "W:Baseline replaced: its tenant cannot be checked yet", wantDetail: "until the provider is configured"},
		{name: "provider not configured yet, a change: computed values known after apply",
			config: configOf(map[string]controlDecision{"AdminMFAV2": reviewed, "OneAdmin": reviewed}),
			prior:  priorAB, tenants: func(_, _ *fakeTenant) baselineTenants { return nil },
			check: func(t *testing.T, p *baselineModelV1) {
				if !p.SkippedControls.isUnknown() || !p.PriorDecisions.isUnknown() || p.ID != tfKnown(tenantA) {
					t.Errorf("planned %+v", p)
				}
			}},
		{name: "tenant_id known only after apply: replaced",
			config: configOf(map[string]controlDecision{"AdminMFAV2": thirdParty}, func(m *baselineModelV1) { m.TenantID = tfUnknown[string]() }),
			prior:  priorAB, wantReplace: true, wantProblems: "W:Baseline replaced: its tenant is known only after apply"},
		{name: "a tenant that refuses the application, with tenant_unavailable = warn: a warning, no error",
			config: configOf(map[string]controlDecision{"AdminMFAV2": thirdParty, "MFARegistrationV2": reviewed},
				func(m *baselineModelV1) { m.TenantUnavailable = tfKnown(tenantUnavailableWarn) }),
			prior: priorAB,
			tenant: func(f *fakeTenant) {
				f.listErr = &graph.Error{StatusCode: http.StatusForbidden, Code: "Forbidden", Message: "consent withdrawn"}
			},
			wantLists: 1, wantProblems: "W:Tenant unavailable: baseline left as it was; W:Removing controls from the baseline changes controls in the tenant"},
		{name: "tenant_unavailable switched to warn while the tenant refuses the application: only that attribute changes",
			config: configOf(map[string]controlDecision{"AdminMFAV2": thirdParty, "OneAdmin": reviewed, "NoSuch": reviewed}, withMissing("warn"),
				func(m *baselineModelV1) { m.TenantUnavailable = tfKnown(tenantUnavailableWarn) }),
			prior: priorWithSkipped,
			tenant: func(f *fakeTenant) {
				f.listErr = &graph.Error{StatusCode: http.StatusForbidden, Code: "Forbidden", Message: "consent withdrawn"}
			},
			wantLists: 1, wantProblems: "W:Tenant unavailable: baseline left as it was",
			check: func(t *testing.T, p *baselineModelV1) {
				want := clone(t, priorWithSkipped)
				want.TenantUnavailable = tfKnown(tenantUnavailableWarn)
				if !p.equal(want) {
					t.Errorf("planned %+v, want the prior state with tenant_unavailable = warn (skipped_controls and prior_decisions as state holds them)", p)
				}
			}},
		{name: "a tenant that refuses the application, by default: an error",
			config: configOf(map[string]controlDecision{"MFARegistrationV2": reviewed}),
			tenant: func(f *fakeTenant) {
				f.listErr = &graph.Error{StatusCode: http.StatusForbidden, Code: "Forbidden", Message: "consent withdrawn"}
			},
			wantLists: 1, wantProblems: "E:Unable to list the tenant's control profiles"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := newFakeTenant(tenantA, heldBy(coreControls, nil))
			b := newFakeTenant(tenantB, heldBy(coreControls, nil))
			if tc.tenant != nil {
				tc.tenant(a)
			}
			tenants := tenantsFor(a, b)
			if tc.tenants != nil {
				tenants = tc.tenants(a, b)
			}
			plan := proposed(t, tc.config, tc.prior)
			replace, ps := planBaseline(context.Background(), tenants, tc.config, tc.prior, plan)
			if got := problemSummaries(ps); got != tc.wantProblems {
				t.Errorf("diagnostics %q, want %q", got, tc.wantProblems)
			}
			if !strings.Contains(problemDetails(ps), tc.wantDetail) {
				t.Errorf("details %q lack %q", problemDetails(ps), tc.wantDetail)
			}
			if replace != tc.wantReplace || a.lists+b.lists != tc.wantLists || len(a.patched)+len(b.patched) != 0 {
				t.Errorf("replace %v, lists %d, PATCHes %d", replace, a.lists+b.lists, len(a.patched)+len(b.patched))
			}
			if tc.check != nil {
				tc.check(t, plan)
			}
			if _, err := plan.dynamicValue(); err != nil {
				t.Errorf("planned state does not encode: %v", err)
			}
		})
	}
}

func problemDetails(ps diagnostics) string {
	var out []string
	for _, p := range ps {
		out = append(out, p.detail)
	}
	return strings.Join(out, "\n")
}

// Two baselines of one provider configuration that set a control differently fail the second plan.
func TestPlanBaselineClaims(t *testing.T) {
	a := newFakeTenant(tenantA, heldBy(coreControls, nil))
	first := configOf(map[string]controlDecision{"AdminMFAV2": thirdParty})
	if _, ps := planBaseline(context.Background(), tenantsFor(a), first, nil, proposed(t, first, nil)); ps.hasError() {
		t.Fatal(problemSummaries(ps))
	}
	second := configOf(map[string]controlDecision{"AdminMFAV2": reviewed})
	_, ps := planBaseline(context.Background(), tenantsFor(a), second, nil, proposed(t, second, nil))
	if problemSummaries(ps) != "E:Control managed by two baselines" || !strings.Contains(problemDetails(ps), `"AdminMFAV2"`) {
		t.Errorf("diagnostics %s: %s", problemSummaries(ps), problemDetails(ps))
	}
}

// A destroy plan warns with the controls destroy will change, and with those it leaves because their prior
// decision is not known.
func TestPlanBaselineDestroy(t *testing.T) {
	state := stateOf(map[string]controlDecision{"AdminMFAV2": thirdParty, "OneAdmin": reviewed, "MFARegistrationV2": reviewed, "BlockLegacyAuthentication": reviewed},
		map[string]*controlDecision{"AdminMFAV2": ptr(pristine), "OneAdmin": ptr(ignored), "MFARegistrationV2": ptr(reviewed), "BlockLegacyAuthentication": nil})
	ps := planBaselineDestroy(state)
	want := "W:Destroying the baseline changes controls in the tenant; W:Destroying the baseline leaves controls as they are"
	if got := problemSummaries(ps); got != want {
		t.Fatalf("diagnostics %q, want %q", got, want)
	}
	d := problemDetails(ps)
	for _, s := range []string{`"AdminMFAV2": "ThirdParty" (assigned to "secops@contoso.com") → "Default"`, `"OneAdmin": "Reviewed" → "Ignored"`,
		`leaves "BlockLegacyAuthentication" as they are`} {
		if !strings.Contains(d, s) {
			t.Errorf("details lack %q:\n%s", s, d)
		}
	}
	if strings.Contains(d, `"MFARegistrationV2":`) {
		t.Errorf("a control already at its prior decision is listed as changing:\n%s", d)
	}
	state.OnDestroy = tfKnown(onDestroyKeep)
	if got := problemSummaries(planBaselineDestroy(state)); got != "W:Destroying the baseline leaves controls as they are" {
		t.Errorf("keep: %q", got)
	}
}

func TestReadBaseline(t *testing.T) {
	forbidden := &graph.Error{StatusCode: http.StatusForbidden, Code: "Forbidden", Message: "consent withdrawn"}
	for _, tc := range []struct {
		name          string
		state         *baselineModelV1
		tenant        func(*fakeTenant)
		wantRewritten bool
		wantProblems  string
		check         func(t *testing.T, state *baselineModelV1)
	}{
		{name: "refresh: the service's decisions, the configuration's spelling, prior decisions kept",
			state: stateOf(map[string]controlDecision{"AdminMFAV2": {State: "thirdparty", AssignedTo: "secops@contoso.com"}, "OneAdmin": reviewed},
				map[string]*controlDecision{"AdminMFAV2": ptr(pristine), "OneAdmin": ptr(ignored)}),
			tenant:        func(f *fakeTenant) { f.held["AdminMFAV2"], f.held["OneAdmin"] = thirdParty, ignored },
			wantRewritten: true,
			check: func(t *testing.T, s *baselineModelV1) {
				if d, _ := s.decisions(); d["AdminMFAV2"].State != "thirdparty" || d["OneAdmin"] != ignored || len(s.PriorDecisions.value()) != 2 {
					t.Errorf("state %+v", d)
				}
			}},
		{name: "a control gone (404): leaves state and prior decisions, with a warning",
			state: stateOf(map[string]controlDecision{"AdminMFAV2": thirdParty, "Retired": reviewed},
				map[string]*controlDecision{"AdminMFAV2": ptr(pristine), "Retired": ptr(pristine)}),
			wantRewritten: true, wantProblems: "W:Control of the baseline not found",
			check: func(t *testing.T, s *baselineModelV1) {
				if _, ok := s.Controls.value()["Retired"]; ok || len(s.PriorDecisions.value()) != 1 {
					t.Errorf("state %+v", s)
				}
			}},
		{name: "an answer from another tenant: an error, state unchanged",
			state:        stateOf(map[string]controlDecision{"AdminMFAV2": thirdParty}, map[string]*controlDecision{"AdminMFAV2": ptr(pristine)}),
			tenant:       func(f *fakeTenant) { f.answer = tenantB },
			wantProblems: "E:Baseline answered by another tenant"},
		{name: "import: every decided control but Defender's, each decision recorded as the one to restore",
			state: func() *baselineModelV1 { m := nullBaselineModel(); m.TenantID = tfKnown(tenantA); return m }(),
			tenant: func(f *fakeTenant) {
				f.held["OneAdmin"], f.held["scid_2010"], f.held["MFARegistrationV2"] = ignored, ignored, controlDecision{State: "Default", AssignedTo: "x@contoso.com"}
			},
			wantRewritten: true, wantProblems: "W:Defender for Endpoint controls not imported",
			check: func(t *testing.T, s *baselineModelV1) {
				d, _ := s.decisions()
				if len(d) != 2 || d["OneAdmin"] != ignored || *s.PriorDecisions.value()["OneAdmin"] != ignored || s.ID != tfKnown(tenantA) ||
					s.OnDestroy != tfKnown(onDestroyRestore) || s.TenantID != tfKnown(tenantA) {
					t.Errorf("imported %+v, %+v", d, s)
				}
			}},
		{name: "state without tenant_id: the tenant that answered is recorded",
			state: func() *baselineModelV1 {
				m := stateOf(map[string]controlDecision{"AdminMFAV2": thirdParty}, map[string]*controlDecision{"AdminMFAV2": nil})
				m.TenantID = tfString{}
				return m
			}(),
			wantRewritten: true,
			check: func(t *testing.T, s *baselineModelV1) {
				if s.TenantID != tfKnown(tenantA) {
					t.Errorf("tenant_id %+v", s.TenantID)
				}
			}},
		{name: "a tenant that refuses the application, with tenant_unavailable = warn: state kept, a warning",
			state: func() *baselineModelV1 {
				m := stateOf(map[string]controlDecision{"AdminMFAV2": thirdParty}, map[string]*controlDecision{"AdminMFAV2": ptr(pristine)})
				m.TenantUnavailable = tfKnown(tenantUnavailableWarn)
				return m
			}(),
			tenant: func(f *fakeTenant) { f.listErr = forbidden }, wantProblems: "W:Tenant unavailable: baseline left as it was"},
		{name: "a tenant that refuses the application, by default: an error",
			state:  stateOf(map[string]controlDecision{"AdminMFAV2": thirdParty}, map[string]*controlDecision{"AdminMFAV2": ptr(pristine)}),
			tenant: func(f *fakeTenant) { f.listErr = forbidden }, wantProblems: "E:Unable to list the tenant's control profiles"},
		{name: "a fault of one request is an error even with tenant_unavailable = warn",
			state: func() *baselineModelV1 {
				m := stateOf(map[string]controlDecision{"AdminMFAV2": thirdParty}, map[string]*controlDecision{"AdminMFAV2": ptr(pristine)})
				m.TenantUnavailable = tfKnown(tenantUnavailableWarn)
				return m
			}(),
			tenant:       func(f *fakeTenant) { f.listErr = &graph.Error{StatusCode: http.StatusBadGateway, Code: "BadGateway"} },
			wantProblems: "E:Unable to list the tenant's control profiles"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := newFakeTenant(tenantA, heldBy(coreControls, nil))
			if tc.tenant != nil {
				tc.tenant(a)
			}
			state := clone(t, tc.state)
			rewritten, ps := readBaseline(context.Background(), tenantsFor(a), state)
			if rewritten != tc.wantRewritten || problemSummaries(ps) != tc.wantProblems {
				t.Fatalf("rewritten %v, diagnostics %q (%s); want %v, %q", rewritten, problemSummaries(ps), problemDetails(ps), tc.wantRewritten, tc.wantProblems)
			}
			if !rewritten && !state.equal(clone(t, tc.state)) {
				t.Errorf("state changed although not rewritten")
			}
			if tc.check != nil {
				tc.check(t, state)
			}
		})
	}
}

func TestApplyBaseline(t *testing.T) {
	undecoded := &graph.UndecodedWriteError{Method: "PATCH", StatusCode: 200, Err: errors.New("odd types")}
	for _, tc := range []struct {
		name         string
		plan, prior  *baselineModelV1
		tenant       func(*fakeTenant)
		wantPatched  map[string]controlDecision
		wantProblems string
		wantDetail   string // a line the diagnostics' details hold, if any
		check        func(t *testing.T, state *baselineModelV1)
	}{
		{name: "create: only what differs is sent; each control's decision before the baseline recorded",
			plan: func() *baselineModelV1 {
				m := configOf(map[string]controlDecision{"AdminMFAV2": thirdParty, "OneAdmin": ignored})
				m.OnDestroy, m.MissingControls = tfKnown(onDestroyRestore), tfKnown(missingControlsError)
				m.SkippedControls, m.PriorDecisions, m.ID, m.TenantID = tfUnknown[[]string](), tfUnknown[map[string]*controlDecision](), tfKnown(tenantA), tfKnown(tenantA)
				return m
			}(),
			tenant:      func(f *fakeTenant) { f.held["OneAdmin"] = ignored; f.held["AdminMFAV2"] = reviewed },
			wantPatched: map[string]controlDecision{"AdminMFAV2": thirdParty},
			check: func(t *testing.T, s *baselineModelV1) {
				if *s.PriorDecisions.value()["AdminMFAV2"] != reviewed || *s.PriorDecisions.value()["OneAdmin"] != ignored || !s.SkippedControls.isKnown() {
					t.Errorf("state %+v", s)
				}
			}},
		{name: "update: a key added (its prior decision read), a key removed (restored to its prior decision)",
			prior: stateOf(map[string]controlDecision{"AdminMFAV2": thirdParty, "OneAdmin": reviewed},
				map[string]*controlDecision{"AdminMFAV2": ptr(pristine), "OneAdmin": ptr(ignored)}),
			plan: func() *baselineModelV1 {
				m := stateOf(map[string]controlDecision{"AdminMFAV2": thirdParty, "MFARegistrationV2": reviewed}, nil)
				m.PriorDecisions = tfUnknown[map[string]*controlDecision]()
				return m
			}(),
			tenant: func(f *fakeTenant) {
				f.held["AdminMFAV2"], f.held["OneAdmin"] = thirdParty, reviewed
				f.held["MFARegistrationV2"] = controlDecision{State: "Ignored", Comment: "before"}
			},
			wantPatched: map[string]controlDecision{"OneAdmin": ignored, "MFARegistrationV2": reviewed},
			check: func(t *testing.T, s *baselineModelV1) {
				p := s.PriorDecisions.value()
				if len(p) != 2 || *p["MFARegistrationV2"] != (controlDecision{State: "Ignored", Comment: "before"}) || *p["AdminMFAV2"] != pristine {
					t.Errorf("prior decisions %v", p)
				}
			}},
		{name: "a key removed that is already at its prior decision: nothing sent",
			prior: stateOf(map[string]controlDecision{"AdminMFAV2": thirdParty, "OneAdmin": ignored},
				map[string]*controlDecision{"AdminMFAV2": ptr(pristine), "OneAdmin": ptr(ignored)}),
			plan:        stateOf(map[string]controlDecision{"AdminMFAV2": thirdParty}, map[string]*controlDecision{"AdminMFAV2": ptr(pristine)}),
			wantPatched: map[string]controlDecision{}},
		{name: "a key removed with on_destroy = reset: back to Default",
			prior: stateOf(map[string]controlDecision{"AdminMFAV2": thirdParty, "OneAdmin": reviewed},
				map[string]*controlDecision{"AdminMFAV2": ptr(pristine), "OneAdmin": ptr(ignored)}),
			plan: func() *baselineModelV1 {
				m := stateOf(map[string]controlDecision{"AdminMFAV2": thirdParty}, map[string]*controlDecision{"AdminMFAV2": ptr(pristine)})
				m.OnDestroy = tfKnown(onDestroyReset)
				return m
			}(),
			wantPatched: map[string]controlDecision{"OneAdmin": pristine}},
		{name: "a key removed with on_destroy = keep: nothing sent, a warning",
			prior: stateOf(map[string]controlDecision{"AdminMFAV2": thirdParty, "OneAdmin": reviewed},
				map[string]*controlDecision{"AdminMFAV2": ptr(pristine), "OneAdmin": ptr(ignored)}),
			plan: func() *baselineModelV1 {
				m := stateOf(map[string]controlDecision{"AdminMFAV2": thirdParty}, map[string]*controlDecision{"AdminMFAV2": ptr(pristine)})
				m.OnDestroy = tfKnown(onDestroyKeep)
				return m
			}(),
			wantPatched: map[string]controlDecision{}, wantProblems: "W:Controls left as they are"},
		{name: "a PATCH that landed but whose answer did not decode: applied, a warning, no error",
			prior: stateOf(map[string]controlDecision{"AdminMFAV2": thirdParty}, map[string]*controlDecision{"AdminMFAV2": ptr(pristine)}),
			plan:  stateOf(map[string]controlDecision{"AdminMFAV2": reviewed}, map[string]*controlDecision{"AdminMFAV2": ptr(pristine)}),
			tenant: func(f *fakeTenant) {
				f.held["AdminMFAV2"] = thirdParty
				f.failWith = map[string]error{"AdminMFAV2": undecoded}
			},
			wantPatched: map[string]controlDecision{"AdminMFAV2": reviewed}, wantProblems: "W:Controls updated, but Graph's answers did not decode",
			check: func(t *testing.T, s *baselineModelV1) {
				if d, _ := s.decisions(); d["AdminMFAV2"] != reviewed {
					t.Errorf("state %v", d)
				}
			}},
		{name: "a refused PATCH: an error naming it; the others reach state, it keeps its prior state",
			prior: stateOf(map[string]controlDecision{"AdminMFAV2": thirdParty, "OneAdmin": pristine},
				map[string]*controlDecision{"AdminMFAV2": ptr(pristine), "OneAdmin": ptr(pristine)}),
			plan: stateOf(map[string]controlDecision{"AdminMFAV2": reviewed, "OneAdmin": ignored},
				map[string]*controlDecision{"AdminMFAV2": ptr(pristine), "OneAdmin": ptr(pristine)}),
			tenant: func(f *fakeTenant) {
				f.failWith = map[string]error{"OneAdmin": &graph.Error{StatusCode: 400, Code: "BadRequest"}}
			},
			wantPatched:  map[string]controlDecision{"AdminMFAV2": reviewed},
			wantProblems: "E:Unable to update 1 control(s) of the baseline",
			check: func(t *testing.T, s *baselineModelV1) {
				if d, _ := s.decisions(); d["AdminMFAV2"] != reviewed || d["OneAdmin"] != pristine {
					t.Errorf("state %v", d)
				}
			}},
		{name: "a stop before some PATCHes went out: they are named once, together; the rest reach state",
			prior: stateOf(map[string]controlDecision{"AdminMFAV2": thirdParty, "OneAdmin": pristine, "MFARegistrationV2": pristine},
				map[string]*controlDecision{"AdminMFAV2": ptr(pristine), "OneAdmin": ptr(pristine), "MFARegistrationV2": ptr(pristine)}),
			plan: stateOf(map[string]controlDecision{"AdminMFAV2": reviewed, "OneAdmin": ignored, "MFARegistrationV2": ignored},
				map[string]*controlDecision{"AdminMFAV2": ptr(pristine), "OneAdmin": ptr(pristine), "MFARegistrationV2": ptr(pristine)}),
			tenant: func(f *fakeTenant) {
				f.failWith = map[string]error{
					"OneAdmin":          &graph.NotSentError{Method: "PATCH", URL: "u1", Attempt: 1},
					"MFARegistrationV2": &graph.NotSentError{Method: "PATCH", URL: "u2", Attempt: 1},
				}
			},
			wantPatched:  map[string]controlDecision{"AdminMFAV2": reviewed},
			wantProblems: "E:Unable to update 2 control(s) of the baseline",
			check: func(t *testing.T, s *baselineModelV1) {
				if d, _ := s.decisions(); d["AdminMFAV2"] != reviewed || d["OneAdmin"] != pristine || d["MFARegistrationV2"] != pristine {
					t.Errorf("state %v", d)
				}
			},
			wantDetail: `- not sent, because Terraform asked the provider to stop (Ctrl-C) before their PATCH went out: "MFARegistrationV2", "OneAdmin"`},
		{name: "a control found missing at apply, missing_controls = error: refused, nothing sent",
			plan: func() *baselineModelV1 {
				m := stateOf(map[string]controlDecision{"AdminMFAV2": reviewed, "NoSuch": reviewed}, nil)
				m.SkippedControls, m.PriorDecisions = tfUnknown[[]string](), tfUnknown[map[string]*controlDecision]()
				return m
			}(),
			wantPatched: map[string]controlDecision{}, wantProblems: "E:Controls the baseline cannot apply"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := newFakeTenant(tenantA, heldBy(coreControls, nil))
			if tc.tenant != nil {
				tc.tenant(a)
			}
			var prior *baselineModelV1
			if tc.prior != nil {
				prior = clone(t, tc.prior)
			}
			state, ps := applyBaseline(context.Background(), a, clone(t, tc.plan), prior)
			if problemSummaries(ps) != tc.wantProblems {
				t.Fatalf("diagnostics %q (%s), want %q", problemSummaries(ps), problemDetails(ps), tc.wantProblems)
			}
			if !maps.Equal(a.patched, tc.wantPatched) {
				t.Errorf("PATCHes %v, want %v", a.patched, tc.wantPatched)
			}
			if !strings.Contains(problemDetails(ps), tc.wantDetail) {
				t.Errorf("details %s\nwant the line %s", problemDetails(ps), tc.wantDetail)
			}
			if tc.check != nil {
				tc.check(t, state)
			}
			if state != nil {
				if _, err := state.dynamicValue(); err != nil || !state.SkippedControls.isKnown() || !state.PriorDecisions.isKnown() || !state.ID.isKnown() {
					t.Errorf("state %+v (%v) is not fully known", state, err)
				}
			}
		})
	}
}

func TestDestroyBaseline(t *testing.T) {
	state := func(onDestroy string) *baselineModelV1 {
		m := stateOf(map[string]controlDecision{"AdminMFAV2": thirdParty, "OneAdmin": reviewed, "MFARegistrationV2": reviewed, "BlockLegacyAuthentication": reviewed},
			map[string]*controlDecision{"AdminMFAV2": ptr(pristine), "OneAdmin": ptr(ignored), "MFARegistrationV2": ptr(reviewed), "BlockLegacyAuthentication": nil})
		m.OnDestroy = tfKnown(onDestroy)
		return m
	}
	for _, tc := range []struct {
		onDestroy    string
		fail         string
		wantPatched  map[string]controlDecision
		wantProblems string
		wantKept     []string
	}{
		{onDestroy: onDestroyRestore, wantPatched: map[string]controlDecision{"AdminMFAV2": pristine, "OneAdmin": ignored},
			wantProblems: "W:Controls left as they are"},
		{onDestroy: onDestroyReset, wantPatched: map[string]controlDecision{"AdminMFAV2": pristine, "OneAdmin": pristine, "MFARegistrationV2": pristine, "BlockLegacyAuthentication": pristine}},
		{onDestroy: onDestroyKeep, wantPatched: map[string]controlDecision{}, wantProblems: "W:Baseline only removed from Terraform state"},
		{onDestroy: onDestroyRestore, fail: "OneAdmin", wantPatched: map[string]controlDecision{"AdminMFAV2": pristine},
			wantProblems: "W:Controls left as they are; E:Unable to restore 1 control(s) of the baseline", wantKept: []string{"OneAdmin"}},
	} {
		t.Run(tc.onDestroy+" "+tc.fail, func(t *testing.T) {
			a := newFakeTenant(tenantA, heldBy(coreControls, map[string]controlDecision{"AdminMFAV2": thirdParty, "OneAdmin": reviewed, "MFARegistrationV2": reviewed, "BlockLegacyAuthentication": reviewed}))
			if tc.fail != "" {
				a.failWith = map[string]error{tc.fail: &graph.Error{StatusCode: 400, Code: "BadRequest"}}
			}
			kept, ps := destroyBaseline(context.Background(), a, state(tc.onDestroy))
			if problemSummaries(ps) != tc.wantProblems || !maps.Equal(a.patched, tc.wantPatched) {
				t.Fatalf("diagnostics %q, PATCHes %v; want %q, %v", problemSummaries(ps), a.patched, tc.wantProblems, tc.wantPatched)
			}
			var keptIDs []string
			if kept != nil {
				keptIDs = sortedKeys(kept.Controls.value())
				if len(kept.PriorDecisions.value()) != len(keptIDs) {
					t.Errorf("kept prior decisions %v", kept.PriorDecisions.value())
				}
			}
			if !slices.Equal(keptIDs, tc.wantKept) {
				t.Errorf("kept %v, want %v", keptIDs, tc.wantKept)
			}
		})
	}
}
