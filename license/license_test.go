package license

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	polar "github.com/polarportal/polar-go"
	"github.com/polarportal/polar-go/polartest"
)

// clock is a settable clock shared by polartest and the Manager.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

const grace = 72 * time.Hour

// env is a Manager on a polartest server with the Demo data, both on clk.
type env struct {
	srv *polartest.Server
	clk *clock
	m   *Manager
	st  *FileStore
}

func newEnv(t *testing.T, key string, opts ...polartest.Option) *env {
	t.Helper()
	clk := &clock{t: polartest.DemoTime}
	srv := polartest.NewTestServer(t, append([]polartest.Option{polartest.WithDemo(), polartest.WithClock(clk.now)}, opts...)...)
	st := NewFileStore(filepath.Join(t.TempDir(), "app", "license.json"))
	m, err := New(Config{OrganizationID: polartest.DemoOrganizationID, Key: key, Store: st, Grace: grace,
		Client: srv.Client(""), Now: clk.now})
	if err != nil {
		t.Fatal(err)
	}
	return &env{srv: srv, clk: clk, m: m, st: st}
}

func (e *env) activate(t *testing.T) *polar.LicenseKeyActivationWithKey {
	t.Helper()
	a, err := e.m.Activate(context.Background(), "laptop", map[string]any{"machine": "abc", "cores": 8}, map[string]any{"os": "linux"})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func (e *env) offline() {
	e.srv.InjectFault(polartest.Fault{Operation: "customer_portal:license_keys:validate", Status: http.StatusServiceUnavailable})
}

func (e *env) check(t *testing.T, increment int64) *Result {
	t.Helper()
	res, err := e.m.Check(context.Background(), increment)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestActivateThenCheckOnline(t *testing.T) {
	e := newEnv(t, polartest.DemoUsageLicenseKey)
	if e.m.Activated() {
		t.Fatal("Activated before Activate")
	}
	a := e.activate(t)
	if !e.m.Activated() {
		t.Fatal("not Activated after Activate")
	}
	st, err := e.st.Load()
	if err != nil || st.ActivationID != a.ID || st.Key != polartest.DemoUsageLicenseKey || st.Validated != nil {
		t.Fatalf("stored %+v, %v", st, err)
	}
	e.clk.add(time.Minute)
	res := e.check(t, 0)
	now := e.clk.now()
	if res.Source != Online || res.Key.Activation == nil || res.Key.Activation.ID != a.ID ||
		!res.ValidatedAt.Equal(now) || !res.ValidUntil.Equal(now.Add(grace)) || res.Cause != nil {
		t.Errorf("Check = %+v", res)
	}
	if st, _ := e.st.Load(); st.Validated == nil || !st.ValidatedAt.Equal(now) {
		t.Errorf("stored after Check: %+v", st)
	}
	if _, err := e.m.Activate(context.Background(), "again", nil, nil); !errors.Is(err, ErrAlreadyActivated) {
		t.Errorf("second Activate: %v, want ErrAlreadyActivated", err)
	}
}

// The conditions go back to Polar with every validation, also after a
// round trip through the file: a store with other conditions is refused.
func TestCheckSendsTheActivationConditions(t *testing.T) {
	e := newEnv(t, polartest.DemoUsageLicenseKey)
	e.activate(t)
	e.check(t, 0)
	st, _ := e.st.Load()
	st.Conditions["machine"] = "another"
	if err := e.st.Save(st); err != nil {
		t.Fatal(err)
	}
	_, err := e.m.Check(context.Background(), 0)
	if !errors.Is(err, ErrInvalid) || !errors.Is(err, polar.ErrResourceNotFound) {
		t.Errorf("Check with other conditions: %v, want ErrInvalid", err)
	}
}

func TestCheckOfflineWithinGraceAnswersCached(t *testing.T) {
	for _, fault := range []struct {
		name string
		f    polartest.Fault
	}{
		{"503", polartest.Fault{Status: http.StatusServiceUnavailable}},
		{"502", polartest.Fault{Status: http.StatusBadGateway}},
		{"dropped connection", polartest.Fault{Drop: true}},
	} {
		t.Run(fault.name, func(t *testing.T) {
			e := newEnv(t, polartest.DemoUsageLicenseKey)
			e.activate(t)
			first := e.check(t, 0)
			e.clk.add(grace - time.Second)
			e.srv.InjectFault(fault.f)
			res := e.check(t, 0)
			if res.Source != Cached || !res.ValidatedAt.Equal(first.ValidatedAt) || !res.ValidUntil.Equal(first.ValidUntil) ||
				res.Key.ID != first.Key.ID || res.Cause == nil {
				t.Errorf("offline Check = %+v, want the cached answer of %v", res, first.ValidatedAt)
			}
			if c, err := e.m.Cached(); err != nil || c.Source != Cached || !c.ValidUntil.Equal(first.ValidUntil) {
				t.Errorf("Cached = %+v, %v", c, err)
			}
			// Back online, the answer is fresh again.
			e.srv.ClearFaults()
			if res := e.check(t, 0); res.Source != Online || !res.ValidatedAt.Equal(e.clk.now()) {
				t.Errorf("Check back online = %+v", res)
			}
		})
	}
}

func TestCheckOfflinePastGraceFails(t *testing.T) {
	e := newEnv(t, polartest.DemoUsageLicenseKey)
	e.activate(t)
	e.check(t, 0)
	e.clk.add(grace)
	e.offline()
	res, err := e.m.Check(context.Background(), 0)
	var apiErr *polar.APIError
	if res != nil || !errors.Is(err, ErrOffline) || !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("Check past the grace = %+v, %v; want ErrOffline with the 503", res, err)
	}
	if _, err := e.m.Cached(); !errors.Is(err, ErrOffline) {
		t.Errorf("Cached past the grace: %v, want ErrOffline", err)
	}
}

func TestCheckOfflineWithoutValidationFails(t *testing.T) {
	e := newEnv(t, polartest.DemoUsageLicenseKey)
	e.activate(t)
	e.offline()
	if _, err := e.m.Check(context.Background(), 0); !errors.Is(err, ErrOffline) {
		t.Errorf("Check offline before any validation: %v, want ErrOffline", err)
	}
}

// A clock set back before the last validation does not stretch the grace.
func TestCheckOfflineClockSetBackFails(t *testing.T) {
	e := newEnv(t, polartest.DemoUsageLicenseKey)
	e.activate(t)
	e.check(t, 0)
	e.clk.add(-time.Hour)
	e.offline()
	if _, err := e.m.Check(context.Background(), 0); !errors.Is(err, ErrOffline) {
		t.Errorf("Check offline with the clock set back: %v, want ErrOffline", err)
	}
}

// The key expires within the grace: the cache does not answer past the
// expiry, and ValidUntil says so.
func TestCheckExpiredWithinGraceFails(t *testing.T) {
	e := newEnv(t, "ACME-DEMO-0003-CCCC") // expires a day after DemoTime
	e.activate(t)
	res := e.check(t, 0)
	expiry := polartest.DemoTime.Add(24 * time.Hour)
	if !res.ValidUntil.Equal(expiry) {
		t.Errorf("ValidUntil = %v, want the expiry %v", res.ValidUntil, expiry)
	}
	e.clk.add(24 * time.Hour)
	e.offline()
	if _, err := e.m.Check(context.Background(), 0); !errors.Is(err, ErrInvalid) {
		t.Errorf("Check offline past the expiry: %v, want ErrInvalid", err)
	}
	e.srv.ClearFaults()
	if _, err := e.m.Check(context.Background(), 0); !errors.Is(err, ErrInvalid) || !errors.Is(err, polar.ErrResourceNotFound) {
		t.Errorf("Check online past the expiry: %v, want ErrInvalid", err)
	}
}

// switcher sends every request to the server in to.
type switcher struct {
	to   atomic.Pointer[url.URL]
	next http.RoundTripper
}

func (s *switcher) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.URL.Host = s.to.Load().Host
	return s.next.RoundTrip(r)
}

