// Package license checks Polar license keys from desktop apps and
// command-line tools: it activates a key once per machine, validates it
// on each start (optionally counting a use), answers from the last
// successful validation for a grace period when Polar cannot be reached,
// and deactivates it on uninstall. A Limiter keeps Polar's limit on
// license-key requests (3 a second per IP address) for every process of
// the machine, so that several copies started together are not blocked.
//
//	m, err := license.New(license.Config{
//		App:            "myapp",
//		OrganizationID: "…",
//		Key:            keyTheUserEntered, // needed to activate only
//		Grace:          7 * 24 * time.Hour,
//	})
//	if !m.Activated() {
//		cond, _ := license.MachineConditions("myapp")
//		_, err = m.Activate(ctx, hostname, cond, nil) // ErrAlreadyActivated: another copy won
//	}
//	res, err := m.Check(ctx, 0)
//	if err != nil { … the license is not valid, or Polar is out of reach past the grace … }
//	if res.Source == license.Cached { … offline, valid until res.ValidUntil … }
//
// # Offline
//
// Check validates online. When Polar cannot be reached (polar.IsTransient:
// a connection error, a timeout, a 502, 503 or 504, or a 429 that
// outlasted the client's retries or a block the Limiter will not wait
// out), it answers from the last successful validation kept
// in the Store, marked Cached, as long as the grace period since that
// validation has not passed and the key has not expired meanwhile; past
// that it fails with an error matching ErrOffline. Only an online answer
// can make a key valid: when Polar refuses the key (revoked, disabled,
// expired, or the activation or its conditions no longer match), Check
// fails with an error matching ErrInvalid and forgets the validation it
// kept, so that no later offline check answers from it.
//
// A usage increment is never queued: Check with an increment while Polar
// cannot be reached fails with an error matching ErrUsageNotCounted, and
// counts nothing, so that a use is neither lost silently nor sent twice.
// An app that lets offline runs go uncounted then calls Cached.
package license

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	polar "github.com/polarportal/polar-go"
)

// Errors of Manager, to test with errors.Is.
var (
	// ErrNotActivated: the store holds no activation (Check, Cached,
	// Deactivate), or Activate was called without a key.
	ErrNotActivated = errors.New("license: not activated on this machine")
	// ErrAlreadyActivated: Activate found an activation in the store;
	// Deactivate it first.
	ErrAlreadyActivated = errors.New("license: already activated on this machine")
	// ErrInvalid: Polar refused the key (revoked, disabled, expired, or
	// not matching the activation or its conditions), or the key's
	// expiry has passed. The error also matches the SDK's error, such as
	// polar.ErrResourceNotFound.
	ErrInvalid = errors.New("license: license key not valid")
	// ErrOffline: Polar cannot be reached and no validation within the
	// grace period is on record. The error also matches the cause.
	ErrOffline = errors.New("license: Polar cannot be reached and the grace period has passed")
	// ErrUsageNotCounted: Polar cannot be reached, so the usage increment
	// was not counted and nothing was answered from the cache. The error
	// also matches the cause.
	ErrUsageNotCounted = errors.New("license: Polar cannot be reached, usage not counted")
	// ErrNotSaved: Check validated online but the store could not keep
	// the result; it returns the Result together with this error.
	ErrNotSaved = errors.New("license: validation not saved")
)

// Source tells where a Result comes from.
type Source string

// Values of Source.
const (
	// Online: Polar validated the key just now.
	Online Source = "online"
	// Cached: Polar could not be reached; the Result is the last
	// successful validation, within the grace period.
	Cached Source = "cached"
)

// Result is the answer of Check and Cached.
type Result struct {
	// Source tells whether Polar answered now or the cache did.
	Source Source
	// Key is the validated license key, as Polar last returned it.
	Key *polar.ValidatedLicenseKey
	// ValidatedAt is when Polar returned Key, on the local clock.
	ValidatedAt time.Time
	// ValidUntil is when this answer stops holding without a new online
	// validation: the end of the grace period, or the key's expiry if
	// sooner.
	ValidUntil time.Time
	// Cause is, for a Cached result of Check, why Polar could not be
	// reached; nil otherwise.
	Cause error
}

