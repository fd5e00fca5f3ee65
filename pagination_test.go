package polar

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

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

// idsAndErrors ranges over seq, keeping the IDs of the orders and the
// errors it yields; an order yielded after an error fails the test.
func idsAndErrors(t *testing.T, seq func(func(CustomerOrder, error) bool)) ([]string, []error) {
	t.Helper()
	var got []string
	var errs []error
	for o, err := range seq {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if len(errs) > 0 {
			t.Fatalf("item %s after the error", o.ID)
		}
		got = append(got, o.ID)
	}
	return got, errs
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

// pageOf returns the page a list request asks for.
func pageOf(r *http.Request) int {
	p, _ := strconv.Atoi(r.URL.Query().Get("page"))
	return max(p, 1)
}

func TestPrefetchKeepsOrder(t *testing.T) {
	// Page 2 answers only once pages 3 and 4 were asked for: they arrive
	// before it, and their items must still come after its own.
	var asked [6]chan struct{}
	for i := range asked {
		asked[i] = make(chan struct{})
	}
	serve := pagedOrders(500, 0)
	srv := newRecorder(t, func(w http.ResponseWriter, r *http.Request) {
		p := pageOf(r)
		close(asked[p])
		if p == 2 {
			<-asked[3]
			<-asked[4]
		}
		serve(w, r)
	})
	c := newTestClient(t, srv, testToken, WithPrefetch(3))
	if diff := cmp.Diff(orderIDs(1, 500), ids(t, c.Orders.All(bg(), nil))); diff != "" {
		t.Fatal(diff)
	}
	if n := srv.count(); n != 5 {
		t.Fatalf("%d requests for 5 pages", n)
	}
}

func TestPrefetchNeverPassesMaxPage(t *testing.T) {
	srv := newRecorder(t, pagedOrders(250, 0))
	c := newTestClient(t, srv, testToken, WithPrefetch(8))
	if diff := cmp.Diff(orderIDs(51, 250), ids(t, c.Orders.All(bg(), &OrderListOptions{ListOptions: ListOptions{Page: 2, Limit: 50}}))); diff != "" {
		t.Fatal(diff)
	}
	var pages []int
	for _, r := range srv.requests() {
		u, _ := url.Parse(r.RequestURI)
		p, _ := strconv.Atoi(u.Query().Get("page"))
		pages = append(pages, p)
	}
	slices.Sort(pages)
	if diff := cmp.Diff([]int{2, 3, 4, 5}, pages); diff != "" {
		t.Fatalf("pages requested (-want +got):\n%s", diff)
	}
}

func TestPrefetchBreakCancelsPagesInFlight(t *testing.T) {
	cancelled := make(chan int, 8)
	serve := pagedOrders(1000, 0)
	srv := newRecorder(t, func(w http.ResponseWriter, r *http.Request) {
		if p := pageOf(r); p >= 3 {
			<-r.Context().Done() // hangs until the client gives up
			cancelled <- p
			return
		}
		serve(w, r)
	})
	c := newTestClient(t, srv, testToken, WithPrefetch(2))
	for o, err := range c.Orders.All(bg(), nil) {
		if err != nil {
			t.Fatal(err)
		}
		if o.ID == "order-101" { // the first item of page 2
			break
		}
	}
	// Pages 2 and 3 were in flight when page 1 was yielded; page 4 went
	// out when page 2 arrived. Pages 3 and 4 may have been cancelled before
	// reaching the server. Nothing else is requested, and every page that
	// was still in flight at the server is cancelled.
	reached := map[int]bool{}
	for _, r := range srv.requests() {
		u, _ := url.Parse(r.RequestURI)
		p, _ := strconv.Atoi(u.Query().Get("page"))
		reached[max(p, 1)] = true
	}
	hanging := 0
	for p := range reached {
		switch {
		case p > 4:
			t.Fatalf("page %d requested: %v", p, reached)
		case p >= 3:
			hanging++
		}
	}
	if !reached[1] || !reached[2] {
		t.Fatalf("pages requested: %v", reached)
	}
	for range hanging {
		select {
		case <-cancelled:
		case <-time.After(10 * time.Second):
			t.Fatal("a page in flight was not cancelled")
		}
	}
}

func TestPrefetchErrorComesAfterEarlierPages(t *testing.T) {
	srv := newRecorder(t, func(w http.ResponseWriter, r *http.Request) {
		if pageOf(r) == 3 {
			jsonAnswer(404, `{"error":"ResourceNotFound","detail":"gone"}`)(w, r)
			return
		}
		pagedOrders(1000, 0)(w, r)
	})
	c := newTestClient(t, srv, testToken, WithPrefetch(4))
	got, errs := idsAndErrors(t, c.Orders.All(bg(), nil))
	if diff := cmp.Diff(orderIDs(1, 200), got); diff != "" {
		t.Fatal(diff)
	}
	if len(errs) != 1 || !errors.Is(errs[0], ErrResourceNotFound) {
		t.Fatalf("errors %v", errs)
	}
}

func TestWithPrefetchRejectsBadDepth(t *testing.T) {
	for _, n := range []int{-1, 65} {
		if _, err := NewClient("", WithPrefetch(n)); err == nil {
			t.Errorf("WithPrefetch(%d) accepted", n)
		}
	}
}

// growingOrders serves one order a page and a max_page one past the page
// asked for, up to page 500: a list that grows as fast as it is walked.
func growingOrders(w http.ResponseWriter, r *http.Request) {
	p := pageOf(r)
	maxPage := min(p+1, 500)
	jsonAnswer(200, fmt.Sprintf(`{"items":[{"id":"order-%d","created_at":"2026-01-01T00:00:00Z","items":[]}],"pagination":{"total_count":%d,"max_page":%d}}`,
		p, maxPage, maxPage))(w, r)
}

// A max_page that grows on every page is followed only up to what the
// first page announced (2) plus the margin (16 pages): the walk then ends
// with one error naming the operation, after a bounded number of requests.
func TestAllStopsFollowingAGrowingMaxPage(t *testing.T) {
	for _, prefetch := range []int{0, 4} {
		t.Run(fmt.Sprint("prefetch ", prefetch), func(t *testing.T) {
			srv := newRecorder(t, growingOrders)
			c := newTestClient(t, srv, testToken, WithPrefetch(prefetch))
			got, errs := idsAndErrors(t, c.Orders.All(bg(), nil))
			if diff := cmp.Diff(orderIDs(1, 18), got); diff != "" {
				t.Errorf("items (-want +got):\n%s", diff)
			}
			if len(errs) != 1 {
				t.Fatalf("errors %v", errs)
			}
			msg := errs[0].Error()
			for _, want := range []string{"GET /v1/customer-portal/orders/", "max_page", "19", "page 18"} {
				if !strings.Contains(msg, want) {
					t.Errorf("error %q does not say %q", msg, want)
				}
			}
			if n := srv.count(); n != 18 {
				t.Errorf("%d requests, want 18", n)
			}
		})
	}
}

// A list that grows within the margin while it is walked is followed to
// its new end, and the error names the list of each service.
func TestAllFollowsAMaxPageThatGrowsWithinTheMargin(t *testing.T) {
	for _, prefetch := range []int{0, 3} {
		srv := newRecorder(t, func(w http.ResponseWriter, r *http.Request) {
			p := pageOf(r)
			jsonAnswer(200, fmt.Sprintf(`{"items":[{"id":"order-%d","created_at":"2026-01-01T00:00:00Z","items":[]}],"pagination":{"total_count":%d,"max_page":%d}}`,
				p, min(p+3, 18), min(p+3, 18)))(w, r)
		})
		c := newTestClient(t, srv, testToken, WithPrefetch(prefetch))
		if diff := cmp.Diff(orderIDs(1, 18), ids(t, c.Orders.All(bg(), nil))); diff != "" {
			t.Errorf("prefetch %d (-want +got):\n%s", prefetch, diff)
		}
	}
	srv := newRecorder(t, func(w http.ResponseWriter, r *http.Request) {
		p := pageOf(r)
		maxPage := min(p+1, 500)
		jsonAnswer(200, fmt.Sprintf(`{"items":[{"id":"00000000-0000-4000-8000-%012d","created_at":"2026-01-01T00:00:00Z","modified_at":null,"label":"x","balance":0,"currency":"usd","customer_id":"c"}],"pagination":{"total_count":%d,"max_page":%d}}`,
			p, maxPage, maxPage))(w, r)
	})
	c := newTestClient(t, srv, testToken)
	var last error
	for _, err := range c.Wallets.All(bg(), nil) {
		last = err
	}
	if last == nil || !strings.Contains(last.Error(), "GET /v1/customer-portal/wallets/") {
		t.Errorf("wallets: %v", last)
	}
}
