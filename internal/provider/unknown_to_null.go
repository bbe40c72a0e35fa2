package provider

import (
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// nullUnknowns replaces every unknown in v, at any depth, with null. After a write that landed but could not be
// read back, state is the plan with this applied: every value the plan kept known stays (Terraform requires
// it), and what only the service could have told is null until the next refresh.
func nullUnknowns(v tftypes.Value) (tftypes.Value, error) {
	return tftypes.Transform(v, func(_ *tftypes.AttributePath, v tftypes.Value) (tftypes.Value, error) {
		if !v.IsKnown() {
			return tftypes.NewValue(v.Type(), nil), nil
		}
		return v, nil
	})
}
