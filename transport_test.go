package polar

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httptrace"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"testing/synctest"
	"time"
)

// deleteForTest stands for the DELETE operations of other services.
var deleteForTest = newEndpoint[none, none, none](operation{
	id: "test:delete", method: http.MethodDelete, path: "/v1/customer-portal/subscriptions/{id}"})

// calls of each retry class, all against the same server.
var retryClassCalls = map[string]func(c *Client) error{
	"GET": func(c *Client) error { _, err := c.Orders.Get(bg(), orderID); return err },
	"DELETE": func(c *Client) error {
		_, err := deleteForTest.call(bg(), c, orderID)
		return err
	},
	"POST": func(c *Client) error {
		_, err := c.Orders.ConfirmRetryPayment(bg(), orderID, &CustomerOrderConfirmPayment{PaymentMethodID: "pm"})
		return err
	},
	"POST without body": func(c *Client) error { return c.Orders.GenerateInvoice(bg(), orderID) },
	"PATCH": func(c *Client) error {
		_, err := c.Orders.Update(bg(), orderID, &CustomerOrderUpdate{BillingName: Set("x")})
		return err
	},
}

func hangUp(w http.ResponseWriter, r *http.Request) {
	conn, _, err := w.(http.Hijacker).Hijack()
	if err == nil {
		conn.Close()
	}
}

func TestRetryPolicyAttempts(t *testing.T) {
	status := func(code int, hdr ...string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			for i := 0; i+1 < len(hdr); i += 2 {
				w.Header().Set(hdr[i], hdr[i+1])
			}
			w.WriteHeader(code)
		}
	}
	const all = 4 // the first attempt and 3 retries
	for _, tc := range []struct {
		name     string
		handler  http.HandlerFunc
		safe     int // attempts for GET and DELETE
		unsafe   int // attempts for POST and PATCH
		wantKind error
	}{
		{"500", status(500), 1, 1, nil},
		{"502", status(502), all, 1, nil},
		{"503 without Retry-After", status(503), all, 1, nil},
		{"503 with Retry-After", status(503, "Retry-After", "0"), all, all, nil},
		{"504", status(504), all, 1, nil},
		{"429 rate limit", status(429, "Retry-After", "0"), all, all, ErrRateLimited},
		{"429 business error", jsonAnswer(429, `{"error":"ManualRetryLimitExceeded","detail":"x"}`), 1, 1, ErrManualRetryLimitExceeded},
		{"400", jsonAnswer(400, `{"error":"PaymentMethodSetupFailed","detail":"x"}`), 1, 1, ErrPaymentMethodSetupFailed},
		{"404", jsonAnswer(404, `{"error":"ResourceNotFound","detail":"x"}`), 1, 1, ErrResourceNotFound},
		{"409", jsonAnswer(409, `{"error":"PaymentAlreadyInProgress","detail":"x"}`), 1, 1, ErrPaymentAlreadyInProgress},
		{"422 validation", jsonAnswer(422, `{"error":"RequestValidationError","detail":[{"loc":["body"],"msg":"x","type":"missing"}]}`), 1, 1, ErrRequestValidationError},
		{"422 domain error", jsonAnswer(422, `{"error":"OrderNotEligibleForRetry","detail":"x"}`), 1, 1, ErrOrderNotEligibleForRetry},
		{"500 HTML page", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(500)
			io.WriteString(w, "<html><h1>Internal Server Error</h1></html>")
		}, 1, 1, nil},
		{"empty body", status(418), 1, 1, nil},
		{"oversized body", func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(400)
			io.WriteString(w, strings.Repeat("x", 256<<10))
		}, 1, 1, nil},
		{"connection closed after the request was written", hangUp, all, 1, nil},
	} {
		for class, call := range retryClassCalls {
			t.Run(tc.name+"/"+class, func(t *testing.T) {
				srv := newRecorder(t, tc.handler)
				c := newTestClient(t, srv, testToken)
				err := call(c)
				if err == nil {
					t.Fatal("no error")
				}
				if tc.wantKind != nil && !errors.Is(err, tc.wantKind) {
					t.Fatalf("err = %v, want %v", err, tc.wantKind)
				}
				want := tc.safe
				if strings.HasPrefix(class, "POST") || class == "PATCH" {
					want = tc.unsafe
				}
				if got := srv.count(); got != want {
					t.Fatalf("%d attempts, want %d (err %v)", got, want, err)
				}
			})
		}
	}
}

// TestRetryWhenNothingWasWritten checks that even POST and PATCH are
// retried when the connection failed before the request was written.
func TestRetryWhenNothingWasWritten(t *testing.T) {
	for class, call := range retryClassCalls {
		t.Run(class, func(t *testing.T) {
			logs := &logCapture{}
			c, err := NewClient(testToken, WithBaseURL("http://api.test"), WithHTTPClient(refusingHTTPClient()),
				fastRetries, WithoutRateLimits(), WithLogger(logs.logger()))
			if err != nil {
				t.Fatal(err)
			}
			if err := call(c); err == nil {
				t.Fatal("no error")
			}
			if n := len(logs.records()); n != 4 {
				t.Fatalf("%d attempts, want 4", n)
			}
		})
	}
}

// fakeTransport answers in memory, so that tests can run in a synctest
// bubble where time is virtual.
type fakeTransport struct {
	mu     sync.Mutex
	n      int
	answer func(n int, r *http.Request) *http.Response
}

