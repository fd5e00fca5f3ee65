package license

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	polar "github.com/polarportal/polar-go"
)

// twoLimiters returns two limiters on one lock file, as two processes
// would hold it (each its own open file).
func twoLimiters(t *testing.T, limits polar.RateLimits) (*Limiter, *Limiter) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "sub", "keys.lock")
	a, err := NewLimiter(path, limits)
	if err != nil {
		t.Fatal(err)
	}
	b, err := NewLimiter(path, limits)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close(); b.Close() })
	return a, b
}

var prod = polar.DefaultRateLimits(polar.Production)

// Two limiters on one file book the license-key zone together: 3 at once,
// then 3 a window of 1.05 s.
func TestLimiterWindowIsShared(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		a, b := twoLimiters(t, prod)
		start := time.Now()
		var mu sync.Mutex
		var got []time.Duration
		var wg sync.WaitGroup
		for i := range 7 {
			l := a
			if i%2 == 1 {
				l = b
			}
			wg.Go(func() {
				if err := l.Wait(context.Background(), polar.ZoneLicenseKeys, ""); err != nil {
					t.Error(err)
				}
				mu.Lock()
				got = append(got, time.Since(start))
				mu.Unlock()
			})
		}
		wg.Wait()
		counts := map[time.Duration]int{}
		for _, d := range got {
			counts[d]++
		}
		w := 1050 * time.Millisecond
		if counts[0] != 3 || counts[w] != 3 || counts[2*w] != 1 {
			t.Errorf("release times %v, want 3 at 0, 3 at %v and 1 at %v", got, w, 2*w)
		}
		if st, err := os.Stat(a.path); crossProcess && (err != nil || st.Mode().Perm() != 0o600) {
			t.Errorf("lock file: %v, %v; want mode 0600", st, err)
		}
	})
}

// A block recorded by one limiter holds the other back in every zone, and
// one longer than MaxBlockWait is refused at once.
func TestLimiterBlockIsShared(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		a, b := twoLimiters(t, prod)
		a.Block("", 2*time.Second)
		start := time.Now()
		if err := b.Wait(context.Background(), polar.ZoneAPI, ""); err != nil {
			t.Fatal(err)
		}
		if d := time.Since(start); d != 2*time.Second {
			t.Errorf("ZoneAPI waited %v, want the 2s block", d)
		}
		a.Block("", time.Minute)
		err := b.Wait(context.Background(), polar.ZoneLicenseKeys, "")
		var rle *polar.RateLimitError
		if !errors.As(err, &rle) || rle.RetryAfter != time.Minute || !errors.Is(err, polar.ErrRateLimited) {
			t.Errorf("Wait in a 60s block = %v, want a *polar.RateLimitError", err)
		}
		// Other keys are not blocked.
		if err := b.Wait(context.Background(), polar.ZoneLicenseKeys, "customer"); err != nil {
			t.Errorf("another key: %v", err)
		}
	})
}

// A block recorded while a request waits for its turn makes it wait the
// block out too.
func TestLimiterBlockDuringWait(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		a, b := twoLimiters(t, prod)
		for range 3 {
			if err := a.Wait(context.Background(), polar.ZoneLicenseKeys, ""); err != nil {
				t.Fatal(err)
			}
		}
		start := time.Now()
		done := make(chan time.Duration)
		go func() {
			if err := b.Wait(context.Background(), polar.ZoneLicenseKeys, ""); err != nil {
				t.Error(err)
			}
			done <- time.Since(start)
		}()
		synctest.Wait()
		a.Block("", 5*time.Second)
		if d := <-done; d != 5*time.Second {
			t.Errorf("waited %v, want the 5s block", d)
		}
	})
}

