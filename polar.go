package polar

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"runtime"
	"strings"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

const (
	// Version is the version of this module, sent in the User-Agent header.
	Version = "0.1.0"

	// DefaultAPIVersion is the Polar API version the types of this package
	// describe. It is sent as the Polar-Version header unless WithAPIVersion
	// says otherwise.
	DefaultAPIVersion = "2026-10"

	// DefaultTimeout bounds each attempt of a call when neither WithTimeout
	// nor the http.Client of WithHTTPClient sets a timeout.
	DefaultTimeout = 30 * time.Second

	// defaultMaxConns sizes the default transport for many concurrent
	// callers: go-retryablehttp's pooled default keeps only GOMAXPROCS+1
	// idle connections per host, so bursts of goroutines would dial anew.
	defaultMaxConns = 64
)

// Client is a client of the Customer Portal API. It is safe for concurrent
// use. A Client and every client derived from it with WithToken share one
// transport, connection pool, rate limiter and set of options.
//
// Its service fields may be replaced, by stubs in tests for example. A
// replacement is not rebound by WithToken, which can only rebind this
// package's own services: a wrapper put around a service to count or
// trace its calls keeps sending with the token of the client it wrapped,
// from every client WithToken derives. To observe calls, use
// WithMiddleware instead, which every derived client shares and which
// names each call's operation (OperationID).
//
// Printing a Client never shows its token.
type Client struct {
	core *core
	// auth returns the Authorization header value, built once per token.
	auth credential
	key  string // rate-limit key: a hash of the token, never the token
	// authErr refuses every authenticated call of a client made by
	// WithToken with a token that cannot be sent.
	authErr error
	// renew, on a client bound to a Sessions entry, mints a new session
	// after the server refused the one whose header was sent.
	renew  func(ctx context.Context, sent []string) error
	common service

	// Orders lists and fetches the customer's orders, their invoices and
	// receipts, and retries failed payments.
	Orders OrdersService
	// Customers reads and updates the signed-in customer, manages their
	// payment methods and changes their email address.
	Customers CustomersService
	// Members manages the members of a team customer.
	Members MembersService
	// Seats lists, assigns and revokes the seats of seat-based purchases.
	Seats SeatsService
	// Subscriptions lists, changes and cancels the customer's
	// subscriptions.
	Subscriptions SubscriptionsService
	// Wallets lists and fetches the customer's wallets.
	Wallets WalletsService
	// Meters lists and fetches the customer's usage meters.
	Meters MetersService
	// Organizations fetches an organization's public portal page; it needs
	// no token.
	Organizations OrganizationsService
	// Downloadables lists the files the customer may download.
	Downloadables DownloadablesService
	// BenefitGrants lists, fetches and updates the benefits granted to the
	// customer.
	BenefitGrants BenefitGrantsService
	// LicenseKeys lists, fetches and rotates the customer's license keys,
	// and validates, activates and deactivates keys without a token.
	LicenseKeys LicenseKeysService
	// Sessions creates customer sessions (with an organization access
	// token) and tells what the current session is.
	Sessions SessionsService
}

// service is the state every service implementation shares: a pointer back
// to its Client. Each service type is a conversion of it, so a Client needs
// no allocation per service.
type service struct {
	client *Client
}

// core is what a Client and all its WithToken children share.
type core struct {
	base       *url.URL
	baseStr    string // base URL without trailing slash
	env        Environment
	hc         *retryablehttp.Client
	limiter    Limiter
	logger     *slog.Logger
	policy     RetryPolicy
	retries    bool
	prefetch   int // pages the All iterators fetch ahead
	versionHdr []string
	uaHdr      []string
}

// Shared header values. http.Header values are slices; these are set
// directly and never modified, which saves building them for every request.
var (
	acceptJSON      = []string{"application/json"}
	contentTypeJSON = []string{"application/json"}
)

