package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
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

// nullUnknowns applies nullUnknowns to every attribute of the control profile model.
func (m *controlProfileResourceModelV1) nullUnknowns(ctx context.Context) diag.Diagnostics {
	var diags diag.Diagnostics
	for _, f := range m.fields() {
		if err := nullUnknownField(ctx, f); err != nil {
			diags.AddError("Unable to build the control profile's state from the plan", fmt.Sprintf("%s: %s", f.name, err))
		}
	}
	return diags
}

func nullUnknownField(ctx context.Context, f modelField) error {
	tv, err := f.get().ToTerraformValue(ctx)
	if err != nil {
		return err
	}
	if tv, err = nullUnknowns(tv); err != nil {
		return err
	}
	av, err := f.typ.ValueFromTerraform(ctx, tv)
	if err != nil {
		return err
	}
	if !f.set(av) {
		return fmt.Errorf("unexpected value type %T", av)
	}
	return nil
}
