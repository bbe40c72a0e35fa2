package emulator

import (
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"
)

func TestListNewestFirstAndHeaders(t *testing.T) {
	f := newFixture(t)
	const crid = "0f1e2d3c-4b5a-4697-8887-766554433221"
	resp, b := f.do(t, "GET", "/v1.0/security/secureScores", f.tok, "", "client-request-id", crid)
	if resp.StatusCode != 200 {
		t.Fatalf("%d %s", resp.StatusCode, truncate(b))
	}
	if ct := resp.Header.Get("Content-Type"); ct != odataContentType {
		t.Errorf("Content-Type %q", ct)
	}
	if resp.Header.Get("OData-Version") != "4.0" || resp.Header.Get("client-request-id") != crid || len(resp.Header.Get("request-id")) != 36 {
		t.Errorf("headers %v", resp.Header)
	}
	m := decode(t, b)
	if m["@odata.context"] != f.srv.URL+"/v1.0/$metadata#security/secureScores" {
		t.Errorf("context %v", m["@odata.context"])
	}
	vals := values(t, b)
	if len(vals) != DefaultHistoryDays {
		t.Fatalf("%d scores", len(vals))
	}
	today := f.clock.Now().Format("2006-01-02")
	if vals[0]["id"] != DefaultTenantID+"_"+today || vals[0]["createdDateTime"] != today+"T00:00:00Z" {
		t.Errorf("first %v %v", vals[0]["id"], vals[0]["createdDateTime"])
	}
	for i := 1; i < len(vals); i++ {
		if vals[i-1]["createdDateTime"].(string) <= vals[i]["createdDateTime"].(string) {
			t.Fatalf("not newest first at %d", i)
		}
	}
	if vals[0]["currentScore"].(float64) <= vals[len(vals)-1]["currentScore"].(float64) {
		t.Errorf("history does not rise: %v .. %v", vals[len(vals)-1]["currentScore"], vals[0]["currentScore"])
	}
}

func TestSeedRealisticExtras(t *testing.T) {
	f := newFixture(t)
	sc, ok := f.emu.SecureScore(f.emu.CurrentSecureScoreID())
	if !ok {
		t.Fatal("no current score")
	}
	if want := map[string]any{"provider": "SecureScore", "providerVersion": nil, "subProvider": nil, "vendor": "Microsoft"}; fmt.Sprint(sc["vendorInformation"]) != fmt.Sprint(want) {
		t.Errorf("vendorInformation %v", sc["vendorInformation"])
	}
	bases := map[string]map[string]any{}
	for _, a := range sc["averageComparativeScores"].([]any) {
		m := a.(map[string]any)
		bases[m["basis"].(string)] = m
	}
	for _, b := range []string{"AllTenants", "TotalSeats", "IndustryTypes"} {
		if _, ok := bases[b]["identityScore"].(float64); !ok {
			t.Errorf("%s has no identityScore: %v", b, bases[b])
		}
	}
	if bases["TotalSeats"]["SeatSizeRangeLowerValue"] != "1" || bases["TotalSeats"]["SeatSizeRangeUpperValue"] != "100" {
		t.Errorf("TotalSeats %v", bases["TotalSeats"])
	}
	var sawCount bool
	for _, c := range sc["controlScores"].([]any) {
		m := c.(map[string]any)
		if _, ok := m["scoreInPercentage"].(float64); !ok {
			t.Errorf("%v scoreInPercentage", m["controlName"])
		}
		if on := m["on"]; on != "true" && on != "false" {
			t.Errorf("%v on=%v", m["controlName"], on)
		}
		if _, ok := m["lastSynced"].(string); !ok {
			t.Errorf("%v lastSynced", m["controlName"])
		}
		if _, ok := m["implementationStatus"].(string); !ok {
			t.Errorf("%v implementationStatus", m["controlName"])
		}
		if c, ok := m["count"].(string); ok {
			sawCount = true
			if _, err := fmt.Sscan(c, new(int)); err != nil {
				t.Errorf("count %q", c)
			}
			if _, ok := m["total"].(string); !ok {
				t.Errorf("total %v", m["total"])
			}
		}
	}
	if !sawCount {
		t.Error("no controlScore has count/total")
	}
}

