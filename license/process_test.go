package license

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	polar "github.com/polarportal/polar-go"
	"github.com/polarportal/polar-go/polartest"
)

func needProcessLocks(t *testing.T) {
	t.Helper()
	if !crossProcess {
		t.Skip("no cross-process locks on this system")
	}
}

// runChecks starts n "check" children with env at once and returns their
// reports, once every one has exited.
func runChecks(t *testing.T, n int, env ...string) []checkReport {
	t.Helper()
	var kids []*child
	for range n {
		kids = append(kids, startChild(t, "check", env...))
	}
	for _, k := range kids {
		k.release(t)
	}
	reps := make([]checkReport, n)
	for i, k := range kids {
		if err := json.NewDecoder(k.out).Decode(&reps[i]); err != nil {
			t.Fatalf("child %d: reading its report: %v", i, err)
		}
		if err := k.cmd.Wait(); err != nil {
			t.Fatalf("child %d: %v", i, err)
		}
	}
	return reps
}

// TestProcessesShareTheLicenseKeyZone starts 8 processes at once, each
// validating the machine's activation against polartest with Polar's rate
// limits on: every one is validated online, and none gets a 429.
func TestProcessesShareTheLicenseKeyZone(t *testing.T) {
	needProcessLocks(t)
	srv := polartest.NewTestServer(t, polartest.WithDemo(), polartest.WithPolarRateLimits())
	dir := t.TempDir()
	lock, storePath := filepath.Join(dir, "keys.lock"), filepath.Join(dir, "state", "license.json")

	// The parent activates first, through the same lock file.
	lim, err := NewLimiter(lock, polar.DefaultRateLimits(polar.Production))
	if err != nil {
		t.Fatal(err)
	}
	defer lim.Close()
	client, err := polar.NewClient("", polar.WithBaseURL(srv.URL), polar.WithLimiter(lim))
	if err != nil {
		t.Fatal(err)
	}
	m, err := New(Config{OrganizationID: polartest.DemoOrganizationID, Key: polartest.DemoUsageLicenseKey,
		Store: NewFileStore(storePath), Grace: time.Hour, Client: client})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Activate(context.Background(), "test machine", map[string]any{"machine": "m1"}, nil); err != nil {
		t.Fatal(err)
	}

	const n = 8
	reps := runChecks(t, n, "LICENSE_TEST_URL="+srv.URL, "LICENSE_TEST_LOCK="+lock,
		"LICENSE_TEST_STORE="+storePath, "LICENSE_TEST_ORG="+polartest.DemoOrganizationID)
	for i, rep := range reps {
		if rep.Err != "" || rep.Source != Online || rep.Status != string(polar.LicenseKeyStatusGranted) || rep.TooMany != 0 {
			t.Errorf("child %d: %+v, want an online, granted validation and no 429", i, rep)
		}
	}
	if got := srv.Calls("customer_portal:license_keys:validate"); got != n {
		t.Errorf("the server validated %d times, want %d", got, n)
	}
}

// TestProcessesActivateOnce starts 8 processes at once on a machine's
// first run, each activating if the store has no activation and then
// validating: one activation is made, every process is validated, and
// none gets a 429.
func TestProcessesActivateOnce(t *testing.T) {
	needProcessLocks(t)
	srv := polartest.NewTestServer(t, polartest.WithDemo(), polartest.WithPolarRateLimits())
	dir := t.TempDir()
	lock, storePath := filepath.Join(dir, "keys.lock"), filepath.Join(dir, "state", "license.json")
	reps := runChecks(t, 8, "LICENSE_TEST_URL="+srv.URL, "LICENSE_TEST_LOCK="+lock,
		"LICENSE_TEST_STORE="+storePath, "LICENSE_TEST_ORG="+polartest.DemoOrganizationID,
		"LICENSE_TEST_KEY="+polartest.DemoUsageLicenseKey)
	for i, rep := range reps {
		if rep.Err != "" || rep.Source != Online || rep.TooMany != 0 {
			t.Errorf("child %d: %+v, want an online validation and no 429", i, rep)
		}
	}
	if got := srv.Calls("customer_portal:license_keys:activate"); got != 1 {
		t.Errorf("the server activated %d times, want 1", got)
	}
	if got := srv.Calls("customer_portal:license_keys:validate"); got != 8 {
		t.Errorf("the server validated %d times, want 8", got)
	}
}

