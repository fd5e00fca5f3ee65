package redislimit

import (
	"math"
	"testing"
	"time"

	"github.com/go-redis/redis_rate/v10"
	polar "github.com/polarportal/polar-go"
)

// gcra replays redis_rate's script (allowN) in Go, with its float64
// seconds, to check what a limit lets through.
type gcra struct {
	limit redis_rate.Limit
	tat   float64
	set   bool
}

func (g *gcra) allow(now float64) bool {
	ei := g.limit.Period.Seconds() / float64(g.limit.Rate)
	tat := now
	if g.set {
		tat = math.Max(g.tat, now)
	}
	newTAT := tat + ei
	if now-(newTAT-ei*float64(g.limit.Burst)) < 0 {
		return false
	}
	g.tat, g.set = newTAT, true
	return true
}

// A window maps onto a GCRA limit under which no closed span of length Per
// holds more than Limit requests, whatever the timing of the requests,
// while a busy caller keeps about 90 % of the limit.
func TestLimitFor(t *testing.T) {
	windows := []polar.Window{
		{Limit: 500, Per: time.Minute}, {Limit: 100, Per: time.Minute},
		{Limit: 3, Per: time.Second}, {Limit: 6, Per: time.Minute}, {Limit: 12, Per: time.Hour},
		{Limit: 20, Per: 2 * time.Second}, {Limit: 1, Per: time.Second}, {Limit: 2, Per: time.Second},
		{Limit: 7, Per: 3 * time.Second}, {Limit: 10, Per: time.Second}, {Limit: 1000, Per: time.Second},
	}
	for _, w := range windows {
		l, err := limitFor(w)
		if err != nil {
			t.Fatal(err)
		}
		if l.Burst < 1 || l.Rate < 1 || l.Period <= 0 {
			t.Errorf("%+v: limit %+v", w, l)
			continue
		}
		// The bound of GCRA: at most Burst + ⌊Per/T⌋ in a closed span of
		// length Per, T = Period/Rate.
		if most := l.Burst + int(int64(w.Per)*int64(l.Rate)/int64(l.Period)); most > w.Limit {
			t.Errorf("%+v: limit %+v lets %d through in a window", w, l, most)
		}
		// The long-run rate, as a share of the window's.
		share := float64(l.Rate) / l.Period.Seconds() / (float64(w.Limit) / w.Per.Seconds())
		if w.Limit >= 10 && share < 0.9-1e-9 {
			t.Errorf("%+v: limit %+v keeps %.0f %% of the limit over time", w, l, 100*share)
		}

		// A greedy caller, trying at every step of a fine grid for five
		// windows: count the busiest closed span of length Per.
		g := gcra{limit: l}
		per := w.Per.Seconds()
		step := per / float64(w.Limit) / 16
		var times []float64
		for now := 0.0; now < 5*per; now += step {
			for g.allow(now) {
				times = append(times, now)
			}
		}
		most, j := 0, 0
		for i := range times {
			for j < len(times) && times[j] <= times[i]+per+1e-9 {
				j++
			}
			most = max(most, j-i)
		}
		if most > w.Limit {
			t.Errorf("%+v: limit %+v: a simulated window held %d", w, l, most)
		}
		t.Logf("%+v -> %v: busiest window %d, %d in 5 windows (%.0f %% long-run)", w, l, most, len(times), 100*share)
	}
	for _, w := range []polar.Window{{Limit: 0, Per: time.Second}, {Limit: 1}, {Limit: -1, Per: time.Second}} {
		if _, err := limitFor(w); err == nil {
			t.Errorf("limitFor(%+v) accepted", w)
		}
	}
}
