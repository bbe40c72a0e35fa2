package cycle

// A refers to B (a.go -> b.go).
type A struct{ b B }

func (A) name() string { return "a" }
