// Package polar is a client for Polar's Customer Portal API: the orders,
// subscriptions, benefit grants, license keys, meters, wallets, payment
// methods, team members and seats that a signed-in customer can see and
// manage.
//
// Create one Client per process and derive a per-customer client from it
// with WithToken; all of them share one connection pool, one retrying
// transport and one rate limiter:
//
//	base, err := polar.NewClient("")
//	...
//	portal := base.WithToken(customerSessionToken)
//	for order, err := range portal.Orders.All(ctx, nil) {
//		...
//	}
//
// Every service is an interface (OrdersService, ...) so that code using the
// client can be tested with a stand-in.
package polar

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"reflect"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/google/go-querystring/query"
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

// Environment selects Polar's production or sandbox servers, and with them
// the server-side rate limits the client stays within.
type Environment int

const (
	// Production is https://api.polar.sh, the default.
	Production Environment = iota
	// Sandbox is https://sandbox-api.polar.sh, for testing with test cards.
	Sandbox
)

// BaseURL returns the environment's API base URL.
func (e Environment) BaseURL() string {
	if e == Sandbox {
		return "https://sandbox-api.polar.sh"
	}
	return "https://api.polar.sh"
}

// String returns "production" or "sandbox".
func (e Environment) String() string {
	switch e {
	case Production:
		return "production"
	case Sandbox:
		return "sandbox"
	}
	return fmt.Sprintf("Environment(%d)", int(e))
}

// Client is a client of the Customer Portal API. It is safe for concurrent
// use. A Client and every client derived from it with WithToken share one
// transport, connection pool, rate limiter and set of options.
//
// Printing a Client never shows its token.
type Client struct {
	core *core
	// auth returns the Authorization header value, built once per token.
	auth   credential
	key    string // rate-limit key: a hash of the token, never the token
	common service

	// Orders lists and fetches the customer's orders, their invoices and
	// receipts, and retries failed payments.
	Orders OrdersService
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
	versionHdr []string
	uaHdr      []string
}

// Shared header values. http.Header values are slices; these are set
// directly and never modified, which saves building them for every request.
var (
	acceptJSON      = []string{"application/json"}
	contentTypeJSON = []string{"application/json"}
)

// An Option configures a Client in NewClient.
type Option func(*config) error

type config struct {
	env        Environment
	baseURL    string
	httpClient *http.Client
	timeout    time.Duration
	policy     *RetryPolicy
	noRetries  bool
	limiter    Limiter
	noLimits   bool
	logger     *slog.Logger
	userAgent  string
	apiVersion string
	limiterSet bool
	timeoutSet bool
	baseURLSet bool
}

// WithEnvironment selects Production (the default) or Sandbox: the base URL
// and the server-side rate limits the client stays within.
func WithEnvironment(env Environment) Option {
	return func(c *config) error {
		if env != Production && env != Sandbox {
			return fmt.Errorf("polar: unknown environment %d", int(env))
		}
		c.env = env
		return nil
	}
}

// WithBaseURL sends requests to rawURL instead of the environment's URL, for
// example a test server or a proxy. Rate limits still follow the
// environment. The URL must be absolute http or https, without query or
// fragment; a path prefix is kept.
func WithBaseURL(rawURL string) Option {
	return func(c *config) error {
		c.baseURL = rawURL
		c.baseURLSet = true
		return nil
	}
}

// WithHTTPClient makes the client send through hc. Its transport is wrapped
// (by the rate limiter and per-attempt logging), never replaced, and its
// Timeout bounds each attempt. Its CheckRedirect and Jar are kept.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *config) error {
		if hc == nil {
			return errors.New("polar: WithHTTPClient: nil *http.Client")
		}
		c.httpClient = hc
		return nil
	}
}

// WithTimeout bounds each attempt of a call (default 30 s), so that a call
// whose context has no deadline cannot hang. Retries get a fresh timeout.
func WithTimeout(d time.Duration) Option {
	return func(c *config) error {
		if d <= 0 {
			return fmt.Errorf("polar: WithTimeout: timeout must be positive, got %v", d)
		}
		c.timeout = d
		c.timeoutSet = true
		return nil
	}
}

// WithRetryPolicy sets how failed attempts are retried. Zero fields take
// the defaults (3 retries, 500 ms, 30 s).
func WithRetryPolicy(p RetryPolicy) Option {
	return func(c *config) error {
		c.policy = &p
		return nil
	}
}

// WithoutRetries makes every call a single attempt.
func WithoutRetries() Option {
	return func(c *config) error {
		c.noRetries = true
		return nil
	}
}

