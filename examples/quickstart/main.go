// Command quickstart lists, walks and fetches orders through the polar
// client. With no arguments it needs no network and no token: it starts an
// in-process server that answers Orders requests from fixtures.
//
//	go run ./examples/quickstart
//
// Against the real API, give it a customer session token:
//
//	POLAR_CUSTOMER_TOKEN=polar_cst_... go run ./examples/quickstart -sandbox
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	polar "github.com/polarportal/polar-go"
	"github.com/polarportal/polar-go/internal/fixtures"
)

func main() {
	sandbox := flag.Bool("sandbox", false, "use the sandbox environment with $POLAR_CUSTOMER_TOKEN")
	flag.Parse()
	var opts []polar.Option
	token := os.Getenv("POLAR_CUSTOMER_TOKEN")
	switch {
	case token == "":
		srv := fixtures.NewOrdersServer()
		defer srv.Close()
		opts = append(opts, polar.WithBaseURL(srv.URL))
		fmt.Println("No POLAR_CUSTOMER_TOKEN: serving fixtures from", srv.URL)
	case *sandbox:
		opts = append(opts, polar.WithEnvironment(polar.Sandbox))
	}
	client, err := polar.NewClient(token, opts...)
	if err == nil {
		err = run(context.Background(), client, os.Stdout)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}

// run lists the first page of orders, walks all of them with All, and
// fetches the first one by ID.
func run(ctx context.Context, client *polar.Client, out io.Writer) error {
	page, err := client.Orders.List(ctx, &polar.OrderListOptions{ListOptions: polar.ListOptions{Limit: 3}})
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "First page: %d of %d orders, %d pages\n\n", len(page.Items), page.Pagination.TotalCount, page.Pagination.MaxPage)

	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tCREATED\tSTATUS\tTOTAL\tPRODUCT")
	var first string
	for order, err := range client.Orders.All(ctx, &polar.OrderListOptions{ListOptions: polar.ListOptions{Limit: 3}}) {
		if err != nil {
			return err
		}
		if first == "" {
			first = order.ID
		}
		product := "-"
		if order.Product != nil {
			product = order.Product.Name
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", order.ID, order.CreatedAt.Format("2006-01-02"),
			order.Status, money(order.TotalAmount, order.Currency), product)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if first == "" {
		return nil
	}

	var resp polar.Response
	order, err := client.Orders.Get(polar.WithResponse(ctx, &resp), first)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "\nOrder %s: %q, %d line item(s), paid %v (HTTP %d, API version %s)\n",
		order.ID, order.Description, len(order.Items), order.Paid, resp.StatusCode, resp.APIVersion())
	return nil
}

func money(cents int64, currency string) string {
	return fmt.Sprintf("%d.%02d %s", cents/100, cents%100, strings.ToUpper(currency))
}
