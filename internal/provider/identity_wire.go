package provider

import (
	"bytes"
	"fmt"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/vmihailenco/msgpack/v5"
)

// The identities of the raw resources (securescore_control_profile, securescore_baseline) are objects of a few
// strings. A refresh of a thousand controls returns a thousand of them, so they are written straight as msgpack
// (a map of strings) rather than built as tftypes values; the rare reads of one (import by identity, an identity
// upgrade) go through tftypes, which reads both encodings Terraform may send.

// identityAttribute is one string attribute of a resource identity.
type identityAttribute struct {
	name        string
	description string
	required    bool // RequiredForImport; else OptionalForImport (derived from the provider's configuration)
}

// stringIdentity is the identity schema of a raw resource: string attributes, in the order the values that encode
// takes and decode gives are in (an object's msgpack encoding may list its attributes in any order).
type stringIdentity struct {
	version int64
	attrs   []identityAttribute
}

func newStringIdentity(version int64, attrs ...identityAttribute) stringIdentity {
	return stringIdentity{version: version, attrs: attrs}
}

// schema is the identity schema as GetResourceIdentitySchemas gives it.
func (s stringIdentity) schema() *tfprotov6.ResourceIdentitySchema {
	out := &tfprotov6.ResourceIdentitySchema{Version: s.version}
	for _, a := range s.attrs {
		out.IdentityAttributes = append(out.IdentityAttributes, &tfprotov6.ResourceIdentitySchemaAttribute{
			Name: a.name, Type: tftypes.String, RequiredForImport: a.required, OptionalForImport: !a.required,
			Description: a.description,
		})
	}
	return out
}

// objectType is the identity's value type.
func (s stringIdentity) objectType() tftypes.Object {
	types := make(map[string]tftypes.Type, len(s.attrs))
	for _, a := range s.attrs {
		types[a.name] = tftypes.String
	}
	return tftypes.Object{AttributeTypes: types}
}

// encode is the identity of values, one per attribute in s.attrs' order; every value must be known and non-empty
// (Terraform refuses an identity with unknown values, and an empty one identifies nothing).
func (s stringIdentity) encode(values ...string) (*tfprotov6.ResourceIdentityData, error) {
	if len(values) != len(s.attrs) {
		return nil, fmt.Errorf("identity of %d attributes given %d values", len(s.attrs), len(values))
	}
	var buf bytes.Buffer
	enc := msgpack.NewEncoder(&buf)
	if err := enc.EncodeMapLen(len(values)); err != nil {
		return nil, err
	}
	for i, a := range s.attrs {
		if values[i] == "" {
			return nil, fmt.Errorf("the identity's %s is not known", a.name)
		}
		if err := enc.EncodeString(a.name); err != nil {
			return nil, err
		}
		if err := enc.EncodeString(values[i]); err != nil {
			return nil, err
		}
	}
	return &tfprotov6.ResourceIdentityData{IdentityData: &tfprotov6.DynamicValue{MsgPack: buf.Bytes()}}, nil
}

// decode returns the values of an identity, in s.attrs' order; a null attribute is "". An identity from an import
// block is wholly known (Terraform checks), but is checked here too.
func (s stringIdentity) decode(d *tfprotov6.ResourceIdentityData) ([]string, error) {
	if d == nil || d.IdentityData == nil {
		return nil, fmt.Errorf("no identity was given")
	}
	v, err := d.IdentityData.Unmarshal(s.objectType())
	if err != nil {
		return nil, fmt.Errorf("reading the identity: %w", err)
	}
	return s.values(v)
}

// values are the attributes of an identity value, in s.attrs' order.
func (s stringIdentity) values(v tftypes.Value) ([]string, error) {
	var attrs map[string]tftypes.Value
	if err := v.As(&attrs); err != nil {
		return nil, fmt.Errorf("reading the identity: %w", err)
	}
	out := make([]string, len(s.attrs))
	for i, a := range s.attrs {
		av, ok := attrs[a.name]
		if !ok || av.IsNull() {
			continue
		}
		if !av.IsKnown() {
			return nil, fmt.Errorf("the identity's %s is not known", a.name)
		}
		if err := av.As(&out[i]); err != nil {
			return nil, fmt.Errorf("reading the identity's %s: %w", a.name, err)
		}
	}
	return out, nil
}

// upgrade answers UpgradeResourceIdentity. Terraform calls it only for an identity stored with another version than
// the schema's; there is one version so far, so an identity of this version (as a test or a later downgrade may
// send) is read and given back, and any other is refused, naming what (e.g. "control profile").
func (s stringIdentity) upgrade(req *tfprotov6.UpgradeResourceIdentityRequest, what string) *tfprotov6.UpgradeResourceIdentityResponse {
	resp := &tfprotov6.UpgradeResourceIdentityResponse{}
	if req.Version != s.version {
		resp.Diagnostics = errorDiagnostics("Unable to upgrade the "+what+"'s identity", fmt.Sprintf("The stored identity has "+
			"version %d, which this provider does not know (its identity is version %d). It was written by another version "+
			"of the provider: use that version, or remove the resource from state and import it again.", req.Version, s.version))
		return resp
	}
	if req.RawIdentity == nil || req.RawIdentity.JSON == nil {
		resp.Diagnostics = errorDiagnostics("Unable to upgrade the "+what+"'s identity", "Terraform sent no stored identity to upgrade.")
		return resp
	}
	v, err := req.RawIdentity.UnmarshalWithOpts(s.objectType(), tfprotov6.UnmarshalOpts{})
	var values []string
	if err == nil {
		values, err = s.values(v)
	}
	var data *tfprotov6.ResourceIdentityData
	if err == nil {
		data, err = s.encode(values...)
	}
	if err != nil {
		resp.Diagnostics = errorDiagnostics("Unable to upgrade the "+what+"'s identity", err.Error())
		return resp
	}
	resp.UpgradedIdentity = data
	return resp
}