// WithRateLimits replaces the client-side rate limiter, for example with one
// shared by every replica of a service. See NewRateLimiter for the default.
func WithRateLimits(l Limiter) Option {
	return func(c *config) error {
		if l == nil {
			return errors.New("polar: WithRateLimits: nil Limiter (use WithoutRateLimits)")
		}
		c.limiter = l
		c.limiterSet = true
		return nil
	}
}

// WithoutRateLimits turns client-side rate limiting off. Server-side 429
// answers are still retried or returned as *RateLimitError.
func WithoutRateLimits() Option {
	return func(c *config) error {
		c.noLimits = true
		return nil
	}
}

// WithLogger logs one debug line per attempt: method, path template,
// status, attempt number and time spent waiting for the rate limiter. It
// never logs tokens, query values or bodies.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) error {
		c.logger = l
		return nil
	}
}

// WithUserAgent puts product (such as "myapp/1.2") in front of the
// User-Agent header, which otherwise reads "polar-go/<version> (go<version>)".
func WithUserAgent(product string) Option {
	return func(c *config) error {
		if strings.ContainsAny(product, "\r\n") || strings.TrimSpace(product) == "" {
			return fmt.Errorf("polar: WithUserAgent: invalid value %q", product)
		}
		c.userAgent = product
		return nil
	}
}

var apiVersionRE = regexp.MustCompile(`^\d{4}-\d{2}$`)

// WithAPIVersion sends version (YYYY-MM) as Polar-Version instead of
// DefaultAPIVersion. The types of this package are written for
// DefaultAPIVersion; fields a newer version adds are ignored when decoding.
func WithAPIVersion(version string) Option {
	return func(c *config) error {
		if !apiVersionRE.MatchString(version) {
			return fmt.Errorf("polar: WithAPIVersion: want YYYY-MM, got %q", version)
		}
		c.apiVersion = version
		return nil
	}
}

// NewClient returns a client that authenticates with token, a customer or
// member session token (or an organization access token for
// Sessions.Create). The token may be empty for the operations that need
// none, such as license-key validation. NewClient reports invalid or
// contradictory options as an error.
func NewClient(token string, opts ...Option) (*Client, error) {
	cfg := config{env: Production, apiVersion: DefaultAPIVersion}
	for _, o := range opts {
		if o == nil {
			return nil, errors.New("polar: nil Option")
		}
		if err := o(&cfg); err != nil {
			return nil, err
		}
	}
	if cfg.noLimits && cfg.limiterSet {
		return nil, errors.New("polar: WithRateLimits and WithoutRateLimits contradict each other")
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
		if co.limiter, err = NewRateLimiter(limits); err != nil {
			return nil, err
		}
	}
	co.hc = co.newRetryClient(cfg)
	return newClient(co, token), nil
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

func parseBaseURL(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("polar: invalid base URL: %w", err)
	}
	if u.Scheme != "https" && u.Scheme != "http" {
		return nil, fmt.Errorf("polar: invalid base URL %q: scheme must be http or https", raw)
	}
	if u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" || u.Opaque != "" {
		return nil, fmt.Errorf("polar: invalid base URL %q: want scheme://host[/prefix] without user, query or fragment", raw)
	}
	return u, nil
}

func newClient(co *core, token string) *Client {
	c := &Client{core: co}
	if token != "" {
		hdr := []string{"Bearer " + token}
		c.auth = func() []string { return hdr }
		if co.limiter != nil {
			c.key = limiterKey(token)
		}
	}
	c.common.client = c
	c.Orders = (*ordersService)(&c.common)
	return c
}

// A credential yields the Authorization header of one token. It redacts
// itself under every fmt verb, and being a func it shows as an address at
// most when a printer reaches it by reflection: nothing prints the token.
type credential func() []string

// Format writes [REDACTED] whatever the verb.
func (credential) Format(f fmt.State, _ rune) { io.WriteString(f, "[REDACTED]") }

// limiterKey returns the rate-limit key of token: part of its SHA-256, so
// that a shared limiter never holds tokens.
func limiterKey(token string) string {
	var buf [256]byte // hashing from the stack saves an allocation per token
	sum := sha256.Sum256(append(buf[:0], token...))
	return hex.EncodeToString(sum[:12])
}

// WithToken returns a client that uses token and shares everything else
// with c: transport, connection pool, rate limiter, options. It is cheap
// enough to call per incoming request of a backend that serves many
// customers. An empty token makes a client for the operations that need
// none.
func (c *Client) WithToken(token string) *Client { return newClient(c.core, token) }

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
func (c *Client) Format(f fmt.State, _ rune) { io.WriteString(f, c.String()) }