// revokedFixture is a key of Alice's with one activation, as granted or
// revoked.
func revokedFixture(status polar.LicenseKeyStatus) *polartest.Fixture {
	const keyID, actID = "00000008-0000-4000-8000-0000000000aa", "00000016-0000-4000-8000-0000000000aa"
	return &polartest.Fixture{LicenseKeys: []polar.LicenseKeyWithActivations{{
		LicenseKey: polar.LicenseKey{
			ID: keyID, CreatedAt: polartest.DemoTime.Add(-time.Hour), OrganizationID: polartest.DemoOrganizationID,
			CustomerID: polartest.DemoCustomerID, BenefitID: polartest.UUID("benefit"), Key: "ACME-REVOKE-ME", DisplayKey: "****-E-ME",
			Status: status, LimitActivations: new(int64(3)),
		},
		Activations: []polar.LicenseKeyActivation{{ID: actID, LicenseKeyID: keyID, Label: "laptop", CreatedAt: polartest.DemoTime.Add(-time.Hour)}},
	}}}
}

// Polar revokes the key: the next online check fails, and the cache it
// had does not answer for it afterwards, though within the grace.
func TestCheckRevokedWithinGraceFails(t *testing.T) {
	clk := &clock{t: polartest.DemoTime}
	granted := polartest.NewTestServer(t, polartest.WithDemo(), polartest.WithFixture(revokedFixture(polar.LicenseKeyStatusGranted)), polartest.WithClock(clk.now))
	revoked := polartest.NewTestServer(t, polartest.WithDemo(), polartest.WithFixture(revokedFixture(polar.LicenseKeyStatusRevoked)), polartest.WithClock(clk.now))
	sw := &switcher{next: http.DefaultTransport}
	u, _ := url.Parse(granted.URL)
	sw.to.Store(u)
	client := granted.Client("", polar.WithHTTPClient(&http.Client{Transport: sw}))
	st := NewFileStore(filepath.Join(t.TempDir(), "license.json"))
	fx := revokedFixture(polar.LicenseKeyStatusGranted).LicenseKeys[0]
	if err := st.Save(&State{Key: fx.Key, OrganizationID: fx.OrganizationID, ActivationID: fx.Activations[0].ID}); err != nil {
		t.Fatal(err)
	}
	m, err := New(Config{OrganizationID: polartest.DemoOrganizationID, Store: st, Grace: grace, Client: client, Now: clk.now})
	if err != nil {
		t.Fatal(err)
	}
	if res, err := m.Check(context.Background(), 0); err != nil || res.Source != Online {
		t.Fatalf("Check while granted = %+v, %v", res, err)
	}

	clk.add(time.Hour)
	u, _ = url.Parse(revoked.URL)
	sw.to.Store(u)
	res, err := m.Check(context.Background(), 0)
	if res != nil || !errors.Is(err, ErrInvalid) || !errors.Is(err, polar.ErrResourceNotFound) {
		t.Fatalf("Check once revoked = %+v, %v; want ErrInvalid", res, err)
	}
	revoked.InjectFault(polartest.Fault{Status: http.StatusServiceUnavailable})
	if res, err := m.Check(context.Background(), 0); res != nil || !errors.Is(err, ErrOffline) {
		t.Errorf("Check offline after the revocation = %+v, %v; want ErrOffline", res, err)
	}
	if res, err := m.Cached(); res != nil || !errors.Is(err, ErrOffline) {
		t.Errorf("Cached after the revocation = %+v, %v; want ErrOffline", res, err)
	}
	if !m.Activated() {
		t.Error("the activation was dropped; only the validation should be")
	}
}

