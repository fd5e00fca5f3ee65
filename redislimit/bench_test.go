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
// on the local redis-server of TestMain (two round trips a call: the block
// and the window). The limits are too high to be reached.
//
// On the 2-core CI machine (Redis 7.0 on loopback) a Wait took about
// 155 ns and 1 allocation in process, and 60 µs and 33 allocations
// (nearly all in go-redis and redis_rate) through Redis: a PTTL and an
// EVALSHA of about 25 µs and 45 µs each.
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
