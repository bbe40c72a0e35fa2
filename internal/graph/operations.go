package graph

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

const (
	secureScoresPath    = "/security/secureScores"
	controlProfilesPath = "/security/secureScoreControlProfiles"
	secureScoreType     = "#microsoft.graph.secureScore"
)

// ListOptions are the OData query options of a list call.
type ListOptions struct {
	Top    int      // $top (0 = not sent)
	Skip   int      // $skip
	Filter string   // $filter, e.g. "azureTenantId eq '...'"
	Select []string // $select
	Count  bool     // $count=true
	Limit  int      // stop following @odata.nextLink once this many items are collected (0 = follow to the end)
}

// SecureScoreList is every page of a secureScores list, concatenated.
type SecureScoreList struct {
	Value []SecureScore
	Count *int64 // @odata.count when asked for
}

// ControlProfileList is every page of a secureScoreControlProfiles list, concatenated.
type ControlProfileList struct {
	Value []SecureScoreControlProfile
	Count *int64
}

// ControlProfileUpdate is the documented v1.0 PATCH body; all four keys are always sent.
type ControlProfileUpdate struct {
	AssignedTo        string
	Comment           string
	State             string // Default | Ignored | ThirdParty | Reviewed
	VendorInformation SecurityVendorInformation
}

// MarshalJSON writes the body in the documented key order.
func (u ControlProfileUpdate) MarshalJSON() ([]byte, error) {
	vi, err := u.VendorInformation.MarshalJSON()
	if err != nil {
		return nil, err
	}
	return json.Marshal(struct {
		AssignedTo        string          `json:"assignedTo"`
		Comment           string          `json:"comment"`
		State             string          `json:"state"`
		VendorInformation json.RawMessage `json:"vendorInformation"`
	}{u.AssignedTo, u.Comment, u.State, vi})
}

// ListSecureScores lists secure scores (newest first on the service), following @odata.nextLink.
func (c *Client) ListSecureScores(ctx context.Context, opts ListOptions) (*SecureScoreList, error) {
	var out SecureScoreList
	count, err := listAll(ctx, c, secureScoresPath, opts, &out.Value)
	if err != nil {
		return nil, err
	}
	out.Count = count
	return &out, nil
}

// GetSecureScore gets one secure score by id; a missing one is *Error with StatusCode 404 (see IsNotFound).
func (c *Client) GetSecureScore(ctx context.Context, id string) (*SecureScore, error) {
	u, err := c.itemURL(opRead, secureScoresPath, id)
	if err != nil {
		return nil, err
	}
	var v SecureScore
	if err := c.getObject(ctx, u, &v); err != nil {
		return nil, err
	}
	return &v, nil
}

// UpdateSecureScores is the seed's PATCH /security/secureScores (updates the tenant's current score).
// "@odata.type" is added; patch itself is not modified. A 204 answer returns (nil, nil).
func (c *Client) UpdateSecureScores(ctx context.Context, patch map[string]any) (*SecureScore, error) {
	return c.patchSecureScore(ctx, c.collectionURL(opSecureScorePatch, secureScoresPath), patch)
}

// UpdateSecureScore is PATCH /security/secureScores/{id}. "@odata.type" is added. A 204 answer returns (nil, nil).
func (c *Client) UpdateSecureScore(ctx context.Context, id string, patch map[string]any) (*SecureScore, error) {
	u, err := c.itemURL(opSecureScorePatch, secureScoresPath, id)
	if err != nil {
		return nil, err
	}
	return c.patchSecureScore(ctx, u, patch)
}

func (c *Client) patchSecureScore(ctx context.Context, u string, patch map[string]any) (*SecureScore, error) {
	body := make(map[string]any, len(patch)+1)
	maps.Copy(body, patch)
	body["@odata.type"] = secureScoreType
	b, err := json.Marshal(body)
	if err != nil {
		return nil, fmt.Errorf("graph: PATCH %s: encoding the body: %w", u, err)
	}
	var v SecureScore
	ok, err := c.patchObject(ctx, apiRequest{method: http.MethodPatch, url: u, body: b}, &v)
	if err != nil || !ok {
		return nil, err
	}
	return &v, nil
}

// ListControlProfiles lists secure score control profiles, following @odata.nextLink.
func (c *Client) ListControlProfiles(ctx context.Context, opts ListOptions) (*ControlProfileList, error) {
	var out ControlProfileList
	count, err := listAll(ctx, c, controlProfilesPath, opts, &out.Value)
	if err != nil {
		return nil, err
	}
	out.Count = count
	return &out, nil
}

