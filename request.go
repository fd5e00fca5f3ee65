package polar

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"reflect"
	"strings"
	"sync/atomic"
	"time"

	"github.com/google/go-querystring/query"
	"github.com/hashicorp/go-retryablehttp"
	"github.com/polarportal/polar-go/internal/operations"
)

// An operation is one call of the API as the OpenAPI document names it.
// Each is declared once, by declare, and kept in the registry that the
// spec walk, the operation table test and the contract test read.
type operation struct {
	// id is the OpenAPI operationId, such as "customer_portal:orders:get".
	id     string
	method string
	// path is the path as the API document writes it, trailing slash
	// included, with at most one {parameter}.
	path string
	// public operations are sent without Authorization: a stale token
	// would turn them into 401s.
	public bool
	// zone is the rate-limit zone besides ZoneAPI, if any.
	zone Zone
	// notReadyOn202 makes a 202 answer mean "not ready yet" (ErrNotReady)
	// where a result is expected.
	notReadyOn202 bool

	// Filled by declare from the endpoint's type parameters.
	param  string       // name of the path parameter, "" if none
	query  reflect.Type // options struct; nil without query parameters
	body   reflect.Type // request body; nil without one (then none is sent)
	result reflect.Type // nil without a result
	kind   resultKind
}

// resultKind says how a 2xx body becomes a result.
type resultKind uint8

const (
	resultNone      resultKind = iota
	resultObject               // a pointer to a struct, decoded by encoding/json
	resultUnion                // a union interface, decoded by its union
	resultUnionPage            // a *Page of a union interface
)

// none stands for "no query", "no body" or "no result" in an endpoint's
// type parameters.
type none struct{}

// registry holds every declared operation by operationId.
var registry = map[string]*operation{}

// An endpoint is an operation with the Go types of its query options (Q),
// request body (B) and result (R), each named once where it is declared:
//
//	var ordersGet = declare[none, none, *CustomerOrder](operation{
//		id: OpOrdersGet, method: http.MethodGet, path: ordersPath + "{id}",
//	})
//
// Q is the options struct (not a pointer), B the body type as callers pass
// it, and R the result: a pointer to a struct, a union interface, or a
// pointer to a Page of either. none leaves a slot empty. A body is
// required whenever B is not none.
type endpoint[Q, B, R any] struct {
	op *operation
}

// declare registers op under its operationId, in registry and in package
// operations (which polartest and polarportal read), and returns its
// endpoint.
// It panics on a second declaration of an id or on types it cannot send or
// decode: both are mistakes in this package, caught by any test.
func declare[Q, B, R any](op operation) endpoint[Q, B, R] {
	if _, dup := registry[op.id]; dup || op.id == "" {
		panic("polar: operation declared twice or without id: " + op.id)
	}
	e := newEndpoint[Q, B, R](op)
	registry[op.id] = e.op
	operations.Register(operations.Operation{
		ID: op.id, Method: op.method, Path: op.path, Param: e.op.param,
		Public: op.public, Zone: string(op.zone), Query: e.op.query, Body: e.op.body,
	})
	return e
}

// newEndpoint fills in what the type parameters say about op.
func newEndpoint[Q, B, R any](op operation) endpoint[Q, B, R] {
	if _, rest, ok := strings.Cut(op.path, "{"); ok {
		op.param, _, _ = strings.Cut(rest, "}")
	}
	noneType := reflect.TypeFor[none]()
	if q := reflect.TypeFor[Q](); q != noneType {
		if q.Kind() != reflect.Struct {
			panic("polar: query options of " + op.id + " must be a struct type")
		}
		op.query = q
	}
	if b := reflect.TypeFor[B](); b != noneType {
		op.body = b
	}
	if r := reflect.TypeFor[R](); r != noneType {
		op.result = r
		switch {
		case r.Kind() == reflect.Interface:
			op.kind = resultUnion
		case r.Kind() == reflect.Pointer && r.Implements(reflect.TypeFor[unionPage]()) && isUnionPage(r.Elem()):
			op.kind = resultUnionPage
		case r.Kind() == reflect.Pointer && r.Elem().Kind() == reflect.Struct:
			op.kind = resultObject
		default:
			panic("polar: result of " + op.id + " must be a pointer to a struct or a union interface")
		}
	}
	return endpoint[Q, B, R]{&op}
}

// call sends an operation that takes at most a path argument.
func (e endpoint[Q, B, R]) call(ctx context.Context, c *Client, arg string) (R, error) {
	var body B
	return e.do(ctx, c, arg, nil, body)
}

// query sends an operation that takes query options.
func (e endpoint[Q, B, R]) query(ctx context.Context, c *Client, opts *Q) (R, error) {
	var body B
	return e.do(ctx, c, "", opts, body)
}

