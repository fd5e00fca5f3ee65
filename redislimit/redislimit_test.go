package redislimit_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	polar "github.com/polarportal/polar-go"
	"github.com/polarportal/polar-go/redislimit"
	"github.com/redis/go-redis/v9"
)

const orderID = "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"

const orderJSON = `{"id": "` + orderID + `", "created_at": "2026-09-20T07:45:00Z", "status": "paid", "paid": true,
"total_amount": 1000, "currency": "usd", "billing_reason": "purchase", "items": []}`

// arrivals is a test server for one operation: it records when each
// request arrived, by token and by User-Agent, and answers through
// respond (an order by default).
type arrivals struct {
	*httptest.Server
	mu     sync.Mutex
	times  map[string][]time.Time // by token
	agents map[string][]time.Time // by User-Agent product ("replica-a")
	// respond, if set, may answer instead (returning true); it runs with
	// mu held.
	respond func(w http.ResponseWriter, r *http.Request) bool
}

func newArrivals(t *testing.T) *arrivals {
	a := &arrivals{times: map[string][]time.Time{}, agents: map[string][]time.Time{}}
	a.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		now := time.Now()
		tok := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
		agent, _, _ := strings.Cut(r.Header.Get("User-Agent"), " ")
		a.mu.Lock()
		a.times[tok] = append(a.times[tok], now)
		a.agents[agent] = append(a.agents[agent], now)
		answered := a.respond != nil && a.respond(w, r)
		a.mu.Unlock()
		if answered {
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(orderJSON))
	}))
	t.Cleanup(a.Close)
	return a
}

func (a *arrivals) of(token string) []time.Time {
	a.mu.Lock()
	defer a.mu.Unlock()
	return slices.Clone(a.times[token])
}

func (a *arrivals) ofAgent(agent string) []time.Time {
	a.mu.Lock()
	defer a.mu.Unlock()
	return slices.Clone(a.agents[agent])
}

// busiest returns the largest number of times within any closed span
// [t, t+per], a stricter count than any window of length per that a
// server could keep, and where that span starts.
func busiest(times []time.Time, per time.Duration) (int, time.Time) {
	ts := slices.Clone(times)
	slices.SortFunc(ts, time.Time.Compare)
	most, at := 0, time.Time{}
	j := 0
	for i := range ts {
		for j < len(ts) && !ts[j].After(ts[i].Add(per)) {
			j++
		}
		if j-i > most {
			most, at = j-i, ts[i]
		}
	}
	return most, at
}

// testLimits keeps only a ZoneAPI window (the operation's own zones keep
// Polar's limits).
func testLimits(api polar.Window) polar.RateLimits {
	l := polar.DefaultRateLimits(polar.Production)
	l.Zones[polar.ZoneAPI] = []polar.Window{api}
	return l
}

// newLimiter makes a limiter on its own Redis client, as a replica would,
// with keys under a prefix of the test's own.
func newLimiter(t *testing.T, srv *redisServer, limits polar.RateLimits, opts ...redislimit.Option) *redislimit.Limiter {
	t.Helper()
	return newLimiterOn(t, srv.client(t, false), limits, opts...)
}