func TestListQueryOptions(t *testing.T) {
	f := newFixture(t)
	ids := f.emu.scoreIDs()
	get := func(q string) map[string]any {
		resp, b := f.do(t, "GET", "/v1.0/security/secureScores?"+q, f.tok, "")
		if resp.StatusCode != 200 {
			t.Fatalf("%s: %d %s", q, resp.StatusCode, truncate(b))
		}
		return decode(t, b)
	}
	m := get("$top=3")
	if v := m["value"].([]any); len(v) != 3 || v[0].(map[string]any)["id"] != ids[0] {
		t.Errorf("$top=3: %v", len(v))
	}
	if link, _ := m["@odata.nextLink"].(string); !strings.HasPrefix(link, f.srv.URL+"/v1.0/security/secureScores?") || !strings.Contains(link, "$skiptoken=") {
		t.Errorf("nextLink %q", link)
	}
	m = get("$skip=2&$top=1")
	if v := m["value"].([]any); len(v) != 1 || v[0].(map[string]any)["id"] != ids[2] {
		t.Errorf("$skip: %v", v)
	}
	m = get("$filter=" + url.QueryEscape("id eq '"+ids[4]+"'"))
	if v := m["value"].([]any); len(v) != 1 || v[0].(map[string]any)["id"] != ids[4] {
		t.Errorf("$filter id: %v", v)
	}
	m = get("$filter=" + url.QueryEscape("azureTenantId eq '"+DefaultTenantID+"' and createdDateTime eq "+f.clock.Now().Format("2006-01-02")+"T02:00:00+02:00"))
	if v := m["value"].([]any); len(v) != 1 || v[0].(map[string]any)["id"] != ids[0] {
		t.Errorf("$filter and/datetime: %v", v)
	}
	m = get("$select=id,currentScore&$top=2")
	if v := m["value"].([]any); len(v) != 2 || len(v[0].(map[string]any)) != 2 {
		t.Errorf("$select: %v", v)
	}
	if !strings.HasSuffix(m["@odata.context"].(string), "#security/secureScores(id,currentScore)") {
		t.Errorf("$select context %v", m["@odata.context"])
	}
	m = get("$count=true&$top=1")
	if m["@odata.count"] != float64(len(ids)) {
		t.Errorf("$count %v", m["@odata.count"])
	}
	for _, bad := range []string{"$top=-1", "$top=x", "$filter=" + url.QueryEscape("currentScore gt 3"), "$filter=" + url.QueryEscape("nope eq 'x'"), "$filter=" + url.QueryEscape("id eq 5"), "$skiptoken=garbage", "$orderby=id", "$count=maybe"} {
		resp, b := f.do(t, "GET", "/v1.0/security/secureScores?"+bad, f.tok, "")
		if code, _ := odataError(t, resp, b, 400); code != "BadRequest" {
			t.Errorf("%s: %s", bad, code)
		}
	}
}

func (e *Emulator) scoreIDs() []string {
	e.mu.RLock()
	defer e.mu.RUnlock()
	var ids []string
	for _, s := range e.st.Scores {
		ids = append(ids, s.id())
	}
	return ids
}

func TestNextLinkPagingToTheEnd(t *testing.T) {
	f := newFixture(t)
	var got []string
	next := "/beta/security/secureScores?$top=5&$select=id&$count=true"
	pages := 0
	for next != "" {
		resp, b := f.do(t, "GET", next, f.tok, "")
		if resp.StatusCode != 200 {
			t.Fatalf("%s: %d %s", next, resp.StatusCode, b)
		}
		m := decode(t, b)
		if m["@odata.count"] != float64(DefaultHistoryDays) {
			t.Errorf("count on page %d: %v", pages, m["@odata.count"])
		}
		for _, v := range m["value"].([]any) {
			got = append(got, v.(map[string]any)["id"].(string))
		}
		next, _ = m["@odata.nextLink"].(string)
		pages++
	}
	if want := f.emu.scoreIDs(); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("paged ids differ:\n%v\n%v", got, want)
	}
	if pages != 6 {
		t.Errorf("%d pages", pages)
	}
	// Without $top, one default-size page holds the 28 days.
	resp, b := f.do(t, "GET", "/v1.0/security/secureScores", f.tok, "", "Prefer", "odata.maxpagesize=10")
	m := decode(t, b)
	if len(m["value"].([]any)) != 10 || m["@odata.nextLink"] == nil || resp.Header.Get("Preference-Applied") != "odata.maxpagesize=10" {
		t.Errorf("maxpagesize: %d %v", len(m["value"].([]any)), resp.Header)
	}
}

