package provider

import (
	"context"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// rpcRecorder records which resource RPCs reach it; it stands in for a raw resource and for the framework.
type rpcRecorder struct {
	tfprotov6.ProviderServer // nil: only the resource RPCs are called
	calls                    []string
}

var _ rawResource = (*rpcRecorder)(nil)

func record[Resp any](r *rpcRecorder, name string) *Resp {
	r.calls = append(r.calls, name)
	return new(Resp)
}

func (r *rpcRecorder) configure(*providerData, bool) {}

func (r *rpcRecorder) schema() *tfprotov6.Schema { return nil }

func (r *rpcRecorder) identitySchema() *tfprotov6.ResourceIdentitySchema { return nil }

func (r *rpcRecorder) ValidateResourceConfig(context.Context, *tfprotov6.ValidateResourceConfigRequest) (*tfprotov6.ValidateResourceConfigResponse, error) {
	return record[tfprotov6.ValidateResourceConfigResponse](r, "ValidateResourceConfig"), nil
}

func (r *rpcRecorder) UpgradeResourceState(context.Context, *tfprotov6.UpgradeResourceStateRequest) (*tfprotov6.UpgradeResourceStateResponse, error) {
	return record[tfprotov6.UpgradeResourceStateResponse](r, "UpgradeResourceState"), nil
}

func (r *rpcRecorder) ReadResource(context.Context, *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	return record[tfprotov6.ReadResourceResponse](r, "ReadResource"), nil
}

func (r *rpcRecorder) PlanResourceChange(context.Context, *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	return record[tfprotov6.PlanResourceChangeResponse](r, "PlanResourceChange"), nil
}

func (r *rpcRecorder) ApplyResourceChange(context.Context, *tfprotov6.ApplyResourceChangeRequest) (*tfprotov6.ApplyResourceChangeResponse, error) {
	return record[tfprotov6.ApplyResourceChangeResponse](r, "ApplyResourceChange"), nil
}

func (r *rpcRecorder) ImportResourceState(context.Context, *tfprotov6.ImportResourceStateRequest) (*tfprotov6.ImportResourceStateResponse, error) {
	return record[tfprotov6.ImportResourceStateResponse](r, "ImportResourceState"), nil
}

func (r *rpcRecorder) MoveResourceState(context.Context, *tfprotov6.MoveResourceStateRequest) (*tfprotov6.MoveResourceStateResponse, error) {
	return record[tfprotov6.MoveResourceStateResponse](r, "MoveResourceState"), nil
}

func (r *rpcRecorder) UpgradeResourceIdentity(context.Context, *tfprotov6.UpgradeResourceIdentityRequest) (*tfprotov6.UpgradeResourceIdentityResponse, error) {
	return record[tfprotov6.UpgradeResourceIdentityResponse](r, "UpgradeResourceIdentity"), nil
}

func (r *rpcRecorder) GenerateResourceConfig(context.Context, *tfprotov6.GenerateResourceConfigRequest) (*tfprotov6.GenerateResourceConfigResponse, error) {
	return record[tfprotov6.GenerateResourceConfigResponse](r, "GenerateResourceConfig"), nil
}

// Every RPC of tfprotov6.ResourceServer, the ones a later plugin-go adds included, goes to the raw resource of
// its type (controlProfileServer for securescore_control_profile, baselineServer for securescore_baseline) and to
// the framework for any other type. The RPCs are found by reflection, so a new one that protocolServer does not
// route fails here (the framework would answer "Resource Type Not Found" for these types).
func TestProtocolServerRoutesEveryResourceRPC(t *testing.T) {
	rpcs := reflect.TypeFor[tfprotov6.ResourceServer]()
	if rpcs.NumMethod() < 9 {
		t.Fatalf("tfprotov6.ResourceServer has %d methods, want at least the 9 of plugin-go v0.31", rpcs.NumMethod())
	}
	served := NewProtocol6Server("test")().(*protocolServer).raw
	if got := sortedKeys(served); !slices.Equal(got, []string{baselineTypeName, controlProfileTypeName}) {
		t.Fatalf("raw resources %v, want securescore_baseline and securescore_control_profile", got)
	}
	for _, typeName := range []string{controlProfileTypeName, baselineTypeName, "securescore_secure_score"} {
		raw := map[string]*rpcRecorder{controlProfileTypeName: {}, baselineTypeName: {}}
		framework := &rpcRecorder{}
		s := &protocolServer{ProviderServer: framework, raw: map[string]rawResource{}}
		for name, r := range raw {
			s.raw[name] = r
		}
		var names []string
		for i := range rpcs.NumMethod() {
			name := rpcs.Method(i).Name
			names = append(names, name)
			m := reflect.ValueOf(s).MethodByName(name)
			req := reflect.New(m.Type().In(1).Elem())
			set := false
			for _, f := range []string{"TypeName", "TargetTypeName"} { // MoveResourceState names the target type
				if fv := req.Elem().FieldByName(f); fv.IsValid() {
					fv.SetString(typeName)
					set = true
				}
			}
			if !set {
				t.Fatalf("%s: the request has no TypeName or TargetTypeName; decide how to route it", name)
			}
			if out := m.Call([]reflect.Value{reflect.ValueOf(context.Background()), req}); !out[1].IsNil() {
				t.Fatalf("%s: %v", name, out[1].Interface())
			}
		}
		want := framework
		if r, ok := raw[typeName]; ok {
			want = r
		}
		for name, r := range map[string]*rpcRecorder{"framework": framework, controlProfileTypeName: raw[controlProfileTypeName],
			baselineTypeName: raw[baselineTypeName]} {
			if r == want && !slices.Equal(r.calls, names) {
				t.Errorf("%s: %s got %v, want all of %v", typeName, name, r.calls, names)
			}
			if r != want && len(r.calls) != 0 {
				t.Errorf("%s: %s got %v, want none", typeName, name, r.calls)
			}
		}
	}
}

// The list resources are announced (GetMetadata, GetProviderSchema) beside the framework's (none), the raw
// resources' identity schemas beside the framework's (securescore_secure_score's), and the list RPCs reach the
// list resource of their type; another type gets the framework's answer.
func TestProtocolServerServesListResourcesAndIdentities(t *testing.T) {
	ctx := context.Background()
	s := NewProtocol6Server("test")().(*protocolServer)
	meta, err := s.GetMetadata(ctx, &tfprotov6.GetMetadataRequest{})
	if err != nil {
		t.Fatal(err)
	}
	var lists []string
	for _, l := range meta.ListResources {
		lists = append(lists, l.TypeName)
	}
	if want := []string{baselineTypeName, controlProfileTypeName}; !slices.Equal(lists, want) {
		t.Errorf("GetMetadata lists %v, want %v", lists, want)
	}
	schema, err := s.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if got := sortedKeys(schema.ListResourceSchemas); !slices.Equal(got, lists) {
		t.Errorf("list resource schemas %v, want %v", got, lists)
	}
	for name, ls := range schema.ListResourceSchemas {
		for _, a := range ls.Block.Attributes {
			if a.Description == "" || a.Required {
				t.Errorf("%s.%s: no description, or required", name, a.Name)
			}
		}
	}
	ids, err := s.GetResourceIdentitySchemas(ctx, &tfprotov6.GetResourceIdentitySchemasRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := sortedKeys(ids.IdentitySchemas), []string{baselineTypeName, controlProfileTypeName, "securescore_secure_score"}; !slices.Equal(got, want) {
		t.Errorf("identity schemas of %v, want %v", got, want)
	}

	// Not configured: each list resource answers with requireTenant's error, the framework with its own.
	for _, typeName := range []string{baselineTypeName, controlProfileTypeName, "securescore_secure_score"} {
		stream, err := s.ListResource(ctx, &tfprotov6.ListResourceRequest{TypeName: typeName, Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		var diags []*tfprotov6.Diagnostic
		for r := range stream.Results {
			diags = append(diags, r.Diagnostics...)
		}
		want := "Provider not configured"
		if typeName == "securescore_secure_score" {
			want = "List Resource Type Not Found"
		}
		if len(diags) != 1 || !strings.Contains(diags[0].Summary, want) {
			t.Errorf("%s: %v, want %q", typeName, diags, want)
		}
	}
}
