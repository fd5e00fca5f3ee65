package polar_test

import (
	"context"
	"fmt"
	"time"

	polar "github.com/polarportal/polar-go"
	"github.com/polarportal/polar-go/polartest"
)

// A receipt is rendered on demand: WaitReceipt polls until it is ready. An
// invoice exists once GenerateInvoice has run: call it once, then wait.
// polartest's fake answers 202 to the first two receipt polls, as Polar
// does while rendering; the intervals are short here for the example.
func ExampleWaitReceipt() {
	srv := polartest.NewServer(polartest.WithDemo())
	defer srv.Close()
	client, err := polar.NewClient(polartest.DemoCustomerToken, polar.WithBaseURL(srv.URL))
	if err != nil {
		panic(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	fast := polar.WithPollInterval(time.Millisecond, 10*time.Millisecond)

	receipt, err := polar.WaitReceipt(ctx, client.Orders, polartest.DemoOrderID, fast)
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	fmt.Println(receipt.URL)

	if err := client.Orders.GenerateInvoice(ctx, polartest.DemoOrderID); err != nil {
		fmt.Println("error:", err)
		return
	}
	invoice, err := polar.WaitInvoice(ctx, client.Orders, polartest.DemoOrderID, fast)
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	fmt.Println(invoice.URL)
	// Output:
	// https://files.polartest.invalid/receipts/00000005-0000-4000-8000-000000000001.pdf
	// https://files.polartest.invalid/invoices/00000005-0000-4000-8000-000000000001.pdf
}