// Config configures New. OrganizationID is required, and App or Store.
type Config struct {
	// OrganizationID is the ID of the organization that sells the app.
	OrganizationID string
	// Key is the license key to activate. Once activated, the store keeps
	// it, and it may be left empty.
	Key string
	// App names the app: the directory of DefaultStore. Required when
	// Store is nil.
	App string
	// Store keeps the activation; nil means DefaultStore(App).
	Store Store
	// Grace is how long after the last successful validation Check may
	// answer from it while Polar cannot be reached; 0 never does.
	Grace time.Duration
	// Client calls Polar; nil means polar.NewClient("") with a Limiter on
	// DefaultLimiterPath and polar.DefaultRateLimits(polar.Production).
	// A client of one's own should have such a Limiter too
	// (polar.WithLimiter). The license-key calls send no token.
	Client *polar.Client
	// Now is the clock of the grace period; nil means time.Now.
	Now func() time.Time
}

// A Manager activates, checks and deactivates one license key on this
// machine. It is safe for concurrent use, and several processes may use
// the same store at once.
type Manager struct {
	cfg    Config
	store  Store
	client *polar.Client
	now    func() time.Time
}

var (
	defaultClientOnce sync.Once
	defaultClient     *polar.Client
	defaultClientErr  error
)

// New returns a Manager. It reports a missing OrganizationID or store, a
// negative Grace, and a default client or store that cannot be made.
func New(cfg Config) (*Manager, error) {
	if cfg.OrganizationID == "" {
		return nil, errors.New("license: New: Config.OrganizationID is required")
	}
	if cfg.Grace < 0 {
		return nil, fmt.Errorf("license: New: negative Config.Grace %v", cfg.Grace)
	}
	m := &Manager{cfg: cfg, store: cfg.Store, client: cfg.Client, now: cfg.Now}
	if m.store == nil {
		if cfg.App == "" {
			return nil, errors.New("license: New: Config.App or Config.Store is required")
		}
		s, err := DefaultStore(cfg.App)
		if err != nil {
			return nil, err
		}
		m.store = s
	}
	if m.client == nil {
		defaultClientOnce.Do(func() {
			var path string
			var lim *Limiter
			if path, defaultClientErr = DefaultLimiterPath(); defaultClientErr != nil {
				return
			}
			if lim, defaultClientErr = NewLimiter(path, polar.DefaultRateLimits(polar.Production)); defaultClientErr != nil {
				return
			}
			defaultClient, defaultClientErr = polar.NewClient("", polar.WithLimiter(lim))
		})
		if defaultClientErr != nil {
			return nil, defaultClientErr
		}
		m.client = defaultClient
	}
	if m.now == nil {
		m.now = time.Now
	}
	return m, nil
}

// Activated reports whether the store holds an activation. An error
// reading the store counts as none.
func (m *Manager) Activated() bool {
	st, err := m.store.Load()
	return err == nil && st != nil && st.ActivationID != ""
}

