package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	polar "github.com/polarportal/polar-go"
	"github.com/polarportal/polar-go/internal/operations"
	"github.com/polarportal/polar-go/polartest"
)

var update = flag.Bool("update", false, "rewrite the golden files of testdata/")

// testZone is the local zone of the tests: times show in it without
// -utc.
var testZone = time.FixedZone("CEST", 2*60*60)

func TestMain(m *testing.M) {
	// The broken-pipe test runs the command as a child process: this
	// binary, told to be polarportal.
	if args, ok := os.LookupEnv("POLARPORTAL_RUN_MAIN"); ok {
		os.Args = append([]string{"polarportal"}, strings.Fields(args)...)
		main()
		return
	}
	local = testZone
	// The fake's clock stays at the time the Demo data is written at, so
	// that what the operations change (modified_at) is the same each run.
	demoOptions = append(demoOptions, polartest.WithClock(func() time.Time { return polartest.DemoTime }))
	os.Exit(m.Run())
}

// Every operation of the SDK's registry has a command, and every command
// runs an operation of the registry.
func TestEveryOperationHasACommand(t *testing.T) {
	ops := map[string]bool{}
	for _, op := range operations.All() {
		ops[op.ID] = true
	}
	byOp := map[string]string{}
	names := map[string]bool{}
	for _, c := range commands {
		if !ops[c.op] {
			t.Errorf("%s %s runs %q, not an operation of operations.All()", c.service, c.verb, c.op)
		}
		if prev, dup := byOp[c.op]; dup {
			t.Errorf("%s is run by %s and by %s %s", c.op, prev, c.service, c.verb)
		}
		byOp[c.op] = c.service + " " + c.verb
		if names[c.service+" "+c.verb] {
			t.Errorf("two commands %s %s", c.service, c.verb)
		}
		names[c.service+" "+c.verb] = true
		if (c.list == nil) == (c.call == nil) {
			t.Errorf("%s %s: want one of list and call", c.service, c.verb)
		}
		if c.list != nil && c.columns == nil {
			t.Errorf("%s %s: a list without columns", c.service, c.verb)
		}
	}
	for id := range ops {
		if _, ok := byOp[id]; !ok {
			t.Errorf("the operation %s has no command", id)
		}
	}
}

// Each command's flags can be made and described: no two flags of one
// name, a flag for every filter and body field.
func TestEveryCommandHasHelp(t *testing.T) {
	for _, c := range commands {
		status, out, errOut := polarportal(t, nil, c.service, c.verb, "-h")
		if status != 0 || out != "" || !strings.Contains(errOut, "usage: polarportal "+c.synopsis()) || !strings.Contains(errOut, c.op) {
			t.Errorf("%s %s -h: status %d, stderr %q", c.service, c.verb, status, errOut)
		}
	}
	_, out, _ := polarportal(t, nil, "help")
	for _, c := range commands {
		if !strings.Contains(out, c.synopsis()) {
			t.Errorf("help leaves out %s", c.synopsis())
		}
	}
}

// A golden case runs the command on the Demo data.
type golden struct {
	name string
	env  map[string]string
	args []string
}

// Demo tokens of a team's owner, for members and seats.
var owner = []string{"-customer", polartest.DemoTeamID, "-member", polartest.DemoOwnerMemberID}

func team(args ...string) []string { return append(slices.Clone(owner), args...) }

