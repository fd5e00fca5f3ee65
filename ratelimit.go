package polar

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"
)

// A Zone is a group of operations that Polar rate-limits together.
type Zone string

// The rate-limit zones of the Customer Portal API. Every request counts in
// ZoneAPI; license-key and email-update requests count in their own zone as
// well.
const (
	// ZoneAPI is everything under /v1, per customer or member (per IP
	// without a token).
	ZoneAPI Zone = "api"
	// ZoneLicenseKeys is license-keys/validate, activate and deactivate.
	ZoneLicenseKeys Zone = "license_keys"
	// ZoneEmailUpdate is customers/me/email-update/request, check and verify.
	ZoneEmailUpdate Zone = "email_update"
)

// A Limiter paces requests on the client side so that they stay within
// Polar's server-side limits. Polar counts per caller, so the limiter keeps
// one set of buckets per key: a hash of the caller's token (never the token
// itself), or "" for calls sent without a token. Before every attempt a
// client waits on the operation's own zone, if it has one, and then on
// ZoneAPI, so that the request goes out when ZoneAPI counts it.
//
// The default is NewRateLimiter. Implement Limiter to share limits between
// the replicas of a service, for example through a shared store.
type Limiter interface {
	// Wait blocks until a request for key may be sent in zone, or returns
	// an error: the context's, wrapped (a wait that would pass the
	// context's deadline fails at once with an error matching
	// context.DeadlineExceeded), or a *RateLimitError when the key is
	// blocked for longer than the limiter is willing to wait.
	Wait(ctx context.Context, zone Zone, key string) error
	// Block records a rate-limiting 429 for key with its Retry-After:
	// Polar then refuses the caller on all of /v1, so every zone of the key
	// pauses until it has passed.
	Block(key string, retryAfter time.Duration)
}

// A Window is one server-side limit: at most Limit requests in any window
// of length Per.
type Window struct {
	Limit int
	Per   time.Duration
}

// RateLimits configures NewRateLimiter.
type RateLimits struct {
	// Zones lists, for each zone, the windows the server counts.
	Zones map[Zone][]Window
	// MaxBlockWait is the longest server block (after a 429) that Wait
	// waits out; a longer one fails the call at once with *RateLimitError.
	// Default 30 s.
	MaxBlockWait time.Duration
}

// DefaultRateLimits returns Polar's published limits for env.
func DefaultRateLimits(env Environment) RateLimits {
	api := Window{Limit: 500, Per: time.Minute}
	if env == Sandbox {
		api = Window{Limit: 100, Per: time.Minute}
	}
	return RateLimits{
		Zones: map[Zone][]Window{
			ZoneAPI:         {api},
			ZoneLicenseKeys: {{Limit: 3, Per: time.Second}},
			ZoneEmailUpdate: {{Limit: 6, Per: time.Minute}, {Limit: 12, Per: time.Hour}},
		},
		MaxBlockWait: defaultRetryPolicy.MaxWait,
	}
}

// bucketSpec is the token bucket that keeps one window: Polar counts fixed
// windows, and a bucket that starts full lets at most burst + Per/interval
// requests through in any span of length Per, so burst + Per/interval =
// Limit. A twenty-fifth of the limit (at least one request) may go out at
// once; the rest is spread evenly, one request per interval.
//
// The limiter keeps a bucket as its theoretical arrival time (GCRA): the
// instant at which the bucket is full again. A request may go at t when
// t >= tat - tolerance, and then moves tat to max(tat, t) + interval. A
// bucket whose tat has passed is full.
type bucketSpec struct {
	burst    int
	interval time.Duration // time to refill one request, rounded up
}

// tolerance is how far ahead of its tat a bucket still lets a request go:
// the burst, less the request itself.
func (s bucketSpec) tolerance() int64 { return int64(s.burst-1) * int64(s.interval) }

func specFor(w Window) (bucketSpec, error) {
	if w.Limit <= 0 || w.Per <= 0 {
		return bucketSpec{}, fmt.Errorf("polar: invalid rate-limit window %+v", w)
	}
	// A small burst leaves the refill most of the window: a long walk runs
	// at 96 % of the server's rate, and a burst of 4 % still goes at once.
	burst := max(1, w.Limit/25)
	if burst >= w.Limit && w.Limit > 1 {
		burst = w.Limit - 1
	}
	refills := int64(max(w.Limit-burst, 1)) // a limit of 1 still refills
	// Rounding the interval up keeps the refill at or below the window's.
	interval := (int64(w.Per) + refills - 1) / refills
	return bucketSpec{burst: burst, interval: time.Duration(interval)}, nil
}

