package redislimit_test

import (
	"context"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	polar "github.com/polarportal/polar-go"
	"github.com/polarportal/polar-go/redislimit"
)

// BenchmarkWait measures what Wait costs when it does not have to wait:
// the in-process limiter (polar.NewRateLimiter) beside the Redis limiter
// on the local redis-server of TestMain (one round trip a call: the
// script that reads the block and charges the window). The limits are too
// high to be reached.
//
// On the 2-core CI machine (Redis 7.0 on loopback, other jobs running) a
// Wait took about 250 ns and no allocation in process, and about 60 µs,
// 970 B and 21 allocations (nearly all in go-redis) through Redis; the
// earlier two round trips (PTTL, then redis_rate's EVALSHA) took about
// 150 µs, 1,350 B and 33 allocations on the same machine (benchstat, six
// runs each).
func BenchmarkWait(b *testing.B) {
	limits := polar.RateLimits{Zones: map[polar.Zone][]polar.Window{
		polar.ZoneAPI: {{Limit: 1 << 30, Per: time.Second}},
	}}
	const key = "0123456789abcdef01234567"
	inProcess, err := polar.NewRateLimiter(limits)
	if err != nil {
		b.Fatal(err)
	}
	newRedis := func(b *testing.B) polar.Limiter {
		srv := needRedis(b)
		l, err := redislimit.New(srv.client(b, false), limits, redislimit.WithPrefix("bench:"+b.Name()+":"))
		if err != nil {
			b.Fatal(err)
		}
		return l
	}
	ctx := context.Background()
	serial := func(b *testing.B, l polar.Limiter) {
		b.ReportAllocs()
		for b.Loop() {
			if err := l.Wait(ctx, polar.ZoneAPI, key); err != nil {
				b.Fatal(err)
			}
		}
	}
	// parallel gives each goroutine its own key, as concurrent calls of
	// different customers.
	parallel := func(b *testing.B, l polar.Limiter) {
		b.ReportAllocs()
		var n atomic.Int64
		b.RunParallel(func(pb *testing.PB) {
			k := key + strconv.FormatInt(n.Add(1), 10)
			for pb.Next() {
				if err := l.Wait(ctx, polar.ZoneAPI, k); err != nil {
					b.Error(err)
					return
				}
			}
		})
	}
	b.Run("in-process", func(b *testing.B) { serial(b, inProcess) })
	b.Run("redis", func(b *testing.B) { serial(b, newRedis(b)) })
	b.Run("in-process/parallel", func(b *testing.B) { parallel(b, inProcess) })
	b.Run("redis/parallel", func(b *testing.B) { parallel(b, newRedis(b)) })
}
