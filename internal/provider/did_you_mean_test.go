package provider

import (
	"slices"
	"testing"
)

func TestSuggestControlID(t *testing.T) {
	ids := []string{"AdminMFAV2", "OneAdmin", "MFARegistrationV2", "BlockLegacyAuthentication", "11770.MDA_Google_EnableTwoFactorAuth", "scid_2010"}
	for id, want := range map[string]string{
		"adminmfav2":          "AdminMFAV2", // another case first
		"AdminMFA2":           "AdminMFAV2", // one edit
		"OneAdmn":             "OneAdmin",
		"BlockLegacyAuth":     "", // too far: a different name, not a slip
		"MFARegistrationV3":   "MFARegistrationV2",
		"11770.MDA_Google_En": "",
		"scid_2011":           "scid_2010",
		"Unrelated":           "",
		"":                    "",
	} {
		if got := suggestControlID(id, slices.Values(ids)); got != want {
			t.Errorf("%q: %q, want %q", id, got, want)
		}
	}
	if got := didYouMean("AdminMFAV2"); got != ` Did you mean "AdminMFAV2"?` || didYouMean("") != "" {
		t.Errorf("didYouMean: %q", got)
	}
	// Equally near: the first in sorted order, whatever the order given.
	if a, b := suggestControlID("AB", slices.Values([]string{"AC", "AD"})), suggestControlID("AB", slices.Values([]string{"AD", "AC"})); a != "AC" || b != "AC" {
		t.Errorf("ties: %q, %q", a, b)
	}
}
