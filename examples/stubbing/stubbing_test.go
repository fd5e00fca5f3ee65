package stubbing

import (
	"context"
	"testing"
	"time"

	polar "github.com/polarportal/polar-go"
)

// stubOrders stands in for the Orders service: embedding the interface
// satisfies it, and only Get, the one method OrderLine calls, is written.
type stubOrders struct {
	polar.OrdersService
	orders map[string]polar.CustomerOrder
}

func (s stubOrders) Get(_ context.Context, id string) (*polar.CustomerOrder, error) {
	if o, ok := s.orders[id]; ok {
		return &o, nil
	}
	return nil, &polar.APIError{StatusCode: 404, Name: "ResourceNotFound", Detail: "Not found"}
}

func TestOrderLine(t *testing.T) {
	retry := time.Date(2026, 8, 4, 12, 0, 0, 0, time.UTC)
	base, err := polar.NewClient("") // no request is ever sent
	if err != nil {
		t.Fatal(err)
	}
	base.Orders = stubOrders{orders: map[string]polar.CustomerOrder{
		"o1": {ID: "o1", Description: "Pro Monthly", TotalAmount: 1800, Currency: "usd", Status: polar.OrderStatusPaid, Paid: true},
		"o2": {ID: "o2", Description: "E-book", TotalAmount: 2280, Currency: "usd", Status: polar.OrderStatusPending, NextPaymentAttemptAt: &retry},
	}}

	for id, want := range map[string]string{
		"o1": "Pro Monthly: 18.00 USD (paid)",
		"o2": "E-book: 22.80 USD (pending, next payment attempt 2026-08-04)",
		"o3": "no such order",
	} {
		// OrderLine derives a client with WithToken: the stub stays.
		got, err := OrderLine(context.Background(), base, "polar_cst_any", id)
		if err != nil || got != want {
			t.Errorf("OrderLine(%s) = %q, %v; want %q", id, got, err, want)
		}
	}
}