var goldens = []golden{
	{"orders-list", nil, []string{"orders", "list", "-limit", "5"}},
	{"orders-list-utc", nil, []string{"orders", "list", "-limit", "3", "-utc", "-sorting", "created_at"}},
	{"orders-get", nil, []string{"orders", "get", polartest.DemoOrderID}},
	{"orders-get-utc", nil, []string{"-utc", "orders", "get", polartest.DemoOrderID}},
	{"orders-update", nil, []string{"orders", "update", polartest.DemoOrderID, "-billing-name", "Alice M. Martin"}},
	{"orders-generate-invoice", nil, []string{"orders", "generate-invoice", polartest.DemoOrderID}},
	{"orders-invoice", nil, []string{"orders", "invoice", polartest.DemoOrderID}},
	{"orders-receipt", nil, []string{"orders", "receipt", polartest.DemoOrderID}},
	{"orders-payment-status", nil, []string{"orders", "payment-status", polartest.DemoPendingOrderID}},
	{"orders-confirm-payment", nil, []string{"orders", "confirm-payment", polartest.DemoPendingOrderID, "-payment-method-id", polartest.DemoPaymentMethodID}},
	{"subscriptions-list", nil, []string{"subscriptions", "list"}},
	{"subscriptions-list-active", nil, []string{"subscriptions", "list", "-active=false"}},
	{"subscriptions-get", nil, []string{"subscriptions", "get", polartest.DemoSubscriptionID}},
	{"subscriptions-update", nil, []string{"subscriptions", "update", polartest.DemoUnitSubscriptionID, "-units", "200"}},
	{"subscriptions-update-cancel", nil, []string{"subscriptions", "update", polartest.DemoSubscriptionID, "-as", "cancel", "-cancel-at-period-end", "true", "-cancellation-reason", "too_expensive"}},
	{"subscriptions-cancel", nil, []string{"subscriptions", "cancel", polartest.DemoSubscriptionID}},
	{"license-keys-list", nil, []string{"license-keys", "list"}},
	{"license-keys-get", nil, []string{"license-keys", "get", polartest.DemoLicenseKeyID}},
	{"license-keys-rotate", nil, []string{"license-keys", "rotate", polartest.DemoLicenseKeyID}},
	{"license-keys-validate", nil, []string{"license-keys", "validate", polartest.DemoUsageLicenseKey, "-increment-usage", "1"}},
	{"license-keys-validate-json", nil, []string{"license-keys", "validate", polartest.DemoLicenseKey, "-json"}},
	{"license-keys-activate", nil, []string{"license-keys", "activate", polartest.DemoUsageLicenseKey, "-label", "Laptop"}},
	{"license-keys-activate-at-limit", nil, []string{"license-keys", "activate", polartest.DemoLicenseKey, "-label", "Laptop"}},
	{"license-keys-deactivate", nil, []string{"license-keys", "deactivate", polartest.DemoLicenseKey, "00000016-0000-4000-8000-000000000001"}},
	{"benefit-grants-list", nil, []string{"benefit-grants", "list", "-limit", "0"}},
	{"benefit-grants-get", nil, []string{"benefit-grants", "get", "00000007-0000-4000-8000-000000000002"}},
	{"benefit-grants-update", nil, []string{"benefit-grants", "update", "00000007-0000-4000-8000-000000000002", "-as", "discord", "-account-id", "disc-alice"}},
	{"customers-get", nil, []string{"customers", "get"}},
	{"customers-update", nil, []string{"customers", "update", "-billing-name", "Alice Martin SARL", "-tax-id", "null"}},
	{"customers-payment-methods", nil, []string{"customers", "payment-methods"}},
	{"customers-add-payment-method", nil, []string{"customers", "add-payment-method", "-confirmation-token-id", "ctoken_mastercard_4444", "-return-url", "https://acme.example/back"}},
	{"customers-confirm-payment-method", nil, []string{"customers", "confirm-payment-method", "-setup-intent-id", "seti_unknown"}},
	{"customers-delete-payment-method", nil, []string{"customers", "delete-payment-method", polartest.DemoDeclinedPaymentMethodID}},
	{"customers-request-email-update", nil, []string{"customers", "request-email-update", "-email", "alice@new.example"}},
	{"customers-check-email-update", nil, []string{"customers", "check-email-update", "not-a-token"}},
	{"customers-verify-email-update", nil, []string{"customers", "verify-email-update", "not-a-token"}},
	{"members-list", nil, team("members", "list")},
	{"members-add", nil, team("members", "add", "-email", "neo@globex.example", "-name", "Neo")},
	{"members-update", nil, team("members", "update", polartest.DemoPlainMemberID, "-role", "billing_manager")},
	{"members-remove", nil, team("members", "remove", polartest.DemoPlainMemberID)},
	{"seats-list", nil, team("seats", "list", "-subscription-id", polartest.DemoTeamSubscriptionID)},
	{"seats-assign", nil, team("seats", "assign", "-subscription-id", polartest.DemoTeamSubscriptionID, "-email", "neo@globex.example")},
	{"seats-revoke", nil, team("seats", "revoke", "00000012-0000-4000-8000-000000000003")},
	{"seats-resend", nil, team("seats", "resend", "00000012-0000-4000-8000-000000000003")},
	{"seats-subscriptions", nil, []string{"-customer", polartest.DemoTeamID, "-member", polartest.DemoPlainMemberID, "seats", "subscriptions"}},
	{"wallets-list", nil, []string{"wallets", "list"}},
	{"wallets-get", nil, []string{"wallets", "get", "00000010-0000-4000-8000-000000000001"}},
	{"meters-list", nil, []string{"meters", "list"}},
	{"meters-get", nil, []string{"meters", "get", "00000009-0000-4000-8000-000000000001"}},
	{"downloadables-list", nil, []string{"downloadables", "list"}},
	{"organizations-get", nil, []string{"organizations", "get", polartest.DemoOrganizationSlug}},
	{"sessions-create", nil, []string{"sessions", "create", "-external-customer-id", polartest.DemoCustomerExternalID}},
	{"sessions-introspect", nil, []string{"sessions", "introspect"}},
	{"sessions-user", nil, []string{"sessions", "user"}},
	{"usage-unknown-verb", nil, []string{"orders", "frobnicate"}},
	{"usage-missing-argument", nil, []string{"orders", "get"}},
}

