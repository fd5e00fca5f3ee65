package polar

import (
	"context"
	"fmt"
	"sync"
	"time"

	"golang.org/x/time/rate"
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
// windows, and a bucket that starts full lets at most burst + rate·Per
// requests through in any span of length Per, so burst + rate·Per = Limit.
// A quarter of the limit may go out at once; the rest is spread evenly.
type bucketSpec struct {
	limit rate.Limit
	burst int
}

func specFor(w Window) (bucketSpec, error) {
	if w.Limit <= 0 || w.Per <= 0 {
		return bucketSpec{}, fmt.Errorf("polar: invalid rate-limit window %+v", w)
	}
	burst := max(1, (w.Limit+2)/4)
	if burst >= w.Limit && w.Limit > 1 {
		burst = w.Limit - 1
	}
	refill := float64(max(w.Limit-burst, 1)) / w.Per.Seconds() // a limit of 1 still refills

	return bucketSpec{limit: rate.Limit(refill), burst: burst}, nil
}

// NewRateLimiter returns the default Limiter: token buckets from
// golang.org/x/time/rate, one set per key, kept in a bounded map. It
// reports a window with a non-positive Limit or Per as an error.
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
	return l, nil
}

type limiter struct {
	zones        map[Zone][]bucketSpec
	maxBlockWait time.Duration
	maxKeys      int
	now          func() time.Time

	mu        sync.Mutex
	keys      map[string]*keyState
	overflow  *keyState // shared by new keys while the map is full of busy ones
	lastSweep time.Time
}

type keyState struct {
	buckets      map[Zone][]*rate.Limiter
	blockedUntil time.Time
}

// state returns the buckets of key, making them on first use. Called with
// l.mu held.
func (l *limiter) state(key string, now time.Time) *keyState {
	if ks, ok := l.keys[key]; ok {
		return ks
	}
	if len(l.keys) >= l.maxKeys {
		// A sweep walks every key; once a second is enough while the map
		// stays full.
		if now.Sub(l.lastSweep) >= time.Second || now.Before(l.lastSweep) {
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

func newKeyState() *keyState { return &keyState{buckets: make(map[Zone][]*rate.Limiter, 1)} }

// sweep forgets keys that are not blocked and whose buckets are all full
// again: made anew, they would start exactly where they are, so a busy key
// can never come back with a fresh burst. Called with l.mu held.
func (l *limiter) sweep(now time.Time) {
	for k, ks := range l.keys {
		if ks.idle(now) {
			delete(l.keys, k)
		}
	}
}

func (ks *keyState) idle(now time.Time) bool {
	if now.Before(ks.blockedUntil) {
		return false
	}
	for _, bs := range ks.buckets {
		for _, b := range bs {
			if b.TokensAt(now) < float64(b.Burst()) {
				return false
			}
		}
	}
	return true
}

func (l *limiter) bucketsOf(ks *keyState, zone Zone) []*rate.Limiter {
	if bs, ok := ks.buckets[zone]; ok {
		return bs
	}
	specs := l.zones[zone]
	bs := make([]*rate.Limiter, len(specs))
	for i, s := range specs {
		bs[i] = rate.NewLimiter(s.limit, s.burst)
	}
	ks.buckets[zone] = bs
	return bs
}

// Wait implements Limiter. It reserves a token in every bucket of the zone
// (after any block of the key) and sleeps for the longest delay; the
// reservations are given back if the wait is abandoned.
func (l *limiter) Wait(ctx context.Context, zone Zone, key string) error {
	l.mu.Lock()
	now := l.now()
	ks := l.state(key, now)
	from := now
	if blocked := ks.blockedUntil.Sub(now); blocked > 0 {
		if blocked > l.maxBlockWait {
			l.mu.Unlock()
			return newBlockedError(blocked)
		}
		from = ks.blockedUntil
	}
	buckets := l.bucketsOf(ks, zone)
	var delay time.Duration
	var reservations [2]*rate.Reservation
	rs := reservations[:0]
	for _, b := range buckets {
		r := b.ReserveN(from, 1)
		rs = append(rs, r)
		delay = max(delay, r.DelayFrom(now))
	}
	if from.After(now) {
		delay = max(delay, from.Sub(now))
	}
	l.mu.Unlock()

	if delay <= 0 {
		return nil
	}
	cancel := func() {
		t := l.now()
		for _, r := range rs {
			r.CancelAt(t)
		}
	}
	if deadline, ok := ctx.Deadline(); ok && deadline.Sub(now) < delay {
		cancel()
		return fmt.Errorf("polar: rate limit: a wait of %v would pass the context deadline: %w", delay, context.DeadlineExceeded)
	}
	timer := time.NewTimer(delay)
	defer timer.Stop()
	select {
	case <-timer.C:
		return nil
	case <-ctx.Done():
		cancel()
		return fmt.Errorf("polar: rate limit: %w", ctx.Err())
	}
}

// Block implements Limiter.
func (l *limiter) Block(key string, retryAfter time.Duration) {
	if retryAfter <= 0 {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	ks := l.state(key, now)
	if until := now.Add(retryAfter); until.After(ks.blockedUntil) {
		ks.blockedUntil = until
	}
}

// keyCount returns the number of keys kept, for tests.
func (l *limiter) keyCount() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.keys)
}
