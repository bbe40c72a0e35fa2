package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// baselineDeleteTimeoutDescription describes the baseline's delete timeout.
const baselineDeleteTimeoutDescription = "How long destroy (putting every control back to `Default`) may take, retries included. Default `30m`."

// baselineResourceSchema is the resource's schema, as the framework served it (TestBaselineSchemaMatchesFramework);
// baselineResourceType is its value type.
func baselineResourceSchema() *tfprotov6.Schema {
	md := tfprotov6.StringKindMarkdown
	str := func(name, description string, required, optional, computed bool) *tfprotov6.SchemaAttribute {
		return &tfprotov6.SchemaAttribute{Name: name, Type: tftypes.String, Required: required, Optional: optional, Computed: computed,
			Description: description, DescriptionKind: md}
	}
	// The timeouts block's descriptions are plain text, as terraform-plugin-framework-timeouts writes them.
	timeout := func(name, description string) *tfprotov6.SchemaAttribute {
		return &tfprotov6.SchemaAttribute{Name: name, Type: tftypes.String, Optional: true, Description: description}
	}
	return &tfprotov6.Schema{
		Version: 0,
		Block: &tfprotov6.SchemaBlock{
			DescriptionKind: md,
			Description: "Holds the decisions for many Microsoft Secure Score controls of one tenant (the provider's) in one " +
				"resource: which controls are resolved through a third party, ignored (risk accepted), reviewed or back to default, " +
				"with an assignee and a comment. The same decisions can be applied to many tenants with one module (see the " +
				"multi-tenant guide).\n\n" +
				"The resource is **not authoritative**: controls that are not in `controls` are never touched. A control removed " +
				"from `controls` is handled as destroy handles every control: put back to `Default` (state `Default`, no assignee, " +
				"no comment), or left as it is when `reset_on_destroy = false`.\n\n" +
				"A refresh reads the tenant's control profiles with one paged list (`$top=1000`, `@odata.nextLink` followed), never " +
				"one `GET` per control, and the plan shows the change of each control. An apply sends one " +
				"`PATCH /security/secureScoreControlProfiles/{id}` for each control that differs, at most 4 at a time (Graph's " +
				"limit of concurrent Secure Score requests per app and tenant), and reads nothing back. When some of them fail, the " +
				"controls that changed are written to state and the error names every failed control with the reason; the next " +
				"apply sends only those.\n\n" +
				"Import by tenant id (`terraform import securescore_baseline.this <tenant id>` or an `import` block) reads every " +
				"control whose newest update is not a pristine `Default` (a state other than `Default`, an assignee or a comment), " +
				"so `terraform plan -generate-config-out=baseline.tf` writes the tenant's decisions as HCL.\n\n" +
				"~> A control must be managed by one resource only: not by two baselines, nor by a baseline and a " +
				"`securescore_control_profile`. Terraform does not tell a provider about other resources, so this is only detected " +
				"when two baselines of one provider configuration ask different things of the same control (an error at plan).",
			Attributes: []*tfprotov6.SchemaAttribute{
				{Name: "controls", Required: true, DescriptionKind: md,
					Description: "The decisions, by control id (the control profile's id, e.g. `AdminMFAV2` or " +
						"`11770.MDA_Google_EnableTwoFactorAuth`). Controls left out are not managed.",
					NestedType: &tfprotov6.SchemaObject{Nesting: tfprotov6.SchemaObjectNestingModeMap, Attributes: []*tfprotov6.SchemaAttribute{
						str("assigned_to", "Who the control is assigned to, e.g. `secops@contoso.com`. Leave it out for nobody "+
							"(sent as an empty `assignedTo`; an empty value from Graph reads as null). An empty string is not accepted.", false, true, false),
						str("comment", "A comment recorded with the change. Leave it out for none (sent as an empty `comment`; "+
							"an empty value from Graph reads as null). An empty string is not accepted.", false, true, false),
						str("state", "The control's state: `Default`, `Ignored` (risk accepted: the control leaves the score), "+
							"`ThirdParty` (resolved through a third party: the control earns its points) or `Reviewed`, as on "+
							"`securescore_control_profile`.", true, false, false),
					}}},
				str("id", "The tenant id (a GUID), as Graph reports it in each control's `azureTenantId`. Used for import.", false, false, true),
				str("missing_controls", "What a control the tenant does not have (the set of controls depends on licences) does: "+
					"`error` (the default) fails the plan naming it; `warn` warns, skips it and lists it in `skipped_controls`, "+
					"so that one baseline fits tenants with different licences. A skipped control is applied once the tenant has it.", false, true, true),
				{Name: "reset_on_destroy", Type: tftypes.Bool, Optional: true, Computed: true, DescriptionKind: md,
					Description: "Whether a control removed from `controls`, and every control on destroy, is put back to " +
						"`Default` (one `PATCH` each, unless it already is). With `false` it only leaves Terraform state and keeps its " +
						"state in Secure Score. Default `true`."},
				{Name: "skipped_controls", Type: baselineSkippedType, Computed: true, DescriptionKind: md,
					Description: "The controls of `controls` the tenant does not have, skipped because `missing_controls = \"warn\"`."},
			},
			BlockTypes: []*tfprotov6.SchemaNestedBlock{{TypeName: "timeouts", Nesting: tfprotov6.SchemaNestedBlockNestingModeSingle,
				Block: &tfprotov6.SchemaBlock{Attributes: []*tfprotov6.SchemaAttribute{
					timeout("create", writeTimeoutDescriptions.create),
					timeout("delete", baselineDeleteTimeoutDescription),
					timeout("read", writeTimeoutDescriptions.read),
					timeout("update", writeTimeoutDescriptions.update),
				}}}},
		},
	}
}