// An increment made offline is refused, not counted later: the key's
// usage on the server does not move, and Cached still answers.
func TestCheckIncrementOfflineIsRefused(t *testing.T) {
	e := newEnv(t, polartest.DemoUsageLicenseKey) // usage 99 of 100
	e.activate(t)
	e.check(t, 0)
	e.offline()
	res, err := e.m.Check(context.Background(), 1)
	var apiErr *polar.APIError
	if res != nil || !errors.Is(err, ErrUsageNotCounted) || !errors.As(err, &apiErr) {
		t.Fatalf("Check(1) offline = %+v, %v; want ErrUsageNotCounted", res, err)
	}
	if c, err := e.m.Cached(); err != nil || c.Source != Cached {
		t.Errorf("Cached = %+v, %v", c, err)
	}
	e.srv.ClearFaults()
	if res := e.check(t, 1); res.Key.Usage != 100 {
		t.Errorf("usage after one online increment = %d, want 100", res.Key.Usage)
	}
	// Past the usage limit: Polar's 400, the key not taken for invalid
	// and the cache kept.
	_, err = e.m.Check(context.Background(), 1)
	if !errors.Is(err, polar.ErrBadRequest) || errors.Is(err, ErrInvalid) {
		t.Errorf("Check(1) past the usage limit: %v, want polar.ErrBadRequest", err)
	}
	if _, err := e.m.Cached(); err != nil {
		t.Errorf("Cached after the 400: %v", err)
	}
}

