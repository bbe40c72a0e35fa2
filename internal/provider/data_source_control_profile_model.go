package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/attr"
	dsschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/securescore/terraform-provider-securescore/internal/graph"
)

// controlProfileFacts are the catalog facts of a control: what helps a person decide about it. Only the data
// sources expose them; the resource keeps what it manages (see controlProfileResourceAttributes).
type controlProfileFacts struct {
	Title                types.String   `tfsdk:"title"`
	MaxScore             types.Float64  `tfsdk:"max_score"`
	Rank                 types.Int32    `tfsdk:"rank"`
	Tier                 types.String   `tfsdk:"tier"`
	Service              types.String   `tfsdk:"service"`
	ControlCategory      types.String   `tfsdk:"control_category"`
	UserImpact           types.String   `tfsdk:"user_impact"`
	ImplementationCost   types.String   `tfsdk:"implementation_cost"`
	Threats              types.List     `tfsdk:"threats"`
	Remediation          types.String   `tfsdk:"remediation"`
	RemediationImpact    types.String   `tfsdk:"remediation_impact"`
	ActionURL            types.String   `tfsdk:"action_url"`
	ActionType           types.String   `tfsdk:"action_type"`
	Deprecated           types.Bool     `tfsdk:"deprecated"`
	LastModifiedDateTime dateTimeOffset `tfsdk:"last_modified_date_time"`
}

// controlProfileModelV0 is a secureScoreControlProfile as the data sources expose it: everything the service
// returns.
type controlProfileModelV0 struct {
	ID                types.String `tfsdk:"id"`
	State             types.String `tfsdk:"state"`
	AssignedTo        types.String `tfsdk:"assigned_to"`
	Comment           types.String `tfsdk:"comment"`
	VendorInformation types.Object `tfsdk:"vendor_information"`
	AzureTenantID     types.String `tfsdk:"azure_tenant_id"`
	controlProfileFacts
	ControlStateUpdates   types.List `tfsdk:"control_state_updates"`
	ComplianceInformation types.List `tfsdk:"compliance_information"`
}

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
	// controlProfileType is a profile as the data sources expose it, derived from their schema.
	controlProfileType = types.ObjectType{AttrTypes: attributeTypes(controlProfileDataSourceAttributes())}
)

// attributeTypes are the value types of a data source's attributes.
func attributeTypes(attrs map[string]dsschema.Attribute) map[string]attr.Type {
	out := make(map[string]attr.Type, len(attrs))
	for name, a := range attrs {
		out[name] = a.GetType()
	}
	return out
}

// newestStateUpdate is the control's current state: the controlStateUpdates entry with the latest
// updatedDateTime (an entry without one counts as oldest; ties go to the later position, which is
// how the service appends). nil when there is none.
func newestStateUpdate(ups []graph.SecureScoreControlStateUpdate) *graph.SecureScoreControlStateUpdate {
	return graph.NewestStateUpdate(ups)
}

// optionalText maps the service's "" and null to null: the PATCH body always carries assignedTo and comment,
// so a value the configuration leaves out is sent as "" and must read back as null to plan no change.
func optionalText(s *string) types.String {
	if s == nil || *s == "" {
		return types.StringNull()
	}
	return types.StringValue(*s)
}

// currentState is the control's state, assignee and comment from its newest controlStateUpdates entry;
// Default, null and null when there is none.
func currentState(p *graph.SecureScoreControlProfile) (state, assignedTo, comment types.String) {
	state, assignedTo, comment = types.StringValue(controlStateDefault), types.StringNull(), types.StringNull()
	if u := newestStateUpdate(p.ControlStateUpdates); u != nil {
		if u.State != nil && *u.State != "" {
			state = types.StringValue(*u.State)
		}
		assignedTo, comment = optionalText(u.AssignedTo), optionalText(u.Comment)
	}
	return state, assignedTo, comment
}

// setFromGraph writes everything the service returned into the model.
func (m *controlProfileModelV0) setFromGraph(p *graph.SecureScoreControlProfile) diag.Diagnostics {
	var diags diag.Diagnostics
	m.ID = types.StringValue(p.ID)
	m.State, m.AssignedTo, m.Comment = currentState(p)
	m.VendorInformation = vendorInformationValue(p.VendorInformation)
	m.AzureTenantID = types.StringValue(p.AzureTenantID)
	m.controlProfileFacts.setFromGraph(p, &diags)
	m.ControlStateUpdates = stateUpdatesValue(p.ControlStateUpdates)
	m.ComplianceInformation = complianceValue(p.ComplianceInformation)
	return diags
}

// setFromGraph writes the catalog facts. Values are built directly rather than through reflection
// (ListValueFrom): a data source does this for every control of the tenant.
func (f *controlProfileFacts) setFromGraph(p *graph.SecureScoreControlProfile, diags *diag.Diagnostics) {
	f.Title = types.StringPointerValue(p.Title)
	f.MaxScore = doubleValue(p.MaxScore, path.Root("max_score"), diags)
	f.Rank = types.Int32PointerValue(p.Rank)
	f.Tier = types.StringPointerValue(p.Tier)
	f.Service = types.StringPointerValue(p.Service)
	f.ControlCategory = types.StringPointerValue(p.ControlCategory)
	f.UserImpact = types.StringPointerValue(p.UserImpact)
	f.ImplementationCost = types.StringPointerValue(p.ImplementationCost)
	f.Remediation = types.StringPointerValue(p.Remediation)
	f.RemediationImpact = types.StringPointerValue(p.RemediationImpact)
	f.ActionURL = types.StringPointerValue(p.ActionURL)
	f.ActionType = types.StringPointerValue(p.ActionType)
	f.Deprecated = types.BoolPointerValue(p.Deprecated)
	f.LastModifiedDateTime = dateTimeValue(p.LastModifiedDateTime)
	threats := make([]attr.Value, len(p.Threats))
	for i, t := range p.Threats {
		threats[i] = types.StringValue(t)
	}
	f.Threats = types.ListValueMust(types.StringType, threats)
}

// stateUpdatesValue is control_state_updates: the history, in Graph's order.
func stateUpdatesValue(ups []graph.SecureScoreControlStateUpdate) types.List {
	elems := make([]attr.Value, len(ups))
	for i, u := range ups {
		elems[i] = types.ObjectValueMust(controlStateUpdateType.AttrTypes, map[string]attr.Value{
			"assigned_to":       types.StringPointerValue(u.AssignedTo),
			"comment":           types.StringPointerValue(u.Comment),
			"state":             types.StringPointerValue(u.State),
			"updated_by":        types.StringPointerValue(u.UpdatedBy),
			"updated_date_time": dateTimeValue(u.UpdatedDateTime).StringValue,
		})
	}
	return types.ListValueMust(controlStateUpdateType, elems)
}

// complianceValue is compliance_information (data sources only).
func complianceValue(ci []graph.ComplianceInformation) types.List {
	elems := make([]attr.Value, len(ci))
	for i, c := range ci {
		controls := make([]attr.Value, len(c.CertificationControls))
		for j, cc := range c.CertificationControls {
			controls[j] = types.ObjectValueMust(certificationControlType.AttrTypes, map[string]attr.Value{
				"name": types.StringPointerValue(cc.Name),
				"url":  types.StringPointerValue(cc.URL),
			})
		}
		elems[i] = types.ObjectValueMust(complianceInformationType.AttrTypes, map[string]attr.Value{
			"certification_name":     types.StringPointerValue(c.CertificationName),
			"certification_controls": types.ListValueMust(certificationControlType, controls),
		})
	}
	return types.ListValueMust(complianceInformationType, elems)
}
