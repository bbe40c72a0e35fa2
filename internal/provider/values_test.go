package provider

import (
	"context"
	"testing"

	"github.com/securescore/terraform-provider-securescore/internal/graph"
)

func TestNonFiniteDoubleBecomesNullWithWarning(t *testing.T) {
	t.Parallel()
	nan := graph.Double(0)
	nan = graph.Double(nan / nan)
	var m secureScoreResourceModelV1
	d := m.setFromGraph(context.Background(), &graph.SecureScore{ID: "x", CurrentScore: &nan})
	if d.HasError() || d.WarningsCount() != 1 || !m.CurrentScore.IsNull() {
		t.Errorf("got %v, diags %v", m.CurrentScore, d)
	}
}
