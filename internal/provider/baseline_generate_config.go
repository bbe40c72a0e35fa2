package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// GenerateResourceConfig answers `terraform plan -generate-config-out` after an import: the imported state's
// configurable attributes (tenant_id and controls among them), without what only the provider sets (id,
// skipped_controls, prior_decisions) or the deprecated reset_on_destroy. Empty optional strings are written as
// null (the codec does).
func (s *baselineServer) GenerateResourceConfig(_ context.Context, req *tfprotov6.GenerateResourceConfigRequest) (*tfprotov6.GenerateResourceConfigResponse, error) {
	resp := &tfprotov6.GenerateResourceConfigResponse{}
	if req.State == nil {
		resp.Diagnostics = errorDiagnostics("Unable to generate the baseline's configuration", "Terraform sent no imported state to generate it from.")
		return resp, nil
	}
	config, err := decodeBaseline(req.State)
	if err != nil {
		resp.Diagnostics = errorDiagnostics("Unable to generate the baseline's configuration", err.Error())
		return resp, nil
	}
	if config == nil {
		resp.Config = nullBaselineValue()
		return resp, nil
	}
	baselineTable.setEach(config, notConfigurable, valueNull)
	var ps diagnostics
	resp.Config = encodeOrReport(config, &ps)
	resp.Diagnostics = ps.proto()
	return resp, nil
}
