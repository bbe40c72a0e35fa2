package provider

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/securescore/terraform-provider-securescore/internal/emulator"
)

// jwtPattern matches a JWT (three base64url segments, the first a JSON header "{"... => "eyJ").
var jwtPattern = regexp.MustCompile(`eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*`)

// Not parallel: TF_LOG / TF_ACC_LOG_PATH are process-wide. Terraform's own TRACE log and the in-process provider's
// tflog sink both write to the file.
func TestAccSecureScoreResource_traceLogHoldsNoSecretOrToken(t *testing.T) {
	secret := "trace-test-secret-" + strings.Repeat("x7", 12)
	if realTenant() {
		secret = os.Getenv(envClientSecret)
	}
	env := newAccEnv(t, emulator.Config{ClientSecret: secret})
	logPath := filepath.Join(t.TempDir(), "trace.log")
	t.Setenv("TF_LOG", "TRACE")
	t.Setenv("TF_ACC_LOG", "TRACE")
	t.Setenv("TF_ACC_LOG_PATH", logPath)
	// The secret comes from the environment, as recommended: a literal in a .tf file is the user's own text and
	// Terraform may echo configuration source in its log.
	t.Setenv(envClientSecret, secret)
	cfg := func(n int) string {
		return env.providerBlockWithSecret("") + fmt.Sprintf("resource \"securescore_secure_score\" \"test\" {\n  active_user_count = %d\n}\n", n)
	}

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: cfg(31)},
			{
				Config: cfg(32),
				Check: func(*terraform.State) error {
					raw, err := os.ReadFile(logPath)
					if err != nil {
						t.Fatalf("reading the TRACE log: %v", err)
					}
					log := string(raw)
					// The log must really hold the provider's and the client's TRACE output, or the test proves nothing.
					for _, want := range []string{"Updating the tenant's secure score", "ConfigureProvider", "[TRACE]"} {
						if !strings.Contains(log, want) {
							t.Fatalf("TRACE log (%d bytes) lacks %q; log capture is not working", len(log), want)
						}
					}
					for _, line := range strings.Split(log, "\n") {
						if strings.Contains(line, secret) {
							t.Errorf("TRACE log contains the client secret: %.300s", strings.ReplaceAll(line, secret, "<SECRET>"))
						}
					}
					if m := jwtPattern.FindString(log); m != "" {
						t.Errorf("TRACE log contains a token: %.20s...", m)
					}
					if strings.Contains(strings.ToLower(log), "bearer ey") {
						t.Errorf("TRACE log contains an Authorization header value")
					}
					return nil
				},
			},
		},
	})
}
