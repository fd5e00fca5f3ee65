package polar

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/polarportal/polar-go/internal/openapi"
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
	for _, announced := range []int64{8e9, 1 << 45, 1 << 62, maxResponseSize + 1} {
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
	c, err := NewClient(testToken, WithBaseURL(lyingServer(t, maxResponseSize, `{"id":`)), WithoutRetries(), WithoutRateLimits())
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
		t.Errorf("a 6-byte answer announcing %d bytes allocated %d bytes", maxResponseSize, grown)
	}
}

// TestSuccessBodyIsCapped: a body past maxResponseSize, announced or not,
// is an error, and a POST is not sent again.
func TestSuccessBodyIsCapped(t *testing.T) {
	big := strings.Repeat(" ", maxResponseSize) + "{}"
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
	c, err := NewClient(testToken, WithBaseURL("http://api.test"), WithHTTPClient(refusingHTTPClient()), WithoutRetries(), WithoutRateLimits())
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
				if resp.StatusCode != 200 || resp.Header.Get("X-Page") != page || !bytes.Contains(resp.Body, []byte(`"`+o.ID+`"`)) {
					t.Fatalf("item %s of page %s: response %d of page %s", o.ID, page, resp.StatusCode, resp.Header.Get("X-Page"))
				}
			}
			if n != (pages-1)*limit {
				t.Fatalf("%d items", n)
			}
		})
	}
}

// TestResponseBodyReachesUnlistedFields: fields the server sends that the
// document does not list are dropped by the typed result but readable from
// Response.Body, a copy of the bytes sent that later calls leave alone.
func TestResponseBodyReachesUnlistedFields(t *testing.T) {
	sent := fixture("order_server_extra.json")
	srv := newRecorder(t, sequence(jsonAnswer(200, string(sent)), jsonAnswer(200, testOrderJSON),
		jsonAnswer(404, `{"error":"ResourceNotFound","detail":"gone"}`)))
	c := newTestClient(t, srv, testToken)
	var resp Response
	o, err := c.Orders.Get(WithResponse(bg(), &resp), orderID)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(resp.Body, sent) {
		t.Fatalf("Body is not the bytes sent:\n%s", resp.Body)
	}
	var extra struct {
		UserID  string `json:"user_id"`
		Product struct {
			Prices []struct {
				Type              string `json:"type"`
				RecurringInterval string `json:"recurring_interval"`
			} `json:"prices"`
			Organization struct {
				SubscriptionSettings map[string]any `json:"subscription_settings"`
			} `json:"organization"`
		} `json:"product"`
	}
	if err := json.Unmarshal(resp.Body, &extra); err != nil {
		t.Fatal(err)
	}
	if extra.UserID != "6a1f3c8e-2b4d-4e7a-9c5f-8d0b1e2a3c4d" || len(extra.Product.Prices) == 0 ||
		extra.Product.Prices[0].Type != "recurring" || extra.Product.Prices[0].RecurringInterval != "month" ||
		extra.Product.Organization.SubscriptionSettings["proration_behavior"] != "prorate" {
		t.Fatalf("unlisted fields: %+v", extra)
	}
	typed, err := json.Marshal(o)
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{`"user_id"`, `"subscription_settings"`} {
		if bytes.Contains(typed, []byte(key)) {
			t.Errorf("the typed result keeps %s", key)
		}
	}

	kept := bytes.Clone(resp.Body)
	if _, err := c.Orders.Get(bg(), orderID); err != nil { // reuses the pooled buffer
		t.Fatal(err)
	}
	if !bytes.Equal(resp.Body, kept) {
		t.Fatal("a later call changed Body")
	}
	if _, err := c.Orders.Get(WithResponse(bg(), &resp), orderID); !errors.Is(err, ErrResourceNotFound) || resp.StatusCode != 404 || resp.Body != nil {
		t.Fatalf("error answer: %v, status %d, Body %q", err, resp.StatusCode, resp.Body)
	}
}

// TestRoundTripKeepsWhatTheREADMESays: re-encoding a decoded value gives
// back every field the document lists with its value, required nulls
// included; an optional field that arrived as null comes back absent, and
// fields the document does not list are dropped. Response.Body keeps the
// bytes as sent. The expected value is worked out from the document, key
// by key, so that null equals absent for exactly those keys.
func TestRoundTripKeepsWhatTheREADMESays(t *testing.T) {
	spec := loadSpec(t)
	sent := fixture("customer_server_nulls.json")
	srv := newRecorder(t, jsonAnswer(200, string(sent)))
	c := newTestClient(t, srv, testToken)
	var resp Response
	cust, err := c.Customers.Get(WithResponse(bg(), &resp))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(resp.Body, sent) {
		t.Fatalf("Body is not the bytes sent:\n%s", resp.Body)
	}
	out, err := json.Marshal(cust)
	if err != nil {
		t.Fatal(err)
	}
	var dropped []string
	want := roundTripOf(spec, map[string]any{"$ref": "#/components/schemas/CustomerPortalCustomer"}, jsonValue(t, sent), "", &dropped)
	if diff := cmp.Diff(want, jsonValue(t, out)); diff != "" {
		t.Errorf("re-encoded customer (-want +got):\n%s", diff)
	}
	slices.Sort(dropped)
	if diff := cmp.Diff([]string{".billing_address.line2", ".billing_address.state", ".default_payment_method_id", ".locale"}, dropped); diff != "" {
		t.Errorf("keys absent after the round trip (-want +got):\n%s", diff)
	}
}

// jsonValue decodes b, numbers kept as written.
func jsonValue(t *testing.T, b []byte) any {
	t.Helper()
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

// roundTripOf returns what re-encoding v, a value of schema s, must give:
// v without its optional members that are null and without members the
// schema does not list, whose paths it appends to dropped.
func roundTripOf(spec *openapi.Document, s map[string]any, v any, path string, dropped *[]string) any {
	for {
		_, inner := splitNullable(s)
		name, ok := refName(inner["$ref"])
		if !ok {
			s = inner
			break
		}
		s = schemaOf(spec, name)
	}
	switch v := v.(type) {
	case map[string]any:
		props, _ := s["properties"].(map[string]any)
		if props == nil {
			ap, ok := s["additionalProperties"].(map[string]any)
			if !ok {
				return v
			}
			out := make(map[string]any, len(v))
			for k, e := range v {
				out[k] = roundTripOf(spec, ap, e, path+"."+k, dropped)
			}
			return out
		}
		required := map[string]bool{}
		for _, r := range asSlice(s["required"]) {
			required[r.(string)] = true
		}
		out := make(map[string]any, len(v))
		for k, e := range v {
			ps, listed := props[k].(map[string]any)
			switch {
			case !listed:
				*dropped = append(*dropped, path+"."+k+" (not in the document)")
			case e == nil && !required[k]:
				*dropped = append(*dropped, path+"."+k)
			default:
				out[k] = roundTripOf(spec, ps, e, path+"."+k, dropped)
			}
		}
		return out
	case []any:
		items, ok := s["items"].(map[string]any)
		if !ok {
			return v
		}
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = roundTripOf(spec, items, e, path+"[]", dropped)
		}
		return out
	}
	return v
}

func asSlice(v any) []any { s, _ := v.([]any); return s }
