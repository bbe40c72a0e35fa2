package provider

// resourceTimeouts is the timeouts block of a resource served on terraform-plugin-go: durations such as "30s"
// or "2h45m".
type resourceTimeouts struct {
	Object                       valueState
	Create, Read, Update, Delete tfString
}

// timeoutsAttribute is the timeouts block's row of a table: a create, read, update and delete timeout, each
// checked as a duration; only what delete does differs between resources. plain: the descriptions are plain
// text, as terraform-plugin-framework-timeouts writes them.
func timeoutsAttribute[M any](at func(*M) *resourceTimeouts, description, deleteDescription string, plain bool) tableAttr[M] {
	timeout := func(name, description string, of func(*resourceTimeouts) *tfString) tableAttr[M] {
		return tableAttr[M]{name: name, use: attrOptional, check: checkTimeout, description: description, plain: plain,
			value: stringAt(func(m *M) *tfString { return of(at(m)) })}
	}
	return tableAttr[M]{name: "timeouts", use: attrOptional, block: true, description: description, plain: plain,
		object: func(m *M) *valueState { return &at(m).Object },
		attrs: []tableAttr[M]{
			timeout("create", writeTimeoutDescriptions.create, func(t *resourceTimeouts) *tfString { return &t.Create }),
			timeout("read", writeTimeoutDescriptions.read, func(t *resourceTimeouts) *tfString { return &t.Read }),
			timeout("update", writeTimeoutDescriptions.update, func(t *resourceTimeouts) *tfString { return &t.Update }),
			timeout("delete", deleteDescription, func(t *resourceTimeouts) *tfString { return &t.Delete }),
		}}
}
