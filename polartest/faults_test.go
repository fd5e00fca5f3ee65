package polartest_test

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"testing"
	"time"

	polar "github.com/polarportal/polar-go"
	"github.com/polarportal/polar-go/polartest"
)

func TestFaults(t *testing.T) {
	srv := polartest.NewTestServer(t, polartest.WithDemo())
	c, _ := client(t, srv, polartest.DemoCustomerToken)

	t.Run("fail next", func(t *testing.T) {
		srv.FailNext(2, http.StatusServiceUnavailable)
		for range 2 {
			_, err := c.Customers.Get(ctx)
			wantAPIError(t, err, http.StatusServiceUnavailable, "")
		}
		if _, err := c.Customers.Get(ctx); err != nil {
			t.Errorf("third call: %v", err)
		}
	})
	t.Run("retried through", func(t *testing.T) {
		before := srv.Calls("customer_portal:orders:get")
		retrying := srv.Client(polartest.DemoCustomerToken) // fast retries by default
		srv.FailNext(2, http.StatusBadGateway)
		if _, err := retrying.Orders.Get(ctx, polartest.DemoOrderID); err != nil {
			t.Fatalf("GET after two 502s: %v", err)
		}
		if got := srv.Calls("customer_portal:orders:get") - before; got != 1 {
			t.Errorf("the handler ran %d times, want 1", got)
		}
	})
	t.Run("one operation, custom body", func(t *testing.T) {
		srv.InjectFault(polartest.Fault{Operation: "customer_portal:orders:get", Times: 1, Status: http.StatusConflict,
			Body: `{"error":"SomethingNew","detail":"a name the SDK does not know"}`})
		if _, err := c.Orders.List(ctx, nil); err != nil {
			t.Errorf("another operation: %v", err)
		}
		_, err := c.Orders.Get(ctx, polartest.DemoOrderID)
		if e := wantAPIError(t, err, http.StatusConflict, "SomethingNew"); e.Detail != "a name the SDK does not know" {
			t.Errorf("detail %q", e.Detail)
		}
	})
	t.Run("rate limited with Retry-After", func(t *testing.T) {
		srv.InjectFault(polartest.Fault{Times: 1, Status: http.StatusTooManyRequests, Body: "-", Header: http.Header{"Retry-After": {"7"}}})
		_, err := c.Customers.Get(ctx)
		var rle *polar.RateLimitError
		if !errors.As(err, &rle) || rle.RetryAfter != 7*time.Second {
			t.Errorf("error = %v, want a RateLimitError of 7s", err)
		}
	})
	t.Run("latency", func(t *testing.T) {
		srv.InjectFault(polartest.Fault{Times: 1, Latency: time.Hour})
		short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
		defer cancel()
		_, err := c.Customers.Get(short)
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("error = %v, want the deadline", err)
		}
	})
	t.Run("dropped connection", func(t *testing.T) {
		// Two drops: net/http may replay a GET once on a reused
		// connection.
		srv.InjectFault(polartest.Fault{Times: 2, Drop: true})
		_, err := c.Customers.Get(ctx)
		srv.ClearFaults()
		var apiErr *polar.APIError
		if err == nil || errors.As(err, &apiErr) {
			t.Errorf("error = %v, want a transport error", err)
		}
		if _, err := c.Customers.Get(ctx); err != nil {
			t.Errorf("after the drop: %v", err)
		}
	})
	t.Run("until cleared", func(t *testing.T) {
		srv.InjectFault(polartest.Fault{Status: http.StatusInternalServerError})
		for range 3 {
			_, err := c.Customers.Get(ctx)
			wantAPIError(t, err, http.StatusInternalServerError, "")
		}
		srv.ClearFaults()
		if _, err := c.Customers.Get(ctx); err != nil {
			t.Errorf("after ClearFaults: %v", err)
		}
	})
}

