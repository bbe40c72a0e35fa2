package graph

import (
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
)

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// trailingComma is the documented defect of the three .txt bodies: `"url": "",` before a closing brace.
var trailingComma = regexp.MustCompile(`("url": ""),(\s*\})`)

func fixTrailingComma(t testing.TB, b []byte) []byte {
	t.Helper()
	fixed := trailingComma.ReplaceAll(b, []byte("$1$2"))
	if len(fixed) != len(b)-1 {
		t.Fatalf("expected exactly one documented trailing comma, removed %d bytes", len(b)-len(fixed))
	}
	return fixed
}

// sameJSON compares documents as values: 387.0 equals 387, key order does not matter.
func sameJSON(t *testing.T, want, got []byte) {
	t.Helper()
	var w, g any
	if err := json.Unmarshal(want, &w); err != nil {
		t.Fatalf("want: %v", err)
	}
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("got: %v\n%s", err, got)
	}
	if !reflect.DeepEqual(w, g) {
		t.Fatalf("round trip lost or changed data:\nwant %s\ngot  %s", want, got)
	}
}

func decodeList[T any](t *testing.T, body []byte) ([]T, error) {
	t.Helper()
	p, err := decodePage(body)
	if err != nil {
		return nil, err
	}
	var items []T
	return items, decodeAt(p.Value, &items, "value")
}

func ptrString(t *testing.T, p *string) string {
	t.Helper()
	if p == nil {
		t.Fatal("unexpected nil")
	}
	return *p
}

func checkV1SecureScore(t *testing.T, s SecureScore) {
	t.Helper()
	if s.ID != "00000001-0001-0001-0001-000000000001c_2019-03-19" || s.AzureTenantID != "00000001-0001-0001-0001-000000000001c" {
		t.Fatalf("ids: %q %q", s.ID, s.AzureTenantID)
	}
	if s.ActiveUserCount == nil || *s.ActiveUserCount != 0 || s.LicensedUserCount == nil || *s.LicensedUserCount != 100 {
		t.Fatal("user counts")
	}
	if s.CreatedDateTime == nil || s.CreatedDateTime.Raw != "2019-03-19T15:21:00Z" || s.CreatedDateTime.Time.Hour() != 15 {
		t.Fatalf("createdDateTime %+v", s.CreatedDateTime)
	}
	if *s.CurrentScore != 387 || *s.MaxScore != 697 {
		t.Fatal("scores")
	}
	if strings.Join(s.EnabledServices, ",") != "HasExchange,HasSharePoint,HasInTune" {
		t.Fatalf("enabledServices %v", s.EnabledServices)
	}
	if len(s.AverageComparativeScores) != 3 || ptrString(t, s.AverageComparativeScores[2].Basis) != "IndustryTypes" || *s.AverageComparativeScores[2].AverageScore != 109 {
		t.Fatalf("averageComparativeScores %+v", s.AverageComparativeScores)
	}
	if len(s.ControlScores) != 2 || ptrString(t, s.ControlScores[1].ControlName) != "DLPEnabled" || *s.ControlScores[0].Score != 35 ||
		ptrString(t, s.ControlScores[0].ControlCategory) != "Identity" || !strings.HasPrefix(ptrString(t, s.ControlScores[0].Description), "Requiring multi-factor") {
		t.Fatalf("controlScores %+v", s.ControlScores)
	}
	vi := s.VendorInformation
	if vi == nil || ptrString(t, vi.Provider) != "SecureScore" || vi.ProviderVersion != nil || vi.SubProvider != nil || ptrString(t, vi.Vendor) != "Microsoft" {
		t.Fatalf("vendorInformation %+v", vi)
	}
	if s.Extra != nil {
		t.Fatalf("unexpected extras %v", s.Extra)
	}
}

func TestDecodeV1GetSecureScoreFixture(t *testing.T) {
	body := readFixture(t, "docs-v1.0-get-securescore.response.json")
	var s SecureScore
	if err := json.Unmarshal(body, &s); err != nil {
		t.Fatal(err)
	}
	checkV1SecureScore(t, s)
	out, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	sameJSON(t, body, out)
}

func TestDecodeV1ListSecureScoresFixture(t *testing.T) {
	body := readFixture(t, "docs-v1.0-list-securescores.response.json")
	items, err := decodeList[SecureScore](t, body)
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 1 {
		t.Fatalf("%d items", len(items))
	}
	checkV1SecureScore(t, items[0])
	out, err := json.Marshal(map[string]any{"value": items})
	if err != nil {
		t.Fatal(err)
	}
	sameJSON(t, body, out)
}

