package polar

import (
	"context"
	"fmt"
	"iter"
	"math"
	"reflect"
	"slices"
	"sync"
)

// MaxLimit is the largest page size the API serves.
const MaxLimit = 100

// Page is one page of a list: the API's ListResource.
type Page[T any] struct {
	// Items are the page's items, in the order the server sorted them.
	Items []T `json:"items"`
	// Pagination tells how many items and pages the whole list has.
	Pagination Pagination `json:"pagination"`
}

// Pagination tells how many items and pages a list has in all.
type Pagination struct {
	// TotalCount is the number of items of the whole list.
	TotalCount int `json:"total_count"`
	// MaxPage is the number of the last page at the requested page size.
	MaxPage int `json:"max_page"`
}

// ListOptions selects a page. It is embedded in every list's options.
//
// Polar pages by number, so a list that changes while an All walk reads
// it shifts under the walk. An item created ahead of the walk's position
// (a new order during a newest-first walk) pushes the items after it one
// place on, so the first item of the next page is one the walk has just
// yielded: All drops, by ID, an item that the previous page had, and
// yields each such item once. An item deleted behind the walk's position
// pulls the items after it one place back, so the walk skips one item;
// All cannot see that. To walk a list that is changing, sort it oldest
// first where the options allow (such as CustomerOrderSortPropertyCreatedAt):
// new items then land at the end, where the walk finds them, and only
// deletions can still skip an item.
type ListOptions struct {
	// Page is the page number, from 1; 0 means the first page.
	Page int `url:"page,omitempty"`
	// Limit is the page size, at most 100; 0 means the server's default
	// (10) for List and 100 for All.
	Limit int `url:"limit,omitempty"`
}

// listOptions lets the request path and the iterator reach the embedded
// ListOptions of any options struct.
func (o *ListOptions) listOptions() *ListOptions { return o }

type lister interface{ listOptions() *ListOptions }

func (o *ListOptions) validate() error {
	if o.Limit < 0 || o.Limit > MaxLimit {
		return fmt.Errorf("ListOptions.Limit must be within 0..%d, got %d", MaxLimit, o.Limit)
	}
	if o.Page < 0 {
		return fmt.Errorf("ListOptions.Page must not be negative, got %d", o.Page)
	}
	return nil
}

// listAll is the one iterator behind every All method. It pages through a
// list with a copy of the caller's options (100 items a page unless Limit
// is set, from the caller's Page on) and yields every item in order.
// Nothing is sent until the sequence is ranged over; it stops after the
// last page, at the first error (yielded once, with the zero item, after
// the items of the pages before it), or as soon as the caller breaks, and
// it leaves no goroutine behind.
//
// With WithPrefetch(n), up to n pages after the one being yielded are
// fetched concurrently once the first page has told how many there are;
// pages past max_page are never requested, and a break cancels those in
// flight.
//
// The walk follows a max_page that grows while it runs (items added
// meanwhile), but only so far: a page whose max_page passes what the first
// page announced by more than maxPageGrowth ends the walk with an error
// after its items, so a list that grows as fast as it is read, or a server
// that misreports it, cannot keep a walk going forever. An empty page ends
// the walk too.
//
// An item whose ID the previous page had is not yielded again (see
// ListOptions): only the previous page's IDs are kept, so memory stays at
// one page's worth.
func listAll[T, O any, PO interface {
	*O
	lister
}](ctx context.Context, c *Client, opts PO, list func(context.Context, PO) (*Page[T], error)) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var o O
		if opts != nil {
			o = *opts
		}
		po := PO(&o)
		lo := po.listOptions()
		if lo.Limit == 0 {
			lo.Limit = MaxLimit
		}
		if lo.Page == 0 {
			lo.Page = 1
		}
		w := walk[T, O, PO]{ctx: ctx, opts: o, list: list, yield: yield, id: itemIDFunc[T]()}
		if ctx != nil {
			w.resp, _ = ctx.Value(responseKey{}).(*Response)
		}
		if c != nil && c.core.prefetch > 0 && ctx != nil {
			w.prefetch(c.core.prefetch)
			return
		}
		w.lazy()
	}
}

