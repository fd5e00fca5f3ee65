package polar

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// pagedOrders serves total orders with ids "order-1"..., honouring page and
// limit like Polar, and fails the page named in failPage with a 500.
func pagedOrders(total int, failPage int) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		page, _ := strconv.Atoi(q.Get("page"))
		limit, _ := strconv.Atoi(q.Get("limit"))
		if page == 0 {
			page = 1
		}
		if limit == 0 {
			limit = 10
		}
		if page == failPage {
			w.WriteHeader(500)
			return
		}
		var items []string
		for i := (page-1)*limit + 1; i <= min(page*limit, total); i++ {
			items = append(items, fmt.Sprintf(`{"id":"order-%d","created_at":"2026-01-01T00:00:00Z","items":[]}`, i))
		}
		maxPage := (total + limit - 1) / limit
		jsonAnswer(200, fmt.Sprintf(`{"items":[%s],"pagination":{"total_count":%d,"max_page":%d}}`,
			strings.Join(items, ","), total, maxPage))(w, r)
	}
}

func ids(t *testing.T, seq func(func(CustomerOrder, error) bool)) []string {
	t.Helper()
	var out []string
	for o, err := range seq {
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, o.ID)
	}
	return out
}

func orderIDs(from, to int) []string {
	var out []string
	for i := from; i <= to; i++ {
		out = append(out, fmt.Sprintf("order-%d", i))
	}
	return out
}

func TestAllWalksEveryPageInOrder(t *testing.T) {
	srv := newRecorder(t, pagedOrders(250, 0))
	c := newTestClient(t, srv, testToken)
	seq := c.Orders.All(bg(), nil)
	if n := srv.count(); n != 0 {
		t.Fatalf("%d requests before ranging", n)
	}
	if diff := cmp.Diff(orderIDs(1, 250), ids(t, seq)); diff != "" {
		t.Fatal(diff)
	}
	var pages []string
	for _, r := range srv.requests() {
		u, _ := url.Parse(r.RequestURI)
		pages = append(pages, u.Query().Get("page")+"/"+u.Query().Get("limit"))
	}
	if diff := cmp.Diff([]string{"1/100", "2/100", "3/100"}, pages); diff != "" {
		t.Fatalf("pages requested (-want +got):\n%s", diff)
	}
}

func TestAllKeepsCallerOptions(t *testing.T) {
	srv := newRecorder(t, pagedOrders(25, 0))
	c := newTestClient(t, srv, testToken)
	opts := &OrderListOptions{ListOptions: ListOptions{Page: 2, Limit: 10}, ProductID: []string{"p"}}
	want := *opts
	if diff := cmp.Diff(orderIDs(11, 25), ids(t, c.Orders.All(bg(), opts))); diff != "" {
		t.Fatal(diff)
	}
	if diff := cmp.Diff(&want, opts); diff != "" {
		t.Fatalf("options changed:\n%s", diff)
	}
	for _, r := range srv.requests() {
		if !strings.Contains(r.RequestURI, "product_id=p") {
			t.Fatalf("filter lost: %s", r.RequestURI)
		}
	}
	if n := srv.count(); n != 2 {
		t.Fatalf("%d requests, want pages 2 and 3", n)
	}
}

func TestAllStopsWhenCallerBreaks(t *testing.T) {
	srv := newRecorder(t, pagedOrders(1000, 0))
	c := newTestClient(t, srv, testToken)
	n := 0
	for _, err := range c.Orders.All(bg(), &OrderListOptions{ListOptions: ListOptions{Limit: 10}}) {
		if err != nil {
			t.Fatal(err)
		}
		if n++; n == 15 {
			break
		}
	}
	if got := srv.count(); got != 2 {
		t.Fatalf("%d requests for 15 items of 10 a page", got)
	}
}

func TestAllYieldsErrorOnce(t *testing.T) {
	srv := newRecorder(t, pagedOrders(50, 2))
	c := newTestClient(t, srv, testToken)
	var got []string
	errs := 0
	for o, err := range c.Orders.All(bg(), &OrderListOptions{ListOptions: ListOptions{Limit: 20}}) {
		if err != nil {
			errs++
			var apiErr *APIError
			if !errors.As(err, &apiErr) || apiErr.StatusCode != 500 {
				t.Fatalf("err = %v", err)
			}
			continue
		}
		got = append(got, o.ID)
	}
	if errs != 1 || len(got) != 20 {
		t.Fatalf("%d errors, %d items", errs, len(got))
	}
	if n := srv.count(); n != 2 {
		t.Fatalf("%d requests after the failure", n)
	}
}

func TestAllEmptyList(t *testing.T) {
	var calls atomic.Int32
	srv := newRecorder(t, func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		jsonAnswer(200, `{"items":[],"pagination":{"total_count":0,"max_page":0}}`)(w, r)
	})
	c := newTestClient(t, srv, testToken)
	if got := ids(t, c.Orders.All(bg(), nil)); len(got) != 0 || calls.Load() != 1 {
		t.Fatalf("%v after %d calls", got, calls.Load())
	}
}

func TestListOptionsValidate(t *testing.T) {
	for _, ok := range []ListOptions{{}, {Page: 1, Limit: 1}, {Page: 99, Limit: 100}} {
		if err := ok.validate(); err != nil {
			t.Errorf("%+v: %v", ok, err)
		}
	}
	for _, bad := range []ListOptions{{Limit: 101}, {Limit: -1}, {Page: -1}} {
		if err := bad.validate(); err == nil {
			t.Errorf("%+v accepted", bad)
		}
	}
}
