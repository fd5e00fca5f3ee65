package license

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	polar "github.com/polarportal/polar-go"
)

// BenchmarkLimiterWait measures what the shared state costs a request
// that does not have to wait: the file lock, reading the state and, in
// the license-key zone, writing it back.
func BenchmarkLimiterWait(b *testing.B) {
	limits := polar.RateLimits{Zones: map[polar.Zone][]polar.Window{
		polar.ZoneAPI:         {{Limit: 1 << 30, Per: time.Second}},
		polar.ZoneLicenseKeys: {{Limit: 3, Per: time.Nanosecond}}, // never full
	}}
	for _, zone := range []polar.Zone{polar.ZoneAPI, polar.ZoneLicenseKeys} {
		b.Run(string(zone), func(b *testing.B) {
			l, err := NewLimiter(filepath.Join(b.TempDir(), "keys.lock"), limits)
			if err != nil {
				b.Fatal(err)
			}
			defer l.Close()
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				if err := l.Wait(ctx, zone, ""); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
