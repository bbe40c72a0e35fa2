package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/int32validator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/float64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int32planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/listplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/objectplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/securescore/terraform-provider-securescore/internal/graph"
)

var (
	_ resource.Resource                   = (*secureScoreResource)(nil)
	_ resource.ResourceWithConfigure      = (*secureScoreResource)(nil)
	_ resource.ResourceWithImportState    = (*secureScoreResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*secureScoreResource)(nil)
	_ resource.ResourceWithValidateConfig = (*secureScoreResource)(nil)
	_ resource.ResourceWithUpgradeState   = (*secureScoreResource)(nil)
)

// secureScoreSchemaVersion 2: tenant_id names the tenant (version 1 had only id); version 1: id is the tenant id
// and snapshot_id the snapshot read last (version 0 stored the snapshot id `<tenant>_<date>` as id; see
// secure_score_upgrade.go).
const secureScoreSchemaVersion = 2

// NewSecureScoreResource returns the securescore_secure_score resource.
func NewSecureScoreResource() resource.Resource {
	return &secureScoreResource{resourceBase{typeName: "_secure_score"}}
}

type secureScoreResource struct {
	resourceBase
}

func (r *secureScoreResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = secureScoreResourceSchema(ctx)
}

// secureScoreResourceSchema is the current schema; secureScoreResourceSchemaV0 derives version 0 from it.
func secureScoreResourceSchema(ctx context.Context) schema.Schema {
	keepString := []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
	keepFloat := []planmodifier.Float64{float64planmodifier.UseStateForUnknown()}
	keepInt := []planmodifier.Int32{int32planmodifier.UseStateForUnknown()}

	return schema.Schema{
		Version: secureScoreSchemaVersion,
		MarkdownDescription: "Manages a tenant's Microsoft Secure Score (`microsoft.graph.secureScore`) through Microsoft Graph: " +
			"the tenant's score, not one day's snapshot; the tenant is `tenant_id`, else the provider's. Graph keeps one snapshot per day (ids `<tenant id>_<yyyy-MM-dd>`, 90 " +
			"days); the resource's `id` is the tenant id, every refresh reads the newest snapshot (`$top=1`) and " +
			"`snapshot_id` says which one was read last.\n\n" +
			"Create and update send the seed's `PATCH /security/secureScores` on the collection (the tenant's current score), " +
			"create with the configured properties and update with only the properties that changed; a changed collection is " +
			"sent whole, with the properties Graph returned that this schema does not model (for example `scoreInPercentage`) " +
			"merged back into each element so that they are kept.\n\n" +
			"~> **This PATCH is documented only in Microsoft's beta reference** (an update page that the v1.0 reference does " +
			"not have), so by default it goes to `/beta` while reads use `/v1.0`. The service may refuse it. The update that " +
			"tools use in production is the control-profile PATCH of `securescore_control_profile`.\n\n" +
			"Every property is optional: what you leave out is read from the service and never shows as a change.\n\n" +
			"~> **Destroy does not delete anything.** Microsoft Graph has no delete for secure scores: `terraform destroy` " +
			"only removes the resource from Terraform state (with a warning) and sends no request.\n\n" +
			"Microsoft Graph can return `NaN`, `INF` or `-INF` for a score. Terraform numbers cannot hold them, so such a value " +
			"is stored as null with a warning.",
		Attributes: map[string]schema.Attribute{
			"tenant_id": schema.StringAttribute{
				MarkdownDescription: "The tenant whose score this is, a GUID or a verified domain such as `contoso.onmicrosoft.com`. " +
					"Defaults to the provider's tenant. State records the tenant's GUID as Microsoft Graph reports it " +
					"(`azureTenantId`). Another tenant, set here or reached through the provider's, replaces the resource: it is never " +
					"moved from one tenant to another.",
				Optional:   true,
				Computed:   true,
				Validators: []validator.String{tenantIDValidator()},
			},
			"id": schema.StringAttribute{
				MarkdownDescription: "The tenant id (`azureTenantId`): the resource is the tenant's score, whatever the day. " +
					"Import takes the tenant (its GUID or a verified domain), or a snapshot id `<tenant id>_<yyyy-MM-dd>`, which is " +
					"mapped to its tenant.",
				Computed:      true,
				PlanModifiers: keepString,
			},
			"snapshot_id": schema.StringAttribute{
				MarkdownDescription: "The id of the daily snapshot read or written last, as Graph returns it (typically " +
					"`<tenant id>_<yyyy-MM-dd>`). It moves to the new day's snapshot when Graph computes one.",
				Computed:      true,
				PlanModifiers: keepString,
			},
			"active_user_count": schema.Int32Attribute{
				MarkdownDescription: "`activeUserCount`: the number of active users in the tenant. 0 or more.",
				Optional:            true,
				Computed:            true,
				Validators:          []validator.Int32{int32validator.AtLeast(0)},
				PlanModifiers:       keepInt,
			},
			"licensed_user_count": schema.Int32Attribute{
				MarkdownDescription: "`licensedUserCount`: the number of licensed users in the tenant. 0 or more.",
				Optional:            true,
				Computed:            true,
				Validators:          []validator.Int32{int32validator.AtLeast(0)},
				PlanModifiers:       keepInt,
			},
			"azure_tenant_id": schema.StringAttribute{
				MarkdownDescription: "`azureTenantId`: the tenant the score belongs to.",
				Optional:            true,
				Computed:            true,
				PlanModifiers:       keepString,
			},
			"created_date_time": schema.StringAttribute{
				CustomType: dateTimeOffsetType{},
				MarkdownDescription: "`createdDateTime`: when the score was computed, in RFC 3339 (e.g. `2023-01-10T00:00:00Z`). " +
					"Another spelling of the same instant (precision or offset) is not a change.",
				Optional:      true,
				Computed:      true,
				PlanModifiers: keepString,
			},
			"current_score": schema.Float64Attribute{
				MarkdownDescription: "`currentScore`: the tenant's current score. Null when Graph returns `NaN` or an infinity.",
				Optional:            true,
				Computed:            true,
				PlanModifiers:       keepFloat,
			},
			"max_score": schema.Float64Attribute{
				MarkdownDescription: "`maxScore`: the highest score reachable. Null when Graph returns `NaN` or an infinity.",
				Optional:            true,
				Computed:            true,
				PlanModifiers:       keepFloat,
			},
			"enabled_services": schema.SetAttribute{
				MarkdownDescription: "`enabledServices`: the Microsoft services enabled for the tenant (e.g. `HasExchange`). A set: order does not matter.",
				ElementType:         types.StringType,
				Optional:            true,
				Computed:            true,
				PlanModifiers:       []planmodifier.Set{setplanmodifier.UseStateForUnknown()},
			},
			"average_comparative_scores": schema.ListNestedAttribute{
				MarkdownDescription: "`averageComparativeScores`: average scores of comparable tenants, one per `basis`. " +
					"Extra properties Graph adds to each element are kept by the provider and sent back on update.",
				Optional:      true,
				Computed:      true,
				PlanModifiers: []planmodifier.List{listplanmodifier.UseStateForUnknown()},
				NestedObject: schema.NestedAttributeObject{
					Attributes: map[string]schema.Attribute{
						"average_score": schema.Float64Attribute{
							MarkdownDescription: "`averageScore`: the average score for this basis. Null when Graph returns `NaN` or an infinity.",
							Optional:            true,
							Computed:            true,
						},
						"basis": schema.StringAttribute{
							MarkdownDescription: "`basis`: what the average is over, e.g. `AllTenants`, `TotalSeats` or `IndustryTypes`. Identifies the element.",
							Required:            true,
						},
					},
				},
			},
			"control_scores": schema.ListNestedAttribute{
				MarkdownDescription: "`controlScores`: the tenant's score per security control. Extra properties Graph adds to each " +
					"element (such as `scoreInPercentage`, `on`, `count`, `total`, `lastSynced`, `implementationStatus`) are kept by " +
					"the provider and sent back on update.",
				Optional:      true,
				Computed:      true,
				PlanModifiers: []planmodifier.List{listplanmodifier.UseStateForUnknown()},
				NestedObject: schema.NestedAttributeObject{
					Attributes: map[string]schema.Attribute{
						"control_category": schema.StringAttribute{
							MarkdownDescription: "`controlCategory`: the control's category, e.g. `Identity`, `Data`, `Device`, `Apps`.",
							Optional:            true,
							Computed:            true,
						},
						"control_name": schema.StringAttribute{
							MarkdownDescription: "`controlName`: the control's name, e.g. `MFARegistrationV2`. Identifies the element.",
							Required:            true,
						},
						"description": schema.StringAttribute{
							MarkdownDescription: "`description`: the control's description.",
							Optional:            true,
							Computed:            true,
						},
						"score": schema.Float64Attribute{
							MarkdownDescription: "`score`: the tenant's score for the control. Null when Graph returns `NaN` or an infinity.",
							Optional:            true,
							Computed:            true,
						},
					},
				},
			},
			"vendor_information": schema.SingleNestedAttribute{
				MarkdownDescription: "`vendorInformation`: who produced the score. Graph's real value is provider `SecureScore`, vendor `Microsoft`.",
				Optional:            true,
				Computed:            true,
				PlanModifiers:       []planmodifier.Object{objectplanmodifier.UseStateForUnknown()},
				Attributes: map[string]schema.Attribute{
					"provider": schema.StringAttribute{
						MarkdownDescription: "`provider`: the product or service, e.g. `SecureScore`.",
						Optional:            true,
						Computed:            true,
						PlanModifiers:       keepString,
					},
					"provider_version": schema.StringAttribute{
						MarkdownDescription: "`providerVersion`: the version of the provider.",
						Optional:            true,
						Computed:            true,
						PlanModifiers:       keepString,
					},
					"sub_provider": schema.StringAttribute{
						MarkdownDescription: "`subProvider`: the sub-component of the provider.",
						Optional:            true,
						Computed:            true,
						PlanModifiers:       keepString,
					},
					"vendor": schema.StringAttribute{
						MarkdownDescription: "`vendor`: the vendor, e.g. `Microsoft`.",
						Optional:            true,
						Computed:            true,
						PlanModifiers:       keepString,
					},
				},
			},
		},
		Blocks: map[string]schema.Block{
			"timeouts": writeTimeoutsBlock(ctx, "Accepted for symmetry; destroy sends no request."),
		},
	}
}

