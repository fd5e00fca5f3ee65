package polar

import (
	"context"
	"errors"
	"maps"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/polarportal/polar-go/internal/operations"
)

// An opSpec is everything the registry-driven tests know of one
// operation: how to call it, what it answers, its rows of the contract
// tests and the Go types of the schemas it brings. Each service's test
// file registers one opSpec per operation with addOps; TestOperationTable,
// TestSpecCoverage, TestContract and TestContractCallsOnFake iterate them.
type opSpec struct {
	// id is the operationId.
	id string
	// call invokes the method with path argument arg (ignored by
	// operations without one) and valid other arguments, sending one
	// request.
	call callFunc
	// nilBody invokes the method with a nil body; required for operations
	// with a body.
	nilBody func(ctx context.Context, c *Client) error
	// status and answer make a valid 2xx answer to call: status defaults
	// to 200, answer to "{}".
	status int
	answer string
	// rows are the calls of the contract tests, which send them to Prism
	// (contract_test.go) and to polartest's fake (fake_contract_test.go):
	// together they use every filter and request-body shape.
	rows []contractRow
	// schemas maps the document's object and union schemas that this
	// operation reaches, and no other service's, to their Go types (the
	// ones several services reach are in sharedSchemaTypes). Enum schemas
	// need no entry: their Go type carries the schema's name.
	schemas map[string]reflect.Type
}

// response is the valid answer to s.call for op: status and answer with
// their defaults, and no body for a 200 to an operation without a result.
func (s *opSpec) response(op *operation) (int, string) {
	status, answer := s.status, s.answer
	if status == 0 {
		status = http.StatusOK
	}
	if answer == "" {
		answer = "{}"
	}
	if op.kind == resultNone && status == http.StatusOK {
		answer = ""
	}
	return status, answer
}

// A callFunc calls one operation with path argument arg.
type callFunc func(ctx context.Context, c *Client, arg string) error

// A contractRow is one call of the contract tests: the operation with one
// shape of arguments. Its result and error do not matter: Prism's answers
// are random data or documented errors.
//
// Prism quirk: a query parameter whose schema is anyOf[array, null] (such
// as sorting) and that is sent once is validated as a string and reported
// as "must be array", although a repeated key with one value is a valid
// one-element array. Rows therefore send such parameters with two values.
// Parameters that also accept a single value (anyOf[string, array, null],
// such as product_id) are sent with one value in some rows and two in
// others.
type contractRow struct {
	name string // what this row varies, for the subtest name
	// call makes the call with ctx, which must reach the SDK unchanged.
	// Without it the row makes the opSpec's call with arg.
	call func(ctx context.Context, c *Client) error
	arg  string
}

// opSpecs holds the registered opSpecs by operationId.
var opSpecs = map[string]*opSpec{}

// addOps registers specs and their schema types; it is called from a
// package-level variable of each service's test file.
func addOps(specs ...opSpec) bool {
	for _, s := range specs {
		if _, dup := opSpecs[s.id]; dup {
			panic("two opSpecs for " + s.id)
		}
		addSchemaTypes(s.schemas)
		opSpecs[s.id] = &s
	}
	return true
}

// opSpecsInOrder returns the registered opSpecs sorted by operationId.
func opSpecsInOrder() []*opSpec {
	out := make([]*opSpec, 0, len(opSpecs))
	for _, id := range slices.Sorted(maps.Keys(opSpecs)) {
		out = append(out, opSpecs[id])
	}
	return out
}

// contractCall is a contractRow of the operation id, ready to call.
type contractCall struct {
	id, name string
	call     func(ctx context.Context, c *Client) error
}

// allContractCalls returns the rows of every opSpec, by operationId.
func allContractCalls() []contractCall {
	var out []contractCall
	for _, s := range opSpecsInOrder() {
		for _, r := range s.rows {
			call := r.call
			if call == nil {
				call = func(ctx context.Context, c *Client) error { return s.call(ctx, c, r.arg) }
			}
			out = append(out, contractCall{id: s.id, name: r.name, call: call})
		}
	}
	return out
}

// checkOpSpecsCover reports a registered operation without an opSpec, an
// opSpec without rows, and one that names no registered operation.
func checkOpSpecsCover(t *testing.T) {
	t.Helper()
	for _, id := range slices.Sorted(maps.Keys(registry)) {
		switch s := opSpecs[id]; {
		case s == nil:
			t.Errorf("%s: no opSpec; add one with addOps in the service's test file", id)
		case len(s.rows) == 0:
			t.Errorf("%s: its opSpec has no contract rows", id)
		}
	}
	for id := range opSpecs {
		if registry[id] == nil {
			t.Errorf("opSpec %s names no registered operation", id)
		}
	}
}

// testUUID is a path argument of the form the API expects.
const testUUID = "3f1c9a7e-2b4d-4e8f-9a6c-5d7e8f9a0b1c"

// TestOperationTable checks every registered operation the same way: the
// exact method and path, common headers, Authorization only where the
// operation takes a token, refusal of bad path arguments and nil bodies
// before sending, a 404 becoming an *APIError naming the operation, decode
// errors wrapped with method and path, and the retry rule of its method.
func TestOperationTable(t *testing.T) {
	checkOpSpecsCover(t)
	for _, id := range slices.Sorted(maps.Keys(registry)) {
		if tc := opSpecs[id]; tc != nil {
			t.Run(id, func(t *testing.T) { testOperation(t, registry[id], tc) })
		}
	}
}

func testOperation(t *testing.T, op *operation, tc *opSpec) {
	wantPath := op.path
	if op.param != "" {
		wantPath = strings.Replace(op.path, "{"+op.param+"}", testUUID, 1)
	}
	status, answer := tc.response(op)

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
				t.Fatal("the operation takes a body: the opSpec needs nilBody")
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

// TestOperationsListsTheRegistry: the list that polartest and polarportal
// read is the registry, sorted by ID.
func TestOperationsListsTheRegistry(t *testing.T) {
	ops := operations.All()
	if len(ops) != len(registry) || len(ops) != 48 {
		t.Fatalf("%d operations, registry %d", len(ops), len(registry))
	}
	for i, o := range ops {
		op := registry[o.ID]
		if op == nil || o.Method != op.method || o.Path != op.path || o.Param != op.param || o.Public != op.public ||
			Zone(o.Zone) != op.zone || o.Query != op.query || o.Body != op.body {
			t.Errorf("%+v does not match the registry", o)
		}
		if i > 0 && ops[i-1].ID >= o.ID {
			t.Errorf("not sorted at %s", o.ID)
		}
	}
}

// onlyErr returns the error of a method's results, for calls whose result
// does not matter.
func onlyErr[R any](_ R, err error) error { return err }
