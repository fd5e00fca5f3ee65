package polar

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestNewClientRejectsBadOptions(t *testing.T) {
	for name, opts := range map[string][]Option{
		"ftp base URL":          {WithBaseURL("ftp://api.polar.sh")},
		"relative base URL":     {WithBaseURL("/v1")},
		"base URL with query":   {WithBaseURL("https://api.polar.sh?x=1")},
		"base URL with user":    {WithBaseURL("https://user:pw@api.polar.sh")},
		"unparseable base URL":  {WithBaseURL("http://[::1")},
		"empty base URL":        {WithBaseURL("")},
		"unknown environment":   {WithEnvironment(Environment(7))},
		"nil HTTP client":       {WithHTTPClient(nil)},
		"zero timeout":          {WithTimeout(0)},
		"retries contradiction": {WithRetryPolicy(RetryPolicy{MaxRetries: 2}), WithoutRetries()},
		"limits contradiction":  {WithLimiter(mustLimiter(t, DefaultRateLimits(Production))), WithoutRateLimits()},
		"nil limiter":           {WithLimiter(nil)},
		"timeout contradiction": {WithHTTPClient(&http.Client{Timeout: time.Second}), WithTimeout(time.Minute)},
		"negative retries":      {WithRetryPolicy(RetryPolicy{MaxRetries: -1})},
		"min above max wait":    {WithRetryPolicy(RetryPolicy{MinWait: time.Minute, MaxWait: time.Second})},
		"bad API version":       {WithAPIVersion("2026-10-01")},
		"header injection":      {WithUserAgent("app\r\nX-Evil: 1")},
		"nil option":            {nil},
	} {
		if c, err := NewClient(testToken, opts...); err == nil {
			t.Errorf("%s: accepted (%v)", name, c)
		} else if strings.Contains(err.Error(), testToken) {
			t.Errorf("%s: error shows the token", name)
		}
	}
}

func TestEnvironments(t *testing.T) {
	for env, want := range map[Environment]string{Production: "https://api.polar.sh", Sandbox: "https://sandbox-api.polar.sh"} {
		c, err := NewClient("", WithEnvironment(env))
		if err != nil {
			t.Fatal(err)
		}
		if c.BaseURL() != want || c.Environment() != env {
			t.Errorf("%v: %s", env, c.BaseURL())
		}
	}
	c, err := NewClient("", WithEnvironment(Sandbox), WithBaseURL("http://127.0.0.1:1/prefix/"))
	if err != nil {
		t.Fatal(err)
	}
	if c.BaseURL() != "http://127.0.0.1:1/prefix" || c.Environment() != Sandbox {
		t.Fatalf("%s %v", c.BaseURL(), c.Environment())
	}
}

func TestBaseURLPathPrefix(t *testing.T) {
	srv := newRecorder(t, jsonAnswer(200, testOrderJSON))
	c, err := NewClient(testToken, WithBaseURL(srv.URL+"/proxy/polar/"), WithoutRateLimits())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Orders.Get(bg(), orderID); err != nil {
		t.Fatal(err)
	}
	if got := srv.requests()[0].RequestURI; got != "/proxy/polar/v1/customer-portal/orders/"+orderID {
		t.Fatalf("RequestURI = %q", got)
	}
}

func TestVersionAndUserAgentOptions(t *testing.T) {
	srv := newRecorder(t, jsonAnswer(200, testOrderJSON))
	c := newTestClient(t, srv, testToken, WithAPIVersion("2027-01"), WithUserAgent("acme-billing/2.3"))
	if _, err := c.Orders.Get(bg(), orderID); err != nil {
		t.Fatal(err)
	}
	h := srv.requests()[0].Header
	if got := h.Get("Polar-Version"); got != "2027-01" {
		t.Errorf("Polar-Version = %q", got)
	}
	if got := h.Get("User-Agent"); !strings.HasPrefix(got, "acme-billing/2.3 polar-go/"+Version+" (go") {
		t.Errorf("User-Agent = %q", got)
	}
}

func TestNoAuthorizationWithoutToken(t *testing.T) {
	srv := newRecorder(t, jsonAnswer(200, testOrderJSON))
	c := newTestClient(t, srv, "")
	if _, err := c.Orders.Get(bg(), orderID); err != nil {
		t.Fatal(err)
	}
	checkCommonHeaders(t, srv.requests()[0], false)
}

