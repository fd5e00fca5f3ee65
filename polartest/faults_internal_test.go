package polartest

import (
	"context"
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
