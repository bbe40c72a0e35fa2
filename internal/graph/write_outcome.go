package graph

import (
	"errors"
	"fmt"
	"net/http"
)

// A write whose answer did not come back whole is either certainly applied (a 2xx status line arrived) or
// possibly applied (the connection broke after the request went out). Callers must keep the first in state and
// must not blindly re-send the second when the write is not idempotent; these errors let them tell.

// UndecodedWriteError: the service answered a write with a 2xx status, so the change was applied, but the
// response body could not be read or decoded (a property of the wrong type or out of range, an oversized or
// truncated body). Parts names what did not decode.
type UndecodedWriteError struct {
	Method, URL string
	StatusCode  int
	Err         error
}

func (e *UndecodedWriteError) Error() string {
	return fmt.Sprintf("graph: %s %s: HTTP %d: the write was applied, but the response body did not decode: %v",
		e.Method, e.URL, e.StatusCode, e.Err)
}

func (e *UndecodedWriteError) Unwrap() error { return e.Err }

// Parts names what did not decode: property paths such as "maxScore" or "controlStateUpdates[0].state", or a
// description of the whole body when it could not be read (too large, truncated, not JSON).
func (e *UndecodedWriteError) Parts() []string {
	var many DecodeErrors
	if errors.As(e.Err, &many) {
		out := make([]string, 0, len(many))
		for _, d := range many {
			out = append(out, partName(d))
		}
		return out
	}
	var one *DecodeError
	if errors.As(e.Err, &one) {
		return []string{partName(one)}
	}
	if errors.Is(e.Err, ErrBodyTooLarge) {
		return []string{"the whole body (larger than the response size limit)"}
	}
	return []string{"the whole body (" + e.Err.Error() + ")"}
}

func partName(d *DecodeError) string {
	if d.Path == "" {
		return "the whole body (" + d.Err.Error() + ")"
	}
	return d.Path + " (" + d.Err.Error() + ")"
}

// UnconfirmedWriteError: the connection broke after a non-idempotent write was sent and before its answer
// arrived, so the service may or may not have applied it. The client does not re-send such a write blindly.
type UnconfirmedWriteError struct {
	Method, URL string
	Err         error
}

func (e *UnconfirmedWriteError) Error() string {
	return fmt.Sprintf("graph: %s %s: the connection broke before the answer arrived, so the write may or may not have been applied: %v",
		e.Method, e.URL, e.Err)
}

func (e *UnconfirmedWriteError) Unwrap() error { return e.Err }

// writeOutcome classifies a failed write by what is known of its fate; nil when it is an ordinary failure.
func (st *callState) writeOutcome(err error) error {
	var te *tokenError
	if st.req.method == http.MethodGet || errors.As(err, &te) {
		return nil
	}
	if r := st.checkedResp; r != nil && r.StatusCode >= 200 && r.StatusCode < 300 {
		return &UndecodedWriteError{Method: st.req.method, URL: st.req.url, StatusCode: r.StatusCode, Err: err}
	}
	if st.req.noResend && isBrokenConnection(err) {
		return &UnconfirmedWriteError{Method: st.req.method, URL: st.req.url, Err: err}
	}
	return nil
}