// ValidateConfig rejects duplicate keys in collections: elements are matched by key to keep Graph's extra properties.
func (r *secureScoreResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var cfg secureScoreResourceModelV2
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	rejectDuplicateKeys[controlScoreModelV0](ctx, cfg.ControlScores, "control_scores", "control_name", "control", &resp.Diagnostics)
	rejectDuplicateKeys[averageComparativeScoreModelV0](ctx, cfg.AverageComparativeScores, "average_comparative_scores", "basis", "basis", &resp.Diagnostics)
}

// ImportState takes the import id (see tenantOfSecureScoreID) or an import block's identity (its tenant_id, or none
// for the provider's tenant).
func (r *secureScoreResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	tenant, ok := secureScoreImportTenant(ctx, req, &resp.Diagnostics)
	if !ok {
		return
	}
	// The read that follows takes the tenant from here (null: the provider's) and records its GUID, in state and
	// in the identity.
	name := types.StringNull()
	if tenant != "" {
		name = types.StringValue(tenant)
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), name)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("tenant_id"), name)...)
}

func (r *secureScoreResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan secureScoreResourceModelV2
	var configured types.String
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("tenant_id"), &configured)...)
	if resp.Diagnostics.HasError() {
		return
	}
	// The GUID planned, else the name configured (one whose GUID was not known at plan), else the provider's.
	name := configured.ValueString()
	if known(plan.TenantID) {
		name = plan.TenantID.ValueString()
	}
	ctx, cancel, tenant := r.startWriteIn(ctx, name, "the secure score", plan.Timeouts.Create, &resp.Diagnostics)
	defer cancel()
	if tenant == nil {
		return
	}
	client := tenant.client

	// Collections are replaced whole: when the configuration sets one, read the current score first so that the
	// properties Graph holds beyond the schema survive the PATCH.
	var extras elementExtras
	if known(plan.ControlScores) || known(plan.AverageComparativeScores) {
		tflog.Info(ctx, "Reading the current secure score to keep unmodelled collection properties", map[string]any{"tenant": tenant.name})
		current, err := newestSecureScore(ctx, client)
		if err != nil {
			resp.Diagnostics.AddError("Unable to read the current secure score",
				fmt.Sprintf("The secure score of %s: %s\n\nNothing was sent; no state was written.", tenant.label(), err))
			return
		}
		if current != nil {
			extras = extrasFromGraph(current)
			// Elements the configuration names but only partly sets keep the service's other declared values too.
			var prior secureScoreResourceModelV1
			if d := prior.setFromGraph(ctx, current); d.HasError() {
				resp.Diagnostics.Append(d...)
				return
			}
			var diags diag.Diagnostics
			plan.ControlScores, diags = fillControlScores(ctx, plan.ControlScores, prior.ControlScores)
			resp.Diagnostics.Append(diags...)
			plan.AverageComparativeScores, diags = fillAverageComparativeScores(ctx, plan.AverageComparativeScores, prior.AverageComparativeScores)
			resp.Diagnostics.Append(diags...)
			if resp.Diagnostics.HasError() {
				return
			}
		}
	}

	patch, diags := buildPatch(ctx, &plan.secureScoreResourceModelV1, nil, extras)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	score, ok := patchSecureScore(ctx, tenant, patch, "No state was written.", &resp.Diagnostics)
	if !ok {
		return
	}
	r.writeState(ctx, tenant, &plan, score, resp.Private, &resp.State, &resp.Diagnostics)
	setSecureScoreIdentityOf(ctx, resp.Identity, tenant, &resp.Diagnostics)
}