func (f *fakeTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	f.mu.Lock()
	f.n++
	n := f.n
	f.mu.Unlock()
	if r.Body != nil {
		io.Copy(io.Discard, r.Body)
		r.Body.Close()
	}
	resp := f.answer(n, r)
	resp.Request = r
	return resp, nil
}

func (f *fakeTransport) calls() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.n
}

func answer(status int, body string, hdr ...string) *http.Response {
	h := http.Header{}
	for i := 0; i+1 < len(hdr); i += 2 {
		h.Set(hdr[i], hdr[i+1])
	}
	return &http.Response{StatusCode: status, Header: h, Body: io.NopCloser(strings.NewReader(body)), ContentLength: int64(len(body))}
}

func fakeClient(t *testing.T, ft *fakeTransport, opts ...Option) *Client {
	t.Helper()
	c, err := NewClient(testToken, append([]Option{WithBaseURL("https://api.test"), WithHTTPClient(&http.Client{Transport: ft})}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestRetryAfterHonoured(t *testing.T) {
	for _, tc := range []struct {
		name  string
		value func() string
		want  time.Duration
	}{
		{"seconds", func() string { return "7" }, 7 * time.Second},
		{"HTTP date", func() string { return time.Now().Add(12 * time.Second).UTC().Format(http.TimeFormat) }, 12 * time.Second},
		{"RFC 850 date", func() string { return time.Now().Add(3 * time.Second).UTC().Format(time.RFC850) }, 3 * time.Second},
	} {
		for _, limits := range []bool{false, true} {
			t.Run(tc.name, func(t *testing.T) {
				synctest.Test(t, func(t *testing.T) {
					ft := &fakeTransport{answer: func(n int, r *http.Request) *http.Response {
						if n == 1 {
							return answer(429, "", "Retry-After", tc.value())
						}
						return answer(200, testOrderJSON, "Content-Type", "application/json")
					}}
					opt := WithoutRateLimits()
					if limits {
						opt = WithEnvironment(Production)
					}
					c := fakeClient(t, ft, opt)
					start := time.Now()
					if _, err := c.Orders.Get(bg(), orderID); err != nil {
						t.Fatal(err)
					}
					if got := time.Since(start); got != tc.want {
						t.Fatalf("waited %v, want %v", got, tc.want)
					}
					if ft.calls() != 2 {
						t.Fatalf("%d attempts, want 2", ft.calls())
					}
				})
			})
		}
	}
}

func TestLongRetryAfterReturnsAtOnce(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ft := &fakeTransport{answer: func(int, *http.Request) *http.Response { return answer(429, "", "Retry-After", "900") }}
		c := fakeClient(t, ft)
		start := time.Now()
		_, err := c.Orders.Get(bg(), orderID)
		var rle *RateLimitError
		if !errors.As(err, &rle) || rle.RetryAfter != 900*time.Second {
			t.Fatalf("err = %v", err)
		}
		if elapsed := time.Since(start); elapsed != 0 || ft.calls() != 1 {
			t.Fatalf("waited %v over %d attempts", elapsed, ft.calls())
		}
		// Polar now blocks the caller on all of /v1: the next call of the
		// same token is refused at once without being sent.
		_, err = c.Orders.List(bg(), nil)
		if !errors.As(err, &rle) || rle.RetryAfter != 900*time.Second || ft.calls() != 1 || time.Since(start) != 0 {
			t.Fatalf("second call: %v after %d attempts", err, ft.calls())
		}
		// Another customer is not affected.
		if _, err := c.WithToken("other").Orders.Receipt(bg(), orderID); !errors.As(err, &rle) || ft.calls() != 2 {
			t.Fatalf("other token: %v after %d attempts", err, ft.calls())
		}
	})
}

func TestCancelDuringBackoff(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ft := &fakeTransport{answer: func(int, *http.Request) *http.Response { return answer(503, "", "Retry-After", "20") }}
		c := fakeClient(t, ft, WithoutRateLimits())
		ctx, cancel := context.WithCancel(bg())
		time.AfterFunc(time.Second, cancel)
		start := time.Now()
		_, err := c.Orders.Get(ctx, orderID)
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v", err)
		}
		if elapsed := time.Since(start); elapsed != time.Second {
			t.Fatalf("returned after %v, want 1s", elapsed)
		}
	})
}

func TestExponentialBackoff(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ft := &fakeTransport{answer: func(int, *http.Request) *http.Response { return answer(502, "bad gateway") }}
		c := fakeClient(t, ft, WithoutRateLimits())
		start := time.Now()
		_, err := c.Orders.Get(bg(), orderID)
		var apiErr *APIError
		if !errors.As(err, &apiErr) || apiErr.StatusCode != 502 || ft.calls() != 4 {
			t.Fatalf("err = %v after %d attempts", err, ft.calls())
		}
		// Waits of 0.5 s, 1 s and 2 s, each jittered down to half at most.
		if elapsed := time.Since(start); elapsed < 1750*time.Millisecond || elapsed > 3500*time.Millisecond {
			t.Fatalf("backoff took %v", elapsed)
		}
	})
	for attempt := range 40 {
		d := expBackoff(500*time.Millisecond, 30*time.Second, attempt)
		if d <= 0 || d > 30*time.Second {
			t.Fatalf("attempt %d: %v", attempt, d)
		}
	}
}