func TestActivateRefusedKeepsNothing(t *testing.T) {
	e := newEnv(t, polartest.DemoLicenseKey) // 3 of 3 activations taken
	if _, err := e.m.Activate(context.Background(), "laptop", nil, nil); !errors.Is(err, polar.ErrNotPermitted) {
		t.Errorf("Activate at the limit: %v, want polar.ErrNotPermitted", err)
	}
	if st, err := e.st.Load(); st != nil || err != nil {
		t.Errorf("stored %+v, %v; want nothing", st, err)
	}
	if _, err := e.m.Check(context.Background(), 0); !errors.Is(err, ErrNotActivated) {
		t.Errorf("Check: %v, want ErrNotActivated", err)
	}
}

// failingStore cannot save.
type failingStore struct{ Store }

func (failingStore) Load() (*State, error) { return nil, nil }
func (failingStore) Save(*State) error     { return errors.New("disk full") }

// An activation the store cannot keep is freed again: the key's three
// activations stay available.
func TestActivateUnsavedIsFreed(t *testing.T) {
	e := newEnv(t, polartest.DemoUsageLicenseKey)
	m, err := New(Config{OrganizationID: polartest.DemoOrganizationID, Key: polartest.DemoUsageLicenseKey,
		Store: failingStore{}, Client: e.srv.Client("")})
	if err != nil {
		t.Fatal(err)
	}
	for range 4 {
		if _, err := m.Activate(context.Background(), "laptop", nil, nil); err == nil || errors.Is(err, polar.ErrNotPermitted) {
			t.Fatalf("Activate with a failing store: %v, want the store's error", err)
		}
	}
	if got := e.srv.Calls("customer_portal:license_keys:deactivate"); got != 4 {
		t.Errorf("deactivations = %d, want 4", got)
	}
}

func TestDeactivateClearsTheStore(t *testing.T) {
	e := newEnv(t, polartest.DemoUsageLicenseKey)
	e.activate(t)
	e.check(t, 0)
	// Offline, the store is kept for another try.
	e.srv.InjectFault(polartest.Fault{Operation: "customer_portal:license_keys:deactivate", Status: http.StatusServiceUnavailable})
	if err := e.m.Deactivate(context.Background()); err == nil || !e.m.Activated() {
		t.Fatalf("Deactivate offline: %v, activated %v; want an error and the store kept", err, e.m.Activated())
	}
	e.srv.ClearFaults()
	if err := e.m.Deactivate(context.Background()); err != nil {
		t.Fatal(err)
	}
	if st, err := e.st.Load(); st != nil || err != nil {
		t.Errorf("stored after Deactivate: %+v, %v", st, err)
	}
	if _, err := e.m.Check(context.Background(), 0); !errors.Is(err, ErrNotActivated) {
		t.Errorf("Check after Deactivate: %v, want ErrNotActivated", err)
	}
	if err := e.m.Deactivate(context.Background()); !errors.Is(err, ErrNotActivated) {
		t.Errorf("second Deactivate: %v, want ErrNotActivated", err)
	}
	// The activation was freed: three new ones fit.
	for i := range 3 {
		e2, err := New(Config{OrganizationID: polartest.DemoOrganizationID, Key: polartest.DemoUsageLicenseKey,
			Store: NewFileStore(filepath.Join(t.TempDir(), "l.json")), Client: e.srv.Client("")})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e2.Activate(context.Background(), fmt.Sprint("m", i), nil, nil); err != nil {
			t.Fatalf("activation %d after Deactivate: %v", i, err)
		}
	}
}

