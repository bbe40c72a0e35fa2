package provider

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// controlProfileResourceSchema is the resource's schema; controlProfileResourceType is its value type.
func controlProfileResourceSchema() *tfprotov6.Schema {
	md := tfprotov6.StringKindMarkdown
	str := func(name, description string, required, optional bool) *tfprotov6.SchemaAttribute {
		return &tfprotov6.SchemaAttribute{Name: name, Type: tftypes.String, Required: required, Optional: optional,
			Description: description, DescriptionKind: md}
	}
	attrs := append(controlProfileResourceAttributes(),
		str("control_id", "The control's name, the id of its `secureScoreControlProfile`, e.g. `AdminMFAV2` or "+
			"`11770.MDA_Google_EnableTwoFactorAuth`. Changing it replaces the resource (the old control is reset first "+
			"unless `reset_on_destroy = false`).", true, false),
		str("state", "The control's state: `Default`, `Ignored` (risk accepted: the control leaves the score), "+
			"`ThirdParty` (resolved through a third party: the control earns its points) or `Reviewed`. Accepted and compared "+
			"in any case (`thirdParty`, `ignored` as Graph's pages and multi-tenant tools write them); it is sent as written "+
			"and state keeps the configuration's spelling whichever case the service answers in, so case never shows as a "+
			"change. Required, because every update sends the state: leaving it to a default would silently reset a state "+
			"set elsewhere. The score moves about 24 hours after a change (Microsoft: points \"generally take about 24 hours "+
			"to update\").", true, false),
		str("assigned_to", "Who the control is assigned to, e.g. `secops@contoso.com`. Leave it out for nobody: "+
			"the update then sends an empty `assignedTo`, and an empty value from Graph reads as null, so no diff arises. "+
			"An empty string is not accepted.", false, true),
		str("comment", "A comment recorded with the change. Leave it out for none (sent as an empty `comment`; an empty "+
			"value from Graph reads as null). An empty string is not accepted.", false, true),
		&tfprotov6.SchemaAttribute{Name: "vendor_information", Optional: true, Computed: true, DescriptionKind: md,
			Description: "`vendorInformation` sent with every update. Defaults to what the service uses: provider " +
				"`SecureScore`, vendor `Microsoft`.",
			NestedType: &tfprotov6.SchemaObject{Nesting: tfprotov6.SchemaObjectNestingModeSingle, Attributes: []*tfprotov6.SchemaAttribute{
				str("provider", "`provider`: the product or service, e.g. `SecureScore`. Required by Graph.", true, false),
				str("provider_version", "`providerVersion`: the version of the provider.", false, true),
				str("sub_provider", "`subProvider`: the sub-component of the provider.", false, true),
				str("vendor", "`vendor`: the vendor, e.g. `Microsoft`. Required by Graph.", true, false),
			}}},
		&tfprotov6.SchemaAttribute{Name: "reset_on_destroy", Type: tftypes.Bool, Optional: true, Computed: true, DescriptionKind: md,
			Description: "Whether destroying the resource puts the control back to `Default` (one PATCH with state " +
				"`Default` and empty `assignedTo` and `comment`). With `false`, destroy only removes the resource from Terraform " +
				"state and the control keeps its state. Default `true`."},
	)
	return &tfprotov6.Schema{
		Version: controlProfileSchemaVersion,
		Block: &tfprotov6.SchemaBlock{
			DescriptionKind: md,
			Description: "Manages the state of one Microsoft Secure Score control (`microsoft.graph.secureScoreControlProfile`): " +
				"mark it resolved through a third party, ignored (risk accepted), reviewed or back to default, and assign it " +
				"with a comment.\n\n" +
				"Create and update send one `PATCH /security/secureScoreControlProfiles/{id}` with the documented body " +
				"(`assignedTo`, `comment`, `state`, `vendorInformation`) and `Prefer: return=representation`, and store the " +
				"response; only when Graph answers `204 No Content` is the profile read back with one `GET`. The service " +
				"records each update as a new `controlStateUpdates` entry, and the newest entry is the control's current state; " +
				"the resource keeps that entry's `updated_by` and `updated_date_time`. The control's catalog facts (title, " +
				"max score, rank, tier, service, threats, remediation, ...) and the whole history are the " +
				"`securescore_control_profile` and `securescore_control_profiles` data sources'.\n\n" +
				"A refresh reads the tenant's control profiles with one paged list per Terraform command (`$top=1000`, " +
				"`@odata.nextLink` followed) instead of one `GET` per control, so a refresh of hundreds of controls stays " +
				"within Graph's limit of 4 concurrent Secure Score requests; a refresh of one control is one `GET`. A control " +
				"missing from the list is confirmed with a `GET` before it leaves state.\n\n" +
				"Destroy puts the control back to `Default` unless `reset_on_destroy = false`.",
			Attributes: attrs,
			BlockTypes: []*tfprotov6.SchemaNestedBlock{{TypeName: "timeouts", Nesting: tfprotov6.SchemaNestedBlockNestingModeSingle,
				Block: &tfprotov6.SchemaBlock{Attributes: []*tfprotov6.SchemaAttribute{
					str("create", writeTimeoutDescriptions.create, false, true),
					str("read", writeTimeoutDescriptions.read, false, true),
					str("update", writeTimeoutDescriptions.update, false, true),
					str("delete", "How long the reset on destroy may take, retries included. Default `30m`.", false, true),
				}}}},
		},
	}
}

