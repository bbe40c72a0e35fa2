package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// controlProfileSchemaVersion is the resource's schema version. Version 0 (releases up to 0.1.0) also stored
// the control's catalog facts; version 1 keeps only what the resource manages.
const controlProfileSchemaVersion = 1

// controlProfileCatalogTypesV0 are the attributes version 0 stored and version 1 dropped, with their types.
var controlProfileCatalogTypesV0 = map[string]tftypes.Type{
	"title": tftypes.String, "max_score": tftypes.Number, "rank": tftypes.Number, "tier": tftypes.String,
	"service": tftypes.String, "control_category": tftypes.String, "user_impact": tftypes.String,
	"implementation_cost": tftypes.String, "threats": tftypes.List{ElementType: tftypes.String},
	"remediation": tftypes.String, "remediation_impact": tftypes.String, "action_url": tftypes.String,
	"action_type": tftypes.String, "deprecated": tftypes.Bool, "last_modified_date_time": tftypes.String,
}

// controlProfileResourceTypeV0 is version 0's value type: version 1's attributes plus the catalog facts.
var controlProfileResourceTypeV0 = func() tftypes.Object {
	attrs := map[string]tftypes.Type{}
	for name, t := range controlProfileResourceType.AttributeTypes {
		attrs[name] = t
	}
	for name, t := range controlProfileCatalogTypesV0 {
		attrs[name] = t
	}
	return tftypes.Object{AttributeTypes: attrs}
}()

func (s *controlProfileServer) UpgradeResourceState(_ context.Context, req *tfprotov6.UpgradeResourceStateRequest) (*tfprotov6.UpgradeResourceStateResponse, error) {
	resp := &tfprotov6.UpgradeResourceStateResponse{}
	if req.RawState == nil {
		resp.UpgradedState = nullControlProfileValue()
		return resp, nil
	}
	if req.Version == controlProfileSchemaVersion {
		if dv, err := upgradeControlProfileStateWire(req.RawState); err == nil {
			resp.UpgradedState = dv
			return resp, nil
		}
	}
	v, err := upgradeControlProfileState(req.Version, req.RawState)
	if err != nil {
		resp.Diagnostics = errorDiagnostics("Unable to read the control profile's state", err.Error())
		return resp, nil
	}
	dv, err := tfprotov6.NewDynamicValue(controlProfileResourceType, v)
	if err != nil {
		resp.Diagnostics = errorDiagnostics("Unable to read the control profile's state", err.Error())
		return resp, nil
	}
	resp.UpgradedState = &dv
	return resp, nil
}

// upgradeControlProfileState reads state written with schema version `version` as a current value.
func upgradeControlProfileState(version int64, raw *tfprotov6.RawState) (tftypes.Value, error) {
	switch version {
	case 0:
		// Read strictly as version 0 wrote it, then keep what version 1 has: the catalog facts are dropped (the
		// data sources expose them), every kept attribute has the same type in both versions.
		v, err := raw.Unmarshal(controlProfileResourceTypeV0)
		if err != nil {
			return tftypes.Value{}, fmt.Errorf("state of schema version 0: %w", err)
		}
		if v.IsNull() {
			return tftypes.NewValue(controlProfileResourceType, nil), nil
		}
		var attrs map[string]tftypes.Value
		if err := v.As(&attrs); err != nil {
			return tftypes.Value{}, fmt.Errorf("state of schema version 0: %w", err)
		}
		for name := range controlProfileCatalogTypesV0 {
			delete(attrs, name)
		}
		return tftypes.NewValue(controlProfileResourceType, attrs), nil
	case controlProfileSchemaVersion:
		// Attributes that a later build of this version stored and this one dropped are ignored, as the framework does.
		return raw.UnmarshalWithOpts(controlProfileResourceType,
			tfprotov6.UnmarshalOpts{ValueFromJSONOpts: tftypes.ValueFromJSONOpts{IgnoreUndefinedAttributes: true}})
	default:
		return tftypes.Value{}, fmt.Errorf("the state was written with schema version %d, which this provider version "+
			"does not know (it reads versions 0 to %d); use the provider version that wrote it", version, controlProfileSchemaVersion)
	}
}

// UpgradeResourceIdentity is never due: the resource has no identity schema (GetResourceIdentitySchemas lists
// none for it), so Terraform holds no identity of it to upgrade. Answered as the framework answers for a
// resource without one.
func (s *controlProfileServer) UpgradeResourceIdentity(_ context.Context, req *tfprotov6.UpgradeResourceIdentityRequest) (*tfprotov6.UpgradeResourceIdentityResponse, error) {
	return &tfprotov6.UpgradeResourceIdentityResponse{Diagnostics: errorDiagnostics("Unable to upgrade the resource identity",
		fmt.Sprintf("securescore_control_profile has no resource identity, so Terraform's identity of version %d cannot be upgraded. "+
			"Nothing in state was changed. Please report this to the provider developers.", req.Version))}, nil
}
