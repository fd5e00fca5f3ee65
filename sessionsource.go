package polar

import (
	"bytes"
	"container/list"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// Defaults of NewSessions.
const (
	// DefaultRenewBefore is how long before its expiry a session is
	// replaced by a new one.
	DefaultRenewBefore = 5 * time.Minute
	// DefaultMaxSessions is how many customers' sessions a Sessions keeps.
	DefaultMaxSessions = 10000
)

// Sessions hands out clients bound to customer sessions, for a backend that
// holds one organization access token and serves many customers. It mints
// a session with Sessions.Create the first time a customer (or member) is
// asked for, and hands out the same client until the session is within
// WithRenewBefore of its expiry (DefaultRenewBefore), when it mints the
// next one:
//
//	sessions, err := polar.NewSessions(base.WithToken(orgToken))
//	...
//	portal, err := sessions.ForCustomer(ctx, customerID) // per incoming request
//	orders, err := portal.Orders.List(ctx, nil)
//
// Concurrent callers for the same customer share one mint: a hundred
// requests of a customer arriving together send one POST
// /v1/customer-sessions/. The mint runs on its own, so that a caller whose
// context ends stops waiting for it without failing the others.
//
// A client of a Sessions keeps working when its session ends: its token is
// read from the Sessions at every call, so a renewal reaches it, and a call
// that the server answers 401 invalid_token (the session expired or was
// revoked) mints a new session and is sent once more, with the new token.
// That is safe for every method, POST and PATCH included: Polar refuses a
// token before routing the request, so nothing was acted on. A second 401
// is the call's error.
//
// The clients count in the rate limiter under their customer, or their
// member for ForMember, as Polar counts (see ForSubject), and share the
// transport, connection pool and options of the client given to
// NewSessions.
//
// Memory is bounded: a Sessions keeps the sessions of at most
// WithMaxSessions customers and members (DefaultMaxSessions), forgetting
// the least recently used one first; a client already handed out still
// works, and renews its own session. Tokens are never logged, and printing
// a Sessions or one of its clients never shows one.
//
// A Sessions is safe for concurrent use.
type Sessions struct {
	admin       *Client
	renewBefore time.Duration
	max         int
	now         func() time.Time

	mu      sync.Mutex
	entries map[sessionKey]*sessionEntry
	lru     list.List // of *sessionEntry, the most recently used first
}

// A SessionsOption configures NewSessions.
type SessionsOption func(*sessionsConfig) error

type sessionsConfig struct {
	renewBefore time.Duration
	max         int
	now         func() time.Time
}

// WithRenewBefore sets how long before its expiry a session is replaced
// (default DefaultRenewBefore): a call that starts just before the expiry
// then does not meet a 401. It may not be negative; a margin as long as a
// session (an hour) mints a new session for every ForCustomer.
func WithRenewBefore(d time.Duration) SessionsOption {
	return func(c *sessionsConfig) error {
		if d < 0 {
			return fmt.Errorf("polar: %w: WithRenewBefore(%v) is negative", ErrInvalidArgument, d)
		}
		c.renewBefore = d
		return nil
	}
}

// WithMaxSessions sets how many customers' and members' sessions a
// Sessions keeps (default DefaultMaxSessions): past that, the least
// recently used is forgotten. Each costs about 800 bytes. It must be at
// least 1.
func WithMaxSessions(n int) SessionsOption {
	return func(c *sessionsConfig) error {
		if n < 1 {
			return fmt.Errorf("polar: %w: WithMaxSessions(%d) is below 1", ErrInvalidArgument, n)
		}
		c.max = n
		return nil
	}
}

// WithSessionsClock makes a Sessions read the time from now instead of
// time.Now, for tests that move a clock forward, such as the one of
// polartest.WithClock, instead of sleeping.
func WithSessionsClock(now func() time.Time) SessionsOption {
	return func(c *sessionsConfig) error {
		if now == nil {
			return fmt.Errorf("polar: %w: WithSessionsClock(nil)", ErrInvalidArgument)
		}
		c.now = now
		return nil
	}
}

// NewSessions returns a source of customer sessions minted with admin, a
// client holding an organization access token with the
// customer_sessions:write scope. Its clients derive from admin as
// WithToken's do. It reports a nil or tokenless admin and invalid options
// as an error.
func NewSessions(admin *Client, opts ...SessionsOption) (*Sessions, error) {
	if admin == nil {
		return nil, fmt.Errorf("polar: NewSessions: %w: nil admin client", ErrInvalidArgument)
	}
	if admin.authErr != nil {
		return nil, admin.authErr
	}
	if admin.auth == nil {
		return nil, fmt.Errorf("polar: NewSessions: %w: the admin client has no token (want an organization access token)", ErrInvalidArgument)
	}
	cfg := sessionsConfig{renewBefore: DefaultRenewBefore, max: DefaultMaxSessions, now: time.Now}
	for _, o := range opts {
		if o == nil {
			return nil, fmt.Errorf("polar: NewSessions: %w: nil SessionsOption", ErrInvalidArgument)
		}
		if err := o(&cfg); err != nil {
			return nil, err
		}
	}
	return &Sessions{
		admin:       admin,
		renewBefore: cfg.renewBefore,
		max:         cfg.max,
		now:         cfg.now,
		entries:     make(map[sessionKey]*sessionEntry),
	}, nil
}

// ForCustomer returns a client bound to a valid session of the customer
// with Polar ID customerID, minting one if there is none. An empty ID is
// refused with an error matching ErrInvalidArgument; the errors of
// Sessions.Create (an unknown customer's *ValidationError among them) are
// returned as they are.
func (s *Sessions) ForCustomer(ctx context.Context, customerID string) (*Client, error) {
	if customerID == "" {
		return nil, fmt.Errorf("polar: Sessions.ForCustomer: %w: empty customer ID", ErrInvalidArgument)
	}
	return s.get(ctx, sessionKey{kind: byCustomerID, id: customerID})
}

// ForExternalCustomer is ForCustomer for the customer whose ID in the
// organization's own system is externalID. When the ID matches customers
// of several organizations that the token reaches (a personal access
// token), the error matches ErrAmbiguousExternalCustomerID and says how to
// name the organization: Sessions.Create takes none, so use an
// organization access token of the customer's organization, or
// ForCustomer with the customer's Polar ID.
func (s *Sessions) ForExternalCustomer(ctx context.Context, externalID string) (*Client, error) {
	if externalID == "" {
		return nil, fmt.Errorf("polar: Sessions.ForExternalCustomer: %w: empty external customer ID", ErrInvalidArgument)
	}
	return s.get(ctx, sessionKey{kind: byExternalID, id: externalID})
}

// ForMember returns a client bound to a valid member session of member
// memberID of the customer customerID (Polar IDs), as a team customer's
// members need: the member's role decides what the client may do. The
// client counts in the rate limiter under the member, as Polar counts.
func (s *Sessions) ForMember(ctx context.Context, customerID, memberID string) (*Client, error) {
	if customerID == "" || memberID == "" {
		return nil, fmt.Errorf("polar: Sessions.ForMember: %w: empty customer or member ID", ErrInvalidArgument)
	}
	return s.get(ctx, sessionKey{kind: byCustomerID, id: customerID, member: memberID})
}

// Len returns the number of customers and members whose sessions s keeps.
func (s *Sessions) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.entries)
}

