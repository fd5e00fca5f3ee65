package polar_test

import (
	"context"
	"errors"
	"fmt"
	"iter"

	polar "github.com/polarportal/polar-go"
	"github.com/polarportal/polar-go/polartest"
)

// dueTotal is code under test: it takes the service it calls, an
// interface, rather than a *polar.Client.
func dueTotal(ctx context.Context, orders polar.OrdersService) (int64, error) {
	var total int64
	for order, err := range orders.All(ctx, nil) {
		if err != nil {
			return 0, fmt.Errorf("listing orders: %w", err)
		}
		if !order.Paid {
			total += order.DueAmount
		}
	}
	return total, nil
}

// stubOrders embeds the interface and overrides the one method dueTotal
// calls; calling any other would panic, which shows a test what it missed.
type stubOrders struct {
	polar.OrdersService
	orders []polar.CustomerOrder
	err    error // ends the walk, as a failed page does
}

func (s stubOrders) All(context.Context, *polar.OrderListOptions) iter.Seq2[polar.CustomerOrder, error] {
	return polartest.Seq(s.orders, s.err)
}

// A service is an interface, so a test can hand code a stub instead of a
// client: no server, no token. polartest.Seq makes the iterator of a
// stubbed All method, here also one whose second page fails.
func Example_stub() {
	ctx := context.Background()
	orders := []polar.CustomerOrder{
		{ID: "o1", Paid: true, TotalAmount: 1500},
		{ID: "o2", Paid: false, TotalAmount: 4900, DueAmount: 4900},
		{ID: "o3", Paid: false, TotalAmount: 1900, DueAmount: 900},
	}

	total, err := dueTotal(ctx, stubOrders{orders: orders})
	fmt.Println(total, err)

	reset := errors.New("connection reset")
	_, err = dueTotal(ctx, stubOrders{orders: orders[:1], err: reset})
	fmt.Println(err, errors.Is(err, reset))
	// Output:
	// 5800 <nil>
	// listing orders: connection reset true
}
