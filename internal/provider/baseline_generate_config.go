package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// GenerateResourceConfig answers `terraform plan -generate-config-out` after an import as the framework did: the
// imported state without the computed-only attributes (id, skipped_controls), and without empty optional strings.
func (s *baselineServer) GenerateResourceConfig(_ context.Context, req *tfprotov6.GenerateResourceConfigRequest) (*tfprotov6.GenerateResourceConfigResponse, error) {
	resp := &tfprotov6.GenerateResourceConfigResponse{}
	if req.State == nil {
		resp.Diagnostics = errorDiagnostics("Unexpected Generate Config Request",
			"An unexpected error was encountered when generating resource configuration. The current state was missing.\n\n"+
				"This is always a problem with Terraform or terraform-plugin-framework. Please report this to the provider developer.")
		return resp, nil
	}
	config, null, err := decodeBaseline(req.State)
	if err != nil {
		resp.Diagnostics = errorDiagnostics("Unable to generate the baseline's configuration", err.Error())
		return resp, nil
	}
	if null {
		resp.Config = nullBaselineValue()
		return resp, nil
	}
	config["id"] = tftypes.NewValue(tftypes.String, nil)
	config["skipped_controls"] = tftypes.NewValue(baselineSkippedType, nil)
	if isKnown(config["missing_controls"]) && config.str("missing_controls") == "" {
		config["missing_controls"] = tftypes.NewValue(tftypes.String, nil)
	}
	if known, _, d := config.decisions(); !d.HasError() && isKnown(config["controls"]) {
		config.setControls(known) // assigned_to and comment: "" is written as null
	}
	if resp.Config, err = config.encode(); err != nil {
		resp.Diagnostics = errorDiagnostics("Unable to generate the baseline's configuration", err.Error())
	}
	return resp, nil
}
