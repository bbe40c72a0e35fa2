package provider

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/securescore/terraform-provider-securescore/internal/graph"
)

// controlProfileModelV0 is a secureScoreControlProfile as the data sources expose it, and the part of the
// resource's state that comes from the service. The resource embeds it.
type controlProfileModelV0 struct {
	ID                    types.String   `tfsdk:"id"`
	State                 types.String   `tfsdk:"state"`
	AssignedTo            types.String   `tfsdk:"assigned_to"`
	Comment               types.String   `tfsdk:"comment"`
	VendorInformation     types.Object   `tfsdk:"vendor_information"`
	AzureTenantID         types.String   `tfsdk:"azure_tenant_id"`
	Title                 types.String   `tfsdk:"title"`
	MaxScore              types.Float64  `tfsdk:"max_score"`
	Rank                  types.Int32    `tfsdk:"rank"`
	Tier                  types.String   `tfsdk:"tier"`
	Service               types.String   `tfsdk:"service"`
	ControlCategory       types.String   `tfsdk:"control_category"`
	UserImpact            types.String   `tfsdk:"user_impact"`
	ImplementationCost    types.String   `tfsdk:"implementation_cost"`
	Threats               types.List     `tfsdk:"threats"`
	Remediation           types.String   `tfsdk:"remediation"`
	RemediationImpact     types.String   `tfsdk:"remediation_impact"`
	ActionURL             types.String   `tfsdk:"action_url"`
	ActionType            types.String   `tfsdk:"action_type"`
	Deprecated            types.Bool     `tfsdk:"deprecated"`
	LastModifiedDateTime  dateTimeOffset `tfsdk:"last_modified_date_time"`
	ControlStateUpdates   types.List     `tfsdk:"control_state_updates"`
	ComplianceInformation types.List     `tfsdk:"compliance_information"`
}

type controlStateUpdateModelV0 struct {
	AssignedTo      types.String `tfsdk:"assigned_to"`
	Comment         types.String `tfsdk:"comment"`
	State           types.String `tfsdk:"state"`
	UpdatedBy       types.String `tfsdk:"updated_by"`
	UpdatedDateTime types.String `tfsdk:"updated_date_time"`
}

type complianceInformationModelV0 struct {
	CertificationName     types.String `tfsdk:"certification_name"`
	CertificationControls types.List   `tfsdk:"certification_controls"`
}

type certificationControlModelV0 struct {
	Name types.String `tfsdk:"name"`
	URL  types.String `tfsdk:"url"`
}

// Control states the service accepts; Default is the state of an untouched control.
const controlStateDefault = "Default"

var controlStates = []string{controlStateDefault, "Ignored", "ThirdParty", "Reviewed"}

var (
	controlStateUpdateType = types.ObjectType{AttrTypes: map[string]attr.Type{
		"assigned_to":       types.StringType,
		"comment":           types.StringType,
		"state":             types.StringType,
		"updated_by":        types.StringType,
		"updated_date_time": types.StringType,
	}}
	certificationControlType = types.ObjectType{AttrTypes: map[string]attr.Type{
		"name": types.StringType,
		"url":  types.StringType,
	}}
	complianceInformationType = types.ObjectType{AttrTypes: map[string]attr.Type{
		"certification_name":     types.StringType,
		"certification_controls": types.ListType{ElemType: certificationControlType},
	}}
	controlProfileType = types.ObjectType{AttrTypes: map[string]attr.Type{
		"id":                      types.StringType,
		"state":                   types.StringType,
		"assigned_to":             types.StringType,
		"comment":                 types.StringType,
		"vendor_information":      vendorInformationType,
		"azure_tenant_id":         types.StringType,
		"title":                   types.StringType,
		"max_score":               types.Float64Type,
		"rank":                    types.Int32Type,
		"tier":                    types.StringType,
		"service":                 types.StringType,
		"control_category":        types.StringType,
		"user_impact":             types.StringType,
		"implementation_cost":     types.StringType,
		"threats":                 types.ListType{ElemType: types.StringType},
		"remediation":             types.StringType,
		"remediation_impact":      types.StringType,
		"action_url":              types.StringType,
		"action_type":             types.StringType,
		"deprecated":              types.BoolType,
		"last_modified_date_time": dateTimeOffsetType{},
		"control_state_updates":   types.ListType{ElemType: controlStateUpdateType},
		"compliance_information":  types.ListType{ElemType: complianceInformationType},
	}}
)

// newestStateUpdate is the control's current state: the controlStateUpdates entry with the latest
// updatedDateTime (an entry without one counts as oldest; ties go to the later position, which is
// how the service appends). nil when there is none.
func newestStateUpdate(ups []graph.SecureScoreControlStateUpdate) *graph.SecureScoreControlStateUpdate {
	var best *graph.SecureScoreControlStateUpdate
	var bestTime time.Time
	for i := range ups {
		u := &ups[i]
		var t time.Time
		if u.UpdatedDateTime != nil {
			t = u.UpdatedDateTime.Time
		}
		if best == nil || !t.Before(bestTime) {
			best, bestTime = u, t
		}
	}
	return best
}

// optionalText maps the service's "" and null to null: the PATCH body always carries assignedTo and comment,
// so a value the configuration leaves out is sent as "" and must read back as null to plan no change.
func optionalText(s *string) types.String {
	if s == nil || *s == "" {
		return types.StringNull()
	}
	return types.StringValue(*s)
}