func TestRetryAfterParsing(t *testing.T) {
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	for v, want := range map[string]time.Duration{
		"0":                                 0,
		"  42 ":                             42 * time.Second,
		"Wed, 25 Nov 2026 12:01:00 GMT":     time.Minute,
		"Wednesday, 25-Nov-26 12:00:30 GMT": 30 * time.Second,
		"Wed Nov 25 12:00:05 2026":          5 * time.Second,
		"Wed, 25 Nov 2026 11:00:00 GMT":     0, // in the past
	} {
		got, ok := retryAfter(http.Header{"Retry-After": {v}}, now)
		if !ok || got != want {
			t.Errorf("Retry-After %q = %v, %v; want %v", v, got, ok, want)
		}
	}
	if _, ok := retryAfter(http.Header{"Retry-After": {"soon"}}, now); ok {
		t.Error("garbage Retry-After parsed")
	}
}

// TestLimiterPausesCallerAfter429 checks that a rate-limit 429 seen by one
// call holds back the next calls of the same token until Retry-After, and
// only those.
func TestLimiterPausesCallerAfter429(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ft := &fakeTransport{answer: func(n int, r *http.Request) *http.Response {
			if n == 1 {
				return answer(429, "", "Retry-After", "5")
			}
			return answer(200, testOrderJSON, "Content-Type", "application/json")
		}}
		c := fakeClient(t, ft, WithoutRetries())
		start := time.Now()
		if _, err := c.Orders.Get(bg(), orderID); !errors.Is(err, ErrRateLimited) {
			t.Fatalf("first call: %v", err)
		}
		other := c.WithToken("another customer")
		if _, err := other.Orders.Get(bg(), orderID); err != nil || time.Since(start) != 0 {
			t.Fatalf("other customer waited %v: %v", time.Since(start), err)
		}
		if _, err := c.Orders.Get(bg(), orderID); err != nil {
			t.Fatal(err)
		}
		if waited := time.Since(start); waited != 5*time.Second {
			t.Fatalf("same customer waited %v, want 5s", waited)
		}
	})
}

func TestLimiterDeadlineError(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ft := &fakeTransport{answer: func(int, *http.Request) *http.Response { return answer(200, testOrderJSON) }}
		lim := mustLimiter(t, DefaultRateLimits(Production))
		c := fakeClient(t, ft, WithLimiter(lim))
		lim.Block(c.key, 10*time.Second)
		ctx, cancel := context.WithTimeout(bg(), time.Second)
		defer cancel()
		start := time.Now()
		_, err := c.Orders.Get(ctx, orderID)
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("err = %v", err)
		}
		if time.Since(start) != 0 || ft.calls() != 0 {
			t.Fatalf("waited %v, sent %d", time.Since(start), ft.calls())
		}
	})
}

// countingServer counts the connections its clients open.
func countingServer(t *testing.T, h http.HandlerFunc) (*httptest.Server, *atomic.Int64) {
	var opened atomic.Int64
	srv := httptest.NewUnstartedServer(h)
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			opened.Add(1)
		}
	}
	srv.Start()
	t.Cleanup(srv.Close)
	return srv, &opened
}

func TestConnectionsShared(t *testing.T) {
	srv, opened := countingServer(t, jsonAnswer(200, testOrderJSON))
	base, err := NewClient("", WithBaseURL(srv.URL), WithoutRateLimits())
	if err != nil {
		t.Fatal(err)
	}
	children := make([]*Client, 8)
	for i := range children {
		children[i] = base.WithToken("customer-" + string(rune('a'+i)))
	}
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for g := range 64 {
		wg.Go(func() {
			c := children[g%len(children)]
			for range 20 {
				if _, err := c.Orders.Get(bg(), orderID); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if n := opened.Load(); n > 64 {
		t.Fatalf("%d connections for 64 goroutines", n)
	}
}

func TestFailedCallKeepsPool(t *testing.T) {
	fail := atomic.Bool{}
	srv, opened := countingServer(t, func(w http.ResponseWriter, r *http.Request) {
		if fail.Load() {
			w.WriteHeader(502)
			return
		}
		jsonAnswer(200, testOrderJSON)(w, r)
	})
	c, err := NewClient(testToken, WithBaseURL(srv.URL), WithoutRateLimits(), fastRetries)
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if _, err := c.Orders.Get(bg(), orderID); err != nil {
			t.Fatal(err)
		}
	}
	fail.Store(true)
	if _, err := c.Orders.Get(bg(), orderID); err == nil { // retried, then given up
		t.Fatal("no error")
	}
	if err := c.Orders.GenerateInvoice(bg(), orderID); err == nil { // not retried
		t.Fatal("no error")
	}
	fail.Store(false)
	if _, err := c.WithToken("other").Orders.Get(bg(), orderID); err != nil {
		t.Fatal(err)
	}
	if n := opened.Load(); n != 1 {
		t.Fatalf("%d connections opened, want 1 reused throughout", n)
	}
}

func TestPerAttemptTimeout(t *testing.T) {
	srv := newRecorder(t, func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done() // the client gives up first
	})
	c := newSingleShotClient(t, srv, testToken, WithTimeout(50*time.Millisecond))
	_, err := c.Orders.Get(bg(), orderID)
	var ne net.Error
	if !errors.As(err, &ne) || !ne.Timeout() {
		t.Fatalf("err = %v, want a timeout", err)
	}
}

// logCapture records slog records.
type logCapture struct {
	mu   sync.Mutex
	recs []slog.Record
	text strings.Builder
}

func (l *logCapture) logger() *slog.Logger { return slog.New(l) }

func (l *logCapture) Enabled(context.Context, slog.Level) bool { return true }
func (l *logCapture) Handle(_ context.Context, r slog.Record) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.recs = append(l.recs, r)
	l.text.WriteString(r.Message)
	r.Attrs(func(a slog.Attr) bool {
		l.text.WriteString(" " + a.String())
		return true
	})
	l.text.WriteString("\n")
	return nil
}
func (l *logCapture) WithAttrs([]slog.Attr) slog.Handler { return l }
func (l *logCapture) WithGroup(string) slog.Handler      { return l }

func (l *logCapture) records() []slog.Record {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]slog.Record(nil), l.recs...)
}

