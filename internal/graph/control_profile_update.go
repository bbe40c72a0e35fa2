package graph

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// maxUnappliedResends bounds how often a control-profile PATCH is sent again after a broken connection when a
// read shows it was not applied.
const maxUnappliedResends = 2

// updateControlProfileChecked sends r. When the connection breaks after the PATCH went out, the service may have
// applied it, and re-sending would add a second controlStateUpdates entry. So the profile is read first: if its
// newest entry already holds what was sent, that read is the answer; otherwise the PATCH did not land and is
// sent again (at most maxUnappliedResends times). If the read fails, the *UnconfirmedWriteError is returned.
func (c *Client) updateControlProfileChecked(ctx context.Context, id string, update ControlProfileUpdate, r apiRequest) (*SecureScoreControlProfile, error) {
	for resends := 0; ; resends++ {
		var v SecureScoreControlProfile
		ok, err := c.patchObject(ctx, r, &v)
		var ue *UnconfirmedWriteError
		if !errors.As(err, &ue) {
			if err != nil || !ok {
				return nil, err
			}
			return &v, nil
		}
		logWarn(ctx, "", "graph: the connection broke after a control-profile PATCH was sent; reading the profile to see whether it was applied, instead of re-sending it",
			map[string]any{"url": r.url, "error": ue.Err.Error()})
		p, gerr := c.GetControlProfile(ctx, id)
		if gerr != nil {
			return nil, fmt.Errorf("%w; reading the profile to check whether it was applied failed too: %w", err, gerr)
		}
		if update.heldBy(p) {
			logWarn(ctx, "", "graph: the control-profile PATCH had been applied; not re-sending it", map[string]any{"url": r.url})
			return p, nil
		}
		if resends >= maxUnappliedResends {
			return nil, fmt.Errorf("%w; the profile shows it was not applied, and the PATCH was already sent again %d time(s)", err, resends)
		}
		logWarn(ctx, "", "graph: the control-profile PATCH had not been applied; sending it again", map[string]any{"url": r.url})
	}
}

// heldBy reports whether p's current state (its newest controlStateUpdates entry) is what u sets. The service
// stores "" and null alike for assignedTo and comment, and may change the case of state.
func (u ControlProfileUpdate) heldBy(p *SecureScoreControlProfile) bool {
	cur := NewestStateUpdate(p.ControlStateUpdates)
	if cur == nil {
		return false
	}
	text := func(s *string) string {
		if s == nil {
			return ""
		}
		return *s
	}
	return strings.EqualFold(text(cur.State), u.State) && text(cur.AssignedTo) == u.AssignedTo && text(cur.Comment) == u.Comment
}

// NewestStateUpdate is the entry with the latest updatedDateTime (the last one listed on a tie); it holds the
// control's current state. Nil for no entries.
func NewestStateUpdate(ups []SecureScoreControlStateUpdate) *SecureScoreControlStateUpdate {
	var best *SecureScoreControlStateUpdate
	for i := range ups {
		u := &ups[i]
		if best == nil || !updatedAt(u).Before(updatedAt(best)) {
			best = u
		}
	}
	return best
}

func updatedAt(u *SecureScoreControlStateUpdate) time.Time {
	if u.UpdatedDateTime == nil {
		return time.Time{}
	}
	return u.UpdatedDateTime.Time
}
