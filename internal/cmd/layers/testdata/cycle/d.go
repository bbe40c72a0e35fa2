package cycle

func D() {}

// A method reaches the file of its receiver type (d.go -> a.go); nothing points at d.go.
func (a A) fromD() string { return a.name() }
