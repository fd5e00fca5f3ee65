package polartest

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	polar "github.com/polarportal/polar-go"
	"github.com/polarportal/polar-go/internal/operations"
)

// Server is a fake Customer Portal API server on the loopback interface.
// It is safe for concurrent use; every request runs its handler with the
// store locked, so handlers never race each other.
type Server struct {
	// URL is the base URL of the server, such as http://127.0.0.1:40123,
	// for polar.WithBaseURL.
	URL string

	ts      *httptest.Server
	mux     *http.ServeMux
	ops     map[string]operations.Operation // by mux pattern
	byID    map[string]operations.Operation
	routes  map[string]route // by operation ID
	cfg     config
	mu      sync.Mutex // guards everything below
	store   *store
	faults  []*Fault
	limiter *rateLimiter
	calls   map[string]int // requests served per operation ID

	// closing is closed by Close, so that latency faults stop waiting.
	closing   chan struct{}
	closeOnce sync.Once
	// testHookFaultWait, if set, runs when a request starts waiting out
	// a latency fault.
	testHookFaultWait func()
}

// config is what the options set.
type config struct {
	clock        func() time.Time
	fixtures     []func(now time.Time) *Fixture // seeded in order, written at the clock's time
	rateLimits   bool
	sandbox      bool
	versions     map[string]bool
	receiptPolls int
	invoiceDelay time.Duration
}

// An Option configures a Server in NewServer.
type Option func(*config)

// WithFixture seeds the server with f (see Fixture and Server.Seed).
// NewServer panics if f is inconsistent, like a test fixture that cannot
// be loaded.
func WithFixture(f *Fixture) Option {
	return func(c *config) { c.fixtures = append(c.fixtures, func(time.Time) *Fixture { return f }) }
}

// WithDemo seeds the server with the Demo data set, so that the Demo...
// tokens and IDs work. The data set is written at the server's clock
// when it starts (see DemoAt and WithClock), so that what the Demo
// constants say holds then: on the real clock the key that "expires a
// day after DemoTime" expires tomorrow; with a clock at DemoTime the data
// are Demo's.
func WithDemo() Option {
	return func(c *config) { c.fixtures = append(c.fixtures, DemoAt) }
}

// WithClock makes the server read the time from now instead of time.Now:
// session expiry, the expires_at of created sessions and the rate-limit
// windows follow it. Tests move such a clock forward instead of sleeping.
func WithClock(now func() time.Time) Option {
	return func(c *config) { c.clock = now }
}

// WithPolarRateLimits makes the server rate-limit as Polar's servers do: 500
// requests a minute per customer, or per member for a member session,
// whatever the number of their sessions
// (per organization for an organization token, per client address
// without a token; 100 with WithSandbox), 3 a second on license-key
// validate, activate and deactivate with a 60 s block, and 6 a minute and
// 12 an hour on the email-update operations with a 900 s block. A block
// covers every operation of the caller. Over a limit the server answers
// 429 with an empty body and Retry-After. Windows are fixed, aligned on
// the server's clock (see WithClock). Polar's stricter group for a token's
// first request in 300 s is not modelled. Off by default.
func WithPolarRateLimits() Option {
	return func(c *config) { c.rateLimits = true }
}

// WithSandbox makes the server answer as the sandbox does: with
// X-Polar-Sandbox: 1, and the sandbox's limits under WithPolarRateLimits.
func WithSandbox() Option {
	return func(c *config) { c.sandbox = true }
}

// WithSupportedAPIVersions replaces the API versions the server knows (by default
// 2026-04, its default when a request sends none, 2026-10 and 2027-01). A
// request with another Polar-Version is answered 404 {"detail":"Not Found"}.
func WithSupportedAPIVersions(versions ...string) Option {
	return func(c *config) {
		c.versions = map[string]bool{}
		for _, v := range versions {
			c.versions[v] = true
		}
	}
}

// WithReceiptPolls sets how many times GET /orders/{id}/receipt answers
// 202 (the receipt is being rendered) for an order before it answers 200
// with the receipt's URL. The default is 2; 0 answers 200 at once.
func WithReceiptPolls(n int) Option {
	return func(c *config) { c.receiptPolls = n }
}

// WithInvoiceDelay sets how long, on the server's clock (see WithClock),
// generating an order's invoice takes: POST /orders/{id}/invoice queues
// it, and GET /orders/{id}/invoice answers 404 InvoiceDoesNotExist (and
// the order's is_invoice_generated stays false) until d has passed, as
// Polar's worker makes it later. The default is DefaultInvoiceDelay; 0
// makes the invoice ready for the next request.
func WithInvoiceDelay(d time.Duration) Option {
	return func(c *config) { c.invoiceDelay = max(d, 0) }
}

