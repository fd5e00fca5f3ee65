package polartest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	polar "github.com/polarportal/polar-go"
	"github.com/polarportal/polar-go/internal/openapi"
	"github.com/polarportal/polar-go/polartest"
)

// tape is an http.RoundTripper that keeps the raw body of the last answer,
// so that a test can decode it strictly into the SDK's type.
type tape struct {
	mu     sync.Mutex
	last   []byte
	status int
}

func (t *tape) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(b))
	remember(req, resp.StatusCode, b)
	t.mu.Lock()
	t.last, t.status = b, resp.StatusCode
	t.mu.Unlock()
	return resp, nil
}

// body returns the raw body of the last answer.
func (t *tape) body() []byte {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.last
}

// client returns a client of srv with token that records answers, and
// does not retry.
func client(t *testing.T, srv *polartest.Server, token string, opts ...polar.Option) (*polar.Client, *tape) {
	t.Helper()
	tp := &tape{}
	c := srv.Client(token, append([]polar.Option{polar.WithHTTPClient(&http.Client{Transport: tp}), polar.WithoutRetries()}, opts...)...)
	return c, tp
}

// strict decodes b into a T, failing on fields T does not have: the fake
// must send exactly what the SDK's types describe. When b is the body of
// a successful answer that tape or raw received, and the OpenAPI document
// is beside the module (see specDocument), strict also validates b
// against the response schema the document gives its operation, so that
// the fake sends only what Polar documents.
func strict[T any](t *testing.T, b []byte) T {
	t.Helper()
	checkSchema(t, b)
	var v T
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("strict decoding into %T: %v\n%s", v, err, excerpt(b))
	}
	return v
}

// specDocument is the OpenAPI document of the API, read once; an error
// where the document is not beside the module, and the tests that check
// answers against it skip.
var specDocument = sync.OnceValues(openapi.LoadShared)

// answered is what strict knows of a body that tape or raw received:
// the request it answered and its status.
type answered struct {
	method, path string
	status       int
}

// answers maps the first byte of the most recent bodies tape and raw
// received to their requests, so that strict, given only a body, finds
// the operation whose schema it must match. Bodies are told apart by
// address: strict(t, tp.body()) passes the very slice that was recorded.
var answers = struct {
	sync.Mutex
	by    map[*byte]answered
	order []*byte // oldest first, at most maxAnswers
}{by: map[*byte]answered{}}

const maxAnswers = 256

// remember records that b answered req with status.
func remember(req *http.Request, status int, b []byte) {
	if len(b) == 0 {
		return
	}
	answers.Lock()
	defer answers.Unlock()
	if len(answers.order) == maxAnswers {
		delete(answers.by, answers.order[0])
		answers.order = answers.order[1:]
	}
	answers.by[&b[0]] = answered{method: req.Method, path: req.URL.Path, status: status}
	answers.order = append(answers.order, &b[0])
}

// checkSchema validates b against the response schema of the operation it
// answered, when b is a recorded successful answer and the document is
// there.
func checkSchema(t *testing.T, b []byte) {
	t.Helper()
	if err := schemaProblem(b); err != nil {
		t.Fatalf("%v\n%s", err, excerpt(b))
	}
}

// schemaProblem is checkSchema's verdict: nil when b matches its
// operation's response schema, or is not a recorded successful answer, or
// the document is not there.
func schemaProblem(b []byte) error {
	if len(b) == 0 {
		return nil
	}
	answers.Lock()
	a, ok := answers.by[&b[0]]
	answers.Unlock()
	if !ok || a.status < 200 || a.status > 299 {
		return nil
	}
	doc, err := specDocument()
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("reading the OpenAPI document: %w", err)
	}
	op := doc.Find(a.method, a.path)
	if op == nil {
		return fmt.Errorf("%s %s answered %d, but no operation of the OpenAPI document serves it", a.method, a.path, a.status)
	}
	if err := op.ValidateResponse(a.status, b); err != nil {
		return fmt.Errorf("%s %s: the answer does not match the OpenAPI document: %w", a.method, a.path, err)
	}
	return nil
}

func excerpt(b []byte) string {
	if len(b) > 600 {
		return string(b[:600]) + "..."
	}
	return string(b)
}

// raw sends a request with Polar-Version 2026-10 and returns the status,
// headers and body of the answer.
func raw(t *testing.T, srv *polartest.Server, method, path, token string, body io.Reader, hdr ...string) (int, http.Header, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL+path, body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Polar-Version", "2026-10")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := noRedirects.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	remember(req, resp.StatusCode, b)
	return resp.StatusCode, resp.Header, b
}

