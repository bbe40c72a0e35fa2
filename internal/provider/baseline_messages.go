package provider

import (
	"fmt"
	"strings"
)

// The baseline's words for what users get wrong most: a state in the portal's words, a control id in the wrong
// case or with a typo, and Defender for Endpoint controls.

// missingControlsText names the controls a tenant lacks, each with the control it most likely meant.
func missingControlsText(missing, listed []string) string {
	parts := make([]string, len(missing))
	for i, id := range missing {
		parts[i] = fmt.Sprintf("%q", id)
		if c, ok := closest(id, listed); ok {
			parts[i] += fmt.Sprintf(" (did you mean %q?)", c)
		}
	}
	return strings.Join(parts, ", ")
}

// defenderControlsText explains why Defender for Endpoint controls cannot be in a baseline.
func defenderControlsText(ids []string) string {
	return fmt.Sprintf("%s: Microsoft Defender for Endpoint controls (ids scid_…, service MDATP). Microsoft Graph refuses "+
		"updates of these controls (400 Bad Request); change their state in the Microsoft Defender portal (Vulnerability "+
		"management > Security recommendations) instead.", quoted(ids))
}

// decisionText is a decision as the warnings show it, e.g. "Ignored" (assigned to "secops@contoso.com").
func decisionText(d controlDecision) string {
	s := fmt.Sprintf("%q", d.State)
	var extra []string
	if d.AssignedTo != "" {
		extra = append(extra, fmt.Sprintf("assigned to %q", d.AssignedTo))
	}
	if d.Comment != "" {
		extra = append(extra, fmt.Sprintf("comment %q", d.Comment))
	}
	if len(extra) > 0 {
		s += " (" + strings.Join(extra, ", ") + ")"
	}
	return s
}
