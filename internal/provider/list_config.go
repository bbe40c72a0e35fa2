package provider

import (
	"fmt"
	"slices"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// listTenantID is the attribute that names the tenant of a list configuration of one tenant.
const listTenantID = "tenant_id"

// What the list resources share: their configuration is a handful of values decoded once per query with tftypes
// (a list block's `config`), and their failures are one result carrying the diagnostics, which Terraform reports
// and which ends the list.

// listAttribute is one attribute of a list resource's configuration: optional, of a primitive type or a set of
// strings.
type listAttribute struct {
	name        string
	typ         tftypes.Type
	description string
}

// listSchemaOf is the schema of a list resource's configuration.
func listSchemaOf(description string, attrs ...listAttribute) *tfprotov6.Schema {
	block := &tfprotov6.SchemaBlock{Description: description, DescriptionKind: tfprotov6.StringKindMarkdown}
	for _, a := range attrs {
		block.Attributes = append(block.Attributes, &tfprotov6.SchemaAttribute{Name: a.name, Type: a.typ, Optional: true,
			Description: a.description, DescriptionKind: tfprotov6.StringKindMarkdown})
	}
	return &tfprotov6.Schema{Block: block}
}

// listConfigType is the value type of a configuration of attrs.
func listConfigType(attrs []listAttribute) tftypes.Object {
	types := make(map[string]tftypes.Type, len(attrs))
	for _, a := range attrs {
		types[a.name] = a.typ
	}
	return tftypes.Object{AttributeTypes: types}
}

// listConfig is a decoded list configuration: its attributes by name. A null configuration (no `config` block)
// has every attribute null.
type listConfig map[string]tftypes.Value

// decodeListConfig reads a list resource's configuration.
func decodeListConfig(dv *tfprotov6.DynamicValue, attrs []listAttribute) (listConfig, error) {
	typ := listConfigType(attrs)
	out := listConfig{}
	if dv == nil {
		return out, nil
	}
	v, err := dv.Unmarshal(typ)
	if err != nil {
		return nil, fmt.Errorf("reading the list configuration: %w", err)
	}
	if v.IsNull() {
		return out, nil
	}
	if !v.IsKnown() {
		return nil, fmt.Errorf("the list configuration is not known")
	}
	if err := v.As((*map[string]tftypes.Value)(&out)); err != nil {
		return nil, fmt.Errorf("reading the list configuration: %w", err)
	}
	return out, nil
}

// known reports whether the attribute name is known (null counts as known).
func (c listConfig) known(name string) bool {
	v, ok := c[name]
	return !ok || v.IsKnown()
}

// tenantID is the tenant_id attribute; "" when null (the provider's tenant). An unknown value reads as "" too:
// ListResource only ever sees known configurations (Terraform checks), and validation skips what is unknown.
func (c listConfig) tenantID() string {
	var s string
	if v, ok := c[listTenantID]; ok && v.IsKnown() && !v.IsNull() {
		_ = v.As(&s)
	}
	return s
}

// flag is a bool attribute; false when null.
func (c listConfig) flag(name string) bool {
	var b bool
	if v, ok := c[name]; ok && v.IsKnown() && !v.IsNull() {
		_ = v.As(&b)
	}
	return b
}

// strings is a set of strings, sorted; nil when null (no filter), and nil too for an element not known yet.
func (c listConfig) strings(name string) ([]string, bool) {
	v, ok := c[name]
	if !ok || v.IsNull() || !v.IsKnown() {
		return nil, false
	}
	var elems []tftypes.Value
	if err := v.As(&elems); err != nil {
		return nil, false
	}
	out := make([]string, 0, len(elems))
	for _, e := range elems {
		var s string
		if !e.IsKnown() || e.IsNull() || e.As(&s) != nil {
			return nil, false
		}
		out = append(out, s)
	}
	slices.Sort(out)
	return out, true
}

// listFailure is a list that ends at once with diags.
func listFailure(diags []*tfprotov6.Diagnostic) *tfprotov6.ListResourceServerStream {
	return &tfprotov6.ListResourceServerStream{Results: func(push func(tfprotov6.ListResourceResult) bool) {
		push(tfprotov6.ListResourceResult{Diagnostics: diags})
	}}
}

// listOf streams warnings (first, as a result without an identity, which Terraform shows and then goes on), then
// results, at most limit of them (Terraform's `limit`, which it stops reading at; 0 or less: all). When the limit
// leaves results out, the last one pushed carries a warning that says how many there were, as Terraform does not.
func listOf(warnings []*tfprotov6.Diagnostic, results []tfprotov6.ListResourceResult, limit int64, what string) *tfprotov6.ListResourceServerStream {
	if limit > 0 && int64(len(results)) > limit {
		kept := slices.Clone(results[:limit])
		last := &kept[len(kept)-1]
		last.Diagnostics = append(slices.Clone(last.Diagnostics), &tfprotov6.Diagnostic{
			Severity: tfprotov6.DiagnosticSeverityWarning,
			Summary:  "More results than the list block's limit",
			Detail: fmt.Sprintf("%d %s matched; the list block's `limit` (%d) kept the first %d, in the order listed. "+
				"Set a higher `limit` in the list block to see them all.", len(results), what, limit, limit),
		})
		results = kept
	}
	if len(warnings) > 0 {
		results = append([]tfprotov6.ListResourceResult{{Diagnostics: warnings}}, results...)
	}
	return &tfprotov6.ListResourceServerStream{Results: func(push func(tfprotov6.ListResourceResult) bool) {
		for _, r := range results {
			if !push(r) {
				return
			}
		}
	}}
}