func (l *logCapture) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.text.String()
}

func TestLoggerOneLinePerAttempt(t *testing.T) {
	srv := newRecorder(t, sequence(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(503) },
		jsonAnswer(200, `{"items":[],"pagination":{"total_count":0,"max_page":0}}`)))
	logs := &logCapture{}
	c := newTestClient(t, srv, testToken, WithLogger(logs.logger()))
	if _, err := c.Orders.List(bg(), &OrderListOptions{Query: "very-private-search"}); err != nil {
		t.Fatal(err)
	}
	recs := logs.records()
	if len(recs) != 2 {
		t.Fatalf("%d log lines for 2 attempts:\n%s", len(recs), logs)
	}
	out := logs.String()
	for _, want := range []string{"method=GET", "path=/v1/customer-portal/orders/", "status=503", "status=200", "attempt=1", "attempt=2", "wait=", "backoff=0s", "backoff="} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q:\n%s", want, out)
		}
	}
	var backoff time.Duration
	recs[1].Attrs(func(a slog.Attr) bool {
		if a.Key == "backoff" {
			backoff = a.Value.Duration()
		}
		return true
	})
	if backoff < 500*time.Microsecond { // half the 1 ms minimum wait, jittered
		t.Errorf("second attempt logged backoff %v", backoff)
	}
	for _, secret := range []string{testToken, "very-private-search", "Bearer"} {
		if strings.Contains(out, secret) {
			t.Errorf("log shows %q:\n%s", secret, out)
		}
	}
}

func TestPerAttemptTimeoutIsRetriedWithAFreshTimeout(t *testing.T) {
	first := true
	var mu sync.Mutex
	srv := newRecorder(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		stall := first
		first = false
		mu.Unlock()
		if stall {
			<-r.Context().Done()
			return
		}
		jsonAnswer(200, testOrderJSON)(w, r)
	})
	c := newTestClient(t, srv, testToken, WithTimeout(100*time.Millisecond))
	if _, err := c.Orders.Get(bg(), orderID); err != nil {
		t.Fatal(err)
	}
	if n := srv.count(); n != 2 {
		t.Fatalf("%d attempts, want 2", n)
	}

	// A POST that timed out after it was written may have taken effect.
	mu.Lock()
	first = true
	mu.Unlock()
	_, err := c.Orders.ConfirmRetryPayment(bg(), orderID, &CustomerOrderConfirmPayment{PaymentMethodID: "pm"})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v", err)
	}
	if n := srv.count(); n != 3 {
		t.Fatalf("POST attempted %d times, want once", n-2)
	}
}

func TestTimeoutCoversBody(t *testing.T) {
	srv := newRecorder(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(200)
		io.WriteString(w, `{"id":`)
		w.(http.Flusher).Flush()
		<-r.Context().Done() // the rest never comes
	})
	c := newSingleShotClient(t, srv, testToken, WithTimeout(100*time.Millisecond))
	_, err := c.Orders.Get(bg(), orderID)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v", err)
	}
}

// closeRecorder is a response body that remembers being closed.
type closeRecorder struct {
	io.Reader
	closed atomic.Bool
}

func (c *closeRecorder) Close() error { c.closed.Store(true); return nil }

func TestCancelledCallClosesTheAnswerInHand(t *testing.T) {
	ctx, cancel := context.WithCancel(bg())
	body := &closeRecorder{Reader: strings.NewReader(testOrderJSON)}
	ft := &fakeTransport{answer: func(int, *http.Request) *http.Response {
		cancel() // the caller gives up while the answer arrives
		return &http.Response{StatusCode: 200, Header: http.Header{}, Body: body}
	}}
	c := fakeClient(t, ft, WithoutRateLimits())
	if _, err := c.Orders.Get(ctx, orderID); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
	if !body.closed.Load() {
		t.Fatal("response body left open")
	}
}

// TestRetryAfterOverflow: figures too large for time.Duration are capped,
// never wrapped; a cap past MaxWait is a *RateLimitError at once that
// blocks the caller; past or negative values mean 0.
func TestRetryAfterOverflow(t *testing.T) {
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	for v, want := range map[string]time.Duration{
		"9999999999":            maxRetryAfter,
		"18446744074":           maxRetryAfter,
		"99999999999999999999":  maxRetryAfter,
		"-5":                    0,
		"-99999999999999999999": 0,
	} {
		if got, ok := retryAfter(http.Header{"Retry-After": {v}}, now); !ok || got != want {
			t.Errorf("Retry-After %q = %v, %v; want %v", v, got, ok, want)
		}
	}
	for _, v := range []string{"9999999999", "18446744074"} {
		synctest.Test(t, func(t *testing.T) {
			ft := &fakeTransport{answer: func(int, *http.Request) *http.Response { return answer(429, "", "Retry-After", v) }}
			c := fakeClient(t, ft)
			_, err := c.Orders.Get(bg(), orderID)
			var rle *RateLimitError
			if !errors.As(err, &rle) || rle.RetryAfter != maxRetryAfter || ft.calls() != 1 {
				t.Fatalf("Retry-After %s: %v after %d attempts", v, err, ft.calls())
			}
			// The caller is blocked: the next call is refused unsent.
			if _, err := c.Orders.Get(bg(), orderID); !errors.As(err, &rle) || ft.calls() != 1 {
				t.Fatalf("Retry-After %s: next call %v after %d attempts", v, err, ft.calls())
			}
		})
	}
}