// send sends an operation with a request body (and a path argument if its
// path has one).
func (e endpoint[Q, B, R]) send(ctx context.Context, c *Client, arg string, body B) (R, error) {
	return e.do(ctx, c, arg, nil, body)
}

// do is the one road every call travels: validate the arguments, build the
// request, send it through the retrying transport, decode the answer.
func (e endpoint[Q, B, R]) do(ctx context.Context, c *Client, arg string, opts *Q, body B) (R, error) {
	var zero R
	var q, b any
	if opts != nil {
		q = opts
	}
	if e.op.body != nil {
		b = body
	}
	data, err := c.invoke(ctx, e.op, arg, q, b)
	if err != nil || e.op.kind == resultNone {
		return zero, err
	}
	defer releaseBuffer(data)
	v, err := decodeResult[R](e.op, data.Bytes())
	if err != nil {
		return zero, fmt.Errorf("polar: %s %s: decoding response: %w", e.op.method, e.op.path, err)
	}
	return v, nil
}

// decodeResult turns a 2xx body into the operation's result. Every result
// of the API is a JSON object: anything else, null included, is an error
// rather than an empty value.
func decodeResult[R any](op *operation, b []byte) (R, error) {
	var r R
	if i := skipSpace(b, 0); i >= len(b) || b[i] != '{' {
		return r, fmt.Errorf("want a JSON object, got %s", excerpt(bytes.TrimSpace(b), 20))
	}
	switch op.kind {
	case resultUnion:
		v, err := unionDecoder(op.result)(b)
		if err != nil {
			return r, err
		}
		return v.(R), nil
	case resultUnionPage:
		p := reflect.New(op.result.Elem()).Interface()
		if err := p.(unionPage).decodeUnionPage(b); err != nil {
			return r, err
		}
		return p.(R), nil
	}
	err := json.Unmarshal(b, &r)
	return r, err
}

// invoke is the non-generic part of do. It returns the body of a 2xx
// answer when the operation has a result.
func (c *Client) invoke(ctx context.Context, op *operation, arg string, opts, body any) (*bytes.Buffer, error) {
	if ctx == nil {
		return nil, errNilContext
	}
	if c.authErr != nil && !op.public {
		return nil, c.authErr
	}
	method, tmpl := op.method, op.path
	rawURL, err := c.buildURL(op, arg, opts)
	if err != nil {
		return nil, err
	}
	var payload []byte
	if op.body != nil {
		if isNil(body) {
			return nil, argError(op, "request body is required")
		}
		if v, ok := body.(validator); ok {
			if err := v.validate(); err != nil {
				return nil, argError(op, "%v", err)
			}
		}
		if payload, err = json.Marshal(body); err != nil {
			return nil, fmt.Errorf("polar: %s %s: encoding request body: %w", method, tmpl, err)
		}
	}

	st := &callState{op: op}
	if !op.public {
		st.key = c.key
	}
	parent := ctx // for a resend after the session is renewed
	ctx = context.WithValue(ctx, callKey{}, st)
	req, err := http.NewRequestWithContext(ctx, method, rawURL, nil)
	if err != nil {
		return nil, fmt.Errorf("polar: %s %s: %w", method, tmpl, err)
	}
	h := req.Header
	h["Accept"] = acceptJSON
	h["Polar-Version"] = c.core.versionHdr
	h["User-Agent"] = c.core.uaHdr
	var sent []string // the Authorization header sent, if any
	if !op.public && c.auth != nil {
		sent = c.auth()
		h["Authorization"] = sent
	}
	rreq := &retryablehttp.Request{Request: req}
	if method == http.MethodPost || method == http.MethodPatch || method == http.MethodPut {
		h["Content-Type"] = contentTypeJSON
		// A nil payload keeps ContentLength 0 with no Body, which net/http
		// sends as "Content-Length: 0" for these methods: Polar answers a
		// chunked request with 411.
		var err error
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
		return nil, callError(op, err)
	}
	defer resp.Body.Close()
	capture, _ := ctx.Value(responseKey{}).(*Response)
	if capture != nil {
		capture.StatusCode = resp.StatusCode
		capture.Header = resp.Header
		capture.Body = nil
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		err := newResponseError(resp, method, tmpl, st.attempt)
		if c.mayRenew(parent, resp, err, sent) {
			// A 401 invalid_token is answered before routing: nothing was
			// acted on, so the call may go again with a renewed session.
			drain(resp.Body)
			resp.Body.Close()
			return c.renewAndResend(parent, err, sent, op, arg, opts, body)
		}
		return nil, err
	}
	notReady := resp.StatusCode == http.StatusAccepted && op.notReadyOn202
	wanted := !notReady && op.kind != resultNone // the result needs the body
	switch {
	case wanted || capture != nil:
		buf, err := readBody(resp, op)
		if err != nil {
			if wanted {
				return nil, err
			}
			break // only the copy is lost, not the call
		}
		if capture != nil {
			// A copy: buf goes back to the pool. Never nil for a 2xx.
			capture.Body = append([]byte{}, buf.Bytes()...)
		}
		if wanted {
			return buf, nil
		}
		releaseBuffer(buf)
	default:
		drain(resp.Body)
	}
	if notReady {
		return nil, fmt.Errorf("polar: %s %s: %w", method, tmpl, ErrNotReady)
	}
	return nil, nil
}

