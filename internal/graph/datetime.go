package graph

import (
	"encoding/json"
	"fmt"
	"time"
)

// DateTimeOffset is an Edm.DateTimeOffset. OData allows 0 to 12 fractional digits and a "Z" or ±hh:mm offset;
// Go's time.Parse stops at 9 digits, so this type parses the text itself. Raw keeps the text as received.
type DateTimeOffset struct {
	Time time.Time
	Raw  string
}

// ParseDateTimeOffset parses yyyy-mm-ddThh:mm[:ss[.fffffffffff]](Z|±hh:mm). Digits beyond nanoseconds are
// validated and then truncated. The offset is kept in Time's location.
func ParseDateTimeOffset(s string) (DateTimeOffset, error) {
	t, err := parseDateTimeOffset(s)
	if err != nil {
		return DateTimeOffset{}, fmt.Errorf("invalid Edm.DateTimeOffset %q: %s", truncateString(s), err)
	}
	return DateTimeOffset{Time: t, Raw: s}, nil
}

// String returns Raw, or Time in RFC 3339 with nanoseconds.
func (d DateTimeOffset) String() string {
	if d.Raw != "" {
		return d.Raw
	}
	return d.Time.Format(time.RFC3339Nano)
}

// Equal reports whether both denote the same instant, however they were written.
func (d DateTimeOffset) Equal(o DateTimeOffset) bool { return d.Time.Equal(o.Time) }

// MarshalJSON writes Raw if set, else Time in RFC 3339 with nanoseconds.
func (d DateTimeOffset) MarshalJSON() ([]byte, error) {
	return json.Marshal(d.String())
}

// UnmarshalJSON accepts a JSON string in the OData DateTimeOffset format.
func (d *DateTimeOffset) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("invalid Edm.DateTimeOffset %s: want a string", truncateForError(b))
	}
	v, err := ParseDateTimeOffset(s)
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// dtScanner walks the text left to right; each step says what it expected so the error is precise.
type dtScanner struct {
	s   string
	pos int
}

func (p *dtScanner) digits(n int, what string) (int, error) {
	if p.pos+n > len(p.s) {
		return 0, fmt.Errorf("%s: want %d digits at offset %d", what, n, p.pos)
	}
	v := 0
	for i := 0; i < n; i++ {
		c := p.s[p.pos+i]
		if c < '0' || c > '9' {
			return 0, fmt.Errorf("%s: want %d digits at offset %d", what, n, p.pos)
		}
		v = v*10 + int(c-'0')
	}
	p.pos += n
	return v, nil
}

func (p *dtScanner) lit(c byte, alt byte) bool {
	if p.pos < len(p.s) && (p.s[p.pos] == c || p.s[p.pos] == alt) {
		p.pos++
		return true
	}
	return false
}

func (p *dtScanner) expect(c, alt byte, what string) error {
	if !p.lit(c, alt) {
		return fmt.Errorf("want %q %s at offset %d", c, what, p.pos)
	}
	return nil
}

func parseDateTimeOffset(s string) (time.Time, error) {
	p := &dtScanner{s: s}
	year, err := p.digits(4, "year")
	if err != nil {
		return time.Time{}, err
	}
	if err := p.expect('-', '-', "after the year"); err != nil {
		return time.Time{}, err
	}
	month, err := p.digits(2, "month")
	if err != nil {
		return time.Time{}, err
	}
	if err := p.expect('-', '-', "after the month"); err != nil {
		return time.Time{}, err
	}
	day, err := p.digits(2, "day")
	if err != nil {
		return time.Time{}, err
	}
	if err := p.expect('T', 't', "between date and time"); err != nil {
		return time.Time{}, err
	}
	hour, err := p.digits(2, "hour")
	if err != nil {
		return time.Time{}, err
	}
	if err := p.expect(':', ':', "after the hour"); err != nil {
		return time.Time{}, err
	}
	minute, err := p.digits(2, "minute")
	if err != nil {
		return time.Time{}, err
	}
	second, nanos := 0, 0
	if p.lit(':', ':') {
		if second, err = p.digits(2, "second"); err != nil {
			return time.Time{}, err
		}
		if p.lit('.', '.') {
			start := p.pos
			for p.pos < len(s) && s[p.pos] >= '0' && s[p.pos] <= '9' {
				p.pos++
			}
			frac := s[start:p.pos]
			if len(frac) == 0 || len(frac) > 12 {
				return time.Time{}, fmt.Errorf("fractional seconds: want 1 to 12 digits, got %d", len(frac))
			}
			// Keep nanosecond precision; digits 10–12 (picoseconds) are dropped after validation.
			for i := 0; i < 9; i++ {
				nanos *= 10
				if i < len(frac) {
					nanos += int(frac[i] - '0')
				}
			}
		}
	}
	var loc *time.Location
	switch {
	case p.lit('Z', 'z'):
		loc = time.UTC
	case p.pos < len(s) && (s[p.pos] == '+' || s[p.pos] == '-'):
		sign := 1
		if s[p.pos] == '-' {
			sign = -1
		}
		p.pos++
		oh, err := p.digits(2, "offset hour")
		if err != nil {
			return time.Time{}, err
		}
		if err := p.expect(':', ':', "in the offset"); err != nil {
			return time.Time{}, err
		}
		om, err := p.digits(2, "offset minute")
		if err != nil {
			return time.Time{}, err
		}
		if oh > 23 || om > 59 {
			return time.Time{}, fmt.Errorf("offset out of range")
		}
		loc = time.FixedZone("", sign*(oh*3600+om*60))
	default:
		return time.Time{}, fmt.Errorf(`want "Z" or ±hh:mm offset at offset %d`, p.pos)
	}
	if p.pos != len(s) {
		return time.Time{}, fmt.Errorf("unexpected text after the offset at offset %d", p.pos)
	}
	if month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59 {
		return time.Time{}, fmt.Errorf("field out of range")
	}
	t := time.Date(year, time.Month(month), day, hour, minute, second, nanos, loc)
	if t.Day() != day { // time.Date normalises 2023-02-30 to March; reject it instead
		return time.Time{}, fmt.Errorf("day out of range")
	}
	return t, nil
}
