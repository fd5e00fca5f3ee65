package polar_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	polar "github.com/polarportal/polar-go"
	"github.com/polarportal/polar-go/polartest"
)

const createOp = "customer-sessions:create"

// manualClock is a clock shared by polartest.WithClock and
// polar.WithSessionsClock; tests move it instead of sleeping.
type manualClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *manualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *manualClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// gatekeeper stands in front of a polartest server: it records the bearer
// tokens it sees, refuses revoked ones as Polar does (401 invalid_token,
// before routing), and can hold session creations until released.
type gatekeeper struct {
	next http.Handler

	mu        sync.Mutex
	seen      []string
	revoked   map[string]bool
	revokeAll bool // every session token (polar_cst_, polar_mst_)
	hold      chan struct{}
	arrived   chan struct{}
}

func (g *gatekeeper) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	tok := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
	g.mu.Lock()
	g.seen = append(g.seen, tok)
	dead := g.revoked[tok] || g.revokeAll && (strings.HasPrefix(tok, "polar_cst_") || strings.HasPrefix(tok, "polar_mst_"))
	hold, arrived := g.hold, g.arrived
	g.mu.Unlock()
	if dead {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		io.WriteString(w, `{"error":"invalid_token","error_description":"The access token provided is expired, revoked, malformed, or invalid for other reasons."}`)
		return
	}
	if hold != nil && r.Method == http.MethodPost && r.URL.Path == "/v1/customer-sessions/" {
		select {
		case arrived <- struct{}{}:
		default:
		}
		<-hold
	}
	g.next.ServeHTTP(w, r)
}

// last returns the last session token the gatekeeper saw.
func (g *gatekeeper) last() string {
	g.mu.Lock()
	defer g.mu.Unlock()
	for i := len(g.seen) - 1; i >= 0; i-- {
		if !strings.HasPrefix(g.seen[i], "polar_oat_") && g.seen[i] != "" {
			return g.seen[i]
		}
	}
	return ""
}

func (g *gatekeeper) revoke(tok string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.revoked == nil {
		g.revoked = map[string]bool{}
	}
	g.revoked[tok] = true
}

func (g *gatekeeper) tokens() []string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]string(nil), g.seen...)
}

type fixture struct {
	srv      *polartest.Server
	gate     *gatekeeper
	clock    *manualClock
	base     *polar.Client
	sessions *polar.Sessions
}