// publicForTest stands for the operations that take no token, such as
// license-key validation.
var publicForTest = newEndpoint[none, map[string]string, *CustomerOrderInvoice](operation{
	id: "test:public", method: http.MethodPost, path: "/v1/customer-portal/license-keys/validate", public: true, zone: ZoneLicenseKeys})

func TestPublicOperationsSendNoToken(t *testing.T) {
	srv := newRecorder(t, jsonAnswer(200, `{"url":"x"}`))
	c := newTestClient(t, srv, testToken)
	if _, err := publicForTest.send(bg(), c, "", map[string]string{"key": "K"}); err != nil {
		t.Fatal(err)
	}
	checkCommonHeaders(t, srv.requests()[0], false)
}

func TestRedirectKeepsTokenOnBaseHostOnly(t *testing.T) {
	elsewhere := newRecorder(t, jsonAnswer(200, testOrderJSON))
	var home *recorder
	home = newRecorder(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/v1/customer-portal/orders/away":
			http.Redirect(w, r, elsewhere.URL+"/v1/customer-portal/orders/x", http.StatusTemporaryRedirect)
		case "/v1/customer-portal/orders/home":
			http.Redirect(w, r, home.URL+"/v1/customer-portal/orders/x", http.StatusTemporaryRedirect)
		default:
			jsonAnswer(200, testOrderJSON)(w, r)
		}
	})
	c := newTestClient(t, home, testToken)
	if _, err := c.Orders.Get(bg(), "home"); err != nil {
		t.Fatal(err)
	}
	if reqs := home.requests(); len(reqs) != 2 || reqs[1].Header.Get("Authorization") != "Bearer "+testToken {
		t.Fatalf("same-host redirect lost the token: %+v", reqs)
	}
	if _, err := c.Orders.Get(bg(), "away"); err != nil {
		t.Fatal(err)
	}
	if reqs := elsewhere.requests(); len(reqs) != 1 || reqs[0].Header.Get("Authorization") != "" {
		t.Fatalf("token sent to another host: %+v", reqs)
	}
}

func TestWithToken(t *testing.T) {
	srv := newRecorder(t, jsonAnswer(200, testOrderJSON))
	base, err := NewClient("", WithBaseURL(srv.URL)) // with the default limiter, which needs keys
	if err != nil {
		t.Fatal(err)
	}
	child := base.WithToken(testToken)
	if child.core != base.core || child.Orders == base.Orders {
		t.Fatal("child does not share the core, or shares the parent's services")
	}
	if _, err := child.Orders.Get(bg(), orderID); err != nil {
		t.Fatal(err)
	}
	if _, err := base.Orders.Get(bg(), orderID); err != nil {
		t.Fatal(err)
	}
	reqs := srv.requests()
	checkCommonHeaders(t, reqs[0], true)
	checkCommonHeaders(t, reqs[1], false)
	if child.key == "" || strings.Contains(child.key, testToken) || child.WithToken(testToken).key != child.key ||
		base.WithToken("other").key == child.key {
		t.Fatalf("rate-limit keys: %q", child.key)
	}
	if allocs := testing.AllocsPerRun(100, func() { _ = base.WithToken(testToken) }); allocs > 5 {
		t.Fatalf("WithToken: %v allocations", allocs)
	}
}

func TestClientNeverPrintsToken(t *testing.T) {
	c, err := NewClient(testToken)
	if err != nil {
		t.Fatal(err)
	}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%T"} {
		for _, v := range []any{c, *c, c.Orders, []*Client{c}, map[string]any{"c": c}, c.auth} {
			if out := fmt.Sprintf(verb, v); strings.Contains(out, testToken) || strings.Contains(out, "secret") {
				t.Errorf("%s of %T shows the token: %s", verb, v, out)
			}
		}
	}
	if !strings.Contains(c.String(), "[REDACTED]") {
		t.Errorf("String() = %q", c.String())
	}
}