func TestNewRefusesBadConfig(t *testing.T) {
	for name, cfg := range map[string]Config{
		"no organization": {App: "x"},
		"no store":        {OrganizationID: "o"},
		"negative grace":  {OrganizationID: "o", App: "x", Grace: -time.Second},
		"app with slash":  {OrganizationID: "o", App: "../x"},
	} {
		if m, err := New(cfg); err == nil {
			t.Errorf("%s: New = %v, want an error", name, m)
		}
	}
	if _, err := (&Manager{}).Check(context.Background(), -1); err == nil {
		t.Error("Check(-1): no error")
	}
}

// A machine blocked after a 429 for longer than the limiter waits counts
// as offline: the cache answers, and nothing is sent.
func TestCheckWhileBlockedAnswersCached(t *testing.T) {
	e := newEnv(t, polartest.DemoUsageLicenseKey)
	lim, err := NewLimiter(filepath.Join(t.TempDir(), "keys.lock"), polar.DefaultRateLimits(polar.Production))
	if err != nil {
		t.Fatal(err)
	}
	defer lim.Close()
	e.m.client = e.srv.Client("", polar.WithLimiter(lim))
	e.activate(t)
	e.check(t, 0)
	lim.Block("", time.Minute)
	before := e.srv.Calls("customer_portal:license_keys:validate")
	res := e.check(t, 0)
	if res.Source != Cached || !errors.Is(res.Cause, polar.ErrRateLimited) {
		t.Errorf("Check while blocked = %+v, want Cached with a rate-limit cause", res)
	}
	if got := e.srv.Calls("customer_portal:license_keys:validate"); got != before {
		t.Errorf("%d validations sent while blocked", got-before)
	}
}

// Polar too slow for the caller's deadline counts as offline too; the
// caller's own cancellation does not.
func TestCheckTimeoutAnswersCached(t *testing.T) {
	e := newEnv(t, polartest.DemoUsageLicenseKey)
	e.activate(t)
	e.check(t, 0)
	e.srv.InjectFault(polartest.Fault{Operation: "customer_portal:license_keys:validate", Latency: time.Minute})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if res, err := e.m.Check(ctx, 0); err != nil || res.Source != Cached || !errors.Is(res.Cause, context.DeadlineExceeded) {
		t.Errorf("Check past its deadline = %+v, %v; want Cached", res, err)
	}
	ctx, cancel = context.WithCancel(context.Background())
	cancel()
	if res, err := e.m.Check(ctx, 0); res != nil || !errors.Is(err, context.Canceled) {
		t.Errorf("Check with a cancelled context = %+v, %v; want context.Canceled", res, err)
	}
}

// flakyStore is a FileStore whose saves and updates fail while broken is
// set.
type flakyStore struct {
	*FileStore
	broken atomic.Bool
}

func (s *flakyStore) Save(st *State) error {
	if s.broken.Load() {
		return errors.New("disk full")
	}
	return s.FileStore.Save(st)
}

func (s *flakyStore) Update(fn func(*State) (*State, error)) error {
	return s.FileStore.Update(func(st *State) (*State, error) {
		st, err := fn(st)
		if err == nil && st != nil && s.broken.Load() {
			return nil, errors.New("disk full")
		}
		return st, err
	})
}

// A validation the store cannot keep is still answered, with ErrNotSaved.
func TestCheckUnsavedReturnsResultAndError(t *testing.T) {
	e := newEnv(t, polartest.DemoUsageLicenseKey)
	fs := &flakyStore{FileStore: e.st}
	e.m.store = fs
	e.activate(t)
	fs.broken.Store(true)
	res, err := e.m.Check(context.Background(), 0)
	if res == nil || res.Source != Online || !errors.Is(err, ErrNotSaved) {
		t.Errorf("Check with a failing store = %+v, %v; want the online Result and ErrNotSaved", res, err)
	}
	if st, _ := e.st.Load(); st.Validated != nil {
		t.Errorf("stored %+v", st)
	}
}
