package clouds

import (
	"strings"
	"testing"
)

func TestLookup(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in                   string
		name, graph, login   string
		scope                string
		secureScoreIsOffered bool
	}{
		{"", "global", "https://graph.microsoft.com", "https://login.microsoftonline.com", "https://graph.microsoft.com/.default", true},
		{"global", "global", "https://graph.microsoft.com", "https://login.microsoftonline.com", "https://graph.microsoft.com/.default", true},
		{"Public", "global", "https://graph.microsoft.com", "https://login.microsoftonline.com", "https://graph.microsoft.com/.default", true},
		{"usgovernment", "usgovernment", "https://graph.microsoft.us", "https://login.microsoftonline.us", "https://graph.microsoft.us/.default", true},
		{"usgovernmentl5", "usgovernmentl5", "https://dod-graph.microsoft.us", "https://login.microsoftonline.us", "https://dod-graph.microsoft.us/.default", true},
		{"usgovernmentl4", "usgovernment", "https://graph.microsoft.us", "https://login.microsoftonline.us", "https://graph.microsoft.us/.default", true},
		{"dod", "usgovernmentl5", "https://dod-graph.microsoft.us", "https://login.microsoftonline.us", "https://dod-graph.microsoft.us/.default", true},
		{" china ", "china", "https://microsoftgraph.chinacloudapi.cn", "https://login.chinacloudapi.cn", "https://microsoftgraph.chinacloudapi.cn/.default", false},
	}
	for _, c := range cases {
		env, err := Lookup(c.in)
		if err != nil {
			t.Fatalf("Lookup(%q): %v", c.in, err)
		}
		if env.Name != c.name || env.GraphEndpoint != c.graph || env.AuthorityHost != c.login || env.Scope() != c.scope || env.SecureScoreOffered != c.secureScoreIsOffered {
			t.Errorf("Lookup(%q) = %+v (scope %q)", c.in, env, env.Scope())
		}
	}
}

func TestLookupUnknownListsAcceptedValues(t *testing.T) {
	t.Parallel()
	_, err := Lookup("germany")
	if err == nil {
		t.Fatal("Lookup(germany) succeeded")
	}
	for _, n := range []string{"global", "public", "usgovernment", "usgovernmentl5", "dod", "china"} {
		if !strings.Contains(err.Error(), n) {
			t.Errorf("error %q does not mention %q", err, n)
		}
	}
}