// NewClient returns a client that authenticates with token, a customer or
// member session token (or an organization access token for
// Sessions.Create). The token may be empty for the operations that need
// none, such as license-key validation. NewClient reports invalid or
// contradictory options as an error.
func NewClient(token string, opts ...Option) (*Client, error) {
	if err := checkToken(token); err != nil {
		return nil, err
	}
	cfg := config{env: Production, apiVersion: DefaultAPIVersion}
	for _, o := range opts {
		if o == nil {
			return nil, errors.New("polar: nil Option")
		}
		if err := o(&cfg); err != nil {
			return nil, err
		}
	}
	if cfg.noLimits && (cfg.limiter != nil || cfg.limits != nil) {
		return nil, errors.New("polar: WithLimiter or WithRateLimits contradicts WithoutRateLimits")
	}
	if cfg.limiter != nil && cfg.limits != nil {
		return nil, errors.New("polar: WithRateLimits configures the default limiter, which WithLimiter replaces")
	}
	if cfg.noRetries && cfg.policy != nil {
		return nil, errors.New("polar: WithRetryPolicy and WithoutRetries contradict each other")
	}
	if cfg.timeoutSet && cfg.httpClient != nil && cfg.httpClient.Timeout != 0 {
		return nil, errors.New("polar: WithTimeout and the Timeout of WithHTTPClient's client contradict each other")
	}
	policy, err := cfg.retryPolicy()
	if err != nil {
		return nil, err
	}
	rawBase := cfg.env.BaseURL()
	if cfg.baseURLSet {
		rawBase = cfg.baseURL
	}
	base, err := parseBaseURL(rawBase)
	if err != nil {
		return nil, err
	}

	co := &core{
		base:       base,
		baseStr:    strings.TrimSuffix(base.String(), "/"),
		env:        cfg.env,
		logger:     cfg.logger,
		policy:     policy,
		retries:    !cfg.noRetries,
		prefetch:   cfg.prefetch,
		versionHdr: []string{cfg.apiVersion},
	}
	ua := "polar-go/" + Version + " (" + runtime.Version() + ")"
	if cfg.userAgent != "" {
		ua = cfg.userAgent + " " + ua
	}
	co.uaHdr = []string{ua}
	switch {
	case cfg.noLimits:
	case cfg.limiter != nil:
		co.limiter = cfg.limiter
	default:
		limits := DefaultRateLimits(cfg.env)
		limits.MaxBlockWait = policy.MaxWait
		if cfg.limits != nil {
			limits = *cfg.limits
		}
		if co.limiter, err = NewRateLimiter(limits); err != nil {
			return nil, err
		}
	}
	co.hc = co.newRetryClient(cfg)
	return newClient(co, token, ""), nil
}

