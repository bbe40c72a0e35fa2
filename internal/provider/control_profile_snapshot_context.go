package provider

import (
	"context"
	"sync"
	"time"
)

// listContext is what a shared list of control profiles runs on: the values of the read that started it (loggers,
// masks), none of that read's cancellation, and a deadline that the snapshot moves to the latest of the waiting
// reads' deadlines as they come and go. A read whose timeouts.read is 20 minutes therefore gets a list that may
// wait out a long Retry-After, whoever started it; the Graph client reads the deadline before every wait. It ends
// when that deadline passes, or when the snapshot ends it because no read waits any more.
type listContext struct {
	values context.Context
	done   chan struct{}

	mu       sync.Mutex
	deadline time.Time
	err      error
	timer    *time.Timer
}

var _ context.Context = (*listContext)(nil)

// newListContext has values' values and no deadline until setDeadline gives it one.
func newListContext(values context.Context) *listContext {
	return &listContext{values: values, done: make(chan struct{})}
}

func (c *listContext) Deadline() (time.Time, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.deadline, !c.deadline.IsZero()
}

func (c *listContext) Done() <-chan struct{} { return c.done }

func (c *listContext) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err
}

func (c *listContext) Value(key any) any { return c.values.Value(key) }

// setDeadline moves the deadline to d, later or earlier; a deadline already past ends c at once.
func (c *listContext) setDeadline(d time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err != nil || d.Equal(c.deadline) {
		return
	}
	c.deadline = d
	if c.timer != nil {
		c.timer.Stop()
	}
	c.timer = time.AfterFunc(time.Until(d), c.expire)
}

// expire ends c when its deadline has passed: a timer of an earlier deadline may fire after setDeadline moved it.
func (c *listContext) expire() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !time.Now().Before(c.deadline) {
		c.endLocked(context.DeadlineExceeded)
	}
}

// end cancels c with err (context.Canceled when nobody waits for the list, or once the list is over).
func (c *listContext) end(err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.endLocked(err)
}

func (c *listContext) endLocked(err error) {
	if c.err != nil {
		return
	}
	c.err = err
	if c.timer != nil {
		c.timer.Stop()
	}
	close(c.done)
}
