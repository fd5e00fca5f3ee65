package polar

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// RetryPolicy says how often and how long a failed attempt is retried.
//
// GET and DELETE are retried after connection errors, rate-limit 429s and
// 502, 503 and 504 answers. Connection errors include HTTP/2 stream resets
// and GOAWAY, and, for GET and DELETE, a body that breaks off or stalls
// after the headers: reading it is part of the attempt. POST and PATCH are
// retried only when the server cannot have acted on them: the request was
// never written, its HTTP/2 stream was refused (REFUSED_STREAM) or left out
// by a GOAWAY, a rate-limit 429, or a 503 that carries Retry-After. A 429
// with an error body (such as ManualRetryLimitExceeded) is a business
// answer and is never retried. A redirect is followed within its attempt.
//
// Waits grow exponentially from MinWait to MaxWait, with jitter. A
// Retry-After header is honoured when it is at most MaxWait; a longer one
// ends the call at once with a *RateLimitError.
type RetryPolicy struct {
	// MaxRetries is the number of retries after the first attempt
	// (default 3).
	MaxRetries int
	// MinWait is the first backoff wait (default 500 ms).
	MinWait time.Duration
	// MaxWait caps every wait, Retry-After included (default 30 s).
	MaxWait time.Duration
}

// defaultRetryPolicy fills the zero fields of a RetryPolicy. It is not
// exported so that no package can change another's defaults.
var defaultRetryPolicy = RetryPolicy{MaxRetries: 3, MinWait: 500 * time.Millisecond, MaxWait: 30 * time.Second}

// checkRetry is the retry policy for go-retryablehttp. It decides by the
// operation's retry class (from the context), the status and the body.
func (p RetryPolicy) checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	if ctxErr := ctx.Err(); ctxErr != nil {
		if err != nil && !errors.Is(err, ctxErr) {
			return false, errors.Join(ctxErr, err)
		}
		return false, ctxErr
	}
	st := stateOf(ctx)
	if st == nil {
		return false, err
	}
	if err != nil {
		switch h2ErrorClass(err) {
		case h2NotActedOn:
			return true, nil
		case h2Permanent:
			return false, err
		case h2Transient:
			return st.idempotent() || !st.mayHaveActed(), nil
		}
		if !retryableError(err) {
			return false, err
		}
		return st.idempotent() || !st.mayHaveActed(), nil
	}
	switch resp.StatusCode {
	case http.StatusTooManyRequests:
		if !rateLimited(resp) {
			return false, nil // a business answer, such as ManualRetryLimitExceeded
		}
		d, ok := retryAfter(resp.Header, time.Now())
		return !ok || p.canWait(ctx, d), nil
	case http.StatusServiceUnavailable:
		d, ok := retryAfter(resp.Header, time.Now())
		if ok && !p.canWait(ctx, d) {
			return false, nil
		}
		return st.idempotent() || ok, nil
	case http.StatusBadGateway, http.StatusGatewayTimeout:
		return st.idempotent(), nil
	}
	return false, nil
}

// canWait reports whether a Retry-After of d is worth waiting out: within
// the policy's MaxWait, and within the context's deadline (otherwise the
// call ends at once with the answer in hand rather than sleeping until the
// deadline).
func (p RetryPolicy) canWait(ctx context.Context, d time.Duration) bool {
	if d > p.MaxWait {
		return false
	}
	deadline, ok := ctx.Deadline()
	return !ok || time.Until(deadline) > d
}

// backoff waits Retry-After when the answer carries one (checkRetry has
// made sure it fits MaxWait), else exponentially with jitter.
func backoff(minWait, maxWait time.Duration, attempt int, resp *http.Response) time.Duration {
	if resp != nil && (resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable) {
		if d, ok := retryAfter(resp.Header, time.Now()); ok {
			return min(d, maxWait)
		}
	}
	return expBackoff(minWait, maxWait, attempt)
}

// expBackoff returns a wait in [d/2, d] with d = minWait·2^attempt capped at
// maxWait, so that retrying callers spread out.
func expBackoff(minWait, maxWait time.Duration, attempt int) time.Duration {
	d := maxWait
	if attempt < 30 {
		if v := minWait << attempt; v > 0 && v < maxWait {
			d = v
		}
	}
	if d <= 1 {
		return d
	}
	half := d / 2
	return half + rand.N(d-half+1)
}