func checkControlProfile(t *testing.T, p SecureScoreControlProfile, id, certName, ctlName string) {
	t.Helper()
	if p.ID != id || p.AzureTenantID != "00000001-0001-0001-0001-000000000001c" {
		t.Fatalf("ids %q %q", p.ID, p.AzureTenantID)
	}
	if p.Deprecated == nil || *p.Deprecated || p.LastModifiedDateTime != nil || p.Rank == nil || p.MaxScore == nil {
		t.Fatalf("scalars %+v", p)
	}
	if len(p.ComplianceInformation) != 1 || ptrString(t, p.ComplianceInformation[0].CertificationName) != certName {
		t.Fatalf("complianceInformation %+v", p.ComplianceInformation)
	}
	ctl := p.ComplianceInformation[0].CertificationControls
	if len(ctl) != 1 || ptrString(t, ctl[0].Name) != ctlName || ptrString(t, ctl[0].URL) != "" {
		t.Fatalf("certificationControls %+v", ctl)
	}
	if len(p.ControlStateUpdates) != 1 || p.ControlStateUpdates[0].UpdatedDateTime == nil || p.ControlStateUpdates[0].UpdatedDateTime.Time.Nanosecond() != 628799000 {
		t.Fatalf("controlStateUpdates %+v", p.ControlStateUpdates)
	}
	if len(p.Threats) < 2 || p.VendorInformation == nil || ptrString(t, p.VendorInformation.Vendor) != "Microsoft" {
		t.Fatalf("threats/vendor %+v", p)
	}
}

// The three .txt bodies are invalid JSON as published: decoding must fail clearly (with the position), and
// succeed once the documented trailing comma is removed.
func TestDecodeV1ControlProfileFixtures(t *testing.T) {
	for _, tc := range []struct {
		file, id, cert, ctl string
		list                bool
	}{
		{"docs-v1.0-get-securescorecontrolprofile.response.txt", "DLPEnabled", "ISO 27001:2013", "A.8.2.1", false},
		{"docs-v1.0-list-securescorecontrolprofiles.response.txt", "DLPEnabled", "ISO 27001:2013", "A.8.2.1", true},
		{"docs-v1.0-update-securescorecontrolprofile-prefer.response.txt", "NonOwnerAccess", "FedRAMP_Moderate", "AC-6(9)", false},
	} {
		t.Run(tc.file, func(t *testing.T) {
			body := readFixture(t, tc.file)
			var err error
			if tc.list {
				_, err = decodeList[SecureScoreControlProfile](t, body)
			} else {
				_, err = DecodeControlProfile(body)
			}
			if err == nil {
				t.Fatal("the published body has a trailing comma; decoding must fail")
			}
			// The error points at the brace after the comma.
			loc := trailingComma.FindIndex(body)
			brace := loc[1] - 1
			line := 1 + strings.Count(string(body[:brace]), "\n")
			col := brace - strings.LastIndex(string(body[:brace]), "\n")
			want := fmt.Sprintf("invalid JSON at line %d, column %d: invalid character '}' looking for beginning of object key string", line, col)
			if err.Error() != want {
				t.Fatalf("unclear error:\n got  %v\n want %s", err, want)
			}

			fixed := fixTrailingComma(t, body)
			var p SecureScoreControlProfile
			if tc.list {
				items, err := decodeList[SecureScoreControlProfile](t, fixed)
				if err != nil || len(items) != 1 {
					t.Fatalf("%v (%d items)", err, len(items))
				}
				p = items[0]
			} else if err := json.Unmarshal(fixed, &p); err != nil {
				t.Fatal(err)
			}
			checkControlProfile(t, p, tc.id, tc.cert, tc.ctl)
			if tc.list {
				out, _ := json.Marshal(map[string]any{"value": []SecureScoreControlProfile{p}})
				sameJSON(t, fixed, out)
			} else {
				out, _ := json.Marshal(p)
				sameJSON(t, fixed, out)
			}
		})
	}
}

