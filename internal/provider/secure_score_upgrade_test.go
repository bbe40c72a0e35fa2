package provider

import (
	"context"
	"math/big"
	"os"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// State written by the build before schema version 1 (testdata/README.md) upgrades: id becomes the tenant, the
// old snapshot id moves to snapshot_id, tenant_id records the tenant, and every other value is kept.
func TestSecureScoreUpgradeStateFromV0(t *testing.T) {
	raw, err := os.ReadFile("testdata/secure_score_state_v0.json")
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	srv := NewProtocol6Server("test")()
	resp, err := srv.UpgradeResourceState(ctx, &tfprotov6.UpgradeResourceStateRequest{
		TypeName: "securescore_secure_score", Version: 0, RawState: &tfprotov6.RawState{JSON: raw}})
	if err != nil || len(resp.Diagnostics) > 0 {
		t.Fatalf("err %v, diagnostics %v", err, resp.Diagnostics)
	}
	schemas, err := srv.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	sch := schemas.ResourceSchemas["securescore_secure_score"]
	if sch.Version != 2 {
		t.Fatalf("schema version %d, want 2", sch.Version)
	}
	v, err := resp.UpgradedState.Unmarshal(sch.ValueType())
	if err != nil {
		t.Fatal(err)
	}
	var attrs map[string]tftypes.Value
	if err := v.As(&attrs); err != nil {
		t.Fatal(err)
	}
	str := func(name string) string {
		var s string
		_ = attrs[name].As(&s)
		return s
	}
	if str("id") != "00000000-0000-4000-8000-000000000001" || str("tenant_id") != str("id") || str("snapshot_id") != "00000000-0000-4000-8000-000000000001_2026-12-02" ||
		str("created_date_time") != "2026-12-02T00:00:00Z" {
		t.Fatalf("upgraded id %q, snapshot_id %q, created_date_time %q", str("id"), str("snapshot_id"), str("created_date_time"))
	}
	n, users := new(big.Float), new(big.Float)
	var to map[string]tftypes.Value
	_ = attrs["active_user_count"].As(&n)
	_ = attrs["licensed_user_count"].As(&users)
	_ = attrs["timeouts"].As(&to)
	var read string
	_ = to["read"].As(&read)
	if n.String() != "15" || users.String() != "20" || read != "5m" || attrs["control_scores"].IsNull() || attrs["enabled_services"].IsNull() {
		t.Fatalf("upgraded state lost a value: users %s/%s, read %q", n, users, read)
	}
}

func TestTenantOfSecureScoreID(t *testing.T) {
	const tenant = "00000000-0000-4000-8000-000000000001"
	for in, want := range map[string]string{tenant: tenant, tenant + "_2026-12-02": tenant, " " + tenant + " ": tenant,
		"contoso.onmicrosoft.com": "contoso.onmicrosoft.com"} {
		if got, err := tenantOfSecureScoreID(in); err != nil || got != want {
			t.Errorf("%q: %q, %v", in, got, err)
		}
	}
	for _, bad := range []string{"", "NA", tenant + "_yesterday", "contoso.onmicrosoft.com_2026-12-02", tenant + "_2026-13-01"} {
		if _, err := tenantOfSecureScoreID(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