// volatile are the parts of an output that the fake makes at random: the
// new key of a rotation, minted session tokens.
var volatile = []*regexp.Regexp{
	regexp.MustCompile(`ACME-[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}`),
	regexp.MustCompile(`polar_[cm]st_[0-9A-Za-z_]{20,}`),
}

// TestGolden runs a command of every service and verb on the Demo data
// and compares what it prints with testdata/NAME.golden (go test -update
// rewrites them).
func TestGolden(t *testing.T) {
	covered := map[string]bool{}
	for _, g := range goldens {
		t.Run(g.name, func(t *testing.T) {
			status, out, errOut := polarportal(t, g.env, g.args...)
			quoted := make([]string, len(g.args))
			for i, a := range g.args {
				quoted[i] = a
				if strings.ContainsAny(a, " {}\"") {
					quoted[i] = fmt.Sprintf("%q", a)
				}
			}
			got := fmt.Sprintf("$ polarportal %s\nexit %d\n-- stdout --\n%s-- stderr --\n%s", strings.Join(quoted, " "), status, out, errOut)
			for _, re := range volatile {
				got = re.ReplaceAllString(got, "<random>")
			}
			file := filepath.Join("testdata", g.name+".golden")
			if *update {
				if err := os.WriteFile(file, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(file)
			if err != nil {
				t.Fatalf("%v (go test -update writes it)", err)
			}
			if diff := cmp.Diff(string(want), got); diff != "" {
				t.Errorf("%s (-want +got):\n%s", file, diff)
			}
		})
		if c, _, err := lookup(stripGlobals(g.args)); err == nil {
			covered[c.service+" "+c.verb] = true
		}
	}
	for _, c := range commands {
		if !covered[c.service+" "+c.verb] {
			t.Errorf("no golden case runs %s %s", c.service, c.verb)
		}
	}
}

// stripGlobals drops the global flags before the service.
func stripGlobals(args []string) []string {
	for len(args) > 0 && strings.HasPrefix(args[0], "-") {
		if args[0] == "-utc" || args[0] == "-json" {
			args = args[1:]
		} else {
			args = args[2:]
		}
	}
	return args
}

// -json prints the decoded result re-encoded: it reads back as the SDK's
// type, equal to what the SDK itself gets.
func TestJSON(t *testing.T) {
	srv := polartest.NewTestServer(t, demoOptions...)
	c, err := polar.NewClient(polartest.DemoCustomerToken, polar.WithBaseURL(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"POLAR_TOKEN": polartest.DemoCustomerToken}
	ctx := context.Background()

	status, out, errOut := polarportal(t, env, "-base-url", srv.URL, "orders", "get", polartest.DemoOrderID, "-json")
	var order polar.CustomerOrder
	if status != 0 || json.Unmarshal([]byte(out), &order) != nil {
		t.Fatalf("orders get -json: status %d, stderr %q:\n%s", status, errOut, out)
	}
	want, err := c.Orders.Get(ctx, polartest.DemoOrderID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(*want, order); diff != "" {
		t.Errorf("orders get -json (-sdk +cli):\n%s", diff)
	}

	// A list is an array of every item with -all.
	status, out, _ = polarportal(t, env, "-base-url", srv.URL, "orders", "list", "-all", "-json")
	var orders []polar.CustomerOrder
	if err := json.Unmarshal([]byte(out), &orders); status != 0 || err != nil || len(orders) != polartest.DemoOrderCount || orders[0].ID != polartest.DemoOrderID {
		t.Errorf("orders list -all -json: status %d, %v, %d orders", status, err, len(orders))
	}
	// An empty list is an empty array.
	status, out, _ = polarportal(t, env, "-base-url", srv.URL, "orders", "list", "-json", "-product-id", "00000002-0000-4000-8000-999999999999")
	if status != 0 || strings.TrimSpace(out) != "[]" {
		t.Errorf("an empty list: status %d, %q", status, out)
	}
	// A union (the grants) reads back as the SDK encodes it.
	status, out, _ = polarportal(t, env, "-base-url", srv.URL, "benefit-grants", "list", "-json", "-limit", "0")
	var grants []json.RawMessage
	if err := json.Unmarshal([]byte(out), &grants); status != 0 || err != nil || len(grants) == 0 {
		t.Fatalf("benefit-grants list -json: status %d, %v", status, err)
	}
	wantGrants, err := c.BenefitGrants.List(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(grants) != len(wantGrants.Items) {
		t.Fatalf("%d grants, the SDK lists %d", len(grants), len(wantGrants.Items))
	}
	for i, g := range wantGrants.Items {
		b, _ := json.Marshal(g)
		if !jsonEqual(b, grants[i]) {
			t.Errorf("grant %d:\n%s\nthe SDK's:\n%s", i, grants[i], b)
		}
	}

	// Every golden case that succeeds prints JSON with -json.
	for _, g := range goldens {
		if status, _, _ := polarportal(t, g.env, g.args...); status != 0 {
			continue
		}
		status, out, errOut := polarportal(t, g.env, append(slices.Clone(g.args), "-json")...)
		if status != 0 || (out != "" && !json.Valid([]byte(out))) {
			t.Errorf("%s -json: status %d, stderr %q:\n%s", g.name, status, errOut, out)
		}
	}
}

// countingServer answers every request with status and body, counting
// them.
func countingServer(t *testing.T, status int, body string) (*httptest.Server, *atomic.Int32) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		io.WriteString(w, body)
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

func TestExitStatus(t *testing.T) {
	const token = "polar_cst_s3cr3t-value-never-shown"
	env := map[string]string{"POLAR_TOKEN": token}
	srv, sent := countingServer(t, http.StatusNotFound, `{"error":"ResourceNotFound","detail":"Not found"}`)
	dir := t.TempDir()
	unknown := filepath.Join(dir, "unknown.json")
	os.WriteFile(unknown, []byte(`{"billing_name":"A","color":"red"}`), 0o644)
	twice := filepath.Join(dir, "twice.json")
	os.WriteFile(twice, []byte(`{"billing_name":"A"} {}`), 0o644)
	for _, tc := range []struct {
		args   []string
		status int
		stderr string
	}{
		{[]string{"orders", "get", "X"}, 1, "404 Not Found: ResourceNotFound\n"},
		{[]string{"orders", "list"}, 1, "listing orders"},
		{[]string{"orders", "get"}, 2, "takes 1 argument, got 0"},
		{[]string{"orders", "get", "X", "Y"}, 2, "takes 1 argument, got 2"},
		{[]string{"orders", "nope"}, 2, "its verbs are list, get"},
		{[]string{"orders", "list", "-nope"}, 2, "flag provided but not defined: -nope"},
		{[]string{"orders", "list", "-page", "-1"}, 2, "must not be negative"},
		{[]string{"orders", "update", "X", "-body", unknown}, 2, `unknown field "color"`},
		{[]string{"orders", "update", "X", "-body", twice}, 2, "data after the JSON object"},
		{[]string{"orders", "update", "X", "-body", filepath.Join(dir, "missing.json")}, 2, "no such file"},
		{[]string{"orders", "update", "X", "-billing-address", "{"}, 2, "-billing-address"},
		{[]string{"subscriptions", "update", "X"}, 2, "name the body's shape with -as"},
		{[]string{"subscriptions", "update", "X", "-as", "paint"}, 2, "the shapes are product, seats"},
		{[]string{"subscriptions", "update", "X", "-units", "many"}, 2, "-units"},
		{[]string{"subscriptions", "update", "X", "-as", "product", "-units", "3"}, 2, "-units is not a field of the shape product"},
		{[]string{"benefit-grants", "update", "X", "-account-id", "1"}, 2, "-as"},
		{[]string{"subscriptions", "list", "-active=maybe"}, 2, "-active"},
	} {
		before := sent.Load()
		status, out, errOut := polarportal(t, env, append([]string{"-base-url", srv.URL}, tc.args...)...)
		if status != tc.status || !strings.Contains(errOut, tc.stderr) || strings.Contains(errOut, token) || strings.Contains(out, token) {
			t.Errorf("%q: status %d, stderr %q; want %d and %q", tc.args, status, errOut, tc.status, tc.stderr)
		}
		if tc.status == 2 && sent.Load() != before {
			t.Errorf("%q: a usage error sent a request", tc.args)
		}
	}
}

// A body from a file or standard input is decoded into the SDK's type,
// the flags override its fields, and it is sent as that type encodes it.
func TestBody(t *testing.T) {
	var got []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got = append(got, r.Method+" "+r.URL.Path+" "+string(b))
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"id":"X"}`)
	}))
	t.Cleanup(srv.Close)
	env := map[string]string{"POLAR_TOKEN": "polar_cst_test"}
	file := filepath.Join(t.TempDir(), "body.json")
	os.WriteFile(file, []byte(`{"billing_name":"From File","billing_address":{"country":"FR","city":"Paris"}}`), 0o644)
	stdin = strings.NewReader(`{"benefit_type":"discord","properties":{"account_id":"42"}}`)
	t.Cleanup(func() { stdin = os.Stdin })
	for _, args := range [][]string{
		{"orders", "update", "O", "-body", file, "-billing-name", "From Flag"},
		{"orders", "update", "O", "-billing-name", "null"},
		{"benefit-grants", "update", "G", "-body", "-"},
		{"subscriptions", "update", "S", "-as", "resume"},
		{"subscriptions", "update", "S", "-product-id", "P"},
		{"subscriptions", "update", "S", "-pause-at-period-end", "true", "-resumes-at", "2026-09-01T00:00:00Z"},
		{"sessions", "create", "-customer-id", "C", "-member-id", "M"},
		{"license-keys", "validate", "K", "-org", "ORG", "-conditions", `{"major":2}`},
	} {
		if status, _, errOut := polarportal(t, env, append([]string{"-base-url", srv.URL}, args...)...); status != 0 {
			t.Errorf("%q: status %d, stderr %q", args, status, errOut)
		}
	}
	want := []string{
		`PATCH /v1/customer-portal/orders/O {"billing_name":"From Flag","billing_address":{"city":"Paris","country":"FR"}}`,
		`PATCH /v1/customer-portal/orders/O {"billing_name":null}`,
		`PATCH /v1/customer-portal/benefit-grants/G {"benefit_type":"discord","properties":{"account_id":"42"}}`,
		`PATCH /v1/customer-portal/subscriptions/S {"resume":true}`,
		`PATCH /v1/customer-portal/subscriptions/S {"product_id":"P"}`,
		`PATCH /v1/customer-portal/subscriptions/S {"pause_at_period_end":true,"resumes_at":"2026-09-01T00:00:00Z"}`,
		`POST /v1/customer-sessions/ {"customer_id":"C","member_id":"M"}`,
		`POST /v1/customer-portal/license-keys/validate {"key":"K","organization_id":"ORG","conditions":{"major":2}}`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("requests (-want +got):\n%s", diff)
	}
}

// A shape of a union is chosen by -as, by the fields given, or by the
// discriminator of a body file; a discriminator that contradicts -as is
// refused.
func TestBodyShapes(t *testing.T) {
	srv, sent := countingServer(t, http.StatusOK, `{"id":"X"}`)
	env := map[string]string{"POLAR_TOKEN": "polar_cst_test"}
	stdin = strings.NewReader(`{"benefit_type":"discord","properties":{"account_id":"42"}}`)
	t.Cleanup(func() { stdin = os.Stdin })
	status, _, errOut := polarportal(t, env, "-base-url", srv.URL, "benefit-grants", "update", "G", "-as", "github_repository", "-body", "-")
	if status != 2 || !strings.Contains(errOut, "benefit_type") || sent.Load() != 0 {
		t.Errorf("a contradicting discriminator: status %d, stderr %q", status, errOut)
	}
}

// With -utc times show in UTC, else in local time.
func TestTimes(t *testing.T) {
	_, out, _ := polarportal(t, nil, "orders", "get", polartest.DemoOrderID)
	_, outUTC, _ := polarportal(t, nil, "orders", "get", polartest.DemoOrderID, "-utc")
	if !strings.Contains(out, "created_at  ") || !strings.Contains(out, "2026-07-31 14:00:00 CEST") || !strings.Contains(outUTC, "2026-07-31 12:00:00 UTC") {
		t.Errorf("local:\n%s\nUTC:\n%s", out, outUTC)
	}
}

func TestMoney(t *testing.T) {
	for _, tc := range []struct {
		amount   int64
		currency string
		want     string
	}{
		{1500, "usd", "15.00 USD"}, {5, "eur", "0.05 EUR"}, {-250, "usd", "-2.50 USD"}, {1200, "jpy", "1200 JPY"}, {0, "usd", "0.00 USD"},
	} {
		if got := money(tc.amount, tc.currency); got != tc.want {
			t.Errorf("money(%d, %q) = %q, want %q", tc.amount, tc.currency, got, tc.want)
		}
	}
}

// -all shows a progress line on a terminal, and clears it.
func TestProgress(t *testing.T) {
	isTerminal = func(io.Writer) bool { return true }
	t.Cleanup(func() { isTerminal = func(io.Writer) bool { return false } })
	status, out, errOut := polarportal(t, nil, "orders", "list", "-all")
	if status != 0 || len(lines(out)) != polartest.DemoOrderCount+1 ||
		!strings.Contains(errOut, "\rpolarportal: 100 rows\rpolarportal: 200 rows\r\033[K") {
		t.Errorf("status %d, %d lines, stderr %q", status, len(lines(out)), errOut)
	}
	if _, _, errOut := polarportal(t, nil, "orders", "list"); strings.Contains(errOut, "rows") {
		t.Errorf("a progress line without -all: %q", errOut)
	}
}

// Ctrl-C cancels the call in flight: the command ends at once.
func TestInterrupt(t *testing.T) {
	arrived := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(arrived)
		<-r.Context().Done()
	}))
	t.Cleanup(srv.Close)
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-arrived
		cancel()
	}()
	var out, errOut strings.Builder
	status := run(ctx, []string{"-base-url", srv.URL, "orders", "get", "X"}, func(k string) string { return map[string]string{"POLAR_TOKEN": "polar_cst_test"}[k] }, &out, &errOut)
	if status != 130 || errOut.String() != "polarportal: interrupted\n" {
		t.Errorf("status %d, stderr %q", status, errOut.String())
	}
}

// A closed pipe ends the command quietly with status 0: run as a child
// process whose standard output is closed after its first line.
func TestBrokenPipe(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a child process")
	}
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), "POLARPORTAL_RUN_MAIN=orders list -all -json", "POLAR_TOKEN=")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var errOut strings.Builder
	cmd.Stderr = &errOut
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	first, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || first != "[\n" {
		t.Fatalf("first line %q, %v", first, err)
	}
	stdout.Close() // 250 orders do not fit in the pipe: the child writes to a closed pipe
	err = cmd.Wait()
	if err != nil || strings.Contains(errOut.String(), "pipe") || strings.Contains(errOut.String(), "listing") {
		t.Errorf("after a closed pipe: %v, stderr %q", err, errOut.String())
	}
}

// With -json, a later page's error leaves a JSON array of the items
// before it.
func TestJSONBeforeALaterPageError(t *testing.T) {
	srv := pagedServer(t, "order.json")
	status, out, errOut := polarportal(t, map[string]string{"POLAR_TOKEN": "polar_cst_test"}, "-base-url", srv.URL, "orders", "list", "-all", "-json")
	var orders []polar.CustomerOrder
	if err := json.Unmarshal([]byte(out), &orders); status != 1 || err != nil || len(orders) != 1 || !strings.Contains(errOut, "page two is broken") {
		t.Errorf("status %d, %v, %d orders, stderr %q:\n%s", status, err, len(orders), errOut, out)
	}
}

// An organization token mints a session for the customer named by the
// organization's own ID, or for a member of a team.
func TestOrganizationTokenSessions(t *testing.T) {
	srv := polartest.NewTestServer(t, demoOptions...)
	env := map[string]string{"POLAR_TOKEN": polartest.DemoOrganizationToken, "POLAR_EXTERNAL_CUSTOMER_ID": polartest.DemoCustomerExternalID}
	status, out, errOut := polarportal(t, env, "-base-url", srv.URL, "sessions", "user", "-json")
	if status != 0 || !strings.Contains(out, polartest.DemoCustomerID) {
		t.Errorf("by external ID: status %d, stderr %q:\n%s", status, errOut, out)
	}
	status, _, errOut = polarportal(t, env, "-base-url", srv.URL, "-customer", polartest.DemoCustomerID, "sessions", "user")
	if status != 2 || !strings.Contains(errOut, "name the customer once") {
		t.Errorf("two customers: status %d, stderr %q", status, errOut)
	}
	delete(env, "POLAR_EXTERNAL_CUSTOMER_ID")
	status, out, errOut = polarportal(t, env, "-base-url", srv.URL, "-customer", polartest.DemoTeamID, "-member", polartest.DemoOwnerMemberID, "members", "list")
	if status != 0 || len(lines(out)) != 4 || !strings.Contains(out, "owner") {
		t.Errorf("a member session: status %d, stderr %q:\n%s", status, errOut, out)
	}
	// sessions create sends the organization token itself; Demo's
	// organization has the member model, so the session is a member's.
	status, out, errOut = polarportal(t, env, "-base-url", srv.URL, "sessions", "create", "-customer-id", polartest.DemoOtherCustomerID, "-json")
	var s polar.CustomerSession
	if err := json.Unmarshal([]byte(out), &s); status != 0 || err != nil || s.CustomerID != polartest.DemoOtherCustomerID || !strings.HasPrefix(s.Token, "polar_mst_") {
		t.Errorf("sessions create: status %d, %v, stderr %q:\n%s", status, err, errOut, out)
	}
}

// Every filter of every list has a flag, sent as its query parameter.
func TestEveryFilterIsSent(t *testing.T) {
	var query url.Values
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		query = r.URL.Query()
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"items":[],"pagination":{"total_count":0,"max_page":0},"seats":[],"available_seats":0,"total_seats":0}`)
	}))
	t.Cleanup(srv.Close)
	env := map[string]string{"POLAR_TOKEN": "polar_cst_test"}
	for _, c := range commands {
		if c.query == nil {
			continue
		}
		args := []string{"-base-url", srv.URL, c.service, c.verb}
		want := url.Values{}
		typ := reflect.TypeOf(c.query()).Elem()
		for i := range typ.NumField() {
			if typ == listOptionsType {
				break // page and limit only
			}
			name, _, _ := strings.Cut(typ.Field(i).Tag.Get("url"), ",")
			if name == "" || typ.Field(i).Anonymous {
				continue
			}
			switch typ.Field(i).Type.Kind() {
			case reflect.Pointer: // *bool
				args = append(args, "-"+flagName(name)+"=false")
				want[name] = []string{"false"}
			case reflect.Slice:
				args = append(args, "-"+flagName(name), "a,b", "-"+flagName(name), "c")
				want[name] = []string{"a", "b", "c"}
			default:
				args = append(args, "-"+flagName(name), "v")
				want[name] = []string{"v"}
			}
		}
		if c.list != nil {
			args = append(args, "-limit", "7", "-page", "3")
			want["limit"], want["page"] = []string{"7"}, []string{"3"}
		}
		query = nil
		if status, _, errOut := polarportal(t, env, args...); status != 0 {
			t.Errorf("%q: status %d, stderr %q", args, status, errOut)
			continue
		}
		if diff := cmp.Diff(want, query); diff != "" {
			t.Errorf("%s %s: query (-want +got):\n%s", c.service, c.verb, diff)
		}
	}
}