// The beta docs use placeholder strings; each bad property is named, nothing panics.
func TestDecodeBetaPlaceholderFixtures(t *testing.T) {
	body := readFixture(t, "docs-beta-list-securescores.response.json")
	_, err := decodeList[SecureScore](t, body)
	if err == nil {
		t.Fatal("placeholders must not decode")
	}
	for _, want := range []string{
		`value[0].createdDateTime: invalid Edm.DateTimeOffset "createdDateTime.value"`,
		`value[0].enabledServices: want a collection (JSON array), got a string "enabledServices.value"`,
		`value[0].averageComparativeScores[0].averageScore: invalid Edm.Double "averageScore.value"`,
		`value[0].averageComparativeScores[2].averageScore`,
		`value[0].controlScores[0].score: invalid Edm.Double "score.value"`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not contain %q:\n%v", want, err)
		}
	}
	var de *DecodeError
	if !errors.As(err, &de) || de.Path != "value[0].createdDateTime" {
		t.Fatalf("first DecodeError: %#v", de)
	}

	body = readFixture(t, "docs-beta-list-securescorecontrolprofiles.response.json")
	_, err = decodeList[SecureScoreControlProfile](t, body)
	if err == nil || !strings.Contains(err.Error(), "value[0].lastModifiedDateTime") || !strings.Contains(err.Error(), "value[0].controlStateUpdates[0].updatedDateTime") {
		t.Fatalf("beta control profiles: %v", err)
	}

	var p SecureScoreControlProfile
	err = json.Unmarshal(readFixture(t, "docs-beta-update-securescorecontrolprofiles.request.json"), &p)
	if err == nil || !strings.HasPrefix(err.Error(), "controlStateUpdates: want a collection") {
		t.Fatalf("beta update body: %v", err)
	}
}

// The documented v1.0 update bodies are exactly what ControlProfileUpdate sends.
func TestControlProfileUpdateMatchesDocumentedBody(t *testing.T) {
	u := ControlProfileUpdate{
		AssignedTo: "", Comment: "control is reviewed", State: "Reviewed",
		VendorInformation: SecurityVendorInformation{Provider: strPtr("SecureScore"), Vendor: strPtr("Microsoft")},
	}
	got, err := json.Marshal(u)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"docs-v1.0-update-securescorecontrolprofile.request.json", "docs-v1.0-update-securescorecontrolprofile-prefer.request.json"} {
		sameJSON(t, readFixture(t, f), got)
	}
	if want := `{"assignedTo":"","comment":"control is reviewed","state":"Reviewed","vendorInformation":{"provider":"SecureScore","providerVersion":null,"subProvider":null,"vendor":"Microsoft"}}`; string(got) != want {
		t.Fatalf("key order or nulls differ:\n%s", got)
	}
}

func strPtr(s string) *string { return &s }

// Real responses carry dynamic properties inside the open complex types; all must survive a round trip,
// annotations must not, and property names are case-sensitive.
func TestOpenTypesKeepUnknownProperties(t *testing.T) {
	in := `{
	  "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#security/secureScores/$entity",
	  "@odata.type": "#microsoft.graph.secureScore",
	  "id": "t_2023-01-10", "azureTenantId": "t", "currentScore": 342.94, "currentScore@odata.type": "#Double",
	  "CurrentScore": 1, "tenantNote": {"a": [1, 2, {"b": null}]},
	  "averageComparativeScores": [
	    {"@odata.type": "microsoft.graph.averageComparativeScore", "basis": "TotalSeats", "averageScore": -1,
	     "SeatSizeRangeLowerValue": "1", "SeatSizeRangeUpperValue": "100", "seatSizeRangeLowerValue": "6",
	     "appsScore": 1.5, "appsScoreMax": 2, "identityScore": -1, "identityScoreMax": 50}
	  ],
	  "controlScores": [
	    {"controlCategory": "Identity", "controlName": "MFARegistrationV2", "description": "d", "score": 9.0,
	     "scoreInPercentage": 100.0, "on": "true", "count": "5", "total": "5", "lastSynced": "2023-01-09T18:00:31Z",
	     "implementationStatus": ""}
	  ],
	  "vendorInformation": {"provider": "SecureScore", "providerVersion": null, "subProvider": null, "vendor": "Microsoft", "@odata.type": "x"}
	}`
	var s SecureScore
	if err := json.Unmarshal([]byte(in), &s); err != nil {
		t.Fatal(err)
	}
	if *s.CurrentScore != 342.94 || string(s.Extra["CurrentScore"]) != "1" || string(s.Extra["tenantNote"]) != `{"a": [1, 2, {"b": null}]}` {
		t.Fatalf("entity extras %v", s.Extra)
	}
	for k := range s.Extra {
		if strings.Contains(k, "@") {
			t.Fatalf("annotation %q kept", k)
		}
	}
	acs := s.AverageComparativeScores[0].Extra
	if string(acs["SeatSizeRangeLowerValue"]) != `"1"` || string(acs["seatSizeRangeLowerValue"]) != `"6"` || string(acs["identityScore"]) != "-1" || len(acs) != 7 {
		t.Fatalf("averageComparativeScore extras %v", acs)
	}
	cs := s.ControlScores[0].Extra
	if string(cs["on"]) != `"true"` || string(cs["count"]) != `"5"` || string(cs["implementationStatus"]) != `""` || len(cs) != 6 {
		t.Fatalf("controlScore extras %v", cs)
	}
	out, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	// Expected: the input without annotations, with every undeclared property kept and absent declared ones null.
	var want map[string]any
	_ = json.Unmarshal([]byte(in), &want)
	stripAnnotations(want)
	for _, k := range []string{"activeUserCount", "licensedUserCount", "createdDateTime", "maxScore", "enabledServices"} {
		want[k] = nil
	}
	wantJSON, _ := json.Marshal(want)
	sameJSON(t, wantJSON, out)

	// Decode → encode is stable.
	var again SecureScore
	if err := json.Unmarshal(out, &again); err != nil {
		t.Fatal(err)
	}
	out2, _ := json.Marshal(again)
	if string(out) != string(out2) {
		t.Fatalf("not stable:\n%s\n%s", out, out2)
	}
}

