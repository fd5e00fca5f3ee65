package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/polarportal/polar-go/polartest"
)

// polarportal runs the command with args and the environment env.
func polarportal(t *testing.T, env map[string]string, args ...string) (status int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	status = run(context.Background(), args, func(k string) string { return env[k] }, &out, &errOut)
	return status, out.String(), errOut.String()
}

func lines(s string) []string { return strings.Split(strings.TrimRight(s, "\n"), "\n") }

func TestOrdersOnDemo(t *testing.T) {
	status, out, errOut := polarportal(t, nil, "orders")
	if status != 0 || !strings.Contains(errOut, "no POLAR_TOKEN: showing polartest's Demo data") {
		t.Fatalf("status %d, stderr %q", status, errOut)
	}
	ls := lines(out)
	if len(ls) != 21 || !strings.HasPrefix(ls[0], "CREATED") || !strings.Contains(ls[1], polartest.DemoOrderID) ||
		!strings.Contains(ls[1], "2026-07-31  paid") || !strings.Contains(ls[1], "Pro Monthly") {
		t.Errorf("orders: %d lines:\n%s", len(ls), out)
	}

	if status, out, _ = polarportal(t, nil, "-limit", "0", "orders"); status != 0 || len(lines(out)) != polartest.DemoOrderCount+1 {
		t.Errorf("-limit 0: status %d, %d lines", status, len(lines(out)))
	}
	if status, out, _ = polarportal(t, nil, "-limit", "3", "orders"); status != 0 || len(lines(out)) != 4 {
		t.Errorf("-limit 3: status %d:\n%s", status, out)
	}
	// Another customer of the Demo data: Bob has three orders.
	status, out, _ = polarportal(t, nil, "-customer", polartest.DemoOtherCustomerID, "orders")
	if status != 0 || len(lines(out)) != 4 || strings.Contains(out, polartest.DemoOrderID) {
		t.Errorf("Bob's orders: status %d:\n%s", status, out)
	}
	// A customer of another organization: no session for acme's token.
	status, _, errOut = polarportal(t, nil, "-customer", polartest.DemoOtherOrganizationCustomerID, "orders")
	if status != 1 || !strings.Contains(errOut, "creating a session") {
		t.Errorf("Carol: status %d, stderr %q", status, errOut)
	}
}

func TestSubscriptionsOnDemo(t *testing.T) {
	status, out, errOut := polarportal(t, nil, "subscriptions")
	if status != 0 {
		t.Fatalf("status %d: %s", status, errOut)
	}
	ls := lines(out)
	// A header, then Alice's subscriptions that started (the list leaves
	// out the incomplete ones, as Polar's does).
	if len(ls) != 8 || !strings.HasPrefix(ls[0], "STATUS") || !strings.Contains(out, polartest.DemoSubscriptionID) ||
		!strings.Contains(out, "15.00 USD / month") {
		t.Errorf("Alice's 7 subscriptions:\n%s", out)
	}
}

func TestValidateOnDemo(t *testing.T) {
	status, out, errOut := polarportal(t, nil, "validate", polartest.DemoLicenseKey)
	if status != 0 || !strings.HasPrefix(out, "License key ****-AAAA: granted\n") || !strings.Contains(out, "at most 3 activations") {
		t.Errorf("status %d, stderr %q:\n%s", status, errOut, out)
	}
	status, _, errOut = polarportal(t, nil, "validate", "ACME-NOPE")
	if status != 1 || !strings.Contains(errOut, "license key not valid") {
		t.Errorf("an unknown key: status %d, stderr %q", status, errOut)
	}
}