// GetControlProfile gets one control profile by id (ids may contain dots, e.g. "11770.MDA_Google_EnableTwoFactorAuth").
func (c *Client) GetControlProfile(ctx context.Context, id string) (*SecureScoreControlProfile, error) {
	u, err := c.itemURL(opRead, controlProfilesPath, id)
	if err != nil {
		return nil, err
	}
	var v SecureScoreControlProfile
	if err := c.getObject(ctx, u, &v); err != nil {
		return nil, err
	}
	return &v, nil
}

// UpdateControlProfile is PATCH /security/secureScoreControlProfiles/{id} with "Prefer: return=representation".
// It returns the profile on 200, or (nil, nil) on 204 (the caller then GETs).
//
// Each PATCH the service applies adds a controlStateUpdates entry, so the PATCH is not idempotent and is never
// re-sent blindly after a broken connection: see updateControlProfileChecked.
func (c *Client) UpdateControlProfile(ctx context.Context, id string, update ControlProfileUpdate) (*SecureScoreControlProfile, error) {
	u, err := c.itemURL(opControlProfilePatch, controlProfilesPath, id)
	if err != nil {
		return nil, err
	}
	b, err := update.MarshalJSON()
	if err != nil {
		return nil, fmt.Errorf("graph: PATCH %s: encoding the body: %w", u, err)
	}
	return c.updateControlProfileChecked(ctx, id, update, apiRequest{method: http.MethodPatch, url: u, body: b, prefer: "return=representation", noResend: true})
}

func (c *Client) collectionURL(op int, path string) string {
	return c.baseURL(op) + path
}

// itemURL escapes id as one path segment: "/" and "?" cannot escape it, and "." / ".." are percent-encoded so
// no server or proxy resolves them as dot-segments. Dots inside an id stay literal, as Graph writes them.
func (c *Client) itemURL(op int, path, id string) (string, error) {
	if id == "" {
		return "", errors.New("graph: an id is required")
	}
	seg := url.PathEscape(id)
	if id == "." || id == ".." {
		seg = strings.Repeat("%2E", len(id))
	}
	return c.baseURL(op) + path + "/" + seg, nil
}

// listURL builds the first page's URL. "$" stays literal and spaces are %20 (not "+"), as Graph's samples do.
func (c *Client) listURL(path string, o ListOptions) (string, error) {
	if o.Top < 0 || o.Skip < 0 || o.Limit < 0 {
		return "", errors.New("graph: ListOptions Top, Skip and Limit must not be negative")
	}
	var q []string
	add := func(k, v string) {
		q = append(q, k+"="+strings.ReplaceAll(url.QueryEscape(v), "+", "%20"))
	}
	if o.Filter != "" {
		add("$filter", o.Filter)
	}
	if len(o.Select) > 0 {
		add("$select", strings.Join(o.Select, ","))
	}
	if o.Top > 0 {
		add("$top", strconv.Itoa(o.Top))
	}
	if o.Skip > 0 {
		add("$skip", strconv.Itoa(o.Skip))
	}
	if o.Count {
		add("$count", "true")
	}
	u := c.collectionURL(opRead, path)
	if len(q) > 0 {
		u += "?" + strings.Join(q, "&")
	}
	return u, nil
}

// page is one list response. Value stays raw so each item decodes with its own path.
type page struct {
	Value    json.RawMessage `json:"value"`
	NextLink *string         `json:"@odata.nextLink"`
	Count    json.RawMessage `json:"@odata.count"`
}