// Activate reserves one of the key's activations for this machine, with
// label (such as the host name), conditions that every validation must
// match (see MachineConditions) and meta stored with the activation, and
// keeps it in the store. It fails with ErrAlreadyActivated when the store
// already holds one (with a store that is an Updater, such as FileStore,
// the store stays locked during the call, so that of several processes
// activating at once one activates and the others get this error), ErrNotActivated without Config.Key, and the SDK's
// error when Polar refuses (polar.ErrNotPermitted when all activations are
// taken). If the store cannot keep the new activation, Activate frees it
// again and fails.
func (m *Manager) Activate(ctx context.Context, label string, conditions, meta map[string]any) (*polar.LicenseKeyActivationWithKey, error) {
	if m.cfg.Key == "" {
		return nil, fmt.Errorf("%w: Config.Key is empty", ErrNotActivated)
	}
	var a *polar.LicenseKeyActivationWithKey
	// The store's lock is held across the call, so that processes
	// started together on a first run activate once.
	err := m.transact(func(st *State) (*State, error) {
		if st != nil && st.ActivationID != "" {
			return nil, ErrAlreadyActivated
		}
		var err error
		a, err = m.client.LicenseKeys.Activate(ctx, &polar.LicenseKeyActivate{
			Key: m.cfg.Key, OrganizationID: m.cfg.OrganizationID, Label: label, Conditions: conditions, Meta: meta,
		})
		if err != nil {
			return nil, fmt.Errorf("license: activating: %w", err)
		}
		return &State{Key: m.cfg.Key, OrganizationID: m.cfg.OrganizationID, ActivationID: a.ID, Label: label, Conditions: conditions}, nil
	})
	if err != nil && a != nil {
		// Saving failed: free the activation rather than leave it taken
		// and unknown.
		derr := m.client.LicenseKeys.Deactivate(context.WithoutCancel(ctx), &polar.LicenseKeyDeactivate{
			Key: m.cfg.Key, OrganizationID: m.cfg.OrganizationID, ActivationID: a.ID,
		})
		if derr != nil {
			return nil, fmt.Errorf("%w (and freeing activation %s failed: %v)", err, a.ID, derr) //nolint:errorlint // err is the cause; derr is told, not matched
		}
	}
	if err != nil {
		return nil, err
	}
	return a, nil
}

// Check validates the key online with this machine's activation and its
// conditions, adding increment to the key's usage (0 adds nothing), and
// keeps the answer in the store. When Polar cannot be reached it answers
// from the store (see the package documentation): a Result marked Cached,
// or an error matching ErrOffline past the grace period, or
// ErrUsageNotCounted for a positive increment. A key that Polar refuses
// fails with an error matching ErrInvalid (and the SDK's error), and the
// kept validation is forgotten. Other errors of Polar, such as a 400 for
// an increment past the key's usage limit, are returned as they are.
func (m *Manager) Check(ctx context.Context, increment int64) (*Result, error) {
	if increment < 0 {
		return nil, fmt.Errorf("license: Check: negative increment %d", increment)
	}
	st, err := m.load()
	if err != nil {
		return nil, err
	}
	v, err := m.client.LicenseKeys.Validate(ctx, &polar.LicenseKeyValidate{
		Key: st.Key, OrganizationID: st.OrganizationID, ActivationID: st.ActivationID,
		Conditions: st.Conditions, IncrementUsage: increment,
	})
	now := m.now()
	switch {
	case err == nil:
	case errors.Is(err, polar.ErrResourceNotFound):
		m.forget(st.ActivationID)
		return nil, &invalidError{err}
	case polar.IsTransient(err):
		if increment > 0 {
			return nil, &causeError{ErrUsageNotCounted, err}
		}
		res, cerr := m.cached(st, now)
		if cerr != nil {
			if errors.Is(cerr, ErrOffline) {
				return nil, &causeError{ErrOffline, err}
			}
			return nil, cerr
		}
		res.Cause = err
		return res, nil
	default:
		return nil, fmt.Errorf("license: validating: %w", err)
	}
	if v.Status != polar.LicenseKeyStatusGranted || expired(v, now) {
		// Polar answers only granted, unexpired keys; never keep another.
		m.forget(st.ActivationID)
		return nil, &invalidError{fmt.Errorf("license: key %s is %s", v.DisplayKey, v.Status)}
	}
	res := &Result{Source: Online, Key: v, ValidatedAt: now, ValidUntil: m.until(v, now)}
	if err := m.update(st.ActivationID, func(s *State) { s.Validated, s.ValidatedAt = v, now }); err != nil {
		return res, &causeError{ErrNotSaved, err}
	}
	return res, nil
}

// Cached answers from the last successful validation in the store,
// without calling Polar: a Result marked Cached while the grace period
// lasts and the key has not expired, else an error matching ErrOffline or
// ErrInvalid.
func (m *Manager) Cached() (*Result, error) {
	st, err := m.load()
	if err != nil {
		return nil, err
	}
	return m.cached(st, m.now())
}