// TestBusiness429WithRetryAfter: the body decides. A 429 whose JSON body
// names an error is that error, sent once, never a *RateLimitError, and it
// blocks nobody, whatever Retry-After says.
func TestBusiness429WithRetryAfter(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ft := &fakeTransport{answer: func(n int, r *http.Request) *http.Response {
			if n == 1 {
				return answer(429, `{"error":"ManualRetryLimitExceeded","detail":"Too many retries."}`,
					"Content-Type", "application/json", "Retry-After", "0")
			}
			return answer(200, testOrderJSON, "Content-Type", "application/json")
		}}
		c := fakeClient(t, ft)
		_, err := c.Orders.ConfirmRetryPayment(bg(), orderID, &CustomerOrderConfirmPayment{PaymentMethodID: "pm"})
		var rle *RateLimitError
		if !errors.Is(err, ErrManualRetryLimitExceeded) || errors.As(err, &rle) || errors.Is(err, ErrRateLimited) {
			t.Fatalf("err = %#v", err)
		}
		if ft.calls() != 1 {
			t.Fatalf("sent %d times", ft.calls())
		}
		start := time.Now()
		if _, err := c.Orders.Get(bg(), orderID); err != nil || time.Since(start) != 0 {
			t.Fatalf("the customer was blocked: %v after %v", err, time.Since(start))
		}
	})
}

// TestWriteFlagIsPerAttempt reproduces the race on the "request was
// written" flag: the server answers 503 with Retry-After before reading a
// large PATCH body, and reads that body only once the retry has arrived,
// so net/http's write goroutine reports the first attempt's write while
// the next attempt is under way. Run with -race.
func TestWriteFlagIsPerAttempt(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	t.Cleanup(func() { close(done); ln.Close() })
	var mu sync.Mutex
	arrived := make(chan struct{}) // closed, and replaced, at each request
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer conn.Close()
				br := bufio.NewReader(conn)
				for {
					req, err := http.ReadRequest(br)
					if err != nil {
						return
					}
					mu.Lock()
					close(arrived)
					arrived = make(chan struct{})
					next := arrived
					mu.Unlock()
					io.WriteString(conn, "HTTP/1.1 503 Service Unavailable\r\nRetry-After: 0\r\nContent-Length: 4\r\n\r\nbusy") // a body: net/http hands the answer over before the write ends
					select {                                                                                                    // hold the body back until the retry is under way
					case <-next:
					case <-done:
						return
					}
					if _, err := io.Copy(io.Discard, req.Body); err != nil {
						return
					}
				}
			}()
		}
	}()
	c, err := NewClient(testToken, WithBaseURL("http://"+ln.Addr().String()), fastRetries, WithoutRateLimits())
	if err != nil {
		t.Fatal(err)
	}
	big := strings.Repeat("x", 8<<20)
	for range 2 {
		_, err := c.Orders.Update(bg(), orderID, &CustomerOrderUpdate{BillingName: Set(big)})
		var apiErr *APIError
		if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusServiceUnavailable {
			t.Fatalf("err = %v", err)
		}
	}
}

// TestLateWriteReportTouchesItsOwnAttempt: net/http may report that an
// attempt's request was written after the next attempt started. That
// report must mark its own attempt only, from any goroutine.
func TestLateWriteReportTouchesItsOwnAttempt(t *testing.T) {
	st := &callState{op: ordersUpdate.op}
	first := httptrace.ContextClientTrace(st.traceWrites(bg()))
	second := httptrace.ContextClientTrace(st.traceWrites(bg())) // the retry starts
	done := make(chan struct{})
	go func() { // net/http's write goroutine, late
		first.WroteRequest(httptrace.WroteRequestInfo{})
		close(done)
	}()
	<-done
	if st.mayHaveActed() {
		t.Fatal("a late report of the first attempt marked the retry as written")
	}
	second.WroteRequest(httptrace.WroteRequestInfo{})
	if !st.mayHaveActed() {
		t.Fatal("the retry's own write was not recorded")
	}
}

// TestRedirectIsNotAnAttempt: a redirect hop is part of its attempt. A
// DELETE redirected once and answered 403 AlreadyCanceledSubscription was
// sent once (Attempt 1), the idiom on Subscriptions.Cancel; after a 502
// and a retry, each redirected too, it is Attempt 2.
func TestRedirectIsNotAnAttempt(t *testing.T) {
	for _, tc := range []struct {
		name    string
		answers []http.HandlerFunc
		want    int
	}{
		{"first attempt", []http.HandlerFunc{jsonAnswer(403, `{"error":"AlreadyCanceledSubscription","detail":"x"}`)}, 1},
		{"after a retry", []http.HandlerFunc{
			func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(502) },
			jsonAnswer(403, `{"error":"AlreadyCanceledSubscription","detail":"x"}`),
		}, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			answer := sequence(tc.answers...)
			srv := newRecorder(t, func(w http.ResponseWriter, r *http.Request) {
				if rest, ok := strings.CutPrefix(r.URL.Path, "/old"); ok {
					http.Redirect(w, r, rest, http.StatusTemporaryRedirect)
					return
				}
				answer(w, r)
			})
			c, err := NewClient(testToken, WithBaseURL(srv.URL+"/old"), fastRetries, WithoutRateLimits())
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.Subscriptions.Cancel(bg(), orderID)
			var apiErr *APIError
			if !errors.Is(err, ErrAlreadyCanceledSubscription) || !errors.As(err, &apiErr) {
				t.Fatalf("err = %v", err)
			}
			if apiErr.Attempt != tc.want || srv.count() != 2*tc.want {
				t.Fatalf("Attempt = %d after %d requests, want %d", apiErr.Attempt, srv.count(), tc.want)
			}
		})
	}
}