func TestWithResponse(t *testing.T) {
	srv := newRecorder(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Polar-Sandbox", "1")
		w.Header().Set("Cache-Control", "private, no-store")
		jsonAnswer(200, testOrderJSON)(w, r)
	})
	c := newTestClient(t, srv, testToken)
	var resp Response
	if _, err := c.Orders.Get(WithResponse(bg(), &resp), orderID); err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 || resp.APIVersion() != DefaultAPIVersion || !resp.Sandbox() || resp.Header.Get("Cache-Control") != "private, no-store" {
		t.Fatalf("response = %+v", resp)
	}
}

func TestNilHTTPClientTransportIsWrapped(t *testing.T) {
	var seen int
	rt := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		seen++
		return http.DefaultTransport.RoundTrip(r)
	})
	srv := httptest.NewServer(jsonAnswer(200, testOrderJSON))
	defer srv.Close()
	hc := &http.Client{Transport: rt}
	c, err := NewClient(testToken, WithBaseURL(srv.URL), WithHTTPClient(hc))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Orders.Get(bg(), orderID); err != nil {
		t.Fatal(err)
	}
	if seen != 1 || hc.Transport == nil {
		t.Fatalf("caller's transport used %d times", seen)
	}
	if _, ok := hc.Transport.(roundTripFunc); !ok {
		t.Fatal("caller's http.Client was modified")
	}
	if got := c.core.hc.HTTPClient.Transport.(*attemptTransport).timeout; got != DefaultTimeout {
		t.Fatalf("timeout = %v", got)
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestNetworkErrorsWrapCause(t *testing.T) {
	c, err := NewClient(testToken, WithBaseURL("http://127.0.0.1:1"), WithoutRetries(), WithoutRateLimits())
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Orders.Get(bg(), orderID)
	var opErr interface{ Timeout() bool }
	if !errors.As(err, &opErr) || strings.Contains(err.Error(), testToken) {
		t.Fatalf("err = %v", err)
	}
}

func TestRefusedRedirectsAreNotRetried(t *testing.T) {
	for name, target := range map[string]string{
		"loop":         "/v1/customer-portal/orders/" + orderID,
		"other scheme": "ftp://files.example/order",
	} {
		t.Run(name, func(t *testing.T) {
			srv := newRecorder(t, func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, target, http.StatusTemporaryRedirect)
			})
			c := newTestClient(t, srv, testToken)
			if _, err := c.Orders.Get(bg(), orderID); err == nil {
				t.Fatal("no error")
			}
			want := 1
			if name == "loop" {
				want = 10 // the first request and 9 redirects, once
			}
			if n := srv.count(); n != want {
				t.Fatalf("%d requests, want %d", n, want)
			}
		})
	}
	// A caller's redirect policy is kept, ErrUseLastResponse included.
	srv := newRecorder(t, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/elsewhere", http.StatusFound)
	})
	hc := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	c := newTestClient(t, srv, testToken, WithHTTPClient(hc))
	var apiErr *APIError
	if _, err := c.Orders.Get(bg(), orderID); !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusFound || srv.count() != 1 {
		t.Fatalf("err = %v after %d requests", err, srv.count())
	}
}

// A User-Agent product with a control character cannot travel in a header:
// NewClient refuses it with an error matching ErrInvalidArgument, so no
// client exists whose every call would fail.
func TestNewClientRefusesUnsendableUserAgent(t *testing.T) {
	srv := newRecorder(t, jsonAnswer(200, `{"items":[],"pagination":{"total_count":0,"max_page":0}}`))
	for _, ua := range []string{"app\x00", "app\x7f", "app\x1b[31m", "a\tb/1", "app\r", "app\n", " ", ""} {
		c, err := NewClient(testToken, WithBaseURL(srv.URL), WithUserAgent(ua), WithoutRateLimits())
		if err == nil {
			_, callErr := c.Orders.List(t.Context(), nil)
			t.Errorf("WithUserAgent(%q) accepted; a call then fails with %v", ua, callErr)
			continue
		}
		if !errors.Is(err, ErrInvalidArgument) || !strings.Contains(err.Error(), "WithUserAgent") {
			t.Errorf("WithUserAgent(%q): error %q should match ErrInvalidArgument and name WithUserAgent", ua, err)
		}
	}
	if n := srv.count(); n != 0 {
		t.Errorf("%d requests sent", n)
	}
	// Printable text, UTF-8 included, is still sent as given.
	c := newTestClient(t, srv, testToken, WithUserAgent("café-billing/2.3 (+https://example.com)"))
	if _, err := c.Orders.List(t.Context(), nil); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range srv.requests() {
		got = append(got, r.Header.Get("User-Agent"))
	}
	if len(got) != 1 || !strings.HasPrefix(got[0], "café-billing/2.3 (+https://example.com) polar-go/") {
		t.Errorf("User-Agent of the requests sent: %q", got)
	}
}