// newFixture starts a polartest server with the Demo data behind a
// gatekeeper, on a manual clock at DemoTime shared with the Sessions.
func newFixture(t *testing.T, sopts []polar.SessionsOption, copts ...polar.Option) *fixture {
	t.Helper()
	clk := &manualClock{now: polartest.DemoTime}
	srv := polartest.NewTestServer(t, polartest.WithDemo(), polartest.WithClock(clk.Now))
	gate := &gatekeeper{next: srv}
	ts := httptest.NewServer(gate)
	t.Cleanup(ts.Close)
	opts := append([]polar.Option{
		polar.WithBaseURL(ts.URL),
		polar.WithRetryPolicy(polar.RetryPolicy{MaxRetries: 3, MinWait: time.Millisecond, MaxWait: 10 * time.Millisecond}),
	}, copts...)
	base, err := polar.NewClient("", opts...)
	if err != nil {
		t.Fatal(err)
	}
	sessions, err := polar.NewSessions(base.WithToken(polartest.DemoOrganizationToken),
		append([]polar.SessionsOption{polar.WithSessionsClock(clk.Now)}, sopts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{srv: srv, gate: gate, clock: clk, base: base, sessions: sessions}
}

func (f *fixture) mints() int { return f.srv.Calls(createOp) }

func (f *fixture) alice(t *testing.T) *polar.Client {
	t.Helper()
	c, err := f.sessions.ForCustomer(context.Background(), polartest.DemoCustomerID)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func wantEmail(t *testing.T, c *polar.Client, want string) {
	t.Helper()
	me, err := c.Customers.Get(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if me.Email == nil || *me.Email != want {
		t.Fatalf("signed in as %v, want %s", me.Email, want)
	}
}

// TestSessionsMintOnceAndReuse: a customer's session is minted once and its
// client handed out again while the session is fresh.
func TestSessionsMintOnceAndReuse(t *testing.T) {
	f := newFixture(t, nil)
	// The mint runs on its own: it fills no WithResponse of a caller.
	var resp polar.Response
	c, err := f.sessions.ForCustomer(polar.WithResponse(context.Background(), &resp), polartest.DemoCustomerID)
	if err != nil || resp.StatusCode != 0 {
		t.Fatalf("%v; the mint filled the caller's Response: %d", err, resp.StatusCode)
	}
	wantEmail(t, c, "alice@example.com")
	for range 3 {
		if again := f.alice(t); again != c {
			t.Fatal("a fresh session's client was not reused")
		}
	}
	wantEmail(t, c, "alice@example.com")
	if n := f.mints(); n != 1 {
		t.Errorf("%d sessions minted, want 1", n)
	}
	bob, err := f.sessions.ForCustomer(context.Background(), polartest.DemoOtherCustomerID)
	if err != nil {
		t.Fatal(err)
	}
	wantEmail(t, bob, "bob@example.com")
	if n := f.mints(); n != 2 || f.sessions.Len() != 2 {
		t.Errorf("%d minted, %d kept; want 2 and 2", n, f.sessions.Len())
	}
}

// TestSessionsRenewBeforeExpiry: on the server's clock, a session is reused
// until its expiry less the margin, then renewed; the client handed out
// before follows the renewal.
func TestSessionsRenewBeforeExpiry(t *testing.T) {
	for _, margin := range []time.Duration{0, polar.DefaultRenewBefore, 10 * time.Minute} {
		t.Run(margin.String(), func(t *testing.T) {
			var opts []polar.SessionsOption
			if margin != polar.DefaultRenewBefore {
				opts = append(opts, polar.WithRenewBefore(margin))
			}
			f := newFixture(t, opts)
			ctx := context.Background()
			c := f.alice(t)
			first, err := c.Sessions.Introspect(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if want := polartest.DemoTime.Add(polartest.SessionDuration); !first.ExpiresAt.Equal(want) {
				t.Fatalf("expires at %v, want %v", first.ExpiresAt, want)
			}
			f.clock.Advance(polartest.SessionDuration - margin - time.Microsecond)
			if f.alice(t) != c || f.mints() != 1 {
				t.Fatalf("renewed before the margin: %d mints", f.mints())
			}
			f.clock.Advance(time.Microsecond)
			if f.alice(t) != c {
				t.Fatal("a renewal handed out another client")
			}
			if f.mints() != 2 {
				t.Fatalf("%d mints at expiry less the margin, want 2", f.mints())
			}
			// The client handed out first now holds the new session.
			second, err := c.Sessions.Introspect(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if want := f.clock.Now().Add(polartest.SessionDuration); !second.ExpiresAt.Equal(want) {
				t.Errorf("renewed session expires at %v, want %v", second.ExpiresAt, want)
			}
		})
	}
}

// TestSessionsHeldClientOutlivesExpiry: a client kept past its session's
// expiry, without asking the Sessions again, meets a 401 invalid_token
// once: it renews and the call succeeds.
func TestSessionsHeldClientOutlivesExpiry(t *testing.T) {
	f := newFixture(t, nil)
	c := f.alice(t)
	f.clock.Advance(3 * polartest.SessionDuration)
	wantEmail(t, c, "alice@example.com")
	if f.mints() != 2 {
		t.Errorf("%d mints, want 2", f.mints())
	}
	// The expired token was sent, refused, and the call sent again with
	// the new one.
	var sent []string
	for _, tok := range f.gate.tokens() {
		if !strings.HasPrefix(tok, "polar_oat_") {
			sent = append(sent, tok)
		}
	}
	if len(sent) != 2 || sent[0] == sent[1] {
		t.Errorf("%d session tokens sent, the second a new one: %v", len(sent), len(sent) == 2 && sent[0] != sent[1])
	}
}

// TestSessionsRevocation: a revoked session is renewed and the call sent
// once more, a PATCH included (Polar refuses a token before acting); a
// second refusal is the call's error, without a loop.
func TestSessionsRevocation(t *testing.T) {
	f := newFixture(t, nil)
	ctx := context.Background()
	c := f.alice(t)
	wantEmail(t, c, "alice@example.com")
	old := f.gate.last()
	f.gate.revoke(old)

	name := "Alice Martin GmbH"
	got, err := c.Customers.Update(ctx, &polar.CustomerPortalCustomerUpdate{BillingName: polar.Set(name)})
	if err != nil {
		t.Fatal(err)
	}
	if got.BillingName == nil || *got.BillingName != name {
		t.Errorf("billing name %v", got.BillingName)
	}
	if n := f.srv.Calls("customer_portal:customers:update"); n != 1 {
		t.Errorf("the update reached the server %d times, want 1", n)
	}
	if f.mints() != 2 || f.gate.last() == old {
		t.Errorf("%d mints, token renewed: %v", f.mints(), f.gate.last() != old)
	}
	// ForCustomer hands out the renewed session without another mint.
	if f.alice(t) != c || f.mints() != 2 {
		t.Errorf("after a renewal: %d mints", f.mints())
	}

	// Every session refused: one renewal, then the 401 is the error.
	f.gate.mu.Lock()
	f.gate.revokeAll = true
	f.gate.mu.Unlock()
	_, err = c.Customers.Get(ctx)
	var apiErr *polar.APIError
	if !errors.Is(err, polar.ErrInvalidToken) || !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusUnauthorized {
		t.Fatalf("err = %v", err)
	}
	if f.mints() != 3 {
		t.Errorf("%d mints, want 3 (one renewal per call)", f.mints())
	}
}

// TestSessionsFailedRenewal: when the renewal fails, the call's error is
// the 401 and says why the renewal failed; both match.
func TestSessionsFailedRenewal(t *testing.T) {
	f := newFixture(t, nil)
	c := f.alice(t)
	f.gate.revoke(func() string { wantEmail(t, c, "alice@example.com"); return f.gate.last() }())
	f.srv.InjectFault(polartest.Fault{Operation: createOp, Times: 1, Status: http.StatusForbidden,
		Body: `{"error":"insufficient_scope","error_description":"The request requires higher privileges than provided by the access token."}`})
	_, err := c.Customers.Get(context.Background())
	if !errors.Is(err, polar.ErrInvalidToken) || !errors.Is(err, polar.ErrInsufficientScope) || !strings.Contains(err.Error(), "renewing the customer session") {
		t.Fatalf("err = %v", err)
	}
	// The next call renews again, and succeeds.
	wantEmail(t, c, "alice@example.com")
}

// TestSessionsOtherUnauthorizedNotRenewed: a 401 that is not
// invalid_token (Polar's Unauthorized, answered after routing for a token
// of the wrong kind, or one without a name) mints nothing.
func TestSessionsOtherUnauthorizedNotRenewed(t *testing.T) {
	f := newFixture(t, nil)
	c := f.alice(t)
	for _, body := range []string{`{"error":"Unauthorized","detail":"Unauthorized"}`, ""} {
		f.srv.InjectFault(polartest.Fault{Operation: "customer_portal:orders:list", Times: 1, Status: http.StatusUnauthorized, Body: body})
		_, err := c.Orders.List(context.Background(), nil)
		var apiErr *polar.APIError
		if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusUnauthorized || errors.Is(err, polar.ErrInvalidToken) {
			t.Fatalf("err = %v", err)
		}
	}
	if f.mints() != 1 {
		t.Errorf("%d mints, want 1", f.mints())
	}
}

// TestSessionsConcurrentCallersShareOneMint: 100 goroutines asking for the
// same customer while the mint is in flight send one POST
// /v1/customer-sessions/ and get the same client.
func TestSessionsConcurrentCallersShareOneMint(t *testing.T) {
	f := newFixture(t, nil)
	hold, arrived := make(chan struct{}), make(chan struct{}, 1)
	f.gate.mu.Lock()
	f.gate.hold, f.gate.arrived = hold, arrived
	f.gate.mu.Unlock()

	const n = 100
	var started, done sync.WaitGroup
	clients := make([]*polar.Client, n)
	errs := make([]error, n)
	started.Add(n)
	for i := range n {
		done.Go(func() {
			started.Done()
			clients[i], errs[i] = f.sessions.ForCustomer(context.Background(), polartest.DemoCustomerID)
		})
	}
	started.Wait()
	<-arrived // the mint is held at the server while the others arrive
	close(hold)
	done.Wait()
	for i := range n {
		if errs[i] != nil || clients[i] != clients[0] {
			t.Fatalf("caller %d: %v, same client %v", i, errs[i], clients[i] == clients[0])
		}
	}
	if m := f.mints(); m != 1 {
		t.Errorf("%d sessions minted for %d concurrent callers, want 1", m, n)
	}
	wantEmail(t, clients[0], "alice@example.com")
}

// stubSessions is a SessionsService whose Create blocks until released
// and counts its calls.
type stubSessions struct {
	polar.SessionsService
	mu      sync.Mutex
	calls   int
	release chan struct{}
}

func (s *stubSessions) Create(ctx context.Context, body polar.CustomerSessionCreate) (*polar.CustomerSession, error) {
	s.mu.Lock()
	s.calls++
	n := s.calls
	s.mu.Unlock()
	select {
	case <-s.release:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	now := time.Now()
	return &polar.CustomerSession{Token: fmt.Sprintf("polar_cst_stub%039d", n), CreatedAt: now, ExpiresAt: now.Add(time.Hour),
		CustomerID: body.(*polar.CustomerSessionCustomerIDCreate).CustomerID}, nil
}

func (s *stubSessions) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls
}

// stubbedAdmin is an admin client whose Sessions service is a new
// stubSessions, its mints not yet released.
func stubbedAdmin(t testing.TB) (*polar.Client, *stubSessions) {
	t.Helper()
	admin, err := polar.NewClient("polar_oat_stub", polar.WithBaseURL("http://127.0.0.1:1"))
	if err != nil {
		t.Fatal(err)
	}
	stub := &stubSessions{release: make(chan struct{})}
	admin.Sessions = stub
	return admin, stub
}

func stubbedSessions(t testing.TB) (*polar.Sessions, *stubSessions) {
	t.Helper()
	admin, stub := stubbedAdmin(t)
	s, err := polar.NewSessions(admin)
	if err != nil {
		t.Fatal(err)
	}
	return s, stub
}

// TestSessionsSingleflight: with the mint blocked, every one of 100
// callers is waiting for the one mint before it completes.
func TestSessionsSingleflight(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s, stub := stubbedSessions(t)
		const n = 100
		clients := make(chan *polar.Client, n)
		for range n {
			go func() {
				c, err := s.ForCustomer(context.Background(), "cust")
				if err != nil {
					t.Error(err)
				}
				clients <- c
			}()
		}
		synctest.Wait() // every caller is blocked, on the one mint
		if c := stub.count(); c != 1 {
			t.Fatalf("%d mints in flight, want 1", c)
		}
		close(stub.release)
		first := <-clients
		for range n - 1 {
			if c := <-clients; c != first {
				t.Fatal("callers got different clients")
			}
		}
		if stub.count() != 1 {
			t.Errorf("%d mints", stub.count())
		}
	})
}

// TestSessionsCallerGivingUpDoesNotFailOthers: a caller whose context ends
// stops waiting; the mint goes on for the others.
func TestSessionsCallerGivingUpDoesNotFailOthers(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s, stub := stubbedSessions(t)
		ctx, cancel := context.WithCancel(context.Background())
		leader := make(chan error, 1)
		go func() {
			_, err := s.ForCustomer(ctx, "cust")
			leader <- err
		}()
		synctest.Wait()
		follower := make(chan *polar.Client, 1)
		go func() {
			c, err := s.ForCustomer(context.Background(), "cust")
			if err != nil {
				t.Error(err)
			}
			follower <- c
		}()
		synctest.Wait()
		cancel()
		if err := <-leader; !errors.Is(err, context.Canceled) {
			t.Errorf("leader: %v", err)
		}
		close(stub.release)
		if c := <-follower; c == nil {
			t.Fatal("no client")
		}
		if stub.count() != 1 {
			t.Errorf("%d mints, want 1", stub.count())
		}
	})
}

// TestSessionsLRU: a Sessions keeps at most WithMaxSessions sessions,
// forgetting the least recently used.
func TestSessionsLRU(t *testing.T) {
	f := newFixture(t, []polar.SessionsOption{polar.WithMaxSessions(2)})
	ctx := context.Background()
	get := func(id string) *polar.Client {
		t.Helper()
		c, err := f.sessions.ForCustomer(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	alice := get(polartest.DemoCustomerID)
	get(polartest.DemoOtherCustomerID)
	if get(polartest.DemoCustomerID) != alice { // Alice is now the most recent
		t.Fatal("not reused")
	}
	owner, err := f.sessions.ForMember(ctx, polartest.DemoTeamID, polartest.DemoOwnerMemberID)
	if err != nil {
		t.Fatal(err)
	}
	if f.sessions.Len() != 2 || f.mints() != 3 {
		t.Fatalf("kept %d, minted %d; want 2 and 3", f.sessions.Len(), f.mints())
	}
	if get(polartest.DemoCustomerID) != alice || f.mints() != 3 {
		t.Errorf("the most recent was forgotten: %d mints", f.mints())
	}
	get(polartest.DemoOtherCustomerID) // Bob was forgotten: minted again
	if f.mints() != 4 || f.sessions.Len() != 2 {
		t.Errorf("kept %d, minted %d; want 2 and 4", f.sessions.Len(), f.mints())
	}
	// A client of a forgotten session keeps working.
	if _, err := owner.Members.List(ctx, nil); err != nil {
		t.Error(err)
	}
}

// keyLimiter records the keys it is asked to wait for.
type keyLimiter struct {
	mu   sync.Mutex
	keys []string
}

func (l *keyLimiter) Wait(_ context.Context, _ polar.Zone, key string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.keys = append(l.keys, key)
	return nil
}

func (l *keyLimiter) Block(string, time.Duration) {}

// keyOf returns the limiter key of a call by c.
func (l *keyLimiter) keyOf(t *testing.T, c *polar.Client) string {
	t.Helper()
	l.mu.Lock()
	n := len(l.keys)
	l.mu.Unlock()
	if _, err := c.Sessions.Introspect(context.Background()); err != nil {
		t.Fatal(err)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.keys[n]
}

// TestSessionsCountUnderTheSubject: the clients of a Sessions count in the
// rate limiter under their customer (or member), as any client of that
// customer named with ForSubject, renewed or not.
func TestSessionsCountUnderTheSubject(t *testing.T) {
	lim := &keyLimiter{}
	f := newFixture(t, nil, polar.WithLimiter(lim))
	alice := f.alice(t)
	key := lim.keyOf(t, alice)
	aliceToken := f.gate.last()
	if want := lim.keyOf(t, f.base.WithToken(polartest.DemoCustomerToken, polar.ForSubject(polartest.DemoCustomerID))); key != want {
		t.Errorf("key %q, want the customer's %q", key, want)
	}
	if byToken := lim.keyOf(t, f.base.WithToken(polartest.DemoCustomerToken)); key == byToken {
		t.Error("counted under the token")
	}
	f.gate.revoke(aliceToken)
	if renewed := lim.keyOf(t, alice); renewed != key || f.mints() != 2 {
		t.Errorf("after renewal (%d mints): key %q, want %q", f.mints(), renewed, key)
	}

	ext, err := f.sessions.ForExternalCustomer(context.Background(), polartest.DemoCustomerExternalID)
	if err != nil {
		t.Fatal(err)
	}
	if k := lim.keyOf(t, ext); k != key {
		t.Errorf("by external ID: key %q, want the customer's %q", k, key)
	}

	owner, err := f.sessions.ForMember(context.Background(), polartest.DemoTeamID, polartest.DemoOwnerMemberID)
	if err != nil {
		t.Fatal(err)
	}
	if k, want := lim.keyOf(t, owner), lim.keyOf(t, f.base.WithToken(polartest.DemoMemberToken, polar.ForSubject(polartest.DemoOwnerMemberID))); k != want {
		t.Errorf("member: key %q, want the member's %q", k, want)
	}
}

// TestSessionsForMember: a member session signs in the member, with the
// member's role.
func TestSessionsForMember(t *testing.T) {
	f := newFixture(t, nil)
	ctx := context.Background()
	c, err := f.sessions.ForMember(ctx, polartest.DemoTeamID, polartest.DemoBillingManagerMemberID)
	if err != nil {
		t.Fatal(err)
	}
	u, err := c.Sessions.AuthenticatedUser(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if u.Type != polar.PortalUserTypeMember || u.MemberID == nil || *u.MemberID != polartest.DemoBillingManagerMemberID {
		t.Errorf("signed in %+v", u)
	}
	if again, _ := f.sessions.ForMember(ctx, polartest.DemoTeamID, polartest.DemoBillingManagerMemberID); again != c {
		t.Error("not reused")
	}
	other, err := f.sessions.ForMember(ctx, polartest.DemoTeamID, polartest.DemoPlainMemberID)
	if err != nil || other == c {
		t.Fatalf("another member: %v, same client %v", err, other == c)
	}
}

// TestSessionsExternalCustomer: a session by external ID signs in that
// customer; an ID matching customers of several organizations fails with
// the sentinel and says to name the organization.
func TestSessionsExternalCustomer(t *testing.T) {
	f := newFixture(t, nil)
	ctx := context.Background()
	c, err := f.sessions.ForExternalCustomer(ctx, polartest.DemoCustomerExternalID)
	if err != nil {
		t.Fatal(err)
	}
	wantEmail(t, c, "alice@example.com")

	f.srv.InjectFault(polartest.Fault{Operation: createOp, Times: 1, Status: http.StatusConflict,
		Body: `{"error":"AmbiguousExternalCustomerID","detail":"Multiple customers found with this external ID."}`})
	_, err = f.sessions.ForExternalCustomer(ctx, "shared-ext-id")
	var apiErr *polar.APIError
	if !errors.Is(err, polar.ErrAmbiguousExternalCustomerID) || !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusConflict {
		t.Fatalf("err = %v", err)
	}
	for _, want := range []string{`"shared-ext-id"`, "organization access token of the customer's organization", "ForCustomer"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
	if f.sessions.Len() != 1 {
		t.Errorf("a failed mint is kept: %d sessions", f.sessions.Len())
	}
}

// TestSessionsNeverShowTokens: no verb prints a token of a Sessions or its
// clients, and the debug log holds none.
func TestSessionsNeverShowTokens(t *testing.T) {
	var log bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&log, &slog.HandlerOptions{Level: slog.LevelDebug}))
	f := newFixture(t, nil, polar.WithLogger(logger))
	c := f.alice(t)
	wantEmail(t, c, "alice@example.com")
	f.gate.revoke(f.gate.last())
	wantEmail(t, c, "alice@example.com") // a renewal, logged too
	f.gate.mu.Lock()
	f.gate.revokeAll = true
	f.gate.mu.Unlock()
	_, callErr := c.Orders.List(context.Background(), nil)

	var printed strings.Builder
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x"} {
		fmt.Fprintf(&printed, verb+"\n", f.sessions)
		fmt.Fprintf(&printed, verb+"\n", c)
		fmt.Fprintf(&printed, verb+"\n", []any{f.sessions, c, callErr})
	}
	printed.WriteString(callErr.Error())
	toks := 0
	for _, tok := range f.gate.tokens() {
		if tok == "" {
			continue
		}
		toks++
		if strings.Contains(printed.String(), tok) || strings.Contains(log.String(), tok) {
			t.Fatalf("token %s... shown", tok[:10])
		}
		if secret := strings.TrimPrefix(strings.TrimPrefix(strings.TrimPrefix(tok, "polar_cst_"), "polar_mst_"), "polar_oat_"); strings.Contains(printed.String(), secret) {
			t.Fatalf("token secret shown")
		}
	}
	if toks < 3 || log.Len() == 0 || !strings.Contains(printed.String(), "polar.Sessions{sessions: 1") {
		t.Errorf("%d tokens, %d log bytes; printed:\n%s", toks, log.Len(), printed.String())
	}
}

// TestSessionsBadInput: a nil or tokenless admin, bad options and empty
// IDs are refused before anything is sent.
func TestSessionsBadInput(t *testing.T) {
	f := newFixture(t, nil)
	for name, opts := range map[string][]polar.SessionsOption{
		"negative margin": {polar.WithRenewBefore(-time.Second)},
		"no sessions":     {polar.WithMaxSessions(0)},
		"nil clock":       {polar.WithSessionsClock(nil)},
		"nil option":      {nil},
	} {
		if _, err := polar.NewSessions(f.base.WithToken(polartest.DemoOrganizationToken), opts...); !errors.Is(err, polar.ErrInvalidArgument) {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := polar.NewSessions(nil); !errors.Is(err, polar.ErrInvalidArgument) {
		t.Errorf("nil admin: %v", err)
	}
	if _, err := polar.NewSessions(f.base); !errors.Is(err, polar.ErrInvalidArgument) {
		t.Errorf("tokenless admin: %v", err)
	}
	if _, err := polar.NewSessions(f.base.WithToken("polar_oat_\n")); !errors.Is(err, polar.ErrInvalidArgument) {
		t.Errorf("unsendable token: %v", err)
	}
	ctx := context.Background()
	var noContext context.Context // a nil context is refused
	calls := []func() (*polar.Client, error){
		func() (*polar.Client, error) { return f.sessions.ForCustomer(ctx, "") },
		func() (*polar.Client, error) { return f.sessions.ForExternalCustomer(ctx, "") },
		func() (*polar.Client, error) { return f.sessions.ForMember(ctx, polartest.DemoTeamID, "") },
		func() (*polar.Client, error) { return f.sessions.ForMember(ctx, "", polartest.DemoOwnerMemberID) },
		func() (*polar.Client, error) { return f.sessions.ForCustomer(noContext, polartest.DemoCustomerID) },
	}
	for i, call := range calls {
		if c, err := call(); c != nil || !errors.Is(err, polar.ErrInvalidArgument) {
			t.Errorf("call %d: %v, %v", i, c, err)
		}
	}
	if len(f.gate.tokens()) != 0 || f.sessions.Len() != 0 {
		t.Errorf("%d requests sent, %d sessions kept", len(f.gate.tokens()), f.sessions.Len())
	}
	// An unknown customer is the server's validation error, and nothing
	// is kept.
	_, err := f.sessions.ForCustomer(ctx, "00000003-0000-4000-8000-000000009999")
	var verr *polar.ValidationError
	if !errors.As(err, &verr) || f.sessions.Len() != 0 {
		t.Errorf("unknown customer: %v, %d kept", err, f.sessions.Len())
	}
}

// BenchmarkSessionsForCustomer is the hot path: a customer whose session
// is fresh.
func BenchmarkSessionsForCustomer(b *testing.B) {
	s, stub := stubbedSessions(b)
	close(stub.release)
	ctx := context.Background()
	if _, err := s.ForCustomer(ctx, "cust"); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := s.ForCustomer(ctx, "cust"); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkSessionsMemory reports the heap a Sessions keeps per customer
// (bytes/session), with tokens of Polar's length.
func BenchmarkSessionsMemory(b *testing.B) {
	admin, stub := stubbedAdmin(b)
	close(stub.release)
	ctx := context.Background()
	const n = 10000
	var perSession float64
	for b.Loop() {
		s, err := polar.NewSessions(admin, polar.WithMaxSessions(n))
		if err != nil {
			b.Fatal(err)
		}
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		for i := range n {
			if _, err := s.ForCustomer(ctx, fmt.Sprintf("00000003-0000-4000-8000-%012d", i)); err != nil {
				b.Fatal(err)
			}
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		perSession = float64(after.HeapAlloc-before.HeapAlloc) / n
		runtime.KeepAlive(s)
	}
	b.ReportMetric(perSession, "bytes/session")
}