// NewRateLimiter returns the default Limiter: token buckets, one set per
// key. Each key counts on its own, however many there are; a key whose
// buckets are full again and that is not blocked is forgotten, as it would
// start exactly where it is, so memory follows the keys in use: with the
// default limits about 100 bytes per key, the key itself included. It
// reports a window with a non-positive Limit or Per as an error.
func NewRateLimiter(limits RateLimits) (Limiter, error) {
	l := &limiter{
		zones:        make(map[Zone]zoneBuckets, len(limits.Zones)),
		stride:       1, // blockedUntil
		maxBlockWait: limits.MaxBlockWait,
		now:          time.Now,
		keys:         make(map[string]int),
		minSweep:     minSweep,
		sweepAt:      minSweep,
	}
	if l.maxBlockWait <= 0 {
		l.maxBlockWait = defaultRetryPolicy.MaxWait
	}
	for z, ws := range limits.Zones {
		zb := zoneBuckets{first: l.stride}
		for _, w := range ws {
			s, err := specFor(w)
			if err != nil {
				return nil, err
			}
			zb.specs = append(zb.specs, s)
		}
		l.zones[z] = zb
		l.stride += len(zb.specs)
	}
	l.epoch = l.now()
	return l, nil
}

// minSweep is the number of keys below which the limiter does not sweep.
const minSweep = 1024

type limiter struct {
	zones        map[Zone]zoneBuckets
	stride       int // int64s per key: blockedUntil, then the tats of every zone
	maxBlockWait time.Duration
	now          func() time.Time
	epoch        time.Time // instants are kept as nanoseconds since epoch
	minSweep     int       // minSweep, or less in tests

	mu sync.Mutex
	// keys maps each key kept to its row in rows: rows[row*stride] is the
	// instant until which the key is blocked, followed by the tat of each
	// bucket, zone by zone. A zero tat is a full bucket, so a zone that a
	// key never used costs 8 bytes per window and no allocation.
	keys map[string]int
	rows []int64
	// A new key sweeps when len(keys) reaches sweepAt, twice the keys kept
	// by the last sweep: a sweep walks every key, and at least as many new
	// keys come between two sweeps, which keeps Wait O(1) amortized.
	sweepAt int
	// mapSize is the most keys the map has held since it was made: maps
	// do not shrink, and walking one costs its largest size.
	mapSize int
}

// zoneBuckets locates the buckets of a zone in a key's row.
type zoneBuckets struct {
	first int // index of the first tat in the row
	specs []bucketSpec
}

// at returns t as the limiter keeps instants.
func (l *limiter) at(t time.Time) int64 { return int64(t.Sub(l.epoch)) }

// row returns the state of key (see limiter.keys), making it on first use.
// It is valid until l.mu is released. Called with l.mu held.
func (l *limiter) row(key string, now int64) []int64 {
	r, ok := l.keys[key]
	if !ok {
		if len(l.keys) >= l.sweepAt {
			l.sweep(now)
		}
		r = len(l.rows) / l.stride
		l.rows = slices.Grow(l.rows, l.stride)[:len(l.rows)+l.stride]
		clear(l.rows[r*l.stride:])
		l.keys[key] = r
	}
	return l.rows[r*l.stride : (r+1)*l.stride : (r+1)*l.stride]
}

// sweep forgets the keys that are not blocked and whose buckets are all
// full again: made anew, they would start exactly where they are, so a
// busy key can never come back with a fresh burst. The rows of the keys
// kept move to a new slice, so that the rows of forgotten keys are freed;
// a map left much larger than its keys is made anew. Called with l.mu
// held.
func (l *limiter) sweep(now int64) {
	l.mapSize = max(l.mapSize, len(l.keys))
	kept := 0
	for _, r := range l.keys {
		if !l.idle(r, now) {
			kept++
		}
	}
	l.sweepAt = max(2*kept, l.minSweep)
	rows := make([]int64, 0, kept*l.stride)
	keys := l.keys
	if 4*kept < l.mapSize {
		keys = make(map[string]int, kept)
		l.mapSize = kept
	}
	for k, r := range l.keys {
		if l.idle(r, now) {
			delete(l.keys, k) // harmless when keys is a new map
			continue
		}
		keys[k] = len(rows) / l.stride
		rows = append(rows, l.rows[r*l.stride:(r+1)*l.stride]...)
	}
	l.keys, l.rows = keys, rows
}