func TestGetAndCaseInsensitivePaths(t *testing.T) {
	f := newFixture(t)
	id := f.emu.CurrentSecureScoreID()
	for _, p := range []string{"/v1.0/security/secureScores/" + id, "/V1.0/Security/SecureScores/" + id, "/beta/SECURITY/securescores/" + id, "/v1.0/security/secureScores('" + id + "')"} {
		resp, b := f.do(t, "GET", p, f.tok, "")
		if resp.StatusCode != 200 {
			t.Fatalf("%s: %d %s", p, resp.StatusCode, truncate(b))
		}
		m := decode(t, b)
		if m["id"] != id || !strings.HasSuffix(m["@odata.context"].(string), "$metadata#security/secureScores/$entity") {
			t.Errorf("%s: %v %v", p, m["id"], m["@odata.context"])
		}
	}
	resp, b := f.do(t, "GET", "/v1.0/security/secureScores/"+DefaultTenantID+"_1999-01-01", f.tok, "")
	if code, _ := odataError(t, resp, b, 404); code != "itemNotFound" {
		t.Errorf("code %s", code)
	}
	resp, b = f.do(t, "GET", "/v1.0/security/alerts", f.tok, "")
	if code, _ := odataError(t, resp, b, 400); code != "BadRequest" {
		t.Errorf("unknown segment: %s", code)
	}
}

func TestPatchCollectionUpdatesCurrent(t *testing.T) {
	f := newFixture(t)
	id := f.emu.CurrentSecureScoreID()
	before, _ := f.emu.SecureScore(id)
	body := `{
  "@odata.type": "#microsoft.graph.secureScore",
  "activeUserCount": 15,
  "azureTenantId": "` + DefaultTenantID + `",
  "licensedUserCount": 1,
  "currentScore": 12.5,
  "maxScore": "INF",
  "enabledServices": ["HasExchange"],
  "tenantNote": {"owner": "secops", "@odata.type": "#x"},
  "vendorInformation": {"@odata.type": "microsoft.graph.securityVendorInformation", "provider": "P", "providerVersion": "1", "subProvider": "S", "vendor": "V"},
  "controlScores": [{"@odata.type": "microsoft.graph.controlScore", "controlCategory": "Identity", "controlName": "X", "description": "d", "score": 1.5, "lastSynced": "2026-07-01T00:00:00Z", "on": "true"}]
}`
	resp, b := f.do(t, "PATCH", "/beta/Security/secureScores", f.tok, body)
	if resp.StatusCode != 200 {
		t.Fatalf("%d %s", resp.StatusCode, b)
	}
	m := decode(t, b)
	if m["id"] != id || m["activeUserCount"] != float64(15) || m["maxScore"] != "INF" || m["currentScore"] != 12.5 {
		t.Errorf("response %v", m)
	}
	if m["createdDateTime"] != before["createdDateTime"] || fmt.Sprint(m["averageComparativeScores"]) != fmt.Sprint(before["averageComparativeScores"]) {
		t.Error("untouched properties changed")
	}
	if note, _ := m["tenantNote"].(map[string]any); note["owner"] != "secops" || len(note) != 1 {
		t.Errorf("unknown property: %v", m["tenantNote"])
	}
	cs := m["controlScores"].([]any)[0].(map[string]any)
	if cs["lastSynced"] != "2026-07-01T00:00:00Z" || cs["on"] != "true" || cs["@odata.type"] != nil {
		t.Errorf("controlScore extras %v", cs)
	}
	if _, ok := m["@odata.type"]; ok {
		t.Error("annotation stored")
	}
	stored, _ := f.emu.SecureScore(id)
	if stored["activeUserCount"] != float64(15) {
		t.Errorf("stored %v", stored["activeUserCount"])
	}
}

