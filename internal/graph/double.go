package graph

import (
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"strconv"
)

// Double is an Edm.Double. OData JSON writes it as a number, or as one of the strings "NaN", "INF" and "-INF".
// Numeric strings such as "5" are accepted too, as IEEE754Compatible=true responses quote numbers.
type Double float64

// IsFinite reports whether d is neither NaN nor an infinity (Terraform numbers can hold neither).
func (d Double) IsFinite() bool {
	f := float64(d)
	return !math.IsNaN(f) && !math.IsInf(f, 0)
}

// MarshalJSON writes a JSON number, or "NaN"/"INF"/"-INF".
func (d Double) MarshalJSON() ([]byte, error) {
	f := float64(d)
	switch {
	case math.IsNaN(f):
		return []byte(`"NaN"`), nil
	case math.IsInf(f, 1):
		return []byte(`"INF"`), nil
	case math.IsInf(f, -1):
		return []byte(`"-INF"`), nil
	}
	return json.Marshal(f)
}

// UnmarshalJSON accepts a JSON number, "NaN", "INF", "-INF" or a numeric string.
func (d *Double) UnmarshalJSON(b []byte) error {
	v, err := parseDouble(b)
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// jsonNumber is the JSON number grammar; strconv.ParseFloat alone would also take "Inf", "0x1p3" and "1_0".
var jsonNumber = regexp.MustCompile(`^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?$`)

func parseDouble(b []byte) (Double, error) {
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return 0, fmt.Errorf("invalid Edm.Double %s", truncateForError(b))
		}
		switch s {
		case "NaN":
			return Double(math.NaN()), nil
		case "INF":
			return Double(math.Inf(1)), nil
		case "-INF":
			return Double(math.Inf(-1)), nil
		}
		if !jsonNumber.MatchString(s) {
			return 0, fmt.Errorf(`invalid Edm.Double %q: want a number or one of "NaN", "INF", "-INF"`, truncateString(s))
		}
		return parseFloat(s)
	}
	s := string(b)
	if !jsonNumber.MatchString(s) {
		return 0, fmt.Errorf(`invalid Edm.Double %s: want a number or one of "NaN", "INF", "-INF"`, truncateForError(b))
	}
	return parseFloat(s)
}

func parseFloat(s string) (Double, error) {
	f, err := strconv.ParseFloat(s, 64)
	// Only a range error is possible after the grammar check. Underflow (1e-400) rounds to zero and is fine;
	// overflow (1e400) is not a finite double and a quoted "INF" would have been sent for infinity.
	if err != nil && math.IsInf(f, 0) {
		return 0, fmt.Errorf("invalid Edm.Double %s: out of range", truncateString(s))
	}
	return Double(f), nil
}
