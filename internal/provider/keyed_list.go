package provider

// Collections whose elements are matched by a key (control_scores by control_name, average_comparative_scores
// by basis): a PATCH replaces them whole, so plan, validation and the PATCH body find an element's counterpart
// by key rather than by list index.

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// keyedElement is an element model of a keyed collection.
type keyedElement interface {
	key() types.String
}

func (e controlScoreModelV0) key() types.String            { return e.ControlName }
func (e averageComparativeScoreModelV0) key() types.String { return e.Basis }

// firstByKey indexes elems by known key; the first element with a key wins.
func firstByKey[E keyedElement](elems []E) map[string]E {
	out := make(map[string]E, len(elems))
	for _, e := range elems {
		if _, dup := out[e.key().ValueString()]; known(e.key()) && !dup {
			out[e.key().ValueString()] = e
		}
	}
	return out
}

// fillByKey sets the unknown attributes of planned elements from the prior element with the same key, through
// fill. Elements without a prior match keep their unknowns.
func fillByKey[E keyedElement](ctx context.Context, planned, prior types.List, elemType attr.Type, fill func(e *E, prev E)) (types.List, diag.Diagnostics) {
	var diags diag.Diagnostics
	if !known(planned) || !known(prior) {
		return planned, diags
	}
	var p, s []E
	diags.Append(planned.ElementsAs(ctx, &p, false)...)
	diags.Append(prior.ElementsAs(ctx, &s, false)...)
	if diags.HasError() {
		return planned, diags
	}
	byKey := firstByKey(s)
	for i := range p {
		prev, ok := byKey[p[i].key().ValueString()]
		if !known(p[i].key()) || !ok {
			continue
		}
		fill(&p[i], prev)
	}
	list, d := types.ListValueFrom(ctx, elemType, p)
	diags.Append(d...)
	return list, diags
}

// rejectDuplicateKeys adds an error at each element of list (the attribute attrName) whose key keyName an
// earlier element already uses.
func rejectDuplicateKeys[E keyedElement](ctx context.Context, list types.List, attrName, keyName, what string, diags *diag.Diagnostics) {
	if !known(list) {
		return
	}
	var elems []E
	diags.Append(list.ElementsAs(ctx, &elems, false)...)
	seen := map[string]int{}
	for i, e := range elems {
		if !known(e.key()) {
			continue
		}
		if j, dup := seen[e.key().ValueString()]; dup {
			diags.AddAttributeError(path.Root(attrName).AtListIndex(i).AtName(keyName), "Duplicate "+keyName,
				fmt.Sprintf("%s %q is already used by element %d; each %s may appear once.", keyName, e.key().ValueString(), j, what))
		}
		seen[e.key().ValueString()] = i
	}
}
