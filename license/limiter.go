package license

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	polar "github.com/polarportal/polar-go"
)

// A Limiter is a polar.Limiter that keeps the license-key zone
// (polar.ZoneLicenseKeys: validate, activate and deactivate, 3 requests a
// second) for every process of the machine, so that N copies of an app
// started together never send more than Polar allows: Polar counts these
// requests per IP address, and one request too many blocks the machine on
// all of the API for 60 seconds. Make it with NewLimiter and pass it to
// polar.WithLimiter. It is safe for concurrent use.
//
// The windows of the zone and the blocks recorded after a 429 live in a
// small JSON document inside the lock file itself. A request takes the
// lock, reads the document, books the earliest instant at which every
// window has room (a window of Limit requests per Per holds the instants
// of the requests booked in the last Per, and lets a new one go Per after
// the Limit-th last, plus a slack of Per/20, at most 250 ms, for requests
// that travel apart), writes the document back, releases the lock and
// waits until its instant. A wait abandoned before its instant hands its
// booking back, and one woken more than half the slack after its instant
// (a busy machine) books again rather than send into the instants booked
// after its own. Every zone of a key also waits out a block that any
// process recorded for it (see Limiter.Block). The other zones are kept
// per process by the limiter of NewRateLimiter.
//
// Instants are wall-clock times, the clock every process of the machine
// shares; a clock set back by more than a second holds requests back for
// as long.
//
// Per operating system:
//   - Linux, macOS, the BSDs and other unix systems: the lock is flock(2)
//     on the file, which every process that opens the same path honours
//     and which the kernel releases when a process dies, so a killed
//     process never leaves the lock held.
//   - Windows and every other system: no file lock is taken and the file
//     is left alone; the limiter keeps the zone in the memory of its
//     process, shared by every Limiter of that process made with the same
//     path. Processes then count apart, as with polar.NewRateLimiter.
//
// If the lock file cannot be read or written (a full disk, say), the
// limiter falls back to the limits of its process rather than refuse
// requests.
type Limiter struct {
	inner        polar.Limiter
	windows      []window
	keep         time.Duration // the longest window with its slack
	late         time.Duration // how late a booking may still go: half the least slack
	maxBlockWait time.Duration
	path         string
	mu           *sync.Mutex // the path's mutex, held with the file lock
	file         *os.File    // nil without cross-process locks
	mem          *limState   // the process's state without them
	now          func() time.Time
}

var _ polar.Limiter = (*Limiter)(nil)

// window is one polar.Window of the license-key zone, its Per with slack.
type window struct {
	limit int
	per   time.Duration
}

// maxWindow is the largest Limit of a license-key window: the document
// holds one instant per request booked within the window.
const maxWindow = 64

// limState is the document in the lock file.
type limState struct {
	Keys map[string]*keyState `json:"keys,omitempty"`
}

// keyState is one caller's share of the document: "" is every request
// sent without a token, which Polar counts per IP address.
type keyState struct {
	// Blocked is when the block after a 429 ends, Unix nanoseconds.
	Blocked int64 `json:"blocked,omitempty"`
	// Sent holds the booked instants of the last requests, in order.
	Sent []int64 `json:"sent,omitempty"`
}

// memStates holds the states of limiters without cross-process locks, by
// path, so that the limiters of one process share them.
var memStates sync.Map // path → *limState

// DefaultLimiterPath returns the lock file that every app of the user
// shares by default: polar-go/license-keys.lock in os.UserCacheDir().
// Processes of other users of the machine use their own file, and count
// apart.
func DefaultLimiterPath() (string, error) {
	dir, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("license: %w", err)
	}
	return filepath.Join(dir, "polar-go", "license-keys.lock"), nil
}

