package provider

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/securescore/terraform-provider-securescore/internal/graph"
)

// The core's tests: plan, read, create and destroy on plain models, against fakeProfileTenant, without a protocol server.

// fakeProfileTenant serves profileTenant from a map, and records the calls the core makes.
type fakeProfileTenant struct {
	named, tenantGUID string
	profiles          map[string]*graph.SecureScoreControlProfile
	calls             []string
}

var _ profileTenant = (*fakeProfileTenant)(nil)

// newFakeProfileTenant holds the controls given as id → state (assignee and comment empty, unless "state|who|comment").
func newFakeProfileTenant(name, guid string, controls map[string]string) *fakeProfileTenant {
	f := &fakeProfileTenant{named: name, tenantGUID: guid, profiles: map[string]*graph.SecureScoreControlProfile{}}
	for id, d := range controls {
		parts := strings.SplitN(d+"||", "|", 4)
		f.profiles[id] = &graph.SecureScoreControlProfile{ID: id, AzureTenantID: guid, ControlStateUpdates: []graph.SecureScoreControlStateUpdate{
			{State: strp(parts[0]), AssignedTo: strp(parts[1]), Comment: strp(parts[2]), UpdatedBy: strp("portal"),
				UpdatedDateTime: &graph.DateTimeOffset{Time: time.Unix(1, 0).UTC(), Raw: "1970-01-01T00:00:01Z"}}}}
	}
	return f
}

func (f *fakeProfileTenant) tenantName() string { return f.named }

func (f *fakeProfileTenant) guid(context.Context) (string, error) {
	if f.tenantGUID == "" {
		return "", fmt.Errorf("tenant %q: no GUID", f.named)
	}
	return f.tenantGUID, nil
}

func (f *fakeProfileTenant) list(context.Context) (map[string]*graph.SecureScoreControlProfile, error) {
	f.calls = append(f.calls, "list")
	return f.profiles, nil
}

func (f *fakeProfileTenant) read(_ context.Context, id string) (*graph.SecureScoreControlProfile, error) {
	f.calls = append(f.calls, "read "+id)
	return f.find(id)
}

func (f *fakeProfileTenant) get(_ context.Context, id string) (*graph.SecureScoreControlProfile, error) {
	f.calls = append(f.calls, "get "+id)
	return f.find(id)
}

func (f *fakeProfileTenant) find(id string) (*graph.SecureScoreControlProfile, error) {
	for other, p := range f.profiles {
		if strings.EqualFold(other, id) {
			return p, nil
		}
	}
	return nil, &graph.Error{StatusCode: http.StatusNotFound, Code: "NotFound", Message: id}
}

func (f *fakeProfileTenant) update(_ context.Context, id string, body graph.ControlProfileUpdate) (*graph.SecureScoreControlProfile, error) {
	f.calls = append(f.calls, fmt.Sprintf("update %s %s|%s|%s", id, body.State, body.AssignedTo, body.Comment))
	p, err := f.find(id)
	if err != nil {
		return nil, err
	}
	p.ControlStateUpdates = append(p.ControlStateUpdates, graph.SecureScoreControlStateUpdate{State: strp(body.State),
		AssignedTo: strp(body.AssignedTo), Comment: strp(body.Comment), UpdatedBy: strp("terraform"),
		UpdatedDateTime: &graph.DateTimeOffset{Time: time.Unix(int64(len(p.ControlStateUpdates)+1), 0).UTC(), Raw: "1970-01-01T00:00:02Z"}})
	return p, nil
}

func (f *fakeProfileTenant) deprecated(string) (deprecated, known bool) { return false, false }

func (f *fakeProfileTenant) writeContext(ctx context.Context, _ string, d time.Duration) (context.Context, context.CancelFunc, error) {
	ctx, cancel := context.WithTimeout(ctx, d)
	return ctx, cancel, nil
}

func (f *fakeProfileTenant) readContext(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, d)
}

// fakeTenants finds ts by name or GUID; "" is the first, the provider's.
func fakeTenants(ts ...*fakeProfileTenant) profileTenants {
	return func(name string, diags *diagnostics) profileTenant {
		for _, t := range ts {
			if name == "" || strings.EqualFold(name, t.named) || strings.EqualFold(name, t.tenantGUID) {
				return t
			}
		}
		diags.AddError("No tenant for this resource", fmt.Sprintf("tenant %q: not signed in to", name))
		return nil
	}
}

