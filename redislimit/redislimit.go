// Package redislimit shares polar-go's client-side rate limits between the
// replicas of a service through Redis.
//
// Polar limits each customer (500 requests a minute, 3 a second for
// license-key validation, 6 a minute and 12 an hour for email changes)
// however many processes send that customer's requests. The client's
// default limiter lives in one process and sees only that process's share,
// so two or more replicas together can trip Polar's limit, after which the
// customer is blocked on all of /v1 for up to 15 minutes. A [Limiter] keeps
// the windows in Redis instead, so that every replica counts against the
// same budget:
//
//	rdb := redis.NewClient(&redis.Options{Addr: "redis:6379"})
//	lim, err := redislimit.New(rdb, polar.DefaultRateLimits(polar.Production), redislimit.WithLogger(logger))
//	client, err := polar.NewClient("", polar.WithLimiter(lim), polar.WithLogger(logger))
//
// # Counting
//
// Each window of each zone is a GCRA limit kept by
// github.com/go-redis/redis_rate, which decides atomically inside Redis, on
// Redis's clock. A tenth of a window's Limit (at least one request) may go
// out at once and the rest is spread evenly over the window, so that no
// span of length Per ever holds more than Limit requests while a busy
// customer keeps about 90 % of the limit over time.
//
// A 429 seen by one replica is stored in Redis (see [Limiter.Block]), so
// the customer pauses on every replica until its Retry-After has passed.
//
// # Keys
//
// Keys are the hashes of tokens that the client passes, never tokens. A
// window of a zone is kept under "rate:<prefix><zone>:<Per>:<key>" (the
// "rate:" comes from redis_rate), a block under "<prefix>block:<key>"; the
// prefix is "polar:rl:" unless [WithPrefix] says otherwise. Every key
// expires once its window has refilled or its block has passed, so the
// memory used in Redis is bounded by the customers active within the
// longest window.
//
// # When Redis is unreachable
//
// By default the limiter fails open: Wait lets requests through unlimited,
// as if each replica had no limiter, and Block is forgotten. [FailClosed]
// makes Wait return an error wrapping [ErrUnavailable] and the Redis error
// instead; the client does not retry it. Either way the limiter logs one
// record when an outage starts and one when Redis answers again (see
// [WithLogger]).
//
// Once a command has failed, one call a second asks Redis again; the calls
// in between do not wait for it. The call that finds Redis unreachable
// waits as long as the Redis client's options let it (DialTimeout,
// ReadTimeout, MaxRetries and their backoff): give the limiter a client
// with short ones, such as
//
//	redis.NewClient(&redis.Options{Addr: addr, DialTimeout: time.Second, DialerRetries: 1,
//		ReadTimeout: 500 * time.Millisecond, WriteTimeout: 500 * time.Millisecond, MaxRetries: 1})
//
// (go-redis's defaults make each failing command dial five times, 100 ms
// apart, and retry three times.)
//
// The limiter needs Redis 7.0 or later (Block uses PEXPIRE ... GT).
package redislimit

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-redis/redis_rate/v10"
	polar "github.com/polarportal/polar-go"
	"github.com/redis/go-redis/v9"
)

// DefaultPrefix starts the names of the limiter's keys (after the "rate:"
// that redis_rate puts in front of a window's), unless WithPrefix gives
// another.
const DefaultPrefix = "polar:rl:"

// ErrUnavailable is wrapped, with Redis's own error, by the error that Wait
// returns when Redis cannot be reached and the limiter was made with
// FailClosed. The request was not sent.
var ErrUnavailable = errors.New("redislimit: Redis unavailable, request not sent")

// blockTimeout bounds Block, which has no context of its own.
const blockTimeout = 2 * time.Second

// minDelay is the shortest pause between two tries of a window.
const minDelay = time.Millisecond

// probeEvery is how often a call asks Redis while it is unreachable; the
// calls in between do without it.
const probeEvery = time.Second

// A Limiter is a polar.Limiter that keeps its windows and blocks in Redis,
// so that every replica of a service that uses the same Redis (and the
// same prefix) shares one budget per customer. Make it with New. It is safe
// for concurrent use.
type Limiter struct {
	rdb          redis.UniversalClient
	gcra         *redis_rate.Limiter
	zones        map[polar.Zone][]window
	prefix       string
	maxBlockWait time.Duration
	logger       *slog.Logger
	failClosed   bool

	linesMu sync.Mutex
	lines   map[lineKey]*line // the lines of callers now waiting

	down      atomic.Bool // Redis failed and has not answered since
	mu        sync.Mutex  // guards the outage fields below
	downSince time.Time   // when the outage began
	lastErr   error       // what Redis last failed with
	nextProbe time.Time   // when a call may ask Redis again
}

