package emulator

// OData wire format: responses, error bodies, headers, system query options, paging.

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
)

const odataContentType = "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8"

// response is built by handlers and written by ServeHTTP, so faults can rewrite it.
type response struct {
	status int
	header http.Header
	body   []byte
	tenant string // the caller's tenant, for the journal; "" before authentication
}

func newGUID() string { return uuid.NewString() }

// graphCtx carries per-request values every Graph response needs.
type graphCtx struct {
	r               *http.Request
	version         string // "v1.0" or "beta", as the service spells it
	requestID       string
	clientRequestID string
	base            string // scheme://host of the request
	now             time.Time
	nextLink        string // a ForeignNextLink fault: served on every list page instead of the real link
	t               *state // the token's tenant, set by authenticate; handlers serve its data only
}

// tenantID names the caller's tenant on responses, "" before authentication.
func (g *graphCtx) tenantID() string {
	if g.t == nil {
		return ""
	}
	return g.t.TenantID
}

func newGraphCtx(r *http.Request, version string, now time.Time) *graphCtx {
	g := &graphCtx{r: r, version: version, requestID: newGUID(), base: requestBase(r), now: now}
	g.clientRequestID = r.Header.Get("client-request-id")
	if g.clientRequestID == "" {
		// The service answers with its own id when the client sent none.
		g.clientRequestID = g.requestID
	}
	return g
}

func requestBase(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

func (g *graphCtx) headers() http.Header {
	h := http.Header{}
	h.Set("Content-Type", odataContentType)
	h.Set("OData-Version", "4.0")
	h.Set("request-id", g.requestID)
	h.Set("client-request-id", g.clientRequestID)
	h.Set("x-ms-ags-diagnostic", `{"ServerInfo":{"DataCenter":"Local","Slice":"E","Ring":"0","ScaleUnit":"000","RoleInstance":"securescore-emulator"}}`)
	h.Set("Cache-Control", "no-cache")
	return h
}

func (g *graphCtx) json(status int, body []byte) *response {
	return &response{status: status, header: g.headers(), body: body, tenant: g.tenantID()}
}

func (g *graphCtx) noContent(extra http.Header) *response {
	h := g.headers()
	h.Del("Content-Type")
	maps.Copy(h, extra)
	return &response{status: http.StatusNoContent, header: h, tenant: g.tenantID()}
}

// errorf builds an OData error: {"error":{"code","message","innerError":{date,request-id,client-request-id}}}.
func (g *graphCtx) errorf(status int, code, format string, args ...any) *response {
	return &response{status: status, header: g.headers(), body: odataErrorBody(code, fmt.Sprintf(format, args...), g.requestID, g.clientRequestID, g.date()), tenant: g.tenantID()}
}

// date is innerError.date: UTC without a zone designator, as the service writes it.
func (g *graphCtx) date() string { return g.now.UTC().Format("2006-01-02T15:04:05") }

func odataErrorBody(code, message, requestID, clientRequestID, date string) []byte {
	type inner struct {
		Date            string `json:"date"`
		RequestID       string `json:"request-id"`
		ClientRequestID string `json:"client-request-id"`
	}
	type body struct {
		Error struct {
			Code       string `json:"code"`
			Message    string `json:"message"`
			InnerError inner  `json:"innerError"`
		} `json:"error"`
	}
	var b body
	b.Error.Code = code
	b.Error.Message = message
	b.Error.InnerError = inner{Date: date, RequestID: requestID, ClientRequestID: clientRequestID}
	return marshalNoEscape(b)
}

// marshalNoEscape encodes like the service: no HTML escaping of <, >, &.
func marshalNoEscape(v any) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		// Only our own values are encoded here; they are always encodable.
		panic(fmt.Sprintf("emulator: encode: %v", err))
	}
	return bytes.TrimRight(buf.Bytes(), "\n")
}

// marshalOrdered writes an entity with its declared properties first, in the service's order.
func marshalOrdered(obj map[string]any, order []string) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	buf.WriteByte('{')
	first := true
	write := func(k string, v any) {
		if !first {
			buf.WriteByte(',')
		}
		first = false
		encodeTrim(enc, &buf, k)
		buf.WriteByte(':')
		encodeTrim(enc, &buf, v)
	}
	seen := make(map[string]bool, len(order))
	for _, k := range order {
		seen[k] = true
		if v, ok := obj[k]; ok {
			write(k, v)
		}
	}
	rest := make([]string, 0, len(obj))
	for k := range obj {
		if !seen[k] {
			rest = append(rest, k)
		}
	}
	sort.Strings(rest)
	for _, k := range rest {
		write(k, obj[k])
	}
	buf.WriteByte('}')
	return buf.Bytes()
}