// newRetryClient builds the one retrying client of a core.
func (co *core) newRetryClient(cfg config) *retryablehttp.Client {
	var next http.RoundTripper
	hc := &http.Client{}
	timeout := DefaultTimeout
	if cfg.httpClient != nil {
		*hc = *cfg.httpClient // keep Jar and CheckRedirect
		next = cfg.httpClient.Transport
		if next == nil {
			next = http.DefaultTransport
		}
		if hc.Timeout != 0 {
			timeout = hc.Timeout
		}
	} else {
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.MaxIdleConns = 0 // no global cap; the per-host caps below bound the pool
		t.MaxIdleConnsPerHost = defaultMaxConns
		t.MaxConnsPerHost = defaultMaxConns
		next = t
	}
	if cfg.timeoutSet {
		timeout = cfg.timeout
	}
	// The per-attempt timeout lives in attemptTransport: http.Client's own
	// Timeout over a transport that is not an *http.Transport falls back to
	// cancelling through two extra goroutines per request.
	hc.Timeout = 0
	// The wrapper deliberately has no CloseIdleConnections method:
	// go-retryablehttp calls it after every failed call, which would empty
	// the pool shared by every goroutine and WithToken child.
	hc.Transport = &attemptTransport{next: next, limiter: co.limiter, logger: co.logger, timeout: timeout,
		middleware: chainMiddleware(cfg.middleware, next)} //nolint:bodyclose // builds the chain; attemptTransport closes what it sends
	userRedirect := hc.CheckRedirect
	hc.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		// The token goes to the base URL's host only: net/http keeps it for
		// subdomains and for a switch to plain http.
		if req.URL.Host != co.base.Host || req.URL.Scheme != co.base.Scheme {
			req.Header.Del("Authorization")
		}
		if req.URL.Scheme != "https" && req.URL.Scheme != "http" {
			return &redirectError{fmt.Errorf("redirect to unsupported scheme %q", req.URL.Scheme)}
		}
		if userRedirect != nil {
			err := userRedirect(req, via)
			if err != nil && err != http.ErrUseLastResponse { //nolint:errorlint // net/http compares it as is
				return &redirectError{err}
			}
			return err
		}
		if len(via) >= 10 {
			return &redirectError{errors.New("stopped after 10 redirects")}
		}
		return nil
	}
	rc := &retryablehttp.Client{
		HTTPClient:   hc,
		Logger:       nil, // its logger prints full URLs; attemptTransport logs instead
		RetryWaitMin: co.policy.MinWait,
		RetryWaitMax: co.policy.MaxWait,
		RetryMax:     co.policy.MaxRetries,
		CheckRetry:   co.policy.checkRetry,
		Backoff:      backoff,
		// The default handler drains and hides the last response; passing
		// it through lets the caller build a typed error from it.
		ErrorHandler: func(resp *http.Response, err error, _ int) (*http.Response, error) {
			return resp, err
		},
	}
	if !co.retries {
		rc.RetryMax = 0
	}
	return rc
}

func (cfg *config) retryPolicy() (RetryPolicy, error) {
	p := RetryPolicy{}
	if cfg.policy != nil {
		p = *cfg.policy
	}
	if p.MaxRetries < 0 || p.MinWait < 0 || p.MaxWait < 0 {
		return p, fmt.Errorf("polar: WithRetryPolicy: negative field in %+v", p)
	}
	if p.MaxRetries == 0 {
		p.MaxRetries = defaultRetryPolicy.MaxRetries
	}
	if p.MinWait == 0 {
		p.MinWait = defaultRetryPolicy.MinWait
	}
	if p.MaxWait == 0 {
		p.MaxWait = defaultRetryPolicy.MaxWait
	}
	if p.MinWait > p.MaxWait {
		return p, fmt.Errorf("polar: WithRetryPolicy: MinWait %v exceeds MaxWait %v", p.MinWait, p.MaxWait)
	}
	return p, nil
}

// parseBaseURL accepts only scheme://host[:port][/prefix]: anything more
// would change where requests go, as an empty query ("http://h?") does by
// ending every URL before its path.
func parseBaseURL(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("polar: invalid base URL: %w", err)
	}
	if u.Scheme != "https" && u.Scheme != "http" {
		return nil, fmt.Errorf("polar: invalid base URL %q: scheme must be http or https", raw)
	}
	// url.Parse drops an empty fragment and keeps an empty query only as
	// ForceQuery: the raw text tells both.
	if u.Hostname() == "" || u.User != nil || u.Opaque != "" || strings.ContainsAny(raw, "?#") {
		return nil, fmt.Errorf("polar: invalid base URL %q: want scheme://host[/prefix] without user, query or fragment", raw)
	}
	for seg := range strings.SplitSeq(u.Path, "/") {
		if seg == "." || seg == ".." {
			return nil, fmt.Errorf("polar: invalid base URL %q: dot segment in the path prefix", raw)
		}
	}
	return u, nil
}