// An operation names one call of the API: everything a service method
// states about it besides its result type. The one request path (send)
// does the rest.
type operation struct {
	method string
	// path is the path as the API document writes it, trailing slash
	// included, with at most one {parameter}.
	path string
	// public operations are sent without Authorization: a stale token would
	// turn them into 401s.
	public bool
	// zone is the rate-limit zone besides ZoneAPI, if any.
	zone Zone
	// accepted202 makes a 202 answer mean "not ready yet" (ErrNotReady).
	accepted202 bool
	// body says a request body is required.
	body bool
}

// An endpoint is an operation with its decode step, which turns a 2xx body
// into the result (interface results such as unions cannot go through a
// plain *T). A nil decode means the call has no result.
type endpoint[T any] struct {
	operation
	decode func([]byte) (T, error)
}

// decodeJSON is the decode step for a plain struct result.
func decodeJSON[T any](b []byte) (*T, error) {
	v := new(T)
	if err := json.Unmarshal(b, v); err != nil {
		return nil, err
	}
	return v, nil
}

// do sends one call: it validates the arguments, builds the request, sends
// it through the retrying transport and decodes the answer. id fills the
// path parameter; opts (a pointer to an options struct, or nil) becomes the
// query; body, when not nil, is sent as JSON.
func (e *endpoint[T]) do(ctx context.Context, c *Client, id string, opts, body any) (T, error) {
	var zero T
	data, err := c.send(ctx, &e.operation, e.decode != nil, id, opts, body)
	if err != nil || e.decode == nil {
		return zero, err
	}
	defer releaseBuffer(data)
	v, err := e.decode(data.Bytes())
	if err != nil {
		return zero, fmt.Errorf("polar: %s %s: decoding response: %w", e.method, e.path, err)
	}
	return v, nil
}

// errNilContext is returned when a method is called with a nil context.
var errNilContext = errors.New("polar: nil Context")

// send is the non-generic body of do. It returns the response body when
// wantBody is set and the status is 2xx.
func (c *Client) send(ctx context.Context, op *operation, wantBody bool, id string, opts, body any) (*bytes.Buffer, error) {
	if ctx == nil {
		return nil, errNilContext
	}
	method, tmpl := op.method, op.path
	rawURL, err := c.buildURL(tmpl, id, opts)
	if err != nil {
		return nil, err
	}
	var payload []byte
	if isNil(body) {
		if op.body {
			return nil, fmt.Errorf("polar: %s %s: request body is required", method, tmpl)
		}
	} else if payload, err = json.Marshal(body); err != nil {
		return nil, fmt.Errorf("polar: %s %s: encoding request body: %w", method, tmpl, err)
	}

	st := &callState{op: op}
	if !op.public {
		st.key = c.key
	}
	ctx = context.WithValue(ctx, callKey{}, st)
	hasBody := method == http.MethodPost || method == http.MethodPatch || method == http.MethodPut
	if hasBody {
		ctx = st.traceWrites(ctx)
	}
	req, err := http.NewRequestWithContext(ctx, method, rawURL, nil)
	if err != nil {
		return nil, fmt.Errorf("polar: %s %s: %w", method, tmpl, err)
	}
	h := req.Header
	h["Accept"] = acceptJSON
	h["Polar-Version"] = c.core.versionHdr
	h["User-Agent"] = c.core.uaHdr
	if !op.public && c.auth != nil {
		h["Authorization"] = c.auth()
	}
	rreq := &retryablehttp.Request{Request: req}
	if hasBody {
		h["Content-Type"] = contentTypeJSON
		// An untyped nil body keeps ContentLength 0 with no Body, which
		// net/http sends as "Content-Length: 0" for these methods: Polar
		// answers a chunked request with 411.
		if payload != nil {
			err = rreq.SetBody(payload)
		} else {
			err = rreq.SetBody(nil)
		}
		if err != nil {
			return nil, err
		}
	}

	resp, err := c.core.hc.Do(rreq)
	if err != nil {
		if resp != nil { // the call was cancelled with an answer in hand
			resp.Body.Close()
		}
		return nil, fmt.Errorf("polar: %s %s: %w", method, tmpl, err)
	}
	defer resp.Body.Close()
	if capture, ok := ctx.Value(responseKey{}).(*Response); ok {
		capture.StatusCode = resp.StatusCode
		capture.Header = resp.Header
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, newResponseError(resp, method, tmpl)
	}
	if resp.StatusCode == http.StatusAccepted && op.accepted202 {
		drain(resp.Body)
		return nil, fmt.Errorf("polar: %s %s: %w", method, tmpl, ErrNotReady)
	}
	if !wantBody {
		drain(resp.Body)
		return nil, nil
	}
	buf := getBuffer()
	if resp.ContentLength > 0 {
		buf.Grow(int(resp.ContentLength))
	}
	if _, err := buf.ReadFrom(resp.Body); err != nil {
		releaseBuffer(buf)
		return nil, fmt.Errorf("polar: %s %s: reading response: %w", method, tmpl, err)
	}
	return buf, nil
}