// A walk is one run of an All iterator.
type walk[T, O any, PO interface {
	*O
	lister
}] struct {
	ctx   context.Context
	opts  O // Page and Limit set
	list  func(context.Context, PO) (*Page[T], error)
	yield func(T, error) bool

	firstMax int // the max_page of the first page
	lastPage int // the last page the walk may request
	// resp is the caller's WithResponse target, if any. Each page is
	// fetched with a Response of its own, copied into resp on the ranging
	// goroutine when the page's items or error are yielded.
	resp *Response

	// id reads an item's ID; nil when T has none. prev holds the IDs of
	// the page yielded last, cur those of the page being yielded.
	id        func(*T) string
	prev, cur []string
}

// maxPageGrowth is how many pages a walk follows past the first page's
// max_page, at least: a walk follows a list that grows up to twice the
// pages it had, or by this many.
const maxPageGrowth = 16

// bound sets the last page the walk may request from the first page's
// max_page.
func (w *walk[T, O, PO]) bound(first *Page[T]) {
	m := max(first.Pagination.MaxPage, 0)
	w.firstMax = m
	w.lastPage = m + max(m, maxPageGrowth)
	if w.lastPage < m { // overflow: a max_page near the largest int
		w.lastPage = math.MaxInt
	}
}

// outgrown reports, with the error to yield, whether page (number n) has
// a max_page past the walk's bound.
func (w *walk[T, O, PO]) outgrown(page *Page[T], n int) error {
	if page.Pagination.MaxPage <= w.lastPage {
		return nil
	}
	return fmt.Errorf("polar: %s: listing: max_page grew from %d on the first page to %d on page %d, past the %d pages a walk follows: the list grows faster than it is read, or the server misreports it",
		w.operation(), w.firstMax, page.Pagination.MaxPage, n, w.lastPage)
}

// operation names the list operation of the walk, such as
// "GET /v1/customer-portal/orders/", by its options and page types.
func (w *walk[T, O, PO]) operation() string {
	q, r := reflect.TypeFor[O](), reflect.TypeFor[*Page[T]]()
	for _, op := range registry {
		if op.query == q && op.result == r {
			return op.method + " " + op.path
		}
	}
	return fmt.Sprintf("listing %v", reflect.TypeFor[T]())
}

// fetch fetches one page.
func (w *walk[T, O, PO]) fetch(ctx context.Context, po PO) fetched[T] {
	if w.resp == nil {
		page, err := w.list(ctx, po)
		return fetched[T]{page: page, err: err}
	}
	r := new(Response)
	page, err := w.list(WithResponse(ctx, r), po)
	return fetched[T]{page: page, err: err, resp: r}
}

// show makes r's answer the caller's Response.
func (w *walk[T, O, PO]) show(r fetched[T]) {
	if w.resp != nil && r.resp != nil {
		*w.resp = *r.resp
	}
}

// emit yields the items of r's page, but those the previous page had (by
// ID), and reports whether the walk goes on.
func (w *walk[T, O, PO]) emit(r fetched[T]) bool {
	w.show(r)
	page := r.page
	if w.id == nil {
		for _, item := range page.Items {
			if !w.yield(item, nil) {
				return false
			}
		}
		return len(page.Items) > 0
	}
	// A linear scan of at most 100 IDs costs less than a map, and the two
	// slices are reused from page to page.
	w.cur = w.cur[:0]
	for i := range page.Items {
		item := &page.Items[i]
		if id := w.id(item); id != "" {
			w.cur = append(w.cur, id)
			if slices.Contains(w.prev, id) {
				continue // shifted here by an item created before it
			}
		}
		if !w.yield(*item, nil) {
			return false
		}
	}
	w.prev, w.cur = w.cur, w.prev
	return len(page.Items) > 0
}

// idIndexes caches, by item type, the index of its string ID field, or
// nil for a type without one.
var idIndexes sync.Map // reflect.Type -> []int

