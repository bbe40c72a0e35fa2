package provider

// maybe is an attribute's value as Terraform holds it: set (Value), null, or, in a configuration or a plan, not
// known until apply.
type maybe[T any] struct {
	Value   T
	Null    bool
	Unknown bool
}

func some[T any](v T) maybe[T] { return maybe[T]{Value: v} }

func nullValue[T any]() maybe[T] { return maybe[T]{Null: true} }

func unknownValue[T any]() maybe[T] { return maybe[T]{Unknown: true} }

// known is the value and true when it is set (see knownValue).
func (m maybe[T]) known() (T, bool) { return m.Value, m.isSet() }

// isSet reports whether the value is neither null nor unknown.
func (m maybe[T]) isSet() bool { return !m.Null && !m.Unknown }
