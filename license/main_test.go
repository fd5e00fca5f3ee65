package license

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	polar "github.com/polarportal/polar-go"
)

// The tests that need several processes run this test binary again with
// childEnv set to a role; TestMain then plays the role instead of running
// the tests. A child waits for a line on its stdin before it starts, so
// that the parent can start them all first and release them at once.
const childEnv = "LICENSE_TEST_CHILD"

func TestMain(m *testing.M) {
	if role := os.Getenv(childEnv); role != "" {
		if err := runChild(role); err != nil {
			fmt.Fprintln(os.Stderr, "child:", err)
			os.Exit(2)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func runChild(role string) error {
	switch role {
	case "check":
		return childCheck()
	case "wait":
		return childWait()
	case "crash-save":
		return childCrashSave()
	case "save-loop":
		return childSaveLoop()
	}
	return fmt.Errorf("unknown role %q", role)
}

// awaitGo blocks until the parent writes a line.
func awaitGo() { _, _ = bufio.NewReader(os.Stdin).ReadString('\n') }

// checkReport is what a "check" child prints.
type checkReport struct {
	Source  Source `json:"source"`
	Status  string `json:"status"`
	Err     string `json:"err"`
	TooMany int64  `json:"too_many"` // 429 answers seen
}

// counting counts the 429 answers under a client.
type counting struct {
	next    http.RoundTripper
	tooMany atomic.Int64
}

func (c *counting) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := c.next.RoundTrip(r)
	if err == nil && resp.StatusCode == http.StatusTooManyRequests {
		c.tooMany.Add(1)
	}
	return resp, err
}

// childCheck validates the activation in the store at LICENSE_TEST_STORE
// against LICENSE_TEST_URL, with a Limiter on LICENSE_TEST_LOCK, and
// prints a checkReport.
func childCheck() error {
	lim, err := NewLimiter(os.Getenv("LICENSE_TEST_LOCK"), polar.DefaultRateLimits(polar.Production))
	if err != nil {
		return err
	}
	defer lim.Close()
	ct := &counting{next: http.DefaultTransport}
	client, err := polar.NewClient("", polar.WithBaseURL(os.Getenv("LICENSE_TEST_URL")), polar.WithLimiter(lim),
		polar.WithHTTPClient(&http.Client{Transport: ct}))
	if err != nil {
		return err
	}
	m, err := New(Config{OrganizationID: os.Getenv("LICENSE_TEST_ORG"), Key: os.Getenv("LICENSE_TEST_KEY"), Store: NewFileStore(os.Getenv("LICENSE_TEST_STORE")),
		Grace: time.Hour, Client: client})
	if err != nil {
		return err
	}
	awaitGo()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var res *Result
	if os.Getenv("LICENSE_TEST_KEY") != "" && !m.Activated() {
		if _, err = m.Activate(ctx, "test machine", map[string]any{"machine": "m1"}, nil); errors.Is(err, ErrAlreadyActivated) {
			err = nil // another process won
		}
	}
	if err == nil {
		res, err = m.Check(ctx, 0)
	}
	rep := checkReport{TooMany: ct.tooMany.Load()}
	if err != nil {
		rep.Err = err.Error()
	} else {
		rep.Source, rep.Status = res.Source, string(res.Key.Status)
	}
	return json.NewEncoder(os.Stdout).Encode(rep)
}

// childWait waits LICENSE_TEST_N times in the license-key zone of a
// Limiter on LICENSE_TEST_LOCK and prints, one a line, the Unix
// nanoseconds at which each wait returned.
func childWait() error {
	lim, err := NewLimiter(os.Getenv("LICENSE_TEST_LOCK"), polar.DefaultRateLimits(polar.Production))
	if err != nil {
		return err
	}
	defer lim.Close()
	n, err := strconv.Atoi(os.Getenv("LICENSE_TEST_N"))
	if err != nil {
		return err
	}
	awaitGo()
	for range n {
		if err := lim.Wait(context.Background(), polar.ZoneLicenseKeys, ""); err != nil {
			return err
		}
		fmt.Println(time.Now().UnixNano())
	}
	return nil
}

// childCrashSave saves a state with ActivationID "second" to the store at
// LICENSE_TEST_STORE, but stops for good between writing the temporary
// file and renaming it, after printing the temporary file's path: the
// parent then kills it there.
func childCrashSave() error {
	testHookBeforeRename = func(tmp string) {
		fmt.Println(tmp)
		select {}
	}
	return NewFileStore(os.Getenv("LICENSE_TEST_STORE")).Save(&State{Key: "K", OrganizationID: "O", ActivationID: "second"})
}

// childSaveLoop saves LICENSE_TEST_N states, with its LICENSE_TEST_ID in
// the label, to the store at LICENSE_TEST_STORE.
func childSaveLoop() error {
	s := NewFileStore(os.Getenv("LICENSE_TEST_STORE"))
	n, err := strconv.Atoi(os.Getenv("LICENSE_TEST_N"))
	if err != nil {
		return err
	}
	awaitGo()
	for i := range n {
		st := &State{Key: "K", OrganizationID: "O", ActivationID: os.Getenv("LICENSE_TEST_ID"), Label: strconv.Itoa(i),
			Conditions: map[string]any{"pad": fmt.Sprintf("%0400d", i)}}
		if err := s.Save(st); err != nil {
			return err
		}
	}
	return nil
}

// child is a running child process.
type child struct {
	cmd   *exec.Cmd
	stdin io.WriteCloser
	out   *bufio.Reader
}

// startChild starts the test binary in role with env added.
func startChild(t *testing.T, role string, env ...string) *child {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(append(os.Environ(), childEnv+"="+role), env...)
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	})
	return &child{cmd: cmd, stdin: stdin, out: bufio.NewReader(stdout)}
}

// release lets the child start.
func (c *child) release(t *testing.T) {
	t.Helper()
	if _, err := fmt.Fprintln(c.stdin, "go"); err != nil {
		t.Fatal(err)
	}
}
