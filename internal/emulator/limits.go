package emulator

// Graph's documented Secure Score service limits, per application and tenant ("Microsoft Graph service-specific
// throttling limits", section "Security detections and incidents service limits"):
//   - 4 concurrent requests on secureScore and secureScoreControlProfile;
//   - 10,000 requests per 10 minutes on secureScore and secureScoreControlProfile together;
//   - 150 requests per minute on secureScore (the limit also covers alert and securityActions, which the
//     emulator does not serve).
// Windows slide: a request counts for exactly one window length after it was admitted. Requests refused with
// 429 do not count, so a Retry-After computed from the window is exact.

import (
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// The documented defaults.
const (
	DefaultMaxConcurrent = 4
	DefaultWindowLimit   = 10000
	DefaultWindow        = 10 * time.Minute
	DefaultScoreLimit    = 150
	DefaultScoreWindow   = time.Minute
)

// Names of the limits, as JournalEntry.Limit records them.
const (
	LimitConcurrency = "concurrency"       // DefaultMaxConcurrent requests in flight
	LimitWindow      = "request window"    // secureScores + secureScoreControlProfiles per window
	LimitScoreRate   = "secureScores rate" // secureScores per window
	LimitFault       = "fault"             // a 429 injected by Faults, not by a limit
)

// Rate is N requests per sliding window Per.
type Rate struct {
	N   int
	Per time.Duration
}

func (r Rate) String() string { return fmt.Sprintf("%d/%s", r.N, shortDuration(r.Per)) }

// ParseRate reads "10000/10m" or "150/1m" (a count, a slash and a Go duration).
func ParseRate(s string) (Rate, error) {
	n, per, ok := strings.Cut(strings.TrimSpace(s), "/")
	if !ok {
		return Rate{}, fmt.Errorf("rate %q: want COUNT/DURATION such as 10000/10m", s)
	}
	count, err := strconv.Atoi(n)
	if err != nil || count <= 0 {
		return Rate{}, fmt.Errorf("rate %q: count must be a positive integer", s)
	}
	d, err := time.ParseDuration(per)
	if err != nil || d <= 0 {
		return Rate{}, fmt.Errorf("rate %q: window must be a positive duration such as 10m", s)
	}
	return Rate{N: count, Per: d}, nil
}

func shortDuration(d time.Duration) string {
	s := d.String()
	s = strings.TrimSuffix(s, "0s")
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	if s == "" {
		return d.String()
	}
	return s
}

// Limits configures the service limits; zero fields take the documented defaults.
type Limits struct {
	Off           bool // no limit at all (a test that needs them off says why)
	MaxConcurrent int  // default DefaultMaxConcurrent
	Window        Rate // default DefaultWindowLimit per DefaultWindow
	ScoreRate     Rate // default DefaultScoreLimit per DefaultScoreWindow
}

func (l Limits) withDefaults() Limits {
	if l.MaxConcurrent <= 0 {
		l.MaxConcurrent = DefaultMaxConcurrent
	}
	if l.Window.N <= 0 || l.Window.Per <= 0 {
		l.Window = Rate{DefaultWindowLimit, DefaultWindow}
	}
	if l.ScoreRate.N <= 0 || l.ScoreRate.Per <= 0 {
		l.ScoreRate = Rate{DefaultScoreLimit, DefaultScoreWindow}
	}
	return l
}

// limiter holds the in-flight counts and window history of every (application, tenant).
type limiter struct {
	cfg     Limits
	now     func() time.Time
	mu      sync.Mutex
	apps    map[string]*appUsage
	refused map[string]int // 429s by limit since New; ResetJournal does not clear it
}

type appUsage struct {
	inFlight int
	all      []time.Time // admitted secureScores + secureScoreControlProfiles requests, oldest first
	scores   []time.Time // admitted secureScores requests, oldest first
}

// refusal is a request over a limit: which one, and the Retry-After to send.
type refusal struct {
	limit      string
	retryAfter int // seconds
	message    string
}

func newLimiter(cfg Limits, now func() time.Time) *limiter {
	return &limiter{cfg: cfg.withDefaults(), now: now, apps: map[string]*appUsage{}, refused: map[string]int{}}
}

// LimitRefusals counts the requests answered 429 by each limit since New (not by injected faults), whatever
// ResetJournal did since: tests assert it is empty.
func (e *Emulator) LimitRefusals() map[string]int {
	e.limits.mu.Lock()
	defer e.limits.mu.Unlock()
	out := make(map[string]int, len(e.limits.refused))
	for k, v := range e.limits.refused {
		out[k] = v
	}
	return out
}

// admit counts one request of set for app (the key of application and tenant). It returns a release function to
// call when the response is written, or the refusal.
func (l *limiter) admit(app, set string) (func(), *refusal) {
	if l.cfg.Off || set == "" {
		return func() {}, nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	u := l.apps[app]
	if u == nil {
		u = &appUsage{}
		l.apps[app] = u
	}
	if u.inFlight >= l.cfg.MaxConcurrent {
		return nil, &refusal{limit: LimitConcurrency, retryAfter: 1, message: fmt.Sprintf(
			"Too many requests: the application already has %d concurrent requests on secureScores and "+
				"secureScoreControlProfiles in this tenant (limit %d).", u.inFlight, l.cfg.MaxConcurrent)}
	}
	now := l.now()
	u.all = prune(u.all, now, l.cfg.Window.Per)
	if len(u.all) >= l.cfg.Window.N {
		return nil, &refusal{limit: LimitWindow, retryAfter: secondsUntil(u.all[0].Add(l.cfg.Window.Per), now), message: fmt.Sprintf(
			"Too many requests: the application exceeded %d requests per %s on secureScores and "+
				"secureScoreControlProfiles in this tenant.", l.cfg.Window.N, shortDuration(l.cfg.Window.Per))}
	}
	if set == "secureScores" {
		u.scores = prune(u.scores, now, l.cfg.ScoreRate.Per)
		if len(u.scores) >= l.cfg.ScoreRate.N {
			return nil, &refusal{limit: LimitScoreRate, retryAfter: secondsUntil(u.scores[0].Add(l.cfg.ScoreRate.Per), now), message: fmt.Sprintf(
				"Too many requests: the application exceeded %d requests per %s on secureScores in this tenant.",
				l.cfg.ScoreRate.N, shortDuration(l.cfg.ScoreRate.Per))}
		}
		u.scores = append(u.scores, now)
	}
	u.all = append(u.all, now)
	u.inFlight++
	var once sync.Once
	return func() {
		once.Do(func() {
			l.mu.Lock()
			u.inFlight--
			l.mu.Unlock()
		})
	}, nil
}

// prune drops the times that have left the window ending at now.
func prune(ts []time.Time, now time.Time, per time.Duration) []time.Time {
	cut := 0
	for cut < len(ts) && !ts[cut].Add(per).After(now) {
		cut++
	}
	if cut == 0 {
		return ts
	}
	return append(ts[:0], ts[cut:]...)
}

// secondsUntil is the whole seconds from now until t, at least 1 (Retry-After is in seconds).
func secondsUntil(t, now time.Time) int {
	return max(1, int(math.Ceil(t.Sub(now).Seconds())))
}

// limitKey identifies the caller's application and tenant from the bearer token. The token is not verified here
// (authentication does that after admission); a request without a readable token is not counted, since it is
// refused with 401 anyway.
func limitKey(authorization string) (string, bool) {
	scheme, tok, _ := strings.Cut(strings.TrimSpace(authorization), " ")
	if !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(tok) == "" {
		return "", false
	}
	claims := jwt.MapClaims{}
	if _, _, err := jwt.NewParser().ParseUnverified(strings.TrimSpace(tok), claims); err != nil {
		return "", false
	}
	app, _ := claims["appid"].(string)
	if app == "" {
		app, _ = claims["azp"].(string)
	}
	tid, _ := claims["tid"].(string)
	return strings.ToLower(app + "|" + tid), true
}

// admitLimits applies the limits to a Graph request on secureScores or secureScoreControlProfiles. A request that
// a fault already answers is not counted. release is never nil.
func (e *Emulator) admitLimits(r *http.Request, rt route, p plan) (release func(), refused *refusal) {
	noop := func() {}
	if rt.set == "" || rt.badSeg != "" || p.pre != "" {
		return noop, nil
	}
	key, ok := limitKey(r.Header.Get("Authorization"))
	if !ok {
		return noop, nil
	}
	release, refused = e.limits.admit(key, rt.set)
	if refused != nil {
		e.limits.mu.Lock()
		e.limits.refused[refused.limit]++
		e.limits.mu.Unlock()
		return noop, refused
	}
	return release, nil
}

// response is the 429 Graph sends: its error body shape, and Retry-After in seconds.
func (rf *refusal) response(g *graphCtx) *response {
	resp := g.errorf(http.StatusTooManyRequests, "TooManyRequests", "%s Please retry after %d seconds.", rf.message, rf.retryAfter)
	resp.header.Set("Retry-After", strconv.Itoa(rf.retryAfter))
	return resp
}
