package main

import (
	"flag"
	"fmt"
	"strings"

	"github.com/securescore/terraform-provider-securescore/internal/emulator"
)

// onOff is a boolean flag that also reads on/off, so `-limits=off` says what it does.
type onOff struct{ off *bool }

var _ flag.Value = onOff{}

func (o onOff) IsBoolFlag() bool { return true }

func (o onOff) String() string {
	if o.off != nil && *o.off {
		return "off"
	}
	return "on"
}

func (o onOff) Set(s string) error {
	switch strings.ToLower(s) {
	case "on", "true", "1":
		*o.off = false
	case "off", "false", "0":
		*o.off = true
	default:
		return fmt.Errorf("want on or off, got %q", s)
	}
	return nil
}

// rateFlag is a COUNT/DURATION flag such as 10000/10m.
type rateFlag struct{ r *emulator.Rate }

var _ flag.Value = rateFlag{}

func (f rateFlag) String() string {
	if f.r == nil {
		return ""
	}
	return f.r.String()
}

func (f rateFlag) Set(s string) error {
	r, err := emulator.ParseRate(s)
	if err != nil {
		return err
	}
	*f.r = r
	return nil
}

// registerLimitFlags adds the flags of Graph's Secure Score limits, defaulting to the documented values.
func registerLimitFlags(fs *flag.FlagSet, l *emulator.Limits) {
	l.MaxConcurrent = emulator.DefaultMaxConcurrent
	l.Window = emulator.Rate{N: emulator.DefaultWindowLimit, Per: emulator.DefaultWindow}
	l.ScoreRate = emulator.Rate{N: emulator.DefaultScoreLimit, Per: emulator.DefaultScoreWindow}
	fs.Var(onOff{&l.Off}, "limits", "enforce Graph's documented Secure Score limits per application and tenant (on|off)")
	fs.IntVar(&l.MaxConcurrent, "max-concurrent", l.MaxConcurrent, "requests in flight per application and tenant; more get 429 with Retry-After 1")
	fs.Var(rateFlag{&l.Window}, "rate-window", "requests on secureScores and secureScoreControlProfiles per sliding window (COUNT/DURATION)")
	fs.Var(rateFlag{&l.ScoreRate}, "score-rate", "requests on secureScores per sliding window (COUNT/DURATION)")
}