// idle reports whether row r is not blocked and all its buckets are full.
func (l *limiter) idle(r int, now int64) bool {
	for _, t := range l.rows[r*l.stride : (r+1)*l.stride] {
		if t > now {
			return false
		}
	}
	return true
}

// Wait implements Limiter. Under the lock it finds the earliest instant at
// which every bucket of the zone (and any block of the key) lets the
// request go, and charges the request to each bucket at that instant; it
// then sleeps until then. A wait that cannot fit the context's deadline is
// refused before it is charged.
func (l *limiter) Wait(ctx context.Context, zone Zone, key string) error {
	zb := l.zones[zone]
	l.mu.Lock()
	nowT := l.now()
	now := l.at(nowT)
	row := l.row(key, now)
	at := now
	if blocked := row[0] - now; blocked > 0 {
		if blocked > int64(l.maxBlockWait) {
			l.mu.Unlock()
			return newBlockedError(time.Duration(blocked))
		}
		at = row[0]
	}
	tats := row[zb.first : zb.first+len(zb.specs)]
	for i, s := range zb.specs {
		at = max(at, tats[i]-s.tolerance())
	}
	delay := time.Duration(at - now)
	if delay <= 0 {
		for i, s := range zb.specs {
			tats[i] = max(tats[i], at) + int64(s.interval)
		}
		l.mu.Unlock()
		return nil
	}
	if deadline, ok := ctx.Deadline(); ok && !deadline.After(nowT.Add(delay)) {
		l.mu.Unlock()
		return fmt.Errorf("polar: rate limit: a wait of %v would pass the context deadline: %w", delay, context.DeadlineExceeded)
	}
	if err := ctx.Err(); err != nil {
		l.mu.Unlock()
		return fmt.Errorf("polar: rate limit: %w", err)
	}
	var inline [4]int64
	prev := append(inline[:0], tats...)
	for i, s := range zb.specs {
		tats[i] = max(tats[i], at) + int64(s.interval)
	}
	l.mu.Unlock()

	timer := time.NewTimer(delay)
	defer timer.Stop()
	select {
	case <-timer.C:
		if l.blockedNow(key) {
			// Wait again, after the block and behind every charge made
			// meanwhile; the first charge stands, which only errs on the
			// side of caution.
			return l.Wait(ctx, zone, key)
		}
		return nil
	case <-ctx.Done():
		l.giveBack(key, zb, at, prev)
		return fmt.Errorf("polar: rate limit: %w", ctx.Err())
	}
}

// blockedNow reports whether key is blocked now, by a block recorded
// after a waiter of it was charged: Polar would refuse that waiter's
// request.
func (l *limiter) blockedNow(key string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	r, ok := l.keys[key]
	return ok && l.rows[r*l.stride] > l.at(l.now())
}

// giveBack undoes the charge of an abandoned wait of key due at instant
// at, whose buckets stood at prev before. It restores a bucket only while
// that charge is still the bucket's last one: the bucket then holds exactly
// what it would hold had the wait never been made. Once another wait has
// been charged on top, that wait's instant was computed with this charge in
// place, and handing the charge back could let a later wait into the same
// window; the charge is then kept, as it is once its instant has come.
// Until then the charge keeps the key busy, so the key is still kept.
func (l *limiter) giveBack(key string, zb zoneBuckets, at int64, prev []int64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	r, ok := l.keys[key]
	if !ok || l.at(l.now()) >= at {
		return
	}
	tats := l.rows[r*l.stride+zb.first : r*l.stride+zb.first+len(zb.specs)]
	for i, s := range zb.specs {
		if tats[i] == max(prev[i], at)+int64(s.interval) {
			tats[i] = prev[i]
		}
	}
}

// Block implements Limiter.
func (l *limiter) Block(key string, retryAfter time.Duration) {
	if retryAfter <= 0 {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.at(l.now())
	row := l.row(key, now)
	row[0] = max(row[0], now+int64(min(retryAfter, maxBlock)))
}

// maxBlock caps a block so that instants cannot overflow.
const maxBlock = 100 * 365 * 24 * time.Hour

// keyCount returns the number of keys kept, for tests.
func (l *limiter) keyCount() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.keys)
}