func TestPatchCollectionCreatesWhenNone(t *testing.T) {
	f := newFixture(t, func(c *Config) { c.HistoryDays = 1 })
	if !f.emu.DeleteSecureScore(f.emu.CurrentSecureScoreID()) {
		t.Fatal("delete")
	}
	resp, b := f.do(t, "PATCH", "/v1.0/security/secureScores", f.tok, `{"activeUserCount": 7}`)
	if resp.StatusCode != 200 {
		t.Fatalf("%d %s", resp.StatusCode, b)
	}
	m := decode(t, b)
	if m["id"] != DefaultTenantID+"_2026-07-17" || m["activeUserCount"] != float64(7) || m["createdDateTime"] != "2026-07-17T00:00:00Z" {
		t.Errorf("created %v %v %v", m["id"], m["activeUserCount"], m["createdDateTime"])
	}
	if f.emu.CurrentSecureScoreID() != m["id"] {
		t.Error("not current")
	}
}

func TestPatchByID(t *testing.T) {
	f := newFixture(t)
	ids := f.emu.scoreIDs()
	old := ids[3]
	held, _ := f.emu.SecureScore(old)
	created := held["createdDateTime"].(string)
	ct, _ := time.Parse(time.RFC3339, created)
	sameInstant := ct.In(time.FixedZone("", 3*3600)).Format("2006-01-02T15:04:05.000000000000-07:00")
	resp, b := f.do(t, "PATCH", "/v1.0/security/secureScores/"+old, f.tok, `{"id":"`+old+`","createdDateTime":"`+sameInstant+`","licensedUserCount":2147483647,"currentScore":"NaN"}`)
	if resp.StatusCode != 200 {
		t.Fatalf("%d %s", resp.StatusCode, b)
	}
	m := decode(t, b)
	if m["licensedUserCount"] != float64(2147483647) || m["currentScore"] != "NaN" || m["createdDateTime"] != sameInstant {
		t.Errorf("%v", m)
	}
	if f.emu.CurrentSecureScoreID() != ids[0] {
		t.Error("current changed")
	}
	resp, b = f.do(t, "PATCH", "/v1.0/security/secureScores/nope", f.tok, `{}`)
	if code, _ := odataError(t, resp, b, 404); code != "itemNotFound" {
		t.Error(code)
	}
}

func TestPatchValidationNamesProperty(t *testing.T) {
	f := newFixture(t)
	id := f.emu.CurrentSecureScoreID()
	cases := map[string]string{
		`{"activeUserCount":"15"}`:                                "activeUserCount",
		`{"activeUserCount":2147483648}`:                          "activeUserCount",
		`{"licensedUserCount":1.5}`:                               "licensedUserCount",
		`{"currentScore":"Double"}`:                               "currentScore",
		`{"maxScore":true}`:                                       "maxScore",
		`{"currentScore":1e999}`:                                  "currentScore",
		`{"enabledServices":"HasExchange"}`:                       "enabledServices",
		`{"enabledServices":[1]}`:                                 "enabledServices[0]",
		`{"createdDateTime":"yesterday"}`:                         "createdDateTime",
		`{"createdDateTime":"2017-01-01T00:02:24.9669049+03:00"}`: "createdDateTime",
		`{"azureTenantId":"Azure Tenant Id value"}`:               "azureTenantId",
		`{"azureTenantId":null}`:                                  "azureTenantId",
		`{"id":"other"}`:                                          "id",
		`{"vendorInformation":{"provider":1}}`:                    "vendorInformation.provider",
		`{"vendorInformation":{"colour":"red"}}`:                  "vendorInformation.colour",
		`{"averageComparativeScores":[{"averageScore":"x"}]}`:     "averageComparativeScores[0].averageScore",
		`{"controlScores":[{"score":"Double"}]}`:                  "controlScores[0].score",
		`{"controlScores":[null]}`:                                "controlScores[0]",
		`{"controlScores":{}}`:                                    "controlScores",
	}
	before, _ := f.emu.SecureScore(id)
	for body, prop := range cases {
		resp, b := f.do(t, "PATCH", "/v1.0/security/secureScores/"+id, f.tok, body)
		code, msg := odataError(t, resp, b, 400)
		if code != "BadRequest" || !strings.Contains(msg, "'"+prop+"'") {
			t.Errorf("%s: %s %q", body, code, msg)
		}
	}
	for _, body := range []string{``, `[1]`, `{"a":`, `{} {}`} {
		resp, b := f.do(t, "PATCH", "/v1.0/security/secureScores", f.tok, body)
		odataError(t, resp, b, 400)
	}
	after, _ := f.emu.SecureScore(id)
	if fmt.Sprint(before) != fmt.Sprint(after) {
		t.Error("a rejected PATCH changed the score")
	}
}

