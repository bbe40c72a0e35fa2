package provider

import "fmt"

// on_destroy, shared by the resources that set controls' states (securescore_control_profile,
// securescore_baseline): what happens to a control the resource stops managing, on destroy, replacement or (in a
// baseline) when its key is removed; and the deprecated reset_on_destroy it replaces.
const (
	onDestroyRestore = "restore" // back to its decision from before the resource first changed it
	onDestroyReset   = "reset"   // back to Default, nobody assigned, no comment
	onDestroyKeep    = "keep"    // nothing is sent
)

// checkOnDestroy accepts the on_destroy values.
func checkOnDestroy(s string) error {
	if s == onDestroyRestore || s == onDestroyReset || s == onDestroyKeep {
		return nil
	}
	return fmt.Errorf("%q is not accepted; expected %s", s, quotedList([]string{onDestroyRestore, onDestroyReset, onDestroyKeep}))
}

// onDestroyForReset is the on_destroy the deprecated reset_on_destroy means.
func onDestroyForReset(reset bool) string {
	if reset {
		return onDestroyReset
	}
	return onDestroyKeep
}

const (
	resetOnDestroyDescription = "Deprecated: use `on_destroy`. `true` is `on_destroy = \"reset\"`, `false` is " +
		"`on_destroy = \"keep\"`; it cannot be set together with `on_destroy`."
	resetOnDestroyDeprecation = "use on_destroy instead: reset_on_destroy = true is on_destroy = \"reset\", false is on_destroy = \"keep\"."
)

// conflictingResetOnDestroy reports a configuration that sets both on_destroy and reset_on_destroy.
func conflictingResetOnDestroy(diags *diagnostics) {
	diags.addAttrError(attribute("reset_on_destroy"), "Conflicting on_destroy and reset_on_destroy",
		"reset_on_destroy cannot be set together with on_destroy, which replaces it (true is \"reset\", false is "+
			"\"keep\"): remove reset_on_destroy.")
}
