package provider

import (
	"maps"
	"slices"
)

// missing_controls values.
const (
	missingControlsError = "error"
	missingControlsWarn  = "warn"
)

// sortedKeys are m's keys in order.
func sortedKeys[V any](m map[string]V) []string {
	return slices.Sorted(maps.Keys(m))
}