var _ polar.Limiter = (*Limiter)(nil)

// window is one polar.Window as a redis_rate limit.
type window struct {
	keyPrefix string // "<prefix><zone>:<Per>:"; the customer's key follows
	limit     redis_rate.Limit
}

// An Option configures a Limiter in New.
type Option func(*Limiter)

// WithPrefix starts the names of the limiter's keys with prefix instead of
// DefaultPrefix, for example to keep two environments apart in one Redis.
// Replicas share limits only when they use the same prefix.
func WithPrefix(prefix string) Option {
	return func(l *Limiter) { l.prefix = prefix }
}

// WithLogger makes the limiter log to logger when Redis becomes
// unreachable (a warning, or an error with FailClosed) and when it answers
// again: one record each per outage. Pass the logger given to the client's
// polar.WithLogger so that both appear together. The default, also for a
// nil logger, is slog.Default().
func WithLogger(logger *slog.Logger) Option {
	return func(l *Limiter) {
		if logger != nil {
			l.logger = logger
		}
	}
}

// FailClosed makes Wait return an error wrapping ErrUnavailable while
// Redis cannot be reached, so that no request goes out unlimited. By
// default the limiter fails open and lets requests through.
func FailClosed() Option {
	return func(l *Limiter) { l.failClosed = true }
}

// New returns a Limiter that keeps limits in rdb: for a service calling
// Polar's production API, polar.DefaultRateLimits(polar.Production) (the
// limits of polar.Sandbox for the sandbox), or the caller's own.
// limits.MaxBlockWait (default 30 s) is the longest block after a 429 that
// Wait waits out; limits.MaxKeys does not apply, since keys expire in
// Redis. New reports a nil client and a window with a non-positive Limit or
// Per as errors. It does not contact Redis.
func New(rdb redis.UniversalClient, limits polar.RateLimits, opts ...Option) (*Limiter, error) {
	if rdb == nil {
		return nil, errors.New("redislimit: New: nil Redis client")
	}
	l := &Limiter{
		rdb:          rdb,
		gcra:         redis_rate.NewLimiter(rdb),
		zones:        make(map[polar.Zone][]window, len(limits.Zones)),
		lines:        make(map[lineKey]*line),
		prefix:       DefaultPrefix,
		maxBlockWait: limits.MaxBlockWait,
		logger:       slog.Default(),
	}
	if l.maxBlockWait <= 0 {
		l.maxBlockWait = 30 * time.Second
	}
	for _, opt := range opts {
		opt(l)
	}
	for zone, ws := range limits.Zones {
		for _, w := range ws {
			lim, err := limitFor(w)
			if err != nil {
				return nil, fmt.Errorf("redislimit: zone %s: %w", zone, err)
			}
			l.zones[zone] = append(l.zones[zone], window{
				keyPrefix: l.prefix + string(zone) + ":" + w.Per.String() + ":",
				limit:     lim,
			})
		}
	}
	return l, nil
}

// limitFor maps a window onto GCRA. A GCRA limit with burst b and emission
// interval T = Period/Rate lets through at most b + ⌊L/T⌋ requests in any
// span of length L, and Rate per Period in the long run. With a burst of a
// tenth of the limit (at least 1, less than the limit) and Rate = Limit - b
// per Per, a span of length Per holds at most Limit requests. A limit of 1
// has no room for both a burst and a refill within Per: its one request
// comes back after 1.1·Per.
func limitFor(w polar.Window) (redis_rate.Limit, error) {
	if w.Limit <= 0 || w.Per <= 0 {
		return redis_rate.Limit{}, fmt.Errorf("invalid rate-limit window %+v", w)
	}
	if w.Limit == 1 {
		return redis_rate.Limit{Rate: 1, Burst: 1, Period: w.Per + w.Per/10}, nil
	}
	burst := min(max(1, w.Limit/10), w.Limit-1)
	return redis_rate.Limit{Rate: w.Limit - burst, Burst: burst, Period: w.Per}, nil
}

