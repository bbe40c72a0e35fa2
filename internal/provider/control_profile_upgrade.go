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
	for name, t := range controlProfileAttributes.typ.AttributeTypes {
		attrs[name] = t
	}
	for name, t := range controlProfileCatalogTypesV0 {
		attrs[name] = t
	}
	return tftypes.Object{AttributeTypes: attrs}
}()

func (s *controlProfileServer) UpgradeResourceState(_ context.Context, req *tfprotov6.UpgradeResourceStateRequest) (*tfprotov6.UpgradeResourceStateResponse, error) {
	resp := &tfprotov6.UpgradeResourceStateResponse{}
	var diags diagnostics
	m, null, err := upgradeControlProfileState(req.Version, req.RawState)
	switch {
	case err != nil:
		diags.AddError("Unable to read the control profile's state", err.Error())
	case null:
		resp.UpgradedState = controlProfileAttributes.null()
	default:
		resp.UpgradedState = s.encode(&m, &diags, nil)
	}
	resp.Diagnostics = diags.proto()
	return resp, nil
}

// upgradeControlProfileState reads state written with schema version `version` as the current model, and
// reports whether it is null.
func upgradeControlProfileState(version int64, raw *tfprotov6.RawState) (m controlProfileResourceModelV1, null bool, err error) {
	if raw == nil {
		return m, true, nil
	}
	var v tftypes.Value
	switch version {
	case 0:
		// Read strictly as version 0 wrote it, then keep what version 1 has: the catalog facts are dropped (the
		// data sources expose them), every kept attribute has the same type in both versions.
		if v, err = raw.Unmarshal(controlProfileResourceTypeV0); err != nil {
			return m, false, fmt.Errorf("state of schema version 0: %w", err)
		}
		if v.IsNull() {
			return m, true, nil
		}
		var attrs map[string]tftypes.Value
		if err := v.As(&attrs); err != nil {
			return m, false, fmt.Errorf("state of schema version 0: %w", err)
		}
		for name := range controlProfileCatalogTypesV0 {
			delete(attrs, name)
		}
		v = tftypes.NewValue(controlProfileAttributes.typ, attrs)
	case controlProfileSchemaVersion:
		if raw.JSON != nil && raw.Flatmap == nil && controlProfileAttributes.decodeStateJSON(raw.JSON, &m) == nil {
			return m, false, nil
		}
		m = controlProfileResourceModelV1{}
		// Attributes that a later build of this version stored and this one dropped are ignored, as the framework does.
		if v, err = raw.UnmarshalWithOpts(controlProfileAttributes.typ,
			tfprotov6.UnmarshalOpts{ValueFromJSONOpts: tftypes.ValueFromJSONOpts{IgnoreUndefinedAttributes: true}}); err != nil {
			return m, false, err
		}
	default:
		return m, false, fmt.Errorf("the state was written with schema version %d, which this provider version "+
			"does not know (it reads versions 0 to %d); use the provider version that wrote it", version, controlProfileSchemaVersion)
	}
	null, err = controlProfileAttributes.fromTerraform(v, &m)
	return m, null, err
}

// UpgradeResourceIdentity is never due: the resource has no identity schema (GetResourceIdentitySchemas lists
// none for it), so Terraform holds no identity of it to upgrade. Answered as the framework answers for a
// resource without one.
func (s *controlProfileServer) UpgradeResourceIdentity(_ context.Context, req *tfprotov6.UpgradeResourceIdentityRequest) (*tfprotov6.UpgradeResourceIdentityResponse, error) {
	return &tfprotov6.UpgradeResourceIdentityResponse{Diagnostics: errorDiagnostics("Unable to upgrade the resource identity",
		fmt.Sprintf("securescore_control_profile has no resource identity, so Terraform's identity of version %d cannot be upgraded. "+
			"Nothing in state was changed. Please report this to the provider developers.", req.Version))}, nil
}
