package polar_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"

	polar "github.com/polarportal/polar-go"
	"github.com/polarportal/polar-go/internal/openapi"
	"github.com/polarportal/polar-go/polartest"
)

// TestContractCallsOnFake sends every row of the contract test (the calls
// that Prism checks against the OpenAPI document) to polartest's fake
// server with the Demo data, as the customer Alice (as Globex's owner for
// the members operations, with acme's organization token to create
// sessions). Every answer must be a success the operation documents,
// whose body matches the document's schema, or an error: one the
// operation documents, or a generic 401, 404 or 422. The SDK must read
// each answer: a failed call is an *APIError, never a decoding error. No
// answer may be a 5xx.
//
// The rows name objects by IDs of their own, which the Demo data does not
// have, so they are sent twice: as written, and with the IDs of their
// paths replaced by Demo objects of the caller (Globex's for the seats
// operations), so that the successes are checked too. Each row gets a
// fresh server.
func TestContractCallsOnFake(t *testing.T) {
	doc, err := openapi.LoadShared()
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		t.Fatal(err)
	}
	if doc == nil {
		t.Logf("no OpenAPI document beside the module (%v): only checking for 5xx and unreadable answers", err)
	}
	objects := demoObjects()
	hc := &http.Client{Transport: answerRecorder{http.DefaultTransport}}

	for _, row := range polar.ContractCallsForTest() {
		name := row.ID
		if row.Name != "" {
			name += "/" + row.Name
		}
		t.Run(name, func(t *testing.T) {
			srv := polartest.NewTestServer(t, polartest.WithDemo())
			tok := polartest.DemoCustomerToken
			switch {
			case row.ID == "customer-sessions:create":
				tok = polartest.DemoOrganizationToken
			case strings.HasPrefix(row.ID, "customer_portal:members:"):
				tok = polartest.DemoMemberToken
			}
			passes := []struct {
				name    string
				token   string
				objects map[string]string
			}{{"as written", tok, nil}}
			if op := opOf(doc, row.ID); op != nil && strings.Contains(op.Path, "{") {
				if strings.HasPrefix(row.ID, "customer_portal:seats:") {
					tok = polartest.DemoTeamCustomerToken
				}
				passes = append(passes, struct {
					name    string
					token   string
					objects map[string]string
				}{"on Demo objects", tok, objects})
			}
			for _, pass := range passes {
				c := srv.Client(pass.token, polar.WithoutRetries(), polar.WithHTTPClient(hc))
				rec := &recorded{doc: doc, objects: pass.objects}
				err := row.Call(context.WithValue(t.Context(), recordedKey{}, rec), c)
				var apiErr *polar.APIError
				if err != nil && !errors.As(err, &apiErr) && !errors.Is(err, polar.ErrNotReady) {
					t.Errorf("%s: the SDK could not read the fake's answer: %v", pass.name, err)
				}
				if len(rec.answers) == 0 {
					t.Fatalf("%s: no request reached the server (%v)", pass.name, err)
				}
				for _, a := range rec.answers {
					checkFakeAnswer(t, doc, row.ID, a)
				}
			}
		})
	}

}

func opOf(doc *openapi.Document, id string) *openapi.Operation {
	if doc == nil {
		return nil
	}
	return doc.Operation(id)
}

// demoObjects maps the path templates of the operations on one object to
// a Demo object of that kind: Alice's, or Globex's for seats and members.
func demoObjects() map[string]string {
	f := polartest.Demo()
	m := map[string]string{
		"/v1/customer-portal/orders/{id}":                       polartest.DemoOrderID,
		"/v1/customer-portal/subscriptions/{id}":                polartest.DemoSubscriptionID,
		"/v1/customer-portal/license-keys/{id}":                 polartest.DemoLicenseKeyID,
		"/v1/customer-portal/customers/me/payment-methods/{id}": polartest.DemoDeclinedPaymentMethodID,
		"/v1/customer-portal/members/{id}":                      polartest.DemoPlainMemberID,
	}
	for _, g := range f.BenefitGrants {
		if b, _ := json.Marshal(g); strings.Contains(string(b), `"customer_id":"`+polartest.DemoCustomerID+`"`) {
			var v struct{ ID string }
			_ = json.Unmarshal(b, &v)
			m["/v1/customer-portal/benefit-grants/{id}"] = v.ID
			break
		}
	}
	for _, w := range f.Wallets {
		if w.CustomerID == polartest.DemoCustomerID {
			m["/v1/customer-portal/wallets/{id}"] = w.ID
			break
		}
	}
	for _, x := range f.Meters {
		if x.CustomerID == polartest.DemoCustomerID {
			m["/v1/customer-portal/meters/{id}"] = x.ID
			break
		}
	}
	for _, x := range f.Seats {
		if x.Status == polar.SeatStatusPending {
			m["/v1/customer-portal/seats/{seat_id}"] = x.ID
			break
		}
	}
	return m
}

