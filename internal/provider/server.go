package provider

import (
	"context"
	"maps"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

var (
	_ tfprotov6.ProviderServer = (*protocolServer)(nil)
	_ rawResource              = (*controlProfileServer)(nil)
	_ rawResource              = (*baselineServer)(nil)
)

// rawResource is a resource served on terraform-plugin-go: every resource RPC (so that the compiler names any
// the plugin protocol adds), its schema, and the provider's configuration.
type rawResource interface {
	tfprotov6.ResourceServer
	schema() *tfprotov6.Schema
	configure(data *providerData, deferred bool)
}

// NewProtocol6Server returns the provider's plugin protocol 6 server, as tf6server.Serve and the acceptance tests
// want it: the framework serves the provider block, the data sources and securescore_secure_score;
// controlProfileServer and baselineServer serve securescore_control_profile and securescore_baseline (why: see
// there). All share one configured client.
func NewProtocol6Server(version string) func() tfprotov6.ProviderServer {
	return func() tfprotov6.ProviderServer {
		raw := map[string]rawResource{
			controlProfileTypeName: newControlProfileServer(),
			baselineTypeName:       newBaselineServer(),
		}
		p := newProvider(version, func(data *providerData, deferred bool) {
			for _, r := range raw {
				r.configure(data, deferred)
			}
		})
		p.stop = &stopRequest{}
		return &protocolServer{ProviderServer: providerserver.NewProtocol6(p)(), raw: raw, stop: p.stop}
	}
}

// protocolServer routes the RPCs of the resources in raw to them, by type name, and everything else to the
// framework.
type protocolServer struct {
	tfprotov6.ProviderServer // the framework's server
	raw                      map[string]rawResource
	stop                     *stopRequest // shared with the provider's configuration (see startWrite)
}

// StopProvider records Terraform's stop request, so that no write starts after it, and passes it on to the
// framework. terraform-plugin-go cancels the calls running when it arrives; a call that starts later is not.
func (s *protocolServer) StopProvider(ctx context.Context, req *tfprotov6.StopProviderRequest) (*tfprotov6.StopProviderResponse, error) {
	s.stop.record()
	return s.ProviderServer.StopProvider(ctx, req)
}

func (s *protocolServer) GetMetadata(ctx context.Context, req *tfprotov6.GetMetadataRequest) (*tfprotov6.GetMetadataResponse, error) {
	resp, err := s.ProviderServer.GetMetadata(ctx, req)
	if err != nil || resp == nil {
		return resp, err
	}
	out := *resp
	out.Resources = slices.Clone(resp.Resources)
	for _, name := range sortedKeys(s.raw) {
		out.Resources = append(out.Resources, tfprotov6.ResourceMetadata{TypeName: name})
	}
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
	for name, r := range s.raw {
		out.ResourceSchemas[name] = r.schema()
	}
	return &out, nil
}

// ConfigureProvider lets the framework configure the provider; its Configure hands the client to the raw
// resources too.
func (s *protocolServer) ConfigureProvider(ctx context.Context, req *tfprotov6.ConfigureProviderRequest) (*tfprotov6.ConfigureProviderResponse, error) {
	for _, r := range s.raw {
		r.configure(nil, false)
	}
	return s.ProviderServer.ConfigureProvider(ctx, req)
}

// route is the server of typeName's resource RPCs: its raw resource, else the framework.
func (s *protocolServer) route(typeName string) tfprotov6.ResourceServer {
	if r, ok := s.raw[typeName]; ok {
		return r
	}
	return s.ProviderServer
}

func (s *protocolServer) ValidateResourceConfig(ctx context.Context, req *tfprotov6.ValidateResourceConfigRequest) (*tfprotov6.ValidateResourceConfigResponse, error) {
	return s.route(req.TypeName).ValidateResourceConfig(ctx, req)
}

func (s *protocolServer) UpgradeResourceState(ctx context.Context, req *tfprotov6.UpgradeResourceStateRequest) (*tfprotov6.UpgradeResourceStateResponse, error) {
	return s.route(req.TypeName).UpgradeResourceState(ctx, req)
}

func (s *protocolServer) ReadResource(ctx context.Context, req *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	return s.route(req.TypeName).ReadResource(ctx, req)
}

func (s *protocolServer) PlanResourceChange(ctx context.Context, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	return s.route(req.TypeName).PlanResourceChange(ctx, req)
}

func (s *protocolServer) ApplyResourceChange(ctx context.Context, req *tfprotov6.ApplyResourceChangeRequest) (*tfprotov6.ApplyResourceChangeResponse, error) {
	return s.route(req.TypeName).ApplyResourceChange(ctx, req)
}

func (s *protocolServer) ImportResourceState(ctx context.Context, req *tfprotov6.ImportResourceStateRequest) (*tfprotov6.ImportResourceStateResponse, error) {
	return s.route(req.TypeName).ImportResourceState(ctx, req)
}

func (s *protocolServer) MoveResourceState(ctx context.Context, req *tfprotov6.MoveResourceStateRequest) (*tfprotov6.MoveResourceStateResponse, error) {
	return s.route(req.TargetTypeName).MoveResourceState(ctx, req)
}

func (s *protocolServer) UpgradeResourceIdentity(ctx context.Context, req *tfprotov6.UpgradeResourceIdentityRequest) (*tfprotov6.UpgradeResourceIdentityResponse, error) {
	return s.route(req.TypeName).UpgradeResourceIdentity(ctx, req)
}

func (s *protocolServer) GenerateResourceConfig(ctx context.Context, req *tfprotov6.GenerateResourceConfigRequest) (*tfprotov6.GenerateResourceConfigResponse, error) {
	return s.route(req.TypeName).GenerateResourceConfig(ctx, req)
}

// errorDiagnostics is a single error.
func errorDiagnostics(summary, detail string) []*tfprotov6.Diagnostic {
	return []*tfprotov6.Diagnostic{{Severity: tfprotov6.DiagnosticSeverityError, Summary: summary, Detail: detail}}
}