// TestBrokenBodyIsRetried: for GET and DELETE, reading the body is part of
// the attempt. A body cut short after its headers, or one that stalls past
// the per-attempt timeout, is retried with a fresh timeout; a POST's is
// not, since the server acted.
func TestBrokenBodyIsRetried(t *testing.T) {
	cutShort := func(body string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Content-Length", "200")
			w.WriteHeader(200)
			io.WriteString(w, body[:20])
			w.(http.Flusher).Flush()
			hangUp(w, r)
		}
	}
	stalled := func(body string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(200)
			io.WriteString(w, body[:20])
			w.(http.Flusher).Flush()
			<-r.Context().Done() // the rest never comes
		}
	}
	subscription := string(fixture("subscription.json"))
	for _, tc := range []struct {
		name    string
		broken  func(body string) http.HandlerFunc
		timeout time.Duration
		want    error
	}{
		{"cut short", cutShort, time.Minute, io.ErrUnexpectedEOF},
		{"stalled", stalled, 500 * time.Millisecond, context.DeadlineExceeded},
	} {
		for _, class := range []string{"GET", "DELETE", "POST", "PATCH"} {
			t.Run(tc.name+"/"+class, func(t *testing.T) {
				body := testOrderJSON
				if class == "DELETE" {
					body = subscription
				}
				srv := newRecorder(t, sequence(tc.broken(body), jsonAnswer(200, body)))
				c := newTestClient(t, srv, testToken, WithTimeout(tc.timeout))
				var err error
				switch class {
				case "GET":
					var o *CustomerOrder
					if o, err = c.Orders.Get(bg(), orderID); err == nil && o.ID == "" {
						t.Fatalf("order %+v", o)
					}
				case "DELETE":
					var s *CustomerSubscription
					if s, err = c.Subscriptions.Cancel(bg(), orderID); err == nil && s.ID == "" {
						t.Fatalf("subscription %+v", s)
					}
				default:
					err = retryClassCalls[class](c)
				}
				if class == "GET" || class == "DELETE" {
					if err != nil || srv.count() != 2 {
						t.Fatalf("%d attempts: %v", srv.count(), err)
					}
					return
				}
				if !errors.Is(err, tc.want) || srv.count() != 1 {
					t.Fatalf("%d attempts: %v, want %v once", srv.count(), err, tc.want)
				}
			})
		}
	}
}

// TestHTTP2StreamResetIsRetried: over TLS the transport speaks HTTP/2, and
// a handler that aborts its stream resets it with INTERNAL_ERROR, before or
// after the headers. GET and DELETE are retried and succeed; a POST whose
// request was written is not (the server may have acted).
func TestHTTP2StreamResetIsRetried(t *testing.T) {
	for _, when := range []string{"before the headers", "mid-body"} {
		for class, call := range retryClassCalls {
			t.Run(when+"/"+class, func(t *testing.T) {
				var n atomic.Int64
				var proto atomic.Value
				ts := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					proto.Store(r.Proto)
					io.Copy(io.Discard, r.Body)
					if n.Add(1) == 1 {
						if when == "mid-body" {
							w.Header().Set("Content-Type", "application/json")
							io.WriteString(w, testOrderJSON[:20])
							w.(http.Flusher).Flush()
						}
						panic(http.ErrAbortHandler)
					}
					body := testOrderJSON
					if strings.HasPrefix(r.URL.Path, "/v1/customer-portal/subscriptions/") {
						body = string(fixture("subscription.json"))
					}
					jsonAnswer(200, body)(w, r)
				}))
				ts.EnableHTTP2 = true
				ts.Config.ErrorLog = discardLog
				ts.StartTLS()
				t.Cleanup(ts.Close)
				c, err := NewClient(testToken, WithBaseURL(ts.URL), WithHTTPClient(ts.Client()), fastRetries, WithoutRateLimits())
				if err != nil {
					t.Fatal(err)
				}
				err = call(c)
				if p, _ := proto.Load().(string); p != "HTTP/2.0" {
					t.Fatalf("server saw %s", p)
				}
				if class == "GET" || class == "DELETE" {
					if err != nil || n.Load() != 2 {
						t.Fatalf("%d requests: %v", n.Load(), err)
					}
					return
				}
				if when == "mid-body" && class == "POST without body" {
					// The answer's status was all the call needed.
					if err != nil || n.Load() != 1 {
						t.Fatalf("%d requests: %v", n.Load(), err)
					}
					return
				}
				if err == nil || !strings.Contains(err.Error(), "INTERNAL_ERROR") || n.Load() != 1 {
					t.Fatalf("%d requests: %v, want INTERNAL_ERROR once", n.Load(), err)
				}
			})
		}
	}
}