// buildURL returns the absolute URL of tmpl with its parameter set to id
// and the query encoded from opts.
func (c *Client) buildURL(tmpl, id string, opts any) (string, error) {
	before, rest, hasParam := strings.Cut(tmpl, "{")
	var after string
	if hasParam {
		_, after, _ = strings.Cut(rest, "}")
		if err := checkID(id); err != nil {
			return "", fmt.Errorf("polar: %s: %w", tmpl, err)
		}
	}
	var rawQuery string
	if !isNil(opts) {
		if l, ok := opts.(lister); ok {
			if err := l.listOptions().validate(); err != nil {
				return "", fmt.Errorf("polar: %s: %w", tmpl, err)
			}
		}
		v, err := query.Values(opts)
		if err != nil {
			return "", fmt.Errorf("polar: %s: encoding query: %w", tmpl, err)
		}
		rawQuery = v.Encode()
	}
	var sb strings.Builder
	sb.Grow(len(c.core.baseStr) + len(tmpl) + len(id)*3 + len(rawQuery) + 1)
	sb.WriteString(c.core.baseStr)
	sb.WriteString(before)
	if hasParam {
		sb.WriteString(url.PathEscape(id))
		sb.WriteString(after)
	}
	if rawQuery != "" {
		sb.WriteByte('?')
		sb.WriteString(rawQuery)
	}
	return sb.String(), nil
}

// checkID rejects path arguments that could not name a resource, or could
// reach another endpoint once a server or proxy normalized the path. Other
// characters are escaped.
func checkID(id string) error {
	switch id {
	case "":
		return errors.New("empty ID")
	case ".", "..":
		return fmt.Errorf("invalid ID %q", id)
	}
	return nil
}

// isNil reports whether v is nil or a nil pointer, map or slice.
func isNil(v any) bool {
	if v == nil {
		return true
	}
	switch rv := reflect.ValueOf(v); rv.Kind() {
	case reflect.Pointer, reflect.Map, reflect.Slice, reflect.Interface:
		return rv.IsNil()
	}
	return false
}

// drain reads what is left of a small body so that the connection can be
// reused; a large rest is not worth reading and the connection is dropped.
func drain(r io.Reader) { _, _ = io.Copy(io.Discard, io.LimitReader(r, 4<<10)) }

var bufferPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

func getBuffer() *bytes.Buffer { return bufferPool.Get().(*bytes.Buffer) }

// releaseBuffer returns a body buffer to the pool. Decoded values never
// alias it (encoding/json copies strings and raw messages).
func releaseBuffer(b *bytes.Buffer) {
	if b == nil || b.Cap() > 4<<20 {
		return
	}
	b.Reset()
	bufferPool.Put(b)
}

// Response is the metadata of a call's HTTP answer.
type Response struct {
	// StatusCode is the HTTP status of the final attempt.
	StatusCode int
	// Header holds the answer's headers.
	Header http.Header
}

// APIVersion returns the Polar-Version the server answered with.
func (r *Response) APIVersion() string { return r.Header.Get("Polar-Version") }

// Sandbox reports whether the answer came from the sandbox environment.
func (r *Response) Sandbox() bool { return r.Header.Get("X-Polar-Sandbox") == "1" }

type responseKey struct{}

// WithResponse returns a context that makes a call made with it fill *dst
// with the metadata of its HTTP answer, without changing method signatures:
//
//	var resp polar.Response
//	order, err := client.Orders.Get(polar.WithResponse(ctx, &resp), id)
//	fmt.Println(resp.StatusCode, resp.APIVersion())
//
// dst is filled whenever an answer arrived, also when the call then fails.
// Use one context (and one Response) per call.
func WithResponse(ctx context.Context, dst *Response) context.Context {
	return context.WithValue(ctx, responseKey{}, dst)
}
