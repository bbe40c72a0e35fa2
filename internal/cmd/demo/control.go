package main

import (
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
)

// controlThirdParty applies examples/demo/control: one control marked ThirdParty, with the tenant's current score
// read before and after it, then checks that the score moved by the control's points and that a re-plan is empty.
func (d *demo) controlThirdParty(examples string) error {
	dir, err := d.workspace("control", filepath.Join(examples, "control"), "")
	if err != nil {
		return err
	}
	if err := d.tf(dir, "init", "-input=false", "-no-color"); err != nil {
		return err
	}
	fmt.Println("Note: the emulator rescores at once (-rescore-delay 0) so the demo can show the score moving; Microsoft's")
	fmt.Println("service moves it about 24 hours after a state change (users report up to 48).")
	if err := d.tf(dir, "apply", "-auto-approve", "-input=false", "-no-color"); err != nil {
		return err
	}
	number := func(name string) (float64, error) {
		out, err := d.output(dir, "output", "-raw", name)
		if err != nil {
			return 0, err
		}
		return strconv.ParseFloat(strings.TrimSpace(out), 64)
	}
	before, err := number("score_before")
	if err != nil {
		return err
	}
	after, err := number("score_after")
	if err != nil {
		return err
	}
	if after <= before {
		return fmt.Errorf("the current score did not move: %v before, %v after marking the control ThirdParty", before, after)
	}
	fmt.Printf("=> BlockLegacyAuthentication marked ThirdParty: current score %v -> %v (+%v)\n", before, after, after-before)
	return d.expectNoChanges(dir)
}