// callState travels in a request's context from the service method through
// go-retryablehttp to the per-attempt transport. Attempts of one call are
// sequential and only they touch attempt and ended.
type callState struct {
	op      *operation
	key     string // rate-limit key; "" for tokenless calls
	attempt int
	// ended is when the previous attempt returned, for the log line of the
	// next one (kept only with a logger).
	ended time.Time
	// cur is the state of the current attempt of a call with a body.
	cur atomic.Pointer[attemptState]
}

// attemptState is what one attempt of a POST, PATCH or PUT records. Each
// attempt has its own, so that net/http's write goroutine, which may report
// after RoundTrip returned, only ever touches the attempt it wrote.
type attemptState struct {
	// wrote records whether the request was written to the connection:
	// after that, the server may have acted on it.
	wrote atomic.Bool
	trace httptrace.ClientTrace
}

type callKey struct{}

func stateOf(ctx context.Context) *callState {
	st, _ := ctx.Value(callKey{}).(*callState)
	return st
}

// traceWrites starts the state of a new attempt with a body and returns
// the context that records its write.
func (st *callState) traceWrites(ctx context.Context) context.Context {
	a := &attemptState{}
	a.trace.WroteRequest = func(info httptrace.WroteRequestInfo) {
		if info.Err == nil {
			a.wrote.Store(true)
		}
	}
	st.cur.Store(a)
	return httptrace.WithClientTrace(ctx, &a.trace)
}

// mayHaveActed reports whether the current attempt's request was written,
// so that the server may have acted on it.
func (st *callState) mayHaveActed() bool {
	a := st.cur.Load()
	return a != nil && a.wrote.Load()
}

func (st *callState) idempotent() bool {
	return st.op.method == http.MethodGet || st.op.method == http.MethodDelete || st.op.method == http.MethodHead
}

// callError turns the error of a call that got no answer into one that
// names the operation by method and path template only: net/http's
// *url.Error carries the full URL, query values included.
func callError(op *operation, err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	var rle *RateLimitError
	if errors.As(err, &rle) && rle.Method == "" {
		// Refused by the limiter: nothing was sent.
		rle.Method, rle.Path = op.method, op.path
		return rle
	}
	return fmt.Errorf("polar: %s %s: %w", op.method, op.path, err)
}

// newResponseError builds the typed error of a non-2xx answer from at most
// 64 KiB of its body. attempt is the attempt that got the answer.
func newResponseError(resp *http.Response, method, path string, attempt int) error {
	body, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	e := &APIError{
		StatusCode: resp.StatusCode,
		Method:     method,
		Path:       path,
		Attempt:    attempt,
		Header:     resp.Header,
	}
	var doc errorDoc
	var details []ValidationDetail
	parsed := len(bytes.TrimSpace(body)) > 0 && json.Unmarshal(body, &doc) == nil
	if parsed {
		e.Name = doc.Error
		e.Detail = doc.ErrorDescription
		if d := bytes.TrimSpace(doc.Detail); len(d) > 0 {
			switch d[0] {
			case '"':
				_ = json.Unmarshal(d, &e.Detail)
			case '[':
				if json.Unmarshal(d, &details) != nil {
					e.Body = body
				}
			case 'n': // null
			default:
				e.Detail = string(d)
			}
		}
	} else if len(body) > 0 {
		e.Body = body
	}
	switch {
	case resp.StatusCode == http.StatusTooManyRequests && e.Name == "":
		return &RateLimitError{APIError: e, RetryAfter: blockOf(resp)}
	case resp.StatusCode == http.StatusUnprocessableEntity && (e.Name == "" || e.Name == string(ErrRequestValidationError.(errorName))): //nolint:errorlint // the sentinel itself, never wrapped
		return &ValidationError{APIError: e, Errors: details}
	case details != nil:
		return &ValidationError{APIError: e, Errors: details}
	}
	return e
}