// A base URL that would not send every request to its own path prefix is
// refused: a query (even an empty one, "http://h?"), a fragment, user info,
// an opaque form, an empty host name, or dot segments in the prefix.
func TestNewClientRefusesMisleadingBaseURL(t *testing.T) {
	for _, raw := range []string{
		"http://h?", "http://h/prefix?", "http://h?x=1", "http://h#", "http://h#frag", "http://h/p?#",
		"http://u@h", "http://u:p@h", "http:h", "http:/h", "http://:8080", "http://",
		"http://h/a/../b", "http://h/./b", "http://h/..",
	} {
		if c, err := NewClient(testToken, WithBaseURL(raw)); err == nil {
			t.Errorf("WithBaseURL(%q) accepted: requests go to %s", raw, c.BaseURL())
		} else if !strings.Contains(err.Error(), "base URL") {
			t.Errorf("WithBaseURL(%q): unclear error %q", raw, err)
		}
	}
	for raw, want := range map[string]string{
		"http://h":             "http://h",
		"https://h:8443/":      "https://h:8443",
		"http://h/prefix/":     "http://h/prefix",
		"http://[::1]:80/p":    "http://[::1]:80/p",
		"HTTPS://API.polar.sh": "https://API.polar.sh",
		"http://h/a.b/..c":     "http://h/a.b/..c",
	} {
		c, err := NewClient(testToken, WithBaseURL(raw))
		if err != nil {
			t.Errorf("WithBaseURL(%q): %v", raw, err)
		} else if c.BaseURL() != want {
			t.Errorf("WithBaseURL(%q): BaseURL %q, want %q", raw, c.BaseURL(), want)
		}
	}
}

// TestWithTokenServiceRule: every service of a derived client is its own,
// bound to it, unless the parent's field holds anything but the parent's
// own implementation; that value is carried over as it is, whether a
// stand-in or a service of another client, and through each generation.
func TestWithTokenServiceRule(t *testing.T) {
	base, err := NewClient("", WithoutRateLimits())
	if err != nil {
		t.Fatal(err)
	}
	other, err := NewClient(testToken, WithoutRateLimits())
	if err != nil {
		t.Fatal(err)
	}
	ct := reflect.TypeFor[Client]()
	var fields []int
	for i := range ct.NumField() {
		if f := ct.Field(i); f.IsExported() && f.Type.Kind() == reflect.Interface && strings.HasSuffix(f.Type.Name(), "Service") {
			fields = append(fields, i)
		}
	}
	if len(fields) != 12 {
		t.Fatalf("%d service fields, want 12", len(fields))
	}
	field := func(c *Client, i int) reflect.Value { return reflect.ValueOf(c).Elem().Field(i) }
	own := func(c *Client, i int) any {
		return reflect.ValueOf(&c.common).Convert(field(base, i).Elem().Type()).Interface()
	}

	grandchild := base.WithToken("polar_cst_a").WithToken("polar_cst_b")
	for _, i := range fields {
		if field(grandchild, i).Interface() != own(grandchild, i) {
			t.Errorf("%s of a derived client is not bound to it", ct.Field(i).Name)
		}
	}

	parent := base.WithToken("polar_cst_parent")
	for _, i := range fields {
		field(parent, i).Set(field(other, i))
	}
	parent.Orders = fakeOrders{}
	child := parent.WithToken("polar_cst_a")
	for name, c := range map[string]*Client{"child": child, "grandchild": child.WithToken("polar_cst_b")} {
		for _, i := range fields {
			if got, want := field(c, i).Interface(), field(parent, i).Interface(); got != want {
				t.Errorf("%s: %s is %T bound to %p, want the parent's %T as it is", name, ct.Field(i).Name, got, got, want)
			}
		}
	}
}