// newClient makes a client of co for token, whose rate-limit key is key
// when the caller named the token's subject, else the token's own.
func newClient(co *core, token, key string) *Client {
	c := &Client{core: co}
	if token != "" {
		hdr := []string{"Bearer " + token}
		c.auth = func() []string { return hdr }
		if co.limiter != nil {
			if key == "" {
				key = limiterKey(token)
			}
			c.key = key
		}
	}
	c.common.client = c
	c.Orders = (*ordersService)(&c.common)
	c.Customers = (*customersService)(&c.common)
	c.Members = (*membersService)(&c.common)
	c.Seats = (*seatsService)(&c.common)
	c.Subscriptions = (*subscriptionsService)(&c.common)
	c.Wallets = (*walletsService)(&c.common)
	c.Meters = (*metersService)(&c.common)
	c.Organizations = (*organizationsService)(&c.common)
	c.Downloadables = (*downloadablesService)(&c.common)
	c.BenefitGrants = (*benefitGrantsService)(&c.common)
	c.LicenseKeys = (*licenseKeysService)(&c.common)
	c.Sessions = (*sessionsService)(&c.common)
	return c
}

// checkToken refuses a token that cannot travel in an HTTP header. The
// error never contains the token.
func checkToken(token string) error {
	for i := 0; i < len(token); i++ {
		if b := token[i]; b < 0x20 || b == 0x7f {
			return fmt.Errorf("polar: %w: the token has a control character at byte %d", ErrInvalidArgument, i)
		}
	}
	return nil
}

// keepReplaced carries over to c, a client derived from parent, the
// services the caller replaced in parent. The rule is one for every
// field: it keeps c's own implementation, bound to c by newClient, while
// parent's field still holds parent's own; anything else there (a
// stand-in, another client's service, nil) is carried over as it is.
// Comparing with parent's own values tells the two apart without a marker
// on the service types, and without an allocation.
func (c *Client) keepReplaced(parent *Client) {
	p := &parent.common
	keep(&c.Orders, parent.Orders, (*ordersService)(p))
	keep(&c.Customers, parent.Customers, (*customersService)(p))
	keep(&c.Members, parent.Members, (*membersService)(p))
	keep(&c.Seats, parent.Seats, (*seatsService)(p))
	keep(&c.Subscriptions, parent.Subscriptions, (*subscriptionsService)(p))
	keep(&c.Wallets, parent.Wallets, (*walletsService)(p))
	keep(&c.Meters, parent.Meters, (*metersService)(p))
	keep(&c.Organizations, parent.Organizations, (*organizationsService)(p))
	keep(&c.Downloadables, parent.Downloadables, (*downloadablesService)(p))
	keep(&c.BenefitGrants, parent.BenefitGrants, (*benefitGrantsService)(p))
	keep(&c.LicenseKeys, parent.LicenseKeys, (*licenseKeysService)(p))
	keep(&c.Sessions, parent.Sessions, (*sessionsService)(p))
}

// keep sets *dst to held unless held is own, the parent's own
// implementation. The comparison cannot panic: own is a pointer.
func keep[S any](dst *S, held S, own any) {
	if any(held) != own {
		*dst = held
	}
}

// A credential yields the Authorization header of one token. It redacts
// itself under every fmt verb, and being a func it shows as an address at
// most when a printer reaches it by reflection: nothing prints the token.
type credential func() []string

// Format writes [REDACTED] whatever the verb.
func (credential) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, "[REDACTED]") }

// limiterKey returns the rate-limit key of token: part of its SHA-256, so
// that a shared limiter never holds tokens.
func limiterKey(token string) string {
	var buf [256]byte // hashing from the stack saves an allocation per token
	sum := sha256.Sum256(append(buf[:0], token...))
	return hex.EncodeToString(sum[:12])
}

