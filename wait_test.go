package polar

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

// pollingOrders is an OrdersService stub whose Receipt and Invoice answer
// "not ready" notReady times, then a result; it records when each call
// came. Every other method panics on the nil interface.
type pollingOrders struct {
	OrdersService
	notReady int
	err      error // answered instead of the result, when set
	// hangAt makes poll number hangAt (from 1) last until ctx ends, as a
	// call does whose context ends in flight.
	hangAt int
	calls  []time.Time
}

func (s *pollingOrders) poll(ctx context.Context, notReadyErr error) error {
	s.calls = append(s.calls, time.Now())
	if len(s.calls) == s.hangAt {
		<-ctx.Done()
		return fmt.Errorf("polar: GET %s: %w", ordersReceipt.op.path, ctx.Err())
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if len(s.calls) <= s.notReady {
		return notReadyErr
	}
	return s.err
}

func (s *pollingOrders) Receipt(ctx context.Context, id string) (*CustomerOrderReceipt, error) {
	if err := s.poll(ctx, fmt.Errorf("polar: GET %s: %w", ordersReceipt.op.path, ErrNotReady)); err != nil {
		return nil, err
	}
	return &CustomerOrderReceipt{URL: "https://files.example/" + id + ".pdf"}, nil
}

func (s *pollingOrders) Invoice(ctx context.Context, id string) (*CustomerOrderInvoice, error) {
	if err := s.poll(ctx, &APIError{StatusCode: 404, Name: "InvoiceDoesNotExist"}); err != nil {
		return nil, err
	}
	return &CustomerOrderInvoice{URL: "https://files.example/" + id + "-invoice.pdf"}, nil
}

// TestWaitReceiptBacksOff polls a stub that is not ready five times, on
// synctest's clock: each wait doubles from the minimum to the maximum, with
// jitter down to half of it.
func TestWaitReceiptBacksOff(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := &pollingOrders{notReady: 5}
		r, err := WaitReceipt(t.Context(), s, "o1", WithPollInterval(time.Second, 4*time.Second))
		if err != nil || r.URL != "https://files.example/o1.pdf" {
			t.Fatalf("WaitReceipt = %+v, %v", r, err)
		}
		if len(s.calls) != 6 {
			t.Fatalf("%d polls, want 6", len(s.calls))
		}
		caps := []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 4 * time.Second, 4 * time.Second}
		for i, c := range caps {
			if gap := s.calls[i+1].Sub(s.calls[i]); gap < c/2 || gap > c {
				t.Errorf("wait %d = %v, want within [%v, %v]", i+1, gap, c/2, c)
			}
		}
	})
}

// TestWaitReceiptDefaults checks the default intervals.
func TestWaitReceiptDefaults(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := &pollingOrders{notReady: 6}
		if _, err := WaitReceipt(t.Context(), s, "o1"); err != nil {
			t.Fatal(err)
		}
		first, last := s.calls[1].Sub(s.calls[0]), s.calls[6].Sub(s.calls[5])
		if first < DefaultPollMin/2 || first > DefaultPollMin || last < DefaultPollMax/2 || last > DefaultPollMax {
			t.Errorf("first wait %v, last %v; want within [%v, %v] and [%v, %v]",
				first, last, DefaultPollMin/2, DefaultPollMin, DefaultPollMax/2, DefaultPollMax)
		}
	})
}

// TestWaitEndsWithTheContext checks that a wait that never becomes ready
// ends when its context does, with an error that matches both the
// context's and the not-ready one.
func TestWaitEndsWithTheContext(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
		defer cancel()
		start := time.Now()
		s := &pollingOrders{notReady: 1 << 30}
		_, err := WaitReceipt(ctx, s, "o1")
		if !errors.Is(err, context.DeadlineExceeded) || !errors.Is(err, ErrNotReady) {
			t.Errorf("err = %v, want DeadlineExceeded and ErrNotReady", err)
		}
		if d := time.Since(start); d != time.Minute {
			t.Errorf("returned after %v, want at the 1m deadline", d)
		}
		// Waits of 1, 2, 4 and 8 s, then 15 s, each down to half: 8 to 12
		// polls in a minute, one more when the last is cut by the deadline.
		if n := len(s.calls); n < 8 || n > 13 {
			t.Errorf("%d polls in a minute", n)
		}

		// The deadline ends the third poll in flight.
		ctx3, cancel3 := context.WithTimeout(t.Context(), time.Minute)
		defer cancel3()
		_, err = WaitReceipt(ctx3, &pollingOrders{notReady: 1 << 30, hangAt: 3}, "o1")
		if !errors.Is(err, context.DeadlineExceeded) || !errors.Is(err, ErrNotReady) {
			t.Errorf("deadline during a poll: err = %v, want DeadlineExceeded and ErrNotReady", err)
		}

		ctx2, cancel2 := context.WithTimeout(t.Context(), time.Minute)
		defer cancel2()
		_, err = WaitInvoice(ctx2, &pollingOrders{notReady: 1 << 30}, "o1")
		if !errors.Is(err, context.DeadlineExceeded) || !errors.Is(err, ErrInvoiceDoesNotExist) {
			t.Errorf("invoice: err = %v, want DeadlineExceeded and ErrInvoiceDoesNotExist", err)
		}
	})
}

