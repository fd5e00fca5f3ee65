package polar

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"testing/synctest"
	"time"
)

// lyingServer answers every request with a 200 that announces
// contentLength bytes and sends body, then hangs up.
func lyingServer(t *testing.T, contentLength int64, body string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer conn.Close()
				if _, err := http.ReadRequest(bufio.NewReader(conn)); err != nil {
					return
				}
				io.WriteString(conn, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "+
					strconv.FormatInt(contentLength, 10)+"\r\n\r\n"+body)
			}()
		}
	}()
	return "http://" + ln.Addr().String()
}

// TestAnnouncedLengthIsNotTrusted: memory follows the bytes received, and
// an announced length past the cap is refused before reading.
func TestAnnouncedLengthIsNotTrusted(t *testing.T) {
	for _, announced := range []int64{8e9, 1 << 45, 1 << 62, MaxResponseSize + 1} {
		c, err := NewClient(testToken, WithBaseURL(lyingServer(t, announced, `{"id":`)), WithoutRetries(), WithoutRateLimits())
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.Orders.Get(bg(), orderID)
		if !errors.Is(err, ErrResponseTooLarge) {
			t.Errorf("Content-Length %d: err = %v", announced, err)
		}
	}

	// Under the cap, a short body costs what arrived, not what was announced.
	c, err := NewClient(testToken, WithBaseURL(lyingServer(t, MaxResponseSize, `{"id":`)), WithoutRetries(), WithoutRateLimits())
	if err != nil {
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, err = c.Orders.Get(bg(), orderID)
	runtime.ReadMemStats(&after)
	if err == nil {
		t.Fatal("a body cut short decoded without error")
	}
	if grown := after.TotalAlloc - before.TotalAlloc; grown > 4<<20 {
		t.Errorf("a 6-byte answer announcing %d bytes allocated %d bytes", MaxResponseSize, grown)
	}
}

// TestSuccessBodyIsCapped: a body past MaxResponseSize, announced or not,
// is an error, and a POST is not sent again.
func TestSuccessBodyIsCapped(t *testing.T) {
	big := strings.Repeat(" ", MaxResponseSize) + "{}"
	srv := newRecorder(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, big) // chunked: no length announced
	})
	c := newTestClient(t, srv, testToken)
	_, err := c.Orders.ConfirmRetryPayment(bg(), orderID, &CustomerOrderConfirmPayment{PaymentMethodID: "pm"})
	if !errors.Is(err, ErrResponseTooLarge) || !strings.Contains(err.Error(), "POST /v1/customer-portal/orders/{id}/confirm-payment") {
		t.Fatalf("err = %v", err)
	}
	if n := srv.count(); n != 1 {
		t.Fatalf("sent %d times", n)
	}
}

// TestNonObjectResultsAreErrors: a 200 with null, or a JSON value of
// another kind, is a decode error, not an empty value.
func TestNonObjectResultsAreErrors(t *testing.T) {
	for _, body := range []string{`null`, ` null `, `[]`, `42`, `"order"`, `true`, ``} {
		srv := newRecorder(t, jsonAnswer(200, body))
		c := newTestClient(t, srv, testToken)
		o, err := c.Orders.Get(bg(), orderID)
		if err == nil || o != nil || !strings.Contains(err.Error(), "decoding response") {
			t.Errorf("Get answered %q: %+v, %v", body, o, err)
		}
		if err := firstErr(c.Orders.All(bg(), nil)); err == nil {
			t.Errorf("All answered %q: no error", body)
		}
	}
}

