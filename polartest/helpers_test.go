package polartest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	polar "github.com/polarportal/polar-go"
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
// must send exactly what the SDK's types describe.
func strict[T any](t *testing.T, b []byte) T {
	t.Helper()
	var v T
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("strict decoding into %T: %v\n%s", v, err, excerpt(b))
	}
	return v
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