func (d diagnostics) String() string {
	var out []string
	for _, x := range d {
		out = append(out, fmt.Sprintf("%v %s [%s]: %s", map[bool]string{true: "warning", false: "error"}[x.warning], x.summary,
			x.path.String(), x.detail))
	}
	return strings.Join(out, "\n")
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
	var m controlProfileResourceModelV2
	m.setFromGraph(p)
	if m.State.value() != "ThirdParty" || m.UpdatedBy.value() != "app-b" || m.UpdatedDateTime.value() != "2024-03-02T11:00:00Z" {
		t.Fatalf("state %+v, updated_by %+v, updated_date_time %+v", m.State, m.UpdatedBy, m.UpdatedDateTime)
	}
	m = controlProfileResourceModelV2{State: tfKnown("thirdparty")}
	if m.setFromGraph(p); m.State.value() != "thirdparty" {
		t.Errorf("the configuration's spelling of the same state was not kept: %+v", m.State)
	}

	var untouched controlProfileResourceModelV2
	untouched.setFromGraph(&graph.SecureScoreControlProfile{ID: "X"})
	if !untouched.UpdatedBy.isNull() || !untouched.UpdatedDateTime.isNull() || untouched.State.value() != "Default" {
		t.Fatalf("untouched: %+v", untouched)
	}
}

