package provider

// Terraform values in plain Go, for the resources served on terraform-plugin-go: their cores work on these
// instead of tftypes or framework values, and the protocol edge converts once (see attribute_table.go and
// baseline_fields.go).

// valueState says whether a Terraform value is null, unknown ("known after apply") or known. The zero value is
// null, so a zero model is the null of every attribute.
type valueState uint8

const (
	valueNull valueState = iota
	valueKnown
	valueUnknown
)

// tfValue is one Terraform value: null, unknown or known. Its value is the zero value unless known, so two
// values of a comparable T are equal exactly when == says so.
type tfValue[T any] struct {
	v     T
	state valueState
}

type (
	tfString = tfValue[string]
	tfBool   = tfValue[bool]
)

func tfKnown[T any](v T) tfValue[T]  { return tfValue[T]{v: v, state: valueKnown} }
func tfUnknown[T any]() tfValue[T]   { return tfValue[T]{state: valueUnknown} }
func (x tfValue[T]) isNull() bool    { return x.state == valueNull }
func (x tfValue[T]) isUnknown() bool { return x.state == valueUnknown }
func (x tfValue[T]) isKnown() bool   { return x.state == valueKnown }
func (x tfValue[T]) value() T        { return x.v } // the zero value unless known

// tfStringOrNull is s, or null for "": Graph answers "" for an assignee or comment that was never set.
func tfStringOrNull(s string) tfString {
	if s == "" {
		return tfString{}
	}
	return tfKnown(s)
}

// tfStringOrUnknown is s as a planned value: "" is known only after apply.
func tfStringOrUnknown(s string) tfString {
	if s == "" {
		return tfUnknown[string]()
	}
	return tfKnown(s)
}

// tfStringPtr is *p, or null for nil.
func tfStringPtr(p *string) tfString {
	if p == nil {
		return tfString{}
	}
	return tfKnown(*p)
}

// orElse is the value when known, else v.
func (x tfValue[T]) orElse(v T) T {
	if x.state == valueKnown {
		return x.v
	}
	return v
}

// ptr is the value's address, nil unless known: what Graph's optional properties take.
func (x tfValue[T]) ptr() *T {
	if x.state != valueKnown {
		return nil
	}
	v := x.v
	return &v
}
