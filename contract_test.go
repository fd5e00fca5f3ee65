package polar

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"mime"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/polarportal/polar-go/internal/openapi"
)

// The contract test sends SDK calls to Prism, a mock server that validates
// every request against the OpenAPI document (path, query, headers,
// security, body), and fails on any request that Prism finds invalid.
// Prism is a Node program: .ci/install-prism installs the pinned version
// into .cache/prism; PRISM may name another executable instead. Without
// Node, Prism or the document the test skips.

// defaultPrism is where .ci/install-prism puts Prism, relative to the module
// root (the test's working directory).
const defaultPrism = ".cache/prism/node_modules/.bin/prism"

func TestContract(t *testing.T) {
	spec := loadSpec(t)
	srv := sharedPrism(t)
	t.Logf("Prism %s at %s", srv.version, srv.url)

	c, err := NewClient(testToken, WithBaseURL(srv.url), WithoutRateLimits(), WithoutRetries(),
		WithHTTPClient(&http.Client{Transport: sentRecorder{http.DefaultTransport.(*http.Transport).Clone()}}))
	if err != nil {
		t.Fatal(err)
	}

	checkOpSpecsCover(t)
	calls := allContractCalls()
	exercised := map[string]bool{}
	for _, row := range calls {
		name := row.id
		if row.name != "" {
			name += "/" + row.name
		}
		t.Run(name, func(t *testing.T) {
			op := spec.Operation(row.id)
			if op == nil {
				t.Fatalf("no operation %q in %s", row.id, openapi.SharedFile)
			}
			if checkContractCall(t, c, spec, op, row) {
				exercised[row.id] = true
			}
		})
	}
	t.Logf("%d calls exercised %d distinct operations of the %d in %s",
		len(calls), len(exercised), len(spec.Operations()), openapi.SharedFile)
}

// checkContractCall makes one call and reports what is wrong with its
// request: a method or path other than the operation's, an undeclared query
// parameter, a violation in Prism's sl-violations header, or Prism refusing
// the request outright. It returns whether the call passed.
func checkContractCall(t *testing.T, c *Client, doc *openapi.Document, op *openapi.Operation, row contractCall) bool {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 15*time.Second)
	defer cancel()
	var resp Response
	var sent sentRequest
	err := row.call(WithResponse(context.WithValue(ctx, sentKey{}, &sent), &resp), c)

	if resp.StatusCode == 0 {
		t.Errorf("no answer from Prism: %v", err)
		return false
	}
	ok := true
	request := sent.method + " " + sent.uri
	if doc.Find(sent.method, sent.path) != op {
		t.Errorf("sent %s, but %s is %s %s", request, row.id, op.Method, op.Path)
		ok = false
	}

	// Prism ignores query parameters the operation does not declare, which
	// the server ignores too: a misspelt filter would filter nothing.
	declared := map[string]bool{}
	for _, p := range op.Parameters("query") {
		declared[fmt.Sprint(p["name"])] = true
	}
	for name := range sent.query {
		if !declared[name] {
			t.Errorf("%s sends query parameter %q, which %s does not declare", request, name, row.id)
			ok = false
		}
	}

	var reqErrors, others []string
	for _, v := range parseViolations(t, resp.Header.Get("sl-violations")) {
		if v.onRequest() && v.Severity == "Error" {
			reqErrors = append(reqErrors, "\t"+v.String())
		} else if v.onRequest() {
			others = append(others, "\t"+v.String())
		}
	}
	if len(reqErrors) > 0 {
		t.Errorf("Prism reports request violations in %s (answered %d):\n%s",
			request, resp.StatusCode, strings.Join(reqErrors, "\n"))
		ok = false
	}
	if len(others) > 0 {
		t.Logf("request warnings for %s:\n%s", request, strings.Join(others, "\n"))
	}

	// Prism answers a request it cannot route, or whose credentials do not
	// meet the operation's security, with a problem document of its own and
	// no sl-violations header. The document never uses that media type.
	if mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type")); mt == "application/problem+json" {
		if resp.StatusCode < 500 {
			t.Errorf("Prism refused %s: %d: %v", request, resp.StatusCode, err)
			ok = false
		} else {
			t.Logf("Prism could not produce an answer to %s: %v", request, err)
		}
	} else if err != nil {
		// Random data and documented error answers are no fault of the
		// request.
		t.Logf("%s: %d, %v", request, resp.StatusCode, err)
	} else {
		t.Logf("%s: %d", request, resp.StatusCode)
	}
	return ok
}

// prismViolation is one entry of Prism's sl-violations header.
type prismViolation struct {
	Location []any  `json:"location"` // "request" or "response", then where
	Severity string `json:"severity"` // Error, Warning, Information, Hint
	Code     string `json:"code"`
	Message  string `json:"message"`
}

func (v prismViolation) onRequest() bool {
	return len(v.Location) > 0 && v.Location[0] == "request"
}

func (v prismViolation) String() string {
	loc := make([]string, len(v.Location))
	for i, l := range v.Location {
		loc[i] = fmt.Sprint(l)
	}
	return fmt.Sprintf("%s %s [%s]: %s", v.Severity, strings.Join(loc, "."), v.Code, v.Message)
}

