package emulator

// The ledger of issued tokens, so that the tokens of one tenant (or of one application in it) can expire before
// their time while every other tenant's keep working. Faults.ExpireTokensNow, which retires the signing key,
// expires every tenant's at once.

import (
	"strings"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// ledgerPruneAt is the ledger size past which expired entries are dropped at the next issue.
const ledgerPruneAt = 4096

type tokenLedger struct {
	mu     sync.Mutex
	seq    uint64                 // issue order
	issued map[string]issuedToken // by uti (the token's unique id)
	// cutoffs: tokens issued at or before this sequence number read as expired; keyed by "tid" (every application
	// in the tenant) or "tid|appid", lower case.
	cutoffs map[string]uint64
}

type issuedToken struct {
	seq      uint64
	tid, app string // lower case
	exp      time.Time
}

// record notes a token as issued.
func (l *tokenLedger) record(uti, tid, app string, exp, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.issued == nil {
		l.issued, l.cutoffs = map[string]issuedToken{}, map[string]uint64{}
	}
	if len(l.issued) >= ledgerPruneAt {
		for id, tok := range l.issued {
			if !tok.exp.After(now) {
				delete(l.issued, id)
			}
		}
	}
	l.seq++
	l.issued[uti] = issuedToken{seq: l.seq, tid: strings.ToLower(tid), app: strings.ToLower(app), exp: exp}
}

// expire makes every token issued so far in tenant tid read as expired; only app's when app is not "".
func (l *tokenLedger) expire(tid, app string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.cutoffs == nil {
		l.issued, l.cutoffs = map[string]issuedToken{}, map[string]uint64{}
	}
	key := strings.ToLower(tid)
	if app != "" {
		key += "|" + strings.ToLower(app)
	}
	l.cutoffs[key] = l.seq
}

// expiredEarly reports whether the token with these claims was expired by expire. A token the ledger does not
// know (issued by an earlier process, with a state file) is not.
func (l *tokenLedger) expiredEarly(c jwt.MapClaims) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	tok, ok := l.issued[str(c["uti"])]
	if !ok {
		return false
	}
	if cut, ok := l.cutoffs[tok.tid]; ok && tok.seq <= cut {
		return true
	}
	cut, ok := l.cutoffs[tok.tid+"|"+tok.app]
	return ok && tok.seq <= cut
}

func (e *Emulator) expiredEarly(c jwt.MapClaims) bool { return e.ledger.expiredEarly(c) }

// ExpireTokens makes every token issued so far in this tenant read as expired, as if each had reached its expiry
// now: Graph answers them 401 InvalidAuthenticationToken, and the next token request is answered as usual. The
// other tenants' tokens are unaffected. Faults.ExpireTokensNow on Tenant.SetFaults does the same.
func (t *Tenant) ExpireTokens() { t.e.ledger.expire(t.st.TenantID, "") }
