package redislimit

import (
	"testing"
	"time"

	polar "github.com/polarportal/polar-go"
)

// Windows of at most 64 requests are kept exactly, with a slack of Per/20
// up to 250 ms; larger ones are GCRA
// with the client's own rule: a burst of a twenty-fifth of the limit and
// the rest spread over the window, at most Limit in any span of length Per.
func TestSpecFor(t *testing.T) {
	for _, tc := range []struct {
		w        polar.Window
		limit    int
		interval int64 // µs; 0: exact
	}{
		{polar.Window{Limit: 3, Per: time.Second}, 3, 0},
		{polar.Window{Limit: 6, Per: time.Minute}, 6, 0},
		{polar.Window{Limit: 12, Per: time.Hour}, 12, 0},
		{polar.Window{Limit: 1, Per: time.Second}, 1, 0},
		{polar.Window{Limit: 64, Per: time.Second}, 64, 0},
		{polar.Window{Limit: 500, Per: time.Minute}, 20, 125_000},    // 20 at once, then 8 a second
		{polar.Window{Limit: 100, Per: time.Minute}, 4, 625_000},     // 4 at once, then 96 a minute
		{polar.Window{Limit: 65, Per: time.Second}, 2, 15_874},       // 63 refills, rounded up
		{polar.Window{Limit: 1000, Per: 7 * time.Second}, 40, 7_292}, // 960 refills, rounded up
	} {
		w, err := specFor(tc.w)
		if err != nil {
			t.Fatal(err)
		}
		per := int64(tc.w.Per / time.Microsecond)
		if tc.interval == 0 {
			per += min(per/20, 250_000) // the slack
		}
		if w.limit != tc.limit || w.interval != tc.interval || w.per != per {
			t.Errorf("%+v: got limit %d, per %d µs, interval %d µs; want %d, %d µs, %d µs", tc.w, w.limit, w.per, w.interval, tc.limit, per, tc.interval)
		}
		if w.interval > 0 {
			// b + ⌊Per/T⌋ <= Limit, and the long-run rate is at least 96 %.
			if most := int64(w.limit) + w.per/w.interval; most > int64(tc.w.Limit) {
				t.Errorf("%+v: %d requests fit in a window", tc.w, most)
			}
			if share := float64(w.per) / float64(w.interval) / float64(tc.w.Limit); share < 0.96-1e-3 {
				t.Errorf("%+v: keeps %.1f %% of the limit over time", tc.w, 100*share)
			}
		}
	}
	for _, w := range []polar.Window{{Limit: 0, Per: time.Second}, {Limit: 1}, {Limit: -1, Per: time.Second}, {Limit: 5, Per: -time.Second}} {
		if _, err := specFor(w); err == nil {
			t.Errorf("specFor(%+v) accepted", w)
		}
	}
}
