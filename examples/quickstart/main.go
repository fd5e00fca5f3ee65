// Command quickstart walks through the session flow of a backend that
// serves Polar customers: a session source (polar.NewSessions) holding an
// organization access token hands out a client bound to the customer's
// session, minted once and renewed as needed; with it the program lists,
// walks and fetches the customer's orders and lists their subscriptions,
// then validates a license key without any token, as a desktop app would.
//
// With no POLAR_TOKEN it needs no token and no network: it starts the
// fake server of package polartest in-process, on the loopback interface,
// with its Demo data set (the organization acme and its customer Alice,
// who has 250 orders).
//
//	go run ./examples/quickstart
//
// Against the real API, set POLAR_TOKEN to an organization access token
// with the customer_sessions:write scope and POLAR_CUSTOMER_ID to the ID
// of one of its customers; to validate a license key too, set
// POLAR_LICENSE_KEY and POLAR_ORGANIZATION_ID. -sandbox selects Polar's
// sandbox:
//
//	POLAR_TOKEN=polar_oat_... POLAR_CUSTOMER_ID=... go run ./examples/quickstart -sandbox
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	polar "github.com/polarportal/polar-go"
	"github.com/polarportal/polar-go/polartest"
)

func main() {
	sandbox := flag.Bool("sandbox", false, "with POLAR_TOKEN: use Polar's sandbox rather than production")
	flag.Parse()
	cfg, stop, err := configure(*sandbox, os.Getenv, os.Stdout)
	if err == nil {
		err = run(context.Background(), cfg, os.Stdout)
	}
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}

// config is what run needs.
type config struct {
	// base is the client every other one derives from: it holds no token.
	base *polar.Client
	// orgToken is an organization access token that may create customer
	// sessions, and customerID the customer to create one for.
	orgToken, customerID string
	// licenseKey is a key to validate, issued by organizationID; empty to
	// skip the validation.
	licenseKey, organizationID string
}

// configure reads the environment through getenv. Without POLAR_TOKEN it
// starts a polartest server with the Demo data; stop closes it.
func configure(sandbox bool, getenv func(string) string, out io.Writer) (cfg config, stop func(), err error) {
	stop = func() {}
	token := getenv("POLAR_TOKEN")
	if token == "" {
		srv := polartest.NewServer(polartest.WithDemo())
		stop = srv.Close
		cfg.base, err = polar.NewClient("", polar.WithBaseURL(srv.URL))
		cfg.orgToken, cfg.customerID = polartest.DemoOrganizationToken, polartest.DemoCustomerID
		cfg.licenseKey, cfg.organizationID = polartest.DemoLicenseKey, polartest.DemoOrganizationID
		fmt.Fprintln(out, "No POLAR_TOKEN: talking to polartest's fake server (Demo data) on the loopback interface.")
		return cfg, stop, err
	}
	cfg.orgToken, cfg.customerID = token, getenv("POLAR_CUSTOMER_ID")
	cfg.licenseKey, cfg.organizationID = getenv("POLAR_LICENSE_KEY"), getenv("POLAR_ORGANIZATION_ID")
	if cfg.customerID == "" {
		return cfg, stop, errors.New("POLAR_TOKEN is set but POLAR_CUSTOMER_ID is not: which customer should the session be for?")
	}
	env := polar.Production
	if sandbox {
		env = polar.Sandbox
	}
	cfg.base, err = polar.NewClient("", polar.WithEnvironment(env))
	return cfg, stop, err
}

