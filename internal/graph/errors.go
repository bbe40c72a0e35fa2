package graph

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode"
)

// Error is an error answered by Graph: an OData error body, or (Code "") a non-OData body summarised in Message.
type Error struct {
	StatusCode      int
	Code            string
	Message         string
	RequestID       string
	ClientRequestID string
	Date            string
	Method, URL     string
	Hint            string // what to do, e.g. the permission a 403 lacks
}

func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "graph: %s %s: HTTP %d", e.Method, e.URL, e.StatusCode)
	if e.Code != "" {
		b.WriteString(" " + e.Code)
	}
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	if ids := LabelledIDs([2]string{"request-id", e.RequestID}, [2]string{"client-request-id", e.ClientRequestID}, [2]string{"date", e.Date}); ids != "" {
		b.WriteString(" (" + ids + ")")
	}
	return WithHint(b.String(), e.Hint)
}

// WithHint appends hint to msg as a sentence of its own ("msg. Hint: hint"), ending msg's sentence once: the
// messages of Graph and Entra ID usually end with a period already. An empty hint leaves msg as it is.
func WithHint(msg, hint string) string {
	if hint == "" {
		return msg
	}
	msg = strings.TrimRight(msg, " ")
	if msg == "" {
		return "Hint: " + hint
	}
	if !strings.ContainsAny(msg[len(msg)-1:], ".!?") {
		msg += "."
	}
	return msg + " Hint: " + hint
}

// LabelledIDs renders the identifiers a service error carries for support, as "label value" pairs joined by
// ", ", leaving out empty values; "" when all are empty.
func LabelledIDs(pairs ...[2]string) string {
	var ids []string
	for _, p := range pairs {
		if p[1] != "" {
			ids = append(ids, p[0]+" "+p[1])
		}
	}
	return strings.Join(ids, ", ")
}

// IsNotFound is true only for a real Graph 404, not for a transport failure or a decode error.
func IsNotFound(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.StatusCode == http.StatusNotFound
}

// RetryWaitError is returned at once when the next retry would have to wait (Retry-After or backoff) longer than
// the time left before the context's deadline: sleeping first would only fail later with less information.
type RetryWaitError struct {
	StatusCode int // the retryable status (429, 503, 504), or 0 for a broken connection
	Wait       time.Duration
	Remaining  time.Duration
	Method     string
	URL        string
	Attempts   int
	Cause      error // the last *Error or transport error
}

func (e *RetryWaitError) Error() string {
	what := "a broken connection"
	if e.StatusCode != 0 {
		what = fmt.Sprintf("HTTP %d", e.StatusCode)
	}
	msg := fmt.Sprintf("graph: %s %s: giving up after %d attempt(s): %s needs a retry wait of %s but only %s remain before the deadline",
		e.Method, e.URL, e.Attempts, what, e.Wait.Round(time.Millisecond), e.Remaining.Round(time.Millisecond))
	if e.Cause != nil {
		msg += ": " + e.Cause.Error()
	}
	return msg
}

func (e *RetryWaitError) Unwrap() error { return e.Cause }

// ErrBodyTooLarge is wrapped by the error returned when a response body exceeds Options.MaxBodyBytes.
var ErrBodyTooLarge = errors.New("response body too large")

// ErrListTooLarge is wrapped by the error returned when a list call reaches Options.MaxListPages or MaxListBytes.
var ErrListTooLarge = errors.New("list too large")

// odataError is the OData JSON error envelope; Graph spells the inner object innerError, OData innererror.
type odataError struct {
	Error *struct {
		Code       string          `json:"code"`
		Message    json.RawMessage `json:"message"`
		InnerError *innerError     `json:"innerError"`
		InnerLower *innerError     `json:"innererror"`
	} `json:"error"`
}

type innerError struct {
	Date            string `json:"date"`
	RequestID       string `json:"request-id"`
	ClientRequestID string `json:"client-request-id"`
}

// newResponseError builds the *Error for a non-success response from its (capped) body and headers.
func newResponseError(method, url string, resp *http.Response, body []byte, sentClientRequestID string) *Error {
	e := &Error{StatusCode: resp.StatusCode, Method: method, URL: url}
	var oe odataError
	if json.Unmarshal(body, &oe) == nil && oe.Error != nil && (oe.Error.Code != "" || len(oe.Error.Message) > 0) {
		e.Code = oe.Error.Code
		e.Message = odataMessage(oe.Error.Message)
		for _, in := range []*innerError{oe.Error.InnerError, oe.Error.InnerLower} {
			if in == nil {
				continue
			}
			e.RequestID = firstNonEmpty(e.RequestID, in.RequestID)
			e.ClientRequestID = firstNonEmpty(e.ClientRequestID, in.ClientRequestID)
			e.Date = firstNonEmpty(e.Date, in.Date)
		}
	} else {
		e.Message = statusLine(resp.StatusCode) + ": " + Snippet(body)
	}
	e.RequestID = firstNonEmpty(e.RequestID, resp.Header.Get("request-id"))
	e.ClientRequestID = firstNonEmpty(e.ClientRequestID, resp.Header.Get("client-request-id"), sentClientRequestID)
	e.Date = firstNonEmpty(e.Date, resp.Header.Get("Date"))
	return e
}

// odataMessage accepts the OData 4 string form and the older {"lang":…,"value":…} form.
func odataMessage(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var obj struct {
		Value string `json:"value"`
	}
	if json.Unmarshal(raw, &obj) == nil && obj.Value != "" {
		return obj.Value
	}
	return Snippet(raw)
}

func statusLine(code int) string {
	if t := http.StatusText(code); t != "" {
		return fmt.Sprintf("HTTP %d %s", code, t)
	}
	return fmt.Sprintf("HTTP %d", code)
}

const snippetMax = 200

// Snippet summarises a non-JSON body on one line of at most 200 characters: HTML tags are dropped,
// whitespace and control characters collapse to single spaces, and invalid UTF-8 is replaced.
func Snippet(body []byte) string {
	s := strings.ToValidUTF8(string(body), "\uFFFD")
	if t := strings.TrimSpace(s); strings.HasPrefix(t, "<") {
		s = stripTags(t)
	}
	s = strings.Join(strings.FieldsFunc(s, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }), " ")
	if s == "" {
		return "(empty body)"
	}
	r := []rune(s)
	if len(r) > snippetMax {
		return string(r[:snippetMax-1]) + "…"
	}
	return s
}

// stripTags removes markup, and script/style content, so an HTML error page reads as its text.
func stripTags(s string) string {
	var b bytes.Buffer
	lower := strings.ToLower(s)
	for i := 0; i < len(s); {
		if s[i] != '<' {
			b.WriteByte(s[i])
			i++
			continue
		}
		for _, skip := range []string{"script", "style"} {
			if strings.HasPrefix(lower[i+1:], skip) {
				if end := strings.Index(lower[i:], "</"+skip); end >= 0 {
					i += end
				}
			}
		}
		end := strings.IndexByte(s[i:], '>')
		if end < 0 {
			break
		}
		i += end + 1
		b.WriteByte(' ')
	}
	return b.String()
}

func firstNonEmpty(vals ...string) string {
	for _, v := range vals {
		if v != "" {
			return v
		}
	}
	return ""
}