// With POLAR_TOKEN and -base-url, the command talks to that server: here
// a polartest server, with a session token or an organization token.
func TestTokens(t *testing.T) {
	srv := polartest.NewTestServer(t, polartest.WithDemo())
	status, out, errOut := polarportal(t, map[string]string{"POLAR_TOKEN": polartest.DemoOtherCustomerToken}, "-base-url", srv.URL, "orders")
	if status != 0 || len(lines(out)) != 4 || errOut != "" {
		t.Errorf("Bob's session token: status %d, stderr %q:\n%s", status, errOut, out)
	}
	env := map[string]string{"POLAR_TOKEN": polartest.DemoOrganizationToken}
	status, _, errOut = polarportal(t, env, "-base-url", srv.URL, "orders")
	if status != 2 || !strings.Contains(errOut, "-customer or POLAR_CUSTOMER_ID") {
		t.Errorf("an organization token without a customer: status %d, stderr %q", status, errOut)
	}
	env["POLAR_CUSTOMER_ID"] = polartest.DemoCustomerID
	if status, out, errOut = polarportal(t, env, "-base-url", srv.URL, "-limit", "5", "orders"); status != 0 || len(lines(out)) != 6 {
		t.Errorf("an organization token for Alice: status %d, stderr %q:\n%s", status, errOut, out)
	}
	status, _, errOut = polarportal(t, map[string]string{"POLAR_TOKEN": "polar_cst_unknown"}, "-base-url", srv.URL, "orders")
	if status != 1 || !strings.Contains(errOut, "401") {
		t.Errorf("an unknown token: status %d, stderr %q", status, errOut)
	}
	status, _, errOut = polarportal(t, map[string]string{"POLAR_TOKEN": polartest.DemoCustomerToken}, "-base-url", srv.URL, "validate", "K")
	if status != 2 || !strings.Contains(errOut, "-org or POLAR_ORGANIZATION_ID") {
		t.Errorf("validate without an organization: status %d, stderr %q", status, errOut)
	}
}

func TestUsage(t *testing.T) {
	for _, args := range [][]string{nil, {"frobnicate"}, {"orders", "extra"}, {"validate"}, {"-limit", "-1", "orders"}, {"-nope", "orders"}} {
		status, out, errOut := polarportal(t, nil, args...)
		if status != 2 || out != "" || !strings.Contains(errOut, "usage: polarportal") {
			t.Errorf("%q: status %d, stdout %q, stderr %q", args, status, out, errOut)
		}
	}
	if status, _, errOut := polarportal(t, nil, "-h"); status != 0 || !strings.Contains(errOut, "usage: polarportal") {
		t.Errorf("-h: status %d, stderr %q", status, errOut)
	}
}

// pagedServer answers the first page of a list with the one item of
// itemFile (max_page 2) and the second page with a 400: the rows of the
// first page are printed, then the error.
func pagedServer(t *testing.T, itemFile string) *httptest.Server {
	t.Helper()
	item, err := os.ReadFile(filepath.Join("..", "..", "testdata", itemFile))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Query().Get("page") != "1" {
			w.WriteHeader(http.StatusBadRequest)
			io.WriteString(w, `{"error":"BadRequest","detail":"page two is broken"}`)
			return
		}
		fmt.Fprintf(w, `{"items":[%s],"pagination":{"total_count":101,"max_page":2}}`, item)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestRowsBeforeALaterPageErrorArePrinted(t *testing.T) {
	env := map[string]string{"POLAR_TOKEN": "polar_cst_test"}
	for _, tc := range []struct{ cmd, file, row, msg string }{
		{"orders", "order.json", "c8eae506-37df-4c2f-8b4e-5bd1f8d9eafc", "listing orders"},
		{"subscriptions", "subscription.json", "c41e8b2d-6f7a-4d39-8e05-b2a9c7d1f364", "listing subscriptions"},
	} {
		srv := pagedServer(t, tc.file)
		status, out, errOut := polarportal(t, env, "-base-url", srv.URL, "-limit", "0", tc.cmd)
		ls := lines(out)
		if status != 1 || len(ls) != 2 || !strings.Contains(ls[1], tc.row) {
			t.Errorf("%s: status %d, %d lines:\n%s", tc.cmd, status, len(ls), out)
		}
		if !strings.Contains(errOut, tc.msg) || !strings.Contains(errOut, "page two is broken") {
			t.Errorf("%s: stderr %q", tc.cmd, errOut)
		}
	}
}