func stripAnnotations(v any) {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if strings.Contains(k, "@") {
				delete(x, k)
				continue
			}
			stripAnnotations(e)
		}
	case []any:
		for _, e := range x {
			stripAnnotations(e)
		}
	}
}

func TestDecodeErrorsNamePropertyPath(t *testing.T) {
	cases := map[string]string{
		`{"averageComparativeScores":[{"averageScore":"x"}]}`: `averageComparativeScores[0].averageScore: invalid Edm.Double "x"`,
		`{"activeUserCount":2147483648}`:                      `activeUserCount: want an Edm.Int32, got 2147483648`,
		`{"activeUserCount":1.5}`:                             `activeUserCount: want an Edm.Int32`,
		`{"licensedUserCount":"7"}`:                           `licensedUserCount: want an Edm.Int32, got a string "7"`,
		`{"id":5}`:                                            `id: want an Edm.String, got a number 5`,
		`{"vendorInformation":"Microsoft"}`:                   `vendorInformation: want an object, got a string "Microsoft"`,
		`{"controlScores":[{"score":1},{"score":true}]}`:      `controlScores[1].score: invalid Edm.Double true`,
		`{"enabledServices":["a",1]}`:                         `enabledServices[1]: want an Edm.String, got a number 1`,
		`[]`:                                                  `want an object, got an array`,
		`{"createdDateTime":"2023-01-10T00:00:00"}`:           `createdDateTime: invalid Edm.DateTimeOffset "2023-01-10T00:00:00"`,
		`{"id":"a",}`:                                         `invalid JSON at line 1, column 11`,
		`{"value":[{"currentScore":"NaN","maxScore":"INF"}]`:  `invalid JSON at line 1, column`,
		`{"averageComparativeScores":[{"averageScore":null, "basis":1},{"averageScore":"-"}]}`: `averageComparativeScores[0].basis: want an Edm.String, got a number 1; averageComparativeScores[1].averageScore: invalid Edm.Double "-"`,
	}
	for in, want := range cases {
		_, err := DecodeSecureScore([]byte(in))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s:\n got  %v\n want %s", in, err, want)
		}
	}
	var p SecureScoreControlProfile
	if err := json.Unmarshal([]byte(`{"deprecated":"false","rank":"1"}`), &p); err == nil ||
		!strings.Contains(err.Error(), "deprecated: want an Edm.Boolean") || !strings.Contains(err.Error(), "rank: want an Edm.Int32") {
		t.Fatalf("control profile: %v", err)
	}
}

func TestDoubleSpecialValuesInModel(t *testing.T) {
	var s SecureScore
	if err := json.Unmarshal([]byte(`{"currentScore":"NaN","maxScore":"-INF","averageComparativeScores":[{"averageScore":"12.5"}]}`), &s); err != nil {
		t.Fatal(err)
	}
	if s.CurrentScore.IsFinite() || s.MaxScore.IsFinite() || *s.AverageComparativeScores[0].AverageScore != 12.5 {
		t.Fatalf("%v %v", s.CurrentScore, s.MaxScore)
	}
	out, _ := json.Marshal(s)
	if !strings.Contains(string(out), `"currentScore":"NaN"`) || !strings.Contains(string(out), `"maxScore":"-INF"`) {
		t.Fatal(string(out))
	}
}