// The plan: defaults, the tenant (recorded, kept, or a replacement with a warning naming both), "known after
// apply" for what the service sets and the prior decision, the control's existence from the listing, and no
// request at all for an update.
func TestControlProfilePlan(t *testing.T) {
	unknown := tfUnknown[string]()
	prior := controlProfileResourceModelV2{ID: tfKnown("X"), TenantID: tfKnown(tenantA), ControlID: tfKnown("X"), State: tfKnown("Reviewed"),
		VendorInformation: serviceVendor, OnDestroy: tfKnown(onDestroyRestore), PriorDecision: priorDecisionOf(pristine),
		UpdatedBy: tfKnown("app"), UpdatedDateTime: tfKnown("2024-03-02T11:00:00Z")}
	config := controlProfileResourceModelV2{ControlID: prior.ControlID, State: prior.State}
	for name, tc := range map[string]struct {
		prior            func(*controlProfileResourceModelV2) // changes to the prior state (and so to what Terraform proposes)
		config, proposed func(*controlProfileResourceModelV2) // changes to the configuration and to the prior state
		create           bool
		tenants          []*fakeProfileTenant // nil: the provider is not configured
		replace          string
		want             func(*controlProfileResourceModelV2) // changes to the proposed state
		diags            string                               // "" = none; else a substring of them
		calls            string                               // the calls to the provider's tenant
	}{
		"no change": {},
		"state": {proposed: func(m *controlProfileResourceModelV2) { m.State = tfKnown("Ignored") },
			want: func(m *controlProfileResourceModelV2) { m.UpdatedBy, m.UpdatedDateTime = unknown, unknown }},
		"state in another case": {proposed: func(m *controlProfileResourceModelV2) { m.State = tfKnown("REVIEWED") }},
		"on_destroy only": {
			config:   func(m *controlProfileResourceModelV2) { m.OnDestroy = tfKnown(onDestroyKeep) },
			proposed: func(m *controlProfileResourceModelV2) { m.OnDestroy = tfKnown(onDestroyKeep) },
			want:     func(m *controlProfileResourceModelV2) { m.ResetOnDestroy = tfKnown(false) }},
		"on_destroy left out": {proposed: func(m *controlProfileResourceModelV2) { m.OnDestroy = tfKnown(onDestroyReset) },
			want: func(m *controlProfileResourceModelV2) { m.OnDestroy = tfKnown(onDestroyRestore) }},
		"deprecated reset_on_destroy": {
			config:   func(m *controlProfileResourceModelV2) { m.ResetOnDestroy = tfKnown(true) },
			proposed: func(m *controlProfileResourceModelV2) { m.ResetOnDestroy = tfKnown(true) },
			want:     func(m *controlProfileResourceModelV2) { m.OnDestroy = tfKnown(onDestroyReset) }},
		"vendor_information left out": {
			proposed: func(m *controlProfileResourceModelV2) { m.VendorInformation = vendorInformation{} },
			want:     func(m *controlProfileResourceModelV2) { m.VendorInformation = serviceVendor }},
		"an unknown comment": {proposed: func(m *controlProfileResourceModelV2) { m.Comment = unknown },
			want: func(m *controlProfileResourceModelV2) { m.UpdatedBy, m.UpdatedDateTime = unknown, unknown }},
		"the provider's tenant, unchanged": {tenants: []*fakeProfileTenant{newFakeProfileTenant(tenantA, tenantA, nil)}},
		"state without a tenant (version 1)": {tenants: []*fakeProfileTenant{newFakeProfileTenant(tenantA, tenantA, nil)},
			proposed: func(m *controlProfileResourceModelV2) { m.TenantID = tfString{} },
			want:     func(m *controlProfileResourceModelV2) { m.TenantID = tfKnown(tenantA) }},
		"the provider points at another tenant": {
			tenants: []*fakeProfileTenant{newFakeProfileTenant(tenantB, tenantB, map[string]string{"X": "Ignored|a|b"}), newFakeProfileTenant(tenantA, tenantA, nil)},
			replace: "tenant_id", diags: `records tenant "` + tenantA + `", but its tenant is now "` + tenantB + `"`, calls: "list",
			want: func(m *controlProfileResourceModelV2) {
				m.TenantID, m.PriorDecision = tfKnown(tenantB), priorDecision{Object: valueUnknown}
				m.ID, m.UpdatedBy, m.UpdatedDateTime = unknown, unknown, unknown
			}},
		"tenant_id set to another tenant": {tenants: []*fakeProfileTenant{newFakeProfileTenant(tenantA, tenantA, nil)},
			config:   func(m *controlProfileResourceModelV2) { m.TenantID = tfKnown(tenantB) },
			proposed: func(m *controlProfileResourceModelV2) { m.TenantID = tfKnown(tenantB) },
			diags:    "No tenant for this resource"}, // this provider signs in to tenantA only: an error, nothing replaced
		// The one tenant rule (planTenant): a tenant that cannot be checked is an error (the provider's used to keep
		// state's silently, a configured one used to replace), and an unknown tenant_id warns.
		"the provider's tenant cannot sign in, another name than state's: an error, nothing kept silently": {
			tenants: []*fakeProfileTenant{newFakeProfileTenant("fabrikam.onmicrosoft.com", "", nil)},
			diags: `Unable to check the control profile's tenant [tenant_id]: The control profile of control "X" records tenant "` + tenantA +
				`"; whether tenant "fabrikam.onmicrosoft.com" is that tenant could not be checked`},
		"tenant_id names a domain whose GUID cannot be learned: an error, not a replacement": {
			tenants:  []*fakeProfileTenant{newFakeProfileTenant(tenantA, tenantA, nil), newFakeProfileTenant("fabrikam.onmicrosoft.com", "", nil)},
			config:   func(m *controlProfileResourceModelV2) { m.TenantID = tfKnown("fabrikam.onmicrosoft.com") },
			proposed: func(m *controlProfileResourceModelV2) { m.TenantID = tfKnown("fabrikam.onmicrosoft.com") },
			diags:    `Unable to check the control profile's tenant`},
		"tenant_id known only after apply: replaced, with a warning": {
			tenants:  []*fakeProfileTenant{newFakeProfileTenant(tenantA, tenantA, nil)},
			config:   func(m *controlProfileResourceModelV2) { m.TenantID = unknown },
			proposed: func(m *controlProfileResourceModelV2) { m.TenantID = unknown },
			replace:  "tenant_id", diags: `tenant_id is known only after apply, so it may not be tenant "` + tenantA + `"`,
			want: func(m *controlProfileResourceModelV2) {
				m.PriorDecision = priorDecision{Object: valueUnknown}
				m.ID, m.UpdatedBy, m.UpdatedDateTime = unknown, unknown, unknown
			}},
		"state's tenant by domain, tenant_id now its GUID: the domain is resolved, nothing replaced": {
			tenants:  []*fakeProfileTenant{newFakeProfileTenant("contoso.onmicrosoft.com", tenantA, nil)},
			prior:    func(m *controlProfileResourceModelV2) { m.TenantID = tfKnown("contoso.onmicrosoft.com") },
			config:   func(m *controlProfileResourceModelV2) { m.TenantID = tfKnown(tenantA) },
			proposed: func(m *controlProfileResourceModelV2) { m.TenantID = tfKnown(tenantA) }},
		"tenant_id names state's tenant by domain": {
			tenants:  []*fakeProfileTenant{newFakeProfileTenant("contoso.onmicrosoft.com", tenantA, nil)},
			config:   func(m *controlProfileResourceModelV2) { m.TenantID = tfKnown("contoso.onmicrosoft.com") },
			proposed: func(m *controlProfileResourceModelV2) { m.TenantID = tfKnown("contoso.onmicrosoft.com") }},
		"control_id": {proposed: func(m *controlProfileResourceModelV2) { m.ControlID = tfKnown("Y") }, replace: "control_id",
			tenants: []*fakeProfileTenant{newFakeProfileTenant(tenantA, tenantA, map[string]string{"Y": "Default"})}, calls: "list",
			diags: `Replacing securescore_control_profile of control "X" sets it in tenant "` + tenantA + `" to state "Default"`,
			want: func(m *controlProfileResourceModelV2) {
				m.ID, m.UpdatedBy, m.UpdatedDateTime, m.PriorDecision = unknown, unknown, unknown, priorDecision{Object: valueUnknown}
			}},
		"create": {create: true, tenants: []*fakeProfileTenant{newFakeProfileTenant(tenantA, tenantA, map[string]string{"X": "ThirdParty|secops@contoso.com|"})},
			calls: "list", want: func(m *controlProfileResourceModelV2) {
				m.ID, m.UpdatedBy, m.UpdatedDateTime, m.TenantID = unknown, unknown, unknown, tfKnown(tenantA)
				m.VendorInformation, m.OnDestroy = serviceVendor, tfKnown(onDestroyRestore)
				m.PriorDecision = priorDecision{Object: valueUnknown} // read by the create
			}},
		"create, provider not configured": {create: true, want: func(m *controlProfileResourceModelV2) {
			m.ID, m.UpdatedBy, m.UpdatedDateTime, m.TenantID = unknown, unknown, unknown, unknown
			m.VendorInformation, m.OnDestroy, m.PriorDecision = serviceVendor, tfKnown(onDestroyRestore), priorDecision{Object: valueUnknown}
		}},
		"create, a control in another case": {create: true, tenants: []*fakeProfileTenant{newFakeProfileTenant(tenantA, tenantA, map[string]string{"x": "Default"})},
			calls: "list", want: func(m *controlProfileResourceModelV2) {
				m.ID, m.UpdatedBy, m.UpdatedDateTime, m.TenantID = unknown, unknown, unknown, tfKnown(tenantA)
				m.VendorInformation, m.OnDestroy, m.PriorDecision = serviceVendor, tfKnown(onDestroyRestore), priorDecision{Object: valueUnknown}
			}},
		"create, an unknown control": {create: true, config: func(m *controlProfileResourceModelV2) { m.ControlID = tfKnown("AdminMFA2") },
			tenants: []*fakeProfileTenant{newFakeProfileTenant(tenantA, tenantA, map[string]string{"AdminMFAV2": "Default", "OneAdmin": "Default"})},
			calls:   "list", diags: `Tenant "` + tenantA + `" has no control "AdminMFA2". Did you mean "AdminMFAV2"?`,
			want: func(m *controlProfileResourceModelV2) {
				m.ID, m.UpdatedBy, m.UpdatedDateTime, m.TenantID = unknown, unknown, unknown, tfKnown(tenantA)
				m.VendorInformation, m.OnDestroy, m.PriorDecision = serviceVendor, tfKnown(onDestroyRestore), priorDecision{Object: valueUnknown}
			}},
	} {
		prior := prior
		if tc.prior != nil {
			tc.prior(&prior)
		}
		cfg, proposed := config, prior
		if tc.create {
			proposed = config // Terraform proposes the configuration, computed attributes null
		}
		if tc.config != nil {
			tc.config(&cfg)
			if tc.create {
				tc.config(&proposed)
			}
		}
		if tc.proposed != nil {
			tc.proposed(&proposed)
		}
		want := proposed
		if tc.want != nil {
			tc.want(&want)
		}
		var priorPtr *controlProfileResourceModelV2
		if !tc.create {
			priorPtr = &prior
		}
		var tenants profileTenants
		if tc.tenants != nil {
			tenants = fakeTenants(tc.tenants...)
		}
		var diags diagnostics
		got := proposed
		replace := strings.Join(got.plan(context.Background(), &cfg, priorPtr, tenants, &diags), ",")
		if got != want || replace != tc.replace {
			t.Errorf("%s: replace %q (want %q)\n got  %+v\n want %+v", name, replace, tc.replace, got, want)
		}
		if s := diags.String(); (tc.diags == "") != (s == "") || !strings.Contains(s, tc.diags) {
			t.Errorf("%s: diagnostics %q, want %q", name, s, tc.diags)
		}
		if tc.tenants != nil && strings.Join(tc.tenants[0].calls, ",") != tc.calls {
			t.Errorf("%s: calls %v, want %q", name, tc.tenants[0].calls, tc.calls)
		}
	}
}

