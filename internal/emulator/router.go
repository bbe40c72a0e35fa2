package emulator

// Request routing, the fault pipeline and the journal hook.

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// maxRequestBody bounds what a client may send; Graph rejects far smaller bodies anyway.
const maxRequestBody = 4 << 20

type route struct {
	kind     string // "token", "read", "write", "admin", "other"
	tenant   string // token requests
	version  string // graph: "v1.0" or "beta"
	set      string // "secureScores" or "secureScoreControlProfiles"; "" for a bad segment
	id       string
	hasID    bool
	badSeg   string
	notGraph bool
	endpoint string // identity and OIDC endpoints (see localEndpoint); "" for token, Graph and admin
}

func classify(r *http.Request) route {
	segs := strings.Split(strings.Trim(r.URL.EscapedPath(), "/"), "/")
	for i, s := range segs {
		if u, err := url.PathUnescape(s); err == nil {
			segs[i] = u
		}
	}
	if segs[0] == "_emulator" {
		return route{kind: "admin"}
	}
	if kind, ep := localEndpoint(segs); ep != "" {
		return route{kind: kind, endpoint: ep}
	}
	if len(segs) == 4 && strings.EqualFold(segs[1], "oauth2") && strings.EqualFold(segs[2], "v2.0") && strings.EqualFold(segs[3], "token") {
		return route{kind: "token", tenant: segs[0]}
	}
	var rt route
	switch strings.ToLower(segs[0]) {
	case "v1.0":
		rt.version = "v1.0"
	case "beta":
		rt.version = "beta"
	default:
		return route{kind: "other", notGraph: true}
	}
	switch r.Method {
	case http.MethodGet:
		rt.kind = "read"
	case http.MethodPatch:
		rt.kind = "write"
	default:
		rt.kind = "other"
	}
	if len(segs) < 3 || len(segs) > 4 || !strings.EqualFold(segs[1], "security") {
		rt.badSeg = segs[len(segs)-1]
		if len(segs) > 1 && !strings.EqualFold(segs[1], "security") {
			rt.badSeg = segs[1]
		}
		return rt
	}
	setSeg := segs[2]
	// OData key-as-parentheses form: secureScores('id').
	if i := strings.Index(setSeg, "("); i > 0 && strings.HasSuffix(setSeg, ")") && len(segs) == 3 {
		key := strings.Trim(setSeg[i+1:len(setSeg)-1], "'")
		rt.id, rt.hasID = strings.ReplaceAll(key, "''", "'"), true
		setSeg = setSeg[:i]
	}
	switch strings.ToLower(setSeg) {
	case "securescores":
		rt.set = "secureScores"
	case "securescorecontrolprofiles":
		rt.set = "secureScoreControlProfiles"
	default:
		rt.badSeg = setSeg
		return rt
	}
	if len(segs) == 4 {
		if rt.hasID || segs[3] == "" {
			rt.badSeg = segs[3]
			return rt
		}
		rt.id, rt.hasID = segs[3], true
	}
	return rt
}

