package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/securescore/terraform-provider-securescore/internal/graph"
)

// profileTenant is what the control profile's core needs of the tenant a control lives in: reads through the
// tenant's shared listing, the PATCH, and contexts that mask the provider's secrets in logs. liveTenant serves it
// from the provider's tenantData; the core's tests serve it from a map.
type profileTenant interface {
	// tenantResolver is the tenant's name, as the configuration (or the provider) names it, and its GUID (lower
	// case), what state records.
	tenantResolver
	// list is every control profile of the tenant, by id, from the shared listing. What it says of a control's
	// decision may predate this process's own writes; which controls exist, it says right.
	list(ctx context.Context) (map[string]*graph.SecureScoreControlProfile, error)
	// read is the profile from the tenant's listing, or a GET (see controlProfileSnapshot.read).
	read(ctx context.Context, id string) (*graph.SecureScoreControlProfile, error)
	// get is one GET, after a PATCH answered 204.
	get(ctx context.Context, id string) (*graph.SecureScoreControlProfile, error)
	// update sends one PATCH; whatever its outcome, the listing no longer speaks for id.
	update(ctx context.Context, id string, body graph.ControlProfileUpdate) (*graph.SecureScoreControlProfile, error)
	// deprecated is what the last read of id said of it, if any read did.
	deprecated(id string) (deprecated, known bool)
	// writeContext is the context of one write of control id (see startWrite): an error once Terraform asked the
	// provider to stop, and then nothing may be sent.
	writeContext(ctx context.Context, id string, timeout time.Duration) (context.Context, context.CancelFunc, error)
	readContext(ctx context.Context, timeout time.Duration) (context.Context, context.CancelFunc)
}

// profileTenants finds the tenant named ("" = the provider's); with nil the reason is in diags. A nil
// profileTenants means the provider is not configured with known values.
type profileTenants func(name string, diags *diagnostics) profileTenant

var _ profileTenant = liveTenant{}

// liveTenant is a tenant of the configured provider.
type liveTenant struct {
	data   *providerData
	tenant *tenantData
}

// liveTenants are the tenants of data; nil when the provider is not configured.
func liveTenants(data *providerData) profileTenants {
	if data == nil {
		return nil
	}
	return func(name string, diags *diagnostics) profileTenant {
		t := requireTenant(data, name, diags)
		if t == nil {
			return nil
		}
		return liveTenant{data: data, tenant: t}
	}
}

func (t liveTenant) tenantName() string { return t.tenant.name }

func (t liveTenant) guid(ctx context.Context) (string, error) { return t.tenant.guid(ctx) }

func (t liveTenant) list(ctx context.Context) (map[string]*graph.SecureScoreControlProfile, error) {
	l, err := t.tenant.profiles.list(ctx)
	if err != nil {
		return nil, err
	}
	return l.byID, nil
}

func (t liveTenant) read(ctx context.Context, id string) (*graph.SecureScoreControlProfile, error) {
	return t.tenant.profiles.read(ctx, id)
}

func (t liveTenant) get(ctx context.Context, id string) (*graph.SecureScoreControlProfile, error) {
	return t.tenant.client.GetControlProfile(ctx, id)
}

func (t liveTenant) update(ctx context.Context, id string, body graph.ControlProfileUpdate) (*graph.SecureScoreControlProfile, error) {
	p, err := t.tenant.client.UpdateControlProfile(ctx, id, body)
	t.tenant.profiles.invalidate(id)
	return p, err
}

func (t liveTenant) deprecated(id string) (deprecated, known bool) {
	return t.tenant.profiles.deprecated(id)
}

func (t liveTenant) writeContext(ctx context.Context, id string, timeout time.Duration) (context.Context, context.CancelFunc, error) {
	return startWrite(ctx, t.data, fmt.Sprintf("control profile %q in %s", id, t.tenant.label()), timeout)
}

func (t liveTenant) readContext(ctx context.Context, timeout time.Duration) (context.Context, context.CancelFunc) {
	return startRead(ctx, t.data, timeout)
}
