package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/securescore/terraform-provider-securescore/internal/graph"
)

// vendorInformationType is Graph's securityVendorInformation as the framework resources and data sources hold it
// (securescore_secure_score, the control-profile data sources).
var vendorInformationType = types.ObjectType{AttrTypes: map[string]attr.Type{
	"provider":         types.StringType,
	"provider_version": types.StringType,
	"sub_provider":     types.StringType,
	"vendor":           types.StringType,
}}

type vendorInformationModelV0 struct {
	Provider        types.String `tfsdk:"provider"`
	ProviderVersion types.String `tfsdk:"provider_version"`
	SubProvider     types.String `tfsdk:"sub_provider"`
	Vendor          types.String `tfsdk:"vendor"`
}

// vendorInformationValue is built directly rather than by reflection (ObjectValueFrom): the resource does this
// for every instance on every refresh.
func vendorInformationValue(v *graph.SecurityVendorInformation) types.Object {
	if v == nil {
		return types.ObjectNull(vendorInformationType.AttrTypes)
	}
	return types.ObjectValueMust(vendorInformationType.AttrTypes, map[string]attr.Value{
		"provider":         types.StringPointerValue(v.Provider),
		"provider_version": types.StringPointerValue(v.ProviderVersion),
		"sub_provider":     types.StringPointerValue(v.SubProvider),
		"vendor":           types.StringPointerValue(v.Vendor),
	})
}