// An abandoned wait hands its booking back: the next one takes its place.
func TestLimiterGivesBackAbandonedWaits(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		a, b := twoLimiters(t, prod)
		for range 3 {
			if err := a.Wait(context.Background(), polar.ZoneLicenseKeys, ""); err != nil {
				t.Fatal(err)
			}
		}
		ctx, cancel := context.WithCancel(context.Background())
		errc := make(chan error)
		go func() { errc <- a.Wait(ctx, polar.ZoneLicenseKeys, "") }()
		synctest.Wait()
		cancel()
		if err := <-errc; !errors.Is(err, context.Canceled) {
			t.Fatalf("cancelled wait: %v", err)
		}
		start := time.Now()
		for range 3 {
			if err := b.Wait(context.Background(), polar.ZoneLicenseKeys, ""); err != nil {
				t.Fatal(err)
			}
		}
		if d := time.Since(start); d != 1050*time.Millisecond {
			t.Errorf("the next 3 took %v, want 1.05s (the abandoned booking given back)", d)
		}
		if ks := b.keys(); len(ks) != 1 {
			t.Errorf("keys %q", ks)
		}
		time.Sleep(2 * time.Second) // the fake clock: the windows pass
		if ks := b.keys(); len(ks) != 0 {
			t.Errorf("keys %q kept after their windows passed", ks)
		}
	})
}

// A wait that would pass the context's deadline is refused at once, and
// books nothing.
func TestLimiterDeadline(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		a, _ := twoLimiters(t, prod)
		for range 3 {
			if err := a.Wait(context.Background(), polar.ZoneLicenseKeys, ""); err != nil {
				t.Fatal(err)
			}
		}
		ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
		defer cancel()
		start := time.Now()
		if err := a.Wait(ctx, polar.ZoneLicenseKeys, ""); !errors.Is(err, context.DeadlineExceeded) || time.Since(start) != 0 {
			t.Errorf("Wait past the deadline: %v after %v", err, time.Since(start))
		}
		if err := a.Wait(context.Background(), polar.ZoneLicenseKeys, ""); err != nil || time.Since(start) != 1050*time.Millisecond {
			t.Errorf("next Wait: %v after %v, want 1.05s", err, time.Since(start))
		}
	})
}

// A lock file that does not parse counts as empty, and is rewritten.
func TestLimiterCorruptFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "keys.lock")
	if err := os.WriteFile(path, []byte(`{"keys":{"":{"sent":[1,2`), 0o600); err != nil {
		t.Fatal(err)
	}
	l, err := NewLimiter(path, prod)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if err := l.Wait(context.Background(), polar.ZoneLicenseKeys, ""); err != nil {
		t.Fatal(err)
	}
	if ks := l.keys(); len(ks) != 1 || ks[0] != "" {
		t.Errorf("keys after the first wait: %q", ks)
	}
}

func TestNewLimiterRefusesLargeWindows(t *testing.T) {
	limits := polar.RateLimits{Zones: map[polar.Zone][]polar.Window{polar.ZoneLicenseKeys: {{Limit: 65, Per: time.Second}}}}
	if _, err := NewLimiter(filepath.Join(t.TempDir(), "l"), limits); err == nil {
		t.Error("a window of 65: no error")
	}
	limits.Zones[polar.ZoneLicenseKeys] = []polar.Window{{Limit: 0, Per: time.Second}}
	if _, err := NewLimiter(filepath.Join(t.TempDir(), "l"), limits); err == nil {
		t.Error("a window of 0: no error")
	}
}

// A process woken well after its instant (a busy machine) books again at
// the time it really sends, rather than send into windows booked after
// its own.
func TestLimiterLateWakeBooksAgain(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		a, b := twoLimiters(t, prod)
		var lag atomic.Int64
		b.now = func() time.Time { return time.Now().Add(time.Duration(lag.Load())) }
		start := time.Now()
		for range 3 {
			if err := a.Wait(context.Background(), polar.ZoneLicenseKeys, ""); err != nil {
				t.Fatal(err)
			}
		}
		done := make(chan struct{})
		go func() {
			defer close(done)
			if err := b.Wait(context.Background(), polar.ZoneLicenseKeys, ""); err != nil {
				t.Error(err)
			}
		}()
		synctest.Wait() // b booked 1.05 s and sleeps
		lag.Store(int64(500 * time.Millisecond))
		<-done
		var sent []int64
		_ = b.update(func(st *limState, _ int64) { sent = slices.Clone(st.Keys[""].Sent) })
		want := start.Add(1050*time.Millisecond + 500*time.Millisecond).UnixNano()
		if len(sent) != 1 || sent[0] != want {
			t.Errorf("bookings %v after a wake 500ms late, want just %v (booked again when sent)", sent, want)
		}
	})
}
