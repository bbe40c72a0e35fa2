package provider

import (
	"context"
	"errors"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// GenerateResourceConfig answers `terraform plan -generate-config-out` after an import: the configuration is
// the imported state without what only the resource or the service sets (and without deprecated attributes), as
// the framework generates it for its own resources (it announces the capability for the whole provider).
func (s *controlProfileServer) GenerateResourceConfig(_ context.Context, req *tfprotov6.GenerateResourceConfigRequest) (*tfprotov6.GenerateResourceConfigResponse, error) {
	resp := &tfprotov6.GenerateResourceConfigResponse{}
	var m controlProfileResourceModelV2
	var diags diagnostics
	null, err := controlProfileAttributes.decode(req.State, &m)
	if err == nil && null {
		err = errNoState
	}
	if err != nil {
		diags.AddError("Unable to generate the control profile's configuration", err.Error())
	} else {
		controlProfileAttributes.setEach(&m, notConfigurable, valueNull)
		resp.Config = s.encode(&m, &diags, nil)
	}
	resp.Diagnostics = diags.proto()
	return resp, nil
}

// errNoState: the request held no state to generate a configuration from.
var errNoState = errors.New("no state was sent for the imported control profile")
