package emulator

// The token endpoint's answers during an incident (Faults.TokenUnavailable), as clients have recorded them:
//   - 503 temporarily_unavailable AADSTS90033 "A transient error has occurred. Please try again." in Entra's
//     usual error JSON (error, error_description with the trace tail, error_codes, timestamp, trace_id,
//     correlation_id, error_uri);
//   - 500 server_error AADSTS50000 "There was an error issuing a token or an issue with our sign-in service.";
//   - 502 and 504 from the gateway in front of Entra, with an HTML page rather than JSON.

import (
	"fmt"
	"net/http"
)

// tokenOutageStatuses are the statuses Faults.TokenStatus may take.
var tokenOutageStatuses = []int{http.StatusInternalServerError, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout}

func (e *Emulator) tokenOutage(r *http.Request, status int) *response {
	switch status {
	case http.StatusInternalServerError:
		return e.tokenError(r, entraError{status, "server_error", 50000, "There was an error issuing a token or an issue with our sign-in service."})
	case http.StatusBadGateway, http.StatusGatewayTimeout:
		h := http.Header{}
		h.Set("Content-Type", "text/html")
		text := fmt.Sprintf("%d %s", status, http.StatusText(status))
		return &response{status: status, header: h, body: []byte("<html><head><title>" + text + "</title></head><body><h1>" + text + "</h1></body></html>\n")}
	}
	return e.tokenError(r, entraError{http.StatusServiceUnavailable, "temporarily_unavailable", 90033, "A transient error has occurred. Please try again."})
}