// Wait implements polar.Limiter. It waits out a block of key stored by any
// replica (a block longer than RateLimits.MaxBlockWait returns a
// *polar.RateLimitError at once), then takes one request from every window
// of zone in Redis, waiting as long as one of them is exhausted. A wait that
// would pass the context's deadline fails at once with an error matching
// context.DeadlineExceeded; a cancelled context ends the wait with an error
// wrapping the context's. While Redis is unreachable it returns nil, or an
// error wrapping ErrUnavailable with FailClosed.
//
// The calls of one Limiter waiting for the same zone and key line up, and
// only the first in line asks Redis: however many goroutines wait, each
// replica asks Redis about once for each request a window lets through.
func (l *Limiter) Wait(ctx context.Context, zone polar.Zone, key string) error {
	lk := lineKey{zone, key}
	ln, ticket := l.join(lk)
	defer l.leave(lk, ln)
	if err := l.takeTurn(ctx, ln, ticket); err != nil {
		return err
	}
	defer func() { <-ln.turn }()

	ws := l.zones[zone]
	for {
		if skip, lastErr := l.skip(); skip {
			return l.unavailable(lastErr)
		}
		start := time.Now()
		delay, interval, blocked, err := l.try(ctx, ws, key)
		if err != nil {
			if cerr := ctx.Err(); cerr != nil {
				return fmt.Errorf("redislimit: %w", cerr)
			}
			l.markDown(ctx, err)
			return l.unavailable(err)
		}
		l.markUp(ctx, start)
		if delay <= 0 {
			return nil
		}
		if blocked && delay > l.maxBlockWait {
			return blockedError(delay)
		}
		l.linesMu.Lock()
		ln.readyAt, ln.interval = time.Now().Add(delay), interval
		if ln.changed != nil {
			close(ln.changed) // those in line estimate their waits again
			ln.changed = nil
		}
		l.linesMu.Unlock()
		if err := sleep(ctx, delay); err != nil {
			return err
		}
	}
}

// try makes one attempt at taking a request for key from every window of
// ws. It returns how long to wait before the next attempt (0: taken),
// the spacing of the window that held the request back, and whether the
// wait is the rest of a block.
func (l *Limiter) try(ctx context.Context, ws []window, key string) (delay, interval time.Duration, blocked bool, err error) {
	ttl, err := l.rdb.PTTL(ctx, l.blockKey(key)).Result()
	if err != nil {
		return 0, 0, false, err
	}
	if ttl > 0 { // -1 and -2 (no expiry, no key) come back negative
		return ttl, 0, true, nil
	}
	for i, w := range ws {
		res, err := l.gcra.Allow(ctx, w.keyPrefix+key, w.limit)
		if err == nil && res.Allowed > 0 {
			continue
		}
		// Give back what the earlier windows granted, so that a request
		// that does not go out does not count.
		for _, prev := range ws[:i] {
			_, _ = l.gcra.AllowN(context.WithoutCancel(ctx), prev.keyPrefix+key, prev.limit, -1)
		}
		if err != nil {
			return 0, 0, false, err
		}
		return max(res.RetryAfter, minDelay), w.limit.Period / time.Duration(w.limit.Rate), false, nil
	}
	return 0, 0, false, nil
}

// A line orders the calls of a Limiter that wait for one zone and key.
type line struct {
	turn chan struct{} // full while the first in line asks Redis
	// The fields below are guarded by Limiter.linesMu.
	joined, left uint64        // calls that came, calls that went
	readyAt      time.Time     // when the first in line expects to go out
	interval     time.Duration // the spacing of the window that holds it back
	changed      chan struct{} // closed when readyAt changes; nil until awaited
}

type lineKey struct {
	zone polar.Zone
	key  string
}

// join puts the caller in the line of lk, and returns the line and the
// caller's ticket: the number of calls that joined before it.
func (l *Limiter) join(lk lineKey) (*line, uint64) {
	l.linesMu.Lock()
	defer l.linesMu.Unlock()
	ln := l.lines[lk]
	if ln == nil {
		ln = &line{turn: make(chan struct{}, 1)}
		l.lines[lk] = ln
	}
	ticket := ln.joined
	ln.joined++
	return ln, ticket
}

// leave takes the caller out of the line of lk, and forgets the line once
// it is empty.
func (l *Limiter) leave(lk lineKey, ln *line) {
	l.linesMu.Lock()
	defer l.linesMu.Unlock()
	if ln.left++; ln.left == ln.joined {
		delete(l.lines, lk)
	}
}

// takeTurn waits until the caller holding ticket is first in line. Each
// time the first in line learns how long it waits, takeTurn estimates the
// caller's own wait, and fails at once when that passes ctx's deadline.
func (l *Limiter) takeTurn(ctx context.Context, ln *line, ticket uint64) error {
	deadline, hasDeadline := ctx.Deadline()
	for {
		l.linesMu.Lock()
		eta := ln.eta(ticket)
		if ln.changed == nil {
			ln.changed = make(chan struct{})
		}
		changed := ln.changed
		l.linesMu.Unlock()
		if hasDeadline && eta > 0 && time.Until(deadline) < eta {
			return deadlineError(eta)
		}
		select {
		case ln.turn <- struct{}{}:
			return nil
		case <-changed:
		case <-ctx.Done():
			return fmt.Errorf("redislimit: %w", ctx.Err())
		}
	}
}

