package main

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	polar "github.com/polarportal/polar-go"
	"github.com/polarportal/polar-go/polartest"
)

func noEnv(string) string { return "" }

// quickstart runs the quickstart on the Demo data as `go run` does.
func quickstart(t *testing.T) (string, error) {
	t.Helper()
	var out bytes.Buffer
	cfg, stop, err := configure(false, noEnv, &out)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	err = run(context.Background(), cfg, &out)
	return out.String(), err
}

func TestQuickstart(t *testing.T) {
	before := time.Now()
	got, err := quickstart(t)
	// The Demo data are written at the server's clock: the newest order
	// was made a day before the run (which may have crossed midnight).
	yesterday := func(t time.Time) string { return "  " + t.UTC().Add(-24*time.Hour).Format("2006-01-02") + "  paid " }
	newest := yesterday(before)
	if !strings.Contains(got, newest) {
		newest = yesterday(time.Now())
	}
	paid := 0
	for _, o := range polartest.Demo().Orders {
		if o.CustomerID == polartest.DemoCustomerID && o.Paid {
			paid++
		}
	}
	// What the orders part prints, then the rest.
	orders := []string{
		"No POLAR_TOKEN: talking to polartest's fake server (Demo data) on the loopback interface.\n",
		"Customer session for Alice Martin <alice@example.com> (the next request reuses it: true)\n",
		fmt.Sprintf("\nNewest orders (5 of %d, page 1 of %d):\n", polartest.DemoOrderCount, (polartest.DemoOrderCount+4)/5),
		newest,
		fmt.Sprintf("All orders: %d, of which %d paid\n", polartest.DemoOrderCount, paid),
		fmt.Sprintf("Order %s: \"Pro Monthly\", 1 line item(s), paid true (HTTP 200, API version %s)\n", polartest.DemoOrderID, polar.DefaultAPIVersion),
	}
	rest := []string{
		"\nSubscriptions (7):\n",
		"\nLicense key ****-AAAA (validated without a token): granted, at most 3 activations, ",
	}
	checkInOrder := func(want []string) {
		t.Helper()
		s := got
		for _, w := range want {
			i := strings.Index(s, w)
			if i < 0 {
				t.Fatalf("output lacks %q (in this order):\n%s", w, got)
			}
			s = s[i+len(w):]
		}
	}
	if err != nil {
		t.Fatalf("%v; output:\n%s", err, got)
	}
	checkInOrder(append(orders, rest...))
	// Alice has a subscription in every status; the list leaves out those
	// that never started (incomplete ones), as Polar's does.
	for _, status := range []string{"active", "trialing", "past_due", "canceled", "unpaid", "paused"} {
		if !strings.Contains(got, "\n  "+status+" ") {
			t.Errorf("no %s subscription:\n%s", status, got)
		}
	}
	if n := strings.Count(got, "\n"); n > 25 {
		t.Errorf("the output has %d lines: keep it short", n)
	}

	// A fresh server answers the same: the output is deterministic.
	if again, err := quickstart(t); err != nil || again != got {
		t.Errorf("a second run differs (%v):\n%s\nfirst:\n%s", err, again, got)
	}
}

func TestQuickstartRealAPIConfig(t *testing.T) {
	env := func(vars map[string]string) func(string) string {
		return func(k string) string { return vars[k] }
	}
	var out bytes.Buffer
	if _, _, err := configure(false, env(map[string]string{"POLAR_TOKEN": "polar_oat_x"}), &out); err == nil || !strings.Contains(err.Error(), "POLAR_CUSTOMER_ID") {
		t.Errorf("POLAR_TOKEN without POLAR_CUSTOMER_ID: %v", err)
	}
	vars := map[string]string{"POLAR_TOKEN": "polar_oat_x", "POLAR_CUSTOMER_ID": "c", "POLAR_LICENSE_KEY": "K", "POLAR_ORGANIZATION_ID": "o"}
	for _, sandbox := range []bool{false, true} {
		cfg, stop, err := configure(sandbox, env(vars), &out)
		if err != nil {
			t.Fatal(err)
		}
		stop()
		want := polar.Production
		if sandbox {
			want = polar.Sandbox
		}
		if cfg.base.Environment() != want || cfg.orgToken != "polar_oat_x" || cfg.customerID != "c" || cfg.licenseKey != "K" || cfg.organizationID != "o" {
			t.Errorf("sandbox %v: %+v, environment %v", sandbox, cfg, cfg.base.Environment())
		}
	}
	if out.Len() != 0 {
		t.Errorf("configure printed %q for the real API", out.String())
	}
}