// TestWaitStopsAtOtherErrors checks that any error but "not ready" ends
// the wait at once, as is.
func TestWaitStopsAtOtherErrors(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		notAllocated := &APIError{StatusCode: 404, Name: "ReceiptNotAllocated"}
		s := &pollingOrders{notReady: 1, err: notAllocated}
		_, err := WaitReceipt(t.Context(), s, "o1")
		if err != notAllocated || len(s.calls) != 2 {
			t.Errorf("err = %v after %d polls, want the *APIError after 2", err, len(s.calls))
		}
		missing := &APIError{StatusCode: 404, Name: "ResourceNotFound"}
		s = &pollingOrders{err: missing}
		_, err = WaitInvoice(t.Context(), s, "o1")
		if err != missing || len(s.calls) != 1 {
			t.Errorf("invoice: err = %v after %d polls, want the *APIError after 1", err, len(s.calls))
		}
	})
}

func TestWaitRefusesBadArguments(t *testing.T) {
	if _, err := WaitReceipt(bg(), nil, "o1"); !errors.Is(err, ErrInvalidArgument) {
		t.Errorf("nil OrdersService: %v", err)
	}
	if _, err := WaitInvoice(bg(), nil, "o1"); !errors.Is(err, ErrInvalidArgument) {
		t.Errorf("nil OrdersService: %v", err)
	}
	//lint:ignore SA1012 a nil context is the case under test
	if _, err := WaitReceipt(nil, &pollingOrders{}, "o1"); !errors.Is(err, ErrInvalidArgument) {
		t.Errorf("nil Context: %v", err)
	}
}

// recordSleeps makes a wait record its waits instead of sleeping.
func recordSleeps(mu *sync.Mutex, waits *[]time.Duration) WaitOption {
	return func(c *waitConfig) {
		c.sleep = func(ctx context.Context, d time.Duration) error {
			mu.Lock()
			*waits = append(*waits, d)
			mu.Unlock()
			return ctx.Err()
		}
	}
}

// TestWaitOverHTTP runs both waits against an httptest server answering
// as Polar does: 202 while the receipt renders, 404 InvoiceDoesNotExist
// until the invoice exists. Only GETs are sent: the wait never generates
// the invoice.
func TestWaitOverHTTP(t *testing.T) {
	var mu sync.Mutex
	var waits []time.Duration
	polls := map[string]int{}
	srv := newRecorder(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		polls[r.URL.Path]++
		n := polls[r.URL.Path]
		mu.Unlock()
		switch r.URL.Path {
		case "/v1/customer-portal/orders/o1/receipt":
			if n <= 2 {
				w.WriteHeader(http.StatusAccepted)
				return
			}
			jsonAnswer(200, `{"url":"https://files.example/r.pdf"}`)(w, r)
		case "/v1/customer-portal/orders/o1/invoice":
			if n <= 3 {
				jsonAnswer(404, `{"error":"InvoiceDoesNotExist","detail":"No invoice exists for order o1."}`)(w, r)
				return
			}
			jsonAnswer(200, `{"url":"https://files.example/i.pdf"}`)(w, r)
		default:
			http.NotFound(w, r)
		}
	})
	c := newSingleShotClient(t, srv, testToken)
	opts := []WaitOption{WithPollInterval(100*time.Millisecond, time.Second), recordSleeps(&mu, &waits)}

	r, err := WaitReceipt(bg(), c.Orders, "o1", opts...)
	if err != nil || r.URL != "https://files.example/r.pdf" {
		t.Fatalf("WaitReceipt = %+v, %v", r, err)
	}
	inv, err := WaitInvoice(bg(), c.Orders, "o1", opts...)
	if err != nil || inv.URL != "https://files.example/i.pdf" {
		t.Fatalf("WaitInvoice = %+v, %v", inv, err)
	}
	for _, req := range srv.requests() {
		if req.Method != http.MethodGet {
			t.Errorf("%s %s sent; a wait only reads", req.Method, req.RequestURI)
		}
	}
	if srv.count() != 3+4 || len(waits) != 2+3 {
		t.Errorf("%d requests and %d waits, want 7 and 5", srv.count(), len(waits))
	}
	for i, d := range waits {
		if d < 50*time.Millisecond || d > time.Second {
			t.Errorf("wait %d = %v, out of [50ms, 1s]", i, d)
		}
	}
}