func newLimiterOn(t *testing.T, rdb redis.UniversalClient, limits polar.RateLimits, opts ...redislimit.Option) *redislimit.Limiter {
	t.Helper()
	opts = append([]redislimit.Option{redislimit.WithPrefix(testPrefix(t))}, opts...)
	l, err := redislimit.New(rdb, limits, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

var prefixes struct {
	sync.Mutex
	of map[*testing.T]string
}

// testPrefix returns the key prefix of t, its own also when -count runs it
// again against the same server.
func testPrefix(t *testing.T) string {
	prefixes.Lock()
	defer prefixes.Unlock()
	if p, ok := prefixes.of[t]; ok {
		return p
	}
	if prefixes.of == nil {
		prefixes.of = map[*testing.T]string{}
	}
	p := fmt.Sprintf("test:%d:%s:", len(prefixes.of), t.Name())
	prefixes.of[t] = p
	return p
}

func newClient(t *testing.T, url string, l polar.Limiter, opts ...polar.Option) *polar.Client {
	t.Helper()
	opts = append([]polar.Option{polar.WithBaseURL(url), polar.WithLimiter(l)}, opts...)
	c, err := polar.NewClient("polar_cst_customerOne", opts...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// Three replicas, each with its own limiter on the same Redis, send one
// customer's calls from 60 goroutines: no window holds more than the
// limit, and together they use at least 90 % of it.
func TestReplicasShareOneCustomersLimit(t *testing.T) {
	srv := needRedis(t)
	const (
		limit = 20
		per   = 2 * time.Second
		span  = 3 * per
	)
	limits := testLimits(polar.Window{Limit: limit, Per: per})
	server := newArrivals(t)
	var replicas []*polar.Client
	for i := range 3 {
		replicas = append(replicas, newClient(t, server.URL, newLimiter(t, srv, limits), polar.WithUserAgent(fmt.Sprintf("replica-%d", i))))
	}

	// The calls have no deadline (a call deep in its replica's line would
	// give up at once): the run ends by cancelling them.
	start := time.Now()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	time.AfterFunc(span+per/4, cancel)
	var wg sync.WaitGroup
	var sent, cancelled atomic.Int64
	var unexpected atomic.Pointer[error]
	for g := range 60 {
		c := replicas[g%len(replicas)]
		wg.Go(func() {
			for ctx.Err() == nil {
				_, err := c.Orders.Get(ctx, orderID)
				switch {
				case err == nil:
					sent.Add(1)
				case errors.Is(err, context.Canceled):
					cancelled.Add(1)
				default:
					unexpected.Store(&err)
					return
				}
			}
		})
	}
	wg.Wait()
	if err := unexpected.Load(); err != nil {
		t.Fatalf("a call failed: %v", *err)
	}

	times := server.of("polar_cst_customerOne")
	if len(times) == 0 {
		t.Fatal("no request arrived")
	}
	var split []int
	for _, name := range []string{"replica-0", "replica-1", "replica-2"} {
		n := len(server.ofAgent(name))
		split = append(split, n)
		if n == 0 {
			t.Errorf("%s sent nothing", name)
		}
	}
	t.Logf("requests by replica: %v", split)
	most, at := busiest(times, per)
	t.Logf("%d requests arrived in %v (%d calls returned, %d were cancelled at the end); busiest %v window: %d from +%v",
		len(times), time.Since(start).Round(time.Millisecond), sent.Load(), cancelled.Load(), per, most, at.Sub(start).Round(time.Millisecond))
	if most > limit {
		t.Errorf("a window of %v held %d requests, limit %d", per, most, limit)
	}
	// The rate over three windows from the first arrival.
	first := slices.MinFunc(times, time.Time.Compare)
	n := 0
	for _, at := range times {
		if at.Sub(first) < span {
			n++
		}
	}
	want := limit * int(span/per)
	t.Logf("%d of %d requests in the %v from the first arrival (%.0f %%)", n, want, span, 100*float64(n)/float64(want))
	if float64(n) < 0.9*float64(want) {
		t.Errorf("%d requests in %v, want at least 90 %% of %d", n, span, want)
	}
}

// License-key validation (3 a second, then a 60 s block on all of /v1)
// holds across replicas: nine goroutines over three limiters.
func TestLicenseKeyZoneAcrossReplicas(t *testing.T) {
	srv := needRedis(t)
	limits := polar.DefaultRateLimits(polar.Production)
	var limiters []*redislimit.Limiter
	for range 3 {
		limiters = append(limiters, newLimiter(t, srv, limits))
	}
	const key = "0123456789abcdef01234567" // a token hash as the client makes them
	const runFor = 3 * time.Second
	ctx, cancel := context.WithTimeout(context.Background(), runFor)
	defer cancel()
	var mu sync.Mutex
	var times []time.Time
	var wg sync.WaitGroup
	for g := range 9 {
		l := limiters[g%len(limiters)]
		wg.Go(func() {
			for {
				if err := l.Wait(ctx, polar.ZoneLicenseKeys, key); err != nil {
					if !errors.Is(err, context.DeadlineExceeded) {
						t.Errorf("Wait: %v", err)
					}
					return
				}
				mu.Lock()
				times = append(times, time.Now())
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	most, _ := busiest(times, time.Second)
	t.Logf("%d validations let out in %v; busiest second: %d", len(times), runFor, most)
	if most > 3 {
		t.Errorf("a second held %d license-key requests, limit 3", most)
	}
	if len(times) < 3 {
		t.Errorf("only %d license-key requests in %v", len(times), runFor)
	}
}

// Two customers do not share limits, and a wait that cannot fit in the
// deadline, or whose context is cancelled, ends at once.
func TestCustomersAreLimitedApart(t *testing.T) {
	srv := needRedis(t)
	limits := testLimits(polar.Window{Limit: 1, Per: time.Minute}) // one, then the next a minute later
	server := newArrivals(t)
	base := newClient(t, server.URL, newLimiter(t, srv, limits))
	x, y := base.WithToken("polar_cst_customerX"), base.WithToken("polar_cst_customerY")

	ctx := context.Background()
	if _, err := x.Orders.Get(ctx, orderID); err != nil {
		t.Fatal(err)
	}
	// X's next call would wait about 60 s: with a deadline 10 s away it
	// fails at once, before the deadline.
	short, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	_, err := x.Orders.Get(short, orderID)
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "would pass the context deadline") || short.Err() != nil {
		t.Fatalf("customer X's second call: got %v, want an error matching context.DeadlineExceeded before the deadline", err)
	}
	// Y's first call goes out within that deadline: had Y shared X's
	// budget, it would have failed like X's.
	if _, err := y.Orders.Get(short, orderID); err != nil {
		t.Fatalf("customer Y is limited by X's calls: %v", err)
	}

	cctx, cancelNow := context.WithCancel(ctx)
	time.AfterFunc(50*time.Millisecond, cancelNow)
	began := time.Now()
	_, err = x.Orders.Get(cctx, orderID)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled wait: got %v, want an error matching context.Canceled", err)
	}
	if d := time.Since(began); d > 10*time.Second {
		t.Errorf("a cancelled wait returned after %v, as if it had waited its turn", d)
	}
	if n := len(server.of("polar_cst_customerX")); n != 1 {
		t.Errorf("customer X sent %d requests, want 1", n)
	}
}

// Redis holds token hashes, never tokens, under the prefix, and every key
// expires within its window.
func TestKeysAreHashesWithExpiry(t *testing.T) {
	srv := needRedis(t)
	limits := testLimits(polar.Window{Limit: 50, Per: 5 * time.Second})
	server := newArrivals(t)
	l := newLimiter(t, srv, limits)
	base := newClient(t, server.URL, l)
	tokens := []string{"polar_cst_secretAAAAAAAAAAAAAAAA", "polar_cst_secretBBBBBBBBBBBBBBBB"}
	for _, tok := range tokens {
		if _, err := base.WithToken(tok).Orders.Get(context.Background(), orderID); err != nil {
			t.Fatal(err)
		}
	}
	l.Block("0123456789abcdef01234567", 3*time.Second)

	rdb := srv.client(t, false)
	ctx := context.Background()
	var keys []string
	for _, pattern := range []string{testPrefix(t) + "*"} {
		ks, err := rdb.Keys(ctx, pattern).Result()
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, ks...)
	}
	if len(keys) != 3 {
		t.Errorf("keys %q, want two windows and a block", keys)
	}
	for _, k := range keys {
		for _, tok := range tokens {
			if strings.Contains(k, tok) || strings.Contains(k, strings.TrimPrefix(tok, "polar_cst_")) {
				t.Errorf("key %q holds a token", k)
			}
		}
		ttl, err := rdb.PTTL(ctx, k).Result()
		if err != nil {
			t.Fatal(err)
		}
		// An exact window is kept for Per and its slack (Per/20, so
		// 250 ms), and 1 µs, rounded up to Redis's milliseconds.
		if ttl <= 0 || ttl > 5*time.Second+250*time.Millisecond+time.Millisecond {
			t.Errorf("key %q expires in %v, want within its 5 s window and slack", k, ttl)
		}
	}
	t.Logf("keys: %q", keys)
}

// A 429 answered to replica A pauses the customer on replicas B and C,
// which send nothing until its Retry-After has passed.
func TestBlockReachesEveryReplica(t *testing.T) {
	srv := needRedis(t)
	limits := testLimits(polar.Window{Limit: 100, Per: time.Second})
	server := newArrivals(t)
	var blockedAt time.Time
	server.respond = func(w http.ResponseWriter, r *http.Request) bool {
		if blockedAt.IsZero() {
			blockedAt = time.Now()
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusTooManyRequests)
			return true
		}
		return false
	}
	replica := func(name string) *polar.Client {
		return newClient(t, server.URL, newLimiter(t, srv, limits), polar.WithUserAgent(name), polar.WithoutRetries())
	}
	a, b, c := replica("replica-a"), replica("replica-b"), replica("replica-c")

	ctx := context.Background()
	var rle *polar.RateLimitError
	if _, err := a.Orders.Get(ctx, orderID); !errors.As(err, &rle) {
		t.Fatalf("replica A: got %v, want the server's *polar.RateLimitError", err)
	}
	var wg sync.WaitGroup
	for _, r := range []*polar.Client{b, c, b, c} {
		wg.Go(func() {
			if _, err := r.Orders.Get(ctx, orderID); err != nil {
				t.Errorf("after the block: %v", err)
			}
		})
	}
	wg.Wait()
	server.mu.Lock()
	until := blockedAt.Add(time.Second)
	server.mu.Unlock()
	for _, name := range []string{"replica-b", "replica-c"} {
		times := server.ofAgent(name)
		if len(times) != 2 {
			t.Errorf("%s sent %d requests, want 2", name, len(times))
		}
		for _, at := range times {
			if at.Before(until) {
				t.Errorf("%s sent a request %v after the 429, within its Retry-After of 1 s", name, at.Sub(blockedAt))
			}
		}
		if len(times) > 0 {
			t.Logf("%s sent its first request %v after the 429", name, slices.MinFunc(times, time.Time.Compare).Sub(blockedAt).Round(time.Millisecond))
		}
	}
}

// A block longer than MaxBlockWait fails calls on every replica at once
// with *polar.RateLimitError; a shorter block never cuts a longer one.
func TestLongBlockFailsAtOnce(t *testing.T) {
	srv := needRedis(t)
	limits := polar.DefaultRateLimits(polar.Production)
	l1, l2 := newLimiter(t, srv, limits), newLimiter(t, srv, limits)
	const key = "fedcba9876543210fedcba98"
	l1.Block(key, 900*time.Second) // an email-update trip
	l1.Block(key, 5*time.Second)   // must not shorten it

	began := time.Now()
	err := l2.Wait(context.Background(), polar.ZoneAPI, key)
	var rle *polar.RateLimitError
	if !errors.As(err, &rle) {
		t.Fatalf("Wait on another replica: got %v, want *polar.RateLimitError", err)
	}
	if d := time.Since(began); d > 5*time.Second {
		t.Errorf("Wait took %v to refuse", d)
	}
	if rle.RetryAfter <= 890*time.Second || rle.RetryAfter > 900*time.Second {
		t.Errorf("RetryAfter %v, want just under 900 s", rle.RetryAfter)
	}
	var apiErr *polar.APIError
	if !errors.Is(err, polar.ErrRateLimited) || !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusTooManyRequests {
		t.Errorf("%v does not match polar.ErrRateLimited and a 429 *polar.APIError", err)
	}

	// Through a client: nothing is sent.
	server := newArrivals(t)
	tokenKey := func() string { // the client's key of its token, read back from Redis
		c := newClient(t, server.URL, l2)
		if _, err := c.Orders.Get(context.Background(), orderID); err != nil {
			t.Fatal(err)
		}
		ks, err := srv.client(t, false).Keys(context.Background(), testPrefix(t)+"api:*").Result()
		if err != nil || len(ks) != 1 {
			t.Fatalf("keys %q, %v", ks, err)
		}
		return strings.TrimSuffix(ks[0][strings.LastIndex(ks[0], "{")+1:], "}")
	}()
	l1.Block(tokenKey, 60*time.Second) // a license-key trip
	c := newClient(t, server.URL, l2)
	if _, err := c.Orders.Get(context.Background(), orderID); !errors.As(err, &rle) {
		t.Fatalf("client call while blocked for 60 s: got %v, want *polar.RateLimitError", err)
	}
	if n := len(server.of("polar_cst_customerOne")); n != 1 {
		t.Errorf("%d requests sent, want only the one before the block", n)
	}
}

// records is a slog.Handler that keeps every record.
type records struct {
	mu   sync.Mutex
	recs []slog.Record
}

func (*records) Enabled(context.Context, slog.Level) bool { return true }
func (h *records) Handle(_ context.Context, r slog.Record) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.recs = append(h.recs, r.Clone())
	return nil
}
func (h *records) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h *records) WithGroup(string) slog.Handler      { return h }

func (h *records) levels() []slog.Level {
	h.mu.Lock()
	defer h.mu.Unlock()
	var ls []slog.Level
	for _, r := range h.recs {
		ls = append(ls, r.Level)
	}
	return ls
}

func (h *records) String() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	var b strings.Builder
	for _, r := range h.recs {
		fmt.Fprintf(&b, "\n  %s %s", r.Level, r.Message)
		r.Attrs(func(a slog.Attr) bool { fmt.Fprintf(&b, " %s", a); return true })
	}
	return b.String()
}

// Redis killed mid-run and restarted on the same port: calls go on (fail
// open) with one log record, or fail with a clear error (fail closed);
// once Redis is back, limits hold again and one record says so.
func TestRedisOutage(t *testing.T) {
	shared := needRedis(t)
	srv, err := startRedisFree(shared.path) // its own server, to kill
	if err != nil {
		t.Fatal(err)
	}
	defer srv.stop()

	limits := testLimits(polar.Window{Limit: 1, Per: 10 * time.Second}) // one, then the next 10 s later
	server := newArrivals(t)
	var openLog, closedLog records
	openC := newClient(t, server.URL, newLimiterOn(t, srv.client(t, true), limits, redislimit.WithLogger(slog.New(&openLog))))
	closedC := newClient(t, server.URL, newLimiterOn(t, srv.client(t, true), limits, redislimit.WithLogger(slog.New(&closedLog)), redislimit.FailClosed()))
	openA, openB := openC.WithToken("polar_cst_customerA"), openC.WithToken("polar_cst_customerB")
	closedCust := closedC.WithToken("polar_cst_customerC") // the limiters share keys: another customer

	// limited tells whether customer's second call is held back.
	limited := func(c *polar.Client) bool {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
		defer cancel()
		_, err := c.Orders.Get(ctx, orderID)
		if err != nil && !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("unexpected error: %v", err)
		}
		return err != nil
	}
	ctx := context.Background()
	for _, c := range []*polar.Client{openA, closedCust} {
		if _, err := c.Orders.Get(ctx, orderID); err != nil {
			t.Fatal(err)
		}
	}
	if !limited(openA) || !limited(closedCust) {
		t.Fatal("the limit does not hold before the outage")
	}

	testStart := time.Now()
	phase := func(name string) { t.Logf("+%v %s", time.Since(testStart).Round(time.Millisecond), name) }
	srv.kill()
	phase("killed")
	began := time.Now()
	for range 20 {
		if _, err := openB.Orders.Get(ctx, orderID); err != nil {
			t.Fatalf("fail open: a call failed while Redis is down: %v", err)
		}
	}
	took := time.Since(began)
	t.Logf("20 calls of one customer with Redis down took %v", took.Round(time.Millisecond))
	if took > 5*time.Second { // limited, the second call alone would wait 10 s
		t.Errorf("20 calls with Redis down took %v: were they limited?", took)
	}
	if got := openLog.levels(); !slices.Equal(got, []slog.Level{slog.LevelWarn}) {
		t.Errorf("fail open: records %v, want one warning:%s", got, &openLog)
	}
	t.Logf("fail open logged:%s", &openLog)

	sentBefore := len(server.of("polar_cst_customerC"))
	for range 3 {
		_, err := closedCust.Orders.Get(ctx, orderID)
		if !errors.Is(err, redislimit.ErrUnavailable) || !strings.Contains(err.Error(), "connect") {
			t.Fatalf("fail closed: got %v, want an error wrapping ErrUnavailable and the Redis error", err)
		}
		t.Logf("fail closed: %v", err)
	}
	if n := len(server.of("polar_cst_customerC")); n != sentBefore {
		t.Errorf("fail closed sent %d requests while Redis was down", n-sentBefore)
	}
	if got := closedLog.levels(); !slices.Equal(got, []slog.Level{slog.LevelError}) {
		t.Errorf("fail closed: records %v, want one error:%s", got, &closedLog)
	}

	phase("fail closed checked")
	if err := srv.start(); err != nil {
		t.Fatal(err)
	}
	phase("restarted")
	// The Redis client redials on its own; poll until it has (bounded).
	probe := func(c *polar.Client, log *records, token string) {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for len(log.levels()) < 2 {
			if time.Now().After(deadline) {
				t.Fatalf("no record of Redis answering again after 10 s:%s", log)
			}
			b := time.Now()
			_, err := c.WithToken(token).Orders.Get(ctx, orderID)
			if d := time.Since(b); d > 50*time.Millisecond {
				t.Logf("probe took %v: %v", d, err)
			}
			time.Sleep(20 * time.Millisecond) // polling the Redis client's redial
		}
	}
	probe(openC, &openLog, "polar_cst_probeOpen")
	phase("open limiter back")
	probe(closedC, &closedLog, "polar_cst_probeClosed")
	phase("closed limiter back")
	if got := openLog.levels(); !slices.Equal(got, []slog.Level{slog.LevelWarn, slog.LevelInfo}) {
		t.Errorf("fail open: records %v, want a warning and an info:%s", got, &openLog)
	}
	if got := closedLog.levels(); !slices.Equal(got, []slog.Level{slog.LevelError, slog.LevelInfo}) {
		t.Errorf("fail closed: records %v, want an error and an info:%s", got, &closedLog)
	}
	t.Logf("after the restart:%s", &openLog)

	// The restarted Redis starts empty: one call at once, then the limit.
	for _, c := range []*polar.Client{openA, closedCust} {
		if _, err := c.Orders.Get(ctx, orderID); err != nil {
			t.Fatal(err)
		}
		if !limited(c) {
			t.Error("the limit does not hold after Redis is back")
		}
	}
}

