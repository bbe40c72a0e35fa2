package provider

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

var (
	_ tfprotov6.ProviderServer                 = (*protocolServer)(nil)
	_ tfprotov6.ProviderServerWithListResource = (*protocolServer)(nil) //nolint:staticcheck // tf6server finds the list RPCs through it until plugin-go moves them into ProviderServer
	_ rawResource                              = (*controlProfileServer)(nil)
	_ rawResource                              = (*baselineServer)(nil)
	_ rawListResource                          = (*controlProfileListServer)(nil)
	_ rawListResource                          = (*baselineListServer)(nil)
)

// rawResource is a resource served on terraform-plugin-go: every resource RPC (so that the compiler names any
// the plugin protocol adds), its schema and identity schema, and the provider's configuration.
type rawResource interface {
	tfprotov6.ResourceServer
	schema() *tfprotov6.Schema
	identitySchema() *tfprotov6.ResourceIdentitySchema
	configure(data *providerData, deferred bool)
}

// rawListResource is a list resource (`list` blocks of `terraform query`) served on terraform-plugin-go: its RPCs,
// its schema (the `config` block's content), and the provider's configuration. Its type name is the resource's.
type rawListResource interface {
	tfprotov6.ListResourceServer
	listSchema() *tfprotov6.Schema
	configure(data *providerData, deferred bool)
}

// NewProtocol6Server returns the provider's plugin protocol 6 server, as tf6server.Serve and the acceptance tests
// want it: the framework serves the provider block, the data sources and securescore_secure_score;
// controlProfileServer and baselineServer serve securescore_control_profile and securescore_baseline (why: see
// there), and their list resources. All share one configured client.
func NewProtocol6Server(version string) func() tfprotov6.ProviderServer {
	return func() tfprotov6.ProviderServer {
		s := &protocolServer{
			raw: map[string]rawResource{
				controlProfileTypeName: newControlProfileServer(),
				baselineTypeName:       newBaselineServer(),
			},
			lists: map[string]rawListResource{
				controlProfileTypeName: &controlProfileListServer{},
				baselineTypeName:       &baselineListServer{},
			},
		}
		p := newProvider(version, s.configureRaw)
		p.stop = &stopRequest{}
		s.ProviderServer, s.stop = providerserver.NewProtocol6(p)(), p.stop
		return s
	}
}

// protocolServer routes the RPCs of the resources in raw and of the list resources in lists to them, by type
// name, and everything else to the framework.
type protocolServer struct {
	tfprotov6.ProviderServer // the framework's server
	raw                      map[string]rawResource
	lists                    map[string]rawListResource
	stop                     *stopRequest // shared with the provider's configuration (see startWrite)
}

// configureRaw hands what the provider's Configure produced to the resources and list resources served here.
func (s *protocolServer) configureRaw(data *providerData, deferred bool) {
	for _, r := range s.raw {
		r.configure(data, deferred)
	}
	for _, l := range s.lists {
		l.configure(data, deferred)
	}
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
	out.ListResources = slices.Clone(resp.ListResources)
	for _, name := range sortedKeys(s.lists) {
		out.ListResources = append(out.ListResources, tfprotov6.ListResourceMetadata{TypeName: name})
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
	out.ListResourceSchemas = maps.Clone(resp.ListResourceSchemas)
	if out.ListResourceSchemas == nil {
		out.ListResourceSchemas = map[string]*tfprotov6.Schema{}
	}
	for name, l := range s.lists {
		out.ListResourceSchemas[name] = l.listSchema()
	}
	return &out, nil
}

// GetResourceIdentitySchemas adds the raw resources' identity schemas to the framework's (securescore_secure_score's).
func (s *protocolServer) GetResourceIdentitySchemas(ctx context.Context, req *tfprotov6.GetResourceIdentitySchemasRequest) (*tfprotov6.GetResourceIdentitySchemasResponse, error) {
	resp, err := s.ProviderServer.GetResourceIdentitySchemas(ctx, req)
	if err != nil || resp == nil {
		return resp, err
	}
	out := *resp
	out.IdentitySchemas = maps.Clone(resp.IdentitySchemas)
	if out.IdentitySchemas == nil {
		out.IdentitySchemas = map[string]*tfprotov6.ResourceIdentitySchema{}
	}
	for name, r := range s.raw {
		out.IdentitySchemas[name] = r.identitySchema()
	}
	return &out, nil
}

// ConfigureProvider lets the framework configure the provider; its Configure hands the client to the raw
// resources and list resources too.
func (s *protocolServer) ConfigureProvider(ctx context.Context, req *tfprotov6.ConfigureProviderRequest) (*tfprotov6.ConfigureProviderResponse, error) {
	s.configureRaw(nil, false)
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

// listRoute is the server of typeName's list resource RPCs: its raw list resource, else the framework's (which
// has none, and answers as Terraform expects for an unknown type).
func (s *protocolServer) listRoute(typeName string) (tfprotov6.ListResourceServer, error) {
	if l, ok := s.lists[typeName]; ok {
		return l, nil
	}
	if l, ok := s.ProviderServer.(tfprotov6.ListResourceServer); ok {
		return l, nil
	}
	return nil, fmt.Errorf("list resource type %q is not served by this provider", typeName)
}

func (s *protocolServer) ValidateListResourceConfig(ctx context.Context, req *tfprotov6.ValidateListResourceConfigRequest) (*tfprotov6.ValidateListResourceConfigResponse, error) {
	l, err := s.listRoute(req.TypeName)
	if err != nil {
		return &tfprotov6.ValidateListResourceConfigResponse{Diagnostics: errorDiagnostics("Unknown list resource type", err.Error())}, nil
	}
	return l.ValidateListResourceConfig(ctx, req)
}

func (s *protocolServer) ListResource(ctx context.Context, req *tfprotov6.ListResourceRequest) (*tfprotov6.ListResourceServerStream, error) {
	l, err := s.listRoute(req.TypeName)
	if err != nil {
		return listFailure(errorDiagnostics("Unknown list resource type", err.Error())), nil
	}
	return l.ListResource(ctx, req)
}

// errorDiagnostics is a single error.
func errorDiagnostics(summary, detail string) []*tfprotov6.Diagnostic {
	return []*tfprotov6.Diagnostic{{Severity: tfprotov6.DiagnosticSeverityError, Summary: summary, Detail: detail}}
}