// A read uses the tenant state records and refuses an answer for another tenant, state unchanged; state without a
// tenant records the answer's; the read after an import records the current decision as the prior one.
func TestControlProfileRead(t *testing.T) {
	a := newFakeProfileTenant(tenantA, tenantA, map[string]string{"X": "Ignored|ciso|risk accepted"})
	b := newFakeProfileTenant(tenantB, tenantB, map[string]string{"X": "Default"})
	b.profiles["X"].AzureTenantID = tenantA // Graph answers for another tenant than the one asked
	tenants := fakeTenants(a, b)
	base := controlProfileResourceModelV2{ID: tfKnown("X"), ControlID: tfKnown("X"), State: tfKnown("Default"), OnDestroy: tfKnown(onDestroyRestore)}

	var diags diagnostics
	m := base
	m.TenantID = tfKnown(tenantB)
	if gone := m.read(context.Background(), tenants, false, &diags); gone || !diags.hasError() || m != (controlProfileResourceModelV2{
		ID: base.ID, TenantID: tfKnown(tenantB), ControlID: base.ControlID, State: base.State, OnDestroy: base.OnDestroy}) ||
		!strings.Contains(diags.String(), `for tenant "`+tenantA+`", but state records tenant "`+tenantB+`"`) {
		t.Errorf("another tenant's answer: gone %v, state %+v, diagnostics %s", gone, m, diags)
	}

	diags, m, b.calls = nil, base, nil // version 1 state: no tenant
	if m.read(context.Background(), tenants, false, &diags); diags.hasError() || m.TenantID != tfKnown(tenantA) ||
		m.State.value() != "Ignored" || m.PriorDecision.Object != valueNull || strings.Join(b.calls, ",") != "" {
		t.Errorf("state without a tenant: %+v, %s; tenant B calls %v", m, diags, b.calls)
	}

	diags, m = nil, base // after an import
	m.TenantID = tfKnown(tenantA)
	if m.read(context.Background(), tenants, true, &diags); diags.hasError() ||
		m.PriorDecision != priorDecisionOf(controlDecision{State: "Ignored", AssignedTo: "ciso", Comment: "risk accepted"}) {
		t.Errorf("after an import: %+v, %s", m, diags)
	}

	diags = nil
	if gone := (&controlProfileResourceModelV2{ID: tfKnown("Gone"), TenantID: tfKnown(tenantA)}).read(context.Background(), tenants, false, &diags); !gone {
		t.Errorf("a 404 keeps the resource: %s", diags)
	}
}