// encodeTrim appends v without the encoder's trailing newline.
func encodeTrim(enc *json.Encoder, buf *bytes.Buffer, v any) {
	if err := enc.Encode(v); err != nil {
		// Only decoded JSON and our own values are encoded here; they are always encodable.
		panic(fmt.Sprintf("emulator: encode: %v", err))
	}
	buf.Truncate(buf.Len() - 1)
}

// listQuery is the parsed set of system query options of a list request.
type listQuery struct {
	top      int // 0 = not given
	hasTop   bool
	skip     int
	filter   []filterClause
	selected []string
	count    bool
	offset   int // from $skiptoken
	rawQuery url.Values
}

// parseListQuery reads $top, $skip, $filter, $select, $count and $skiptoken (names case-insensitive).
func parseListQuery(q url.Values, et *entityType) (*listQuery, string) {
	lq := &listQuery{rawQuery: url.Values{}}
	for name, vals := range q {
		if len(vals) == 0 {
			continue
		}
		v := vals[len(vals)-1]
		switch strings.ToLower(name) {
		case "$top":
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 {
				return nil, fmt.Sprintf("Invalid value '%s' for $top query option found. The $top query option requires a non-negative integer value.", v)
			}
			lq.top, lq.hasTop = n, true
			lq.rawQuery.Set("$top", v)
		case "$skip":
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 {
				return nil, fmt.Sprintf("Invalid value '%s' for $skip query option found. The $skip query option requires a non-negative integer value.", v)
			}
			lq.skip = n
		case "$filter":
			clauses, err := parseFilter(v, et)
			if err != nil {
				return nil, err.Error()
			}
			lq.filter = clauses
			lq.rawQuery.Set("$filter", v)
		case "$select":
			for _, p := range strings.Split(v, ",") {
				p = strings.TrimSpace(p)
				if p == "" {
					return nil, "Syntax error: empty property name in $select."
				}
				if p == "*" {
					lq.selected = nil
					break
				}
				if canon, ok := et.canonical(p); ok {
					p = canon
				}
				lq.selected = append(lq.selected, p)
			}
			lq.rawQuery.Set("$select", v)
		case "$count":
			switch strings.ToLower(v) {
			case "true":
				lq.count = true
			case "false":
			default:
				return nil, fmt.Sprintf("Invalid value '%s' for $count query option found. Valid values are 'true' and 'false'.", v)
			}
			lq.rawQuery.Set("$count", v)
		case "$skiptoken":
			off, ok := decodeSkipToken(v)
			if !ok {
				return nil, "The skip token is invalid or has expired."
			}
			lq.offset = off
		default:
			if strings.HasPrefix(name, "$") {
				return nil, fmt.Sprintf("Query option '%s' is not allowed. Make sure that the query option is supported on this resource.", name)
			}
			// Non-system query options are ignored by the service.
		}
	}
	return lq, ""
}

// Skip tokens are opaque to clients: base64url of a versioned offset.
func encodeSkipToken(offset int) string {
	return base64.RawURLEncoding.EncodeToString([]byte("sse1:" + strconv.Itoa(offset)))
}

func decodeSkipToken(s string) (int, bool) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || !bytes.HasPrefix(b, []byte("sse1:")) {
		return 0, false
	}
	n, err := strconv.Atoi(string(b[5:]))
	if err != nil || n < 0 {
		return 0, false
	}
	return n, true
}

// maxPageSizePreference reads "Prefer: odata.maxpagesize=N".
func maxPageSizePreference(h http.Header) (int, bool) {
	for _, pref := range preferences(h) {
		if name, val, ok := strings.Cut(pref, "="); ok && strings.EqualFold(strings.TrimSpace(name), "odata.maxpagesize") {
			if n, err := strconv.Atoi(strings.TrimSpace(val)); err == nil && n > 0 {
				return n, true
			}
		}
	}
	return 0, false
}

