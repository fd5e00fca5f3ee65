package polar

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// testToken is as long as a real session token: hashing it must not cost an
// allocation.
const testToken = "polar_cst_secret0Vw3kT9pQ2xZ7rLm4Nc8Hd6Jf1Yb5Gs"

// fastRetries keeps retry waits short in tests that go over the network.
var fastRetries = WithRetryPolicy(RetryPolicy{MaxRetries: 3, MinWait: time.Millisecond, MaxWait: 5 * time.Millisecond})

// recorded is one request as the test server saw it.
type recorded struct {
	Method     string
	RequestURI string // raw path and query as sent
	Header     http.Header
	Body       []byte
	TE         []string
	Length     int64
}

// recorder is an httptest server that records every request and answers
// through handler.
type recorder struct {
	*httptest.Server
	mu   sync.Mutex
	reqs []recorded
}

func (r *recorder) requests() []recorded {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]recorded(nil), r.reqs...)
}

func (r *recorder) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.reqs)
}

// newRecorder starts a test server; handler answers every request.
func newRecorder(t *testing.T, handler http.HandlerFunc) *recorder {
	t.Helper()
	rec := &recorder{}
	rec.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		rec.mu.Lock()
		rec.reqs = append(rec.reqs, recorded{
			Method: r.Method, RequestURI: r.RequestURI, Header: r.Header.Clone(),
			Body: body, TE: r.TransferEncoding, Length: r.ContentLength,
		})
		rec.mu.Unlock()
		handler(w, r)
	}))
	t.Cleanup(rec.Close)
	return rec
}

