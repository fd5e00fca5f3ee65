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
// One Lua script takes a request from every window of a zone at once,
// atomically inside Redis and on Redis's clock: it reads the customer's
// block and every window first, and writes only when none holds the
// request back, so a request refused by one window (the hour of the
// email-update zone, say) counts in none. The windows follow the client's
// own limiter:
//
//   - A window of at most 64 requests (3 a second for license keys, 6 a
//     minute and 12 an hour for email changes) is kept exactly, as the times
//     of its last Limit requests: Limit may go at once, and never Limit+1
//     within Per. Redis decides, but Polar counts when each request arrives,
//     and requests of several replicas travel apart, so a window also waits
//     a slack of Per/20 (at most 250 ms) before its oldest request drops out.
//   - A larger window (500 or 100 a minute) is a GCRA limit: a burst of a
//     twenty-fifth of the limit may go at once and the rest is spread
//     evenly, so that no span of length Per holds more than Limit requests
//     while a busy customer keeps 96 % of the limit (500 a minute: 20 at
//     once, then 8 a second).
//
// A 429 seen by one replica is stored in Redis (see [Limiter.Block]), so
// the customer pauses on every replica, in every zone, until its
// Retry-After has passed.
//
// Redis's clock is the one clock that every replica shares, so the clocks
// of the replicas' machines play no part. The package's tests count on
// their own clock instead, passed to the same script, so as to move time
// on without waiting.
//
// # Keys and memory
//
// Keys are the hashes of tokens that the client passes, never tokens. A
// window of a zone is kept under "<prefix><zone>:<Limit>/<Per>:{<key>}", a
// block under "<prefix>block:{<key>}"; the prefix is "polar:rl:" unless
// [WithPrefix] says otherwise. The braces make the customer's key a Redis
// Cluster hash tag, so the keys that the script touches share a slot. Each
// key expires once it no longer holds anything back: a window after its
// Per (and slack) without requests, a block when it ends. Memory in Redis
// is thus bounded by the customers active within the longest window, and
// small for each (Redis 7's MEMORY USAGE, key included): with Polar's
// limits, at their fullest, about 120 bytes for the 500 a minute, 250 for
// license keys, 300 for each email window and 120 for a block, about 1 KiB
// in all; an exact window of 64 requests takes about 1 KiB.
//
// The names differ from those of earlier versions (which counted through
// github.com/go-redis/redis_rate under "rate:..."): during a rolling
// upgrade, old and new replicas count apart until the old ones are gone.
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
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	polar "github.com/polarportal/polar-go"
	"github.com/redis/go-redis/v9"
)

// DefaultPrefix starts the names of the limiter's keys, unless WithPrefix
// gives another.
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
	zones        map[polar.Zone][]window
	prefix       string
	maxBlockWait time.Duration
	logger       *slog.Logger
	failClosed   bool
	now          func() time.Time // the script's clock; nil: Redis's

	linesMu sync.Mutex
	lines   map[lineKey]*line // the lines of callers now waiting

	down      atomic.Bool // Redis failed and has not answered since
	mu        sync.Mutex  // guards the outage fields below
	downSince time.Time   // when the outage began
	lastErr   error       // what Redis last failed with
	nextProbe time.Time   // when a call may ask Redis again
}

var _ polar.Limiter = (*Limiter)(nil)

// window is one polar.Window as the script keeps it (see specFor).
type window struct {
	keyPrefix string // "<prefix><zone>:<Limit>/<Per>:"; "{<key>}" follows
	limit     int    // the Limit, or a GCRA window's burst
	per       int64  // µs, with an exact window's slack
	interval  int64  // µs between two requests of a GCRA window; 0: exact
}

// An Option configures a Limiter in New.
type Option func(*Limiter)

// WithPrefix starts the names of the limiter's keys with prefix instead of
// DefaultPrefix, for example to keep two environments apart in one Redis.
// Replicas share limits only when they use the same prefix. A prefix with
// braces would change the keys' Redis Cluster hash tag: leave them out.
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
// Wait waits out. New reports a nil client and a window with a
// non-positive Limit or Per as errors. It does not contact Redis.
func New(rdb redis.UniversalClient, limits polar.RateLimits, opts ...Option) (*Limiter, error) {
	if rdb == nil {
		return nil, errors.New("redislimit: New: nil Redis client")
	}
	l := &Limiter{
		rdb:          rdb,
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
			spec, err := specFor(w)
			if err != nil {
				return nil, fmt.Errorf("redislimit: zone %s: %w", zone, err)
			}
			// The limit in the name keeps apart replicas that count a zone
			// differently, and an exact window from a GCRA one.
			spec.keyPrefix = l.prefix + string(zone) + ":" + strconv.Itoa(w.Limit) + "/" + w.Per.String() + ":"
			l.zones[zone] = append(l.zones[zone], spec)
		}
	}
	return l, nil
}

// maxExact is the largest Limit of a window kept exactly, as the times of
// its last Limit requests; a larger window is kept as one GCRA instant.
const maxExact = 64

// maxSlack bounds the slack of an exact window.
const maxSlack = 250 * time.Millisecond