// DefaultInvoiceDelay is how long generating an invoice takes unless
// WithInvoiceDelay says otherwise: short, but long enough that a client
// that asks for the invoice right after generating it must poll.
const DefaultInvoiceDelay = 500 * time.Millisecond

// ServerDefaultAPIVersion is the version the server uses, and echoes, when a
// request sends no Polar-Version header, as Polar's own default at the
// time of writing.
const ServerDefaultAPIVersion = "2026-04"

// NewServer starts a fake server on the loopback interface. Close it when
// done, or use NewTestServer. It panics if a declared operation of package
// polar has no handler, or a fixture cannot be seeded.
func NewServer(opts ...Option) *Server {
	cfg := config{
		clock:        time.Now,
		versions:     map[string]bool{ServerDefaultAPIVersion: true, polar.DefaultAPIVersion: true, "2027-01": true},
		receiptPolls: 2,
		invoiceDelay: DefaultInvoiceDelay,
	}
	for _, o := range opts {
		o(&cfg)
	}
	s := &Server{
		cfg:    cfg,
		mux:    http.NewServeMux(),
		ops:    map[string]operations.Operation{},
		byID:   map[string]operations.Operation{},
		routes: allRoutes(),
		store:  newStore(),
		calls:  map[string]int{},

		closing: make(chan struct{}),
	}
	s.limiter = newRateLimiter(cfg.sandbox)
	for _, op := range operations.All() {
		rt, ok := s.routes[op.ID]
		if !ok {
			panic("polartest: no handler for operation " + op.ID + " (" + op.Method + " " + op.Path + ")")
		}
		pattern := muxPattern(op)
		s.ops[pattern] = op
		s.byID[op.ID] = op
		s.mux.Handle(pattern, s.operationHandler(op, rt))
	}
	s.mux.HandleFunc("/", s.unrouted)
	for _, fixture := range cfg.fixtures {
		if err := s.Seed(fixture(s.now())); err != nil {
			panic("polartest: " + err.Error())
		}
	}
	s.ts = httptest.NewServer(s)
	s.URL = s.ts.URL
	return s
}

// NewTestServer is NewServer for a test: the server closes itself when the
// test and its subtests end.
func NewTestServer(tb testing.TB, opts ...Option) *Server {
	tb.Helper()
	s := NewServer(opts...)
	tb.Cleanup(s.Close)
	return s
}

// muxPattern turns an operation into its ServeMux pattern: the path as the
// API document writes it, a trailing slash matching itself only.
func muxPattern(op operations.Operation) string {
	p := op.Method + " " + op.Path
	if strings.HasSuffix(p, "/") {
		p += "{$}"
	}
	return p
}

// Close shuts the server down, closing its connections. It waits for
// the requests being served, but not for latency faults: the requests
// waiting in one are dropped.
func (s *Server) Close() {
	s.closeOnce.Do(func() { close(s.closing) })
	s.ts.Close()
}

// Client returns a client of the server that authenticates with token (""
// for none). It sets polar.WithBaseURL(s.URL), turns client-side rate
// limits off (polar.WithoutRateLimits) and retries fast (the SDK's 3
// retries with waits of 1 to 10 ms, so that tests of retries stay quick;
// a Retry-After over 10 ms is not waited for, the call fails at once with
// a *polar.RateLimitError), then applies opts. A default that opts contradict (WithRateLimits or
// WithLimiter; WithoutRetries) is left out. It panics if opts are invalid,
// as polar.NewClient reports them.
func (s *Server) Client(token string, opts ...polar.Option) *polar.Client {
	base := []polar.Option{polar.WithBaseURL(s.URL)}
	noLimits, fast := polar.WithoutRateLimits(), polar.WithRetryPolicy(clientRetries)
	var err error
	for _, defaults := range [][]polar.Option{{noLimits, fast}, {fast}, {noLimits}, nil} {
		var c *polar.Client
		if c, err = polar.NewClient(token, append(append(slices.Clone(base), defaults...), opts...)...); err == nil {
			return c
		}
	}
	panic("polartest: Client: " + err.Error())
}

// clientRetries is the retry policy of Server.Client.
var clientRetries = polar.RetryPolicy{MaxRetries: 3, MinWait: time.Millisecond, MaxWait: 10 * time.Millisecond}

// Calls returns how many requests of the operation with that operationId
// reached its handler (after faults, rate limits and authentication). A
// call counts once per attempt that reached it, whatever its caller saw:
// a call cancelled, or timed out, while in flight may still have reached
// the handler and made its change, and so has one whose answer an
// AfterHandler fault replaced.
func (s *Server) Calls(operationID string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[operationID]
}

