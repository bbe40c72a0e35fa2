// Command floorprovider is the benchmark's protocol floor: the least any Terraform provider plugin does. Its
// resources take the benchmark's four arguments, keep everything in Terraform state and call no API, straight on
// terraform-plugin-go. Whatever they cost over terraform_data (which runs inside terraform) is the plugin
// protocol's own price on the machine, and Terraform's price for the values a resource holds:
//   - benchfloor_thing has the four arguments and an id;
//   - benchfloor_wide adds 20 computed string attributes: as many top-level attributes as
//     securescore_control_profile has (25), so the provider can be read against a no-op resource of its width;
//   - benchfloor_baseline holds every control in one map, as securescore_baseline does: the floor of one resource
//     (and, one per tenant with tenant_id, of a fleet).
//
// `make bench` reports both beside the provider.
package main

import (
	"context"
	"fmt"
	"log"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// Source is the floor provider's registry address, as the benchmark's configuration names it.
const Source = "registry.terraform.io/securescore/benchfloor"

var arguments = []string{"control_id", "state", "assigned_to", "comment"}

// decision is the type of one control in benchfloor_baseline's controls map (securescore_baseline's shape).
var decision = tftypes.Object{AttributeTypes: map[string]tftypes.Type{
	"state": tftypes.String, "assigned_to": tftypes.String, "comment": tftypes.String}}

// thing is one resource type: its arguments, its computed attributes besides id, and its value type.
type thing struct {
	arguments []string
	computed  []string
	typ       tftypes.Object
}

func newThing(computed int) thing {
	t := thing{arguments: arguments, typ: tftypes.Object{AttributeTypes: map[string]tftypes.Type{"id": tftypes.String}}}
	for _, a := range arguments {
		t.typ.AttributeTypes[a] = tftypes.String
	}
	for i := range computed {
		name := fmt.Sprintf("computed_%02d", i+1)
		t.computed = append(t.computed, name)
		t.typ.AttributeTypes[name] = tftypes.String
	}
	return t
}

var things = map[string]thing{
	"benchfloor_thing": newThing(0),
	"benchfloor_wide":  newThing(20),
	"benchfloor_baseline": {arguments: []string{"controls", "tenant_id"}, typ: tftypes.Object{AttributeTypes: map[string]tftypes.Type{
		"id": tftypes.String, "controls": tftypes.Map{ElementType: decision}, "tenant_id": tftypes.String}}},
}

// computedValue is what apply stores in each computed attribute: about as long as a typical control field.
const computedValue = "a read-only value, 30 chars ok"

func main() {
	if err := tf6server.Serve(Source, func() tfprotov6.ProviderServer { return floor{} }); err != nil {
		log.Fatal(err)
	}
}

type floor struct{}

var capabilities = &tfprotov6.ServerCapabilities{GetProviderSchemaOptional: true, PlanDestroy: true}

func (floor) GetMetadata(context.Context, *tfprotov6.GetMetadataRequest) (*tfprotov6.GetMetadataResponse, error) {
	resp := &tfprotov6.GetMetadataResponse{ServerCapabilities: capabilities}
	for name := range things {
		resp.Resources = append(resp.Resources, tfprotov6.ResourceMetadata{TypeName: name})
	}
	return resp, nil
}

func (floor) GetProviderSchema(context.Context, *tfprotov6.GetProviderSchemaRequest) (*tfprotov6.GetProviderSchemaResponse, error) {
	resp := &tfprotov6.GetProviderSchemaResponse{ServerCapabilities: capabilities,
		Provider: &tfprotov6.Schema{Block: &tfprotov6.SchemaBlock{}}, ResourceSchemas: map[string]*tfprotov6.Schema{}}
	for name, t := range things {
		attrs := []*tfprotov6.SchemaAttribute{{Name: "id", Type: tftypes.String, Computed: true}}
		for _, a := range t.arguments {
			attrs = append(attrs, &tfprotov6.SchemaAttribute{Name: a, Type: t.typ.AttributeTypes[a], Optional: true})
		}
		for _, a := range t.computed {
			attrs = append(attrs, &tfprotov6.SchemaAttribute{Name: a, Type: tftypes.String, Computed: true})
		}
		resp.ResourceSchemas[name] = &tfprotov6.Schema{Block: &tfprotov6.SchemaBlock{Attributes: attrs}}
	}
	return resp, nil
}

// UpgradeResourceState converts stored JSON to the wire encoding, as every provider must.
func (floor) UpgradeResourceState(_ context.Context, req *tfprotov6.UpgradeResourceStateRequest) (*tfprotov6.UpgradeResourceStateResponse, error) {
	t := things[req.TypeName]
	v, err := req.RawState.UnmarshalWithOpts(t.typ, tfprotov6.UnmarshalOpts{})
	if err != nil {
		return &tfprotov6.UpgradeResourceStateResponse{Diagnostics: failure(err)}, nil
	}
	dv, err := tfprotov6.NewDynamicValue(t.typ, v)
	if err != nil {
		return &tfprotov6.UpgradeResourceStateResponse{Diagnostics: failure(err)}, nil
	}
	return &tfprotov6.UpgradeResourceStateResponse{UpgradedState: &dv}, nil
}

func (floor) ReadResource(_ context.Context, req *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	return &tfprotov6.ReadResourceResponse{NewState: req.CurrentState, Private: req.Private}, nil
}

// PlanResourceChange makes the computed attributes "known after apply" on create.
func (floor) PlanResourceChange(_ context.Context, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	t := things[req.TypeName]
	planned, err := t.withComputed(req.ProposedNewState, func(attrs map[string]tftypes.Value, name string) tftypes.Value {
		if attrs["id"].IsNull() {
			return tftypes.NewValue(tftypes.String, tftypes.UnknownValue)
		}
		return attrs[name]
	})
	if err != nil {
		return &tfprotov6.PlanResourceChangeResponse{Diagnostics: failure(err)}, nil
	}
	return &tfprotov6.PlanResourceChangeResponse{PlannedState: planned, PlannedPrivate: req.PriorPrivate}, nil
}

// ApplyResourceChange takes the control id (the baseline: "baseline") as the id and fills the other computed
// attributes.
func (floor) ApplyResourceChange(_ context.Context, req *tfprotov6.ApplyResourceChangeRequest) (*tfprotov6.ApplyResourceChangeResponse, error) {
	t := things[req.TypeName]
	newState, err := t.withComputed(req.PlannedState, func(attrs map[string]tftypes.Value, name string) tftypes.Value {
		if name == "id" {
			if id, ok := attrs["control_id"]; ok {
				return id
			}
			return tftypes.NewValue(tftypes.String, "baseline")
		}
		return tftypes.NewValue(tftypes.String, computedValue)
	})
	if err != nil {
		return &tfprotov6.ApplyResourceChangeResponse{NewState: req.PriorState, Diagnostics: failure(err)}, nil
	}
	return &tfprotov6.ApplyResourceChangeResponse{NewState: newState, Private: req.PlannedPrivate}, nil
}

// withComputed decodes an object value, sets id and every computed attribute to value(attributes, name) and
// encodes it again; a null object (a destroy) is returned as it is.
func (t thing) withComputed(dv *tfprotov6.DynamicValue, value func(map[string]tftypes.Value, string) tftypes.Value) (*tfprotov6.DynamicValue, error) {
	v, err := dv.Unmarshal(t.typ)
	if err != nil || v.IsNull() {
		return dv, err
	}
	var attrs map[string]tftypes.Value
	if err := v.As(&attrs); err != nil {
		return nil, err
	}
	out := make(map[string]tftypes.Value, len(attrs))
	for k, a := range attrs {
		out[k] = a
	}
	for _, name := range append([]string{"id"}, t.computed...) {
		out[name] = value(attrs, name)
	}
	enc, err := tfprotov6.NewDynamicValue(t.typ, tftypes.NewValue(t.typ, out))
	return &enc, err
}

func failure(err error) []*tfprotov6.Diagnostic {
	return []*tfprotov6.Diagnostic{{Severity: tfprotov6.DiagnosticSeverityError, Summary: "benchfloor", Detail: err.Error()}}
}

func unsupported(what string) []*tfprotov6.Diagnostic {
	return []*tfprotov6.Diagnostic{{Severity: tfprotov6.DiagnosticSeverityError, Summary: "benchfloor",
		Detail: "the benchmark's floor provider does not support " + what}}
}

// What follows has nothing to do in a floor: empty answers, or an error for what the benchmark never uses.

func (floor) GetResourceIdentitySchemas(context.Context, *tfprotov6.GetResourceIdentitySchemasRequest) (*tfprotov6.GetResourceIdentitySchemasResponse, error) {
	return &tfprotov6.GetResourceIdentitySchemasResponse{}, nil
}

func (floor) ValidateProviderConfig(_ context.Context, req *tfprotov6.ValidateProviderConfigRequest) (*tfprotov6.ValidateProviderConfigResponse, error) {
	return &tfprotov6.ValidateProviderConfigResponse{PreparedConfig: req.Config}, nil
}

func (floor) ConfigureProvider(context.Context, *tfprotov6.ConfigureProviderRequest) (*tfprotov6.ConfigureProviderResponse, error) {
	return &tfprotov6.ConfigureProviderResponse{}, nil
}

func (floor) StopProvider(context.Context, *tfprotov6.StopProviderRequest) (*tfprotov6.StopProviderResponse, error) {
	return &tfprotov6.StopProviderResponse{}, nil
}

func (floor) ValidateResourceConfig(context.Context, *tfprotov6.ValidateResourceConfigRequest) (*tfprotov6.ValidateResourceConfigResponse, error) {
	return &tfprotov6.ValidateResourceConfigResponse{}, nil
}

func (floor) ImportResourceState(context.Context, *tfprotov6.ImportResourceStateRequest) (*tfprotov6.ImportResourceStateResponse, error) {
	return &tfprotov6.ImportResourceStateResponse{Diagnostics: unsupported("import")}, nil
}

func (floor) MoveResourceState(context.Context, *tfprotov6.MoveResourceStateRequest) (*tfprotov6.MoveResourceStateResponse, error) {
	return &tfprotov6.MoveResourceStateResponse{Diagnostics: unsupported("moved blocks")}, nil
}

func (floor) UpgradeResourceIdentity(context.Context, *tfprotov6.UpgradeResourceIdentityRequest) (*tfprotov6.UpgradeResourceIdentityResponse, error) {
	return &tfprotov6.UpgradeResourceIdentityResponse{Diagnostics: unsupported("resource identity")}, nil
}

func (floor) GenerateResourceConfig(context.Context, *tfprotov6.GenerateResourceConfigRequest) (*tfprotov6.GenerateResourceConfigResponse, error) {
	return &tfprotov6.GenerateResourceConfigResponse{Diagnostics: unsupported("configuration generation")}, nil
}

func (floor) ValidateDataResourceConfig(context.Context, *tfprotov6.ValidateDataResourceConfigRequest) (*tfprotov6.ValidateDataResourceConfigResponse, error) {
	return &tfprotov6.ValidateDataResourceConfigResponse{Diagnostics: unsupported("data sources")}, nil
}

func (floor) ReadDataSource(context.Context, *tfprotov6.ReadDataSourceRequest) (*tfprotov6.ReadDataSourceResponse, error) {
	return &tfprotov6.ReadDataSourceResponse{Diagnostics: unsupported("data sources")}, nil
}

func (floor) CallFunction(context.Context, *tfprotov6.CallFunctionRequest) (*tfprotov6.CallFunctionResponse, error) {
	return &tfprotov6.CallFunctionResponse{Error: &tfprotov6.FunctionError{Text: "the benchmark's floor provider has no functions"}}, nil
}

func (floor) GetFunctions(context.Context, *tfprotov6.GetFunctionsRequest) (*tfprotov6.GetFunctionsResponse, error) {
	return &tfprotov6.GetFunctionsResponse{}, nil
}

func (floor) ValidateEphemeralResourceConfig(context.Context, *tfprotov6.ValidateEphemeralResourceConfigRequest) (*tfprotov6.ValidateEphemeralResourceConfigResponse, error) {
	return &tfprotov6.ValidateEphemeralResourceConfigResponse{Diagnostics: unsupported("ephemeral resources")}, nil
}

func (floor) OpenEphemeralResource(context.Context, *tfprotov6.OpenEphemeralResourceRequest) (*tfprotov6.OpenEphemeralResourceResponse, error) {
	return &tfprotov6.OpenEphemeralResourceResponse{Diagnostics: unsupported("ephemeral resources")}, nil
}

func (floor) RenewEphemeralResource(context.Context, *tfprotov6.RenewEphemeralResourceRequest) (*tfprotov6.RenewEphemeralResourceResponse, error) {
	return &tfprotov6.RenewEphemeralResourceResponse{Diagnostics: unsupported("ephemeral resources")}, nil
}

func (floor) CloseEphemeralResource(context.Context, *tfprotov6.CloseEphemeralResourceRequest) (*tfprotov6.CloseEphemeralResourceResponse, error) {
	return &tfprotov6.CloseEphemeralResourceResponse{Diagnostics: unsupported("ephemeral resources")}, nil
}
