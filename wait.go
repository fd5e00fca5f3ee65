package polar

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Default poll intervals of WaitReceipt and WaitInvoice: a receipt or an
// invoice usually takes a few seconds to render, and each receipt poll
// that finds it not ready queues another render job on Polar's side.
const (
	DefaultPollMin = time.Second
	DefaultPollMax = 15 * time.Second
)

// A WaitOption configures WaitReceipt and WaitInvoice.
type WaitOption func(*waitConfig)

type waitConfig struct {
	min, max time.Duration
	// sleep waits d or until ctx ends; tests replace it.
	sleep func(ctx context.Context, d time.Duration) error
}

// WithPollInterval sets the first wait between two polls (minWait) and
// the longest (maxWait); waits double from one to the other, with jitter.
// A value of 0 or less keeps its default (DefaultPollMin,
// DefaultPollMax); a maxWait below minWait is raised to it.
func WithPollInterval(minWait, maxWait time.Duration) WaitOption {
	return func(c *waitConfig) {
		if minWait > 0 {
			c.min = minWait
		}
		if maxWait > 0 {
			c.max = maxWait
		}
	}
}

// WaitReceipt asks for an order's receipt until it is rendered and returns
// it. While Orders.Receipt answers ErrNotReady it waits, with backoff and
// jitter (see WithPollInterval), and asks again; any other error ends the
// wait at once and is returned as is (the client has already retried
// transient failures of each call). When ctx ends first, the error matches
// both ctx.Err() and ErrNotReady.
//
// An order without a receipt number fails with ErrReceiptNotAllocated at
// the first poll. orders is usually Client.Orders; any OrdersService will
// do, such as a stub.
func WaitReceipt(ctx context.Context, orders OrdersService, id string, opts ...WaitOption) (*CustomerOrderReceipt, error) {
	if orders == nil {
		return nil, fmt.Errorf("polar: waiting for a receipt: %w: nil OrdersService", ErrInvalidArgument)
	}
	return poll(ctx, "receipt", id, opts, orders.Receipt, func(err error) bool { return errors.Is(err, ErrNotReady) })
}

// WaitInvoice asks for an order's invoice until it exists and returns it.
// While Orders.Invoice answers ErrInvoiceDoesNotExist it waits, with
// backoff and jitter (see WithPollInterval), and asks again; any other
// error ends the wait at once and is returned as is. When ctx ends first,
// the error matches both ctx.Err() and ErrInvoiceDoesNotExist.
//
// WaitInvoice only reads: it never calls Orders.GenerateInvoice, which
// makes a permanent document. Call GenerateInvoice once first (after
// setting the billing details), then wait:
//
//	if err := client.Orders.GenerateInvoice(ctx, id); err != nil { ... }
//	invoice, err := polar.WaitInvoice(ctx, client.Orders, id)
//
// Without that call the invoice never comes and the wait lasts until ctx
// ends, so give ctx a deadline.
func WaitInvoice(ctx context.Context, orders OrdersService, id string, opts ...WaitOption) (*CustomerOrderInvoice, error) {
	if orders == nil {
		return nil, fmt.Errorf("polar: waiting for an invoice: %w: nil OrdersService", ErrInvalidArgument)
	}
	return poll(ctx, "invoice", id, opts, orders.Invoice, func(err error) bool { return errors.Is(err, ErrInvoiceDoesNotExist) })
}

// poll calls get until it returns anything but a not-ready error, waiting
// expBackoff between calls.
func poll[T any](ctx context.Context, what, id string, opts []WaitOption, get func(context.Context, string) (T, error), notReady func(error) bool) (T, error) {
	var zero T
	if ctx == nil {
		return zero, errNilContext
	}
	cfg := waitConfig{min: DefaultPollMin, max: DefaultPollMax, sleep: sleepCtx}
	for _, o := range opts {
		if o != nil {
			o(&cfg)
		}
	}
	cfg.max = max(cfg.max, cfg.min)
	var last error // the last not-ready answer
	ended := func(polls int, ctxErr error) error {
		return fmt.Errorf("polar: waiting for the %s of order %s: %w, after %d polls: %w", what, id, ctxErr, polls, last)
	}
	for attempt := 0; ; attempt++ {
		v, err := get(ctx, id)
		switch {
		case err == nil:
			return v, nil
		case !notReady(err):
			if ctxErr := ctx.Err(); ctxErr != nil && last != nil {
				return zero, ended(attempt+1, ctxErr) // the context ended during a poll
			}
			return zero, err
		}
		last = err
		if serr := cfg.sleep(ctx, expBackoff(cfg.min, cfg.max, attempt)); serr != nil {
			return zero, ended(attempt+1, serr)
		}
	}
}

// sleepCtx waits d, or until ctx ends with its error.
func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
