package provider

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/securescore/terraform-provider-securescore/internal/emulator"
)

// A list page whose @odata.nextLink leaves the configured endpoint (protocol-relative, or a user-info trick)
// fails the data source with a clear error, and the other host never receives a request (nor the token).
func TestAccListDataSources_foreignNextLinkRefused(t *testing.T) {
	env := newAccEnv(t, emulator.Config{})
	env.needsEmulator(t)
	var hits atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write([]byte(`{"value":[]}`))
	}))
	t.Cleanup(other.Close)
	otherHost := strings.TrimPrefix(other.URL, "http://")
	emuHost := strings.TrimPrefix(env.url, "http://")

	step := func(data, link string) resource.TestStep {
		return resource.TestStep{
			PreConfig: func() {
				env.emu.SetFaults(emulator.Faults{ForeignNextLink: link})
				env.resetJournal()
			},
			Config:      env.providerBlock() + fmt.Sprintf("data %q \"test\" {}\n", data),
			ExpectError: regexp.MustCompile(`(?s)refusing\s+to\s+follow\s+@odata.nextLink`),
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			step("securescore_control_profiles", "//"+otherHost+"/v1.0/security/secureScoreControlProfiles?$skiptoken=x"),
			step("securescore_secure_scores", "http://"+emuHost+"@"+otherHost+"/v1.0/security/secureScores?$skiptoken=x"),
		},
	})
	if n := hits.Load(); n != 0 {
		t.Fatalf("the foreign host received %d requests", n)
	}
	if reads := env.reads(); len(reads) != 1 {
		t.Fatalf("%d Graph reads in the last step, want the first page only", len(reads))
	}
}