// h2 frame types and error codes of RFC 9113 used by h2Server.
const (
	h2Data         = 0x0
	h2Headers      = 0x1
	h2RSTStream    = 0x3
	h2Settings     = 0x4
	h2GoAway       = 0x7
	h2Continuation = 0x9

	h2FlagEndStream  = 0x1
	h2FlagAck        = 0x1
	h2FlagEndHeaders = 0x4

	h2CodeNo            = 0x0
	h2CodeInternal      = 0x2
	h2CodeRefusedStream = 0x7
	h2CodeCalm          = 0xb
)

// h2Answer is how h2Server answers the request on one stream: the number
// of the request (from 1, over every connection) and its stream ID.
type h2Answer func(n int, stream uint32) h2Reply

type h2Reply struct {
	rst    uint32 // reset the stream with this code
	goAway *struct {
		last uint32 // the last stream the server will act on
		code uint32
	}
	ok       bool // 200 with testOrderJSON
	badFrame bool // a DATA frame on stream 0: a connection error
}

// h2Server speaks just enough HTTP/2 (prior knowledge, no TLS) over
// in-memory connections to answer with stream resets and GOAWAY frames,
// which net/http's server will not send on demand. It counts requests.
type h2Server struct {
	answer h2Answer
	mu     sync.Mutex
	n      int
}

func (s *h2Server) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.n
}

// client returns an *http.Client whose every dial reaches s.
func (s *h2Server) client() *http.Client {
	var p http.Protocols
	p.SetUnencryptedHTTP2(true)
	tr := &http.Transport{Protocols: &p, DialContext: func(_ context.Context, _, _ string) (net.Conn, error) {
		c1, c2 := net.Pipe()
		go s.serve(c2)
		return c1, nil
	}}
	return &http.Client{Transport: tr}
}

func (s *h2Server) serve(conn net.Conn) {
	defer conn.Close()
	br := bufio.NewReader(conn)
	preface := make([]byte, 24)
	if _, err := io.ReadFull(br, preface); err != nil {
		return
	}
	write := func(typ, flags byte, stream uint32, payload []byte) error {
		hdr := make([]byte, 9, 9+len(payload))
		hdr[0], hdr[1], hdr[2] = byte(len(payload)>>16), byte(len(payload)>>8), byte(len(payload))
		hdr[3], hdr[4] = typ, flags
		binary.BigEndian.PutUint32(hdr[5:], stream)
		_, err := conn.Write(append(hdr, payload...))
		return err
	}
	// A reader of its own: net.Pipe does not buffer, and the client may be
	// writing while the server writes.
	type frame struct {
		typ, flags byte
		stream     uint32
	}
	frames := make(chan frame, 1024)
	go func() {
		defer close(frames)
		for {
			var hdr [9]byte
			if _, err := io.ReadFull(br, hdr[:]); err != nil {
				return
			}
			length := int(hdr[0])<<16 | int(hdr[1])<<8 | int(hdr[2])
			if _, err := io.CopyN(io.Discard, br, int64(length)); err != nil {
				return
			}
			frames <- frame{hdr[3], hdr[4], binary.BigEndian.Uint32(hdr[5:]) & 0x7fffffff}
		}
	}()
	if write(h2Settings, 0, 0, nil) != nil {
		return
	}
	// A stream is answered once its request is wholly received: its header
	// block ended and END_STREAM seen (on HEADERS, or on the body's last
	// DATA frame). Answering on the headers alone would race the client's
	// body write, and a request would be written or not by chance.
	headersDone, ended := map[uint32]bool{}, map[uint32]bool{}
	for f := range frames {
		typ, flags, stream := f.typ, f.flags, f.stream
		if stream != 0 && (typ == h2Headers || typ == h2Data) && flags&h2FlagEndStream != 0 {
			ended[stream] = true
		}
		if stream != 0 && (typ == h2Headers || typ == h2Continuation) && flags&h2FlagEndHeaders != 0 {
			headersDone[stream] = true
		}
		switch {
		case typ == h2Settings && flags&h2FlagAck == 0:
			if write(h2Settings, h2FlagAck, 0, nil) != nil {
				return
			}
		case typ != h2Headers && typ != h2Continuation && typ != h2Data,
			!headersDone[stream] || !ended[stream]:
			// the request goes on
		default:
			delete(headersDone, stream)
			delete(ended, stream)
			s.mu.Lock()
			s.n++
			n := s.n
			s.mu.Unlock()
			r := s.answer(n, stream)
			switch {
			case r.ok:
				// :status 200 is entry 8 of HPACK's static table.
				if write(h2Headers, h2FlagEndHeaders, stream, []byte{0x88}) != nil ||
					write(h2Data, h2FlagEndStream, stream, []byte(testOrderJSON)) != nil {
					return
				}
			case r.badFrame:
				write(h2Data, 0, 0, []byte("x"))
			case r.goAway != nil:
				payload := binary.BigEndian.AppendUint32(nil, r.goAway.last)
				write(h2GoAway, 0, 0, binary.BigEndian.AppendUint32(payload, r.goAway.code))
				return // and hang up
			default:
				if write(h2RSTStream, 0, stream, binary.BigEndian.AppendUint32(nil, r.rst)) != nil {
					return
				}
			}
		}
	}
}

