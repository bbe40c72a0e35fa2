package provider

import (
	dsschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// The read-only attributes of a control profile as the data sources expose them (the resource keeps only
// updated_by and updated_date_time, see controlProfileResourceAttributes).
type profileAttrKind int

const (
	profileString profileAttrKind = iota
	profileFloat
	profileInt
	profileBool
	profileDateTime
	profileStrings
	profileStateUpdates
	profileCompliance
)

type profileAttr struct {
	name, description string
	kind              profileAttrKind
}

var profileReadOnlyAttrs = []profileAttr{
	{"azure_tenant_id", "`azureTenantId`: the tenant the profile belongs to.", profileString},
	{"title", "`title`: the control's title.", profileString},
	{"max_score", "`maxScore`: the most points the control can add to the secure score. Null when Graph returns `NaN` or an infinity.", profileFloat},
	{"rank", "`rank`: Microsoft's rank of the control (1 is the most impactful).", profileInt},
	{"tier", "`tier`: for example `Core`, `Defense in Depth` or `Advanced`; the service may add values.", profileString},
	{"service", "`service`: the service that owns the control, e.g. `AzureAD`, `EXO`, `MDATP`.", profileString},
	{"control_category", "`controlCategory`: for example `Identity`, `Data`, `Device`, `Apps` or `Infrastructure`; the service may add values.", profileString},
	{"user_impact", "`userImpact`: how much users notice the change, for example `Low`, `Moderate` or `High`.", profileString},
	{"implementation_cost", "`implementationCost`: the effort to implement the control, for example `Low`, `Moderate` or `High`.", profileString},
	{"threats", "`threats`: the threats the control mitigates, e.g. `Account Breach`.", profileStrings},
	{"remediation", "`remediation`: what to do to implement the control.", profileString},
	{"remediation_impact", "`remediationImpact`: what implementing the control changes for users.", profileString},
	{"action_url", "`actionUrl`: where to implement the control.", profileString},
	{"action_type", "`actionType`: the kind of action the control asks for, for example `Config`, `Review`, `Behavior` or `Provider`; the service may add values.", profileString},
	{"deprecated", "`deprecated`: whether the control is deprecated (no longer counted in the score).", profileBool},
	{"last_modified_date_time", "`lastModifiedDateTime`: when the profile last changed, in RFC 3339.", profileDateTime},
	{"control_state_updates", "`controlStateUpdates`: the history of state changes, oldest first as Graph returns it. " +
		"The newest entry (by `updated_date_time`) is the control's current state.", profileStateUpdates},
	{"compliance_information", "`complianceInformation`: the certifications and controls this control maps to. Microsoft Graph v1.0 documents it as currently returning null, so expect an empty list.", profileCompliance},
}

var stateUpdateDescriptions = map[string]string{
	"assigned_to":       "`assignedTo`: who the control was assigned to.",
	"comment":           "`comment`: the comment given with the change.",
	"state":             "`state`: `Default`, `Ignored`, `ThirdParty` or `Reviewed`.",
	"updated_by":        "`updatedBy`: who made the change.",
	"updated_date_time": "`updatedDateTime`: when the change was made, as Graph wrote it.",
}

const (
	certificationNameDescription     = "`certificationName`: the certification, e.g. `ISO 27001:2013`."
	certificationControlsDescription = "`certificationControls`: the certification's controls."
	certificationControlNameDesc     = "`name`: the certification control's name."
	certificationControlURLDesc      = "`url`: a link to the certification control."
)

// controlProfileDataSourceAttributes are every attribute of a control profile as the data sources expose it.
func controlProfileDataSourceAttributes() map[string]dsschema.Attribute {
	out := map[string]dsschema.Attribute{
		"id": dsschema.StringAttribute{MarkdownDescription: "The control profile's id: the control's name, e.g. `AdminMFAV2` " +
			"(some hold dots, e.g. `11770.MDA_Google_EnableTwoFactorAuth`).", Computed: true},
		"state": dsschema.StringAttribute{MarkdownDescription: "The control's current state, from the newest `control_state_updates` entry: " +
			"`Default`, `Ignored`, `ThirdParty` or `Reviewed`.", Computed: true},
		"assigned_to": dsschema.StringAttribute{MarkdownDescription: "Who the control is assigned to, from the newest `control_state_updates` entry. " +
			"Null when unassigned (Graph's empty string included).", Computed: true},
		"comment": dsschema.StringAttribute{MarkdownDescription: "The comment of the newest `control_state_updates` entry. " +
			"Null when there is none (Graph's empty string included).", Computed: true},
		"vendor_information": dsschema.SingleNestedAttribute{MarkdownDescription: "`vendorInformation`: who provides the control, " +
			"normally provider `SecureScore`, vendor `Microsoft`.", Computed: true,
			Attributes: map[string]dsschema.Attribute{
				"provider":         dsschema.StringAttribute{MarkdownDescription: "`provider`: the product or service, e.g. `SecureScore`.", Computed: true},
				"provider_version": dsschema.StringAttribute{MarkdownDescription: "`providerVersion`: the version of the provider.", Computed: true},
				"sub_provider":     dsschema.StringAttribute{MarkdownDescription: "`subProvider`: the sub-component of the provider.", Computed: true},
				"vendor":           dsschema.StringAttribute{MarkdownDescription: "`vendor`: the vendor, e.g. `Microsoft`.", Computed: true},
			}},
	}
	for _, a := range profileReadOnlyAttrs {
		switch a.kind {
		case profileString:
			out[a.name] = dsschema.StringAttribute{MarkdownDescription: a.description, Computed: true}
		case profileDateTime:
			out[a.name] = dsschema.StringAttribute{MarkdownDescription: a.description, Computed: true, CustomType: dateTimeOffsetType{}}
		case profileFloat:
			out[a.name] = dsschema.Float64Attribute{MarkdownDescription: a.description, Computed: true}
		case profileInt:
			out[a.name] = dsschema.Int32Attribute{MarkdownDescription: a.description, Computed: true}
		case profileBool:
			out[a.name] = dsschema.BoolAttribute{MarkdownDescription: a.description, Computed: true}
		case profileStrings:
			out[a.name] = dsschema.ListAttribute{MarkdownDescription: a.description, Computed: true, ElementType: types.StringType}
		case profileStateUpdates:
			nested := map[string]dsschema.Attribute{}
			for name, d := range stateUpdateDescriptions {
				nested[name] = dsschema.StringAttribute{MarkdownDescription: d, Computed: true}
			}
			out[a.name] = dsschema.ListNestedAttribute{MarkdownDescription: a.description, Computed: true,
				NestedObject: dsschema.NestedAttributeObject{Attributes: nested}}
		case profileCompliance:
			out[a.name] = dsschema.ListNestedAttribute{MarkdownDescription: a.description, Computed: true,
				NestedObject: dsschema.NestedAttributeObject{Attributes: map[string]dsschema.Attribute{
					"certification_name": dsschema.StringAttribute{MarkdownDescription: certificationNameDescription, Computed: true},
					"certification_controls": dsschema.ListNestedAttribute{MarkdownDescription: certificationControlsDescription, Computed: true,
						NestedObject: dsschema.NestedAttributeObject{Attributes: map[string]dsschema.Attribute{
							"name": dsschema.StringAttribute{MarkdownDescription: certificationControlNameDesc, Computed: true},
							"url":  dsschema.StringAttribute{MarkdownDescription: certificationControlURLDesc, Computed: true},
						}},
					},
				}}}
		}
	}
	return out
}