func TestRateLimits(t *testing.T) {
	clk := newClock()
	srv := polartest.NewTestServer(t, polartest.WithDemo(), polartest.WithPolarRateLimits(), polartest.WithClock(clk.Now))
	alice, _ := client(t, srv, polartest.DemoCustomerToken)
	bob, _ := client(t, srv, polartest.DemoOtherCustomerToken)

	for i := range 500 {
		if _, err := alice.Sessions.Introspect(ctx); err != nil {
			t.Fatalf("request %d: %v", i+1, err)
		}
	}
	_, err := alice.Sessions.Introspect(ctx)
	var rle *polar.RateLimitError
	if !errors.As(err, &rle) || rle.RetryAfter != time.Minute {
		t.Fatalf("request 501: %v, want a RateLimitError of 60s", err)
	}
	status, hdr, b := raw(t, srv, http.MethodGet, "/v1/customer-portal/customers/me", polartest.DemoCustomerToken, nil)
	if status != http.StatusTooManyRequests || len(b) != 0 || hdr.Get("Content-Type") != "" || hdr.Get("Retry-After") != "60" || hdr.Get("Polar-Version") != "2026-10" {
		t.Errorf("429: %d %q, headers %v", status, b, hdr)
	}
	if _, err := bob.Sessions.Introspect(ctx); err != nil {
		t.Errorf("Bob counts apart: %v", err)
	}
	clk.Advance(time.Minute)
	if _, err := alice.Sessions.Introspect(ctx); err != nil {
		t.Errorf("next minute: %v", err)
	}

	// The license-key zone: 3 a second, then the caller is blocked on
	// everything for 60 s.
	validate := func() (int, http.Header) {
		status, hdr, _ := raw(t, srv, http.MethodPost, "/v1/customer-portal/license-keys/validate", polartest.DemoOtherCustomerToken, stringsReader(`{}`))
		return status, hdr
	}
	for i := range 3 {
		if status, _ := validate(); status == http.StatusTooManyRequests {
			t.Fatalf("validation %d limited", i+1)
		}
	}
	if status, hdr := validate(); status != http.StatusTooManyRequests || hdr.Get("Retry-After") != "60" {
		t.Fatalf("fourth validation in a second: %d, Retry-After %q", status, hdr.Get("Retry-After"))
	}
	clk.Advance(20 * time.Second)
	_, err = bob.Customers.Get(ctx)
	if !errors.As(err, &rle) || rle.RetryAfter != 40*time.Second {
		t.Errorf("Bob blocked on every operation: %v, want 40s left", err)
	}
	clk.Advance(40 * time.Second)
	if _, err := bob.Customers.Get(ctx); err != nil {
		t.Errorf("after the block: %v", err)
	}

	// The email-update zone, per client address without a token: 6 a
	// minute, then blocked for 900 s.
	check := func() (int, string) {
		status, hdr, _ := raw(t, srv, http.MethodGet, "/v1/customer-portal/customers/me/email-update/check?token=x", "", nil)
		return status, hdr.Get("Retry-After")
	}
	for i := range 6 {
		if status, _ := check(); status == http.StatusTooManyRequests {
			t.Fatalf("check %d limited", i+1)
		}
	}
	if status, retry := check(); status != http.StatusTooManyRequests || retry != strconv.Itoa(900) {
		t.Fatalf("seventh check: %d, Retry-After %q", status, retry)
	}
	anon := srv.Client("")
	if _, err := anon.Organizations.Get(ctx, "acme"); !errors.As(err, &rle) {
		t.Errorf("the blocked address on another operation: %v", err)
	}
	if _, err := alice.Customers.Get(ctx); err != nil {
		t.Errorf("a token is another caller: %v", err)
	}
}

func TestSandboxRateLimit(t *testing.T) {
	srv := polartest.NewTestServer(t, polartest.WithDemo(), polartest.WithPolarRateLimits(), polartest.WithSandbox(),
		polartest.WithClock(newClock().Now))
	c, _ := client(t, srv, polartest.DemoCustomerToken)
	for i := range 100 {
		if _, err := c.Sessions.Introspect(ctx); err != nil {
			t.Fatalf("request %d: %v", i+1, err)
		}
	}
	if _, err := c.Sessions.Introspect(ctx); !errors.Is(err, polar.ErrRateLimited) {
		t.Errorf("request 101 in sandbox: %v", err)
	}
}

func TestClientOptions(t *testing.T) {
	srv := polartest.NewTestServer(t, polartest.WithDemo())
	// Options that contradict the defaults of Client replace them.
	for _, opts := range [][]polar.Option{
		{polar.WithRateLimits(polar.DefaultRateLimits(polar.Production))},
		{polar.WithoutRetries()},
		{polar.WithoutRetries(), polar.WithRateLimits(polar.DefaultRateLimits(polar.Sandbox))},
	} {
		if _, err := srv.Client(polartest.DemoCustomerToken, opts...).Customers.Get(ctx); err != nil {
			t.Error(err)
		}
	}
	defer func() {
		if recover() == nil {
			t.Error("an invalid option did not panic")
		}
	}()
	srv.Client("", polar.WithTimeout(-1))
}

