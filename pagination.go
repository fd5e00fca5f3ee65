package polar

import (
	"context"
	"fmt"
	"iter"
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
// is set, from the caller's Page on) and yields every item. Nothing is
// sent until the sequence is ranged over; it stops after the last page, at
// the first error (yielded once, with the zero item), or as soon as the
// caller breaks, and it leaves no goroutine behind.
func listAll[T, O any, PO interface {
	*O
	lister
}](ctx context.Context, opts PO, list func(context.Context, PO) (*Page[T], error)) iter.Seq2[T, error] {
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
		var zero T
		for {
			page, err := list(ctx, po)
			if err != nil {
				yield(zero, err)
				return
			}
			for _, item := range page.Items {
				if !yield(item, nil) {
					return
				}
			}
			if len(page.Items) == 0 || lo.Page >= page.Pagination.MaxPage {
				return
			}
			if ctx != nil && ctx.Err() != nil {
				yield(zero, fmt.Errorf("polar: listing: %w", ctx.Err()))
				return
			}
			lo.Page++
		}
	}
}