// TestHTTP2RefusedAndGoAway: REFUSED_STREAM and a GOAWAY that leaves the
// stream out mean the server did not act: every method is retried, POST
// included, once net/http's own retries of these are spent. A GOAWAY
// that covers the stream, then a hang-up, and INTERNAL_ERROR follow the
// connection-error rule: GET retried, a written POST not.
func TestHTTP2RefusedAndGoAway(t *testing.T) {
	goAway := func(last, code uint32) h2Reply {
		return h2Reply{goAway: &struct{ last, code uint32 }{last, code}}
	}
	const internalTries = 8 // net/http's HTTP/2 transport sends a refused request this often
	for _, tc := range []struct {
		name string
		fail func(n int, stream uint32) (h2Reply, bool) // false: answer 200
		// requests the server sees for GET and POST
		get, post int
		errText   string
	}{
		{"REFUSED_STREAM", func(n int, _ uint32) (h2Reply, bool) {
			return h2Reply{rst: h2CodeRefusedStream}, n <= internalTries
		}, internalTries + 1, internalTries + 1, ""},
		{"GOAWAY before the stream", func(n int, stream uint32) (h2Reply, bool) {
			return goAway(stream-1, h2CodeCalm), n == 1
		}, 2, 2, ""},
		{"GOAWAY covering the stream", func(n int, stream uint32) (h2Reply, bool) {
			return goAway(stream, h2CodeNo), n == 1
		}, 2, 1, "GOAWAY"},
		{"INTERNAL_ERROR", func(n int, _ uint32) (h2Reply, bool) {
			return h2Reply{rst: h2CodeInternal}, n == 1
		}, 2, 1, "INTERNAL_ERROR"},
		{"connection error", func(n int, _ uint32) (h2Reply, bool) {
			return h2Reply{badFrame: true}, n == 1
		}, 2, 1, "connection error"},
	} {
		for _, class := range []string{"GET", "POST"} {
			t.Run(tc.name+"/"+class, func(t *testing.T) {
				synctest.Test(t, func(t *testing.T) {
					s := &h2Server{answer: func(n int, stream uint32) h2Reply {
						if r, fail := tc.fail(n, stream); fail {
							return r
						}
						return h2Reply{ok: true}
					}}
					hc := s.client()
					defer hc.CloseIdleConnections() // the bubble ends with no connection left
					c, err := NewClient(testToken, WithBaseURL("http://api.test"), WithHTTPClient(hc),
						WithTimeout(10*time.Minute), fastRetries, WithoutRateLimits())
					if err != nil {
						t.Fatal(err)
					}
					if class == "GET" {
						_, err = c.Orders.Get(bg(), orderID)
					} else {
						_, err = c.Orders.ConfirmRetryPayment(bg(), orderID, &CustomerOrderConfirmPayment{PaymentMethodID: "pm"})
					}
					want := tc.get
					if class == "POST" {
						want = tc.post
					}
					if s.count() != want {
						t.Fatalf("%d requests, want %d: %v", s.count(), want, err)
					}
					if want > 1 && class == "POST" || class == "GET" {
						if err != nil {
							t.Fatal(err)
						}
						return
					}
					if err == nil || !strings.Contains(err.Error(), tc.errText) {
						t.Fatalf("err = %v, want %s", err, tc.errText)
					}
				})
			})
		}
	}
}

// discardLog keeps net/http's server from logging the aborted handlers.
var discardLog = log.New(io.Discard, "", 0)

// lookalikeStreamError has the fields of HTTP/2's StreamError but is no
// HTTP/2 error.
type lookalikeStreamError struct {
	StreamID uint32
	Code     uint32
	Cause    error
}

func (lookalikeStreamError) Error() string { return "stream error" }

// TestH2ErrorClass classifies the error values net/http's HTTP/2
// transport really returns, got from h2Server through a plain client, and
// leaves every other error alone.
func TestH2ErrorClass(t *testing.T) {
	for _, tc := range []struct {
		name  string
		reply h2Reply
		want  h2Class
	}{
		{"REFUSED_STREAM", h2Reply{rst: h2CodeRefusedStream}, h2NotActedOn},
		{"INTERNAL_ERROR", h2Reply{rst: h2CodeInternal}, h2Transient},
		{"HTTP_1_1_REQUIRED", h2Reply{rst: h2HTTP11Required}, h2Permanent},
		{"GOAWAY ENHANCE_YOUR_CALM before the stream", h2Reply{goAway: &struct{ last, code uint32 }{0, h2CodeCalm}}, h2NotActedOn},
		{"GOAWAY covering the stream", h2Reply{goAway: &struct{ last, code uint32 }{1, h2CodeNo}}, h2Transient},
		{"connection error", h2Reply{badFrame: true}, h2Transient},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				s := &h2Server{answer: func(int, uint32) h2Reply { return tc.reply }}
				hc := s.client()
				defer hc.CloseIdleConnections()
				for _, rewind := range []bool{true, false} {
					req, _ := http.NewRequest(http.MethodPost, "http://api.test/", strings.NewReader("{}"))
					if !rewind {
						req.GetBody = nil // net/http then gives up at once on a refused stream
					}
					resp, err := hc.Do(req)
					if err == nil {
						resp.Body.Close()
						t.Fatal("no error")
					}
					if got := h2ErrorClass(err); got != tc.want {
						t.Fatalf("%v (%T): class %d, want %d", err, errors.Unwrap(err), got, tc.want)
					}
				}
			})
		})
	}
	for _, err := range []error{
		io.EOF, io.ErrUnexpectedEOF, context.DeadlineExceeded, &net.OpError{Op: "read", Err: errors.New("reset")},
		lookalikeStreamError{StreamID: 1, Code: h2CodeRefusedStream}, errors.New("stream error: stream ID 1; REFUSED_STREAM"),
		fmt.Errorf("wrapped: %w", errors.Join(io.EOF, syscall.ECONNRESET)),
	} {
		if got := h2ErrorClass(err); got != h2None {
			t.Errorf("%v: class %d", err, got)
		}
	}
}
