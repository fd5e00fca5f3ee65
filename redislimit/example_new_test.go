package redislimit_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"

	polar "github.com/polarportal/polar-go"
	"github.com/polarportal/polar-go/polartest"
	"github.com/polarportal/polar-go/redislimit"
	"github.com/redis/go-redis/v9"
)

// New does not contact Redis; the first call does. With FailClosed a call
// made while Redis cannot be reached fails with ErrUnavailable instead of
// going out unlimited. Here a dialer that always fails stands in for a
// Redis outage, and polartest's fake for Polar.
func ExampleNew() {
	rdb := redis.NewClient(&redis.Options{
		Dialer: func(context.Context, string, string) (net.Conn, error) {
			return nil, errors.New("redis is down")
		},
		MaxRetries: -1, DialerRetries: 1, // fail at once
	})
	defer rdb.Close()

	limiter, err := redislimit.New(rdb, polar.DefaultRateLimits(polar.Production),
		redislimit.FailClosed(), redislimit.WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		fmt.Println("error:", err)
		return
	}

	srv := polartest.NewServer(polartest.WithDemo())
	defer srv.Close()
	client, err := polar.NewClient(polartest.DemoCustomerToken, polar.WithBaseURL(srv.URL), polar.WithLimiter(limiter))
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	_, err = client.Orders.List(context.Background(), nil)
	fmt.Println(errors.Is(err, redislimit.ErrUnavailable))

	_, err = redislimit.New(nil, polar.DefaultRateLimits(polar.Production))
	fmt.Println(err)
	// Output:
	// true
	// redislimit: New: nil Redis client
}