// NewLimiter returns a Limiter that keeps the ZoneLicenseKeys windows of
// limits in the lock file at path (made, with its directory, if needed;
// mode 0600) and every other zone in a polar.NewRateLimiter of limits. Use
// polar.DefaultRateLimits(polar.Production), or polar.Sandbox's, and the
// same path (DefaultLimiterPath, for one) in every process. It fails for a
// license-key window of more than 64 requests, an invalid window, or a
// file it cannot open. Close it when done.
func NewLimiter(path string, limits polar.RateLimits) (*Limiter, error) {
	inner, err := polar.NewRateLimiter(limits)
	if err != nil {
		return nil, fmt.Errorf("license: %w", err)
	}
	l := &Limiter{inner: inner, maxBlockWait: limits.MaxBlockWait, path: path, mu: pathMutex(path), now: time.Now}
	if l.maxBlockWait <= 0 {
		l.maxBlockWait = 30 * time.Second
	}
	for _, w := range limits.Zones[polar.ZoneLicenseKeys] {
		if w.Limit > maxWindow {
			return nil, fmt.Errorf("license: NewLimiter: a license-key window of %d requests (at most %d)", w.Limit, maxWindow)
		}
		slack := min(w.Per/20, 250*time.Millisecond)
		l.windows = append(l.windows, window{limit: w.Limit, per: w.Per + slack})
		l.keep = max(l.keep, w.Per+slack)
		if l.late == 0 || slack/2 < l.late {
			l.late = slack / 2
		}
	}
	if !crossProcess {
		st, _ := memStates.LoadOrStore(filepath.Clean(path), &limState{})
		l.mem = st.(*limState)
		return l, nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("license: %w", err)
	}
	if l.file, err = os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600); err != nil {
		return nil, fmt.Errorf("license: %w", err)
	}
	return l, nil
}

// Close closes the lock file. The limiter must not be used afterwards.
func (l *Limiter) Close() error {
	if l.file == nil {
		return nil
	}
	return l.file.Close()
}

// update runs fn on the shared state with the lock held, and writes the
// state back if fn changed it. A document that does not parse (a write
// cut short by a power loss) counts as empty.
func (l *Limiter) update(fn func(st *limState, now int64)) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.file == nil {
		now := l.now().UnixNano()
		l.prune(l.mem, now)
		fn(l.mem, now)
		return nil
	}
	if err := lockFile(l.file); err != nil {
		return err
	}
	defer unlockFile(l.file) //nolint:errcheck // LOCK_UN fails only on a bad descriptor, which lockFile just used
	var buf [4096]byte
	raw := buf[:0]
	for off := int64(0); ; {
		if len(raw) == cap(raw) {
			raw = slices.Grow(raw, len(raw))
		}
		n, err := l.file.ReadAt(raw[len(raw):cap(raw)], off)
		raw, off = raw[:len(raw)+n], off+int64(n)
		if err != nil {
			if !errors.Is(err, io.EOF) {
				return err
			}
			break
		}
	}
	var st limState
	if len(bytes.TrimSpace(raw)) > 0 && json.Unmarshal(raw, &st) != nil {
		st = limState{}
	}
	now := l.now().UnixNano()
	l.prune(&st, now)
	fn(&st, now)
	out, err := json.Marshal(&st)
	if err != nil {
		return err
	}
	if bytes.Equal(out, raw) {
		return nil
	}
	if _, err := l.file.WriteAt(out, 0); err != nil {
		return err
	}
	return l.file.Truncate(int64(len(out)))
}

// prune drops the instants older than every window and the keys left with
// nothing to hold back.
func (l *Limiter) prune(st *limState, now int64) {
	for k, ks := range st.Keys {
		cut := 0
		for cut < len(ks.Sent) && ks.Sent[cut] <= now-int64(l.keep) {
			cut++
		}
		ks.Sent = ks.Sent[cut:]
		if len(ks.Sent) == 0 && ks.Blocked <= now {
			delete(st.Keys, k)
		}
	}
}

func (st *limState) key(k string) *keyState {
	if st.Keys == nil {
		st.Keys = map[string]*keyState{}
	}
	ks := st.Keys[k]
	if ks == nil {
		ks = &keyState{}
		st.Keys[k] = ks
	}
	return ks
}