// now returns the server's time, in UTC at microsecond precision as
// Polar's timestamps are.
func (s *Server) now() time.Time { return s.cfg.clock().UTC().Truncate(time.Microsecond) }

type principalKey struct{}

// ServeHTTP answers a request in Polar's order: headers every answer
// carries, injected faults, the API version, rate limits, the bearer
// token (rejected before routing when unknown or expired), the length of
// a request body, then the operation, and last the AfterHandler faults.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	version := r.Header.Get("Polar-Version")
	if version == "" {
		version = ServerDefaultAPIVersion
	}
	h.Set("Polar-Version", version)
	h.Set("Cache-Control", "private, no-store")
	if s.cfg.sandbox {
		h.Set("X-Polar-Sandbox", "1")
	}
	_, pattern := s.mux.Handler(r)
	op, routed := s.ops[pattern]

	answered, after := s.applyFaults(w, r, op.ID)
	switch {
	case answered:
	case len(after) > 0:
		s.afterFaults(w, r, after, func(w http.ResponseWriter) { s.serve(w, r, op, routed, version) })
	default:
		s.serve(w, r, op, routed, version)
	}
}

// serve answers a request past the faults.
func (s *Server) serve(w http.ResponseWriter, r *http.Request, op operations.Operation, routed bool, version string) {
	if !s.cfg.versions[version] {
		writeError(w, errNotFoundPath())
		return
	}
	if s.cfg.rateLimits && s.rateLimited(w, r, op) {
		return
	}
	who, err := s.authenticate(r)
	if err != nil {
		writeError(w, err)
		return
	}
	if routed && (r.Method == http.MethodPost || r.Method == http.MethodPatch || r.Method == http.MethodPut) {
		if r.ContentLength < 0 {
			writeError(w, domainError(http.StatusLengthRequired, "LengthRequired", "Content-Length header is required."))
			return
		}
		if r.ContentLength > maxBody {
			writeError(w, domainError(http.StatusRequestEntityTooLarge, "RequestBodyTooLarge", "Request body is too large."))
			return
		}
	}
	s.mux.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), principalKey{}, who)))
}

// maxBody is the largest request body Polar accepts.
const maxBody = 10 << 20

// operationHandler serves one operation: it checks the caller against the
// route's access rule, then runs the handler with the store locked.
func (s *Server) operationHandler(op operations.Operation, rt route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		who, _ := r.Context().Value(principalKey{}).(*principal)
		if err := rt.access.check(who); err != nil {
			writeError(w, err)
			return
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		s.calls[op.ID]++
		c := &call{s: s, st: s.store, w: w, r: r, op: op, who: who, now: s.now()}
		if err := rt.handle(c); err != nil {
			writeError(w, err)
		}
	})
}

// unrouted answers what no operation matches: 307 to the other form of a
// path that differs by its trailing slash (as Polar, which costs a second
// request), 405 for a path served with other methods, 404 otherwise.
func (s *Server) unrouted(w http.ResponseWriter, r *http.Request) {
	alt := *r.URL
	if strings.HasSuffix(alt.Path, "/") {
		alt.Path = strings.TrimSuffix(alt.Path, "/")
	} else {
		alt.Path += "/"
	}
	alt.RawPath = ""
	if s.matches(r.Method, &alt) {
		loc := alt.Path
		if alt.RawQuery != "" {
			loc += "?" + alt.RawQuery
		}
		w.Header().Set("Location", loc)
		w.WriteHeader(http.StatusTemporaryRedirect)
		return
	}
	for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPatch, http.MethodDelete, http.MethodPut} {
		if m != r.Method && s.matches(m, r.URL) {
			writeError(w, &apiError{status: http.StatusMethodNotAllowed, body: map[string]any{"detail": "Method Not Allowed"}})
			return
		}
	}
	writeError(w, errNotFoundPath())
}

// matches reports whether an operation serves method on u.
func (s *Server) matches(method string, u interface{ String() string }) bool {
	req, err := http.NewRequest(method, u.String(), nil)
	if err != nil {
		return false
	}
	_, pattern := s.mux.Handler(req)
	_, ok := s.ops[pattern]
	return ok
}

// Seed adds the objects of f to the server's store. It fails, adding
// nothing, when an ID is taken or an object refers to one that does not
// exist.
func (s *Server) Seed(f *Fixture) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	next := s.store.clone()
	if err := next.seed(f); err != nil {
		return fmt.Errorf("seeding: %w", err)
	}
	s.store = next
	return nil
}
