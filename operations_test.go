package polar

import (
	"context"
	"errors"
	"maps"
	"net/http"
	"slices"
	"strings"
	"testing"
)

// An opCase calls one registered operation through its service method, so
// that the operation table test checks what users call, not the registry
// alone. Each service's test file adds its cases with addOpCases.
type opCase struct {
	// id is the operationId.
	id string
	// call invokes the method with path argument arg (ignored by
	// operations without one) and valid other arguments.
	call func(ctx context.Context, c *Client, arg string) error
	// nilBody invokes the method with a nil body; required for operations
	// with a body.
	nilBody func(ctx context.Context, c *Client) error
	// status and answer make a valid 2xx answer: status defaults to 200,
	// answer to "{}".
	status int
	answer string
}

var opCases = map[string]opCase{}

// addOpCases registers cases; it is called from package-level variables of
// each service's test file.
func addOpCases(cs ...opCase) bool {
	for _, c := range cs {
		if _, dup := opCases[c.id]; dup {
			panic("two opCases for " + c.id)
		}
		opCases[c.id] = c
	}
	return true
}

// testUUID is a path argument of the form the API expects.
const testUUID = "3f1c9a7e-2b4d-4e8f-9a6c-5d7e8f9a0b1c"

// TestOperationTable checks every registered operation the same way: the
// exact method and path, common headers, Authorization only where the
// operation takes a token, refusal of bad path arguments and nil bodies
// before sending, a 404 becoming an *APIError naming the operation, decode
// errors wrapped with method and path, and the retry rule of its method.
func TestOperationTable(t *testing.T) {
	for _, id := range slices.Sorted(maps.Keys(registry)) {
		op := registry[id]
		tc, ok := opCases[id]
		if !ok {
			t.Errorf("%s: no opCase; add one with addOpCases in the service's test file", id)
			continue
		}
		t.Run(id, func(t *testing.T) { testOperation(t, op, tc) })
	}
	for id := range opCases {
		if registry[id] == nil {
			t.Errorf("opCase %s names no registered operation", id)
		}
	}
}

func testOperation(t *testing.T, op *operation, tc opCase) {
	wantPath := op.path
	if op.param != "" {
		wantPath = strings.Replace(op.path, "{"+op.param+"}", testUUID, 1)
	}
	status, answer := tc.status, tc.answer
	if status == 0 {
		status = http.StatusOK
	}
	if answer == "" {
		answer = "{}"
	}
	if op.kind == resultNone && status == http.StatusOK {
		answer = ""
	}

	t.Run("route and headers", func(t *testing.T) {
		srv := newRecorder(t, func(w http.ResponseWriter, r *http.Request) {
			if r.Method != op.method || r.URL.EscapedPath() != wantPath {
				http.Error(w, "no route", http.StatusNotFound)
				return
			}
			jsonAnswer(status, answer)(w, r)
		})
		c := newTestClient(t, srv, testToken)
		if err := tc.call(bg(), c, testUUID); err != nil {
			t.Fatalf("call: %v", err)
		}
		reqs := srv.requests()
		if len(reqs) != 1 {
			t.Fatalf("%d requests, want 1", len(reqs))
		}
		path, _, _ := strings.Cut(reqs[0].RequestURI, "?")
		if reqs[0].Method != op.method || path != wantPath {
			t.Fatalf("sent %s %s, want %s %s", reqs[0].Method, path, op.method, wantPath)
		}
		checkCommonHeaders(t, reqs[0], !op.public)
	})

	t.Run("bad arguments are not sent", func(t *testing.T) {
		srv := newRecorder(t, jsonAnswer(status, answer))
		c := newTestClient(t, srv, testToken)
		var ctx context.Context
		if err := tc.call(ctx, c, testUUID); !errors.Is(err, ErrInvalidArgument) {
			t.Errorf("nil context: %v", err)
		}
		if op.param != "" {
			for _, arg := range []string{"", ".", "..", "a/b", `a\b`, "%2e%2e"} {
				err := tc.call(bg(), c, arg)
				if !errors.Is(err, ErrInvalidArgument) || !strings.Contains(err.Error(), op.param) {
					t.Errorf("%s %q: %v", op.param, arg, err)
				}
			}
		}
		if op.body != nil {
			if tc.nilBody == nil {
				t.Fatal("the operation takes a body: the opCase needs nilBody")
			}
			if err := tc.nilBody(bg(), c); !errors.Is(err, ErrInvalidArgument) {
				t.Errorf("nil body: %v", err)
			}
		}
		if n := srv.count(); n != 0 {
			t.Errorf("%d requests sent", n)
		}
	})

	t.Run("404", func(t *testing.T) {
		srv := newRecorder(t, jsonAnswer(404, `{"error":"ResourceNotFound","detail":"Not found"}`))
		c := newTestClient(t, srv, testToken)
		err := tc.call(bg(), c, testUUID)
		var apiErr *APIError
		if !errors.As(err, &apiErr) || !errors.Is(err, ErrResourceNotFound) ||
			apiErr.Method != op.method || apiErr.Path != op.path || apiErr.StatusCode != 404 {
			t.Fatalf("err = %#v", err)
		}
	})

	if op.kind != resultNone {
		t.Run("decode errors", func(t *testing.T) {
			for _, body := range []string{`null`, `[]`, `"x"`, `{"broken`} {
				srv := newRecorder(t, jsonAnswer(status, body))
				c := newTestClient(t, srv, testToken)
				err := tc.call(bg(), c, testUUID)
				if err == nil || !strings.Contains(err.Error(), op.method+" "+op.path+": decoding response") {
					t.Errorf("body %s: err = %v", body, err)
				}
			}
		})
	}

	t.Run("retry rule", func(t *testing.T) {
		srv := newRecorder(t, jsonAnswer(http.StatusBadGateway, `{}`))
		c := newTestClient(t, srv, testToken)
		if err := tc.call(bg(), c, testUUID); err == nil {
			t.Fatal("no error")
		}
		want := 1 // the server may have acted on a POST or PATCH
		if op.method == http.MethodGet || op.method == http.MethodDelete {
			want = 4
		}
		if n := srv.count(); n != want {
			t.Errorf("%s sent %d times after 502s, want %d", op.method, n, want)
		}
	})
}

func TestOperationsListsTheRegistry(t *testing.T) {
	ops := Operations()
	if len(ops) != len(registry) || len(ops) != 48 {
		t.Fatalf("%d operations, registry %d", len(ops), len(registry))
	}
	for i, o := range ops {
		op := registry[o.ID]
		if op == nil || o.Method != op.method || o.Path != op.path || o.Public != op.public || o.Zone != op.zone {
			t.Errorf("%+v does not match the registry", o)
		}
		if i > 0 && ops[i-1].ID >= o.ID {
			t.Errorf("not sorted at %s", o.ID)
		}
	}
}
