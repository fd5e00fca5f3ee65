package polartest

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	polar "github.com/polarportal/polar-go"
)

// TestCloseCancelsLatency: Close does not wait out a latency fault that a
// call is sleeping in; the call ends with an error instead.
func TestCloseCancelsLatency(t *testing.T) {
	srv := NewServer(WithDemo())
	sleeping := make(chan struct{})
	srv.testHookFaultWait = func() { close(sleeping) }
	srv.InjectFault(Fault{Times: 1, Latency: time.Hour})
	// No deadline on the call and none on the client: only Close can end
	// it.
	c := srv.Client(DemoCustomerToken, polar.WithoutRetries(), polar.WithTimeout(2*time.Hour), polar.WithHTTPClient(&http.Client{}))
	done := make(chan error, 1)
	go func() {
		_, err := c.Customers.Get(context.Background())
		done <- err
	}()
	<-sleeping
	srv.Close()
	if err := <-done; err == nil {
		t.Error("the call in the latency fault succeeded after Close")
	}
}

// TestCallsCountCancelledCall: a call cancelled while its request waits
// after the handler (an AfterHandler latency fault) is counted by Calls,
// and what the handler did stays done, although the caller saw only its
// context's error.
func TestCallsCountCancelledCall(t *testing.T) {
	srv := NewServer(WithDemo())
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	srv.testHookFaultWait = cancel // the handler has run: cancel the call
	srv.InjectFault(Fault{Operation: polar.OpSubscriptionsCancel, Times: 1, AfterHandler: true, Latency: time.Hour})
	c := srv.Client(DemoCustomerToken, polar.WithoutRetries())
	if _, err := c.Subscriptions.Cancel(ctx, DemoSubscriptionID); !errors.Is(err, context.Canceled) {
		t.Fatalf("Cancel = %v, want context.Canceled", err)
	}
	if n := srv.Calls(polar.OpSubscriptionsCancel); n != 1 {
		t.Errorf("Calls = %d, want 1: the cancelled call reached the handler", n)
	}
	s, err := c.Subscriptions.Get(context.Background(), DemoSubscriptionID)
	if err != nil || !s.CancelAtPeriodEnd {
		t.Errorf("after the cancelled call: %+v, %v; want it set to cancel", s, err)
	}
}