// eta returns the least time that the caller holding ticket waits for
// those ahead of it: the first's remaining wait and a window's spacing for
// each of the others. Called with linesMu held.
func (ln *line) eta(ticket uint64) time.Duration {
	if ticket < ln.left {
		return 0
	}
	// Every call that joined before ticket is ahead unless it has left;
	// ln.left counts leavers from behind too, so ahead is a lower bound.
	ahead := ticket - ln.left
	if ahead == 0 {
		return 0
	}
	return max(time.Until(ln.readyAt), 0) + time.Duration(ahead-1)*ln.interval
}

func deadlineError(wait time.Duration) error {
	return fmt.Errorf("redislimit: a wait of %v would pass the context deadline: %w", wait, context.DeadlineExceeded)
}

// sleep waits d unless that would pass ctx's deadline or ctx ends first.
func sleep(ctx context.Context, d time.Duration) error {
	if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) < d {
		return deadlineError(d)
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("redislimit: %w", ctx.Err())
	}
}

// Block implements polar.Limiter: it stores in Redis that key is blocked
// for retryAfter, with that expiry, so that Wait pauses the key on every
// replica. A block already stored for longer is kept. Without Redis the
// block is dropped (and the outage logged).
func (l *Limiter) Block(key string, retryAfter time.Duration) {
	if retryAfter <= 0 {
		return
	}
	// Redis counts expiry in whole milliseconds: round up, and add one so
	// that the block never ends early.
	d := retryAfter.Truncate(time.Millisecond) + time.Millisecond
	if d < retryAfter {
		d += time.Millisecond
	}
	if skip, _ := l.skip(); skip {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), blockTimeout)
	defer cancel()
	k := l.blockKey(key)
	start := time.Now()
	_, err := l.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.SetNX(ctx, k, 1, d)
		p.Do(ctx, "pexpire", k, d.Milliseconds(), "gt")
		return nil
	})
	if err != nil {
		l.markDown(ctx, err)
		return
	}
	l.markUp(ctx, start)
}

func (l *Limiter) blockKey(key string) string { return l.prefix + "block:" + key }

// blockedError is what the client itself returns for a block longer than
// it waits out.
func blockedError(d time.Duration) *polar.RateLimitError { return polar.NewRateLimitError(d) }

// unavailable is what Wait returns when Redis failed with err.
func (l *Limiter) unavailable(err error) error {
	if l.failClosed {
		return fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	return nil
}

// skip reports whether a call should act as if Redis had failed without
// asking it, since Redis is down and another call asked it less than
// probeEvery ago; with true, it returns the last error of Redis.
func (l *Limiter) skip() (bool, error) {
	if !l.down.Load() {
		return false, nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.down.Load() {
		return false, nil
	}
	now := time.Now()
	if now.Before(l.nextProbe) {
		return true, l.lastErr
	}
	l.nextProbe = now.Add(probeEvery)
	return false, nil
}

// markDown records that Redis failed with err, logging once per outage.
func (l *Limiter) markDown(ctx context.Context, err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := time.Now()
	l.lastErr, l.nextProbe = err, now.Add(probeEvery)
	if l.down.Load() {
		return
	}
	l.downSince = now
	l.down.Store(true)
	if l.failClosed {
		l.logger.LogAttrs(ctx, slog.LevelError, "redislimit: Redis unreachable; calls to Polar fail until it answers again",
			slog.String("error", err.Error()))
		return
	}
	l.logger.LogAttrs(ctx, slog.LevelWarn, "redislimit: Redis unreachable; calls to Polar go out without shared rate limits until it answers again",
		slog.String("error", err.Error()))
}

// markUp records that Redis answered a command sent at start, which ends an
// outage that began before start (an answer to a command sent earlier does
// not).
func (l *Limiter) markUp(ctx context.Context, start time.Time) {
	if !l.down.Load() {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.down.Load() || start.Before(l.downSince) {
		return
	}
	l.down.Store(false)
	l.lastErr = nil
	l.logger.LogAttrs(ctx, slog.LevelInfo, "redislimit: Redis answers again; shared rate limits hold again",
		slog.Duration("outage", time.Since(l.downSince)))
}