// maxRetryAfter bounds a Retry-After: Polar's longest block is 900 s, and
// a larger figure must neither overflow time.Duration nor block a caller
// for longer than a day.
const maxRetryAfter = 24 * time.Hour

// retryAfter parses a Retry-After header: seconds or an HTTP date. Past
// dates and negative values mean 0; values past maxRetryAfter are capped.
func retryAfter(h http.Header, now time.Time) (time.Duration, bool) {
	v := h.Get("Retry-After")
	if v == "" {
		return 0, false
	}
	if s, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64); err == nil || errors.Is(err, strconv.ErrRange) {
		switch {
		case s <= 0:
			return 0, true
		case s >= int64(maxRetryAfter/time.Second):
			return maxRetryAfter, true
		}
		return time.Duration(s) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return min(max(t.Sub(now), 0), maxRetryAfter), true
	}
	return 0, false
}

// defaultBlock is how long a key pauses after a rate-limit 429 that carries
// no Retry-After (Polar always sends one).
const defaultBlock = time.Second

// blockOf returns how long a rate-limiting 429 blocks its caller.
func blockOf(resp *http.Response) time.Duration {
	if d, ok := retryAfter(resp.Header, time.Now()); ok {
		return d
	}
	return defaultBlock
}

// peekedBody holds the start of a 429 answer's body, read once so that the
// limiter, the retry policy and the error builder all judge the same bytes.
type peekedBody struct {
	*bytes.Reader
	named bool // the body is a JSON document naming an error
}

func (*peekedBody) Close() error { return nil }

// rateLimited tells a rate-limiting 429 from a business 429 such as
// ManualRetryLimitExceeded: the body decides. A 429 whose JSON body names
// an error is that error, whatever its headers say; Polar's limiter
// answers with an empty body.
func rateLimited(resp *http.Response) bool {
	return resp.StatusCode == http.StatusTooManyRequests && !peek(resp).named
}

// peek reads up to maxErrorBody bytes of resp's body once and puts them
// back in front of the reader.
func peek(resp *http.Response) *peekedBody {
	if pb, ok := resp.Body.(*peekedBody); ok {
		return pb
	}
	b, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	resp.Body.Close()
	pb := &peekedBody{Reader: bytes.NewReader(b), named: errorNameOf(b) != ""}
	resp.Body = pb
	return pb
}

// redirectError marks a redirect that was refused; a retry would be
// refused again.
type redirectError struct{ err error }

func (e *redirectError) Error() string { return e.err.Error() }

func (e *redirectError) Unwrap() error { return e.err }

// limiterError marks an attempt that the rate limiter did not let out; it
// is never retried.
type limiterError struct{ err error }

func (e *limiterError) Error() string { return e.err.Error() }

func (e *limiterError) Unwrap() error { return e.err }

// retryableError tells transient connection errors from those a retry
// cannot mend, such as a refused redirect, a certificate error or a header
// net/http will not send. Only errors known to be transient are retried.
// checkRetry has already ruled out the call's own context, so a deadline
// here is the per-attempt timeout, which a retry may well mend.
func retryableError(err error) bool {
	var le *limiterError
	var re *redirectError
	var unknownAuthority x509.UnknownAuthorityError
	var certErr *x509.CertificateInvalidError
	var hostErr x509.HostnameError
	var tlsErr *tls.CertificateVerificationError
	switch {
	case errors.Is(err, context.Canceled), errors.As(err, &le), errors.As(err, &re),
		errors.As(err, &unknownAuthority), errors.As(err, &certErr), errors.As(err, &hostErr),
		errors.As(err, &tlsErr):
		return false
	}
	var ue *url.Error
	if errors.As(err, &ue) { // a net.Error itself, whatever its cause
		err = ue.Err
	}
	var netErr net.Error
	return errors.As(err, &netErr) ||
		errors.Is(err, context.DeadlineExceeded) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.ECONNREFUSED) ||
		errors.Is(err, syscall.ECONNABORTED) || errors.Is(err, syscall.EPIPE)
}

// h2Class is what an HTTP/2 error says about the request that met it.
type h2Class uint8

const (
	h2None       h2Class = iota // not an HTTP/2 error
	h2Transient                 // the stream or connection broke: a connection error
	h2NotActedOn                // the server says it did not act: retried for every method
	h2Permanent                 // a retry would meet it again
)

// HTTP/2 error codes (RFC 9113, section 7) that decide a retry.
const (
	h2RefusedStream      = 0x7
	h2InadequateSecurity = 0xc
	h2HTTP11Required     = 0xd
)

