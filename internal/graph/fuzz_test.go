package graph

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// fuzzSeeds are every fixture body, each item of the list bodies, and the .txt bodies with the documented
// trailing comma removed; `go test` runs them as the seed corpus.
func fuzzSeeds(f *testing.F) {
	f.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "docs-*"))
	if err != nil || len(files) == 0 {
		f.Fatalf("no fixtures: %v", err)
	}
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
		if filepath.Ext(file) == ".txt" {
			b = fixTrailingComma(f, b)
			f.Add(b)
		}
		var page struct{ Value []json.RawMessage }
		if json.Unmarshal(b, &page) == nil {
			for _, item := range page.Value {
				f.Add([]byte(item))
			}
		}
	}
	for _, s := range []string{
		`{}`, `null`, `[]`, `{"currentScore":"NaN","maxScore":"-INF","createdDateTime":"2017-01-01T00:02:24.966904912345+03:00"}`,
		`{"controlScores":[{"score":"5","on":"true","count":"5"}],"@odata.type":"#microsoft.graph.secureScore"}`,
		`{"averageComparativeScores":[null,{"SeatSizeRangeLowerValue":"1"}],"ID":"x","id":"y","id":"z"}`,
	} {
		f.Add([]byte(s))
	}
}

// roundTrip checks the decoder's contract on arbitrary input: no panic; and whatever decodes re-encodes to a
// document that decodes again to the same encoding (nothing lost, nothing invented).
func roundTrip[T any](t *testing.T, data []byte, decode func([]byte) (*T, error)) {
	v, err := decode(data)
	if err != nil {
		if err.Error() == "" {
			t.Fatal("empty error message")
		}
		return
	}
	out, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("decoded but cannot encode: %v", err)
	}
	v2, err := decode(out)
	if err != nil {
		t.Fatalf("re-encoded document does not decode: %v\n%s", err, out)
	}
	out2, err := json.Marshal(v2)
	if err != nil {
		t.Fatal(err)
	}
	if string(out) != string(out2) {
		t.Fatalf("encoding not stable:\n%s\n%s", out, out2)
	}
}

func FuzzDecodeSecureScore(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) { roundTrip(t, data, DecodeSecureScore) })
}

func FuzzDecodeControlProfile(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) { roundTrip(t, data, DecodeControlProfile) })
}
