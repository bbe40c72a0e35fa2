package cycle

const cValue = 1

// cFunc refers to A (c.go -> a.go), closing the cycle a -> b -> c -> a.
func cFunc() {
	var x A
	_ = x
}

// None of these refers to another file: a local shadowing B, a struct field key and a selector named as d.go's D.
func notReferences() {
	B := 2
	_ = B
	s := struct{ D int }{D: 1}
	_ = s.D
}