// validateControlProfileConfig checks what the schema's types cannot: Terraform checks required attributes and
// types itself. Unknown values are checked at apply time, when they are known.
func validateControlProfileConfig(ctx context.Context, config *tfprotov6.DynamicValue) []*tfprotov6.Diagnostic {
	var m controlProfileResourceModelV1
	if null, err := decodeControlProfile(ctx, config, &m); err != nil || null {
		if err != nil {
			return errorDiagnostics("Unable to read the control profile's configuration", err.Error())
		}
		return nil
	}
	var out []*tfprotov6.Diagnostic
	add := func(d *tfprotov6.Diagnostic) {
		if d != nil {
			out = append(out, d)
		}
	}
	root := tftypes.NewAttributePath()
	add(nonEmpty(root.WithAttributeName("control_id"), m.ControlID))
	add(nonEmpty(root.WithAttributeName("assigned_to"), m.AssignedTo))
	add(nonEmpty(root.WithAttributeName("comment"), m.Comment))
	if known(m.State) && !isControlState(m.State.ValueString()) {
		add(attributeError(root.WithAttributeName("state"), "Invalid Attribute Value Match",
			fmt.Sprintf("Attribute state value must be one of: %s, got: %q (any case is accepted)", quotedList(controlStates), m.State.ValueString())))
	}
	if known(m.VendorInformation) {
		vi := m.VendorInformation.Attributes()
		for _, name := range []string{"provider", "vendor"} {
			if s, ok := vi[name].(types.String); ok {
				add(nonEmpty(root.WithAttributeName("vendor_information").WithAttributeName(name), s))
			}
		}
	}
	if known(m.Timeouts.Object) {
		for name, v := range m.Timeouts.Attributes() {
			s, ok := v.(types.String)
			if !ok || !known(s) {
				continue
			}
			if _, err := time.ParseDuration(s.ValueString()); err != nil {
				add(attributeError(root.WithAttributeName("timeouts").WithAttributeName(name), "Invalid Attribute Value Format",
					fmt.Sprintf("Attribute timeouts.%s must be a duration such as \"30s\" or \"2h45m\" (units s, m, h), got: %q",
						name, s.ValueString())))
			}
		}
	}
	return out
}

// nonEmpty is the error for an empty string, worded as the framework's stringvalidator.LengthAtLeast(1) does.
func nonEmpty(p *tftypes.AttributePath, v types.String) *tfprotov6.Diagnostic {
	if !known(v) || v.ValueString() != "" {
		return nil
	}
	return attributeError(p, "Invalid Attribute Value Length",
		fmt.Sprintf("Attribute %s string length must be at least 1, got: 0", attributePathString(p)))
}

func attributeError(p *tftypes.AttributePath, summary, detail string) *tfprotov6.Diagnostic {
	return &tfprotov6.Diagnostic{Severity: tfprotov6.DiagnosticSeverityError, Summary: summary, Detail: detail, Attribute: p}
}

func attributePathString(p *tftypes.AttributePath) string {
	var names []string
	for _, step := range p.Steps() {
		if n, ok := step.(tftypes.AttributeName); ok {
			names = append(names, string(n))
		}
	}
	return strings.Join(names, ".")
}

func quotedList(list []string) string {
	q := make([]string, len(list))
	for i, s := range list {
		q[i] = fmt.Sprintf("%q", s)
	}
	return "[" + strings.Join(q, " ") + "]"
}