func listAll[T any](ctx context.Context, c *Client, path string, o ListOptions, out *[]T) (*int64, error) {
	u, err := c.listURL(path, o)
	if err != nil {
		return nil, err
	}
	var count *int64
	seen := map[string]bool{}
	var total int64
	for pageNo := 0; ; pageNo++ {
		// A service that keeps handing out links must not run the call to its deadline or out of memory.
		if pageNo >= c.maxListPages {
			return nil, fmt.Errorf("graph: GET %s: %w: read %d pages (%d bytes, %d items) and the service still sends @odata.nextLink; giving up (MaxListPages %d)",
				path, ErrListTooLarge, pageNo, total, len(*out), c.maxListPages)
		}
		seen[u] = true
		resp, err := c.do(ctx, apiRequest{method: http.MethodGet, url: u})
		if err != nil {
			return nil, err
		}
		if total += int64(len(resp.body)); total > c.maxListBytes {
			return nil, fmt.Errorf("graph: GET %s: %w: %d pages came to more than %d bytes; giving up (MaxListBytes)",
				path, ErrListTooLarge, pageNo+1, c.maxListBytes)
		}
		p, err := decodePage(resp.body)
		if err != nil {
			return nil, bodyError(http.MethodGet, u, resp, err)
		}
		if pageNo == 0 && len(p.Count) > 0 && string(p.Count) != "null" {
			n, err := parseCount(p.Count)
			if err != nil {
				return nil, bodyError(http.MethodGet, u, resp, &DecodeError{Path: "@odata.count", Err: err})
			}
			count = &n
		}
		var items []T
		if err := decodeAt(p.Value, &items, "value"); err != nil {
			return nil, bodyError(http.MethodGet, u, resp, err)
		}
		*out = append(*out, items...)
		if o.Limit > 0 && len(*out) >= o.Limit {
			*out = (*out)[:o.Limit]
			return count, nil
		}
		if p.NextLink == nil || *p.NextLink == "" {
			if *out == nil {
				*out = []T{}
			}
			return count, nil
		}
		next, err := c.checkNextLink(u, *p.NextLink)
		if err != nil {
			return nil, err
		}
		if seen[next] {
			return nil, fmt.Errorf("graph: GET %s: @odata.nextLink %q repeats a page already read; stopping", u, next)
		}
		u = next
	}
}

func parseCount(raw json.RawMessage) (int64, error) {
	s := string(raw)
	if strings.HasPrefix(s, `"`) { // IEEE754Compatible=true quotes Int64
		if err := json.Unmarshal(raw, &s); err != nil {
			return 0, err
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("want a non-negative Edm.Int64, got %s", truncateForError(raw))
	}
	return n, nil
}

// decodePage checks the envelope; the items are decoded afterwards with paths like value[3].maxScore.
func decodePage(body []byte) (*page, error) {
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		return nil, &DecodeError{Err: errors.New("empty body where a collection page was expected")}
	}
	if err := checkSyntax(body); err != nil {
		return nil, &DecodeError{Err: err}
	}
	if body[0] != '{' {
		return nil, &DecodeError{Err: fmt.Errorf("want a collection page object, got %s", jsonKind(body))}
	}
	var p page
	if err := json.Unmarshal(body, &p); err != nil {
		return nil, &DecodeError{Err: err}
	}
	if v := bytes.TrimSpace(p.Value); len(v) == 0 || v[0] != '[' {
		return nil, &DecodeError{Path: "value", Err: fmt.Errorf("want a collection (JSON array), got %s", jsonKind(v))}
	}
	return &p, nil
}

func (c *Client) getObject(ctx context.Context, u string, v any) error {
	resp, err := c.do(ctx, apiRequest{method: http.MethodGet, url: u})
	if err != nil {
		return err
	}
	if resp.status == http.StatusNoContent || len(resp.body) == 0 {
		return bodyError(http.MethodGet, u, resp, errors.New("empty body where an object was expected"))
	}
	if err := decodeAt(resp.body, v, ""); err != nil {
		return bodyError(http.MethodGet, u, resp, err)
	}
	return nil
}

// patchObject sends r; it reports false (and no error) for a 204 or another success without a body. A success
// whose body does not decode is *UndecodedWriteError: the change was applied.
func (c *Client) patchObject(ctx context.Context, r apiRequest, v any) (bool, error) {
	resp, err := c.do(ctx, r)
	if err != nil {
		return false, err
	}
	if resp.status == http.StatusNoContent || len(strings.TrimSpace(string(resp.body))) == 0 {
		return false, nil
	}
	if err := decodeAt(resp.body, v, ""); err != nil {
		return false, &UndecodedWriteError{Method: r.method, URL: r.url, StatusCode: resp.status, Err: bodyError(r.method, r.url, resp, err)}
	}
	return true, nil
}

// bodyError reports a success response whose body is not what the API documents (truncated, malformed,
// wrong types), with what support needs to trace it.
func bodyError(method, u string, resp *apiResponse, err error) error {
	ids := "request-id " + firstNonEmpty(resp.requestID, "(none)")
	if resp.clientRequestID != "" {
		ids += ", client-request-id " + resp.clientRequestID
	}
	return fmt.Errorf("graph: %s %s: HTTP %d (%s): could not decode the response body: %w", method, u, resp.status, ids, err)
}
