package polar

import (
	"runtime"
	"sync/atomic"
	"testing"
	"time"
)

// BenchmarkLimiterLiveKeys measures the heap that the default limiter
// holds for 100,000 live keys, each of which has waited once in ZoneAPI
// with the production limits. The clock stands still, so no key becomes
// idle. The figure includes the keys themselves (24-byte strings, as
// limiterKey makes them), which the limiter keeps.
func BenchmarkLimiterLiveKeys(b *testing.B) {
	const n = 100_000
	var perKey float64
	for b.Loop() {
		perKey = liveKeysHeap(b, n, ZoneAPI)
	}
	b.ReportMetric(perKey, "heap-B/key")
	b.ReportMetric(perKey*100_000, "heap-B/100k-keys")
}

// liveKeysHeap returns the heap, per key, that a default production
// limiter holds after each of n keys has waited once in each of zones,
// with the clock standing still so that no key becomes idle.
func liveKeysHeap(b *testing.B, n int, zones ...Zone) float64 {
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	lim := mustLimiter(b, DefaultRateLimits(Production)).(*limiter)
	frozen := time.Now()
	lim.now = func() time.Time { return frozen }
	for i := range n {
		for _, z := range zones {
			if err := lim.Wait(bg(), z, customerKey(i)); err != nil {
				b.Fatal(err)
			}
		}
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	if lim.keyCount() != n {
		b.Fatalf("%d keys kept, want %d", lim.keyCount(), n)
	}
	runtime.KeepAlive(lim)
	return float64(int64(after.HeapAlloc)-int64(before.HeapAlloc)) / float64(n)
}

// BenchmarkLimiterWait measures a Wait in ZoneAPI on a key the limiter
// already keeps, among 100,000 kept keys, with the real clock: on one key,
// on keys in turn, and from parallel goroutines. The window is so wide
// (a burst of 250 million, then one request per 1.3 s) that no call waits
// and no key goes idle: this is the cost of the bookkeeping.
func BenchmarkLimiterWait(b *testing.B) {
	const n = 100_000
	limits := DefaultRateLimits(Production)
	limits.Zones[ZoneAPI] = []Window{{Limit: 1e9, Per: 1e9 * time.Second}}
	lim := mustLimiter(b, limits)
	keys := make([]string, n)
	for i := range keys {
		keys[i] = customerKey(i)
		if err := lim.Wait(bg(), ZoneAPI, keys[i]); err != nil {
			b.Fatal(err)
		}
	}
	if k := lim.(*limiter).keyCount(); k != n {
		b.Fatalf("%d keys kept, want %d", k, n)
	}
	ctx := bg()
	b.Run("one-key", func(b *testing.B) {
		// A window one key never exhausts, however long the benchmark runs:
		// the cost of Wait itself.
		fast := DefaultRateLimits(Production)
		fast.Zones[ZoneAPI] = []Window{{Limit: 1e9, Per: time.Second}}
		lim := mustLimiter(b, fast)
		b.ReportAllocs()
		for b.Loop() {
			if err := lim.Wait(ctx, ZoneAPI, keys[0]); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("many-keys", func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			if err := lim.Wait(ctx, ZoneAPI, keys[i]); err != nil {
				b.Fatal(err)
			}
			i = (i + 7919) % n // a prime stride: no key twice in a row
		}
	})
	b.Run("parallel", func(b *testing.B) {
		b.ReportAllocs()
		var next atomic.Int64
		b.RunParallel(func(pb *testing.PB) {
			i := int(next.Add(7919)) % n
			for pb.Next() {
				if err := lim.Wait(ctx, ZoneAPI, keys[i]); err != nil {
					b.Error(err)
					return
				}
				i = (i + 7919) % n
			}
		})
	})
}

// BenchmarkLimiterLiveKeysAllZones is BenchmarkLimiterLiveKeys for keys
// that waited once in each zone: the license-key and email-update windows
// keep their send times, 3 + 6 + 12 of them.
func BenchmarkLimiterLiveKeysAllZones(b *testing.B) {
	const n = 20_000
	var perKey float64
	for b.Loop() {
		perKey = liveKeysHeap(b, n, ZoneAPI, ZoneLicenseKeys, ZoneEmailUpdate)
	}
	b.ReportMetric(perKey, "heap-B/key")
}