func TestNewRejects(t *testing.T) {
	if _, err := redislimit.New(nil, polar.DefaultRateLimits(polar.Production)); err == nil {
		t.Error("New accepted a nil client")
	}
	rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1"})
	defer rdb.Close()
	bad := polar.RateLimits{Zones: map[polar.Zone][]polar.Window{polar.ZoneAPI: {{Limit: 0, Per: time.Second}}}}
	if _, err := redislimit.New(rdb, bad); err == nil {
		t.Error("New accepted a window with Limit 0")
	}
	bad.Zones[polar.ZoneAPI] = []polar.Window{{Limit: 5}}
	if _, err := redislimit.New(rdb, bad); err == nil {
		t.Error("New accepted a window with Per 0")
	}
}

// A call behind others in its replica's line fails at once when the wait of
// those ahead already passes its deadline.
func TestQueuedWaitFailsAtOnce(t *testing.T) {
	srv := needRedis(t)
	l := newLimiter(t, srv, testLimits(polar.Window{Limit: 1, Per: time.Minute})) // one, then the next a minute later
	const key = "00112233445566778899aabb"
	ctx := context.Background()
	if err := l.Wait(ctx, polar.ZoneAPI, key); err != nil {
		t.Fatal(err)
	}
	headCtx, cancelHead := context.WithCancel(ctx)
	headDone := make(chan error, 1)
	go func() { headDone <- l.Wait(headCtx, polar.ZoneAPI, key) }()

	// Poll (bounded) until the head is waiting its turn: a call with a
	// 10 s deadline then fails at once by the estimate, not by the clock.
	deadline := time.Now().Add(5 * time.Second)
	for {
		short, cancel := context.WithTimeout(ctx, 10*time.Second)
		err := l.Wait(short, polar.ZoneAPI, key)
		expired := short.Err() != nil
		cancel()
		if err == nil {
			t.Fatal("a second call went out at once")
		}
		if !errors.Is(err, context.DeadlineExceeded) || expired {
			t.Fatalf("got %v (deadline passed: %v), want a deadline error before the deadline", err, expired)
		}
		if strings.Contains(err.Error(), "would pass the context deadline") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no estimate after 5 s: %v", err)
		}
		time.Sleep(10 * time.Millisecond) // polling the head's goroutine
	}
	cancelHead()
	if err := <-headDone; !errors.Is(err, context.Canceled) {
		t.Errorf("the first in line: got %v, want context.Canceled", err)
	}
}