// run is the session flow.
func run(ctx context.Context, cfg config, out io.Writer) error {
	// 1. The backend keeps its organization token in a session source, one
	// per process: it mints a customer's session the first time they are
	// asked for, hands out the same client while the session is fresh, and
	// renews it before it expires (or when Polar refuses it).
	sessions, err := polar.NewSessions(cfg.base.WithToken(cfg.orgToken))
	if err != nil {
		return err
	}

	// 2. Per incoming request, it calls the portal as that customer, on
	// the same connection pool, counted in the rate limiter under the
	// customer as Polar counts.
	portal, err := sessions.ForCustomer(ctx, cfg.customerID)
	if err != nil {
		return fmt.Errorf("getting a customer session: %w", err)
	}
	me, err := portal.Customers.Get(ctx)
	if err != nil {
		return fmt.Errorf("getting the customer: %w", err)
	}
	again, err := sessions.ForCustomer(ctx, cfg.customerID) // the next request
	if err != nil {
		return fmt.Errorf("getting a customer session: %w", err)
	}
	fmt.Fprintf(out, "Customer session for %s (the next request reuses it: %v)\n", customerName(me), again == portal)

	page, err := portal.Orders.List(ctx, &polar.OrderListOptions{
		ListOptions: polar.ListOptions{Limit: 5},
		Sorting:     []polar.CustomerOrderSortProperty{polar.CustomerOrderSortPropertyCreatedAtDesc},
	})
	if err != nil {
		return fmt.Errorf("listing orders: %w", err)
	}
	fmt.Fprintf(out, "\nNewest orders (%d of %d, page 1 of %d):\n", len(page.Items), page.Pagination.TotalCount, page.Pagination.MaxPage)
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	for _, o := range page.Items {
		product := "-"
		if o.Product != nil {
			product = o.Product.Name
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", o.CreatedAt.Format("2006-01-02"), o.Status, money(o.TotalAmount, o.Currency), product)
	}
	if err := tw.Flush(); err != nil {
		return err
	}

	// All walks every page, 100 orders at a time.
	count, paid := 0, 0
	for o, err := range portal.Orders.All(ctx, nil) {
		if err != nil {
			return fmt.Errorf("walking the orders: %w", err)
		}
		count++
		if o.Paid {
			paid++
		}
	}
	fmt.Fprintf(out, "All orders: %d, of which %d paid\n", count, paid)

	if len(page.Items) > 0 {
		var resp polar.Response
		o, err := portal.Orders.Get(polar.WithResponse(ctx, &resp), page.Items[0].ID)
		if err != nil {
			return fmt.Errorf("getting an order: %w", err)
		}
		fmt.Fprintf(out, "Order %s: %q, %d line item(s), paid %v (HTTP %d, API version %s)\n",
			o.ID, o.Description, len(o.Items), o.Paid, resp.StatusCode, resp.APIVersion())
	}

	subs, err := portal.Subscriptions.List(ctx, &polar.SubscriptionListOptions{ListOptions: polar.ListOptions{Limit: 10}})
	if err != nil {
		return fmt.Errorf("listing subscriptions: %w", err)
	}
	fmt.Fprintf(out, "\nSubscriptions (%d):\n", subs.Pagination.TotalCount)
	for _, sub := range subs.Items {
		fmt.Fprintf(tw, "  %s\t%s\t%s/%s\tperiod ends %s\n", sub.Status, sub.Product.Name,
			money(sub.Amount, sub.Currency), sub.RecurringInterval, sub.CurrentPeriodEnd.Format("2006-01-02"))
	}
	if err := tw.Flush(); err != nil {
		return err
	}

	// 3. A licensed program checks its key with no token at all.
	if cfg.licenseKey == "" {
		fmt.Fprintln(out, "\nNo POLAR_LICENSE_KEY: skipping the license-key validation.")
		return nil
	}
	v, err := cfg.base.LicenseKeys.Validate(ctx, &polar.LicenseKeyValidate{Key: cfg.licenseKey, OrganizationID: cfg.organizationID})
	if err != nil {
		return fmt.Errorf("validating the license key: %w", err)
	}
	limit := "no limit"
	if v.LimitActivations != nil {
		limit = fmt.Sprintf("at most %d activations", *v.LimitActivations)
	}
	fmt.Fprintf(out, "\nLicense key %s (validated without a token): %s, %s, %d validations\n", v.DisplayKey, v.Status, limit, v.Validations)
	return nil
}

// customerName names the signed-in customer.
func customerName(c *polar.CustomerPortalCustomer) string {
	email := "no email"
	if c.Email != nil {
		email = *c.Email
	}
	if c.Name != nil {
		return *c.Name + " <" + email + ">"
	}
	return email
}

func money(cents int64, currency string) string {
	return fmt.Sprintf("%d.%02d %s", cents/100, cents%100, strings.ToUpper(currency))
}
