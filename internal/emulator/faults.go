package emulator

// Fault injection: throttling, outages, latency, dropped connections and broken bodies.

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"
)

// Faults are the injected failures. Counts are "the next N Graph requests" (token requests are faulted only by
// the Token… fields and by Latency, which applies to every request). Emulator.SetFaults sets the faults of every
// request; Tenant.SetFaults those of one tenant's requests (its token endpoint, and Graph requests whose bearer
// token is that tenant's), which act after the emulator-wide ones and leave the other tenants alone.
type Faults struct {
	Throttle        int           `json:"throttle"`        // next N requests get 429 TooManyRequests with Retry-After
	RetryAfter      string        `json:"retryAfter"`      // Retry-After value for 429/503, e.g. "0.2" or "3"; default "0.1"
	ThrottleRate    float64       `json:"throttleRate"`    // 0..1: fraction of Graph requests answered 429 (random), until cleared
	Unavailable     int           `json:"unavailable"`     // next N requests get 503 serviceNotAvailable (with Retry-After)
	Latency         time.Duration `json:"latency"`         // added to every request until cleared
	DropAfterWrite  int           `json:"dropAfterWrite"`  // next N PATCHes are applied, then the connection is closed without a response
	MalformedJSON   int           `json:"malformedJSON"`   // next N Graph responses have a truncated JSON body with status 200
	HTMLError       int           `json:"htmlError"`       // next N Graph requests get a 502 HTML error page
	OversizedBody   int           `json:"oversizedBody"`   // next N Graph responses are a >16 MiB body
	ExpireTokensNow bool          `json:"expireTokensNow"` // every token issued so far is treated as expired
	// ForeignNextLink, until cleared, is served verbatim as the @odata.nextLink of every list response, e.g.
	// "//evil.example/v1.0/x" (protocol-relative) or "https://graph.microsoft.com@evil.example/x": a client
	// must refuse every link off its configured scheme, host and port.
	ForeignNextLink string `json:"foreignNextLink"`
	// StallResponse: the next N Graph requests are handled (a PATCH is applied), then no response is sent
	// until the client gives up (at most StallFor), as a hung gateway would.
	StallResponse int `json:"stallResponse"`
	// TrickleBody: the next N Graph responses send their headers, then the body one byte every 100ms.
	TrickleBody int `json:"trickleBody"`
	// FailPatchFor, until cleared, answers every PATCH of these control profiles 400 without applying it, as the
	// service answers one it refuses (a Defender control).
	FailPatchFor []string `json:"failPatchFor"`

	// SecureScorePatchNoContent answers every applied secureScores PATCH with 204 No Content, as Graph may,
	// until cleared.
	SecureScorePatchNoContent bool `json:"secureScorePatchNoContent"`
	// FailNextReadAfterWrite: the next N PATCHes are applied and answered 204 (Prefer ignored), and the GET that
	// follows each fails with a 500 generalException, which clients do not retry.
	FailNextReadAfterWrite int `json:"failNextReadAfterWrite"`
	// OddTypes: the next N applied PATCHes are answered 200 with the object whose properties have odd types:
	// numbers out of range, booleans as strings, string collections as numbers (see oddTypesBody).
	OddTypes int `json:"oddTypes"`

	// TokenUnavailable: the next N requests to the token endpoint (/{tenant}/oauth2/v2.0/token) are answered
	// TokenStatus without a token, as Entra answers during an incident (see tokenOutage).
	TokenUnavailable int `json:"tokenUnavailable"`
	// TokenStatus is the status of those answers: 500, 502, 503 (the default) or 504.
	TokenStatus int `json:"tokenStatus"`
	// TokenStall: the next N token requests get no answer until the client gives up or StallFor passes.
	TokenStall int `json:"tokenStall"`
	// StallFor bounds StallResponse and TokenStall: once it passes, the connection is closed without an answer,
	// as a gateway gives up on a hung upstream. 0 = stallLimit. Tests set it short so that a client without its
	// own timeout still ends.
	StallFor time.Duration `json:"stallFor"`
}

const defaultRetryAfter = "0.1"

