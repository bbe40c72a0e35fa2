package provider

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/securescore/terraform-provider-securescore/internal/graph"
)

// tenantOfSecureScoreID maps an import id to the tenant: a tenant GUID or verified domain as is, or a snapshot id
// `<tenant GUID>_<yyyy-MM-dd>` to its tenant.
func tenantOfSecureScoreID(id string) (string, error) {
	id = strings.TrimSpace(id)
	if checkTenantID(id) == nil {
		return id, nil
	}
	if tenant, day, ok := strings.Cut(id, "_"); ok && guidPattern.MatchString(tenant) {
		if _, err := time.Parse(time.DateOnly, day); err == nil {
			return tenant, nil
		}
	}
	return "", fmt.Errorf("%q is neither a tenant (its GUID or a verified domain) nor a secure score snapshot id (<tenant id>_<yyyy-MM-dd>), "+
		"e.g. `terraform import securescore_secure_score.current 00000000-0000-0000-0000-000000000000`", id)
}

// newestSecureScore is the tenant's current score: the newest snapshot ($top=1); nil when Graph lists none.
func newestSecureScore(ctx context.Context, client *graph.Client) (*graph.SecureScore, error) {
	list, err := client.ListSecureScores(ctx, graph.ListOptions{Top: 1, Limit: 1})
	if err != nil {
		return nil, err
	}
	if len(list.Value) == 0 {
		return nil, nil
	}
	return &list.Value[0], nil
}