// subjectKey returns the rate-limit key of a subject ID: "s" and part of
// the ID's SHA-256, which no token's key starts with. The ID is no secret;
// it is hashed so that every key has the same small size.
func subjectKey(id string) string {
	var buf [256]byte
	sum := sha256.Sum256(append(buf[:0], id...))
	var out [25]byte
	out[0] = 's'
	hex.Encode(out[1:], sum[:12])
	return string(out[:])
}

// A TokenOption tells WithToken more about its token. It is a value, so
// that passing one costs WithToken no allocation.
type TokenOption struct {
	key string // the rate-limit key to use, already made
}

// ForSubject names the customer or member a token belongs to, by its
// Polar ID (a customer session's CustomerID, or the member's ID for a
// member session). Polar counts its rate limits per customer or member,
// not per token: clients of one subject then share one budget in the
// default limiter (and in a Limiter of the caller's), however many session
// tokens the subject has. Without it each token counts on its own, so two
// sessions of one customer could together send twice Polar's limit and be
// refused. The ID is not a secret; the limiter keeps a hash of it, never
// the token. An empty ID names nobody.
func ForSubject(id string) TokenOption {
	if id == "" {
		return TokenOption{}
	}
	return TokenOption{key: subjectKey(id)}
}

// SubjectOf names the same subject as client c: the token belongs to
// whomever c's token belongs to, as the new session token that
// VerifyEmailUpdate returns belongs to the customer whose session asked
// for the change.
func SubjectOf(c *Client) TokenOption { return TokenOption{key: c.key} }

// ForSession returns a client that uses the token of session s, counted
// in the rate limiter as its customer (WithToken with ForSubject of the
// session's CustomerID). A member session of a team customer is then
// counted with the other members of the team, which is more cautious than
// Polar's count per member; name the member with ForSubject instead to
// give each member its own budget.
func (c *Client) ForSession(s *CustomerSession) *Client {
	if s == nil {
		return c.WithToken("")
	}
	return c.WithToken(s.Token, ForSubject(s.CustomerID))
}

// WithToken returns a client that uses token and shares everything else
// with c: transport, connection pool, rate limiter, options. It is cheap
// enough to call per incoming request of a backend that serves many
// customers. An empty token makes a client for the operations that need
// none.
//
// A service field of c that holds anything but c's own implementation
// (a stand-in of a test, another client's service) is carried over as it
// is; the others are bound to the new token. A wrapper around one of c's
// services is carried over too, still sending with c's token: observe
// calls with WithMiddleware rather than by wrapping services (see Client).
//
// A token that cannot be sent in a header (one with a control character)
// gives a client whose authenticated calls all fail with an error matching
// ErrInvalidArgument, without sending anything.
//
// The rate limiter counts each token on its own unless opts name the
// customer or member it belongs to (ForSubject, SubjectOf), as Polar
// counts; ForSession does so for a session from Sessions.Create. A call
// costs five allocations (the client, its Authorization header and the
// limiter key among them), with or without options.
func (c *Client) WithToken(token string, opts ...TokenOption) *Client {
	var key string
	for _, o := range opts {
		if o.key != "" {
			key = o.key
		}
	}
	child := newClient(c.core, token, key)
	if err := checkToken(token); err != nil {
		child.auth, child.authErr = nil, err
	}
	child.keepReplaced(c)
	return child
}

// Environment returns the environment the client was made for.
func (c *Client) Environment() Environment { return c.core.env }

// BaseURL returns the base URL requests are sent to.
func (c *Client) BaseURL() string { return c.core.baseStr }

// String describes the client without its token.
func (c *Client) String() string {
	if c == nil {
		return "polar.Client(nil)"
	}
	tok := "none"
	if c.auth != nil {
		tok = "[REDACTED]"
	}
	return "polar.Client{baseURL: " + c.core.baseStr + ", env: " + c.core.env.String() + ", token: " + tok + "}"
}

// GoString is String, so that %#v hides the token too.
func (c *Client) GoString() string { return c.String() }

// Format prints String under every verb, so no verb can show the token.
func (c *Client) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, c.String()) }