// The framework's own validators of the schema above: each value is checked with a plain comparison first, and
// only a value that fails is passed to the validator, so the diagnostics read exactly as they did.
var (
	baselineNonEmpty        validator.String = stringvalidator.LengthAtLeast(1)
	baselineStateValidator  validator.String = stringvalidator.OneOfCaseInsensitive(controlStates...)
	baselineMissingControls validator.String = stringvalidator.OneOf(missingControlsError, missingControlsWarn)
	baselineTimeoutDuration                  = func() validator.String {
		block, ok := writeTimeoutsBlock(context.Background(), baselineDeleteTimeoutDescription).(schema.SingleNestedBlock)
		if !ok {
			panic("the timeouts block is not a single nested block")
		}
		create, ok := block.Attributes["create"].(schema.StringAttribute)
		if !ok || len(create.Validators) != 1 {
			panic("the timeouts block's create attribute is not a string with one validator")
		}
		return create.Validators[0]
	}()
)

// validateBaselineConfig checks what the schema's types cannot (Terraform checks required attributes and types
// itself). Unknown values are checked once they are known.
func validateBaselineConfig(ctx context.Context, config baselineObject) diag.Diagnostics {
	var diags diag.Diagnostics
	fail := func(v validator.String, p path.Path, s string) {
		var resp validator.StringResponse
		v.ValidateString(ctx, validator.StringRequest{Path: p, PathExpression: p.Expression(), ConfigValue: types.StringValue(s)}, &resp)
		diags.Append(resp.Diagnostics...)
	}
	if controls := config["controls"]; isKnown(controls) {
		var elems map[string]tftypes.Value
		if err := controls.As(&elems); err != nil {
			diags.AddError("Unexpected baseline controls value", err.Error())
			return diags
		}
		if _, ok := elems[""]; ok {
			// As the framework: a map whose own validators failed has its elements left unchecked.
			fail(baselineNonEmpty, path.Root("controls").AtMapKey(""), "")
		} else {
			validateBaselineControls(&diags, elems, fail)
		}
	}
	if mc := config["missing_controls"]; isKnown(mc) {
		if s := stringOf(mc); s != missingControlsError && s != missingControlsWarn {
			fail(baselineMissingControls, path.Root("missing_controls"), s)
		}
	}
	if t := config["timeouts"]; isKnown(t) {
		var attrs map[string]tftypes.Value
		if err := t.As(&attrs); err == nil {
			for _, name := range sortedKeys(attrs) {
				if v := attrs[name]; isKnown(v) {
					if _, err := time.ParseDuration(stringOf(v)); err != nil {
						fail(baselineTimeoutDuration, path.Root("timeouts").AtName(name), stringOf(v))
					}
				}
			}
		}
	}
	return diags
}

// validateBaselineControls checks each element of controls.
func validateBaselineControls(diags *diag.Diagnostics, elems map[string]tftypes.Value, fail func(validator.String, path.Path, string)) {
	for _, id := range sortedKeys(elems) {
		p := path.Root("controls").AtMapKey(id)
		var attrs map[string]tftypes.Value
		if e := elems[id]; !isKnown(e) || e.As(&attrs) != nil || attrs["state"].IsNull() {
			// The framework reads a null or unknown element's attributes as null, so its required state is missing.
			missingRequired(diags, p.AtName("state"))
			continue
		}
		if st := attrs["state"]; isKnown(st) {
			if !isControlState(stringOf(st)) {
				fail(baselineStateValidator, p.AtName("state"), stringOf(st))
			}
		}
		for _, name := range []string{"assigned_to", "comment"} {
			if v := attrs[name]; isKnown(v) && stringOf(v) == "" {
				fail(baselineNonEmpty, p.AtName(name), "")
			}
		}
	}
}

// missingRequired is the framework's error for a required attribute the configuration leaves null.
func missingRequired(diags *diag.Diagnostics, p path.Path) {
	diags.AddAttributeError(p, "Missing Configuration for Required Attribute",
		fmt.Sprintf("Must set a configuration value for the %s attribute as the provider has marked it as required.\n\n", p)+
			"Refer to the provider documentation or contact the provider developers for additional information about configurable attributes that are required.")
}
