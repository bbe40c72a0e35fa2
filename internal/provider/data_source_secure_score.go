package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/securescore/terraform-provider-securescore/internal/graph"
)

var (
	_ datasource.DataSource              = (*secureScoreDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*secureScoreDataSource)(nil)
)

// NewSecureScoreDataSource returns the securescore_secure_score data source.
func NewSecureScoreDataSource() datasource.DataSource {
	return &secureScoreDataSource{dataSourceBase{typeName: "_secure_score"}}
}

type secureScoreDataSource struct {
	dataSourceBase
}

// secureScoreDataSourceModelV0 is the securescore_secure_score data source.
// Its collection elements carry the open types' extra properties as typed attributes (secure_score_data_model.go).
type secureScoreDataSourceModelV0 struct {
	secureScoreAttrsV0
	dataSourceArgsV0
}

func (d *secureScoreDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attrs := map[string]schema.Attribute{
		"tenant_id": tenantIDDataSourceAttribute(),
		"id": schema.StringAttribute{
			MarkdownDescription: "The secure score to read (`<tenant id>_<yyyy-MM-dd>`). Leave it out for the tenant's current " +
				"(newest) score, read with `GET /security/secureScores?$top=1`.",
			Optional:   true,
			Computed:   true,
			Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
		},
		"active_user_count":   schema.Int32Attribute{MarkdownDescription: "`activeUserCount`: the number of active users in the tenant.", Computed: true},
		"licensed_user_count": schema.Int32Attribute{MarkdownDescription: "`licensedUserCount`: the number of licensed users in the tenant.", Computed: true},
		"azure_tenant_id":     schema.StringAttribute{MarkdownDescription: "`azureTenantId`: the tenant the score belongs to.", Computed: true},
		"created_date_time": schema.StringAttribute{CustomType: dateTimeOffsetType{},
			MarkdownDescription: "`createdDateTime`: when the score was computed, in RFC 3339.", Computed: true},
		"current_score": schema.Float64Attribute{MarkdownDescription: "`currentScore`: the tenant's score. Null when Graph returns `NaN` or an infinity.", Computed: true},
		"max_score":     schema.Float64Attribute{MarkdownDescription: "`maxScore`: the highest score reachable. Null when Graph returns `NaN` or an infinity.", Computed: true},
		"enabled_services": schema.SetAttribute{MarkdownDescription: "`enabledServices`: the Microsoft services enabled for the tenant (e.g. `HasExchange`).",
			ElementType: types.StringType, Computed: true},
		"average_comparative_scores": schema.ListNestedAttribute{
			MarkdownDescription: "`averageComparativeScores`: average scores of comparable tenants, one per `basis`, with the " +
				"category sub-scores and the seat-size range Graph adds. A sub-score Graph does not send is null; Graph uses `-1` " +
				"for \"not available\".",
			Computed: true,
			NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
				"basis":                       schema.StringAttribute{MarkdownDescription: "`basis`: for example `AllTenants`, `TotalSeats` or `IndustryTypes`; the service may add values.", Computed: true},
				"average_score":               schema.Float64Attribute{MarkdownDescription: "`averageScore`: the average score for this basis.", Computed: true},
				"identity_score":              subScore("identityScore", "identity"),
				"identity_score_max":          subScore("identityScoreMax", "the most reachable for identity"),
				"data_score":                  subScore("dataScore", "data"),
				"data_score_max":              subScore("dataScoreMax", "the most reachable for data"),
				"device_score":                subScore("deviceScore", "devices"),
				"device_score_max":            subScore("deviceScoreMax", "the most reachable for devices"),
				"apps_score":                  subScore("appsScore", "apps"),
				"apps_score_max":              subScore("appsScoreMax", "the most reachable for apps"),
				"infrastructure_score":        subScore("infrastructureScore", "infrastructure"),
				"infrastructure_score_max":    subScore("infrastructureScoreMax", "the most reachable for infrastructure"),
				"seat_size_range_lower_value": schema.Int64Attribute{MarkdownDescription: "`SeatSizeRangeLowerValue` (`TotalSeats` only): the smallest seat count of the comparison group. Graph sends it as a string.", Computed: true},
				"seat_size_range_upper_value": schema.Int64Attribute{MarkdownDescription: "`SeatSizeRangeUpperValue` (`TotalSeats` only): the largest seat count of the comparison group. Graph sends it as a string.", Computed: true},
			}},
		},
		"control_scores": schema.ListNestedAttribute{
			MarkdownDescription: "`controlScores`: the tenant's score per security control, with the per-control properties Graph adds.",
			Computed:            true,
			NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
				"control_category":      schema.StringAttribute{MarkdownDescription: "`controlCategory`: for example `Identity`, `Data`, `Device`, `Apps` or `Infrastructure`; the service may add values.", Computed: true},
				"control_name":          schema.StringAttribute{MarkdownDescription: "`controlName`: the control, e.g. `MFARegistrationV2` (a `securescore_control_profile` id).", Computed: true},
				"description":           schema.StringAttribute{MarkdownDescription: "`description`: the control's description.", Computed: true},
				"score":                 schema.Float64Attribute{MarkdownDescription: "`score`: the points the control earns.", Computed: true},
				"score_in_percentage":   schema.Float64Attribute{MarkdownDescription: "`scoreInPercentage`: `score` as a percentage of the control's maximum.", Computed: true},
				"implementation_status": schema.StringAttribute{MarkdownDescription: "`implementationStatus`: Graph's free text, e.g. `You have 5 of 10 users protected.` or `Resolved through third party`; may be empty.", Computed: true},
				"last_synced":           schema.StringAttribute{MarkdownDescription: "`lastSynced`: when Graph last evaluated the control, as Graph wrote it.", Computed: true},
				"on":                    schema.BoolAttribute{MarkdownDescription: "`on`: whether the control is fully in place (Graph sends the string `\"true\"`/`\"false\"`).", Computed: true},
				"count":                 schema.Int64Attribute{MarkdownDescription: "`count`: how many users or items comply (Graph sends a numeric string).", Computed: true},
				"total":                 schema.Int64Attribute{MarkdownDescription: "`total`: how many users or items the control covers (Graph sends a numeric string).", Computed: true},
			}},
		},
		"vendor_information": schema.SingleNestedAttribute{
			MarkdownDescription: "`vendorInformation`: who produced the score, normally provider `SecureScore`, vendor `Microsoft`.",
			Computed:            true,
			Attributes: map[string]schema.Attribute{
				"provider":         schema.StringAttribute{MarkdownDescription: "`provider`: the product or service.", Computed: true},
				"provider_version": schema.StringAttribute{MarkdownDescription: "`providerVersion`: the version of the provider.", Computed: true},
				"sub_provider":     schema.StringAttribute{MarkdownDescription: "`subProvider`: the sub-component of the provider.", Computed: true},
				"vendor":           schema.StringAttribute{MarkdownDescription: "`vendor`: the vendor.", Computed: true},
			},
		},
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads one Microsoft Secure Score (`microsoft.graph.secureScore`) of a tenant (`tenant_id`, else the " +
			"provider's): the one with `id`, or the tenant's current score when `id` is left out. It exposes every property of the `securescore_secure_score` resource plus " +
			"the extra properties Graph sends on each control score and comparative score, as typed attributes. " +
			"`NaN`, `INF` and `-INF` numbers read as null.",
		Attributes: attrs,
		Blocks:     map[string]schema.Block{"timeouts": timeouts.Block(ctx)},
	}
}