func (e *Emulator) serve(w http.ResponseWriter, r *http.Request) {
	start := e.now()
	var body []byte
	if r.Body != nil {
		body, _ = io.ReadAll(io.LimitReader(r.Body, maxRequestBody))
	}
	rt := classify(r)
	var bt *bearer
	if rt.kind == "read" || rt.kind == "write" || (rt.kind == "other" && !rt.notGraph) {
		bt = e.readBearer(r)
	}
	faultKind := rt.kind
	if rt.endpoint != "" {
		faultKind = "local" // identity and OIDC endpoints: only Latency acts on them
	}
	sets := e.faultSets(e.requestTenant(rt, bt))
	var p plan
	for _, fs := range sets {
		fs.takePre(faultKind, &p)
	}
	release, refused := e.admitLimits(r, rt, p)
	if refused == nil {
		for _, fs := range sets {
			fs.takePost(faultKind, &p)
		}
	}
	// The request stops counting as in flight once the service has handled it, before its answer goes out: a
	// client that frees its own slot when it has read the answer must never find the emulator's still taken.
	// A stalled answer keeps its slot until the stall ends, as a hung request would.
	done := sync.OnceFunc(release)
	defer done()
	if p.latency > 0 && !sleepCtx(r.Context(), p.latency) {
		return // client gave up
	}

	en := JournalEntry{Time: start, Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, Header: redactHeader(r.Header), Body: string(body), Kind: rt.kind, Remote: r.RemoteAddr}
	switch {
	case refused != nil:
		en.Limit = refused.limit
	case p.pre == "throttle":
		en.Limit = LimitFault
	}
	if rt.kind == "token" {
		en.Body = redactForm(en.Body)
		en.Query = redactQuery(en.Query)
	}

	var resp *response
	switch {
	case rt.endpoint != "":
		resp = e.handleLocal(r, rt.endpoint)
	case rt.kind == "admin":
		resp = e.handleAdmin(r, body)
	case rt.kind == "token" && p.pre == "tokenOutage":
		resp = e.tokenOutage(r, p.tokenCode)
	case rt.kind == "token" && p.post == "stall":
		resp = &response{} // never sent
	case rt.kind == "token":
		resp = e.handleToken(r, body, rt.tenant)
	default:
		resp = e.handleGraph(r, rt, p, refused, body, bt)
	}
	e.journalIdentity(&en, r, rt, bt, body, resp)

	if p.post != "stall" {
		done()
	}
	if p.drop && rt.kind == "write" {
		en.Status = 0
		e.journal.add(en)
		dropConnection(w)
		return
	}
	switch p.post {
	case "malformed":
		resp.status = http.StatusOK
		resp.header.Set("Content-Type", odataContentType)
		b := resp.body
		if len(b) < 8 {
			b = []byte(`{"@odata.context":"` + requestBase(r) + `/` + rt.version + `/$metadata#security","value":[{"id":"`)
		}
		resp.body = b[:len(b)/2]
	case "oversized":
		en.Status = http.StatusOK
		e.journal.add(en)
		writeOversized(w, resp.header)
		return
	case "stall":
		en.Status = 0
		e.journal.add(en)
		if sleepCtx(r.Context(), p.stallFor) {
			dropConnection(w) // the bound passed with the client still waiting: close, as a gateway gives up
		}
		return
	case "trickle":
		en.Status = resp.status
		e.journal.add(en)
		writeTrickled(r.Context(), w, resp)
		return
	case "noContent", "scoreNoContent", "oddTypes":
		answerAppliedWrite(resp, rt, p.post)
	}
	en.Status = resp.status
	e.journal.add(en)
	for k, v := range resp.header {
		w.Header()[k] = v
	}
	w.WriteHeader(resp.status)
	if len(resp.body) > 0 && r.Method != http.MethodHead {
		_, _ = w.Write(resp.body) // the client may have gone; nothing to do
	}
}

