package redislimit_test

import (
	"context"
	"log/slog"
	"os"
	"time"

	polar "github.com/polarportal/polar-go"
	"github.com/polarportal/polar-go/redislimit"
	"github.com/redis/go-redis/v9"
)

// Every replica of a service makes its client this way; they then share
// each customer's limits through Redis.
func Example() {
	logger := slog.New(slog.NewJSONHandler(os.Stderr, nil))
	rdb := redis.NewClient(&redis.Options{
		Addr:        "redis:6379",
		DialTimeout: time.Second, DialerRetries: 1,
		ReadTimeout: 500 * time.Millisecond, WriteTimeout: 500 * time.Millisecond,
		MaxRetries: 1,
	})
	limiter, err := redislimit.New(rdb, polar.DefaultRateLimits(polar.Production), redislimit.WithLogger(logger))
	if err != nil {
		logger.Error("rate limiter", "error", err)
		return
	}
	base, err := polar.NewClient("", polar.WithLimiter(limiter), polar.WithLogger(logger))
	if err != nil {
		logger.Error("polar client", "error", err)
		return
	}

	// Per incoming request, with that customer's session token:
	portal := base.WithToken("polar_cst_...")
	_, _ = portal.Orders.List(context.Background(), nil)
}