// UnmarshalJSON accepts latency and stallFor as nanoseconds or as Go duration strings ("20ms"), and refuses
// unknown fields, so that a misspelt fault is an error rather than no fault.
func (f *Faults) UnmarshalJSON(b []byte) error {
	type plainFaults Faults
	aux := struct {
		*plainFaults
		Latency  json.RawMessage `json:"latency"`
		StallFor json.RawMessage `json:"stallFor"`
	}{plainFaults: (*plainFaults)(f)}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&aux); err != nil {
		return err
	}
	var err error
	if f.Latency, err = jsonDuration("latency", aux.Latency); err != nil {
		return err
	}
	f.StallFor, err = jsonDuration("stallFor", aux.StallFor)
	return err
}

// jsonDuration reads a duration given as nanoseconds or as a Go duration string; absent or null is 0.
func jsonDuration(name string, raw json.RawMessage) (time.Duration, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return 0, nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		d, err := time.ParseDuration(s)
		if err != nil {
			return 0, fmt.Errorf("%s: %w", name, err)
		}
		return d, nil
	}
	var n int64
	if err := json.Unmarshal(raw, &n); err != nil {
		return 0, fmt.Errorf("%s: want nanoseconds or a duration string such as \"20ms\"", name)
	}
	return time.Duration(n), nil
}

// Validate reports settings the emulator cannot apply (negative counts, a rate outside 0..1, an unknown status).
func (f Faults) Validate() error {
	if f.ThrottleRate < 0 || f.ThrottleRate > 1 {
		return fmt.Errorf("throttleRate must be within 0..1, got %v", f.ThrottleRate)
	}
	if f.StallResponse < 0 || f.TrickleBody < 0 {
		return fmt.Errorf("fault counts must not be negative")
	}
	if f.Throttle < 0 || f.Unavailable < 0 || f.DropAfterWrite < 0 || f.MalformedJSON < 0 || f.HTMLError < 0 || f.OversizedBody < 0 || f.Latency < 0 ||
		f.FailNextReadAfterWrite < 0 || f.OddTypes < 0 || f.TokenUnavailable < 0 || f.TokenStall < 0 || f.StallFor < 0 {
		return fmt.Errorf("fault counts and durations must not be negative")
	}
	if f.TokenStatus != 0 && !slices.Contains(tokenOutageStatuses, f.TokenStatus) {
		return fmt.Errorf("tokenStatus must be one of %v, got %d", tokenOutageStatuses, f.TokenStatus)
	}
	return nil
}

type faultState struct {
	mu        sync.Mutex
	f         Faults
	failReads int // GETs still to fail after a FailNextReadAfterWrite PATCH
}

func (fs *faultState) init() { fs.f.RetryAfter = defaultRetryAfter }

func newFaultState() *faultState {
	fs := &faultState{}
	fs.init()
	return fs
}

// set replaces the settings (RetryAfter defaulted) and forgets reads still to fail.
func (fs *faultState) set(f Faults) {
	if f.RetryAfter == "" {
		f.RetryAfter = defaultRetryAfter
	}
	fs.mu.Lock()
	fs.f = f
	fs.failReads = 0
	fs.mu.Unlock()
}

func (fs *faultState) get() Faults {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	return fs.f
}

// SetFaults replaces the current fault settings of every request. ExpireTokensNow retires the signing key at
// once, so every token issued before this call, in every tenant, reads as expired.
func (e *Emulator) SetFaults(f Faults) {
	if f.ExpireTokensNow {
		e.mu.Lock()
		for i := range e.keys {
			e.keys[i].Retired = true
		}
		e.keys = append(e.keys, newSigningKey())
		_ = e.save() // best effort: keys only matter to this process's tokens
		e.mu.Unlock()
	}
	e.faults.set(f)
}

// Faults returns the current fault settings of every request (counts as they stand now).
func (e *Emulator) Faults() Faults { return e.faults.get() }

// failsPatch reports whether a PATCH of control profile id in tenant t is to be refused, by the emulator-wide
// faults or t's.
func (e *Emulator) failsPatch(t *state, id string) bool {
	return slices.ContainsFunc(e.faultSets(t), func(fs *faultState) bool { return fs.failsPatch(id) })
}

func (fs *faultState) failsPatch(id string) bool {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	return slices.ContainsFunc(fs.f.FailPatchFor, func(s string) bool { return strings.EqualFold(s, id) })
}