// TestLimiterProcesses runs 6 processes of 2 license-key waits each on one
// lock file: no 4 of the 12 requests fall within one second, and the
// processes do not wait much longer than the window makes them.
func TestLimiterProcesses(t *testing.T) {
	needProcessLocks(t)
	lock := filepath.Join(t.TempDir(), "keys.lock")
	var kids []*child
	for range 6 {
		kids = append(kids, startChild(t, "wait", "LICENSE_TEST_LOCK="+lock, "LICENSE_TEST_N=2"))
	}
	for _, k := range kids {
		k.release(t)
	}
	var times []int64
	for i, k := range kids {
		for range 2 {
			line, err := k.out.ReadString('\n')
			if err != nil {
				t.Fatalf("child %d: %v", i, err)
			}
			v, err := strconv.ParseInt(strings.TrimSpace(line), 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			times = append(times, v)
		}
		if err := k.cmd.Wait(); err != nil {
			t.Fatalf("child %d: %v", i, err)
		}
	}
	slices.Sort(times)
	for i := 3; i < len(times); i++ {
		if d := time.Duration(times[i] - times[i-3]); d < time.Second {
			t.Errorf("requests %d and %d went %v apart, want at least 1s", i-3, i, d)
		}
	}
	// 12 requests at 3 a window need 3 windows after the first: about
	// 3.15 s with the slack; allow for a slow machine.
	if span := time.Duration(times[len(times)-1] - times[0]); span > 6*time.Second {
		t.Errorf("the 12 requests took %v, want about 3.15s", span)
	}
}

// TestFileStoreSurvivesKilledWriter kills a process between writing its
// temporary file and renaming it: the store still reads the last good
// state, a new Save is not held up by the dead writer's lock, and it
// removes the temporary file left behind.
func TestFileStoreSurvivesKilledWriter(t *testing.T) {
	needProcessLocks(t)
	path := filepath.Join(t.TempDir(), "license.json")
	s := NewFileStore(path)
	if err := s.Save(&State{Key: "K", OrganizationID: "O", ActivationID: "first"}); err != nil {
		t.Fatal(err)
	}
	k := startChild(t, "crash-save", "LICENSE_TEST_STORE="+path)
	tmp, err := k.out.ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	tmp = strings.TrimSpace(tmp)
	if err := k.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = k.cmd.Wait()
	if b, err := os.ReadFile(tmp); err != nil || !strings.Contains(string(b), `"second"`) {
		t.Fatalf("the killed writer's temporary file: %q, %v; want the new state written", b, err)
	}
	st, err := s.Load()
	if err != nil || st == nil || st.ActivationID != "first" {
		t.Fatalf("Load after the crash = %+v, %v; want the first state", st, err)
	}
	done := make(chan error, 1)
	go func() { done <- s.Save(&State{Key: "K", OrganizationID: "O", ActivationID: "third"}) }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Save is held up by the killed writer's lock")
	}
	if _, err := os.Stat(tmp); !os.IsNotExist(err) {
		t.Errorf("the temporary file is still there after a Save: %v", err)
	}
	if st, err := s.Load(); err != nil || st.ActivationID != "third" {
		t.Errorf("Load = %+v, %v; want the third state", st, err)
	}
}

// TestFileStoreConcurrentProcesses has 4 processes save 50 states each
// while the parent loads: every load is a whole state of one of them.
func TestFileStoreConcurrentProcesses(t *testing.T) {
	needProcessLocks(t)
	path := filepath.Join(t.TempDir(), "license.json")
	s := NewFileStore(path)
	if err := s.Save(&State{Key: "K", OrganizationID: "O", ActivationID: "start"}); err != nil {
		t.Fatal(err)
	}
	var kids []*child
	for i := range 4 {
		kids = append(kids, startChild(t, "save-loop", "LICENSE_TEST_STORE="+path, "LICENSE_TEST_N=50", "LICENSE_TEST_ID=p"+strconv.Itoa(i)))
	}
	for _, k := range kids {
		k.release(t)
	}
	done := make(chan error, len(kids))
	for _, k := range kids {
		go func() { done <- k.cmd.Wait() }()
	}
	loads := 0
	for running := len(kids); running > 0; {
		select {
		case err := <-done:
			if err != nil {
				t.Fatal(err)
			}
			running--
		default:
		}
		st, err := s.Load()
		if err != nil || st == nil || st.Key != "K" {
			t.Fatalf("Load while processes save = %+v, %v", st, err)
		}
		loads++
	}
	st, err := s.Load()
	if err != nil || !strings.HasPrefix(st.ActivationID, "p") || st.Label != "49" {
		t.Errorf("last state = %+v, %v; want the 50th of a process", st, err)
	}
	tmps, _ := filepath.Glob(filepath.Join(filepath.Dir(path), ".license.json.tmp-*"))
	if len(tmps) != 0 {
		t.Errorf("temporary files left: %v", tmps)
	}
	t.Logf("%d loads while saving", loads)
}
