package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/securescore/terraform-provider-securescore/internal/graph"
)

// secureScoreAttrsV0 are the attributes of a secureScore that the resource and the securescore_secure_score data
// source share (the data source's collection elements carry more, see secure_score_data_model.go).
type secureScoreAttrsV0 struct {
	ID                       types.String   `tfsdk:"id"`
	ActiveUserCount          types.Int32    `tfsdk:"active_user_count"`
	AverageComparativeScores types.List     `tfsdk:"average_comparative_scores"`
	AzureTenantID            types.String   `tfsdk:"azure_tenant_id"`
	ControlScores            types.List     `tfsdk:"control_scores"`
	CreatedDateTime          dateTimeOffset `tfsdk:"created_date_time"`
	CurrentScore             types.Float64  `tfsdk:"current_score"`
	EnabledServices          types.Set      `tfsdk:"enabled_services"`
	LicensedUserCount        types.Int32    `tfsdk:"licensed_user_count"`
	MaxScore                 types.Float64  `tfsdk:"max_score"`
	VendorInformation        types.Object   `tfsdk:"vendor_information"`
}

// secureScoreResourceModelV0 is version 0's state, where id held the snapshot id `<tenant>_<date>`; version 1
// embeds it.
type secureScoreResourceModelV0 struct {
	secureScoreAttrsV0
	Timeouts timeouts.Value `tfsdk:"timeouts"`
}

// secureScoreResourceModelV1 is the securescore_secure_score resource's state (schema version 1): version 0's
// attributes, with id now the tenant, plus the snapshot read last.
type secureScoreResourceModelV1 struct {
	secureScoreResourceModelV0
	SnapshotID types.String `tfsdk:"snapshot_id"`
}

// secureScoreResourceModelV2 is the securescore_secure_score resource's state (schema version 2): version 1, and
// the tenant the score is of.
type secureScoreResourceModelV2 struct {
	secureScoreResourceModelV1
	TenantID types.String `tfsdk:"tenant_id"`
}

// tenant is the tenant state records: tenant_id (as configured, else the GUID), else id (the tenant's GUID since
// version 1); "" for a resource not created yet.
func (m *secureScoreResourceModelV2) tenant() string {
	if t := m.TenantID.ValueString(); t != "" {
		return t
	}
	return m.ID.ValueString()
}

// setFromGraph is version 1's for the score of tenant: id is the tenant's GUID (Graph's azureTenantId, which reads
// check is tenant's), and tenant_id keeps its known value (as configured or imported), else takes the GUID.
func (m *secureScoreResourceModelV2) setFromGraph(ctx context.Context, tenant *tenantData, s *graph.SecureScore) diag.Diagnostics {
	diags := m.secureScoreResourceModelV1.setFromGraph(ctx, s)
	if id, err := tenant.guid(ctx); err == nil {
		m.ID = types.StringValue(id)
	}
	if !known(m.TenantID) || m.TenantID.ValueString() == "" {
		m.TenantID = m.ID
	}
	return diags
}

type averageComparativeScoreModelV0 struct {
	AverageScore types.Float64 `tfsdk:"average_score"`
	Basis        types.String  `tfsdk:"basis"`
}

type controlScoreModelV0 struct {
	ControlCategory types.String  `tfsdk:"control_category"`
	ControlName     types.String  `tfsdk:"control_name"`
	Description     types.String  `tfsdk:"description"`
	Score           types.Float64 `tfsdk:"score"`
}

var (
	averageComparativeScoreType = types.ObjectType{AttrTypes: map[string]attr.Type{
		"average_score": types.Float64Type,
		"basis":         types.StringType,
	}}
	controlScoreType = types.ObjectType{AttrTypes: map[string]attr.Type{
		"control_category": types.StringType,
		"control_name":     types.StringType,
		"description":      types.StringType,
		"score":            types.Float64Type,
	}}
)

// setFromGraph writes everything the service returned into the model (all but timeouts). Collections the
// service leaves out become empty, so a configuration that leaves them out never differs from state.
func (m *secureScoreResourceModelV1) setFromGraph(ctx context.Context, s *graph.SecureScore) diag.Diagnostics {
	var diags diag.Diagnostics
	m.SnapshotID = types.StringValue(s.ID)
	m.ID = types.StringValue(s.AzureTenantID)
	if s.AzureTenantID == "" {
		if tenant, err := tenantOfSecureScoreID(s.ID); err == nil {
			m.ID = types.StringValue(tenant)
		}
	}
	m.AzureTenantID = types.StringValue(s.AzureTenantID)
	m.ActiveUserCount = types.Int32PointerValue(s.ActiveUserCount)
	m.LicensedUserCount = types.Int32PointerValue(s.LicensedUserCount)
	m.CreatedDateTime = dateTimeValue(s.CreatedDateTime)
	m.CurrentScore = doubleValue(s.CurrentScore, path.Root("current_score"), &diags)
	m.MaxScore = doubleValue(s.MaxScore, path.Root("max_score"), &diags)

	services := s.EnabledServices
	if services == nil {
		services = []string{}
	}
	var d diag.Diagnostics
	m.EnabledServices, d = types.SetValueFrom(ctx, types.StringType, services)
	diags.Append(d...)

	acs := make([]averageComparativeScoreModelV0, 0, len(s.AverageComparativeScores))
	for i, a := range s.AverageComparativeScores {
		acs = append(acs, averageComparativeScoreModelV0{
			AverageScore: doubleValue(a.AverageScore, path.Root("average_comparative_scores").AtListIndex(i).AtName("average_score"), &diags),
			Basis:        types.StringPointerValue(a.Basis),
		})
	}
	m.AverageComparativeScores, d = types.ListValueFrom(ctx, averageComparativeScoreType, acs)
	diags.Append(d...)

	cs := make([]controlScoreModelV0, 0, len(s.ControlScores))
	for i, c := range s.ControlScores {
		cs = append(cs, controlScoreModelV0{
			ControlCategory: types.StringPointerValue(c.ControlCategory),
			ControlName:     types.StringPointerValue(c.ControlName),
			Description:     types.StringPointerValue(c.Description),
			Score:           doubleValue(c.Score, path.Root("control_scores").AtListIndex(i).AtName("score"), &diags),
		})
	}
	m.ControlScores, d = types.ListValueFrom(ctx, controlScoreType, cs)
	diags.Append(d...)

	if v := s.VendorInformation; v != nil {
		m.VendorInformation, d = types.ObjectValueFrom(ctx, vendorInformationType.AttrTypes, vendorInformationModelV0{
			Provider:        types.StringPointerValue(v.Provider),
			ProviderVersion: types.StringPointerValue(v.ProviderVersion),
			SubProvider:     types.StringPointerValue(v.SubProvider),
			Vendor:          types.StringPointerValue(v.Vendor),
		})
		diags.Append(d...)
	} else {
		m.VendorInformation = types.ObjectNull(vendorInformationType.AttrTypes)
	}
	return diags
}
