package emulator

import (
	"encoding/json"
	"testing"
	"time"
)

func fuzzState(t testing.TB) *Emulator {
	t.Helper()
	clock := newClock()
	e, err := New(Config{Now: clock.Now, HistoryDays: 2})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// FuzzPatchSecureScoreValidation: any body either fails with a property-naming error or yields
// an object whose declared properties have their EDM types and whose keys are unchanged.
func FuzzPatchSecureScoreValidation(f *testing.F) {
	for _, s := range []string{
		`{"activeUserCount":15,"currentScore":"NaN","maxScore":"-INF"}`,
		`{"@odata.type":"#microsoft.graph.secureScore","activeUserCount":15,"averageComparativeScores":[{"@odata.type":"microsoft.graph.averageComparativeScore","averageScore":"Double","basis":"Basis value"}]}`,
		`{"licensedUserCount":2147483648}`,
		`{"createdDateTime":"2026-07-17T03:00:00.000000000001+03:00"}`,
		`{"controlScores":[{"score":1e308,"x":{"@a":1}}],"open":[1,{"b":null}]}`,
		`{"vendorInformation":{"provider":"a","vendor":null}}`,
		`{"enabledServices":["a",null]}`,
		`[]`, `{`, `null`, `{"id":null}`,
	} {
		f.Add([]byte(s))
	}
	e := fuzzState(f)
	e.mu.RLock()
	held := e.st.current().obj
	e.mu.RUnlock()
	f.Fuzz(func(t *testing.T, body []byte) {
		patch, msg := decodePatchBody(body)
		if msg != "" {
			return
		}
		out, err := applySecureScorePatch(held, patch, false)
		if err != nil {
			if pe, ok := err.(*propError); !ok || pe.prop == "" {
				t.Fatalf("error without a property: %v", err)
			}
			return
		}
		if out["id"] != held["id"] || out["azureTenantId"] != held["azureTenantId"] {
			t.Fatalf("immutable changed: %v", out["id"])
		}
		if _, ok := out["createdDateTime"].(string); !ok {
			t.Fatalf("createdDateTime %v", out["createdDateTime"])
		}
		// Idempotent: the result validates again as a PATCH of itself.
		raw := marshalOrdered(out, secureScoreType.order)
		again, msg := decodePatchBody(raw)
		if msg != "" {
			t.Fatalf("output is not a JSON object: %s", msg)
		}
		if _, err := applySecureScorePatch(out, again, false); err != nil {
			t.Fatalf("output does not validate: %v\n%s", err, raw)
		}
		var plainOut map[string]any
		if err := json.Unmarshal(raw, &plainOut); err != nil {
			t.Fatal(err)
		}
		for k := range plainOut {
			if isAnnotation(k) {
				t.Fatalf("annotation %q kept", k)
			}
		}
	})
}

// FuzzPatchControlProfileValidation: any body either fails naming a property, or appends exactly
// one state entry with a valid state.
func FuzzPatchControlProfileValidation(f *testing.F) {
	for _, s := range []string{
		`{"assignedTo":"","comment":"control is reviewed","state":"Reviewed","vendorInformation":{"provider":"SecureScore","providerVersion":null,"subProvider":null,"vendor":"Microsoft"}}`,
		`{"controlStateUpdates":"controlStateUpdates-value"}`,
		`{"controlStateUpdates":[{"state":"ThirdParty","updatedDateTime":"x"}]}`,
		`{"state":"ignored","tenantNote":{"@odata.type":"x","a":1}}`,
		`{"state":"Bogus"}`, `{"title":"x"}`, `{}`, `{"vendorInformation":null}`,
	} {
		f.Add([]byte(s))
	}
	e := fuzzState(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		patch, msg := decodePatchBody(body)
		if msg != "" {
			return
		}
		e.mu.Lock()
		defer e.mu.Unlock()
		p := e.st.profile("AdminMFAV2")
		before := len(p.obj["controlStateUpdates"].([]any))
		err := e.updateProfileLocked(e.st, p, patch, "fuzz", false)
		after := len(p.obj["controlStateUpdates"].([]any))
		if err != nil {
			if pe, ok := err.(*propError); !ok || pe.prop == "" {
				t.Fatalf("error without a property: %v", err)
			}
			if after != before {
				t.Fatal("a rejected PATCH appended an entry")
			}
			return
		}
		if after != before+1 {
			t.Fatalf("entries %d -> %d", before, after)
		}
		if s := currentState(p.obj); s != "Default" && s != "Ignored" && s != "ThirdParty" && s != "Reviewed" {
			t.Fatalf("state %q", s)
		}
		if _, err := time.Parse(stateUpdateTimeLayout, p.obj["lastModifiedDateTime"].(string)); err != nil {
			t.Fatal(err)
		}
	})
}