// Destroy: restore puts back the prior decision (no PATCH when it holds it already), reset puts back Default, keep
// and an unknown prior send nothing; the plan warns with what changes, and nothing when nothing does.
func TestControlProfileDestroy(t *testing.T) {
	ignored := controlDecision{State: "Ignored", AssignedTo: "ciso", Comment: "risk accepted"}
	for name, tc := range map[string]struct {
		onDestroy string
		prior     *controlDecision
		current   string // state|assigned|comment in state and in the tenant
		calls     string
		warning   string // of the destroy plan; "" = none
	}{
		"restore":                    {onDestroyRestore, &ignored, "ThirdParty||", "update X Ignored|ciso|risk accepted", `sets it in tenant "` + tenantA + `" to state "Ignored", assigned to "ciso", comment "risk accepted"`},
		"restore, nothing to do":     {onDestroyRestore, &ignored, "Ignored|ciso|risk accepted", "", ""},
		"restore, prior Default":     {onDestroyRestore, &pristine, "Reviewed|a|", "update X Default||", `to state "Default", no assignee, no comment`},
		"restore, prior not known":   {onDestroyRestore, nil, "Reviewed||", "", "is not known"},
		"reset":                      {onDestroyReset, &ignored, "Ignored|ciso|risk accepted", "update X Default||", `to state "Default"`},
		"keep":                       {onDestroyKeep, &ignored, "Reviewed||", "", ""},
		"state of version 1, reset":  {onDestroyReset, nil, "Reviewed||", "update X Default||", `(on_destroy = "reset")`},
		"restore, another case only": {onDestroyRestore, &controlDecision{State: "ignored"}, "Ignored||", "", ""},
	} {
		f := newFakeProfileTenant(tenantA, tenantA, map[string]string{"X": tc.current})
		parts := strings.SplitN(tc.current, "|", 3)
		m := controlProfileResourceModelV2{ID: tfKnown("X"), TenantID: tfKnown(tenantA), ControlID: tfKnown("X"), State: tfKnown(parts[0]),
			AssignedTo: tfStringOrNull(parts[1]), Comment: tfStringOrNull(parts[2]), OnDestroy: tfKnown(tc.onDestroy)}
		if tc.prior != nil {
			m.PriorDecision = priorDecisionOf(*tc.prior)
		}
		var planDiags, diags diagnostics
		m.warnDestroy("Destroying", &planDiags)
		if s := planDiags.String(); (tc.warning == "") != (s == "") || !strings.Contains(s, tc.warning) {
			t.Errorf("%s: plan warning %q, want %q", name, s, tc.warning)
		}
		if !m.destroy(context.Background(), f, &diags) || diags.hasError() || strings.Join(f.calls, ",") != tc.calls {
			t.Errorf("%s: calls %v, want %q; %s", name, f.calls, tc.calls, diags)
		}
	}
}

