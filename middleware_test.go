package polar

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// events is a log that middlewares, limiters and transports of a test
// append to, from whatever goroutine they run on.
type events struct {
	mu  sync.Mutex
	log []string
}

func (e *events) add(format string, args ...any) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.log = append(e.log, fmt.Sprintf(format, args...))
}

func (e *events) get() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return slices.Clone(e.log)
}

func (e *events) check(t *testing.T, want ...string) {
	t.Helper()
	if got := e.get(); !slices.Equal(got, want) {
		t.Errorf("events:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

// recordingMiddleware logs each request it passes on: the operation, the
// attempt and the status or error that came back.
func recordingMiddleware(ev *events) Middleware {
	return func(req *http.Request, next func(*http.Request) (*http.Response, error)) (*http.Response, error) {
		resp, err := next(req)
		status := "error"
		if err == nil {
			status = fmt.Sprint(resp.StatusCode)
		}
		ev.add("mw %s attempt %d: %s", OperationID(req.Context()), Attempt(req.Context()), status)
		return resp, err
	}
}

// eventLimiter is a Limiter that logs each wait with the operation its
// context names, and refuses with refuse when it is set.
type eventLimiter struct {
	ev     *events
	refuse error
}

func (l *eventLimiter) Wait(ctx context.Context, zone Zone, _ string) error {
	l.ev.add("wait %s %s", zone, OperationID(ctx))
	return l.refuse
}

func (l *eventLimiter) Block(string, time.Duration) {}

// TestMiddlewarePerAttempt: a middleware runs once per attempt, after the
// limiter let that attempt out, and sees each attempt's number and the
// operation; what next returned is what the retry policy judged.
func TestMiddlewarePerAttempt(t *testing.T) {
	srv := newRecorder(t, sequence(
		jsonAnswer(http.StatusServiceUnavailable, `{}`),
		jsonAnswer(http.StatusBadGateway, `{}`),
		jsonAnswer(http.StatusOK, testOrderJSON),
	))
	ev := &events{}
	c, err := NewClient(testToken, WithBaseURL(srv.URL), fastRetries,
		WithLimiter(&eventLimiter{ev: ev}), WithMiddleware(recordingMiddleware(ev)))
	if err != nil {
		t.Fatal(err)
	}
	o, err := c.Orders.Get(bg(), orderID)
	if err != nil || o.ID != orderID {
		t.Fatalf("Get = %v, %v", o, err)
	}
	ev.check(t,
		"wait api "+OpOrdersGet, "mw "+OpOrdersGet+" attempt 1: 503",
		"wait api "+OpOrdersGet, "mw "+OpOrdersGet+" attempt 2: 502",
		"wait api "+OpOrdersGet, "mw "+OpOrdersGet+" attempt 3: 200",
	)
	if srv.count() != 3 {
		t.Errorf("%d requests, want 3", srv.count())
	}
}

// TestMiddlewareNotReachedWhenLimited: an attempt the limiter refuses is
// not sent, and so never reaches the middleware.
func TestMiddlewareNotReachedWhenLimited(t *testing.T) {
	srv := newRecorder(t, jsonAnswer(http.StatusOK, testOrderJSON))
	ev := &events{}
	refused := errors.New("refused")
	c, err := NewClient(testToken, WithBaseURL(srv.URL), fastRetries,
		WithLimiter(&eventLimiter{ev: ev, refuse: refused}), WithMiddleware(recordingMiddleware(ev)))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Orders.Get(bg(), orderID); !errors.Is(err, refused) {
		t.Fatalf("err = %v", err)
	}
	ev.check(t, "wait api "+OpOrdersGet)
	if srv.count() != 0 {
		t.Errorf("%d requests sent", srv.count())
	}
}

// TestMiddlewareOrder: middlewares compose in the order given, the first
// outermost, across WithMiddleware options too; a change one makes to a
// copy of the request reaches the server.
func TestMiddlewareOrder(t *testing.T) {
	ev := &events{}
	named := func(name string) Middleware {
		return func(req *http.Request, next func(*http.Request) (*http.Response, error)) (*http.Response, error) {
			ev.add("%s in", name)
			req = req.Clone(req.Context())
			req.Header.Add("X-Trail", name)
			resp, err := next(req)
			ev.add("%s out", name)
			return resp, err
		}
	}
	srv := newRecorder(t, jsonAnswer(http.StatusOK, testOrderJSON))
	c := newTestClient(t, srv, testToken, WithMiddleware(named("a"), named("b")), WithMiddleware(named("c")))
	if _, err := c.Orders.Get(bg(), orderID); err != nil {
		t.Fatal(err)
	}
	ev.check(t, "a in", "b in", "c in", "c out", "b out", "a out")
	if got := srv.requests()[0].Header.Values("X-Trail"); !slices.Equal(got, []string{"a", "b", "c"}) {
		t.Errorf("X-Trail = %v", got)
	}
}

// TestMiddlewareSurvivesWithToken: the middlewares are the core's, so a
// client that WithToken derives sends through them with its own token,
// while a service the caller wrapped stays bound to the parent's token
// (the trap the Client doc describes).
func TestMiddlewareSurvivesWithToken(t *testing.T) {
	ev := &events{}
	mw := func(req *http.Request, next func(*http.Request) (*http.Response, error)) (*http.Response, error) {
		ev.add("%s %s", OperationID(req.Context()), req.Header.Get("Authorization"))
		return next(req)
	}
	srv := newRecorder(t, jsonAnswer(http.StatusOK, testOrderJSON))
	parent := newTestClient(t, srv, "parent-token", WithMiddleware(mw))
	child := parent.WithToken("child-token")
	if _, err := child.Orders.Get(bg(), orderID); err != nil {
		t.Fatal(err)
	}
	ev.check(t, OpOrdersGet+" Bearer child-token")

	parent.Orders = wrappedOrders{parent.Orders}
	if _, err := parent.WithToken("child-token").Orders.Get(bg(), orderID); err != nil {
		t.Fatal(err)
	}
	ev.check(t, OpOrdersGet+" Bearer child-token", OpOrdersGet+" Bearer parent-token")
}

// wrappedOrders is an OrdersService wrapped as a caller would, to count
// calls.
type wrappedOrders struct{ OrdersService }

// TestMiddlewareEveryOperation: every operation names itself to a
// middleware, and Authorization is in the request's headers exactly for
// the operations that send a token.
func TestMiddlewareEveryOperation(t *testing.T) {
	checkOpSpecsCover(t)
	for _, tc := range opSpecsInOrder() {
		t.Run(tc.id, func(t *testing.T) {
			op := registry[tc.id]
			status, answer := tc.response(op)
			ev := &events{}
			mw := func(req *http.Request, next func(*http.Request) (*http.Response, error)) (*http.Response, error) {
				ev.add("%s %s %d auth=%t", OperationID(req.Context()), OperationPath(req.Context()), Attempt(req.Context()), req.Header.Get("Authorization") != "")
				return next(req)
			}
			srv := newRecorder(t, jsonAnswer(status, answer))
			c := newTestClient(t, srv, testToken, WithMiddleware(mw))
			if err := tc.call(bg(), c, testUUID); err != nil {
				t.Fatal(err)
			}
			ev.check(t, fmt.Sprintf("%s %s 1 auth=%t", tc.id, op.path, !op.public))
		})
	}
}

// TestOperationIDOutsideMiddleware: the operation is also known to the
// transport of WithHTTPClient, and a context of no call names none.
func TestOperationIDOutsideMiddleware(t *testing.T) {
	if id, path, n := OperationID(bg()), OperationPath(bg()), Attempt(bg()); id != "" || path != "" || n != 0 {
		t.Errorf("background context: %q, %q, %d", id, path, n)
	}
	ev := &events{}
	srv := newRecorder(t, jsonAnswer(http.StatusOK, `{"url":"x"}`))
	hc := &http.Client{Transport: roundTripFunc(func(req *http.Request) (*http.Response, error) {
		ev.add("transport %s %s", OperationID(req.Context()), OperationPath(req.Context()))
		return http.DefaultTransport.RoundTrip(req)
	})}
	c := newTestClient(t, srv, testToken, WithHTTPClient(hc))
	if _, err := c.Orders.Invoice(bg(), orderID); err != nil {
		t.Fatal(err)
	}
	ev.check(t, "transport "+OpOrdersInvoice+" /v1/customer-portal/orders/{id}/invoice")
}

// TestMiddlewareRedirect: a redirect followed within an attempt passes
// through the middleware again, with the same attempt number.
func TestMiddlewareRedirect(t *testing.T) {
	srv := newRecorder(t, func(w http.ResponseWriter, r *http.Request) {
		if rest, ok := strings.CutPrefix(r.URL.Path, "/old"); ok {
			http.Redirect(w, r, rest, http.StatusTemporaryRedirect)
			return
		}
		jsonAnswer(http.StatusOK, testOrderJSON)(w, r)
	})
	ev := &events{}
	c := newTestClient(t, srv, testToken, WithBaseURL(srv.URL+"/old"), WithMiddleware(recordingMiddleware(ev)))
	if _, err := c.Orders.Get(bg(), orderID); err != nil {
		t.Fatal(err)
	}
	ev.check(t, "mw "+OpOrdersGet+" attempt 1: 307", "mw "+OpOrdersGet+" attempt 1: 200")
}

// TestMiddlewareAnswers: a middleware may answer without calling next,
// and whatever it returns, the call ends in a result or an error, never
// a panic; its own errors are not retried.
func TestMiddlewareAnswers(t *testing.T) {
	answer := func(resp *http.Response, err error) Middleware {
		return func(*http.Request, func(*http.Request) (*http.Response, error)) (*http.Response, error) {
			return resp, err
		}
	}
	jsonResp := func(status int, body string) *http.Response {
		return &http.Response{StatusCode: status, Header: http.Header{"Content-Type": {"application/json"}},
			Body: io.NopCloser(strings.NewReader(body))}
	}

	t.Run("stub", func(t *testing.T) {
		srv := newRecorder(t, jsonAnswer(http.StatusInternalServerError, `{}`))
		c := newTestClient(t, srv, testToken, WithMiddleware(answer(jsonResp(http.StatusOK, testOrderJSON), nil)))
		o, err := c.Orders.Get(bg(), orderID)
		if err != nil || o.ID != orderID {
			t.Fatalf("Get = %v, %v", o, err)
		}
		if srv.count() != 0 {
			t.Errorf("%d requests sent", srv.count())
		}
	})

	t.Run("own error", func(t *testing.T) {
		srv := newRecorder(t, jsonAnswer(http.StatusOK, testOrderJSON))
		ev := &events{}
		mine := errors.New("circuit open")
		c := newTestClient(t, srv, testToken, WithMiddleware(recordingMiddleware(ev), answer(nil, mine)))
		if _, err := c.Orders.Get(bg(), orderID); !errors.Is(err, mine) || !strings.Contains(err.Error(), "GET /v1/customer-portal/orders/{id}") {
			t.Fatalf("err = %v", err)
		}
		ev.check(t, "mw "+OpOrdersGet+" attempt 1: error")
	})

	t.Run("neither answer nor error", func(t *testing.T) {
		srv := newRecorder(t, jsonAnswer(http.StatusOK, testOrderJSON))
		c := newTestClient(t, srv, testToken, WithMiddleware(answer(nil, nil)))
		if _, err := c.Orders.Get(bg(), orderID); !errors.Is(err, errNoAnswer) {
			t.Fatalf("err = %v", err)
		}
	})

	t.Run("answer and error", func(t *testing.T) {
		srv := newRecorder(t, jsonAnswer(http.StatusOK, testOrderJSON))
		body := &closeRecorder{Reader: strings.NewReader(testOrderJSON)}
		resp := jsonResp(http.StatusOK, "")
		resp.Body = body
		mine := errors.New("both")
		c := newTestClient(t, srv, testToken, WithMiddleware(answer(resp, mine)))
		if _, err := c.Orders.Get(bg(), orderID); !errors.Is(err, mine) {
			t.Fatalf("err = %v", err)
		}
		if !body.closed.Load() {
			t.Error("the answer's body was not closed")
		}
	})

	t.Run("nil body", func(t *testing.T) {
		srv := newRecorder(t, jsonAnswer(http.StatusOK, testOrderJSON))
		for _, method := range []string{http.MethodGet, http.MethodPost} {
			c := newTestClient(t, srv, testToken, WithMiddleware(answer(&http.Response{StatusCode: http.StatusOK}, nil)))
			var err error
			if method == http.MethodGet {
				_, err = c.Orders.Get(bg(), orderID)
			} else {
				_, err = c.Orders.ConfirmRetryPayment(bg(), orderID, &CustomerOrderConfirmPayment{})
			}
			if err == nil || !strings.Contains(err.Error(), "decoding response") {
				t.Errorf("%s: err = %v", method, err)
			}
		}
		c := newTestClient(t, srv, testToken, WithMiddleware(answer(&http.Response{StatusCode: http.StatusAccepted}, nil)))
		if err := c.Orders.GenerateInvoice(bg(), orderID); err != nil {
			t.Errorf("GenerateInvoice: %v", err)
		}
	})
}

type cloneKey struct{}

// TestMiddlewareKeepsWriteTracking: a middleware that sends a copy of the
// request, as instrumenting transports do, keeps what the retry policy
// knows of it: a POST whose connection broke after it was written is not
// sent again, and one refused before it was written is.
func TestMiddlewareKeepsWriteTracking(t *testing.T) {
	ev := &events{}
	cloning := func(req *http.Request, next func(*http.Request) (*http.Response, error)) (*http.Response, error) {
		return next(req.Clone(context.WithValue(req.Context(), cloneKey{}, 1)))
	}
	srv := newRecorder(t, hangUp)
	c := newTestClient(t, srv, testToken, WithMiddleware(cloning, recordingMiddleware(ev)))
	if _, err := c.Orders.ConfirmRetryPayment(bg(), orderID, &CustomerOrderConfirmPayment{}); err == nil {
		t.Fatal("no error")
	}
	if srv.count() != 1 {
		t.Errorf("POST sent %d times after the connection broke, want 1", srv.count())
	}
	ev.check(t, "mw "+OpOrdersConfirmRetryPayment+" attempt 1: error")
}

// TestWithMiddlewareRefusesNil: a nil Middleware is a clear error of
// NewClient, as is TransportMiddleware of a nil wrap.
func TestWithMiddlewareRefusesNil(t *testing.T) {
	for name, mws := range map[string][]Middleware{
		"nil":             {nil},
		"second nil":      {recordingMiddleware(&events{}), nil},
		"nil wrap":        {TransportMiddleware(nil)},
		"wrap of nothing": {TransportMiddleware(func(http.RoundTripper) http.RoundTripper { return nil })},
	} {
		_, err := NewClient(testToken, WithMiddleware(mws...))
		if !errors.Is(err, ErrInvalidArgument) || !strings.Contains(err.Error(), "WithMiddleware") {
			t.Errorf("%s: err = %v", name, err)
		}
	}
	if _, err := NewClient(testToken, WithMiddleware()); err != nil {
		t.Errorf("no middlewares: %v", err)
	}
}

// TestTransportMiddleware: wrapped transports sit in the chain where
// their Middleware is, each called once per attempt with the request of
// the step before, and the transport given to wrap cannot be used on its
// own.
func TestTransportMiddleware(t *testing.T) {
	ev := &events{}
	var inner http.RoundTripper
	wrapping := func(name string) func(http.RoundTripper) http.RoundTripper {
		return func(next http.RoundTripper) http.RoundTripper {
			inner = next
			return roundTripFunc(func(req *http.Request) (*http.Response, error) {
				ev.add("%s %s attempt %d", name, OperationID(req.Context()), Attempt(req.Context()))
				req = req.Clone(req.Context())
				req.Header.Add("X-Trail", name)
				return next.RoundTrip(req)
			})
		}
	}
	srv := newRecorder(t, sequence(jsonAnswer(http.StatusBadGateway, `{}`), jsonAnswer(http.StatusOK, testOrderJSON)))
	c := newTestClient(t, srv, testToken, WithMiddleware(
		TransportMiddleware(wrapping("outer")), recordingMiddleware(ev), TransportMiddleware(wrapping("inner"))))
	if _, err := c.Orders.Get(bg(), orderID); err != nil {
		t.Fatal(err)
	}
	ev.check(t,
		"outer "+OpOrdersGet+" attempt 1", "inner "+OpOrdersGet+" attempt 1", "mw "+OpOrdersGet+" attempt 1: 502",
		"outer "+OpOrdersGet+" attempt 2", "inner "+OpOrdersGet+" attempt 2", "mw "+OpOrdersGet+" attempt 2: 200",
	)
	for _, r := range srv.requests() {
		if got := r.Header.Values("X-Trail"); !slices.Equal(got, []string{"outer", "inner"}) {
			t.Errorf("X-Trail = %v", got)
		}
	}

	req, _ := http.NewRequest(http.MethodGet, srv.URL, nil)
	if resp, err := inner.RoundTrip(req); err == nil || resp != nil {
		t.Errorf("the wrapped transport on its own: %v, %v", resp, err)
	}
	if srv.count() != 2 {
		t.Errorf("%d requests, want 2", srv.count())
	}
}
