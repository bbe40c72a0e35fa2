package provider

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/int32validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/securescore/terraform-provider-securescore/internal/graph"
)

var (
	_ datasource.DataSource              = (*secureScoresDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*secureScoresDataSource)(nil)
)

// NewSecureScoresDataSource returns the securescore_secure_scores data source.
func NewSecureScoresDataSource() datasource.DataSource {
	return &secureScoresDataSource{dataSourceBase{typeName: "_secure_scores"}}
}

type secureScoresDataSource struct {
	dataSourceBase
}

// secureScoresDataSourceModelV0 is the securescore_secure_scores data source.
type secureScoresDataSourceModelV0 struct {
	dataSourceArgsV0
	Top          types.Int32  `tfsdk:"top"`
	Filter       types.String `tfsdk:"filter"`
	SecureScores types.List   `tfsdk:"secure_scores"`
}

// secureScoreSummaryModelV0 is one day of the history.
type secureScoreSummaryModelV0 struct {
	ID                types.String   `tfsdk:"id"`
	AzureTenantID     types.String   `tfsdk:"azure_tenant_id"`
	CreatedDateTime   dateTimeOffset `tfsdk:"created_date_time"`
	CurrentScore      types.Float64  `tfsdk:"current_score"`
	MaxScore          types.Float64  `tfsdk:"max_score"`
	ActiveUserCount   types.Int32    `tfsdk:"active_user_count"`
	LicensedUserCount types.Int32    `tfsdk:"licensed_user_count"`
}

// secureScoreSummarySelect is the $select of the history: only the properties the summary holds, so 90 days
// of controlScores are never transferred.
var secureScoreSummarySelect = []string{"id", "azureTenantId", "createdDateTime", "currentScore", "maxScore", "activeUserCount", "licensedUserCount"}

var secureScoreSummaryType = types.ObjectType{AttrTypes: map[string]attr.Type{
	"id":                  types.StringType,
	"azure_tenant_id":     types.StringType,
	"created_date_time":   dateTimeOffsetType{},
	"current_score":       types.Float64Type,
	"max_score":           types.Float64Type,
	"active_user_count":   types.Int32Type,
	"licensed_user_count": types.Int32Type,
}}

func (d *secureScoresDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads a tenant's (`tenant_id`, else the provider's) Microsoft Secure Score history (Graph keeps 90 days, one score per day), newest first. " +
			"It asks Graph only for the summary properties below (`$select`) and follows `@odata.nextLink` until `top` " +
			"scores are collected or the history ends. For one day's control scores, use the `securescore_secure_score` data " +
			"source with that day's `id`.",
		Attributes: map[string]schema.Attribute{
			"tenant_id": tenantIDDataSourceAttribute(),
			"top": schema.Int32Attribute{
				MarkdownDescription: "How many days to read, newest first (`$top`). Leave it out for the whole history.",
				Optional:            true,
				Validators:          []validator.Int32{int32validator.AtLeast(1)},
			},
			"filter": schema.StringAttribute{
				MarkdownDescription: "An OData `$filter` sent as is, e.g. `azureTenantId eq '00000000-0000-0000-0000-000000000000'`. " +
					"Graph supports `eq` comparisons joined by `and`.",
				Optional:   true,
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"secure_scores": schema.ListNestedAttribute{
				MarkdownDescription: "The scores, newest first.",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"id":              schema.StringAttribute{MarkdownDescription: "The score's id, `<tenant id>_<yyyy-MM-dd>`.", Computed: true},
					"azure_tenant_id": schema.StringAttribute{MarkdownDescription: "`azureTenantId`.", Computed: true},
					"created_date_time": schema.StringAttribute{CustomType: dateTimeOffsetType{},
						MarkdownDescription: "`createdDateTime`: when the score was computed.", Computed: true},
					"current_score":       schema.Float64Attribute{MarkdownDescription: "`currentScore`. Null for `NaN` or an infinity.", Computed: true},
					"max_score":           schema.Float64Attribute{MarkdownDescription: "`maxScore`. Null for `NaN` or an infinity.", Computed: true},
					"active_user_count":   schema.Int32Attribute{MarkdownDescription: "`activeUserCount`.", Computed: true},
					"licensed_user_count": schema.Int32Attribute{MarkdownDescription: "`licensedUserCount`.", Computed: true},
				}},
			},
		},
		Blocks: map[string]schema.Block{"timeouts": timeouts.Block(ctx)},
	}
}

func (d *secureScoresDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg secureScoresDataSourceModelV0
	d.read(ctx, req, resp, &cfg, func(ctx context.Context, tenant *tenantData, diags *diag.Diagnostics) *dataSourceAnswer {
		top := int(cfg.Top.ValueInt32())
		opts := graph.ListOptions{Top: top, Limit: top, Filter: cfg.Filter.ValueString(), Select: secureScoreSummarySelect}
		tflog.Debug(ctx, "Listing secure scores", map[string]any{"top": top, "filter": opts.Filter, "tenant": tenant.name})
		list, err := tenant.client.ListSecureScores(ctx, opts)
		if err != nil {
			diags.AddError("Unable to list secure scores", fmt.Sprintf("The secure scores of %s: %s", tenant.label(), err))
			return nil
		}
		scores := list.Value
		if top > 0 && len(scores) > top {
			scores = scores[:top]
		}
		answered := make([]string, len(scores))
		for i := range scores {
			answered[i] = scores[i].AzureTenantID
		}
		return &dataSourceAnswer{what: "The secure score history", tenants: answered, store: func() diag.Diagnostics {
			var d diag.Diagnostics
			cfg.SecureScores, d = secureScoreSummaries(ctx, scores)
			return d
		}}
	})
}

// secureScoreSummaries converts the list, newest first by createdDateTime (the service's order already; sorting
// makes it so whatever a proxy or page boundary did). Scores without a date go last, in received order.
func secureScoreSummaries(ctx context.Context, scores []graph.SecureScore) (types.List, diag.Diagnostics) {
	var diags diag.Diagnostics
	sorted := make([]*graph.SecureScore, len(scores))
	for i := range scores {
		sorted[i] = &scores[i]
	}
	created := func(s *graph.SecureScore) (time.Time, bool) {
		if s.CreatedDateTime == nil {
			return time.Time{}, false
		}
		return s.CreatedDateTime.Time, true
	}
	sort.SliceStable(sorted, func(i, j int) bool {
		a, okA := created(sorted[i])
		b, okB := created(sorted[j])
		if okA != okB {
			return okA
		}
		return a.After(b)
	})
	out := make([]secureScoreSummaryModelV0, len(sorted))
	for i, s := range sorted {
		p := path.Root("secure_scores").AtListIndex(i)
		out[i] = secureScoreSummaryModelV0{
			ID:                types.StringValue(s.ID),
			AzureTenantID:     types.StringValue(s.AzureTenantID),
			CreatedDateTime:   dateTimeValue(s.CreatedDateTime),
			CurrentScore:      doubleValue(s.CurrentScore, p.AtName("current_score"), &diags),
			MaxScore:          doubleValue(s.MaxScore, p.AtName("max_score"), &diags),
			ActiveUserCount:   types.Int32PointerValue(s.ActiveUserCount),
			LicensedUserCount: types.Int32PointerValue(s.LicensedUserCount),
		}
	}
	list, d := types.ListValueFrom(ctx, secureScoreSummaryType, out)
	diags.Append(d...)
	return list, diags
}