func (e *Emulator) handleGraph(r *http.Request, rt route, p plan, refused *refusal, body []byte, bt *bearer) *response {
	if rt.notGraph {
		g := newGraphCtx(r, "v1.0", e.now())
		seg := strings.Split(strings.Trim(r.URL.Path, "/"), "/")[0]
		if len(seg) > 1 && (seg[0] == 'v' || seg[0] == 'V') && seg[1] >= '0' && seg[1] <= '9' {
			return g.errorf(http.StatusBadRequest, "BadRequest", "Invalid version: %s", seg)
		}
		return g.errorf(http.StatusNotFound, "ResourceNotFound", "Resource not found for the segment '%s'.", seg)
	}
	g := newGraphCtx(r, rt.version, e.now())
	g.nextLink = p.nextLink
	switch p.pre {
	case "throttle":
		resp := g.errorf(http.StatusTooManyRequests, "TooManyRequests", "Too many requests. Please retry after %s seconds.", p.retryAfter)
		resp.header.Set("Retry-After", p.retryAfter)
		return resp
	case "unavailable":
		resp := g.errorf(http.StatusServiceUnavailable, "serviceNotAvailable", "The service is temporarily unavailable. Please retry after %s seconds.", p.retryAfter)
		resp.header.Set("Retry-After", p.retryAfter)
		return resp
	case "internal":
		return g.errorf(http.StatusInternalServerError, "generalException", "An internal server error occurred.")
	case "html":
		h := http.Header{}
		h.Set("Content-Type", "text/html")
		return &response{status: http.StatusBadGateway, header: h, body: []byte(htmlErrorPage)}
	}
	if refused != nil {
		return refused.response(g)
	}
	who, denied := e.authenticate(g, bt)
	if denied != nil {
		return denied
	}
	e.applyDueRescores(g.t)
	if rt.badSeg != "" || rt.set == "" {
		return g.errorf(http.StatusBadRequest, "BadRequest", "Resource not found for the segment '%s'.", rt.badSeg)
	}
	switch r.Method {
	case http.MethodGet:
		if resp := e.authorize(g, who, roleRead, roleReadWrite); resp != nil {
			return resp
		}
		switch {
		case rt.set == "secureScores" && rt.hasID:
			return e.getSecureScore(g, rt.id)
		case rt.set == "secureScores":
			return e.listSecureScores(g)
		case rt.hasID:
			return e.getControlProfile(g, rt.id)
		default:
			return e.listControlProfiles(g)
		}
	case http.MethodPatch:
		if resp := e.authorize(g, who, roleReadWrite); resp != nil {
			return resp
		}
		switch {
		case rt.set == "secureScores" && rt.hasID:
			return e.patchSecureScore(g, rt.id, body)
		case rt.set == "secureScores":
			return e.patchSecureScores(g, body)
		case rt.hasID && e.failsPatch(g.t, rt.id):
			return g.errorf(http.StatusBadRequest, "", "Http request failed with statusCode=BadRequest")
		case rt.hasID:
			return e.patchControlProfile(g, who, rt.id, body)
		}
	}
	resp := g.errorf(http.StatusMethodNotAllowed, "BadRequest", "The HTTP method '%s' is not allowed for the resource '%s'.", r.Method, rt.set)
	resp.header.Set("Allow", allowed(rt))
	return resp
}

func allowed(rt route) string {
	if rt.set == "secureScoreControlProfiles" && !rt.hasID {
		return "GET"
	}
	return "GET, PATCH"
}

func sleepCtx(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// dropConnection closes the connection without a response, as a lost network would.
func dropConnection(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			_ = conn.Close() // closing is the point; its error changes nothing
			return
		}
	}
	panic(http.ErrAbortHandler) // net/http closes the connection quietly
}

func writeOversized(w http.ResponseWriter, h http.Header) {
	for k, v := range h {
		w.Header()[k] = v
	}
	w.Header().Set("Content-Type", odataContentType)
	w.Header().Del("Content-Length")
	w.WriteHeader(http.StatusOK)
	head := []byte(`{"value":[{"id":"oversized","padding":"`)
	tail := []byte(`"}]}`)
	if _, err := w.Write(head); err != nil {
		return
	}
	chunk := []byte(strings.Repeat("x", 64<<10))
	for n := len(head) + len(tail); n < oversizedBodySize; n += len(chunk) {
		if _, err := w.Write(chunk); err != nil {
			return // client stopped reading at its cap
		}
	}
	_, _ = w.Write(tail)
}

// writeTrickled sends the headers at once and the body a byte at a time, until done or the client goes.
func writeTrickled(ctx context.Context, w http.ResponseWriter, resp *response) {
	for k, v := range resp.header {
		w.Header()[k] = v
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(resp.body)))
	w.WriteHeader(resp.status)
	rc := http.NewResponseController(w)
	for i := range resp.body {
		if _, err := w.Write(resp.body[i : i+1]); err != nil || rc.Flush() != nil {
			return
		}
		if !sleepCtx(ctx, trickleInterval) {
			return
		}
	}
}
