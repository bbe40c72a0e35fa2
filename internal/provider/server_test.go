package provider

import (
	"context"
	"reflect"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// rpcRecorder records which resource RPCs reach it; it stands in for controlProfileServer and for the framework.
type rpcRecorder struct {
	tfprotov6.ProviderServer // nil: only the resource RPCs are called
	calls                    []string
}

var _ controlProfileRPCs = (*rpcRecorder)(nil)

func record[Resp any](r *rpcRecorder, name string) *Resp {
	r.calls = append(r.calls, name)
	return new(Resp)
}

func (r *rpcRecorder) configure(*providerData, bool) {}

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

// Every RPC of tfprotov6.ResourceServer, the ones a later plugin-go adds included, goes to controlProfileServer
// for securescore_control_profile and to the framework for any other type. The RPCs are found by reflection,
// so a new one that protocolServer does not route fails here (the framework would answer "Resource Type Not
// Found" for this type).
func TestProtocolServerRoutesEveryResourceRPC(t *testing.T) {
	rpcs := reflect.TypeFor[tfprotov6.ResourceServer]()
	if rpcs.NumMethod() < 9 {
		t.Fatalf("tfprotov6.ResourceServer has %d methods, want at least the 9 of plugin-go v0.31", rpcs.NumMethod())
	}
	for typeName, wantProfiles := range map[string]bool{controlProfileTypeName: true, "securescore_secure_score": false} {
		profiles, framework := &rpcRecorder{}, &rpcRecorder{}
		s := &protocolServer{ProviderServer: framework, profiles: profiles}
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
		got, other := profiles.calls, framework.calls
		if !wantProfiles {
			got, other = other, got
		}
		if !slices.Equal(got, names) || len(other) != 0 {
			t.Errorf("%s: routed %v here and %v to the other server, want all of %v here", typeName, got, other, names)
		}
	}
}