func subScore(prop, what string) schema.Float64Attribute {
	return schema.Float64Attribute{MarkdownDescription: fmt.Sprintf("`%s`: the average score for %s.", prop, what), Computed: true}
}

func (d *secureScoreDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg secureScoreDataSourceModelV0
	d.read(ctx, req, resp, &cfg, func(ctx context.Context, tenant *tenantData, diags *diag.Diagnostics) *dataSourceAnswer {
		score := readSecureScore(ctx, tenant, cfg.ID.ValueString(), diags)
		if score == nil {
			return nil
		}
		return &dataSourceAnswer{
			what:    fmt.Sprintf("Secure score %q", score.ID),
			tenants: []string{score.AzureTenantID},
			store:   func() diag.Diagnostics { return cfg.setFromGraph(ctx, score) },
		}
	})
}

// readSecureScore reads the tenant's score with id, or its current one when id is "". nil means diags says why.
func readSecureScore(ctx context.Context, tenant *tenantData, id string, diags *diag.Diagnostics) *graph.SecureScore {
	if id != "" {
		tflog.Debug(ctx, "Reading secure score", map[string]any{"id": id, "tenant": tenant.name})
		score, err := tenant.client.GetSecureScore(ctx, id)
		if err != nil {
			diags.AddError("Unable to read the secure score", fmt.Sprintf("Secure score %q of %s: %s", id, tenant.label(), err))
			return nil
		}
		return score
	}
	tflog.Debug(ctx, "Reading the current secure score", map[string]any{"tenant": tenant.name})
	list, err := tenant.client.ListSecureScores(ctx, graph.ListOptions{Top: 1, Limit: 1})
	if err != nil {
		diags.AddError("Unable to read the current secure score", fmt.Sprintf("The current secure score of %s: %s", tenant.label(), err))
		return nil
	}
	if len(list.Value) == 0 {
		diags.AddError("No secure score found",
			fmt.Sprintf("Microsoft Graph returned no secure scores for %s. Secure Score needs a few days after it is first enabled to compute one.", tenant.label()))
		return nil
	}
	return &list.Value[0]
}