// plan is what happens to one request.
type plan struct {
	latency    time.Duration
	pre        string // "throttle", "unavailable", "html", "internal", "tokenOutage" or ""
	retryAfter string
	post       string // "malformed", "oversized", "stall", "trickle", "oddTypes", "noContent", "scoreNoContent" or ""
	drop       bool
	nextLink   string        // ForeignNextLink
	tokenCode  int           // the status of a "tokenOutage"
	stallFor   time.Duration // how long a "stall" lasts at most
}

// takePre consumes, into p, the counters of faults that answer a request before the service handles it
// (throttling, outages). Those answers are not counted against the service limits. Latency adds up over the fault
// sets that act on a request; the first set with a pending answer gives it.
func (fs *faultState) takePre(kind string, p *plan) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	f := &fs.f
	p.latency += f.Latency
	if f.ForeignNextLink != "" {
		p.nextLink = f.ForeignNextLink
	}
	if p.pre != "" {
		return
	}
	if kind == "token" {
		fs.takeToken(p)
		return
	}
	if kind != "read" && kind != "write" {
		return
	}
	switch {
	case f.Throttle > 0:
		f.Throttle--
		p.pre = "throttle"
	case f.Unavailable > 0:
		f.Unavailable--
		p.pre = "unavailable"
	case f.HTMLError > 0:
		f.HTMLError--
		p.pre = "html"
	case f.ThrottleRate > 0 && rand.Float64() < f.ThrottleRate:
		p.pre = "throttle"
	case kind == "read" && fs.failReads > 0:
		fs.failReads--
		p.pre = "internal"
	}
	if p.pre != "" {
		p.retryAfter = f.RetryAfter
	}
}

// takeToken consumes the token endpoint's faults; fs.mu is held.
func (fs *faultState) takeToken(p *plan) {
	f := &fs.f
	switch {
	case f.TokenUnavailable > 0:
		f.TokenUnavailable--
		p.pre, p.tokenCode = "tokenOutage", cmp.Or(f.TokenStatus, http.StatusServiceUnavailable)
	case f.TokenStall > 0:
		f.TokenStall--
		p.post, p.stallFor = "stall", cmp.Or(f.StallFor, stallLimit)
	}
}

// takePost consumes the counters of faults that act on a request the service handles (broken answers, dropped
// connections). It is called only once the request passed the limits, so a request refused with 429 never
// uses up a fault that a test counts on; and not once another fault set already broke the answer.
func (fs *faultState) takePost(kind string, p *plan) {
	if p.pre != "" || (kind != "read" && kind != "write") {
		return
	}
	fs.mu.Lock()
	defer fs.mu.Unlock()
	f := &fs.f
	switch {
	case p.post != "":
	case f.MalformedJSON > 0:
		f.MalformedJSON--
		p.post = "malformed"
	case f.OversizedBody > 0:
		f.OversizedBody--
		p.post = "oversized"
	case f.StallResponse > 0:
		f.StallResponse--
		p.post, p.stallFor = "stall", cmp.Or(f.StallFor, stallLimit)
	case f.TrickleBody > 0:
		f.TrickleBody--
		p.post = "trickle"
	case kind == "write" && f.FailNextReadAfterWrite > 0:
		f.FailNextReadAfterWrite--
		fs.failReads++
		p.post = "noContent"
	case kind == "write" && f.OddTypes > 0:
		f.OddTypes--
		p.post = "oddTypes"
	case kind == "write" && f.SecureScorePatchNoContent:
		p.post = "scoreNoContent"
	}
	if kind == "write" && !p.drop && f.DropAfterWrite > 0 {
		f.DropAfterWrite--
		p.drop = true
	}
}

const htmlErrorPage = `<!DOCTYPE html>
<html><head><title>502 - Web server received an invalid response while acting as a gateway or proxy server.</title></head>
<body><div id="header"><h1>Server Error</h1></div>
<div id="content"><h2>502 - Web server received an invalid response while acting as a gateway or proxy server.</h2>
<h3>There is a problem with the page you are looking for, and it cannot be displayed. When the Web server (while acting as a gateway or proxy) contacted the upstream content server, it received an invalid response from the content server.</h3></div>
</body></html>
`

// oversizedBodySize is just over the 16 MiB cap clients are expected to enforce.
const oversizedBodySize = 16<<20 + 4096

// stallLimit bounds a stalled response when Faults.StallFor is 0, so a client without a timeout cannot hold a
// handler forever.
const stallLimit = 10 * time.Minute

// trickleInterval is the pause between the bytes of a trickled body.
const trickleInterval = 100 * time.Millisecond
