package provider

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
)

// needsQuery skips a test below Terraform 1.14, the first with list resources and `terraform query`, and under
// OpenTofu, which has neither, saying why.
func needsQuery(t *testing.T) []tfversion.TerraformVersionCheck {
	t.Helper()
	skipUnderOpenTofu(t, "OpenTofu has no `query` command and no list resources")
	return []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_14_0)}
}

// queryJournal is a query check that runs fn, typically on the emulator's journal of the query just made (query
// steps take no Check functions).
type queryJournal func() error

var _ querycheck.QueryResultCheck = queryJournal(nil)

func (f queryJournal) CheckQuery(_ context.Context, _ querycheck.CheckQueryRequest, resp *querycheck.CheckQueryResponse) {
	resp.Error = f()
}