// idIndex returns the index path (for reflect.Value.FieldByIndex) of the
// string field ID of struct type t, through embedded structs but not
// embedded pointers, or false when it has none.
func idIndex(t reflect.Type) ([]int, bool) {
	if v, ok := idIndexes.Load(t); ok {
		idx := v.([]int)
		return idx, idx != nil
	}
	var idx []int
	if t.Kind() == reflect.Struct {
		if f, ok := t.FieldByName("ID"); ok && f.Type.Kind() == reflect.String && f.IsExported() {
			idx = f.Index
			for i := range len(f.Index) - 1 {
				if t.FieldByIndex(f.Index[:i+1]).Type.Kind() != reflect.Struct {
					idx = nil // through a pointer, which may be nil
					break
				}
			}
		}
	}
	idIndexes.Store(t, idx)
	return idx, idx != nil
}

// unionID returns the ID of a list item of a union type from its common
// fields, or "" for an unknown variant (whose fields are only in Raw).
func unionID(v any) string {
	switch v := v.(type) {
	case CustomerBenefitGrant:
		if c := v.Common(); c != nil {
			return c.ID
		}
	case CustomerPaymentMethod:
		if b := v.Common(); b != nil {
			return b.ID
		}
	}
	return ""
}

// itemIDFunc returns the function that reads the ID of a list item of
// type T, or nil when T has no ID.
func itemIDFunc[T any]() func(*T) string {
	t := reflect.TypeFor[T]()
	if t.Kind() == reflect.Interface {
		return func(p *T) string { return unionID(*p) }
	}
	idx, ok := idIndex(t)
	if !ok {
		return nil
	}
	return func(p *T) string { return reflect.ValueOf(p).Elem().FieldByIndex(idx).String() }
}

func (w *walk[T, O, PO]) fail(err error) {
	var zero T
	w.yield(zero, err)
}

// lazy fetches one page at a time, each once the previous one is yielded.
func (w *walk[T, O, PO]) lazy() {
	po := PO(&w.opts)
	lo := po.listOptions()
	start := lo.Page
	for {
		r := w.fetch(w.ctx, po)
		if r.err != nil {
			w.show(r)
			w.fail(r.err)
			return
		}
		if lo.Page == start {
			w.bound(r.page)
		}
		if !w.emit(r) || lo.Page >= r.page.Pagination.MaxPage {
			return
		}
		if err := w.outgrown(r.page, lo.Page); err != nil {
			w.fail(err)
			return
		}
		if w.ctx != nil && w.ctx.Err() != nil {
			w.fail(fmt.Errorf("polar: listing: %w", w.ctx.Err()))
			return
		}
		lo.Page++
	}
}

// fetched is the outcome of one prefetched page.
type fetched[T any] struct {
	page *Page[T]
	err  error
	resp *Response // with WithResponse only
}

// prefetch fetches the first page, then keeps up to n of the following
// pages in flight while yielding in order.
func (w *walk[T, O, PO]) prefetch(n int) {
	first := w.fetch(w.ctx, PO(&w.opts))
	if first.err != nil {
		w.show(first)
		w.fail(first.err)
		return
	}
	start := PO(&w.opts).listOptions().Page
	w.bound(first.page)
	maxPage := first.page.Pagination.MaxPage
	if !w.emit(first) || start >= maxPage {
		return
	}

	ctx, cancel := context.WithCancel(w.ctx)
	var wg sync.WaitGroup
	defer func() {
		cancel()
		wg.Wait() // cancelled requests return at once
	}()
	var pending []chan fetched[T] // in page order
	next := start + 1
	fill := func() {
		for ; next <= maxPage && len(pending) < n; next++ {
			o := w.opts
			PO(&o).listOptions().Page = next
			ch := make(chan fetched[T], 1)
			pending = append(pending, ch)
			wg.Go(func() { ch <- w.fetch(ctx, PO(&o)) })
		}
	}
	fill()
	for n := start + 1; len(pending) > 0; n++ {
		r := <-pending[0]
		pending = pending[1:]
		if r.err != nil {
			w.show(r)
			w.fail(r.err)
			return
		}
		if len(r.page.Items) == 0 {
			return
		}
		grown := w.outgrown(r.page, n)
		if grown == nil {
			maxPage = max(maxPage, r.page.Pagination.MaxPage)
			fill() // the next pages travel while this one is consumed
		}
		if !w.emit(r) {
			return
		}
		if grown != nil {
			w.fail(grown)
			return
		}
	}
}
