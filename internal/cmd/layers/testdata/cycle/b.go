package cycle

type B struct{}

// use refers to cValue (b.go -> c.go).
func (B) use() int { return cValue }