// setFromGraph writes everything the service returned into the model.
func (m *controlProfileModelV0) setFromGraph(ctx context.Context, p *graph.SecureScoreControlProfile) diag.Diagnostics {
	var diags, d diag.Diagnostics
	m.ID = types.StringValue(p.ID)
	m.State = types.StringValue(controlStateDefault)
	m.AssignedTo, m.Comment = types.StringNull(), types.StringNull()
	if u := newestStateUpdate(p.ControlStateUpdates); u != nil {
		if u.State != nil && *u.State != "" {
			m.State = types.StringValue(*u.State)
		}
		m.AssignedTo, m.Comment = optionalText(u.AssignedTo), optionalText(u.Comment)
	}
	m.VendorInformation = vendorInformationValue(ctx, p.VendorInformation, &diags)
	m.AzureTenantID = types.StringValue(p.AzureTenantID)
	m.Title = types.StringPointerValue(p.Title)
	m.MaxScore = doubleValue(p.MaxScore, path.Root("max_score"), &diags)
	m.Rank = types.Int32PointerValue(p.Rank)
	m.Tier = types.StringPointerValue(p.Tier)
	m.Service = types.StringPointerValue(p.Service)
	m.ControlCategory = types.StringPointerValue(p.ControlCategory)
	m.UserImpact = types.StringPointerValue(p.UserImpact)
	m.ImplementationCost = types.StringPointerValue(p.ImplementationCost)
	m.Remediation = types.StringPointerValue(p.Remediation)
	m.RemediationImpact = types.StringPointerValue(p.RemediationImpact)
	m.ActionURL = types.StringPointerValue(p.ActionURL)
	m.ActionType = types.StringPointerValue(p.ActionType)
	m.Deprecated = types.BoolPointerValue(p.Deprecated)
	m.LastModifiedDateTime = dateTimeValue(p.LastModifiedDateTime)

	threats := p.Threats
	if threats == nil {
		threats = []string{}
	}
	m.Threats, d = types.ListValueFrom(ctx, types.StringType, threats)
	diags.Append(d...)

	ups := make([]controlStateUpdateModelV0, 0, len(p.ControlStateUpdates))
	for _, u := range p.ControlStateUpdates {
		ups = append(ups, controlStateUpdateModelV0{
			AssignedTo:      types.StringPointerValue(u.AssignedTo),
			Comment:         types.StringPointerValue(u.Comment),
			State:           types.StringPointerValue(u.State),
			UpdatedBy:       types.StringPointerValue(u.UpdatedBy),
			UpdatedDateTime: dateTimeValue(u.UpdatedDateTime).StringValue,
		})
	}
	m.ControlStateUpdates, d = types.ListValueFrom(ctx, controlStateUpdateType, ups)
	diags.Append(d...)

	ci := make([]complianceInformationModelV0, 0, len(p.ComplianceInformation))
	for _, c := range p.ComplianceInformation {
		controls := make([]certificationControlModelV0, 0, len(c.CertificationControls))
		for _, cc := range c.CertificationControls {
			controls = append(controls, certificationControlModelV0{Name: types.StringPointerValue(cc.Name), URL: types.StringPointerValue(cc.URL)})
		}
		list, d := types.ListValueFrom(ctx, certificationControlType, controls)
		diags.Append(d...)
		ci = append(ci, complianceInformationModelV0{CertificationName: types.StringPointerValue(c.CertificationName), CertificationControls: list})
	}
	m.ComplianceInformation, d = types.ListValueFrom(ctx, complianceInformationType, ci)
	diags.Append(d...)
	return diags
}

// clearReadOnly nulls every attribute only the service sets (used when a write succeeded but the object could
// not be read back: state then holds what was sent, and the next refresh fills the rest).
func (m *controlProfileModelV0) clearReadOnly() {
	m.AzureTenantID, m.Title, m.Tier, m.Service = types.StringNull(), types.StringNull(), types.StringNull(), types.StringNull()
	m.ControlCategory, m.UserImpact, m.ImplementationCost = types.StringNull(), types.StringNull(), types.StringNull()
	m.Remediation, m.RemediationImpact, m.ActionURL, m.ActionType = types.StringNull(), types.StringNull(), types.StringNull(), types.StringNull()
	m.MaxScore, m.Rank, m.Deprecated = types.Float64Null(), types.Int32Null(), types.BoolNull()
	m.LastModifiedDateTime = newDateTimeOffsetNull()
	m.Threats = types.ListNull(types.StringType)
	m.ControlStateUpdates = types.ListNull(controlStateUpdateType)
	m.ComplianceInformation = types.ListNull(complianceInformationType)
}

func vendorInformationValue(ctx context.Context, v *graph.SecurityVendorInformation, diags *diag.Diagnostics) types.Object {
	if v == nil {
		return types.ObjectNull(vendorInformationType.AttrTypes)
	}
	obj, d := types.ObjectValueFrom(ctx, vendorInformationType.AttrTypes, vendorInformationModelV0{
		Provider:        types.StringPointerValue(v.Provider),
		ProviderVersion: types.StringPointerValue(v.ProviderVersion),
		SubProvider:     types.StringPointerValue(v.SubProvider),
		Vendor:          types.StringPointerValue(v.Vendor),
	})
	diags.Append(d...)
	return obj
}
