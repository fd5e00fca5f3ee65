package license

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"

	polar "github.com/polarportal/polar-go"
)

func TestFileStoreRoundTrip(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "app")
	s := NewFileStore(filepath.Join(dir, "license.json"))
	if st, err := s.Load(); st != nil || err != nil {
		t.Fatalf("Load of nothing = %+v, %v; want nil, nil", st, err)
	}
	if err := s.Clear(); err != nil {
		t.Fatalf("Clear of nothing: %v", err)
	}
	exp := time.Date(2027, 1, 2, 3, 4, 5, 0, time.UTC)
	want := &State{Key: "K", OrganizationID: "O", ActivationID: "A", Label: "laptop",
		Conditions:  map[string]any{"machine": "abc", "cores": json.Number("8"), "ratio": json.Number("1.5"), "pro": true},
		Validated:   &polar.ValidatedLicenseKey{LicenseKey: polar.LicenseKey{ID: "k", Status: polar.LicenseKeyStatusGranted, ExpiresAt: &exp}},
		ValidatedAt: time.Date(2026, 8, 1, 12, 0, 0, 0, time.UTC)}
	if err := s.Save(want); err != nil {
		t.Fatal(err)
	}
	got, err := s.Load()
	if err != nil {
		t.Fatal(err)
	}
	gb, _ := json.Marshal(got)
	wb, _ := json.Marshal(want)
	if string(gb) != string(wb) {
		t.Errorf("Load = %s, want %s", gb, wb)
	}
	if runtime.GOOS != "windows" {
		if fi, err := os.Stat(s.Path()); err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("state file mode: %v, %v; want 0600", fi, err)
		}
		if fi, err := os.Stat(dir); err != nil || fi.Mode().Perm() != 0o700 {
			t.Errorf("directory mode: %v, %v; want 0700", fi, err)
		}
	}
	if err := s.Clear(); err != nil {
		t.Fatal(err)
	}
	if st, err := s.Load(); st != nil || err != nil {
		t.Errorf("Load after Clear = %+v, %v", st, err)
	}
	if err := s.Save(nil); err == nil {
		t.Error("Save(nil): no error")
	}
}

// A truncated temporary file left beside the state (a writer that died
// before renaming it) changes nothing: Load reads the last good state,
// and the next Save removes it.
func TestFileStoreTruncatedTempFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "license.json")
	s := NewFileStore(path)
	if err := s.Save(&State{Key: "K", OrganizationID: "O", ActivationID: "good"}); err != nil {
		t.Fatal(err)
	}
	tmp := filepath.Join(filepath.Dir(path), ".license.json.tmp-123456")
	if err := os.WriteFile(tmp, []byte(`{"key":"K","organization_id":"O","activ`), 0o600); err != nil {
		t.Fatal(err)
	}
	if st, err := s.Load(); err != nil || st.ActivationID != "good" {
		t.Fatalf("Load = %+v, %v; want the good state", st, err)
	}
	if err := s.Save(&State{Key: "K", OrganizationID: "O", ActivationID: "next"}); err != nil {
		t.Fatal(err)
	}
	if crossProcess {
		if _, err := os.Stat(tmp); !os.IsNotExist(err) {
			t.Errorf("the truncated temporary file is still there: %v", err)
		}
	}
}

// A state file that does not parse is an error, never an empty store
// (which would read as not activated, and invite a second activation).
func TestFileStoreCorruptStateIsAnError(t *testing.T) {
	path := filepath.Join(t.TempDir(), "license.json")
	if err := os.WriteFile(path, []byte(`{"key":"K","activ`), 0o600); err != nil {
		t.Fatal(err)
	}
	st, err := NewFileStore(path).Load()
	if st != nil || err == nil || !strings.Contains(err.Error(), path) {
		t.Errorf("Load of a corrupt file = %+v, %v; want an error naming it", st, err)
	}
}

func TestDefaultStore(t *testing.T) {
	for _, app := range []string{"", ".", "..", "a/b", `a\b`} {
		if _, err := DefaultStore(app); err == nil {
			t.Errorf("DefaultStore(%q): no error", app)
		}
	}
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	t.Setenv("HOME", t.TempDir())
	s, err := DefaultStore("myapp")
	if err != nil {
		t.Skip("no user config directory:", err)
	}
	dir, _ := os.UserConfigDir()
	if want := filepath.Join(dir, "myapp", "license.json"); s.Path() != want {
		t.Errorf("Path = %q, want %q", s.Path(), want)
	}
}

func TestFingerprint(t *testing.T) {
	a, err := fingerprintOf("app1", "0123456789abcdef0123456789abcdef\n")
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^[0-9a-f]{64}$`).MatchString(a) {
		t.Errorf("fingerprint %q, want 64 hexadecimal digits", a)
	}
	if again, _ := fingerprintOf("app1", "0123456789ABCDEF0123456789ABCDEF"); again != a {
		t.Errorf("the same ID (case and spaces aside) gave %q and %q", a, again)
	}
	if other, _ := fingerprintOf("app2", "0123456789abcdef0123456789abcdef"); other == a {
		t.Error("two apps share a fingerprint")
	}
	if other, _ := fingerprintOf("app1", "fedcba9876543210fedcba9876543210"); other == a {
		t.Error("two machines share a fingerprint")
	}
	if strings.Contains(a, "0123456789abcdef") {
		t.Error("the fingerprint shows the machine ID")
	}
	if _, err := fingerprintOf("app1", " \n"); err != ErrNoMachineID {
		t.Errorf("empty ID: %v, want ErrNoMachineID", err)
	}

	fp, err := Fingerprint("app1")
	if err != nil {
		t.Skip("this machine has no ID:", err)
	}
	if again, _ := Fingerprint("app1"); again != fp {
		t.Errorf("Fingerprint is not stable: %q, %q", fp, again)
	}
	cond, err := MachineConditions("app1")
	if err != nil || cond["machine"] != fp || len(cond) != 1 {
		t.Errorf("MachineConditions = %v, %v", cond, err)
	}
}
