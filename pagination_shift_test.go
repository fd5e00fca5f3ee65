package polar

import (
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// headInserting serves a newest-first list of orders "o1".."o<total>"
// (the newest, highest, first) and, after answering each page, creates
// a new order at the head, as a customer buying during a walk does.
func headInserting(total int) http.HandlerFunc {
	var mu sync.Mutex
	list := make([]string, 0, total)
	for i := total; i >= 1; i-- {
		list = append(list, fmt.Sprintf("o%d", i))
	}
	created := 0
	return func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		page, _ := strconv.Atoi(r.URL.Query().Get("page"))
		limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
		var items []string
		for _, id := range list[min((page-1)*limit, len(list)):min(page*limit, len(list))] {
			items = append(items, fmt.Sprintf(`{"id":%q,"created_at":"2026-01-01T00:00:00Z","items":[]}`, id))
		}
		jsonAnswer(200, fmt.Sprintf(`{"items":[%s],"pagination":{"total_count":%d,"max_page":%d}}`,
			strings.Join(items, ","), len(list), (len(list)+limit-1)/limit))(w, r)
		created++
		list = slices.Insert(list, 0, fmt.Sprintf("new%d", created))
	}
}

// TestAllDropsItemsShiftedByACreation walks a newest-first list that gets
// a new order at its head between page requests: each such order pushes
// the last item of a page onto the next one, and All yields it only once.
func TestAllDropsItemsShiftedByACreation(t *testing.T) {
	var want []string
	for i := 25; i >= 1; i-- {
		want = append(want, fmt.Sprintf("o%d", i))
	}
	for _, prefetch := range []int{0, 1} {
		t.Run(fmt.Sprintf("prefetch %d", prefetch), func(t *testing.T) {
			srv := newRecorder(t, headInserting(25))
			var opts []Option
			if prefetch > 0 {
				opts = append(opts, WithPrefetch(prefetch))
			}
			c := newTestClient(t, srv, testToken, opts...)
			got := ids(t, c.Orders.All(bg(), &OrderListOptions{ListOptions: ListOptions{Limit: 10}}))
			if !slices.Equal(got, want) {
				t.Errorf("walk yielded\n %v\nwant each order once:\n %v", got, want)
			}
			if srv.count() != 3 {
				t.Errorf("%d requests, want 3", srv.count())
			}
		})
	}
}

// TestAllKeepsItemsWithoutID checks that items whose ID is unknown (here
// empty) are never dropped, and that an item repeated beyond the previous
// page is yielded again: only the previous page is remembered.
func TestAllKeepsItemsWithoutID(t *testing.T) {
	pages := map[string]string{
		"1": `{"items":[{"id":"a"},{"id":""},{"id":"b"}],"pagination":{"total_count":9,"max_page":3}}`,
		"2": `{"items":[{"id":"b"},{"id":""},{"id":"c"}],"pagination":{"total_count":9,"max_page":3}}`,
		"3": `{"items":[{"id":"a"},{"id":"c"},{"id":"d"}],"pagination":{"total_count":9,"max_page":3}}`,
	}
	srv := newRecorder(t, func(w http.ResponseWriter, r *http.Request) {
		jsonAnswer(200, pages[r.URL.Query().Get("page")])(w, r)
	})
	c := newTestClient(t, srv, testToken)
	got := ids(t, c.Orders.All(bg(), &OrderListOptions{ListOptions: ListOptions{Limit: 3}}))
	if want := []string{"a", "", "b", "", "c", "a", "d"}; !slices.Equal(got, want) {
		t.Errorf("walk yielded %q, want %q", got, want)
	}
}

// TestEveryListItemHasAnID checks that All can tell the items of every
// list operation apart: a string ID field, or a union with its common
// fields.
func TestEveryListItemHasAnID(t *testing.T) {
	unions := []reflect.Type{reflect.TypeFor[CustomerBenefitGrant](), reflect.TypeFor[CustomerPaymentMethod]()}
	n := 0
	for _, op := range registry {
		if op.result == nil || op.result.Kind() != reflect.Pointer || op.result.Elem().Name() == "" ||
			!strings.HasPrefix(op.result.Elem().Name(), "Page[") {
			continue
		}
		n++
		item := op.result.Elem().Field(0).Type.Elem()
		if item.Kind() == reflect.Interface {
			if !slices.Contains(unions, item) {
				t.Errorf("%s: union %v has no case in unionID", op.id, item)
			}
			continue
		}
		if _, ok := idIndex(item); !ok {
			t.Errorf("%s: %v has no string ID field", op.id, item)
		}
	}
	if n < 10 {
		t.Errorf("found %d list operations, want at least 10", n)
	}
}

// TestUnionIDs reads the IDs of union items, and none of unknown variants.
func TestUnionIDs(t *testing.T) {
	grant := CustomerBenefitGrant(&CustomerBenefitGrantCustom{})
	grant.Common().ID = "g1"
	if got := unionID(grant); got != "g1" {
		t.Errorf("grant ID = %q", got)
	}
	if got := unionID(CustomerBenefitGrant(&CustomerBenefitGrantUnknown{})); got != "" {
		t.Errorf("unknown grant ID = %q", got)
	}
	card := CustomerPaymentMethod(&PaymentMethodCard{})
	card.Common().ID = "pm1"
	if got := unionID(card); got != "pm1" {
		t.Errorf("payment method ID = %q", got)
	}
	if got := unionID(CustomerPaymentMethod(&CustomerPaymentMethodUnknown{})); got != "" {
		t.Errorf("unknown payment method ID = %q", got)
	}
	if got := unionID(nil); got != "" {
		t.Errorf("nil ID = %q", got)
	}
}