func preferences(h http.Header) []string {
	var out []string
	for _, v := range h.Values("Prefer") {
		for _, p := range strings.Split(v, ",") {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
	}
	return out
}

func preferReturn(h http.Header) string {
	for _, pref := range preferences(h) {
		if name, val, ok := strings.Cut(pref, "="); ok && strings.EqualFold(strings.TrimSpace(name), "return") {
			return strings.ToLower(strings.TrimSpace(val))
		}
	}
	return ""
}

// page applies filter, $skip, paging and $select to items (already newest first / in service order),
// and renders the collection response.
func (g *graphCtx) page(items []*entity, lq *listQuery, et *entityType, contextPath string) *response {
	matched := items
	if len(lq.filter) > 0 {
		matched = make([]*entity, 0, len(items))
		for _, it := range items {
			if matchFilter(it.obj, lq.filter) {
				matched = append(matched, it)
			}
		}
	}
	total := len(matched)
	start := lq.offset
	if start == 0 {
		start = lq.skip
	}
	if start > len(matched) {
		start = len(matched)
	}
	// $top sets the page size (the service's next links repeat it), so $top above the default page size gives
	// larger pages; odata.maxpagesize lowers it further or sets it when $top is absent.
	size := DefaultPageSize
	if lq.hasTop {
		size = lq.top
	}
	var applied string
	if n, ok := maxPageSizePreference(g.r.Header); ok && (!lq.hasTop || n < size) {
		size = n
		applied = "odata.maxpagesize=" + strconv.Itoa(n)
	}
	if size > MaxPageSize {
		size = MaxPageSize
	}
	end := start + size
	if end > len(matched) {
		end = len(matched)
	}

	var buf bytes.Buffer
	buf.WriteString(`{"@odata.context":`)
	ctx := g.base + "/" + g.version + "/$metadata#" + contextPath
	if len(lq.selected) > 0 {
		ctx += "(" + strings.Join(lq.selected, ",") + ")"
	}
	buf.Write(marshalNoEscape(ctx))
	if lq.count {
		buf.WriteString(`,"@odata.count":`)
		buf.WriteString(strconv.Itoa(total))
	}
	// A $top of 0 asks for nothing: no next page either.
	if g.nextLink != "" {
		buf.WriteString(`,"@odata.nextLink":`)
		buf.Write(marshalNoEscape(g.nextLink))
	} else if end < len(matched) && size > 0 {
		next := url.Values{}
		maps.Copy(next, lq.rawQuery)
		next.Set("$skiptoken", encodeSkipToken(end))
		buf.WriteString(`,"@odata.nextLink":`)
		buf.Write(marshalNoEscape(g.base + "/" + g.version + "/" + contextPath + "?" + encodeQuery(next)))
	}
	buf.WriteString(`,"value":[`)
	for i, it := range matched[start:end] {
		if i > 0 {
			buf.WriteByte(',')
		}
		if len(lq.selected) > 0 {
			buf.Write(marshalOrdered(project(it.obj, lq.selected), et.order))
		} else {
			buf.Write(it.bytes())
		}
	}
	buf.WriteString("]}")
	resp := g.json(http.StatusOK, buf.Bytes())
	if applied != "" {
		resp.header.Set("Preference-Applied", applied)
	}
	return resp
}

// encodeQuery keeps "$" literal in names, as the service's links do.
func encodeQuery(v url.Values) string {
	keys := make([]string, 0, len(v))
	for k := range v {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		return queryRank(keys[i]) < queryRank(keys[j]) || (queryRank(keys[i]) == queryRank(keys[j]) && keys[i] < keys[j])
	})
	var parts []string
	for _, k := range keys {
		for _, val := range v[k] {
			parts = append(parts, k+"="+url.QueryEscape(val))
		}
	}
	return strings.Join(parts, "&")
}

// queryRank puts $skiptoken last, like the service's next links.
func queryRank(k string) int {
	if k == "$skiptoken" {
		return 1
	}
	return 0
}

func project(obj map[string]any, selected []string) map[string]any {
	out := make(map[string]any, len(selected))
	for _, p := range selected {
		if v, ok := obj[p]; ok {
			out[p] = v
		}
	}
	return out
}

// entityResponse renders one entity with its $entity context, honouring $select.
func (g *graphCtx) entityResponse(it *entity, et *entityType, setPath string) *response {
	var selected []string
	for name, vals := range g.r.URL.Query() {
		if strings.EqualFold(name, "$select") && len(vals) > 0 {
			for _, p := range strings.Split(vals[len(vals)-1], ",") {
				if p = strings.TrimSpace(p); p != "" && p != "*" {
					if canon, ok := et.canonical(p); ok {
						p = canon
					}
					selected = append(selected, p)
				}
			}
		}
	}
	ctx := g.base + "/" + g.version + "/$metadata#" + setPath
	var body []byte
	if len(selected) > 0 {
		ctx += "(" + strings.Join(selected, ",") + ")"
		body = marshalOrdered(project(it.obj, selected), et.order)
	} else {
		body = it.bytes()
	}
	ctx += "/$entity"
	var buf bytes.Buffer
	buf.WriteString(`{"@odata.context":`)
	buf.Write(marshalNoEscape(ctx))
	if len(body) > 2 {
		buf.WriteByte(',')
		buf.Write(body[1:])
	} else {
		buf.WriteByte('}')
	}
	return g.json(http.StatusOK, buf.Bytes())
}
