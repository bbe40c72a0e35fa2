package provider

import (
	"fmt"
	"strings"
)

// How messages name control ids, tenants and accepted values.

// quoted is each of list in quotes, separated by commas: how messages name control ids and accepted values.
func quoted(list []string) string {
	q := make([]string, len(list))
	for i, s := range list {
		q[i] = fmt.Sprintf("%q", s)
	}
	return strings.Join(q, ", ")
}

// quotedList is "a", "b" or "c".
func quotedList(list []string) string {
	if len(list) < 2 {
		return quoted(list)
	}
	return quoted(list[:len(list)-1]) + " or " + fmt.Sprintf("%q", list[len(list)-1])
}