// String describes s without any token.
func (s *Sessions) String() string {
	if s == nil {
		return "polar.Sessions(nil)"
	}
	return "polar.Sessions{sessions: " + strconv.Itoa(s.Len()) + ", max: " + strconv.Itoa(s.max) +
		", renewBefore: " + s.renewBefore.String() + "}"
}

// GoString is String, so that %#v hides the tokens too.
func (s *Sessions) GoString() string { return s.String() }

// Format prints String under every verb, so no verb can show a token.
func (s *Sessions) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, s.String()) }

// sessionKey names the customer or member of a session. A struct rather
// than a joined string, so that a lookup allocates nothing.
type sessionKey struct {
	kind   uint8
	id     string // the customer's Polar ID, or external ID
	member string // the member's Polar ID, or ""
}

const (
	byCustomerID uint8 = iota
	byExternalID
)

// body returns what mints the sessions of k.
func (k sessionKey) body() CustomerSessionCreate {
	if k.kind == byExternalID {
		return &CustomerSessionCustomerExternalIDCreate{ExternalCustomerID: k.id}
	}
	return &CustomerSessionCustomerIDCreate{CustomerID: k.id, MemberID: k.member}
}

// sessionEntry is the session of one customer or member. Fields other than
// hdr are guarded by Sessions.mu.
type sessionEntry struct {
	key  sessionKey
	body CustomerSessionCreate // what mints its sessions
	elem *list.Element         // its place in the LRU list; nil once forgotten
	// hdr is the Authorization header of the current session, read by
	// the client at every call.
	hdr     atomic.Pointer[[]string]
	renewAt time.Time // zero when the session was refused
	client  *Client   // nil until the first session
	mint    *mint     // the mint in flight, if any
}

