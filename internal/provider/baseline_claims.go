package provider

import (
	"slices"
	"sync"
)

// baselineClaims detects two securescore_baseline resources of one provider configuration (one tenant) that
// ask different things of the same control, which would make each apply undo the other.
//
// Terraform tells a provider nothing about other resources, and ValidateResourceConfig sees one resource at a
// time without its address. What one provider instance does see is every baseline it plans in one walk: this
// registry lives in the providerData that Configure makes for that walk. A control planned twice with the same
// decision is not reported, because it cannot be told apart from Terraform planning one resource twice; such
// duplicates agree, so they do not fight, and the docs say that one control belongs to one resource.
type baselineClaims struct {
	mu      sync.Mutex
	claimed map[string]controlDecision
}

func newBaselineClaims() *baselineClaims {
	return &baselineClaims{claimed: map[string]controlDecision{}}
}

// claim records the decisions of one planned baseline and returns, sorted, the controls that another baseline
// planned in this walk with a different decision.
func (c *baselineClaims) claim(decisions map[string]controlDecision) []string {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	var conflicts []string
	for id, d := range decisions {
		if prev, ok := c.claimed[id]; ok && !prev.equal(d) {
			conflicts = append(conflicts, id)
			continue
		}
		c.claimed[id] = d
	}
	slices.Sort(conflicts)
	return conflicts
}