func (r *secureScoreResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state secureScoreResourceModelV2
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	// The tenant state records, never the provider's current one: a resource does not follow the provider.
	ctx, cancel, tenant := r.startReadIn(ctx, state.tenant(), "secure score", state.Timeouts, &resp.Diagnostics)
	defer cancel()
	if tenant == nil {
		return
	}

	tflog.Info(ctx, "Reading the tenant's newest secure score ($top=1)", map[string]any{"tenant": tenant.name})
	score, err := newestSecureScore(ctx, tenant.client)
	if err != nil {
		resp.Diagnostics.AddError("Unable to read the secure score",
			fmt.Sprintf("The secure score of %s: %s\n\nTerraform state is unchanged.", tenant.label(), err))
		return
	}
	if score == nil {
		// An empty list is not a 404: state is kept, so nothing leaves Terraform on a service hiccup.
		resp.Diagnostics.AddWarning("No secure score found",
			fmt.Sprintf("Microsoft Graph listed no secure score for %s, so it was not refreshed; Terraform state is unchanged.", tenant.label()))
		setSecureScoreIdentityOf(ctx, resp.Identity, tenant, &resp.Diagnostics)
		return
	}
	if id, err := tenant.guid(ctx); err == nil && !strings.EqualFold(score.AzureTenantID, id) {
		resp.Diagnostics.AddError("Secure score of another tenant", answeredTenantError("The secure score of "+tenant.label(), id, score.AzureTenantID).Error()+".")
		return
	}
	resp.Diagnostics.Append(state.setFromGraph(ctx, tenant, score)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
	setSecureScoreIdentity(ctx, resp.Identity, state.ID.ValueString(), &resp.Diagnostics)
	resp.Diagnostics.Append(saveExtras(ctx, resp.Private, score)...)
}

func (r *secureScoreResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state secureScoreResourceModelV2
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	// Another tenant would have planned a replacement: an update stays in state's tenant.
	ctx, cancel, tenant := r.startWriteIn(ctx, state.tenant(), "the secure score", plan.Timeouts.Update, &resp.Diagnostics)
	defer cancel()
	if tenant == nil {
		return
	}

	extras, diags := loadExtras(ctx, req.Private)
	resp.Diagnostics.Append(diags...)
	patch, diags := buildPatch(ctx, &plan.secureScoreResourceModelV1, &state.secureScoreResourceModelV1, extras)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	if len(patch) == 0 {
		// Only timeouts changed: nothing to send.
		plan.ID, plan.SnapshotID, plan.TenantID = state.ID, state.SnapshotID, state.TenantID
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
		setSecureScoreIdentity(ctx, resp.Identity, state.ID.ValueString(), &resp.Diagnostics)
		return
	}
	score, ok := patchSecureScore(ctx, tenant, patch, "Terraform state is unchanged.", &resp.Diagnostics)
	if !ok {
		return
	}
	r.writeState(ctx, tenant, &plan, score, resp.Private, &resp.State, &resp.Diagnostics)
	setSecureScoreIdentityOf(ctx, resp.Identity, tenant, &resp.Diagnostics)
}

// writeState stores the PATCH response. It always sets state once the write went through, so a later problem
// (a warning-worthy value, private state) never loses the fact that the service changed.
func (r *secureScoreResource) writeState(ctx context.Context, tenant *tenantData, plan *secureScoreResourceModelV2, score *graph.SecureScore,
	private privateStateSetter, state *tfsdk.State, diags *diag.Diagnostics) {
	if score == nil {
		// Applied but not read back (readBackScore warned): the plan, with what only the service knows null, and
		// the tenant written to.
		m := *plan
		if id, err := tenant.guid(ctx); err == nil {
			m.ID = types.StringValue(id)
			if !known(m.TenantID) {
				m.TenantID = m.ID
			}
		}
		diags.Append(state.Set(ctx, &m)...)
		raw, err := nullUnknowns(state.Raw)
		if err != nil {
			diags.AddError("Unable to build the secure score's state from the plan", err.Error())
			return
		}
		state.Raw = raw
		return
	}
	m := *plan
	diags.Append(m.setFromGraph(ctx, tenant, score)...)
	diags.Append(state.Set(ctx, &m)...)
	diags.Append(saveExtras(ctx, private, score)...)
}

func (r *secureScoreResource) Delete(_ context.Context, _ resource.DeleteRequest, resp *resource.DeleteResponse) {
	resp.Diagnostics.AddWarning("Secure score only removed from Terraform state",
		"Microsoft Graph has no delete operation for secure scores. The resource was removed from Terraform state; "+
			"nothing was sent to Microsoft Graph and the tenant's secure score is unchanged.")
}