// mint is one Sessions.Create that every caller waiting for it shares.
type mint struct {
	done   chan struct{} // closed when client or err is set
	client *Client
	err    error
}

// get returns the client of the entry under key, minting its first or next
// session when needed.
func (s *Sessions) get(ctx context.Context, key sessionKey) (*Client, error) {
	if ctx == nil {
		return nil, errNilContext
	}
	s.mu.Lock()
	e := s.entries[key]
	if e == nil {
		e = &sessionEntry{key: key, body: key.body()}
		e.elem = s.lru.PushFront(e)
		s.entries[key] = e
		for s.lru.Len() > s.max {
			s.forget(s.lru.Back().Value.(*sessionEntry))
		}
	} else {
		s.lru.MoveToFront(e.elem)
	}
	if e.client != nil && s.now().Before(e.renewAt) {
		c := e.client
		s.mu.Unlock()
		return c, nil
	}
	m := s.startMint(ctx, e)
	s.mu.Unlock()
	return m.wait(ctx)
}

// forget drops e from the map and the LRU list. Called with s.mu held.
func (s *Sessions) forget(e *sessionEntry) {
	if e.elem == nil {
		return
	}
	s.lru.Remove(e.elem)
	e.elem = nil
	delete(s.entries, e.key)
}

// startMint returns the mint in flight for e, starting one if there is
// none. Called with s.mu held.
func (s *Sessions) startMint(ctx context.Context, e *sessionEntry) *mint {
	if e.mint != nil {
		return e.mint
	}
	m := &mint{done: make(chan struct{})}
	e.mint = m
	// The mint outlives a caller that gives up, for the others waiting; it
	// keeps the context's values but fills no caller's WithResponse.
	mctx := context.WithValue(context.WithoutCancel(ctx), responseKey{}, (*Response)(nil))
	go s.runMint(mctx, e, m)
	return m
}

func (s *Sessions) runMint(ctx context.Context, e *sessionEntry, m *mint) {
	start := s.now()
	sess, err := s.admin.Sessions.Create(ctx, e.body)
	if err == nil {
		err = checkSession(sess)
	}
	s.mu.Lock()
	e.mint = nil
	if err != nil {
		if e.client == nil {
			s.forget(e) // nothing worth keeping
		}
		s.mu.Unlock()
		m.err = mintError(e.body, err)
		close(m.done)
		return
	}
	hdr := []string{"Bearer " + sess.Token}
	e.hdr.Store(&hdr)
	e.renewAt = s.renewAt(start, sess)
	if e.client == nil {
		e.client = s.bind(e, sess)
	}
	m.client = e.client
	s.mu.Unlock()
	close(m.done)
}

