package polar

import (
	"context"
	"errors"
	"net/http"
)

// A Middleware wraps the HTTP requests of every call, for metrics,
// tracing or logging of the caller's own. It receives the request and
// next, which sends it on, and returns the answer the call goes on with:
//
//	func(req *http.Request, next func(*http.Request) (*http.Response, error)) (*http.Response, error) {
//		start := time.Now()
//		resp, err := next(req)
//		observe(polar.OperationID(req.Context()), polar.Attempt(req.Context()), time.Since(start), resp, err)
//		return resp, err
//	}
//
// A middleware runs once per attempt: a call that is retried passes
// through it once for each attempt, with Attempt telling which (1 for the
// first), and a redirect followed within an attempt passes through it
// again with the same number. It runs after the rate limiter let the
// attempt out (waits are not inside it, and an attempt the limiter refuses
// never reaches it) and within the attempt's timeout, which req.Context()
// carries along with OperationID and Attempt. What it returns is what the
// retry policy judges: the errors and answers of next are retried as they
// would be without it, and an error of its own ends the call unless it is
// a connection error (a net.Error), which is retried as such. For GET
// and DELETE the body of a successful answer is read within the attempt,
// after the middleware has returned: a wrapper of the body sees it read to
// the end and closed, as it does for other methods once the call has
// decoded it.
//
// req.Header holds the Authorization header, and with it the token, of
// every operation that sends one: a middleware that records headers must
// leave it out. Nothing else of the request carries the token.
//
// Treat req as a RoundTripper would: to change it, change a copy
// (req.Clone), as the next attempt sends the same request again. A
// middleware may answer without calling next, as a stub or a cache would.
//
// Middlewares are part of the client's shared state: every client that
// WithToken derives from it sends through them, unlike a service the
// caller wraps (see Client).
type Middleware func(req *http.Request, next func(*http.Request) (*http.Response, error)) (*http.Response, error)

// attemptKey keys an attempt's number in the context a Middleware sees.
type attemptKey struct{}

// OperationID returns the OpenAPI operationId of the call that ctx
// belongs to, one of the Op constants such as OpOrdersList, or "" for a
// context of no call. It answers within a Middleware (from
// req.Context()), the transport of WithHTTPClient and a Limiter's Wait, so
// that metrics and spans can be named by operation rather than by path.
func OperationID(ctx context.Context) string {
	if st := stateOf(ctx); st != nil {
		return st.op.id
	}
	return ""
}

// OperationPath returns the path of the call's operation as the API
// document writes it, such as /v1/customer-portal/orders/{id}, or "" for
// a context of no call. It answers where OperationID does. It names the
// route without the call's arguments, for spans (url.template) and
// metrics.
func OperationPath(ctx context.Context) string {
	if st := stateOf(ctx); st != nil {
		return st.op.path
	}
	return ""
}

// Attempt returns the number of the attempt that a Middleware's request
// belongs to, 1 for the first and 2 for the first retry, or 0 for a
// context that is not an attempt's.
func Attempt(ctx context.Context) int {
	n, _ := ctx.Value(attemptKey{}).(int)
	return n
}

// chainMiddleware returns the function that sends a request through mws,
// the first outermost, and then through last; nil without middlewares.
func chainMiddleware(mws []Middleware, last http.RoundTripper) func(*http.Request) (*http.Response, error) {
	if len(mws) == 0 {
		return nil
	}
	send := last.RoundTrip
	for i := len(mws) - 1; i >= 0; i-- {
		mw, next := mws[i], send
		send = func(req *http.Request) (*http.Response, error) { return mw(req, next) }
	}
	return send
}

// TransportMiddleware returns a Middleware that sends each request through
// the http.RoundTripper that wrap makes, such as the instrumented
// transport of an OpenTelemetry or Prometheus package:
//
//	polar.WithMiddleware(polar.TransportMiddleware(func(next http.RoundTripper) http.RoundTripper {
//		return otelhttp.NewTransport(next)
//	}))
//
// wrap is called once, here; the transport it is given sends each
// request on to the next middleware, or to the network. It returns nil,
// which WithMiddleware refuses, when wrap is nil or returns nil.
func TransportMiddleware(wrap func(next http.RoundTripper) http.RoundTripper) Middleware {
	if wrap == nil {
		return nil
	}
	rt := wrap(nextTransport{})
	if rt == nil {
		return nil
	}
	return func(req *http.Request, next func(*http.Request) (*http.Response, error)) (*http.Response, error) {
		return rt.RoundTrip(req.WithContext(context.WithValue(req.Context(), nextKey{}, next)))
	}
}

// nextKey keys, in the context of a request that TransportMiddleware
// hands to its wrapped transport, the next step of the chain.
type nextKey struct{}

// nextTransport is the transport TransportMiddleware's wrap is given: it
// sends a request on to the next step that its context holds.
type nextTransport struct{}

func (nextTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	next, _ := req.Context().Value(nextKey{}).(func(*http.Request) (*http.Response, error))
	if next == nil {
		return nil, errors.New("polar: the transport of TransportMiddleware sent a request that did not come through its Middleware")
	}
	return next(req)
}