var noRedirects = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// errorBody is an error answer of Polar.
type errorBody struct {
	Error            string          `json:"error"`
	Detail           json.RawMessage `json:"detail"`
	ErrorDescription string          `json:"error_description"`
}

func decodeError(t *testing.T, b []byte) errorBody {
	t.Helper()
	var e errorBody
	if err := json.Unmarshal(b, &e); err != nil {
		t.Fatalf("error body is not JSON: %v: %s", err, b)
	}
	return e
}

// wantAPIError checks that err is an *APIError with status and name.
func wantAPIError(t *testing.T, err error, status int, name string) *polar.APIError {
	t.Helper()
	var apiErr *polar.APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("error = %v, want an *APIError %d %s", err, status, name)
	}
	if apiErr.StatusCode != status || apiErr.Name != name {
		t.Fatalf("error = %d %q (%v), want %d %q", apiErr.StatusCode, apiErr.Name, err, status, name)
	}
	return apiErr
}

// wantValidation checks that err is a *ValidationError with an item at
// loc (joined with dots) of type typ.
func wantValidation(t *testing.T, err error, loc, typ string) {
	t.Helper()
	var ve *polar.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("error = %v, want a *ValidationError", err)
	}
	var locs []string
	for _, d := range ve.Errors {
		parts := make([]string, len(d.Loc))
		for i, p := range d.Loc {
			parts[i] = strings.TrimSpace(strings.Trim(jsonString(p), `"`))
		}
		l := strings.Join(parts, ".")
		if l == loc && (typ == "" || d.Type == typ) {
			return
		}
		locs = append(locs, l+" ("+d.Type+")")
	}
	t.Fatalf("validation error lacks %s (%s); has %v", loc, typ, locs)
}

func jsonString(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// clock is a manual clock for WithClock.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *clock { return &clock{now: polartest.DemoTime} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

var ctx = context.Background()

func stringsReader(s string) io.Reader { return strings.NewReader(s) }

func contains(b []byte, s string) bool { return bytes.Contains(b, []byte(s)) }

// msgTexts matches the msg of validation items, whose texts are not a
// contract (loc and type are).
var msgTexts = regexp.MustCompile(`"msg":"(?:[^"\\]|\\.)*",?`)

// withoutMsgs returns b without the msg of its validation items.
func withoutMsgs(b []byte) []byte { return msgTexts.ReplaceAll(b, nil) }

// TestStrictChecksSchema: strict's schema check finds the operation of a
// recorded answer and rejects a body that breaks its schema.
func TestStrictChecksSchema(t *testing.T) {
	if _, err := specDocument(); err != nil {
		t.Skipf("no OpenAPI document: %v", err)
	}
	srv := polartest.NewTestServer(t, polartest.WithDemo())
	c, tp := client(t, srv, polartest.DemoCustomerToken)
	if _, err := c.Orders.Get(ctx, polartest.DemoOrderID); err != nil {
		t.Fatal(err)
	}
	b := tp.body()
	if err := schemaProblem(b); err != nil {
		t.Fatalf("a good answer: %v", err)
	}
	// The same bytes, broken in place: an order status Polar does not send.
	good := bytes.Clone(b)
	i := bytes.Index(b, []byte(`"status":"paid"`))
	if i < 0 {
		t.Fatalf("no paid status in %s", b)
	}
	copy(b[i:], `"status":"lost"`)
	if err := schemaProblem(b); err == nil || !strings.Contains(err.Error(), `$.status: "lost" is not one of`) {
		t.Errorf("an order with status lost: %v", err)
	}
	copy(b, good)
	// A copy was never received: it is not checked.
	bad := bytes.Replace(good, []byte(`"status":"paid"`), []byte(`"status":"lost"`), 1)
	if err := schemaProblem(bad); err != nil {
		t.Errorf("an unrecorded body was checked: %v", err)
	}
	// Error answers are not checked against the success schema.
	status, _, eb := raw(t, srv, http.MethodGet, "/v1/customer-portal/orders/"+polartest.DemoOtherCustomerOrderID, polartest.DemoCustomerToken, nil)
	if status != http.StatusNotFound || schemaProblem(eb) != nil {
		t.Errorf("a 404: %d, %v", status, schemaProblem(eb))
	}
	// raw's answers are recorded too.
	_, _, ob := raw(t, srv, http.MethodGet, "/v1/customer-portal/orders/"+polartest.DemoOrderID, polartest.DemoCustomerToken, nil)
	i = bytes.Index(ob, []byte(`"currency":"usd"`))
	copy(ob[i:], `"currency":12345`)
	if err := schemaProblem(ob); err == nil || !strings.Contains(err.Error(), "$.currency: 12345 is not of type string") {
		t.Errorf("raw's answer, broken: %v", err)
	}
}
