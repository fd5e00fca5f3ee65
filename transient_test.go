package polar

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// refusingLimiter refuses every call the way a custom Limiter does.
type refusingLimiter struct{ err error }

func (l refusingLimiter) Wait(context.Context, Zone, string) error { return l.err }
func (refusingLimiter) Block(string, time.Duration)                {}

// TestIsTransient classifies real errors of calls against httptest servers
// and a closed listener.
func TestIsTransient(t *testing.T) {
	closed, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closedURL := "http://" + closed.Addr().String()
	closed.Close()

	dropping := newRecorder(t, func(w http.ResponseWriter, r *http.Request) {
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			conn.Close()
		}
	})
	stalling := newRecorder(t, func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() })
	tlsSrv := httptest.NewTLSServer(jsonAnswer(200, `{}`))
	t.Cleanup(tlsSrv.Close)

	answering := func(status int, header, body string) *recorder {
		return newRecorder(t, func(w http.ResponseWriter, r *http.Request) {
			if header != "" {
				k, v, _ := strings.Cut(header, ": ")
				w.Header().Set(k, v)
			}
			jsonAnswer(status, body)(w, r)
		})
	}
	// client makes a client of rawURL with opts, by default short retries
	// and no client-side limits.
	client := func(rawURL string, opts ...Option) *Client {
		if len(opts) == 0 {
			opts = []Option{fastRetries, WithoutRateLimits()}
		}
		c, err := NewClient(testToken, append([]Option{WithBaseURL(rawURL)}, opts...)...)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	getOrder := func(c *Client) func(context.Context) error {
		return func(ctx context.Context) error { _, err := c.Orders.Get(ctx, "o1"); return err }
	}
	canceled, cancel := context.WithCancel(bg())
	cancel()
	expired, cancel2 := context.WithDeadline(bg(), time.Unix(0, 0))
	defer cancel2()

	tests := []struct {
		name string
		ctx  context.Context
		call func(context.Context) error
		want bool
	}{
		{"connection refused", bg(), getOrder(client(closedURL)), true},
		{"connection dropped", bg(), getOrder(client(dropping.URL)), true},
		{"attempt timeout", bg(), getOrder(client(stalling.URL, WithTimeout(20*time.Millisecond), WithoutRetries(), WithoutRateLimits())), true},
		{"caller's deadline passed", expired, getOrder(client(stalling.URL)), true},
		{"502", bg(), getOrder(client(answering(502, "", `<html>bad gateway</html>`).URL)), true},
		{"503", bg(), getOrder(client(answering(503, "", ``).URL)), true},
		{"504", bg(), getOrder(client(answering(504, "", ``).URL)), true},
		{"rate-limit 429 after retries", bg(), getOrder(client(answering(429, "Retry-After: 0", ``).URL)), true},
		{"refused by a custom limiter", bg(), getOrder(client(closedURL, WithLimiter(refusingLimiter{NewRateLimitError(time.Minute)}))), true},

		{"caller canceled", canceled, getOrder(client(stalling.URL)), false},
		{"404 ResourceNotFound", bg(), getOrder(client(answering(404, "", `{"error":"ResourceNotFound","detail":"Not found"}`).URL)), false},
		{"403 NotPermitted", bg(), getOrder(client(answering(403, "", `{"error":"NotPermitted","detail":"no"}`).URL)), false},
		{"401 invalid_token", bg(), getOrder(client(answering(401, "", `{"error":"invalid_token","error_description":"expired"}`).URL)), false},
		{"500", bg(), getOrder(client(answering(500, "", `Internal Server Error`).URL)), false},
		{"429 ManualRetryLimitExceeded", bg(), getOrder(client(answering(429, "", `{"error":"ManualRetryLimitExceeded","detail":"five"}`).URL)), false},
		{"invalid argument", bg(), func(ctx context.Context) error {
			_, err := client(closedURL).Orders.Get(ctx, "")
			return err
		}, false},
		{"empty license key", bg(), func(ctx context.Context) error {
			_, err := client(closedURL).LicenseKeys.Validate(ctx, &LicenseKeyValidate{OrganizationID: "org"})
			return err
		}, false},
		{"undecodable answer", bg(), getOrder(client(answering(200, "", `[]`).URL)), false},
		{"receipt not ready", bg(), func(ctx context.Context) error {
			_, err := client(answering(202, "", ``).URL).Orders.Receipt(ctx, "o1")
			return err
		}, false},
		{"certificate that does not verify", bg(), getOrder(client(tlsSrv.URL)), false},
		{"no error", bg(), getOrder(client(answering(200, "", `{"id":"o1"}`).URL)), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call(tt.ctx)
			if (err == nil) != (tt.name == "no error") {
				t.Fatalf("err = %v", err)
			}
			t.Log(err)
			if got := IsTransient(err); got != tt.want {
				t.Errorf("IsTransient(%v) = %v, want %v", err, got, tt.want)
			}
		})
	}
}