// parseViolations decodes an sl-violations header. Prism cuts a header
// longer than 8 KiB and prefixes it with "Too many violations!"; such a
// header is reported whole as one request error if it mentions the request
// at all.
func parseViolations(t *testing.T, header string) []prismViolation {
	if header == "" {
		return nil
	}
	var vs []prismViolation
	if err := json.Unmarshal([]byte(header), &vs); err == nil {
		return vs
	}
	if strings.Contains(header, `"location":["request"`) {
		return []prismViolation{{Location: []any{"request"}, Severity: "Error", Code: "unparsed", Message: header}}
	}
	t.Logf("sl-violations header about the response only, not parsed: %.200s...", header)
	return nil
}

// sentRequest is what sentRecorder saw of a call's (last) request.
type sentRequest struct {
	method, path, uri string
	query             url.Values
}

type sentKey struct{}

// sentRecorder is a transport that notes each request in the sentRequest
// of its context, so that a row can be checked against the operation it
// names.
type sentRecorder struct{ base http.RoundTripper }

func (s sentRecorder) RoundTrip(req *http.Request) (*http.Response, error) {
	if sent, ok := req.Context().Value(sentKey{}).(*sentRequest); ok {
		*sent = sentRequest{method: req.Method, path: req.URL.EscapedPath(), uri: req.URL.RequestURI(), query: req.URL.Query()}
	}
	return s.base.RoundTrip(req)
}

// prismServer is a running `prism mock` process.
type prismServer struct {
	url, version string
	cmd          *exec.Cmd
	exited       chan struct{} // closed once the process has exited
	out          *lockedBuffer // its output
}

// prism is the one Prism process of a test binary run, started by the
// first test that needs it and stopped by TestMain: a t.Cleanup would stop
// it with that first test.
var prism struct {
	once sync.Once
	srv  *prismServer
	skip string // why Prism cannot run here
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if prism.srv != nil {
		prism.srv.stop()
	}
	os.Exit(code)
}

// sharedPrism returns the running Prism server, starting it on first use.
func sharedPrism(t *testing.T) *prismServer {
	t.Helper()
	prism.once.Do(func() { prism.srv, prism.skip, prism.err = startPrism() })
	if prism.skip != "" {
		t.Skip(prism.skip)
	}
	if prism.err != nil {
		t.Fatal(prism.err)
	}
	return prism.srv
}

// findPrism returns Prism's executable, or why there is none.
func findPrism() (bin, skip string, err error) {
	if bin = os.Getenv("PRISM"); bin != "" {
		if _, err := os.Stat(bin); err != nil {
			return "", "", fmt.Errorf("PRISM: %w", err)
		}
		return bin, "", nil
	}
	if _, err := exec.LookPath("node"); err != nil {
		return "", "Node.js is not on PATH: the contract test needs Prism, a Node program (see .ci/install-prism)", nil
	}
	bin, err = filepath.Abs(defaultPrism)
	if err != nil {
		return "", "", err
	}
	if _, err := os.Stat(bin); err != nil {
		return "", "Prism is not installed at " + defaultPrism + ": run .ci/install-prism (needs npm) or set PRISM", nil
	}
	return bin, "", nil
}

// startPrism starts `prism mock -d` on a free loopback port and waits until
// it accepts connections.
func startPrism() (srv *prismServer, skip string, err error) {
	bin, skip, err := findPrism()
	if bin == "" {
		return nil, skip, err
	}
	spec, err := openapi.SharedPath()
	if err != nil {
		return nil, "", err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	version, err := exec.CommandContext(ctx, bin, "--version").Output()
	if err != nil {
		return nil, "", fmt.Errorf("%s --version: %w", bin, err)
	}

	port, err := freePort()
	if err != nil {
		return nil, "", err
	}
	addr := net.JoinHostPort("127.0.0.1", port)
	srv = &prismServer{
		url:     "http://" + addr,
		version: strings.TrimSpace(string(version)),
		exited:  make(chan struct{}),
		out:     new(lockedBuffer),
	}
	// -d: answers generated from the schemas rather than examples, so that
	// every operation has one.
	srv.cmd = exec.Command(bin, "mock", "-d", "-p", port, "-h", "127.0.0.1", spec)
	srv.cmd.Stdout, srv.cmd.Stderr = srv.out, srv.out
	srv.cmd.WaitDelay = 5 * time.Second
	if err := srv.cmd.Start(); err != nil {
		return nil, "", fmt.Errorf("starting prism: %w", err)
	}
	go func() { _ = srv.cmd.Wait(); close(srv.exited) }()

	deadline := time.Now().Add(60 * time.Second)
	for {
		conn, err := net.DialTimeout("tcp", addr, 250*time.Millisecond)
		if err == nil {
			conn.Close()
			return srv, "", nil
		}
		if time.Now().After(deadline) {
			srv.stop()
			return nil, "", fmt.Errorf("prism did not listen on %s within 60 s; its output:\n%s", addr, srv.out)
		}
		select {
		case <-srv.exited:
			return nil, "", fmt.Errorf("prism exited (%v) before listening; its output:\n%s", srv.cmd.ProcessState, srv.out)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

func (s *prismServer) stop() {
	_ = s.cmd.Process.Kill()
	<-s.exited
}

// freePort returns a loopback TCP port that was free a moment ago.
func freePort() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	_, port, err := net.SplitHostPort(l.Addr().String())
	return port, err
}

// lockedBuffer collects a process's output, written and read concurrently.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
