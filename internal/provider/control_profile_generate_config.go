package provider

import (
	"context"
	"errors"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// GenerateResourceConfig answers `terraform plan -generate-config-out` after an import: the configuration is
// the imported state without the attributes only the service sets, as the framework generates it for its own
// resources (it announces the capability for the whole provider).
func (s *controlProfileServer) GenerateResourceConfig(ctx context.Context, req *tfprotov6.GenerateResourceConfigRequest) (*tfprotov6.GenerateResourceConfigResponse, error) {
	resp := &tfprotov6.GenerateResourceConfigResponse{}
	var m controlProfileResourceModelV1
	null, err := decodeControlProfile(ctx, req.State, &m)
	if err == nil && null {
		err = errNoState
	}
	if err != nil {
		resp.Diagnostics = errorDiagnostics("Unable to generate the control profile's configuration", err.Error())
		return resp, nil
	}
	m.setEach(readOnly, nil)
	if resp.Config, err = m.toDynamicValue(ctx); err != nil {
		resp.Diagnostics = errorDiagnostics("Unable to generate the control profile's configuration", err.Error())
	}
	return resp, nil
}

// errNoState: the request held no state to generate a configuration from.
var errNoState = errors.New("no state was sent for the imported control profile")
