package provider

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/securescore/terraform-provider-securescore/internal/emulator"
	"github.com/securescore/terraform-provider-securescore/internal/graph"
)

// BenchmarkControlProfileFirstRead measures what the first read of a plugin process costs each way: the one GET
// it replaces, and the list that serves every following read (with and without $select), for tenants of 300 and
// 1000 controls, without latency and with 100 ms per request. It decides controlProfileSnapshot's rule.
func BenchmarkControlProfileFirstRead(b *testing.B) {
	for _, tenant := range []int{300, 1000} {
		for _, latency := range []time.Duration{0, 100 * time.Millisecond} {
			emu, data := benchEmulator(b, tenant)
			emu.SetFaults(emulator.Faults{Latency: latency})
			ctx := context.Background()
			ways := []struct {
				name string
				read func() error
			}{
				{"get", func() error { _, err := data.client.GetControlProfile(ctx, "SyntheticControl0001"); return err }},
				{"list-select", func() error {
					_, err := data.client.ListControlProfiles(ctx, graph.ListOptions{Top: controlProfileListTop, Select: controlProfileSelect})
					return err
				}},
				{"list-full", func() error {
					_, err := data.client.ListControlProfiles(ctx, graph.ListOptions{Top: controlProfileListTop})
					return err
				}},
			}
			for _, w := range ways {
				b.Run(fmt.Sprintf("tenant=%d/latency=%s/%s", tenant, latency, w.name), func(b *testing.B) {
					if err := w.read(); err != nil { // the token, outside the timing
						b.Fatal(err)
					}
					b.ReportAllocs()
					for b.Loop() {
						if err := w.read(); err != nil {
							b.Fatal(err)
						}
					}
				})
			}
		}
	}
}
