package polar

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"time"
)

// attemptTransport is the inner transport under go-retryablehttp: every
// attempt, retries and redirects included, passes the rate limiter here,
// and each is logged here.
type attemptTransport struct {
	next    http.RoundTripper
	limiter Limiter
	logger  *slog.Logger
	timeout time.Duration // bounds each attempt, reading the body included
	// middleware sends through the caller's middlewares and then next;
	// nil without them.
	middleware func(*http.Request) (*http.Response, error)
}

// cancelOnClose ends an attempt's timeout once its body is closed.
type cancelOnClose struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (b *cancelOnClose) Close() error {
	err := b.ReadCloser.Close()
	b.cancel()
	return err
}

func (t *attemptTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	st := stateOf(ctx)
	if st == nil {
		return t.next.RoundTrip(req)
	}
	if req.Response == nil {
		// A redirect hop (net/http sets Response on it) is part of the
		// attempt that followed it: APIError.Attempt counts attempts.
		st.attempt++
	}
	var backoff, waited time.Duration
	if t.logger != nil && !st.ended.IsZero() {
		backoff = time.Since(st.ended)
	}
	if t.limiter != nil {
		start := time.Now()
		// The operation's own zone first: its waits are the long ones (up
		// to minutes for email changes), and a request counted in ZoneAPI
		// must go out when it is counted, not a zone's wait later.
		var err error
		if st.op.zone != "" && st.op.zone != ZoneAPI {
			err = t.limiter.Wait(ctx, st.op.zone, st.key)
		}
		if err == nil {
			err = t.limiter.Wait(ctx, ZoneAPI, st.key)
		}
		waited = time.Since(start)
		if err != nil {
			t.log(ctx, st, 0, backoff, waited, err)
			return nil, &limiterError{err}
		}
	}
	actx := ctx
	if req.Method == http.MethodPost || req.Method == http.MethodPatch || req.Method == http.MethodPut {
		actx = st.traceWrites(actx)
	}
	var cancel context.CancelFunc
	if t.timeout > 0 {
		actx, cancel = context.WithTimeout(actx, t.timeout)
	}
	if actx != ctx {
		req = req.WithContext(actx)
	}
	resp, err := t.roundTrip(req)
	status := 0
	if err == nil {
		status = resp.StatusCode
	}
	switch {
	case err == nil && st.idempotent() && status >= 200 && status <= 299:
		// For GET and DELETE, reading the body is part of the attempt, under
		// its timeout: a body cut short or stalled is retried like a
		// connection error. (A POST's is not: the server acted.)
		resp, err = readWithin(resp)
		if cancel != nil {
			cancel()
		}
	case cancel != nil && err != nil:
		cancel()
	case cancel != nil:
		resp.Body = &cancelOnClose{ReadCloser: resp.Body, cancel: cancel}
	}
	if err == nil && t.limiter != nil && rateLimited(resp) {
		t.limiter.Block(st.key, blockOf(resp))
	}
	if t.logger != nil {
		t.log(ctx, st, status, backoff, waited, err)
		st.ended = time.Now()
	}
	return resp, err
}

// errNoAnswer is the error of a middleware that returned neither an
// answer nor an error.
var errNoAnswer = errors.New("a Middleware returned neither a response nor an error")

// roundTrip sends one attempt's request through the middlewares, if any,
// and the transport under them, and holds what the middlewares return to
// the contract of http.RoundTripper, which the rest of the attempt relies
// on: an answer or an error, an answer with a body.
func (t *attemptTransport) roundTrip(req *http.Request) (*http.Response, error) {
	if t.middleware == nil {
		return t.next.RoundTrip(req)
	}
	req = req.WithContext(context.WithValue(req.Context(), attemptKey{}, stateOf(req.Context()).attempt))
	resp, err := t.middleware(req)
	switch {
	case err != nil:
		if resp != nil && resp.Body != nil {
			resp.Body.Close()
		}
		return nil, err
	case resp == nil:
		return nil, errNoAnswer
	case resp.Body == nil:
		resp.Body = http.NoBody
	}
	return resp, nil
}

// readWithin reads a 2xx body into a pooled buffer within its attempt and
// hands the answer on with that buffer as its body. On a read error the
// answer is dropped and the error is the attempt's.
func readWithin(resp *http.Response) (*http.Response, error) {
	buf, err := readCapped(resp.Body, resp.ContentLength)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = &bufferedBody{buf: buf}
	return resp, nil
}

// bufferedBody is a body read within its attempt. readBody takes its
// buffer; otherwise Close gives it back to the pool.
type bufferedBody struct{ buf *bytes.Buffer }

func (b *bufferedBody) Read(p []byte) (int, error) {
	if b.buf == nil {
		return 0, io.EOF
	}
	return b.buf.Read(p)
}

func (b *bufferedBody) Close() error {
	releaseBuffer(b.take())
	return nil
}

// take hands the buffer over; the caller releases it.
func (b *bufferedBody) take() *bytes.Buffer {
	buf := b.buf
	b.buf = nil
	return buf
}

// maxResponseSize bounds the body of a successful answer that is read.
// The largest answers of the API (a page of 100 subscriptions with their
// products) are well under a megabyte.
const maxResponseSize = 32 << 20

// ErrResponseTooLarge matches the error of a successful answer whose body
// exceeds 32 MiB, the most a call reads. The largest answers of the API
// are well under a megabyte.
var ErrResponseTooLarge = fmt.Errorf("response body exceeds %d bytes", maxResponseSize)

// readCapped reads a 2xx body of at most maxResponseSize bytes into a
// pooled buffer. Memory follows the bytes that arrive, not the
// Content-Length the server announces.
func readCapped(body io.Reader, contentLength int64) (*bytes.Buffer, error) {
	if contentLength > maxResponseSize {
		return nil, fmt.Errorf("%w (Content-Length %d)", ErrResponseTooLarge, contentLength)
	}
	buf := getBuffer()
	if contentLength > 0 {
		buf.Grow(int(min(contentLength, 1<<20)))
	}
	n, err := buf.ReadFrom(io.LimitReader(body, maxResponseSize+1))
	if err == nil && n > maxResponseSize {
		err = ErrResponseTooLarge
	}
	if err != nil {
		releaseBuffer(buf)
		return nil, fmt.Errorf("reading response: %w", err)
	}
	return buf, nil
}

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

// log writes the line of one attempt: backoff is the time since the previous
// attempt ended, waited the time spent in the rate limiter.
func (t *attemptTransport) log(ctx context.Context, st *callState, status int, backoff, waited time.Duration, err error) {
	if t.logger == nil || !t.logger.Enabled(ctx, slog.LevelDebug) {
		return
	}
	attrs := []slog.Attr{
		slog.String("method", st.op.method),
		slog.String("path", st.op.path),
		slog.Int("status", status),
		slog.Int("attempt", st.attempt),
		slog.Duration("backoff", backoff),
		slog.Duration("wait", waited),
	}
	if err != nil {
		attrs = append(attrs, slog.String("error", errorClass(err)))
	}
	t.logger.LogAttrs(ctx, slog.LevelDebug, "polar: attempt", attrs...)
}

// errorClass names an attempt's failure without its message, which for
// net/http errors contains the full URL and so query values.
func errorClass(err error) string {
	var rle *RateLimitError
	switch {
	case errors.Is(err, context.Canceled):
		return "canceled"
	case errors.Is(err, context.DeadlineExceeded):
		return "deadline exceeded"
	case errors.As(err, &rle):
		return "rate limited"
	}
	return "connection error"
}
