package polar

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// Wire fixtures in testdata/: answers of the API as the server sends them.
// They are read with testdataBytes and checked like those of
// internal/fixtures (see models_test.go): decoding then encoding again must
// lose nothing the server sent.

// testdataBytes returns the fixture testdata/name.
func testdataBytes(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// decodeTestdata unmarshals testdata/name into a new T.
func decodeTestdata[T any](t testing.TB, name string) *T {
	t.Helper()
	v := new(T)
	if err := json.Unmarshal(testdataBytes(t, name), v); err != nil {
		t.Fatalf("decoding %s into %T: %v", name, v, err)
	}
	return v
}

// roundTripTestdata decodes testdata/name into a new T, encodes it again
// and fails unless the result means what the fixture means (jsonMeaning:
// null and absent alike, times as instants, numbers as written).
func roundTripTestdata[T any](t *testing.T, name string) {
	t.Helper()
	v := decodeTestdata[T](t, name)
	out, err := json.Marshal(*v) // by value: value receivers must suffice
	if err != nil {
		t.Fatalf("encoding %T: %v", v, err)
	}
	want, got := jsonMeaning(t, testdataBytes(t, name)), jsonMeaning(t, out)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("%s: re-encoded %T differs from the fixture (-fixture +re-encoded):\n%s", name, *v, diff)
	}
}

// TestTestdataWellFormed keeps the fixtures of testdata/ realistic: valid
// JSON, and every ID a version-4 UUID as the server's path validation
// demands.
func TestTestdataWellFormed(t *testing.T) {
	names, err := filepath.Glob(filepath.Join("testdata", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(names) == 0 {
		t.Fatal("no fixtures in testdata/")
	}
	for _, path := range names {
		name := filepath.Base(path)
		b := testdataBytes(t, name)
		var doc any
		if err := json.Unmarshal(b, &doc); err != nil {
			t.Errorf("%s is not valid JSON: %v", name, err)
			continue
		}
		var walk func(path string, v any)
		walk = func(path string, v any) {
			switch v := v.(type) {
			case map[string]any:
				for k, e := range v {
					if s, ok := e.(string); ok && (k == "id" || strings.HasSuffix(k, "_id")) && !uuid4Pattern.MatchString(s) {
						t.Errorf("%s: %s.%s = %q is not a version-4 UUID", name, path, k, s)
					}
					walk(path+"."+k, e)
				}
			case []any:
				for _, e := range v {
					walk(path+"[]", e)
				}
			}
		}
		walk("", doc)
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