// checkSession refuses a created session whose token cannot be used. The
// error never contains the token.
func checkSession(sess *CustomerSession) error {
	if sess == nil || sess.Token == "" {
		return errors.New("polar: Sessions.Create returned a session without a token")
	}
	return checkToken(sess.Token)
}

// renewAt returns when a session minted at start should be replaced. The
// session's lifetime is counted from start on the local clock, so that a
// clock that differs from the server's neither keeps a dead token nor drops
// a good one; without a creation time, the expiry is read as it is.
func (s *Sessions) renewAt(start time.Time, sess *CustomerSession) time.Time {
	if lifetime := sess.ExpiresAt.Sub(sess.CreatedAt); !sess.CreatedAt.IsZero() && lifetime > 0 {
		return start.Add(lifetime - s.renewBefore)
	}
	return sess.ExpiresAt.Add(-s.renewBefore)
}

// bind makes the client of e: a child of the admin client whose token is
// e's current one, counted in the limiter under e's subject.
func (s *Sessions) bind(e *sessionEntry, sess *CustomerSession) *Client {
	subject := e.key.member // Polar counts a member session per member
	if subject == "" {
		subject = sess.CustomerID
	}
	c := s.admin.WithToken(sess.Token, ForSubject(subject))
	c.auth = func() []string { return *e.hdr.Load() }
	c.renew = func(ctx context.Context, sent []string) error { return s.renew(ctx, e, sent) }
	return c
}

// renew mints a new session for e after the server refused the one whose
// header was sent, unless another call has renewed it since.
func (s *Sessions) renew(ctx context.Context, e *sessionEntry, sent []string) error {
	s.mu.Lock()
	if cur := e.hdr.Load(); len(sent) != 1 || (*cur)[0] != sent[0] {
		s.mu.Unlock()
		return nil
	}
	e.renewAt = time.Time{} // hand the refused session to nobody
	m := s.startMint(ctx, e)
	s.mu.Unlock()
	_, err := m.wait(ctx)
	return err
}

// wait returns the mint's result, or the context's error if it ends
// first.
func (m *mint) wait(ctx context.Context) (*Client, error) {
	select {
	case <-m.done:
		return m.client, m.err
	default:
	}
	select {
	case <-m.done:
		return m.client, m.err
	case <-ctx.Done():
		return nil, fmt.Errorf("polar: waiting for a customer session: %w", context.Cause(ctx))
	}
}

// mintError explains an ambiguous external customer ID.
func mintError(body CustomerSessionCreate, err error) error {
	if b, ok := body.(*CustomerSessionCustomerExternalIDCreate); ok && errors.Is(err, ErrAmbiguousExternalCustomerID) {
		return fmt.Errorf("polar: external customer ID %q matches customers of several organizations the token reaches: "+
			"pass the organization by minting with an organization access token of the customer's organization "+
			"(Sessions.Create takes no organization ID), or use ForCustomer with the customer's Polar ID: %w", b.ExternalCustomerID, err)
	}
	return err
}

// renewedKey marks the context of a call sent again after its session was
// renewed: it is not renewed twice.
type renewedKey struct{}

// mayRenew reports whether a failed call of c may renew its session and go
// again: c is bound to a Sessions, the answer is 401 invalid_token to the
// header sent, and the call was not sent again already.
func (c *Client) mayRenew(ctx context.Context, resp *http.Response, err error, sent []string) bool {
	return c.renew != nil && sent != nil && resp.StatusCode == http.StatusUnauthorized &&
		errors.Is(err, ErrInvalidToken) && ctx.Value(renewedKey{}) == nil
}

// renewAndResend renews c's session and sends the call again; err is the
// 401 the first try met.
func (c *Client) renewAndResend(ctx context.Context, err error, sent []string, op *operation, arg string, opts, body any) (*bytes.Buffer, error) {
	if rerr := c.renew(ctx, sent); rerr != nil {
		return nil, fmt.Errorf("%w (renewing the customer session: %w)", err, rerr)
	}
	return c.invoke(context.WithValue(ctx, renewedKey{}, true), op, arg, opts, body)
}