// Wait implements polar.Limiter.
func (l *Limiter) Wait(ctx context.Context, zone polar.Zone, key string) error {
	for {
		var at, blocked int64
		var refuse error
		booking := zone == polar.ZoneLicenseKeys && len(l.windows) > 0
		err := l.update(func(st *limState, now int64) {
			at = now
			if ks := st.Keys[key]; ks != nil && ks.Blocked > now {
				if d := time.Duration(ks.Blocked - now); d > l.maxBlockWait {
					refuse = polar.NewRateLimitError(d)
					return
				}
				at, blocked = ks.Blocked, ks.Blocked
			}
			if !booking {
				return
			}
			ks := st.key(key)
			for _, w := range l.windows {
				if n := len(ks.Sent); n >= w.limit {
					at = max(at, ks.Sent[n-w.limit]+int64(w.per))
				}
			}
			if deadline, ok := ctx.Deadline(); ok && deadline.UnixNano() <= at {
				refuse = fmt.Errorf("license: rate limit: a wait of %v would pass the context deadline: %w",
					time.Duration(at-now), context.DeadlineExceeded)
				return
			}
			if ctx.Err() != nil {
				refuse = fmt.Errorf("license: rate limit: %w", ctx.Err())
				return
			}
			i, _ := slices.BinarySearch(ks.Sent, at)
			ks.Sent = slices.Insert(ks.Sent, i, at)
		})
		if err != nil {
			// The file failed us: the process's own limits still hold.
			return l.inner.Wait(ctx, zone, key)
		}
		if refuse != nil {
			return refuse
		}
		if err := l.sleepUntil(ctx, at); err != nil {
			if booking {
				l.giveBack(key, at)
			}
			return fmt.Errorf("license: rate limit: %w", err)
		}
		if !booking {
			if blocked != 0 {
				continue // the block may have been extended meanwhile
			}
			return l.inner.Wait(ctx, zone, key)
		}
		// A process may have recorded a block while this one waited:
		// Polar would refuse the request, so book again after it. A
		// process woken late (a busy machine, a suspended laptop) would
		// send into the windows booked after its own: it books again too.
		if l.blockedNow(key) || time.Duration(l.now().UnixNano()-at) > l.late {
			l.giveBack(key, at)
			continue
		}
		return nil
	}
}

func (l *Limiter) sleepUntil(ctx context.Context, at int64) error {
	d := time.Duration(at - l.now().UnixNano())
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// giveBack removes a booking that will not be sent. Removing an instant
// never lets two others of a window closer together, so it is safe
// whatever was booked since.
func (l *Limiter) giveBack(key string, at int64) {
	_ = l.update(func(st *limState, _ int64) {
		if ks := st.Keys[key]; ks != nil {
			if i, ok := slices.BinarySearch(ks.Sent, at); ok {
				ks.Sent = slices.Delete(ks.Sent, i, i+1)
			}
		}
	})
}

func (l *Limiter) blockedNow(key string) bool {
	blocked := false
	_ = l.update(func(st *limState, now int64) {
		ks := st.Keys[key]
		blocked = ks != nil && ks.Blocked > now
	})
	return blocked
}

// Block implements polar.Limiter: the block is recorded in the shared
// state, so that every process of the machine pauses, in every zone.
func (l *Limiter) Block(key string, retryAfter time.Duration) {
	if retryAfter <= 0 {
		return
	}
	l.inner.Block(key, retryAfter)
	retryAfter = min(retryAfter, 100*365*24*time.Hour)
	_ = l.update(func(st *limState, now int64) {
		ks := st.key(key)
		ks.Blocked = max(ks.Blocked, now+int64(retryAfter))
	})
}

// keys returns the keys of the shared state, for tests.
func (l *Limiter) keys() []string {
	var ks []string
	_ = l.update(func(st *limState, _ int64) { ks = slices.Sorted(maps.Keys(st.Keys)) })
	return ks
}
