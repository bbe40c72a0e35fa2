package provider

import (
	"context"
	"maps"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

var (
	_ tfprotov6.ProviderServer = (*protocolServer)(nil)
	_ controlProfileRPCs       = (*controlProfileServer)(nil)
)

// controlProfileRPCs is what protocolServer needs of controlProfileServer: every resource RPC (so that the
// compiler names any the plugin protocol adds), and the provider's configuration.
type controlProfileRPCs interface {
	tfprotov6.ResourceServer
	configure(data *providerData, deferred bool)
}

// NewProtocol6Server returns the provider's plugin protocol 6 server, as tf6server.Serve and the acceptance tests
// want it: the framework serves the provider block, the data sources and securescore_secure_score, and
// controlProfileServer serves securescore_control_profile (why: see there). Both share one configured client.
func NewProtocol6Server(version string) func() tfprotov6.ProviderServer {
	return func() tfprotov6.ProviderServer {
		profiles := newControlProfileServer()
		p := newProvider(version, profiles.configure)
		return &protocolServer{ProviderServer: providerserver.NewProtocol6(p)(), profiles: profiles}
	}
}

// protocolServer routes securescore_control_profile's RPCs to profiles and everything else to the framework.
type protocolServer struct {
	tfprotov6.ProviderServer // the framework's server
	profiles                 controlProfileRPCs
}

func (s *protocolServer) GetMetadata(ctx context.Context, req *tfprotov6.GetMetadataRequest) (*tfprotov6.GetMetadataResponse, error) {
	resp, err := s.ProviderServer.GetMetadata(ctx, req)
	if err != nil || resp == nil {
		return resp, err
	}
	out := *resp
	out.Resources = append(append([]tfprotov6.ResourceMetadata(nil), resp.Resources...), tfprotov6.ResourceMetadata{TypeName: controlProfileTypeName})
	return &out, nil
}

func (s *protocolServer) GetProviderSchema(ctx context.Context, req *tfprotov6.GetProviderSchemaRequest) (*tfprotov6.GetProviderSchemaResponse, error) {
	resp, err := s.ProviderServer.GetProviderSchema(ctx, req)
	if err != nil || resp == nil {
		return resp, err
	}
	out := *resp
	out.ResourceSchemas = maps.Clone(resp.ResourceSchemas)
	if out.ResourceSchemas == nil {
		out.ResourceSchemas = map[string]*tfprotov6.Schema{}
	}
	out.ResourceSchemas[controlProfileTypeName] = controlProfileResourceSchema()
	return &out, nil
}

// ConfigureProvider lets the framework configure the provider; its Configure hands the client to profiles too.
func (s *protocolServer) ConfigureProvider(ctx context.Context, req *tfprotov6.ConfigureProviderRequest) (*tfprotov6.ConfigureProviderResponse, error) {
	s.profiles.configure(nil, false)
	return s.ProviderServer.ConfigureProvider(ctx, req)
}

// route sends a resource RPC to profiles when it is about securescore_control_profile, else to the framework.
func route[Req, Resp any](ctx context.Context, typeName string, req Req, profiles, framework func(context.Context, Req) (Resp, error)) (Resp, error) {
	if typeName == controlProfileTypeName {
		return profiles(ctx, req)
	}
	return framework(ctx, req)
}

func (s *protocolServer) ValidateResourceConfig(ctx context.Context, req *tfprotov6.ValidateResourceConfigRequest) (*tfprotov6.ValidateResourceConfigResponse, error) {
	return route(ctx, req.TypeName, req, s.profiles.ValidateResourceConfig, s.ProviderServer.ValidateResourceConfig)
}

func (s *protocolServer) UpgradeResourceState(ctx context.Context, req *tfprotov6.UpgradeResourceStateRequest) (*tfprotov6.UpgradeResourceStateResponse, error) {
	return route(ctx, req.TypeName, req, s.profiles.UpgradeResourceState, s.ProviderServer.UpgradeResourceState)
}

func (s *protocolServer) ReadResource(ctx context.Context, req *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	return route(ctx, req.TypeName, req, s.profiles.ReadResource, s.ProviderServer.ReadResource)
}

func (s *protocolServer) PlanResourceChange(ctx context.Context, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	return route(ctx, req.TypeName, req, s.profiles.PlanResourceChange, s.ProviderServer.PlanResourceChange)
}

func (s *protocolServer) ApplyResourceChange(ctx context.Context, req *tfprotov6.ApplyResourceChangeRequest) (*tfprotov6.ApplyResourceChangeResponse, error) {
	return route(ctx, req.TypeName, req, s.profiles.ApplyResourceChange, s.ProviderServer.ApplyResourceChange)
}

func (s *protocolServer) ImportResourceState(ctx context.Context, req *tfprotov6.ImportResourceStateRequest) (*tfprotov6.ImportResourceStateResponse, error) {
	return route(ctx, req.TypeName, req, s.profiles.ImportResourceState, s.ProviderServer.ImportResourceState)
}

func (s *protocolServer) MoveResourceState(ctx context.Context, req *tfprotov6.MoveResourceStateRequest) (*tfprotov6.MoveResourceStateResponse, error) {
	return route(ctx, req.TargetTypeName, req, s.profiles.MoveResourceState, s.ProviderServer.MoveResourceState)
}

func (s *protocolServer) UpgradeResourceIdentity(ctx context.Context, req *tfprotov6.UpgradeResourceIdentityRequest) (*tfprotov6.UpgradeResourceIdentityResponse, error) {
	return route(ctx, req.TypeName, req, s.profiles.UpgradeResourceIdentity, s.ProviderServer.UpgradeResourceIdentity)
}

func (s *protocolServer) GenerateResourceConfig(ctx context.Context, req *tfprotov6.GenerateResourceConfigRequest) (*tfprotov6.GenerateResourceConfigResponse, error) {
	return route(ctx, req.TypeName, req, s.profiles.GenerateResourceConfig, s.ProviderServer.GenerateResourceConfig)
}

// errorDiagnostics is a single error.
func errorDiagnostics(summary, detail string) []*tfprotov6.Diagnostic {
	return []*tfprotov6.Diagnostic{{Severity: tfprotov6.DiagnosticSeverityError, Summary: summary, Detail: detail}}
}

// toProtoDiagnostics converts the framework diagnostics the shared model code produces.
func toProtoDiagnostics(diags diag.Diagnostics) []*tfprotov6.Diagnostic {
	if len(diags) == 0 {
		return nil
	}
	out := make([]*tfprotov6.Diagnostic, 0, len(diags))
	for _, d := range diags {
		pd := &tfprotov6.Diagnostic{Severity: tfprotov6.DiagnosticSeverityWarning, Summary: d.Summary(), Detail: d.Detail()}
		if d.Severity() == diag.SeverityError {
			pd.Severity = tfprotov6.DiagnosticSeverityError
		}
		if wp, ok := d.(diag.DiagnosticWithPath); ok {
			pd.Attribute = attributePath(wp.Path())
		}
		out = append(out, pd)
	}
	return out
}

// attributePath converts a framework path of attribute names (the only kind the model code reports).
func attributePath(p path.Path) *tftypes.AttributePath {
	out := tftypes.NewAttributePath()
	for _, step := range p.Steps() {
		if name, ok := step.(path.PathStepAttributeName); ok {
			out = out.WithAttributeName(string(name))
		}
	}
	return out
}
