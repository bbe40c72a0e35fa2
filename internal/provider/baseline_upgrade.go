package provider

import (
	"context"
	"fmt"
	"strconv"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// The answers below are the framework's for a resource of schema version 0 without state upgraders, identity or
// move support, word for word, so that serving the baseline raw changes nothing a user sees.

// UpgradeResourceState reads state of version 0, the only one; attributes a later build stored are ignored.
func (s *baselineServer) UpgradeResourceState(_ context.Context, req *tfprotov6.UpgradeResourceStateRequest) (*tfprotov6.UpgradeResourceStateResponse, error) {
	resp := &tfprotov6.UpgradeResourceStateResponse{}
	if req.RawState == nil {
		return resp, nil
	}
	if req.Version != 0 {
		resp.Diagnostics = errorDiagnostics("Unable to Upgrade Resource State",
			"This resource was implemented without an UpgradeState() method, "+
				fmt.Sprintf("however Terraform was expecting an implementation for version %d upgrade.\n\n", req.Version)+
				"This is always an issue with the Terraform Provider and should be reported to the provider developer.")
		return resp, nil
	}
	v, err := req.RawState.UnmarshalWithOpts(baselineResourceType,
		tfprotov6.UnmarshalOpts{ValueFromJSONOpts: tftypes.ValueFromJSONOpts{IgnoreUndefinedAttributes: true}})
	if err != nil {
		resp.Diagnostics = errorDiagnostics("Unable to Read Previously Saved State for UpgradeResourceState",
			"There was an error reading the saved resource state using the current resource schema.\n\n"+
				"If this resource state was last refreshed with Terraform CLI 0.11 and earlier, it must be refreshed or applied with an older provider version first. "+
				"If you manually modified the resource state, you will need to manually modify it to match the current resource schema. "+
				"Otherwise, please report this to the provider developer:\n\n"+fmt.Sprint(err))
		return resp, nil
	}
	dv, err := tfprotov6.NewDynamicValue(baselineResourceType, v)
	if err != nil {
		resp.Diagnostics = errorDiagnostics("Unable to Read Previously Saved State for UpgradeResourceState", err.Error())
		return resp, nil
	}
	resp.UpgradedState = &dv
	return resp, nil
}

// UpgradeResourceIdentity is never due: the resource has no identity schema.
func (s *baselineServer) UpgradeResourceIdentity(context.Context, *tfprotov6.UpgradeResourceIdentityRequest) (*tfprotov6.UpgradeResourceIdentityResponse, error) {
	return &tfprotov6.UpgradeResourceIdentityResponse{Diagnostics: errorDiagnostics("Unable to Create Empty Identity",
		"An unexpected error was encountered when creating the empty Identity. "+
			"This is always an issue in terraform-plugin-framework used to implement the provider and should be reported to the provider developers.\n\n"+
			"Please report this to the provider developer:\n\n"+
			"Missing schema.")}, nil
}

// MoveResourceState: a baseline takes no state moved from another resource type.
func (s *baselineServer) MoveResourceState(_ context.Context, req *tfprotov6.MoveResourceStateRequest) (*tfprotov6.MoveResourceStateResponse, error) {
	if req.SourceState == nil { // the framework checks this first too
		return &tfprotov6.MoveResourceStateResponse{Diagnostics: errorDiagnostics("Missing Source Resource State",
			"The source resource state was not provided to the provider for the MoveResourceState operation. "+
				"This is always an issue in Terraform and should be reported to the Terraform maintainers.")}, nil
	}
	return &tfprotov6.MoveResourceStateResponse{Diagnostics: errorDiagnostics("Unable to Move Resource State",
		"The target resource implementation does not include move resource state support. "+
			"The resource implementation can be updated by the provider developers to include this support with the ResourceWithMoveState interface.\n\n"+
			"Source Provider Address: "+req.SourceProviderAddress+"\n"+
			"Source Resource Type: "+req.SourceTypeName+"\n"+
			"Source Resource Schema Version: "+strconv.FormatInt(req.SourceSchemaVersion, 10)+"\n"+
			"Target Resource Type: "+req.TargetTypeName)}, nil
}
