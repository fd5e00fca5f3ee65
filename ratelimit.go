package polar

import (
	"maps"
	"math"

	"context"
	"fmt"
	"golang.org/x/time/rate"
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
// Polar's server-side limits. Polar counts per customer or member, so the
// limiter keeps one set of windows per key: a hash of the subject ID that
// the client's token was given with (ForSubject, ForSession), else a hash
// of the token (never the token itself), or "" for calls sent without a
// token. Before every attempt a
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

// maxRing is the largest limit that the default limiter keeps exactly:
// such a window keeps the send times of its last Limit requests, so that
// up to Limit go at once and never one more in any window of length Per. A
// larger window is a token bucket.
const maxRing = 64

// bucketSpec is the token bucket that keeps a large window: Polar counts
// fixed windows, and a bucket that starts full lets at most burst +
// Per/interval requests through in any span of length Per, so burst +
// Per/interval = Limit. A twenty-fifth of the limit (at least one request)
// may go out at once; the rest is spread evenly, one request per interval.
type bucketSpec struct {
	burst    int
	interval time.Duration // time to refill one request, rounded up
}

// limit is the bucket's refill rate for golang.org/x/time/rate. The
// interval is rounded up, and the rate is lowered by a billionth more, so
// that float rounding can never refill a request early.
func (s bucketSpec) limit() rate.Limit {
	return rate.Limit(float64(time.Second) / float64(s.interval) * (1 - 1e-9))
}

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

// NewRateLimiter returns the default Limiter, one set of windows per key.
// A window of up to 64 requests is kept exactly: the limiter remembers the
// send times of the key's last Limit requests in it, so that Limit requests
// may go at once and never one more in any window of length Per. A larger
// window is a token bucket of golang.org/x/time/rate that lets a
// twenty-fifth of the limit go at once and refills the rest evenly over
// the window: a long run goes at 96 % of the limit, and never more than
// Limit requests fall in any window of length Per.
//
// Each key counts on its own, however many there are; a key whose windows
// are all clear again and that is not blocked is forgotten, as it would
// start exactly where it is, so memory follows the keys in use: with the
// default limits, about 170 bytes per key that used only ZoneAPI, the key
// itself included, and about 660 for a key that used every zone. It reports a window with a non-positive Limit or Per
// as an error.
func NewRateLimiter(limits RateLimits) (Limiter, error) {
	l := &limiter{
		zones:        make(map[Zone]*zoneSpec, len(limits.Zones)),
		primary:      -1,
		maxBlockWait: limits.MaxBlockWait,
		now:          time.Now,
		maxRing:      maxRing,
		keys:         make(map[string]*keyState),
		minSweep:     minSweep,
		sweepAt:      minSweep,
	}
	if l.maxBlockWait <= 0 {
		l.maxBlockWait = defaultRetryPolicy.MaxWait
	}
	for z, ws := range limits.Zones {
		for _, w := range ws {
			if _, err := specFor(w); err != nil {
				return nil, err
			}
		}
		l.zones[z] = &zoneSpec{windows: ws}
	}
	l.layout()
	l.epoch = l.now()
	return l, nil
}

// layout numbers the zones and sorts their windows into rings and
// buckets. ZoneAPI, when it is a single bucket, is the primary zone: its
// bucket lives in the key's own state, so that a key that only ever used
// ZoneAPI costs one allocation.
func (l *limiter) layout() {
	l.nzones = 0
	l.specs = l.specs[:0]
	for _, z := range slices.Sorted(maps.Keys(l.zones)) {
		zs := l.zones[z]
		zs.idx = l.nzones
		l.nzones++
		l.specs = append(l.specs, zs)
		zs.buckets, zs.rings = nil, nil
		for _, w := range zs.windows {
			if w.Limit <= l.maxRing {
				zs.rings = append(zs.rings, w)
				continue
			}
			s, _ := specFor(w)
			zs.buckets = append(zs.buckets, s)
		}
	}
	l.primary = -1
	if zs := l.zones[ZoneAPI]; zs != nil && len(zs.buckets) == 1 && len(zs.rings) == 0 {
		l.primary = zs.idx
	}
}

// minSweep is the number of keys below which the limiter does not sweep.
const minSweep = 1024

type limiter struct {
	zones        map[Zone]*zoneSpec
	specs        []*zoneSpec // by index
	nzones       int
	primary      int // index of the zone whose bucket is keyState.bucket, or -1
	maxBlockWait time.Duration
	now          func() time.Time
	epoch        time.Time // instants are kept as nanoseconds since epoch
	maxRing      int       // maxRing, or less in tests
	minSweep     int       // minSweep, or less in tests

	mu   sync.Mutex
	keys map[string]*keyState
	// A new key sweeps when len(keys) reaches sweepAt, twice the keys kept
	// by the last sweep: a sweep walks every key, and at least as many new
	// keys come between two sweeps, which keeps Wait O(1) amortized.
	sweepAt int
	// mapSize is the most keys the map has held since it was made: maps
	// do not shrink, and walking one costs its largest size.
	mapSize int
}

// zoneSpec is the configuration of one zone.
type zoneSpec struct {
	idx     int
	windows []Window
	buckets []bucketSpec // the windows above maxRing
	rings   []Window     // the others
}

// noZone stands for a zone the limits do not name: it waits for blocks
// only.
var noZone = &zoneSpec{idx: -1}

// keyState is what the limiter keeps of a key. Everything but the primary
// bucket and the block is made on first use.
type keyState struct {
	bucket  rate.Limiter // the primary zone's bucket
	blocked int64        // instant until which a 429 blocks the key
	zones   []*zoneState // by zone index; nil until the key waits or uses another zone
}

// zoneState is the state of one zone of a key. Every call on its buckets
// passes an instant at or after lastT, as rate.Limiter counts from the
// latest instant it was given.
type zoneState struct {
	buckets []*rate.Limiter
	rings   []ring
	lastT   int64
	// seq numbers the zone's charges; pending holds, in order, the charges
	// of waits still asleep, and of cancelled ones not given back yet.
	seq     uint64
	pending []*charge
}

// A ring holds the send times of the last requests in a small window,
// oldest at next, in the order they were charged.
type ring struct {
	times []int64
	next  int
}

// empty marks a ring slot that never held a request; far enough from
// math.MinInt64 that adding a window to it cannot overflow.
const empty = math.MinInt64 / 4

// newest returns the latest send time of r.
func (r *ring) newest() int64 { return r.times[(r.next+len(r.times)-1)%len(r.times)] }

// earliest returns the earliest instant at or after t at which r lets a
// request go: in order, and more than the window's length after the
// request Limit places back, so that no window holds one more, counted
// with both ends in.
func (r *ring) earliest(t int64, per int64) int64 {
	return max(t, r.newest(), r.times[r.next]+per+1)
}

// push records a request sent at t and returns the send time it forgot.
func (r *ring) push(t int64) int64 {
	old := r.times[r.next]
	r.times[r.next] = t
	r.next = (r.next + 1) % len(r.times)
	return old
}

// pop undoes the last push, which forgot old.
func (r *ring) pop(old int64) {
	r.next = (r.next + len(r.times) - 1) % len(r.times)
	r.times[r.next] = old
}

// A charge is what one wait that sleeps took from the windows of its zone.
type charge struct {
	ks        *keyState
	zs        *zoneState
	seq       uint64
	at        int64               // the instant the request goes
	res       []*rate.Reservation // one per bucket
	forgot    []int64             // one per ring: the send time its push forgot
	cancelled bool
}

// at returns t as the limiter keeps instants.
func (l *limiter) at(t time.Time) int64 { return int64(t.Sub(l.epoch)) }

// time returns the instant i as a time.Time, for rate.Limiter.
func (l *limiter) time(i int64) time.Time { return l.epoch.Add(time.Duration(i)) }

// state returns the state of key, making it on first use. Called with l.mu
// held.
func (l *limiter) state(key string, now int64) *keyState {
	ks, ok := l.keys[key]
	if !ok {
		if len(l.keys) >= l.sweepAt {
			l.sweep(now)
		}
		ks = &keyState{}
		if l.primary >= 0 {
			// A zero Limiter given its limit and burst at the zero time is
			// full at any later instant, as NewLimiter's would be.
			s := l.zones[ZoneAPI].buckets[0]
			ks.bucket.SetLimitAt(time.Time{}, s.limit())
			ks.bucket.SetBurstAt(time.Time{}, s.burst)
		}
		l.keys[key] = ks
	}
	return ks
}

// zoneState returns the state of zone zs of ks, making it on first use.
// Called with l.mu held.
func (l *limiter) zoneState(ks *keyState, spec *zoneSpec) *zoneState {
	if ks.zones == nil {
		ks.zones = make([]*zoneState, l.nzones)
	}
	zs := ks.zones[spec.idx]
	if zs == nil {
		zs = &zoneState{
			buckets: make([]*rate.Limiter, len(spec.buckets)),
			rings:   make([]ring, len(spec.rings)),
		}
		for i, s := range spec.buckets {
			if spec.idx == l.primary {
				zs.buckets[i] = &ks.bucket
			} else {
				zs.buckets[i] = rate.NewLimiter(s.limit(), s.burst)
			}
		}
		for i, w := range spec.rings {
			zs.rings[i].times = make([]int64, w.Limit)
			for j := range zs.rings[i].times {
				zs.rings[i].times[j] = empty
			}
		}
		ks.zones[spec.idx] = zs
	}
	return zs
}

// sweep forgets the keys that are not blocked and whose windows are all
// clear again: made anew, they would start exactly where they are, so a
// busy key can never come back with a fresh burst. A map left much larger
// than its keys is made anew. Called with l.mu held.
func (l *limiter) sweep(now int64) {
	l.mapSize = max(l.mapSize, len(l.keys))
	for k, ks := range l.keys {
		if l.idle(ks, now) {
			delete(l.keys, k)
		}
	}
	kept := len(l.keys)
	l.sweepAt = max(2*kept, l.minSweep)
	if 4*kept < l.mapSize {
		keys := make(map[string]*keyState, kept)
		maps.Copy(keys, l.keys)
		l.keys, l.mapSize = keys, kept
	}
}

// idle reports whether ks is not blocked and all its windows are clear:
// every bucket full, no ring send time within its window, nothing pending.
func (l *limiter) idle(ks *keyState, now int64) bool {
	if ks.blocked > now {
		return false
	}
	t := l.time(now)
	if l.primary >= 0 && ks.bucket.TokensAt(t) < float64(ks.bucket.Burst()) {
		return false
	}
	for i, zs := range ks.zones {
		if zs == nil {
			continue
		}
		spec := l.specs[i]
		if len(zs.pending) > 0 || zs.lastT > now {
			return false
		}
		for _, b := range zs.buckets {
			if b.TokensAt(t) < float64(b.Burst()) {
				return false
			}
		}
		for i, r := range zs.rings {
			if r.newest()+int64(spec.rings[i].Per) >= now {
				return false
			}
		}
	}
	return true
}

// Wait implements Limiter. Under the lock it finds the earliest instant at
// which every window of the zone (and any block of the key) lets the
// request go, and charges the request to each window at that instant; it
// then sleeps until then. A wait that cannot fit the context's deadline is
// refused before it is charged, or rather its charge is undone at once.
func (l *limiter) Wait(ctx context.Context, zone Zone, key string) error {
	spec := l.zones[zone]
	l.mu.Lock()
	nowT := l.now()
	now := l.at(nowT)
	ks := l.state(key, now)
	if blocked := ks.blocked - now; blocked > int64(l.maxBlockWait) {
		l.mu.Unlock()
		return newBlockedError(time.Duration(blocked))
	}
	if spec == nil { // a zone without windows waits for blocks only
		spec = noZone
	}
	// The primary zone's hot path: one bucket, no block, nothing pending.
	if l.primary >= 0 && spec.idx == l.primary && ks.zones == nil && ks.blocked <= now && ks.bucket.AllowN(nowT, 1) {
		l.mu.Unlock()
		return nil
	}
	c := l.charge(ks, spec, now)
	if c == nil {
		l.mu.Unlock()
		return nil
	}
	delay := time.Duration(c.at - now)
	if deadline, ok := ctx.Deadline(); ok && !deadline.After(nowT.Add(delay)) {
		l.giveBack(c, now)
		l.mu.Unlock()
		return fmt.Errorf("polar: rate limit: a wait of %v would pass the context deadline: %w", delay, context.DeadlineExceeded)
	}
	if err := ctx.Err(); err != nil {
		l.giveBack(c, now)
		l.mu.Unlock()
		return fmt.Errorf("polar: rate limit: %w", err)
	}
	l.mu.Unlock()

	timer := time.NewTimer(delay)
	defer timer.Stop()
	select {
	case <-timer.C:
		l.mu.Lock()
		l.settle(c)
		blocked := c.ks.blocked > l.at(l.now())
		l.mu.Unlock()
		if blocked {
			// A block recorded while the waiter slept: Polar would refuse
			// its request. Wait again, after the block and behind every
			// charge made meanwhile; the first charge stands, which only
			// errs on the side of caution.
			return l.Wait(ctx, zone, key)
		}
		return nil
	case <-ctx.Done():
		l.mu.Lock()
		l.giveBack(c, l.at(l.now()))
		l.mu.Unlock()
		return fmt.Errorf("polar: rate limit: %w", ctx.Err())
	}
}

// charge charges a request of ks in the zone of spec at the earliest
// instant every window and the key's block allow, and returns the charge,
// or nil if the request may go now, in which case nothing needs to be kept
// (and nothing was allocated). Called with l.mu held.
func (l *limiter) charge(ks *keyState, spec *zoneSpec, now int64) *charge {
	if spec.idx < 0 {
		if ks.blocked <= now {
			return nil
		}
		return &charge{ks: ks, zs: &zoneState{}, at: ks.blocked}
	}
	zs := l.zoneState(ks, spec)
	t := max(now, ks.blocked, zs.lastT)
	tt := l.time(t)
	if t == now {
		free := true
		for _, b := range zs.buckets {
			free = free && b.TokensAt(tt) >= 1
		}
		for i := range zs.rings {
			free = free && zs.rings[i].earliest(now, int64(spec.rings[i].Per)) == now
		}
		if free { // every window lets it go now: no reservation to keep
			for _, b := range zs.buckets {
				b.AllowN(tt, 1) // true: TokensAt said so, under l.mu
			}
			for i := range zs.rings {
				zs.rings[i].push(now)
			}
			zs.seq++
			zs.lastT = now
			return nil
		}
	}
	c := &charge{ks: ks, zs: zs, seq: zs.seq + 1, res: make([]*rate.Reservation, len(zs.buckets)), forgot: make([]int64, len(zs.rings))}
	at := t
	for i, b := range zs.buckets {
		c.res[i] = b.ReserveN(tt, 1)
		at = max(at, t+int64(c.res[i].DelayFrom(tt)))
	}
	for i := range zs.rings {
		at = max(at, zs.rings[i].earliest(t, int64(spec.rings[i].Per)))
	}
	zs.lastT = t
	// A bucket that would let the request go before another window does is
	// charged again at the instant it goes, so that it counts the request
	// when it is sent. Its first reservation is its latest: cancelling it
	// restores it exactly.
	at2 := at
	for i, b := range zs.buckets {
		if t+int64(c.res[i].DelayFrom(tt)) < at {
			c.res[i].CancelAt(tt)
			c.res[i] = b.ReserveN(l.time(at), 1)
			at2 = max(at2, at+int64(c.res[i].DelayFrom(l.time(at))))
			zs.lastT = at
		}
	}
	for i := range zs.rings {
		c.forgot[i] = zs.rings[i].push(at2)
	}
	c.at = at2
	zs.seq++
	zs.pending = append(zs.pending, c)
	return c
}

// settle marks the charge of a wait that is over as standing: it is the
// request's. A cancelled charge below it can no longer be given back, as a
// standing one now lies above it, so it is dropped. Called with l.mu held.
func (l *limiter) settle(c *charge) {
	p := c.zs.pending
	i := slices.Index(p, c)
	if i < 0 {
		return
	}
	p = slices.DeleteFunc(p[:i+1], func(d *charge) bool { return d == c || d.cancelled })
	c.zs.pending = append(p, c.zs.pending[i+1:]...)
}

// giveBack undoes the charge of an abandoned wait, at instant now, as far
// as that can be done exactly. A charge is undone only while it is the
// latest of its zone: the windows then hold exactly what they would hold
// had the wait never been made. A charge with another on top is marked,
// and undone once every charge above it is undone in its turn (waits
// cancelled together, in any order, all give their charges back); had one
// of those above gone out, the later wait's instant was computed with this
// charge in place, and handing it back could let a later wait into the
// same window: the charge then stands, as it does once its instant has
// come.
//
// On a bucket, Reservation.CancelAt gives back what was reserved after the
// limiter's last event; cancelling the latest reservation moves that event
// back by a guess, the instant less the rate's interval, rounded to the
// nanosecond. When the guess misses the previous reservation's instant,
// the next CancelAt gives back little or nothing: a bucket may then keep
// some charges of waits cancelled together, never give back more. Called
// with l.mu held.
func (l *limiter) giveBack(c *charge, now int64) {
	if c.at <= now {
		l.settle(c)
		return
	}
	c.cancelled = true
	zs := c.zs
	for len(zs.pending) > 0 {
		top := zs.pending[len(zs.pending)-1]
		if !top.cancelled || top.seq != zs.seq {
			return
		}
		if top.at <= now {
			l.settle(top)
			return
		}
		// rate.Limiter counts from the latest instant it was given.
		t := max(now, zs.lastT)
		for _, r := range top.res {
			r.CancelAt(l.time(t))
		}
		zs.lastT = t
		for i := len(zs.rings) - 1; i >= 0; i-- {
			zs.rings[i].pop(top.forgot[i])
		}
		zs.seq--
		zs.pending = zs.pending[:len(zs.pending)-1]
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
	ks.blocked = max(ks.blocked, now+int64(min(retryAfter, maxBlock)))
}

// maxBlock caps a block so that instants cannot overflow.
const maxBlock = 100 * 365 * 24 * time.Hour

// keyCount returns the number of keys kept, for tests.
func (l *limiter) keyCount() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.keys)
}
