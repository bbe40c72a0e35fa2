package provider

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/securescore/terraform-provider-securescore/internal/graph"
)

// fakeResolver is a tenant named name whose GUID is id, or whose sign-in fails with err; it counts the sign-ins.
type fakeResolver struct {
	name, id string
	err      error
	signIns  int
}

var _ tenantResolver = (*fakeResolver)(nil)

func (f *fakeResolver) tenantName() string { return f.name }

func (f *fakeResolver) guid(context.Context) (string, error) {
	f.signIns++
	return f.id, f.err
}

// The one tenant rule of the three resources (planTenant's doc comment, rules 1–7), against a fake tenant.
func TestPlanTenant(t *testing.T) {
	const contoso, fabrikam = "contoso.onmicrosoft.com", "fabrikam.onmicrosoft.com"
	refused := &graph.Error{StatusCode: http.StatusForbidden, Code: "Authorization_RequestDenied", Message: "consent withdrawn"}
	existing := func(q tenantQuery) tenantQuery {
		q.noun, q.what, q.consequence = "Widget", `Widget "w"`, "Destroy leaves the widget of state's tenant alone."
		return q
	}
	for _, tc := range []struct {
		name        string
		tenant      *fakeResolver // nil: the provider is not configured
		q           tenantQuery
		want        tenantPlan // summary and warning: checked by wantWarning
		wantWarning []string   // substrings of the warning; nil = none
		wantErr     []string   // substrings of the error; nil = none
		signIns     int
	}{
		// 1. Create.
		{name: "create: the provider's tenant, by its GUID", tenant: &fakeResolver{name: tenantA, id: tenantA},
			want: tenantPlan{value: tenantA, guid: tenantA}, signIns: 1},
		{name: "create: a configured domain is kept as written, its GUID learned", tenant: &fakeResolver{name: contoso, id: tenantA},
			q: tenantQuery{configured: contoso}, want: tenantPlan{value: contoso, guid: tenantA}, signIns: 1},
		{name: "create: the provider's tenant by domain, in upper case: the GUID in lower case",
			tenant: &fakeResolver{name: contoso, id: strings.ToUpper(tenantA)}, want: tenantPlan{value: tenantA, guid: tenantA}, signIns: 1},
		{name: "create: a sign-in failure is no error at plan; unknown until apply", tenant: &fakeResolver{name: contoso, err: refused},
			want: tenantPlan{}, signIns: 1},
		{name: "create: a configured domain whose sign-in fails", tenant: &fakeResolver{name: contoso, err: refused},
			q: tenantQuery{configured: contoso}, want: tenantPlan{value: contoso}, signIns: 1},
		{name: "create: tenant_id known only after apply", tenant: &fakeResolver{name: tenantA, id: tenantA},
			q: tenantQuery{configuredUnknown: true}, want: tenantPlan{}},
		// 7. State written before 0.2.0 without a tenant: as a create.
		{name: "state without a tenant: the tenant is recorded, nothing replaced", tenant: &fakeResolver{name: tenantB, id: tenantB},
			q: existing(tenantQuery{}), want: tenantPlan{value: tenantB, guid: tenantB}, signIns: 1},

		// 2. tenant_id unknown, existing resource.
		{name: "tenant_id known only after apply: replaced, with a warning", tenant: &fakeResolver{name: tenantA, id: tenantA},
			q:    existing(tenantQuery{configuredUnknown: true, prior: contoso, priorGUID: tenantA}),
			want: tenantPlan{replace: true}, wantWarning: []string{"Widget replaced: its tenant is known only after apply",
				`Widget "w" records tenant "` + contoso + `" (GUID ` + tenantA + `)`, "known only after apply, so it may not be tenant",
				"Destroy leaves the widget of state's tenant alone."}},

		// 3. Same tenant.
		{name: "same name as state's, without a sign-in (one that would fail)", tenant: &fakeResolver{name: contoso, err: refused},
			q:    existing(tenantQuery{configured: contoso, prior: contoso, priorGUID: tenantA}),
			want: tenantPlan{value: contoso, guid: tenantA}},
		{name: "the provider's tenant, named as state's in another case: state's spelling", tenant: &fakeResolver{name: "CONTOSO.onmicrosoft.com", err: refused},
			q: existing(tenantQuery{prior: contoso, priorGUID: tenantA}), want: tenantPlan{value: contoso, guid: tenantA}},
		{name: "tenant_id names state's GUID: same, as configured", tenant: &fakeResolver{name: tenantA, err: refused},
			q:    existing(tenantQuery{configured: strings.ToUpper(tenantA), prior: contoso, priorGUID: tenantA}),
			want: tenantPlan{value: strings.ToUpper(tenantA), guid: tenantA}},
		{name: "names differ, GUIDs equal: same, state's spelling", tenant: &fakeResolver{name: contoso, id: tenantA},
			q: existing(tenantQuery{prior: strings.ToUpper(tenantA)}), want: tenantPlan{value: strings.ToUpper(tenantA), guid: strings.ToUpper(tenantA)},
			signIns: 1},
		{name: "same name, state holds no GUID: the resolved one", tenant: &fakeResolver{name: contoso, id: tenantA},
			q: existing(tenantQuery{prior: contoso}), want: tenantPlan{value: contoso, guid: tenantA}, signIns: 1},
		{name: "state's domain resolved by the caller: same", tenant: &fakeResolver{name: tenantA, id: tenantA},
			q:    existing(tenantQuery{prior: contoso, priorGUIDOf: func(context.Context) (string, error) { return tenantA, nil }}),
			want: tenantPlan{value: contoso, guid: tenantA}, signIns: 1},

		// 4. Another tenant.
		{name: "the provider moved to another tenant: replaced, naming both", tenant: &fakeResolver{name: fabrikam, id: tenantB},
			q: existing(tenantQuery{prior: contoso, priorGUID: tenantA}), want: tenantPlan{value: tenantB, guid: tenantB, replace: true},
			wantWarning: []string{"Widget moves to another tenant", `Widget "w" records tenant "` + contoso + `" (GUID ` + tenantA + `)`,
				`its tenant is now "` + fabrikam + `" (GUID ` + tenantB + `)`, "Destroy leaves the widget of state's tenant alone.",
				`back at tenant "` + contoso + `"`},
			signIns: 1},
		{name: "tenant_id names another tenant: replaced, as configured", tenant: &fakeResolver{name: fabrikam, id: tenantB},
			q:    existing(tenantQuery{configured: fabrikam, prior: tenantA}),
			want: tenantPlan{value: fabrikam, guid: tenantB, replace: true},
			wantWarning: []string{"Widget moves to another tenant", `records tenant "` + tenantA + `"`,
				`now "` + fabrikam + `" (GUID ` + tenantB + `)`}, signIns: 1},
		{name: "state's domain resolved by the caller to another tenant: replaced", tenant: &fakeResolver{name: tenantB, id: tenantB},
			q:    existing(tenantQuery{prior: contoso, priorGUIDOf: func(context.Context) (string, error) { return tenantA, nil }}),
			want: tenantPlan{value: tenantB, guid: tenantB, replace: true}, wantWarning: []string{`records tenant "` + contoso + `" (GUID ` + tenantA + `)`},
			signIns: 1},

		// 5. Cannot tell: an error, never a keep nor a replacement.
		{name: "names differ, the sign-in fails: an error wrapping it", tenant: &fakeResolver{name: fabrikam, err: refused},
			q:       existing(tenantQuery{prior: contoso, priorGUID: tenantA}),
			wantErr: []string{`Widget "w" records tenant "` + contoso + `" (GUID ` + tenantA + `)`, `tenant "` + fabrikam + `" is that tenant could not be checked`, "consent withdrawn"},
			signIns: 1},
		{name: "the identity's own tenant whose sign-in fails", tenant: &fakeResolver{err: errors.New("AADSTS7000215: invalid client secret")},
			q:       existing(tenantQuery{prior: tenantA}),
			wantErr: []string{"the signed-in identity's own tenant is that tenant could not be checked", "AADSTS7000215"}, signIns: 1},
		{name: "state holds no GUID for its domain", tenant: &fakeResolver{name: tenantB, id: tenantB},
			q:       existing(tenantQuery{prior: contoso}),
			wantErr: []string{`records tenant "` + contoso + `"`, `state does not hold the GUID of tenant "` + contoso + `"`}, signIns: 1},
		{name: "state's domain cannot be resolved by the caller", tenant: &fakeResolver{name: tenantB, id: tenantB},
			q:       existing(tenantQuery{prior: contoso, priorGUIDOf: func(context.Context) (string, error) { return "", refused }}),
			wantErr: []string{`finding the GUID of tenant "` + contoso + `"`, "consent withdrawn"}, signIns: 1},

		// 6. The provider is not configured yet.
		{name: "provider not configured, create", q: tenantQuery{configured: contoso}, want: tenantPlan{value: contoso}},
		{name: "provider not configured, create without tenant_id: unknown", want: tenantPlan{}},
		{name: "provider not configured, tenant_id left out: state's kept",
			q: existing(tenantQuery{prior: contoso, priorGUID: tenantA}), want: tenantPlan{value: contoso, guid: tenantA}},
		{name: "provider not configured, tenant_id names state's GUID: kept",
			q: existing(tenantQuery{configured: tenantA, prior: contoso, priorGUID: tenantA}), want: tenantPlan{value: tenantA, guid: tenantA}},
		{name: "provider not configured, another tenant_id: replaced, with a warning",
			q:    existing(tenantQuery{configured: fabrikam, prior: contoso, priorGUID: tenantA}),
			want: tenantPlan{value: fabrikam, replace: true},
			wantWarning: []string{"Widget replaced: its tenant cannot be checked yet", `Widget "w" records tenant "` + contoso + `"`,
				`tenant_id "` + fabrikam + `" cannot be checked against it until the provider is configured`}},
		{name: "provider not configured, tenant_id known only after apply: replaced, with a warning",
			q: existing(tenantQuery{configuredUnknown: true, prior: contoso}), want: tenantPlan{replace: true},
			wantWarning: []string{"known only after apply"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var resolver tenantResolver
			if tc.tenant != nil {
				resolver = tc.tenant
			}
			got, err := planTenant(context.Background(), resolver, tc.q)
			if err != nil || tc.wantErr != nil {
				if err == nil || got != (tenantPlan{}) {
					t.Fatalf("error %v, plan %+v; want an error, no plan", err, got)
				}
				for _, s := range tc.wantErr {
					if !strings.Contains(err.Error(), s) {
						t.Errorf("error %q lacks %q", err, s)
					}
				}
				if errors.Is(tc.tenant.err, refused) || tc.q.priorGUIDOf != nil {
					if _, ok := tenantUnavailable(err); !ok {
						t.Errorf("tenantUnavailable does not classify %q", err)
					}
				}
			}
			warning := got.summary + ": " + got.warning
			if (got.warning != "") != (tc.wantWarning != nil) || (got.summary == "") != (got.warning == "") {
				t.Errorf("summary %q, warning %q; want warning %v", got.summary, got.warning, tc.wantWarning)
			}
			for _, s := range tc.wantWarning {
				if !strings.Contains(warning, s) {
					t.Errorf("warning %q lacks %q", warning, s)
				}
			}
			got.summary, got.warning = "", ""
			if got != tc.want {
				t.Errorf("plan %+v, want %+v", got, tc.want)
			}
			if tc.tenant != nil && tc.tenant.signIns != tc.signIns {
				t.Errorf("%d sign-ins, want %d", tc.tenant.signIns, tc.signIns)
			}
		})
	}
}