// A create reads the prior decision before its PATCH only when the plan could not look it up; the tenant the
// plan could not resolve is the answer's.
func TestControlProfileCreate(t *testing.T) {
	f := newFakeProfileTenant(tenantA, tenantA, map[string]string{"X": "Ignored|ciso|"})
	m := controlProfileResourceModelV2{ID: tfUnknown[string](), TenantID: tfUnknown[string](), ControlID: tfKnown("X"), State: tfKnown("ThirdParty"),
		VendorInformation: serviceVendor, OnDestroy: tfKnown(onDestroyRestore), PriorDecision: priorDecision{Object: valueUnknown},
		UpdatedBy: tfUnknown[string](), UpdatedDateTime: tfUnknown[string]()}
	var diags diagnostics
	got := m.create(context.Background(), f, &diags)
	if got == nil || diags.hasError() || strings.Join(f.calls, ",") != "read X,update X ThirdParty||" ||
		got.PriorDecision != priorDecisionOf(controlDecision{State: "Ignored", AssignedTo: "ciso"}) || got.TenantID != tfKnown(tenantA) ||
		got.ID != tfKnown("X") || got.UpdatedBy != tfKnown("terraform") || got.State != tfKnown("ThirdParty") {
		t.Fatalf("create: %+v, calls %v, %s", got, f.calls, diags)
	}

	f.calls = nil
	m.PriorDecision = priorDecisionOf(pristine)
	if got := m.create(context.Background(), f, &diags); got == nil || strings.Join(f.calls, ",") != "update X ThirdParty||" || got.PriorDecision != m.PriorDecision {
		t.Fatalf("create with the planned prior decision: %+v, calls %v", got, f.calls)
	}
}

// Import ids: `<tenant>/<control_id>`, or `<control_id>` for the provider's tenant.
func TestImportedControlProfile(t *testing.T) {
	for id, want := range map[string]string{
		"AdminMFAV2":                            "|AdminMFAV2",
		"contoso.onmicrosoft.com/AdminMFAV2":    "contoso.onmicrosoft.com|AdminMFAV2",
		strings.ToUpper(tenantA) + "/OneAdmin":  tenantA + "|OneAdmin",
		tenantA + "/11770.MDA_Google_Enable2FA": tenantA + "|11770.MDA_Google_Enable2FA",
		"":                                      "error: Missing control profile id",
		tenantA + "/":                           "error: Missing control profile id",
		"not a tenant!/AdminMFAV2":              "error: Invalid import id",
	} {
		var diags diagnostics
		m, ok := importedControlProfile(id, &diags)
		got := m.TenantID.value() + "|" + m.ControlID.value()
		if !ok {
			got = "error: " + diags[0].summary
		} else if m.ID != m.ControlID || m.OnDestroy != tfKnown(onDestroyRestore) {
			t.Errorf("%q: %+v", id, m)
		}
		if got != want {
			t.Errorf("%q: %s, want %s", id, got, want)
		}
	}
}
