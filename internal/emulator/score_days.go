package emulator

// Daily snapshots: the service computes a new secureScore every day; NextSecureScoreDay makes that happen on demand.

import (
	"fmt"
	"maps"
	"time"
)

// NextSecureScoreDay adds the day after the newest score as a new snapshot (a copy of the newest, with the next
// date in id and createdDateTime) and returns its id, as the service does each day.
func (t *Tenant) NextSecureScoreDay() (string, error) {
	t.e.mu.Lock()
	defer t.e.mu.Unlock()
	cur := t.st.current()
	if cur == nil {
		return "", fmt.Errorf("emulator: tenant %s has no secureScore to follow", t.st.TenantID)
	}
	created, err := parseDateTimeOffset(str(cur.obj["createdDateTime"]))
	if err != nil {
		return "", fmt.Errorf("emulator: newest secureScore %s has no usable createdDateTime: %w", cur.id(), err)
	}
	day := time.Date(created.Year(), created.Month(), created.Day(), 0, 0, 0, 0, time.UTC).AddDate(0, 0, 1)
	obj := maps.Clone(cur.obj)
	obj["id"] = fmt.Sprintf("%s_%s", t.st.TenantID, day.Format(time.DateOnly))
	obj["createdDateTime"] = day.Format("2006-01-02T15:04:05Z")
	t.st.Scores = append(t.st.Scores, newEntity(secureScoreType, obj))
	t.st.sortScores()
	return str(obj["id"]), t.e.save()
}

// NextSecureScoreDay is Tenant.NextSecureScoreDay on the default tenant.
func (e *Emulator) NextSecureScoreDay() (string, error) {
	return e.defaultTenant().NextSecureScoreDay()
}