// csdl is the part of the CSDL excerpt the test needs.
type csdl struct {
	Types []csdlType `xml:",any"`
}

type csdlType struct {
	XMLName  xml.Name
	Name     string `xml:"Name,attr"`
	BaseType string `xml:"BaseType,attr"`
	OpenType bool   `xml:"OpenType,attr"`
	Props    []struct {
		Name string `xml:"Name,attr"`
		Type string `xml:"Type,attr"`
	} `xml:"Property"`
}

// Every property every EntityType/ComplexType in the published metadata declares is modelled, with a Go type
// matching its EDM type; open types (and only they) carry Extra; the model declares nothing the metadata lacks.
func TestModelCoversMetadata(t *testing.T) {
	edm := map[string]reflect.Type{
		"Edm.String":         reflect.TypeFor[*string](),
		"Edm.Int32":          reflect.TypeFor[*int32](),
		"Edm.Double":         reflect.TypeFor[*Double](),
		"Edm.Boolean":        reflect.TypeFor[*bool](),
		"Edm.DateTimeOffset": reflect.TypeFor[*DateTimeOffset](),
	}
	for _, file := range []string{"metadata-v1.0-securescore.xml", "metadata-beta-securescore.xml"} {
		t.Run(file, func(t *testing.T) {
			var doc csdl
			if err := xml.Unmarshal(readFixture(t, file), &doc); err != nil {
				t.Fatal(err)
			}
			if len(doc.Types) != 8 {
				t.Fatalf("expected 8 types in the excerpt, found %d", len(doc.Types))
			}
			declared := DeclaredProperties()
			for _, ty := range doc.Types {
				if ty.XMLName.Local != "EntityType" && ty.XMLName.Local != "ComplexType" {
					t.Fatalf("unexpected element %s", ty.XMLName.Local)
				}
				gt, ok := odataTypes[ty.Name]
				if !ok {
					t.Errorf("%s %s is not modelled", ty.XMLName.Local, ty.Name)
					continue
				}
				c := codecFor(gt)
				if (c.extra >= 0) != ty.OpenType {
					t.Errorf("%s: OpenType=%v but Extra present=%v", ty.Name, ty.OpenType, c.extra >= 0)
				}
				want := map[string]bool{}
				if ty.BaseType == "graph.entity" {
					want["id"] = true
					if f, ok := gt.FieldByName("ID"); !ok || f.Type.Kind() != reflect.String {
						t.Errorf("%s: id (entity key) not modelled as a string", ty.Name)
					}
				}
				for _, p := range ty.Props {
					want[p.Name] = true
					if !c.declared[p.Name] {
						t.Errorf("%s.%s (%s) is not modelled", ty.Name, p.Name, p.Type)
						continue
					}
					f := fieldByJSONName(gt, p.Name)
					if !goTypeMatches(f.Type, p.Type, edm) {
						t.Errorf("%s.%s: Go type %s does not model %s", ty.Name, p.Name, f.Type, p.Type)
					}
				}
				for _, name := range declared[ty.Name] {
					if !want[name] {
						t.Errorf("%s.%s is modelled but not in the metadata", ty.Name, name)
					}
				}
			}
		})
	}
}

func fieldByJSONName(t reflect.Type, name string) reflect.StructField {
	for i := 0; i < t.NumField(); i++ {
		if t.Field(i).Tag.Get("json") == name {
			return t.Field(i)
		}
	}
	return reflect.StructField{}
}

func goTypeMatches(gt reflect.Type, edmType string, edm map[string]reflect.Type) bool {
	if inner, ok := strings.CutPrefix(edmType, "Collection("); ok {
		inner = strings.TrimSuffix(inner, ")")
		if gt.Kind() != reflect.Slice {
			return false
		}
		elem := gt.Elem()
		if prim, ok := edm[inner]; ok {
			return elem == prim.Elem()
		}
		return odataTypes[strings.TrimPrefix(inner, "graph.")] == elem
	}
	if prim, ok := edm[edmType]; ok {
		// Non-nullable keys such as azureTenantId are plain strings in the contract.
		return gt == prim || (edmType == "Edm.String" && gt.Kind() == reflect.String)
	}
	return gt.Kind() == reflect.Pointer && odataTypes[strings.TrimPrefix(edmType, "graph.")] == gt.Elem()
}
