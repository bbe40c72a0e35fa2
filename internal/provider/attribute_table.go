package provider

import (
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// An attributeTable lists the attributes of a resource served on terraform-plugin-go once, with where each lives
// in the resource's plain-Go model M. Both raw resources (the control profile and the baseline) write their
// attributes as such a table. Everything that walks the attributes is derived from it: the schema, the value
// type, the null and unknown forms, the wire codecs (attribute_table_wire.go), equality, defaults, validation
// and the generated configuration. A new attribute is its model field, its table row, and the code that gives
// it meaning.

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

// tableAttr is one attribute of M: exactly one of value and object says where its value lives. value is one
// tfValue of M read and written by a wireCodec (a string, a bool, a set, a map...); object is a single nested
// object whose attributes are in attrs, their accessors also taking the whole model.
type tableAttr[M any] struct {
	name        string
	description string // Markdown, unless plain
	plain       bool   // the description is plain text (as terraform-plugin-framework-timeouts writes it)
	use         attrUse
	setBy       attrSetBy
	deprecation string             // why the attribute is deprecated and what replaces it; "" = not deprecated
	check       func(string) error // refuses a known configured string; nil = any
	def         string             // the string a plan fills in when the configuration leaves it null; "" = none
	block       bool               // a nested block (timeouts) rather than a nested attribute

	value  attrValue[M]
	object func(*M) *valueState
	attrs  []tableAttr[M]
}

// attributeTable is a resource's attributes, sorted by name at every level: the order in which tftypes writes an
// object's attributes, so the codecs walk the table as they walk the bytes.
type attributeTable[M any] struct {
	attrs []tableAttr[M]
	typ   tftypes.Object
	// invalid words the error for a value check refuses; nil: "Invalid attribute value" and the path.
	invalid func(path []string, err error) (summary, detail string)
	// quietDeprecations leaves the warning for a configured deprecated attribute to Terraform.
	quietDeprecations bool
}

func newAttributeTable[M any](attrs ...tableAttr[M]) *attributeTable[M] {
	t := &attributeTable[M]{attrs: sortAttributes(attrs)}
	t.typ = objectType(t.attrs)
	return t
}

// indexOf is the position of the attribute named name, or -1.
func indexOf[M any](attrs []tableAttr[M], name string) int {
	for i := range attrs {
		if attrs[i].name == name {
			return i
		}
	}
	return -1
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
	if a.value != nil {
		return a.value.tfType()
	}
	return objectType(a.attrs)
}

// setState sets a's value in m to null or unknown; an object's attributes are then null.
func (a *tableAttr[M]) setState(m *M, s valueState) {
	if a.value != nil {
		a.value.setState(m, s)
		return
	}
	*a.object(m) = s
	for i := range a.attrs {
		a.attrs[i].setState(m, valueNull)
	}
}

// state is whether a's value in m is null, unknown or known.
func (a *tableAttr[M]) state(m *M) valueState {
	if a.value != nil {
		return a.value.state(m)
	}
	return *a.object(m)
}

// descriptionKind is the kind of a's description.
func (a *tableAttr[M]) descriptionKind() tfprotov6.StringKind {
	if a.plain {
		return tfprotov6.StringKindPlain
	}
	return tfprotov6.StringKindMarkdown
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
				Block: &tfprotov6.SchemaBlock{Description: a.description, DescriptionKind: a.descriptionKind(),
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
	s := &tfprotov6.SchemaAttribute{Name: a.name, Description: a.description, DescriptionKind: a.descriptionKind(),
		Required: a.use == attrRequired, Optional: a.use == attrOptional || a.use == attrOptionalComputed,
		Computed: a.use == attrOptionalComputed || a.use == attrComputed, Deprecated: a.deprecation != ""}
	switch {
	case a.object != nil:
		s.NestedType = &tfprotov6.SchemaObject{Nesting: tfprotov6.SchemaObjectNestingModeSingle, Attributes: schemaAttributes(a.attrs)}
	case a.value.nestedSchema() != nil:
		s.NestedType = a.value.nestedSchema()
	default:
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
// replacement) unless the table leaves that to Terraform. Unknown values are checked at apply, when they are known.
func (t *attributeTable[M]) validate(m *M, diags *diagnostics) {
	t.validateAttributes(t.attrs, m, nil, diags)
}

func (t *attributeTable[M]) validateAttributes(attrs []tableAttr[M], m *M, parent []string, diags *diagnostics) {
	for i := range attrs {
		a := &attrs[i]
		if a.state(m) != valueKnown {
			continue
		}
		path := append(slices.Clip(parent), a.name)
		if a.deprecation != "" && !t.quietDeprecations {
			diags.addAttrWarning(attrPathOf(path...), "Deprecated attribute", strings.Join(path, ".")+" is deprecated: "+a.deprecation)
		}
		if a.object != nil {
			t.validateAttributes(a.attrs, m, path, diags)
			continue
		}
		if s, ok := a.value.knownString(m); ok && a.check != nil {
			if err := a.check(s); err != nil {
				summary, detail := "Invalid attribute value", strings.Join(path, ".")+": "+err.Error()
				if t.invalid != nil {
					summary, detail = t.invalid(path, err)
				}
				diags.addAttrError(attrPathOf(path...), summary, detail)
			}
		}
	}
}

// setDefaults sets each top-level attribute of plan that has a default and that config leaves null to it.
func (t *attributeTable[M]) setDefaults(plan, config *M) {
	for i := range t.attrs {
		if a := &t.attrs[i]; a.def != "" && a.state(config) == valueNull {
			a.value.setString(plan, a.def)
		}
	}
}

// equal reports whether every attribute of a equals b's.
func (t *attributeTable[M]) equal(a, b *M) bool { return equalAttributes(t.attrs, a, b) }

func equalAttributes[M any](attrs []tableAttr[M], a, b *M) bool {
	for i := range attrs {
		x := &attrs[i]
		switch {
		case x.value != nil:
			if !x.value.equal(a, b) {
				return false
			}
		case *x.object(a) != *x.object(b) || !equalAttributes(x.attrs, a, b):
			return false
		}
	}
	return true
}

// equalOn reports whether the named top-level attributes of a and b are equal.
func (t *attributeTable[M]) equalOn(a, b *M, names ...string) bool {
	for _, name := range names {
		if !equalAttributes(t.attrs[indexOf(t.attrs, name):][:1], a, b) {
			return false
		}
	}
	return true
}