// readBody returns a 2xx body in a pooled buffer: the one read within the
// attempt (GET and DELETE), or read now.
func readBody(resp *http.Response, op *operation) (*bytes.Buffer, error) {
	if b, ok := resp.Body.(*bufferedBody); ok {
		return b.take(), nil
	}
	buf, err := readCapped(resp.Body, resp.ContentLength)
	if err != nil {
		return nil, fmt.Errorf("polar: %s %s: %w", op.method, op.path, err)
	}
	return buf, nil
}

// A validator is query options or a request body that can tell, before
// anything is sent, that they cannot be right: every list's options
// through their embedded ListOptions, any options type with a required
// parameter, and bodies with required fields.
type validator interface{ validate() error }

// buildURL returns the absolute URL of op with its path parameter set to
// arg and the query encoded from opts.
func (c *Client) buildURL(op *operation, arg string, opts any) (string, error) {
	before, after := op.path, ""
	if op.param != "" {
		if err := checkPathArg(arg); err != nil {
			return "", argError(op, "%s %s", op.param, err)
		}
		before, after, _ = strings.Cut(op.path, "{")
		_, after, _ = strings.Cut(after, "}")
	}
	var rawQuery string
	if opts != nil && !isNil(opts) {
		if v, ok := opts.(validator); ok {
			if err := v.validate(); err != nil {
				return "", argError(op, "%v", err)
			}
		}
		v, err := query.Values(opts)
		if err != nil {
			return "", fmt.Errorf("polar: %s %s: encoding query: %w", op.method, op.path, err)
		}
		rawQuery = v.Encode()
	}
	var sb strings.Builder
	sb.Grow(len(c.core.baseStr) + len(op.path) + len(arg)*3 + len(rawQuery) + 1)
	sb.WriteString(c.core.baseStr)
	sb.WriteString(before)
	if op.param != "" {
		sb.WriteString(url.PathEscape(arg))
		sb.WriteString(after)
	}
	if rawQuery != "" {
		sb.WriteByte('?')
		sb.WriteString(rawQuery)
	}
	return sb.String(), nil
}

// checkPathArg refuses path arguments that could not name a resource, or
// that could reach another endpoint once a server or proxy decodes and
// normalizes the path: Starlette, for one, decodes %2F into a separator.
// Other characters are escaped.
func checkPathArg(arg string) error {
	if arg == "" {
		return errors.New("is empty")
	}
	for s, i := arg, 0; i < 8; i++ { // as sent, then percent-decoded until it stays
		if strings.ContainsAny(s, `/\`) {
			return fmt.Errorf("%q contains a path separator", arg)
		}
		if s == "." || s == ".." {
			return fmt.Errorf("%q is a dot segment", arg)
		}
		d, err := url.PathUnescape(s)
		if err != nil || d == s {
			break
		}
		s = d
	}
	return nil
}

// isNil reports whether v is nil or a nil pointer, map, slice or
// interface.
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

// Response is the metadata of a call's HTTP answer.
type Response struct {
	// StatusCode is the HTTP status of the final attempt.
	StatusCode int
	// Header holds the answer's headers.
	Header http.Header
	// Body is a copy of the raw body of a successful (2xx) answer, at most
	// 32 MiB (see ErrResponseTooLarge); nil for an error answer, whose body
	// the error carries. It is an escape hatch, not a contract: it holds what the
	// server sent, fields the API document does not list included, and
	// tells null from absent, which the typed result cannot (see the
	// README). Decode what you need from it; the typed result remains the
	// SDK's promise.
	Body []byte
}

// APIVersion returns the Polar-Version the server answered with, such as
// "2026-10".
func (r *Response) APIVersion() string { return r.Header.Get("Polar-Version") }

// Sandbox reports whether the answer came from the sandbox environment.
func (r *Response) Sandbox() bool { return r.Header.Get("X-Polar-Sandbox") == "1" }

type responseKey struct{}

// WithResponse returns a context that makes a call made with it fill *dst
// with its HTTP answer's metadata and, for a successful answer, a copy of
// its raw body, without changing method signatures:
//
//	var resp polar.Response
//	order, err := client.Orders.Get(polar.WithResponse(ctx, &resp), id)
//	fmt.Println(resp.StatusCode, resp.APIVersion())
//
// dst is filled whenever an answer arrived, also when the call then fails.
// Use one context (and one Response) per call. The body is copied only
// for calls made with such a context.
//
// With an All iterator, dst holds the answer of the page whose items, or
// whose error, are being yielded: it is written on the goroutine that
// ranges over the iterator, just before, also when pages are prefetched.
func WithResponse(ctx context.Context, dst *Response) context.Context {
	return context.WithValue(ctx, responseKey{}, dst)
}
