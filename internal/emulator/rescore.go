package emulator

// Delayed rescoring: the service moves the secure score about a day after a control's state changes
// (Microsoft: points "generally take about 24 hours to update"). Config.RescoreDelay emulates it.

import "time"

// pendingRescore is a control state change not yet reflected in the current score.
type pendingRescore struct {
	Control string    `json:"control"`
	Before  string    `json:"before"` // the state the current score still counts
	Due     time.Time `json:"due"`
}

// rescoreLocked moves tenant t's score for a profile whose state changed from before: at once without a delay
// (and for admin drift), else when RescoreDelay has passed since the last change. The caller holds e.mu.
func (e *Emulator) rescoreLocked(t *state, profile map[string]any, before string, admin bool) {
	if e.cfg.RescoreDelay <= 0 || admin {
		t.applyControlChange(profile, before)
		return
	}
	id, due := str(profile["id"]), e.now().Add(e.cfg.RescoreDelay)
	for i := range t.Pending {
		if t.Pending[i].Control == id {
			t.Pending[i].Due = due // the score still counts the first "before"
			return
		}
	}
	t.Pending = append(t.Pending, pendingRescore{Control: id, Before: before, Due: due})
}

// applyDueRescores moves tenant t's score for every change whose delay has passed; called before each Graph request.
func (e *Emulator) applyDueRescores(t *state) {
	if e.cfg.RescoreDelay <= 0 || t == nil {
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	now, keep, changed := e.now(), t.Pending[:0], false
	for _, p := range t.Pending {
		if now.Before(p.Due) {
			keep = append(keep, p)
			continue
		}
		if prof := t.profile(p.Control); prof != nil {
			t.applyControlChange(prof.obj, p.Before)
		}
		changed = true
	}
	t.Pending = keep
	if changed {
		_ = e.save() // best effort, as for other derived changes: memory is the truth while running
	}
}