// TestErrorsCarryNoQueryValues: errors name method and path only;
// net/http's own errors carry the whole URL.
func TestErrorsCarryNoQueryValues(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens: the connection is refused
	c, err := NewClient(testToken, WithBaseURL("http://"+addr), WithoutRetries(), WithoutRateLimits())
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Orders.List(bg(), &OrderListOptions{Query: "jane.doe@example.com"})
	if err == nil {
		t.Fatal("no error")
	}
	msg := err.Error()
	if strings.Contains(msg, "jane") || strings.Contains(msg, "%40") || strings.Contains(msg, "query=") {
		t.Errorf("error shows query values: %s", msg)
	}
	if !strings.HasPrefix(msg, "polar: GET /v1/customer-portal/orders/: ") {
		t.Errorf("error does not name the operation: %s", msg)
	}
	var opErr *net.OpError
	if !errors.As(err, &opErr) {
		t.Errorf("the cause is not kept: %#v", err)
	}
}

// TestBlockedCallErrorNamesTheOperation: a call the limiter refuses says
// which operation and that nothing was sent.
func TestBlockedCallErrorNamesTheOperation(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ft := &fakeTransport{answer: func(int, *http.Request) *http.Response { return answer(429, "", "Retry-After", "900") }}
		c := fakeClient(t, ft)
		if _, err := c.Orders.Get(bg(), orderID); !errors.Is(err, ErrRateLimited) {
			t.Fatal(err)
		}
		_, err := c.Orders.Receipt(bg(), orderID)
		var rle *RateLimitError
		if !errors.As(err, &rle) || rle.Method != "GET" || rle.Path != "/v1/customer-portal/orders/{id}/receipt" {
			t.Fatalf("err = %#v", err)
		}
		if msg := err.Error(); !strings.HasPrefix(msg, "polar: GET /v1/customer-portal/orders/{id}/receipt: 429") || !strings.Contains(msg, "not sent") {
			t.Errorf("message %q", msg)
		}
		if ft.calls() != 1 {
			t.Errorf("sent %d", ft.calls())
		}
	})
}

// TestBadTokens: a token that cannot travel in a header is refused without
// sending anything and without showing the token.
func TestBadTokens(t *testing.T) {
	const secret = "polar_cst_SECRET"
	for _, tok := range []string{secret + "\n", secret + "\r\nX-Evil: 1", "\x00" + secret, secret + "\x7f"} {
		if _, err := NewClient(tok); !errors.Is(err, ErrInvalidArgument) || strings.Contains(err.Error(), "SECRET") {
			t.Errorf("NewClient(%q): %v", tok, err)
		}
		srv := newRecorder(t, jsonAnswer(200, testOrderJSON))
		base := newTestClient(t, srv, "")
		c := base.WithToken(tok)
		_, err := c.Orders.Get(bg(), orderID)
		if !errors.Is(err, ErrInvalidArgument) || strings.Contains(err.Error(), "SECRET") {
			t.Errorf("WithToken(%q).Orders.Get: %v", tok, err)
		}
		if srv.count() != 0 {
			t.Errorf("WithToken(%q): %d requests sent", tok, srv.count())
		}
	}
}

// TestPermanentTransportErrorsAreNotRetried: an error no retry can mend,
// such as a header net/http refuses to send, ends the call at once.
func TestPermanentTransportErrorsAreNotRetried(t *testing.T) {
	srv := newRecorder(t, jsonAnswer(200, testOrderJSON))
	inject := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		r = r.Clone(r.Context())
		r.Header.Set("X-Trace", "a\nb")
		return http.DefaultTransport.RoundTrip(r)
	})
	c, err := NewClient(testToken, WithBaseURL(srv.URL), fastRetries, WithoutRateLimits(),
		WithHTTPClient(&http.Client{Transport: inject}))
	if err != nil {
		t.Fatal(err)
	}
	var attempts int
	c2, err := NewClient(testToken, WithBaseURL(srv.URL), fastRetries, WithoutRateLimits(),
		WithHTTPClient(&http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
			attempts++
			return inject.RoundTrip(r)
		})}))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Orders.Get(bg(), orderID); err == nil {
		t.Fatal("no error")
	}
	if _, err := c2.Orders.Get(bg(), orderID); err == nil || attempts != 1 {
		t.Fatalf("%d attempts: %v", attempts, err)
	}
}