// newTestClient returns a client of srv with short retries and no
// client-side rate limits, plus opts.
func newTestClient(t *testing.T, srv *recorder, token string, opts ...Option) *Client {
	t.Helper()
	all := append([]Option{WithBaseURL(srv.URL), fastRetries, WithoutRateLimits()}, opts...)
	c, err := NewClient(token, all...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// newSingleShotClient is newTestClient without retries.
func newSingleShotClient(t *testing.T, srv *recorder, token string, opts ...Option) *Client {
	t.Helper()
	c, err := NewClient(token, append([]Option{WithBaseURL(srv.URL), WithoutRetries(), WithoutRateLimits()}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// refusingHTTPClient returns an *http.Client whose every dial is refused
// with the error net.Dialer returns when nothing listens. Dialing a port
// closed a moment ago instead races every test, of this process or of
// another, whose server may be given that port meanwhile: the request
// then reaches that server, which counts one request too many.
func refusingHTTPClient() *http.Client {
	return &http.Client{Transport: &http.Transport{
		DialContext: func(_ context.Context, network, _ string) (net.Conn, error) {
			return nil, &net.OpError{Op: "dial", Net: network, Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}
		},
	}}
}

// jsonAnswer returns a handler that answers status with body as JSON.
func jsonAnswer(status int, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Polar-Version", r.Header.Get("Polar-Version"))
		w.WriteHeader(status)
		io.WriteString(w, body)
	}
}

// sequence returns a handler that answers with handlers in turn, repeating
// the last one.
func sequence(hs ...http.HandlerFunc) http.HandlerFunc {
	var mu sync.Mutex
	i := 0
	return func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		h := hs[min(i, len(hs)-1)]
		i++
		mu.Unlock()
		h(w, r)
	}
}

func bg() context.Context { return context.Background() }

// fixture returns the wire fixture testdata/name: an answer body as the
// API sends it. A missing file panics: the test naming it is broken.
func fixture(name string) []byte { return mustReadFile(filepath.Join("testdata", name)) }

func mustReadFile(path string) []byte {
	b, err := os.ReadFile(path)
	if err != nil {
		panic(err)
	}
	return b
}

// fixtureNames returns the names of the JSON fixtures in testdata/, sorted.
func fixtureNames(t testing.TB) []string {
	t.Helper()
	names, err := filepath.Glob("testdata/*.json")
	if err != nil {
		t.Fatal(err)
	}
	for i, n := range names {
		names[i] = filepath.Base(n)
	}
	return names
}

// roundTripAnswer decodes fixture name as the result of op, as a call
// would, encodes the result again and fails unless it means what the
// fixture means. It returns the decoded result.
func roundTripAnswer[R any](t *testing.T, op *operation, name string) R {
	t.Helper()
	in := fixture(name)
	v, err := decodeResult[R](op, in)
	if err != nil {
		t.Fatalf("decoding %s as the result of %s: %v", name, op.id, err)
	}
	out, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("encoding %T: %v", v, err)
	}
	if diff := cmp.Diff(jsonMeaning(t, in), jsonMeaning(t, out)); diff != "" {
		t.Errorf("%s: re-encoded %T differs from the fixture (-fixture +re-encoded):\n%s", name, v, diff)
	}
	return v
}

// checkRequest checks the method, raw request URI and common headers of
// a recorded request; wantAuth says whether it must carry the token.
func checkRequest(t *testing.T, r recorded, method, requestURI string, wantAuth bool) {
	t.Helper()
	if r.Method != method || r.RequestURI != requestURI {
		t.Fatalf("sent %s %s, want %s %s", r.Method, r.RequestURI, method, requestURI)
	}
	checkCommonHeaders(t, r, wantAuth)
	if (method == http.MethodGet || method == http.MethodDelete) && len(r.Body) != 0 {
		t.Errorf("%s sent a body %q", method, r.Body)
	}
}

// checkBody checks that a recorded request carried exactly the JSON want.
func checkBody(t *testing.T, r recorded, want string) {
	t.Helper()
	if !jsonEqual(t, r.Body, []byte(want)) {
		t.Errorf("body = %s, want %s", r.Body, want)
	}
}

// rfc3339 parses a time of a fixture.
func rfc3339(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return t
}

// rfc3339p is rfc3339 for a nullable time.
func rfc3339p(s string) *time.Time {
	t := rfc3339(s)
	return &t
}

// checkListRequest checks a recorded GET: its path, its query as a whole,
// and the common headers of a call with a token.
func checkListRequest(t *testing.T, r recorded, path string, want url.Values) {
	t.Helper()
	u, _ := url.Parse(r.RequestURI)
	if r.Method != "GET" || u.EscapedPath() != path {
		t.Fatalf("request %s %s, want GET %s", r.Method, r.RequestURI, path)
	}
	if diff := cmp.Diff(want, u.Query()); diff != "" {
		t.Errorf("query (-want +got):\n%s", diff)
	}
	checkCommonHeaders(t, r, true)
}

// An errorCase is an error answer of the server and what a call must make
// of it.
type errorCase struct {
	name string
	// call makes the call and returns its result, which must be nil when
	// there is an error.
	call   func(c *Client) (any, error)
	status int
	body   string // a JSON document, or "" for no body
	// want is the sentinel the error must match (with a detail), nil for
	// none.
	want error
	// detail, when set, is the exact Detail the error must carry.
	detail string
	// validation, when set, is the Type of the one detail the error, a
	// *ValidationError, must carry.
	validation string
}

// checkErrorCases answers each case's call with its status and body and
// checks the error: an *APIError of that status from the first attempt,
// sent once, with no result, matching want and none of others.
func checkErrorCases(t *testing.T, token string, cases []errorCase, others ...error) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := newRecorder(t, func(w http.ResponseWriter, r *http.Request) {
				if tc.body == "" {
					w.WriteHeader(tc.status)
					return
				}
				jsonAnswer(tc.status, tc.body)(w, r)
			})
			c := newTestClient(t, srv, token)
			res, err := tc.call(c)
			if !isNil(res) {
				t.Errorf("result %#v with the error", res)
			}
			var apiErr *APIError
			if !errors.As(err, &apiErr) || apiErr.StatusCode != tc.status || apiErr.Attempt != 1 {
				t.Fatalf("err = %#v, want an *APIError with status %d from the first attempt", err, tc.status)
			}
			switch {
			case tc.detail != "" || tc.body == "":
				if apiErr.Detail != tc.detail {
					t.Errorf("detail %q, want %q", apiErr.Detail, tc.detail)
				}
			case tc.want != nil && apiErr.Detail == "":
				t.Errorf("err = %v has no detail", err)
			}
			if tc.want != nil && !errors.Is(err, tc.want) {
				t.Errorf("err = %v, want it to match %v", err, tc.want)
			}
			for _, other := range others {
				if other != tc.want && errors.Is(err, other) {
					t.Errorf("err also matches %v", other)
				}
			}
			if tc.validation != "" {
				var ve *ValidationError
				if !errors.As(err, &ve) || len(ve.Errors) != 1 || ve.Errors[0].Type != tc.validation {
					t.Errorf("err = %#v, want a *ValidationError of type %s", err, tc.validation)
				}
			}
			if n := srv.count(); n != 1 {
				t.Errorf("%d attempts, want 1", n)
			}
		})
	}
}