// TestRateLimitsPerCustomer: Polar counts the API zone per customer or
// member, not per token: two sessions of one customer share one budget,
// and each member of a team has their own.
func TestRateLimitsPerCustomer(t *testing.T) {
	srv := polartest.NewTestServer(t, polartest.WithDemo(), polartest.WithPolarRateLimits(), polartest.WithClock(newClock().Now))
	const second = "polar_cst_alice_second_session"
	const ownerAgain = "polar_mst_globex_owner_again"
	if err := srv.Seed(&polartest.Fixture{Tokens: []polartest.Token{
		{Token: second, Kind: polartest.TokenKindCustomerSession, CustomerID: polartest.DemoCustomerID},
		{Token: ownerAgain, Kind: polartest.TokenKindMemberSession, CustomerID: polartest.DemoTeamID, MemberID: polartest.DemoOwnerMemberID},
	}}); err != nil {
		t.Fatal(err)
	}
	spend := func(name string, tokens ...string) {
		t.Helper()
		clients := make([]*polar.Client, len(tokens))
		for i, tok := range tokens {
			clients[i], _ = client(t, srv, tok)
		}
		for i := range 500 {
			if _, err := clients[i%len(clients)].Sessions.Introspect(ctx); err != nil {
				t.Fatalf("%s: request %d: %v", name, i+1, err)
			}
		}
		for _, c := range clients {
			if _, err := c.Sessions.Introspect(ctx); !errors.Is(err, polar.ErrRateLimited) {
				t.Errorf("%s: request 501 with another session of the same caller: %v", name, err)
			}
		}
	}
	spend("Alice", polartest.DemoCustomerToken, second, polartest.DemoReadOnlyToken)
	spend("Globex's owner", polartest.DemoMemberToken, ownerAgain)
	// Another member of the same team counts apart, as does another
	// customer.
	for _, tok := range []string{polartest.DemoBillingManagerToken, polartest.DemoOtherCustomerToken} {
		if c, _ := client(t, srv, tok); c != nil {
			if _, err := c.Sessions.Introspect(ctx); err != nil {
				t.Errorf("%s counts apart: %v", tok, err)
			}
		}
	}
}

// TestFaultAfterHandler: a fault that fires after the handler ran loses
// the answer of a Cancel that did cancel; the retry meets the change, as
// Subscriptions.Cancel documents (Attempt 2).
func TestFaultAfterHandler(t *testing.T) {
	for _, tc := range []struct {
		name  string
		fault polartest.Fault
	}{
		{"503", polartest.Fault{Status: http.StatusServiceUnavailable}},
		{"dropped connection", polartest.Fault{Drop: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := polartest.NewTestServer(t, polartest.WithDemo())
			c := srv.Client(polartest.DemoCustomerToken) // retries, as callers do
			f := tc.fault
			f.Operation, f.Times, f.AfterHandler = polar.OpSubscriptionsCancel, 1, true
			srv.InjectFault(f)

			sub, err := c.Subscriptions.Cancel(ctx, polartest.DemoSubscriptionID)
			var apiErr *polar.APIError
			if !errors.Is(err, polar.ErrAlreadyCanceledSubscription) || !errors.As(err, &apiErr) || apiErr.Attempt != 2 || sub != nil {
				t.Fatalf("Cancel = %v, %v (attempt %d), want ErrAlreadyCanceledSubscription at attempt 2", sub, err, attempt(apiErr))
			}
			if n := srv.Calls(polar.OpSubscriptionsCancel); n != 2 {
				t.Errorf("Calls = %d, want 2: both attempts reached the handler", n)
			}
			got, err := c.Subscriptions.Get(ctx, polartest.DemoSubscriptionID)
			if err != nil || !got.CancelAtPeriodEnd || got.EndsAt == nil {
				t.Errorf("after Cancel: %+v, %v; want it set to cancel at the period's end", got, err)
			}
		})
	}

	// Without Status or Drop the answer is sent, late.
	srv := polartest.NewTestServer(t, polartest.WithDemo())
	c := srv.Client(polartest.DemoCustomerToken)
	srv.InjectFault(polartest.Fault{Operation: polar.OpSubscriptionsCancel, Times: 1, AfterHandler: true, Latency: time.Millisecond})
	if sub, err := c.Subscriptions.Cancel(ctx, polartest.DemoSubscriptionID); err != nil || !sub.CancelAtPeriodEnd {
		t.Errorf("Cancel after a latency-only fault = %+v, %v", sub, err)
	}
}

func attempt(e *polar.APIError) int {
	if e == nil {
		return 0
	}
	return e.Attempt
}