// fakeOrders stands in for OrdersService in a user's tests.
type fakeOrders struct{ OrdersService }

func (fakeOrders) Get(_ context.Context, id string) (*CustomerOrder, error) {
	return &CustomerOrder{ID: id, Status: OrderStatusPaid}, nil
}

// TestWithTokenKeepsReplacedServices: the README's mocking recipe and its
// per-request WithToken recipe work together.
func TestWithTokenKeepsReplacedServices(t *testing.T) {
	srv := newRecorder(t, jsonAnswer(200, testOrderJSON))
	base := newTestClient(t, srv, "")
	base.Orders = fakeOrders{}
	o, err := base.WithToken(testToken).Orders.Get(bg(), "stub")
	if err != nil || o.ID != "stub" || srv.count() != 0 {
		t.Fatalf("replaced service not carried over: %+v, %v, %d requests", o, err, srv.count())
	}

	// The package's own services are rebound to the new token.
	own := newTestClient(t, srv, "")
	if _, err := own.WithToken(testToken).Orders.Get(bg(), orderID); err != nil {
		t.Fatal(err)
	}
	checkCommonHeaders(t, srv.requests()[0], true)
}

// TestRetryAfterBeyondDeadline: when the context cannot hold the wait the
// 429 asks for, the call returns the *RateLimitError at once instead of
// sleeping until the deadline.
func TestRetryAfterBeyondDeadline(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ft := &fakeTransport{answer: func(int, *http.Request) *http.Response { return answer(429, "", "Retry-After", "20") }}
		c := fakeClient(t, ft, WithoutRateLimits())
		ctx, cancel := context.WithTimeout(bg(), 500*time.Millisecond)
		defer cancel()
		start := time.Now()
		_, err := c.Orders.Get(ctx, orderID)
		var rle *RateLimitError
		if !errors.As(err, &rle) || rle.RetryAfter != 20*time.Second {
			t.Fatalf("err = %v", err)
		}
		if time.Since(start) != 0 || ft.calls() != 1 {
			t.Fatalf("waited %v over %d attempts", time.Since(start), ft.calls())
		}
	})
}

// TestWithResponseOnAWalk: with an All iterator, *dst holds the answer of
// the page whose items (or whose error) are being yielded, written on the
// ranging goroutine, so prefetching pages race with nothing. Run with
// -race.
func TestWithResponseOnAWalk(t *testing.T) {
	const pages, limit = 20, 5
	for _, prefetch := range []int{0, 8} {
		t.Run(fmt.Sprint("prefetch ", prefetch), func(t *testing.T) {
			serve := pagedOrders(pages*limit, 0)
			srv := newRecorder(t, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("X-Page", strconv.Itoa(pageOf(r)))
				if pageOf(r) == pages {
					jsonAnswer(404, `{"error":"ResourceNotFound","detail":"gone"}`)(w, r)
					return
				}
				serve(w, r)
			})
			c := newTestClient(t, srv, testToken, WithPrefetch(prefetch))
			var resp Response
			n := 0
			for o, err := range c.Orders.All(WithResponse(bg(), &resp), &OrderListOptions{ListOptions: ListOptions{Limit: limit}}) {
				if err != nil {
					if !errors.Is(err, ErrResourceNotFound) || resp.StatusCode != 404 || resp.Header.Get("X-Page") != strconv.Itoa(pages) {
						t.Fatalf("error %v with response %d of page %s", err, resp.StatusCode, resp.Header.Get("X-Page"))
					}
					break
				}
				n++
				page := strconv.Itoa((n-1)/limit + 1)
				if resp.StatusCode != 200 || resp.Header.Get("X-Page") != page {
					t.Fatalf("item %s of page %s: response %d of page %s", o.ID, page, resp.StatusCode, resp.Header.Get("X-Page"))
				}
			}
			if n != (pages-1)*limit {
				t.Fatalf("%d items", n)
			}
		})
	}
}
