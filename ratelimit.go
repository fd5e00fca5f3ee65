package polar

import (
	"context"
	"fmt"
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
// itself), or "" for calls sent without a token. A client waits on ZoneAPI
// and then on the operation's own zone before every attempt.
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
	// MaxKeys bounds the number of keys kept (default 4096). Keys whose
	// buckets have refilled are forgotten to make room; while every kept
	// key is still busy, new keys share one extra set of buckets, which
	// throttles them together rather than letting any key start afresh.
	MaxKeys int
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
		MaxKeys:      4096,
	}
}

// bucketSpec is the token bucket that keeps one window: Polar counts fixed
// windows, and a bucket that starts full lets at most burst + Per/interval
// requests through in any span of length Per, so burst + Per/interval =
// Limit. A quarter of the limit may go out at once; the rest is spread
// evenly, one request per interval.
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
	burst := max(1, (w.Limit+2)/4)
	if burst >= w.Limit && w.Limit > 1 {
		burst = w.Limit - 1
	}
	refills := int64(max(w.Limit-burst, 1)) // a limit of 1 still refills
	// Rounding the interval up keeps the refill at or below the window's.
	interval := (int64(w.Per) + refills - 1) / refills
	return bucketSpec{burst: burst, interval: time.Duration(interval)}, nil
}

// NewRateLimiter returns the default Limiter: token buckets, one set per
// key, kept in a bounded map. It reports a window with a non-positive Limit
// or Per as an error.
func NewRateLimiter(limits RateLimits) (Limiter, error) {
	l := &limiter{
		zones:        make(map[Zone][]bucketSpec, len(limits.Zones)),
		keys:         make(map[string]*keyState),
		maxBlockWait: limits.MaxBlockWait,
		maxKeys:      limits.MaxKeys,
		now:          time.Now,
	}
	if l.maxBlockWait <= 0 {
		l.maxBlockWait = defaultRetryPolicy.MaxWait
	}
	if l.maxKeys <= 0 {
		l.maxKeys = 4096
	}
	for z, ws := range limits.Zones {
		for _, w := range ws {
			s, err := specFor(w)
			if err != nil {
				return nil, err
			}
			l.zones[z] = append(l.zones[z], s)
		}
	}
	l.epoch = l.now()
	return l, nil
}

type limiter struct {
	zones        map[Zone][]bucketSpec
	maxBlockWait time.Duration
	maxKeys      int
	now          func() time.Time
	epoch        time.Time // times are kept as nanoseconds since epoch

	mu        sync.Mutex
	keys      map[string]*keyState
	overflow  *keyState // shared by new keys while the map is full of busy ones
	lastSweep int64
}

type keyState struct {
	tats         map[Zone][]int64 // per zone, each bucket's tat
	blockedUntil int64
}

// at returns t as the limiter keeps times.
func (l *limiter) at(t time.Time) int64 { return int64(t.Sub(l.epoch)) }

// state returns the buckets of key, making them on first use. Called with
// l.mu held.
func (l *limiter) state(key string, now int64) *keyState {
	if ks, ok := l.keys[key]; ok {
		return ks
	}
	if len(l.keys) >= l.maxKeys {
		// A sweep walks every key; once a second is enough while the map
		// stays full.
		if now-l.lastSweep >= int64(time.Second) || now < l.lastSweep {
			l.sweep(now)
			l.lastSweep = now
		}
		if len(l.keys) >= l.maxKeys {
			if l.overflow == nil {
				l.overflow = newKeyState()
			}
			return l.overflow
		}
	}
	ks := newKeyState()
	l.keys[key] = ks
	return ks
}

func newKeyState() *keyState { return &keyState{tats: make(map[Zone][]int64, 1)} }

// sweep forgets keys that are not blocked and whose buckets are all full
// again: made anew, they would start exactly where they are, so a busy key
// can never come back with a fresh burst. Called with l.mu held.
func (l *limiter) sweep(now int64) {
	for k, ks := range l.keys {
		if ks.idle(now) {
			delete(l.keys, k)
		}
	}
}

func (ks *keyState) idle(now int64) bool {
	if now < ks.blockedUntil {
		return false
	}
	for _, tats := range ks.tats {
		for _, tat := range tats {
			if tat > now {
				return false
			}
		}
	}
	return true
}

func (l *limiter) tatsOf(ks *keyState, zone Zone) []int64 {
	if tats, ok := ks.tats[zone]; ok {
		return tats
	}
	tats := make([]int64, len(l.zones[zone])) // zero: full
	ks.tats[zone] = tats
	return tats
}

// Wait implements Limiter. Under the lock it finds the earliest instant at
// which every bucket of the zone (and any block of the key) lets the
// request go, and charges the request to each bucket at that instant; it
// then sleeps until then. A wait that cannot fit the context's deadline is
// refused before it is charged.
func (l *limiter) Wait(ctx context.Context, zone Zone, key string) error {
	specs := l.zones[zone]
	l.mu.Lock()
	nowT := l.now()
	now := l.at(nowT)
	ks := l.state(key, now)
	at := now
	if blocked := ks.blockedUntil - now; blocked > 0 {
		if blocked > int64(l.maxBlockWait) {
			l.mu.Unlock()
			return newBlockedError(time.Duration(blocked))
		}
		at = ks.blockedUntil
	}
	tats := l.tatsOf(ks, zone)
	for i, s := range specs {
		at = max(at, tats[i]-s.tolerance())
	}
	delay := time.Duration(at - now)
	if delay > 0 {
		if deadline, ok := ctx.Deadline(); ok && !deadline.After(nowT.Add(delay)) {
			l.mu.Unlock()
			return fmt.Errorf("polar: rate limit: a wait of %v would pass the context deadline: %w", delay, context.DeadlineExceeded)
		}
		if err := ctx.Err(); err != nil {
			l.mu.Unlock()
			return fmt.Errorf("polar: rate limit: %w", err)
		}
	}
	var inline [4]int64
	prev := inline[:0]
	if delay > 0 {
		prev = append(prev, tats...)
	}
	for i, s := range specs {
		tats[i] = max(tats[i], at) + int64(s.interval)
	}
	l.mu.Unlock()

	if delay <= 0 {
		return nil
	}
	timer := time.NewTimer(delay)
	defer timer.Stop()
	select {
	case <-timer.C:
		return nil
	case <-ctx.Done():
		l.giveBack(tats, specs, at, prev)
		return fmt.Errorf("polar: rate limit: %w", ctx.Err())
	}
}

// giveBack undoes the charge of an abandoned wait due at instant at, made
// on buckets tats that stood at prev before. It restores a bucket only while
// that charge is still the bucket's last one: the bucket then holds exactly
// what it would hold had the wait never been made. Once another wait has
// been charged on top, that wait's instant was computed with this charge in
// place, and handing the charge back could let a later wait into the same
// window; the charge is then kept, as it is once its instant has come.
func (l *limiter) giveBack(tats []int64, specs []bucketSpec, at int64, prev []int64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.at(l.now()) >= at {
		return
	}
	for i, s := range specs {
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
	ks := l.state(key, now)
	ks.blockedUntil = max(ks.blockedUntil, now+int64(min(retryAfter, maxBlock)))
}

// maxBlock caps a block so that instants cannot overflow.
const maxBlock = 100 * 365 * 24 * time.Hour

// keyCount returns the number of keys kept, for tests.
func (l *limiter) keyCount() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.keys)
}