// TestAPIErrorTextSaysEachThingOnce checks the messages of real answers
// whose name or detail repeat the status text, and of errors made without
// an operation.
func TestAPIErrorTextSaysEachThingOnce(t *testing.T) {
	tests := []struct {
		status int
		body   string
		want   string
	}{
		{401, `{"error":"Unauthorized","detail":"Unauthorized"}`, "polar: GET /v1/customer-portal/orders/{id}: 401 Unauthorized"},
		{404, `{"detail":"Not Found"}`, "polar: GET /v1/customer-portal/orders/{id}: 404 Not Found"},
		{404, `{"error":"ResourceNotFound","detail":"Not found."}`, "polar: GET /v1/customer-portal/orders/{id}: 404 Not Found: ResourceNotFound"},
		{403, `{"error":"NotPermitted","detail":"NotPermitted"}`, "polar: GET /v1/customer-portal/orders/{id}: 403 Forbidden: NotPermitted"},
		{403, `{"error":"NotPermitted","detail":"License key activation limit already reached"}`,
			"polar: GET /v1/customer-portal/orders/{id}: 403 Forbidden: NotPermitted: License key activation limit already reached"},
		{499, `{"error":"Odd","detail":"odd"}`, "polar: GET /v1/customer-portal/orders/{id}: 499: Odd"},
	}
	for _, tt := range tests {
		srv := newRecorder(t, jsonAnswer(tt.status, tt.body))
		_, err := newSingleShotClient(t, srv, testToken).Orders.Get(bg(), "o1")
		if err == nil || err.Error() != tt.want {
			t.Errorf("%d %s:\n got %v\nwant %s", tt.status, tt.body, err, tt.want)
		}
	}
}

// TestNewRateLimitError checks the error a custom Limiter returns: its
// message on its own, and once returned through a call, which fills in the
// operation.
func TestNewRateLimitError(t *testing.T) {
	e := NewRateLimitError(90 * time.Second)
	const alone = "polar: 429 Too Many Requests: not sent: the caller is blocked after an earlier 429 (retry after 1m30s)"
	if e.Error() != alone {
		t.Errorf("alone:\n got %s\nwant %s", e.Error(), alone)
	}
	if !errors.Is(e, ErrRateLimited) || e.RetryAfter != 90*time.Second || e.StatusCode != http.StatusTooManyRequests {
		t.Errorf("NewRateLimitError = %+v", e)
	}

	srv := newRecorder(t, jsonAnswer(200, `{"id":"o1"}`))
	c, err := NewClient(testToken, WithBaseURL(srv.URL), WithLimiter(refusingLimiter{NewRateLimitError(90 * time.Second)}))
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Orders.Get(bg(), "o1")
	var rle *RateLimitError
	if !errors.As(err, &rle) || rle.RetryAfter != 90*time.Second {
		t.Fatalf("call refused by the limiter: %v", err)
	}
	const through = "polar: GET /v1/customer-portal/orders/{id}: 429 Too Many Requests: not sent: the caller is blocked after an earlier 429 (retry after 1m30s)"
	if err.Error() != through {
		t.Errorf("through a call:\n got %s\nwant %s", err.Error(), through)
	}
	if srv.count() != 0 {
		t.Errorf("%d requests sent, want none", srv.count())
	}
}