// specFor maps a window onto what the script keeps of it. A window of at
// most maxExact requests is kept exactly: a request may go when the
// Limit-th latest one is more than Per and a slack ago, so that Limit go at
// once and no closed span of length Per ever holds Limit+1. The slack,
// Per/20 up to maxSlack (50 ms for 3 a second, 250 ms for 6 a minute),
// covers the time from Redis's decision to Polar's count, which differs
// from request to request and from replica to replica: without it, a
// window that let Limit go at once and Limit more exactly Per later would
// trip Polar whenever the first ones were slower on their way. A larger
// window is a GCRA
// limit, the rule of the client's own limiter: a burst b = max(1,
// Limit/25) and one request more every T = Per/(Limit-b), rounded up to
// the microsecond. It lets at most b + ⌊L/T⌋ requests through in a span of
// length L, so at most Limit in a span of length Per, while a busy customer
// keeps 96 % of the limit over time (500 a minute: 20 at once, then 8 a
// second). Times are whole microseconds, exact in Lua's numbers.
func specFor(w polar.Window) (window, error) {
	if w.Limit <= 0 || w.Per <= 0 {
		return window{}, fmt.Errorf("invalid rate-limit window %+v", w)
	}
	per := (w.Per + time.Microsecond - 1) / time.Microsecond // µs, rounded up
	if w.Limit <= maxExact {
		slack := min(w.Per/20, maxSlack) / time.Microsecond
		return window{limit: w.Limit, per: int64(per + slack)}, nil
	}
	burst := max(1, w.Limit/25)
	refills := int64(w.Limit - burst)
	return window{limit: burst, per: int64(per), interval: (int64(per) + refills - 1) / refills}, nil
}

// Wait implements polar.Limiter. It waits out a block of key stored by any
// replica (a block longer than RateLimits.MaxBlockWait returns a
// *polar.RateLimitError at once), then takes one request from every window
// of zone in Redis, all at once or none, waiting as long as one of them is
// exhausted. A wait that
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
		if err := sleep(ctx, max(delay, minDelay)); err != nil {
			return err
		}
	}
}

// charge is the script that takes one request of a key from every window
// of a zone, or none. It reads the block and every window first, and
// writes only when none of them holds the request back, so a refusal
// leaves nothing behind in any window.
//
// KEYS[1] is the key's block, KEYS[2..] its windows. ARGV[1] is the time in
// microseconds, or empty for Redis's clock; then three values a window:
// its limit (the burst of a GCRA window), Per and the GCRA interval (0 for
// a window kept exactly), in microseconds. It returns {0} when the request
// is taken, {1, ms} while the key is blocked, and {2, µs, i} when window i
// (from 0) holds it back for that long.
//
// An exact window is a list of the times of its last requests, newest
// first; a GCRA window is its theoretical arrival time. Each expires once
// it no longer holds anything back.
var charge = redis.NewScript(`
local now
if ARGV[1] ~= '' then
	now = tonumber(ARGV[1])
else
	local t = redis.call('TIME')
	now = tonumber(t[1]) * 1000000 + tonumber(t[2])
end
local block = redis.call('PTTL', KEYS[1])
if block > 0 then
	return {1, block}
end
local wait, which, tats = 0, 0, {}
for i = 2, #KEYS do
	local a = 2 + 3 * (i - 2)
	local limit, per, interval = tonumber(ARGV[a]), tonumber(ARGV[a + 1]), tonumber(ARGV[a + 2])
	local w = 0
	if interval == 0 then
		local t = redis.call('LINDEX', KEYS[i], limit - 1)
		if t then
			w = tonumber(t) + per + 1 - now
		end
	else
		local tat = tonumber(redis.call('GET', KEYS[i]) or '0')
		if tat < now then
			tat = now
		end
		tats[i] = tat
		w = tat - (limit - 1) * interval - now
	end
	if w > wait then
		wait, which = w, i - 2
	end
end
if wait > 0 then
	return {2, wait, which}
end
for i = 2, #KEYS do
	local a = 2 + 3 * (i - 2)
	local limit, per, interval = tonumber(ARGV[a]), tonumber(ARGV[a + 1]), tonumber(ARGV[a + 2])
	if interval == 0 then
		redis.call('LPUSH', KEYS[i], string.format('%.0f', now))
		redis.call('LTRIM', KEYS[i], 0, limit - 1)
		redis.call('PEXPIRE', KEYS[i], math.floor(per / 1000) + 1)
	else
		local tat = tats[i] + interval
		redis.call('SET', KEYS[i], string.format('%.0f', tat), 'PX', math.floor((tat - now) / 1000) + 1)
	end
end
return {0}
`)

// try makes one attempt at taking a request for key from every window of
// ws. It returns how long to wait before the next attempt (0: taken), the
// spacing of the window that held the request back (0 for an exact window,
// which may let several go at once), and whether the wait is the rest of a
// block.
func (l *Limiter) try(ctx context.Context, ws []window, key string) (delay, interval time.Duration, blocked bool, err error) {
	keys := make([]string, 1+len(ws))
	keys[0] = l.blockKey(key)
	args := make([]any, 1, 1+3*len(ws))
	args[0] = ""
	if l.now != nil {
		args[0] = l.now().UnixMicro()
	}
	for i, w := range ws {
		keys[1+i] = w.keyPrefix + "{" + key + "}"
		args = append(args, w.limit, w.per, w.interval)
	}
	res, err := charge.Run(ctx, l.rdb, keys, args...).Int64Slice()
	if err != nil {
		return 0, 0, false, err
	}
	switch {
	case len(res) == 2 && res[0] == 1:
		return time.Duration(res[1]) * time.Millisecond, 0, true, nil
	case len(res) == 3 && res[0] == 2 && res[2] >= 0 && int(res[2]) < len(ws):
		return time.Duration(res[1]) * time.Microsecond, time.Duration(ws[res[2]].interval) * time.Microsecond, false, nil
	case len(res) == 1 && res[0] == 0:
		return 0, 0, false, nil
	}
	return 0, 0, false, fmt.Errorf("redislimit: unexpected answer %v from the script", res)
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

// blockKey names the block of key. The braces make every key of one
// customer a Redis Cluster hash tag, so that the script's keys share a slot.
func (l *Limiter) blockKey(key string) string { return l.prefix + "block:{" + key + "}" }

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