// onDemoObject returns path with its object ID replaced by the Demo
// object objects gives its template, if any.
func onDemoObject(doc *openapi.Document, objects map[string]string, method, path string) string {
	op := doc.Find(method, path)
	if op == nil {
		return path
	}
	segs, tmpl := strings.Split(path, "/"), strings.Split(op.Path, "/")
	for i, seg := range tmpl {
		if !strings.HasPrefix(seg, "{") || i >= len(segs) {
			continue
		}
		if id, ok := objects[strings.Join(tmpl[:i+1], "/")]; ok {
			segs[i] = id
		}
	}
	return strings.Join(segs, "/")
}

// genericErrors are the statuses any operation may answer without
// documenting them: no or a bad token, an object that is not the
// caller's, a request that does not validate.
var genericErrors = []int{http.StatusUnauthorized, http.StatusNotFound, http.StatusUnprocessableEntity}

func checkFakeAnswer(t *testing.T, doc *openapi.Document, id string, a answer) {
	t.Helper()
	what := a.method + " " + a.path
	if a.status >= 500 {
		t.Errorf("%s answered %d: %s", what, a.status, excerpt(a.body))
		return
	}
	if doc == nil {
		return
	}
	op := doc.Find(a.method, a.path)
	if op == nil || op.ID != id {
		t.Errorf("%s is not an operation %s of the document (found %v)", what, id, op)
		return
	}
	ok := a.status >= 200 && a.status < 300
	switch {
	case ok && !op.Documents(a.status):
		t.Errorf("%s answered %d, but %s documents %v", what, a.status, id, op.Statuses())
	case ok:
		if err := op.ValidateResponse(a.status, a.body); err != nil {
			t.Errorf("%s: %v\n%s", what, err, excerpt(a.body))
		}
	case a.status == http.StatusBadRequest && namedError(a.body):
		// Polar's server answers rule violations it does not document
		// with a named 400 (NotASeatBasedSubscription, BadRequest, ...),
		// and the fake does as it does; the SDK reads them as *APIError.
		t.Logf("%s: undocumented named 400 %s", what, excerpt(a.body))
	case !op.Documents(a.status) && !slices.Contains(genericErrors, a.status):
		t.Errorf("%s answered %d, which %s does not document (%v) and is not a generic error: %s", what, a.status, id, op.Statuses(), excerpt(a.body))
	default:
		t.Logf("%s: %d %s", what, a.status, excerpt(a.body))
	}
}

// namedError reports whether body is an error document naming its error.
func namedError(body []byte) bool {
	var doc struct{ Error string }
	return json.Unmarshal(body, &doc) == nil && doc.Error != ""
}

// answer is one answer the recorder saw.
type answer struct {
	method, path string
	status       int
	body         []byte
}

// recorded collects the answers to the requests of one call. With
// objects, the recorder first moves each request onto Demo objects (see
// onDemoObject).
type recorded struct {
	doc     *openapi.Document
	objects map[string]string
	mu      sync.Mutex
	answers []answer
}

type recordedKey struct{}

// answerRecorder is a transport that adds each answer to the recorded
// value of its request's context.
type answerRecorder struct{ base http.RoundTripper }

func (r answerRecorder) RoundTrip(req *http.Request) (*http.Response, error) {
	rec, ok := req.Context().Value(recordedKey{}).(*recorded)
	if !ok {
		return r.base.RoundTrip(req)
	}
	if rec.objects != nil {
		if path := onDemoObject(rec.doc, rec.objects, req.Method, req.URL.Path); path != req.URL.Path {
			req = req.Clone(req.Context())
			req.URL.Path, req.URL.RawPath = path, ""
		}
	}
	resp, err := r.base.RoundTrip(req)
	if err != nil {
		return resp, err
	}
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(b))
	rec.mu.Lock()
	rec.answers = append(rec.answers, answer{method: req.Method, path: req.URL.Path, status: resp.StatusCode, body: b})
	rec.mu.Unlock()
	return resp, nil
}

func excerpt(b []byte) string {
	if len(b) > 300 {
		return string(b[:300]) + "..."
	}
	return string(b)
}