// Deactivate frees this machine's activation and clears the store. When
// Polar no longer knows the activation (404), the store is cleared all
// the same. When Polar cannot be reached the store is kept, so that
// Deactivate can be called again.
func (m *Manager) Deactivate(ctx context.Context) error {
	st, err := m.load()
	if err != nil {
		return err
	}
	err = m.client.LicenseKeys.Deactivate(ctx, &polar.LicenseKeyDeactivate{
		Key: st.Key, OrganizationID: st.OrganizationID, ActivationID: st.ActivationID,
	})
	if err != nil && !errors.Is(err, polar.ErrResourceNotFound) {
		return fmt.Errorf("license: deactivating: %w", err)
	}
	return m.store.Clear()
}

// load returns the stored activation, or ErrNotActivated.
func (m *Manager) load() (*State, error) {
	st, err := m.store.Load()
	if err != nil {
		return nil, err
	}
	if st == nil || st.ActivationID == "" {
		return nil, ErrNotActivated
	}
	return st, nil
}

// cached is the answer of the cache for st at now.
func (m *Manager) cached(st *State, now time.Time) (*Result, error) {
	v := st.Validated
	if v == nil {
		return nil, fmt.Errorf("%w (no successful validation on record)", ErrOffline)
	}
	if expired(v, now) {
		return nil, &invalidError{fmt.Errorf("license: key %s expired at %v", v.DisplayKey, v.ExpiresAt)}
	}
	until := m.until(v, st.ValidatedAt)
	// A clock earlier than the validation is not within the grace: it
	// would let a clock set back stretch the grace without end.
	if now.Before(st.ValidatedAt) || !now.Before(until) {
		return nil, fmt.Errorf("%w (last validated %v, valid until %v)", ErrOffline, st.ValidatedAt, until)
	}
	return &Result{Source: Cached, Key: v, ValidatedAt: st.ValidatedAt, ValidUntil: until}, nil
}

// until is when a validation at t stops holding offline.
func (m *Manager) until(v *polar.ValidatedLicenseKey, t time.Time) time.Time {
	until := t.Add(m.cfg.Grace)
	if v.ExpiresAt != nil && v.ExpiresAt.Before(until) {
		until = *v.ExpiresAt
	}
	return until
}

func expired(v *polar.ValidatedLicenseKey, now time.Time) bool {
	return v.ExpiresAt != nil && !now.Before(*v.ExpiresAt)
}

// update changes the stored state if it still holds the activation: a
// process that deactivated meanwhile is not undone.
func (m *Manager) update(activationID string, fn func(*State)) error {
	return m.transact(func(st *State) (*State, error) {
		if st == nil || st.ActivationID != activationID {
			return nil, nil
		}
		fn(st)
		return st, nil
	})
}

// transact runs fn on the stored state and saves what it returns (see
// Updater): atomically if the store is an Updater.
func (m *Manager) transact(fn func(*State) (*State, error)) error {
	if u, ok := m.store.(Updater); ok {
		return u.Update(fn)
	}
	st, err := m.store.Load()
	if err != nil {
		return err
	}
	if st, err = fn(st); err != nil || st == nil {
		return err
	}
	return m.store.Save(st)
}

// forget drops the kept validation, so that the cache no longer answers.
func (m *Manager) forget(activationID string) {
	_ = m.update(activationID, func(s *State) { s.Validated, s.ValidatedAt = nil, time.Time{} })
}

// invalidError matches ErrInvalid and wraps the reason.
type invalidError struct{ err error }

func (e *invalidError) Error() string        { return "license: license key not valid: " + e.err.Error() }
func (e *invalidError) Unwrap() error        { return e.err }
func (e *invalidError) Is(target error) bool { return target == ErrInvalid }

// causeError is a sentinel with its cause.
type causeError struct{ kind, cause error }

func (e *causeError) Error() string   { return e.kind.Error() + ": " + e.cause.Error() }
func (e *causeError) Unwrap() []error { return []error{e.kind, e.cause} }