// h2ErrorClass classifies the HTTP/2 errors of net/http's bundled
// transport and of golang.org/x/net/http2. Their types (StreamError,
// GoAwayError) are unexported in net/http, so they are recognised by
// their package, name and fields; the errors that say a GOAWAY left the
// stream out are plain errors, recognised by their text (the tests check
// both against the errors net/http returns). A stream reset
// with REFUSED_STREAM, and a GOAWAY whose last stream is below this one,
// mean the server did not act on the request. Other stream errors, a
// GOAWAY that covers the stream and a ConnectionError are connection
// errors.
func h2ErrorClass(err error) h2Class {
	class := h2None
	walkErrors(err, func(e error) bool {
		class = h2ClassOf(e)
		return class == h2None
	})
	return class
}

func h2ClassOf(err error) h2Class {
	switch msg := err.Error(); {
	case msg == "http2: Transport received Server's graceful shutdown GOAWAY",
		strings.HasPrefix(msg, "http2: Transport received GOAWAY from server ErrCode:"),
		msg == "http2: client conn not usable",
		// net/http would have retried it (a refused stream, a GOAWAY
		// that left the stream out) had the body been rewindable.
		strings.HasPrefix(msg, "http2: Transport: cannot retry err ["):
		return h2NotActedOn
	}
	v := reflect.ValueOf(err)
	if v.Kind() == reflect.Pointer && !v.IsNil() {
		v = v.Elem()
	}
	typ := v.Type()
	if !(typ.PkgPath() == "net/http" || strings.HasSuffix(typ.PkgPath(), "/http2")) {
		return h2None
	}
	if v.Kind() == reflect.Uint32 && strings.HasSuffix(typ.Name(), "ConnectionError") {
		return h2Transient // the connection broke on a protocol error
	}
	if v.Kind() != reflect.Struct {
		return h2None
	}
	field := func(name string) (uint64, bool) {
		f := v.FieldByName(name)
		if !f.IsValid() || f.Kind() != reflect.Uint32 {
			return 0, false
		}
		return f.Uint(), true
	}
	switch name := typ.Name(); {
	case strings.HasSuffix(name, "StreamError"):
		code, ok := field("Code")
		if _, hasID := field("StreamID"); !ok || !hasID {
			return h2None
		}
		switch code {
		case h2RefusedStream:
			return h2NotActedOn
		case h2InadequateSecurity, h2HTTP11Required:
			return h2Permanent
		}
		return h2Transient
	case strings.HasSuffix(name, "GoAwayError"):
		if _, ok := field("LastStreamID"); ok {
			return h2Transient
		}
	}
	return h2None
}

// walkErrors calls f on err and every error it wraps, depth first, until
// f returns false.
func walkErrors(err error, f func(error) bool) bool {
	if err == nil {
		return true
	}
	if !f(err) {
		return false
	}
	switch u := err.(type) { //nolint:errorlint // walks the chain itself
	case interface{ Unwrap() error }:
		return walkErrors(u.Unwrap(), f)
	case interface{ Unwrap() []error }:
		for _, e := range u.Unwrap() {
			if !walkErrors(e, f) {
				return false
			}
		}
	}
	return true
}

// IsTransient reports whether err says Polar could not be reached or could
// not answer for now, so that the same call may succeed later: a
// connection error (refused, reset, dropped, a DNS failure), a timeout
// (an attempt's or the context's deadline), a 502, 503 or 504 answer, or
// a rate-limiting 429 (a *RateLimitError, also one refused by the
// limiter before sending). The client has already retried what it may
// retry, so these errors are what is left once retries ran out: the
// "offline or Polar is down" test.
//
// It reports false for everything a retry would not mend: the caller's
// own cancellation (context.Canceled), a business answer (any other 4xx
// or 5xx, a 429 that names an error such as ManualRetryLimitExceeded),
// ErrInvalidArgument, ErrNotReady (the server did answer: poll with
// WaitReceipt), an answer that could not be decoded, a refused redirect
// and a certificate that does not verify.
func IsTransient(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, ErrInvalidArgument) {
		return false
	}
	var rle *RateLimitError
	if errors.As(err, &rle) {
		return true
	}
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		switch apiErr.StatusCode {
		case http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
			return true
		}
		return false
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return true // also a limiter's wait that would pass the deadline
	}
	return retryableError(err)
}
