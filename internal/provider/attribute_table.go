package provider

import (
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// An attributeTable lists the attributes of a resource served on terraform-plugin-go once, with where each lives
// in the resource's plain-Go model M. Everything that walks the attributes is derived from it: the schema, the
// value type, the null and unknown forms, the wire codecs (control_profile_wire.go), validation and the generated
// configuration. A new attribute is its model field, its table entry, and the code that gives it meaning.

// attrUse is how the configuration may set an attribute.
type attrUse uint8

const (
	attrRequired         attrUse = iota
	attrOptional                 // null when the configuration leaves it out
	attrOptionalComputed         // the plan fills it in when the configuration leaves it out
	attrComputed                 // only the resource or the service sets it
)

// attrSetBy says who sets a value, which decides its form in a plan.
type attrSetBy uint8

const (
	setByConfig   attrSetBy = iota // the configuration, or a default the plan fills in
	setByResource                  // the resource records it by rules of its own (a tenant, a prior decision)
	setByService                   // only the service, and a write does not change it: unknown only on create
	setByWrite                     // only the service, and every write changes it: unknown whenever one is due
)

// attribute is one attribute of M: exactly one of str, flag and object says where its value lives; an object's
// attributes are in attrs, their accessors also taking the whole model.
type tableAttr[M any] struct {
	name        string
	description string // Markdown
	use         attrUse
	setBy       attrSetBy
	deprecation string             // why the attribute is deprecated and what replaces it; "" = not deprecated
	check       func(string) error // refuses a known configured string; nil = any
	block       bool               // a nested block (timeouts) rather than a nested attribute

	str    func(*M) *tfString
	flag   func(*M) *tfBool
	object func(*M) *valueState
	attrs  []tableAttr[M]
}

// attributeTable is a resource's attributes, sorted by name at every level: the order in which tftypes writes an
// object's attributes, so the codecs walk the table as they walk the bytes.
type attributeTable[M any] struct {
	attrs []tableAttr[M]
	typ   tftypes.Object
}

func newAttributeTable[M any](attrs ...tableAttr[M]) *attributeTable[M] {
	t := &attributeTable[M]{attrs: sortAttributes(attrs)}
	t.typ = objectType(t.attrs)
	return t
}

func sortAttributes[M any](attrs []tableAttr[M]) []tableAttr[M] {
	out := slices.Clone(attrs)
	slices.SortFunc(out, func(a, b tableAttr[M]) int { return strings.Compare(a.name, b.name) })
	for i := range out {
		out[i].attrs = sortAttributes(out[i].attrs)
	}
	return out
}

func objectType[M any](attrs []tableAttr[M]) tftypes.Object {
	types := make(map[string]tftypes.Type, len(attrs))
	for i := range attrs {
		types[attrs[i].name] = attrs[i].tfType()
	}
	return tftypes.Object{AttributeTypes: types}
}

// tfType is the attribute's value type.
func (a *tableAttr[M]) tfType() tftypes.Type {
	switch {
	case a.str != nil:
		return tftypes.String
	case a.flag != nil:
		return tftypes.Bool
	}
	return objectType(a.attrs)
}

// setState sets a's value in m to null or unknown; an object's attributes are then null.
func (a *tableAttr[M]) setState(m *M, s valueState) {
	switch {
	case a.str != nil:
		*a.str(m) = tfString{state: s}
	case a.flag != nil:
		*a.flag(m) = tfBool{state: s}
	default:
		*a.object(m) = s
		for i := range a.attrs {
			a.attrs[i].setState(m, valueNull)
		}
	}
}

// state is whether a's value in m is null, unknown or known.
func (a *tableAttr[M]) state(m *M) valueState {
	switch {
	case a.str != nil:
		return a.str(m).state
	case a.flag != nil:
		return a.flag(m).state
	}
	return *a.object(m)
}

// setEach sets the top-level attributes that which selects to null or unknown.
func (t *attributeTable[M]) setEach(m *M, which func(*tableAttr[M]) bool, s valueState) {
	for i := range t.attrs {
		if which(&t.attrs[i]) {
			t.attrs[i].setState(m, s)
		}
	}
}

// nullUnknowns makes every unknown value in m, at any depth, null: after a write that landed but could not be
// read back, state is the plan so (Terraform requires every value the plan kept known to stay).
func (t *attributeTable[M]) nullUnknowns(m *M) { nullUnknownsIn(t.attrs, m) }

func nullUnknownsIn[M any](attrs []tableAttr[M], m *M) {
	for i := range attrs {
		a := &attrs[i]
		switch a.state(m) {
		case valueUnknown:
			a.setState(m, valueNull)
		case valueKnown:
			nullUnknownsIn(a.attrs, m)
		}
	}
}

// schema is the table as a protocol schema block.
func (t *attributeTable[M]) schema(description string) *tfprotov6.SchemaBlock {
	b := &tfprotov6.SchemaBlock{Description: description, DescriptionKind: tfprotov6.StringKindMarkdown}
	for i := range t.attrs {
		a := &t.attrs[i]
		if a.block {
			b.BlockTypes = append(b.BlockTypes, &tfprotov6.SchemaNestedBlock{TypeName: a.name,
				Nesting: tfprotov6.SchemaNestedBlockNestingModeSingle,
				Block: &tfprotov6.SchemaBlock{Description: a.description, DescriptionKind: tfprotov6.StringKindMarkdown,
					Attributes: schemaAttributes(a.attrs)}})
			continue
		}
		b.Attributes = append(b.Attributes, a.schemaAttribute())
	}
	return b
}

func schemaAttributes[M any](attrs []tableAttr[M]) []*tfprotov6.SchemaAttribute {
	out := make([]*tfprotov6.SchemaAttribute, len(attrs))
	for i := range attrs {
		out[i] = attrs[i].schemaAttribute()
	}
	return out
}

func (a *tableAttr[M]) schemaAttribute() *tfprotov6.SchemaAttribute {
	s := &tfprotov6.SchemaAttribute{Name: a.name, Description: a.description, DescriptionKind: tfprotov6.StringKindMarkdown,
		Required: a.use == attrRequired, Optional: a.use == attrOptional || a.use == attrOptionalComputed,
		Computed: a.use == attrOptionalComputed || a.use == attrComputed, Deprecated: a.deprecation != ""}
	if a.object != nil {
		s.NestedType = &tfprotov6.SchemaObject{Nesting: tfprotov6.SchemaObjectNestingModeSingle, Attributes: schemaAttributes(a.attrs)}
	} else {
		s.Type = a.tfType()
	}
	return s
}

// serviceOnly selects the attributes only the service sets: unknown in a create plan.
func serviceOnly[M any](a *tableAttr[M]) bool {
	return a.setBy == setByService || a.setBy == setByWrite
}

// changedByWrites selects the attributes every write changes: unknown in a plan that writes.
func changedByWrites[M any](a *tableAttr[M]) bool { return a.setBy == setByWrite }

// notConfigurable selects what a generated configuration leaves out: what only the resource or the service sets,
// and deprecated attributes (their replacements are written instead).
func notConfigurable[M any](a *tableAttr[M]) bool {
	return a.use == attrComputed || a.deprecation != ""
}

// validate checks what the schema's types cannot: each known string an attribute's check refuses is an error at
// its path, and each deprecated attribute the configuration sets a warning (Terraform warns too, without the
// replacement). Unknown values are checked at apply, when they are known.
func (t *attributeTable[M]) validate(m *M, diags *diagnostics) {
	validateAttributes(t.attrs, m, nil, diags)
}

func validateAttributes[M any](attrs []tableAttr[M], m *M, parent []string, diags *diagnostics) {
	for i := range attrs {
		a := &attrs[i]
		if a.state(m) != valueKnown {
			continue
		}
		path := append(slices.Clip(parent), a.name)
		name := strings.Join(path, ".")
		if a.deprecation != "" {
			diags.addAttrWarning(attrPathOf(path...), "Deprecated attribute", name+" is deprecated: "+a.deprecation)
		}
		switch {
		case a.object != nil:
			validateAttributes(a.attrs, m, path, diags)
		case a.str != nil && a.check != nil:
			if err := a.check(a.str(m).v); err != nil {
				diags.addAttrError(attrPathOf(path...), "Invalid attribute value", name+": "+err.Error())
			}
		}
	}
}
