// Command securescore-emulator serves the local Microsoft Graph Secure Score + Entra ID token
// emulator (package internal/emulator) until SIGINT or SIGTERM.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/securescore/terraform-provider-securescore/internal/emulator"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr, nil); err != nil {
		fmt.Fprintln(os.Stderr, "securescore-emulator:", err)
		os.Exit(1)
	}
}

type options struct {
	listen      string
	allowRemote bool
	cfg         emulator.Config
	faults      emulator.Faults
	creds       credentialFlags
	tenants     tenantFlags
}

func parseFlags(args []string, stderr io.Writer) (*options, error) {
	o := &options{}
	fs := flag.NewFlagSet("securescore-emulator", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.listen, "listen", "127.0.0.1:8080", "address to listen on (HOST:PORT; port 0 picks a free one)")
	fs.BoolVar(&o.allowRemote, "allow-remote", false, "allow a non-loopback listen address (the emulator hands out tokens for fixed credentials)")
	fs.StringVar(&o.cfg.TenantID, "tenant-id", emulator.DefaultTenantID, "tenant GUID (of the first tenant)")
	fs.StringVar(&o.cfg.TenantDomain, "tenant-domain", emulator.DefaultTenantDomain, "tenant domain accepted in the token URL (of the first tenant)")
	fs.StringVar(&o.cfg.ClientID, "client-id", emulator.DefaultClientID, "client id of the read-write application")
	fs.StringVar(&o.cfg.ClientSecret, "client-secret", emulator.DefaultClientSecret, "client secret of the read-write application")
	fs.StringVar(&o.cfg.ReadOnlyClientID, "readonly-client-id", "", "optional client id of a read-only application (SecurityEvents.Read.All)")
	fs.StringVar(&o.cfg.ReadOnlyClientSecret, "readonly-client-secret", "", "client secret of the read-only application")
	fs.StringVar(&o.cfg.StateFile, "state", "", "JSON state file: loaded at start if present, saved after every write")
	fs.DurationVar(&o.cfg.TokenLifetime, "token-lifetime", emulator.DefaultTokenLifetime, "access token lifetime")
	fs.IntVar(&o.cfg.HistoryDays, "history-days", emulator.DefaultHistoryDays, "days of seeded secureScore history")
	fs.IntVar(&o.cfg.ControlProfiles, "control-profiles", 0, "0 = realistic seed controls; N > 0 = N synthetic control profiles")
	fs.IntVar(&o.faults.Throttle, "throttle", 0, "answer the next N Graph requests with 429")
	fs.StringVar(&o.faults.RetryAfter, "retry-after", "0.1", "Retry-After value sent with 429 and 503")
	fs.Float64Var(&o.faults.ThrottleRate, "throttle-rate", 0, "fraction (0..1) of Graph requests answered with 429")
	fs.IntVar(&o.faults.Unavailable, "unavailable", 0, "answer the next N Graph requests with 503")
	fs.DurationVar(&o.faults.Latency, "latency", 0, "latency added to every request")
	fs.IntVar(&o.faults.DropAfterWrite, "drop-after-write", 0, "apply the next N PATCHes, then drop the connection")
	fs.IntVar(&o.faults.MalformedJSON, "malformed-json", 0, "send a truncated JSON body on the next N Graph responses")
	fs.IntVar(&o.faults.HTMLError, "html-error", 0, "answer the next N Graph requests with a 502 HTML page")
	fs.IntVar(&o.faults.OversizedBody, "oversized-body", 0, "send a >16 MiB body on the next N Graph responses")
	fs.BoolVar(&o.faults.SecureScorePatchNoContent, "securescore-patch-no-content", false, "answer every applied secureScores PATCH with 204 No Content, as Graph may")
	fs.IntVar(&o.faults.FailNextReadAfterWrite, "fail-next-read-after-write", 0, "answer the next N PATCHes 204, and fail the GET after each with 500")
	fs.IntVar(&o.faults.OddTypes, "odd-types", 0, "answer the next N applied PATCHes 200 with properties of odd types (out of range, wrong JSON type)")
	fs.IntVar(&o.faults.TokenUnavailable, "token-unavailable", 0, "answer the next N token requests with -token-status, as Entra does during an incident")
	fs.IntVar(&o.faults.TokenStatus, "token-status", 503, "status of -token-unavailable answers: 500, 502, 503 or 504")
	fs.IntVar(&o.faults.TokenStall, "token-stall", 0, "answer the next N token requests not at all (until the client gives up or -stall-for passes)")
	fs.DurationVar(&o.faults.StallFor, "stall-for", 0, "bound of a stalled request (-token-stall, and StallResponse set later), after which the connection is closed; 0 = 10m")
	fs.StringVar(&o.cfg.IdentityHeader, "identity-header", emulator.DefaultIdentityHeader, "X-IDENTITY-HEADER value the App Service identity endpoint (/msi/token) expects")
	fs.DurationVar(&o.cfg.RescoreDelay, "rescore-delay", 0, "delay before a control's state change moves the secure score (0 = at once; Microsoft's service takes about 24h, e.g. -rescore-delay 24h)")
	fs.StringVar(&o.cfg.StateCase, "state-case", "", `spelling of control states in responses: "" = as the client sent it, "lowerCamel" = thirdParty, ignored, ...`)
	o.creds.register(fs)
	o.tenants.register(fs, &o.cfg)
	registerLimitFlags(fs, &o.cfg.Limits)
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if err := o.tenants.apply(&o.cfg, set); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected arguments: %v", fs.Args())
	}
	if o.cfg.Limits.MaxConcurrent < 1 {
		return nil, fmt.Errorf("-max-concurrent must be at least 1")
	}
	if err := o.faults.Validate(); err != nil {
		return nil, fmt.Errorf("fault flags: %w", err)
	}
	if err := o.creds.apply(&o.cfg); err != nil {
		return nil, err
	}
	return o, nil
}