// The documented responses and the emulator's have the same properties with the same JSON types.
func TestResponsesMatchDocumentedShape(t *testing.T) {
	f := newFixture(t)
	id := f.emu.CurrentSecureScoreID()
	_, b := f.do(t, "GET", "/v1.0/security/secureScores/"+id, f.tok, "")
	got := decode(t, b)
	want := readFixture(t, "docs-v1.0-get-securescore.response.json")
	sameShape(t, "get", want, got, true)

	_, b = f.do(t, "GET", "/v1.0/security/secureScores?$top=1", f.tok, "")
	wantList := readFixture(t, "docs-v1.0-list-securescores.response.json")
	sameShape(t, "list", wantList["value"].([]any)[0].(map[string]any), values(t, b)[0], true)

	raw, err := os.ReadFile("testdata/docs-v1.0-get-securescorecontrolprofile.response.txt")
	if err != nil {
		t.Fatal(err)
	}
	// The published example has a trailing comma (see testdata/README.md).
	fixed := strings.Replace(string(raw), `"url": "",`, `"url": ""`, 1)
	var wantProfile map[string]any
	if err := json.Unmarshal([]byte(fixed), &wantProfile); err != nil {
		t.Fatal(err)
	}
	_, b = f.do(t, "GET", "/v1.0/security/secureScoreControlProfiles/DLPEnabled", f.tok, "")
	gotProfile := decode(t, b)
	sameShape(t, "profile", wantProfile, gotProfile, true)
	// The untouched entry: everything null but state (graph-notes).
	up := gotProfile["controlStateUpdates"].([]any)[0].(map[string]any)
	if up["state"] != "Default" || up["assignedTo"] != nil || up["updatedBy"] != nil {
		t.Errorf("untouched entry %v", up)
	}
}

func readFixture(t *testing.T, name string) map[string]any {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return decode(t, b)
}

func jsonType(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "string"
	case float64:
		return "number"
	case bool:
		return "bool"
	case []any:
		return "array"
	}
	return "object"
}

// sameShape: every documented property is present with the same JSON type (null matches any
// scalar, as the docs show nulls where values can be); with exact, no undeclared extras at this level.
func sameShape(t *testing.T, path string, want, got map[string]any, exact bool) {
	t.Helper()
	for k, wv := range want {
		gv, ok := got[k]
		if !ok {
			t.Errorf("%s.%s missing", path, k)
			continue
		}
		wt, gt := jsonType(wv), jsonType(gv)
		if wt != gt && wt != "null" && gt != "null" {
			t.Errorf("%s.%s: type %s, documented %s", path, k, gt, wt)
			continue
		}
		switch wt {
		case "object":
			sameShape(t, path+"."+k, wv.(map[string]any), gv.(map[string]any), k == "vendorInformation")
		case "array":
			wa, ga := wv.([]any), gv.([]any)
			if len(wa) > 0 && len(ga) > 0 {
				if wm, ok := wa[0].(map[string]any); ok {
					sameShape(t, path+"."+k+"[0]", wm, ga[0].(map[string]any), false)
				} else if jsonType(wa[0]) != jsonType(ga[0]) {
					t.Errorf("%s.%s[0] type", path, k)
				}
			}
		}
	}
	if exact {
		for k := range got {
			if _, ok := want[k]; !ok && !strings.HasPrefix(k, "@odata.") {
				t.Errorf("%s.%s not in the documented response", path, k)
			}
		}
	}
}
