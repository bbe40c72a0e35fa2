package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// controlProfileSchemaVersion is the resource's schema version. Version 0 (releases up to 0.1.0) also stored
// the control's catalog facts; version 1 kept only what the resource manages; version 2 records the tenant
// (tenant_id) and the decision from before Terraform (prior_decision), and says what destroy does (on_destroy,
// which replaces reset_on_destroy).
const controlProfileSchemaVersion = 2

// controlProfileResourceModelV1 is schema version 1's state as Terraform stores it (JSON). Attributes it does
// not name are ignored, as the framework ignores attributes a later build stored.
type controlProfileResourceModelV1 struct {
	ID                *string `json:"id"`
	ControlID         *string `json:"control_id"`
	State             *string `json:"state"`
	AssignedTo        *string `json:"assigned_to"`
	Comment           *string `json:"comment"`
	VendorInformation *struct {
		Provider        *string `json:"provider"`
		ProviderVersion *string `json:"provider_version"`
		SubProvider     *string `json:"sub_provider"`
		Vendor          *string `json:"vendor"`
	} `json:"vendor_information"`
	ResetOnDestroy *bool `json:"reset_on_destroy"`
	Timeouts       *struct {
		Create *string `json:"create"`
		Read   *string `json:"read"`
		Update *string `json:"update"`
		Delete *string `json:"delete"`
	} `json:"timeouts"`
	UpdatedBy       *string `json:"updated_by"`
	UpdatedDateTime *string `json:"updated_date_time"`
}

// upgrade is v as version 2 state. The tenant is recorded by the next read (version 1 did not store it). The
// decision from before Terraform is not known, which on_destroy = "restore" treats as "keep" (a decision that
// may predate Terraform is never erased); reset_on_destroy true (its default) becomes on_destroy "reset" and false
// "keep", so destroy does what it did until the configuration says otherwise.
func (v *controlProfileResourceModelV1) upgrade() controlProfileResourceModelV2 {
	m := controlProfileResourceModelV2{ID: tfStringPtr(v.ID), ControlID: tfStringPtr(v.ControlID), State: tfStringPtr(v.State),
		AssignedTo: tfStringPtr(v.AssignedTo), Comment: tfStringPtr(v.Comment), UpdatedBy: tfStringPtr(v.UpdatedBy),
		UpdatedDateTime: tfStringPtr(v.UpdatedDateTime)}
	if vi := v.VendorInformation; vi != nil {
		m.VendorInformation = vendorInformation{Object: valueKnown, Provider: tfStringPtr(vi.Provider),
			ProviderVersion: tfStringPtr(vi.ProviderVersion), SubProvider: tfStringPtr(vi.SubProvider), Vendor: tfStringPtr(vi.Vendor)}
	}
	if t := v.Timeouts; t != nil {
		m.Timeouts = resourceTimeouts{Object: valueKnown, Create: tfStringPtr(t.Create), Read: tfStringPtr(t.Read),
			Update: tfStringPtr(t.Update), Delete: tfStringPtr(t.Delete)}
	}
	m.OnDestroy = tfKnown(onDestroyForReset(v.ResetOnDestroy == nil || *v.ResetOnDestroy))
	if v.ResetOnDestroy != nil {
		m.ResetOnDestroy = tfKnown(*v.ResetOnDestroy)
	}
	return m
}

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
	strs := func(names ...string) tftypes.Object {
		o := tftypes.Object{AttributeTypes: map[string]tftypes.Type{}}
		for _, n := range names {
			o.AttributeTypes[n] = tftypes.String
		}
		return o
	}
	attrs := strs("id", "control_id", "state", "assigned_to", "comment", "updated_by", "updated_date_time").AttributeTypes
	attrs["vendor_information"] = strs("provider", "provider_version", "sub_provider", "vendor")
	attrs["timeouts"] = strs("create", "read", "update", "delete")
	attrs["reset_on_destroy"] = tftypes.Bool
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
func upgradeControlProfileState(version int64, raw *tfprotov6.RawState) (m controlProfileResourceModelV2, null bool, err error) {
	if raw == nil {
		return m, true, nil
	}
	switch version {
	case controlProfileSchemaVersion:
		if raw.JSON != nil && raw.Flatmap == nil && controlProfileAttributes.decodeStateJSON(raw.JSON, &m) == nil {
			return m, false, nil
		}
		m = controlProfileResourceModelV2{}
		// Attributes that a later build of this version stored and this one dropped are ignored, as the framework does.
		v, err := raw.UnmarshalWithOpts(controlProfileAttributes.typ,
			tfprotov6.UnmarshalOpts{ValueFromJSONOpts: tftypes.ValueFromJSONOpts{IgnoreUndefinedAttributes: true}})
		if err != nil {
			return m, false, err
		}
		null, err = controlProfileAttributes.fromTerraform(v, &m)
		return m, null, err
	case 0:
		// Strictly as version 0 wrote it: an attribute it never had is corrupt state, not something to drop silently.
		// Its catalog facts are dropped (the data sources expose them); the rest is version 1's.
		if _, err := raw.Unmarshal(controlProfileResourceTypeV0); err != nil {
			return m, false, fmt.Errorf("state of schema version 0: %w", err)
		}
		fallthrough
	case 1:
		if raw.JSON == nil {
			return m, false, fmt.Errorf("state of schema version %d is not JSON (a Terraform older than 0.12 wrote it)", version)
		}
		if bytes.Equal(bytes.TrimSpace(raw.JSON), []byte("null")) {
			return m, true, nil
		}
		var v1 controlProfileResourceModelV1
		if err := json.Unmarshal(raw.JSON, &v1); err != nil {
			return m, false, fmt.Errorf("state of schema version %d: %w", version, err)
		}
		return v1.upgrade(), false, nil
	}
	return m, false, fmt.Errorf("the state was written with schema version %d, which this provider version does not know "+
		"(it reads versions 0 to %d); use the provider version that wrote it", version, controlProfileSchemaVersion)
}

// UpgradeResourceIdentity: the identity has one version so far (control_profile_identity.go).
func (s *controlProfileServer) UpgradeResourceIdentity(_ context.Context, req *tfprotov6.UpgradeResourceIdentityRequest) (*tfprotov6.UpgradeResourceIdentityResponse, error) {
	return controlProfileIdentity.upgrade(req, "control profile"), nil
}