// checkListen refuses non-loopback addresses unless allowed.
func checkListen(addr string, allowRemote bool) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("-listen %q: %w", addr, err)
	}
	if allowRemote || host == "localhost" {
		return nil
	}
	ip := net.ParseIP(host)
	if ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("-listen %q is not a loopback address; the emulator issues tokens for fixed credentials, pass -allow-remote to expose it anyway", addr)
	}
	return nil
}

// run starts the server and blocks until a signal arrives or stop is closed (tests).
func run(args []string, stdout, stderr io.Writer, stop <-chan struct{}) error {
	o, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	if err := checkListen(o.listen, o.allowRemote); err != nil {
		return err
	}
	// Listen first: a start that fails (port in use) must not create or rewrite the state file, which New does.
	ln, err := net.Listen("tcp", o.listen)
	if err != nil {
		return err
	}
	emu, err := emulator.New(o.cfg)
	if err != nil {
		_ = ln.Close() // nothing was served; the error that matters is New's
		return err
	}
	emu.SetFaults(o.faults)
	if err := o.tenants.applyFaults(emu); err != nil {
		_ = ln.Close() // nothing was served; the error that matters is the tenant faults'
		return err
	}
	base := "http://" + ln.Addr().String()
	cfg := emu.Config()
	fmt.Fprintf(stdout, "securescore-emulator listening on %s\n", base)
	fmt.Fprintf(stdout, "  Graph:        %s/v1.0/security/secureScores  (and /beta, secureScoreControlProfiles)\n", base)
	fmt.Fprintf(stdout, "  Token URL:    %s/%s/oauth2/v2.0/token  (tenant GUID or %s)\n", base, cfg.TenantID, cfg.TenantDomain)
	fmt.Fprintf(stdout, "  Tenant ID:    %s\n", cfg.TenantID)
	fmt.Fprintf(stdout, "  Client ID:    %s  (SecurityEvents.ReadWrite.All)\n", cfg.ClientID)
	fmt.Fprintf(stdout, "  Client secret: %s\n", cfg.ClientSecret)
	if cfg.ReadOnlyClientID != "" {
		fmt.Fprintf(stdout, "  Read-only client: %s / %s  (SecurityEvents.Read.All)\n", cfg.ReadOnlyClientID, cfg.ReadOnlyClientSecret)
	}
	fmt.Fprintf(stdout, "  Scope:        https://graph.microsoft.com/.default  or  %s/.default\n", base)
	printIdentityEndpoints(stdout, base, cfg)
	printTenants(stdout, base, emu)
	if cfg.Limits.Off {
		fmt.Fprintf(stdout, "  Limits:       off\n")
	} else {
		fmt.Fprintf(stdout, "  Limits:       %d concurrent, %s on secureScores+secureScoreControlProfiles, %s on secureScores (per app and tenant)\n",
			cfg.Limits.MaxConcurrent, cfg.Limits.Window, cfg.Limits.ScoreRate)
	}
	if cfg.StateFile != "" {
		fmt.Fprintf(stdout, "  State file:   %s\n", cfg.StateFile)
	}
	if cfg.RescoreDelay > 0 {
		fmt.Fprintf(stdout, "  Rescoring:    %s after a control's state change (the service: about 24h)\n", cfg.RescoreDelay)
	} else {
		fmt.Fprintf(stdout, "  Rescoring:    at once (-rescore-delay 0); the service moves the score about 24h after a change\n")
	}
	fmt.Fprintf(stdout, "  Admin:        %s/_emulator/journal, /_emulator/traffic, /_emulator/faults, /_emulator/consent, /_emulator/state, /_emulator/tenants  (?tenant=ID or domain)\n", base)
	fmt.Fprintf(stdout, "EMULATOR_URL=%s\n", base)

	srv := &http.Server{Handler: emu, ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()

	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sigs)
	select {
	case err := <-errc:
		return err
	case s := <-sigs:
		fmt.Fprintf(stdout, "received %v, shutting down\n", s)
	case <-stop:
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
