package main

import (
	"bufio"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/securescore/terraform-provider-securescore/internal/emulator"
)

func TestCheckListen(t *testing.T) {
	for addr, ok := range map[string]bool{"127.0.0.1:0": true, "[::1]:8080": true, "localhost:80": true, "0.0.0.0:8080": false, "192.0.2.1:80": false, ":8080": false} {
		if err := checkListen(addr, false); (err == nil) != ok {
			t.Errorf("%s: %v", addr, err)
		}
	}
	if err := checkListen("0.0.0.0:8080", true); err != nil {
		t.Errorf("allow-remote: %v", err)
	}
}

func TestParseFlags(t *testing.T) {
	o, err := parseFlags([]string{"-tenant-id", "t", "-control-profiles", "50", "-throttle", "2", "-retry-after", "0.2", "-latency", "20ms", "-throttle-rate", "0.3", "-drop-after-write", "1", "-malformed-json", "1", "-html-error", "1", "-unavailable", "1", "-securescore-patch-no-content", "-fail-next-read-after-write", "2", "-odd-types", "3", "-token-lifetime", "2m", "-state", "s.json",
		"-token-unavailable", "2", "-token-status", "504", "-token-stall", "1", "-stall-for", "3s"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if o.cfg.TenantID != "t" || o.cfg.ControlProfiles != 50 || o.cfg.StateFile != "s.json" || o.cfg.TokenLifetime != 2*time.Minute {
		t.Errorf("cfg %+v", o.cfg)
	}
	if f := o.faults; f.Throttle != 2 || f.RetryAfter != "0.2" || f.Latency != 20*time.Millisecond || f.ThrottleRate != 0.3 || f.DropAfterWrite != 1 || f.MalformedJSON != 1 || f.HTMLError != 1 || f.Unavailable != 1 ||
		!f.SecureScorePatchNoContent || f.FailNextReadAfterWrite != 2 || f.OddTypes != 3 ||
		f.TokenUnavailable != 2 || f.TokenStatus != 504 || f.TokenStall != 1 || f.StallFor != 3*time.Second {
		t.Errorf("faults %+v", f)
	}
	if _, err := parseFlags([]string{"-throttle-rate", "2"}, io.Discard); err == nil {
		t.Error("bad rate accepted")
	}
}

// startRun runs the program with args until the test ends, and returns its URL and banner.
func startRun(t *testing.T, args ...string) (base, banner string) {
	t.Helper()
	pr, pw := io.Pipe()
	stop := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- run(append([]string{"-listen", "127.0.0.1:0"}, args...), pw, io.Discard, stop)
		pw.Close()
	}()
	t.Cleanup(func() {
		close(stop)
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("run: %v", err)
			}
		case <-time.After(10 * time.Second):
			t.Error("did not stop")
		}
	})
	sc := bufio.NewScanner(pr)
	var lines []string
	for sc.Scan() {
		lines = append(lines, sc.Text())
		if u, ok := strings.CutPrefix(sc.Text(), "EMULATOR_URL="); ok {
			base = u
			break
		}
	}
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	if base == "" {
		t.Fatal("no EMULATOR_URL line")
	}
	return base, strings.Join(lines, "\n")
}

func TestRunServesAndStops(t *testing.T) {
	base, _ := startRun(t)
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {"11111111-1111-4111-8111-111111111111"}, "client_secret": {"emulator-secret"}, "scope": {base + "/.default"}}
	resp, err := http.PostForm(base+"/contoso.onmicrosoft.com/oauth2/v2.0/token", form)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("token: %d", resp.StatusCode)
	}
}

func TestRunRefusesRemote(t *testing.T) {
	if err := run([]string{"-listen", "0.0.0.0:0"}, io.Discard, io.Discard, nil); err == nil || !strings.Contains(err.Error(), "-allow-remote") {
		t.Errorf("%v", err)
	}
}

func TestParseLimitFlags(t *testing.T) {
	o, err := parseFlags(nil, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	def := emulator.Limits{MaxConcurrent: 4, Window: emulator.Rate{N: 10000, Per: 10 * time.Minute}, ScoreRate: emulator.Rate{N: 150, Per: time.Minute}}
	if o.cfg.Limits != def {
		t.Errorf("default limits %+v, want %+v", o.cfg.Limits, def)
	}
	o, err = parseFlags([]string{"-max-concurrent", "2", "-rate-window", "30/20s", "-score-rate", "10/1m"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	want := emulator.Limits{MaxConcurrent: 2, Window: emulator.Rate{N: 30, Per: 20 * time.Second}, ScoreRate: emulator.Rate{N: 10, Per: time.Minute}}
	if o.cfg.Limits != want {
		t.Errorf("limits %+v, want %+v", o.cfg.Limits, want)
	}
	for _, off := range [][]string{{"-limits=off"}, {"-limits=false"}} {
		if o, err := parseFlags(off, io.Discard); err != nil || !o.cfg.Limits.Off {
			t.Errorf("%v: off=%v err=%v", off, o != nil && o.cfg.Limits.Off, err)
		}
	}
	for _, bad := range [][]string{{"-limits=maybe"}, {"-rate-window", "10000"}, {"-score-rate", "0/1m"}, {"-max-concurrent", "0"}} {
		if _, err := parseFlags(bad, io.Discard); err == nil {
			t.Errorf("%v accepted", bad)
		}
	}
}
