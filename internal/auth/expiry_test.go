package auth

import (
	"context"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/oauth2"
)

// Odd expiries must not make every call fetch a new token.
func TestCachingSourceClampsOddExpiry(t *testing.T) {
	start := time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
	for name, expiry := range map[string]time.Time{
		"an hour ago":           start.Add(-time.Hour),
		"now":                   start,
		"a nanosecond from now": start.Add(time.Nanosecond),
		"epoch -5":              time.Unix(-5, 0),
		"far past":              time.Unix(-maxEpochSeconds, 0),
		"year 9999":             time.Unix(maxEpochSeconds, 0),
	} {
		t.Run(name, func(t *testing.T) {
			clock := &fakeClock{t: start}
			var n atomic.Int32
			src := NewCachingSource(func(context.Context) (*oauth2.Token, error) {
				return &oauth2.Token{AccessToken: "t" + strconv.Itoa(int(n.Add(1))), Expiry: expiry}, nil
			})
			src.now = clock.now
			for i := 0; i < 50; i++ {
				if _, err := src.Token(context.Background()); err != nil {
					t.Fatal(err)
				}
			}
			if got := n.Load(); got != 1 {
				t.Fatalf("50 calls made %d fetches, want 1", got)
			}
			// Still refreshed in the end: within a day at most.
			clock.advance(maxTokenLife)
			if _, err := src.Token(context.Background()); err != nil {
				t.Fatal(err)
			}
			if got := n.Load(); got != 2 {
				t.Fatalf("after a day %d fetches, want 2", got)
			}
		})
	}
}

// The same through the parsers: managed identity and Azure CLI answers with odd expiry fields.
func TestOddExpiryFieldsFetchOnce(t *testing.T) {
	for _, body := range []string{
		`{"access_token":"a","expires_on":"-5"}`,
		`{"access_token":"a","expires_on":-9223372036854775808}`,
		`{"access_token":"a","expires_on":"inf"}`,
		`{"access_token":"a","expires_on":"-Infinity"}`,
		`{"access_token":"a","expires_on":1e300}`,
		`{"access_token":"a","expires_on":"99999999999999999999999"}`,
		`{"access_token":"a","expires_in":0}`,
		`{"access_token":"a","expires_in":"-3600"}`,
		`{"access_token":"a","expires_in":9223372036854775807}`,
		`{"access_token":"a","expires_in":1e19}`,
	} {
		t.Run("msi "+body, func(t *testing.T) {
			f := newFakeIdentity(t, credAnswer(200, body))
			src, err := NewManagedIdentity(ManagedIdentityConfig{Endpoint: f.srv.URL, Scope: credScope})
			if err != nil {
				t.Fatal(err)
			}
			for i := 0; i < 20; i++ {
				if _, err := src.Token(context.Background()); err != nil {
					t.Fatal(err)
				}
			}
			if got := f.calls.Load(); got != 1 {
				t.Fatalf("20 calls made %d requests, want 1", got)
			}
		})
	}
	for _, expiresOn := range []string{"-1", "0", `"-inf"`, "1e400", "18446744073709551616"} {
		t.Run("az expires_on "+expiresOn, func(t *testing.T) {
			argsFile := fakeAz(t, `{"accessToken":"`+cliAccessToken+`","expires_on":`+expiresOn+`,"tokenType":"Bearer"}`, "", 0)
			src, err := NewAzureCLI(AzureCLIConfig{Scope: credScope})
			if err != nil {
				t.Fatal(err)
			}
			for i := 0; i < 20; i++ {
				if _, err := src.Token(context.Background()); err != nil {
					t.Fatal(err)
				}
			}
			if runs := countRuns(t, argsFile); runs != 1 {
				t.Fatalf("20 calls ran az %d times, want 1", runs)
			}
		})
	}
}

// countRuns counts the runs fakeAz recorded.
func countRuns(t *testing.T, argsFile string) int {
	t.Helper()
	b, err := os.ReadFile(argsFile)
	if err != nil {
		t.Fatal(err)
	}
	return strings.Count(string(b), "get-access-token\n")
}
