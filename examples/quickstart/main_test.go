package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	polar "github.com/polarportal/polar-go"
	"github.com/polarportal/polar-go/internal/fixtures"
)

func TestQuickstart(t *testing.T) {
	srv := fixtures.NewOrdersServer()
	defer srv.Close()
	client, err := polar.NewClient("", polar.WithBaseURL(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := run(context.Background(), client, &out); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	var ids []string
	for _, name := range []string{"orders_page1.json", "orders_page2.json"} {
		var page polar.Page[polar.CustomerOrder]
		if err := json.Unmarshal(fixtures.Bytes(name), &page); err != nil {
			t.Fatal(err)
		}
		for _, o := range page.Items {
			ids = append(ids, o.ID)
		}
	}
	if len(ids) != 5 {
		t.Fatalf("fixtures hold %d orders", len(ids))
	}
	for _, id := range ids {
		if strings.Count(got, id) < 1 {
			t.Errorf("order %s missing from the table:\n%s", id, got)
		}
	}
	for _, want := range []string{"First page: 3 of 5 orders, 2 pages", "\nOrder " + ids[0], "HTTP 200, API version 2026-10"} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
}
