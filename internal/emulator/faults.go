package emulator

// Fault injection: throttling, outages, latency, dropped connections and broken bodies.

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"time"
)

// Faults are the injected failures. Counts are "the next N Graph requests" (token requests
// are never faulted, except by Latency, which applies to every request).
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
	// until the client gives up (at most stallLimit), as a hung gateway would.
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
}

const defaultRetryAfter = "0.1"

// UnmarshalJSON accepts latency as nanoseconds or as a Go duration string ("20ms").
func (f *Faults) UnmarshalJSON(b []byte) error {
	type plainFaults Faults
	aux := struct {
		*plainFaults
		Latency json.RawMessage `json:"latency"`
	}{plainFaults: (*plainFaults)(f)}
	if err := json.Unmarshal(b, &aux); err != nil {
		return err
	}
	if len(aux.Latency) == 0 || string(aux.Latency) == "null" {
		return nil
	}
	var s string
	if err := json.Unmarshal(aux.Latency, &s); err == nil {
		d, err := time.ParseDuration(s)
		if err != nil {
			return fmt.Errorf("latency: %w", err)
		}
		f.Latency = d
		return nil
	}
	var n int64
	if err := json.Unmarshal(aux.Latency, &n); err != nil {
		return fmt.Errorf("latency: want nanoseconds or a duration string such as \"20ms\"")
	}
	f.Latency = time.Duration(n)
	return nil
}

func (f Faults) validate() error {
	if f.ThrottleRate < 0 || f.ThrottleRate > 1 {
		return fmt.Errorf("throttleRate must be within 0..1, got %v", f.ThrottleRate)
	}
	if f.StallResponse < 0 || f.TrickleBody < 0 {
		return fmt.Errorf("fault counts must not be negative")
	}
	if f.Throttle < 0 || f.Unavailable < 0 || f.DropAfterWrite < 0 || f.MalformedJSON < 0 || f.HTMLError < 0 || f.OversizedBody < 0 || f.Latency < 0 ||
		f.FailNextReadAfterWrite < 0 || f.OddTypes < 0 {
		return fmt.Errorf("fault counts and latency must not be negative")
	}
	return nil
}

type faultState struct {
	mu        sync.Mutex
	f         Faults
	failReads int // GETs still to fail after a FailNextReadAfterWrite PATCH
}

func (fs *faultState) init() { fs.f.RetryAfter = defaultRetryAfter }

// SetFaults replaces the current fault settings. ExpireTokensNow retires the signing key at
// once, so every token issued before this call reads as expired.
func (e *Emulator) SetFaults(f Faults) {
	if f.RetryAfter == "" {
		f.RetryAfter = defaultRetryAfter
	}
	if f.ExpireTokensNow {
		e.mu.Lock()
		for i := range e.keys {
			e.keys[i].Retired = true
		}
		e.keys = append(e.keys, newSigningKey())
		_ = e.save() // best effort: keys only matter to this process's tokens
		e.mu.Unlock()
	}
	e.faults.mu.Lock()
	e.faults.f = f
	e.faults.failReads = 0
	e.faults.mu.Unlock()
}

// Faults returns the current fault settings (counts as they stand now).
func (e *Emulator) Faults() Faults {
	e.faults.mu.Lock()
	defer e.faults.mu.Unlock()
	return e.faults.f
}

// failsPatch reports whether a PATCH of control profile id is to be refused.
func (fs *faultState) failsPatch(id string) bool {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	return slices.ContainsFunc(fs.f.FailPatchFor, func(s string) bool { return strings.EqualFold(s, id) })
}

// plan is what happens to one request.
type plan struct {
	latency    time.Duration
	pre        string // "throttle", "unavailable", "html", "internal" or ""
	retryAfter string
	post       string // "malformed", "oversized", "stall", "trickle", "oddTypes", "noContent", "scoreNoContent" or ""
	drop       bool
	nextLink   string // ForeignNextLink
}

// takePre consumes the counters of faults that answer a request before the service handles it (throttling,
// outages). Those answers are not counted against the service limits.
func (fs *faultState) takePre(kind string) plan {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	f := &fs.f
	p := plan{latency: f.Latency, retryAfter: f.RetryAfter, nextLink: f.ForeignNextLink}
	if kind != "read" && kind != "write" {
		return p
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
	return p
}

// takePost consumes the counters of faults that act on a request the service handles (broken answers, dropped
// connections). It is called only once the request passed the limits, so a request refused with 429 never
// uses up a fault that a test counts on.
func (fs *faultState) takePost(kind string, p *plan) {
	if p.pre != "" || (kind != "read" && kind != "write") {
		return
	}
	fs.mu.Lock()
	defer fs.mu.Unlock()
	f := &fs.f
	switch {
	case f.MalformedJSON > 0:
		f.MalformedJSON--
		p.post = "malformed"
	case f.OversizedBody > 0:
		f.OversizedBody--
		p.post = "oversized"
	case f.StallResponse > 0:
		f.StallResponse--
		p.post = "stall"
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
	if kind == "write" && f.DropAfterWrite > 0 {
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

// stallLimit bounds a stalled response, so a client without a timeout cannot hold a handler forever.
const stallLimit = 10 * time.Minute

// trickleInterval is the pause between the bytes of a trickled body.
const trickleInterval = 100 * time.Millisecond
