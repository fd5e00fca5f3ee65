// Command polarportal shows a Polar customer's portal from the command
// line: their orders and subscriptions, and whether a license key is
// valid.
//
//	polarportal [flags] orders
//	polarportal [flags] subscriptions
//	polarportal [flags] validate KEY
//
// Without POLAR_TOKEN it runs on the fake server of package polartest
// with its Demo data (the organization acme and its customer Alice), on
// the loopback interface: no token, no network. With POLAR_TOKEN it talks
// to Polar: a customer or member session token (polar_cst_..., polar_mst_...)
// is used as it is; any other token is taken for an organization access
// token with the customer_sessions:write scope, which mints a session for
// the customer -customer (or POLAR_CUSTOMER_ID). validate needs no token:
// it sends none, and needs the organization that issued the key (-org, or
// POLAR_ORGANIZATION_ID).
//
// Flags:
//
//	-customer ID  the customer whose portal to show
//	-org ID       the organization that issued the key (validate)
//	-limit N      show at most N rows (default 20; 0 for all)
//	-sandbox      use Polar's sandbox
//	-base-url U   send requests to U instead (a proxy, a fake server)
//
// The exit status is 0 on success, 1 when a call fails, 2 for a usage
// error. When a later page of a list fails, the rows of the pages before
// it are printed first.
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
	os.Exit(run(context.Background(), os.Args[1:], os.Getenv, os.Stdout, os.Stderr))
}

const usage = `usage: polarportal [flags] orders | subscriptions | validate KEY

Without POLAR_TOKEN, runs on polartest's Demo data (no network).
POLAR_TOKEN: a customer or member session token, or an organization
access token (with -customer or POLAR_CUSTOMER_ID).

Flags:
`

// errUsage marks errors in the command line.
var errUsage = errors.New("usage")

// errShown is a usage error whose message was already written.
var errShown = fmt.Errorf("%w: shown", errUsage)

// run runs the command with args, reading the environment through getenv,
// and returns its exit status.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	err := execute(ctx, args, getenv, stdout, stderr)
	switch {
	case err == nil || errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errShown):
		return 2
	case errors.Is(err, errUsage):
		fmt.Fprintln(stderr, "polarportal:", strings.TrimPrefix(err.Error(), "usage: "))
		return 2
	default:
		fmt.Fprintln(stderr, "polarportal:", err)
		return 1
	}
}

// execute is run, returning what failed.
func execute(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("polarportal", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, usage)
		fs.PrintDefaults()
	}
	customer := fs.String("customer", getenv("POLAR_CUSTOMER_ID"), "the customer whose portal to show")
	org := fs.String("org", getenv("POLAR_ORGANIZATION_ID"), "the organization that issued the license key (validate)")
	limit := fs.Int("limit", 20, "show at most `N` rows; 0 for all")
	sandbox := fs.Bool("sandbox", false, "use Polar's sandbox")
	baseURL := fs.String("base-url", "", "send requests to `URL` instead of Polar's")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errShown
	}
	cmd := fs.Args()
	valid := len(cmd) == 1 && (cmd[0] == "orders" || cmd[0] == "subscriptions") || len(cmd) == 2 && cmd[0] == "validate"
	if !valid || *limit < 0 {
		fs.Usage()
		return errShown
	}

	p := portal{limit: *limit, out: stdout}
	token := getenv("POLAR_TOKEN")
	var opts []polar.Option
	switch {
	case *baseURL != "":
		opts = append(opts, polar.WithBaseURL(*baseURL))
	case token == "":
		srv := polartest.NewServer(polartest.WithDemo())
		defer srv.Close()
		opts = append(opts, polar.WithBaseURL(srv.URL))
		token = polartest.DemoOrganizationToken
		if *customer == "" {
			*customer = polartest.DemoCustomerID
		}
		if *org == "" {
			*org = polartest.DemoOrganizationID
		}
		fmt.Fprintln(stderr, "polarportal: no POLAR_TOKEN: showing polartest's Demo data")
	}
	if *sandbox {
		opts = append(opts, polar.WithEnvironment(polar.Sandbox))
	}
	var err error
	if p.base, err = polar.NewClient("", append(opts, polar.WithUserAgent("polarportal"))...); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}

	switch cmd[0] {
	case "orders":
		return p.withSession(ctx, token, *customer, p.orders)
	case "subscriptions":
		return p.withSession(ctx, token, *customer, p.subscriptions)
	default: // validate
		if *org == "" {
			return fmt.Errorf("%w: validate needs the organization that issued the key: -org or POLAR_ORGANIZATION_ID", errUsage)
		}
		return p.validate(ctx, cmd[1], *org)
	}
}

// portal runs the commands.
type portal struct {
	base  *polar.Client // no token
	limit int
	out   io.Writer
}

// withSession runs f with a client of the customer's session: token
// itself when it is a session token, else one minted with token as an
// organization token.
func (p portal) withSession(ctx context.Context, token, customer string, f func(context.Context, *polar.Client) error) error {
	if strings.HasPrefix(token, "polar_cst_") || strings.HasPrefix(token, "polar_mst_") {
		return f(ctx, p.base.WithToken(token))
	}
	if token == "" {
		return fmt.Errorf("%w: set POLAR_TOKEN to a session token, or to an organization token and -customer", errUsage)
	}
	if customer == "" {
		return fmt.Errorf("%w: with an organization token, name the customer: -customer or POLAR_CUSTOMER_ID", errUsage)
	}
	s, err := p.base.WithToken(token).Sessions.Create(ctx, &polar.CustomerSessionCustomerIDCreate{CustomerID: customer})
	if err != nil {
		return fmt.Errorf("creating a session for customer %s: %w", customer, err)
	}
	return f(ctx, p.base.WithToken(s.Token))
}

// pageSize is the page size for showing limit rows: the fewest requests.
func pageSize(limit int) int {
	if limit == 0 || limit > 100 {
		return 100
	}
	return limit
}

func (p portal) orders(ctx context.Context, c *polar.Client) error {
	tw := tabwriter.NewWriter(p.out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "CREATED\tSTATUS\tTOTAL\tPRODUCT\tID")
	n := 0
	for o, err := range c.Orders.All(ctx, &polar.OrderListOptions{
		ListOptions: polar.ListOptions{Limit: pageSize(p.limit)},
		Sorting:     []polar.CustomerOrderSortProperty{polar.CustomerOrderSortPropertyCreatedAtDesc},
	}) {
		if err != nil {
			// The rows of the pages before the failing one are shown.
			return errors.Join(tw.Flush(), fmt.Errorf("listing orders: %w", err))
		}
		product := o.Description
		if o.Product != nil {
			product = o.Product.Name
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", o.CreatedAt.Format("2006-01-02"), o.Status, money(o.TotalAmount, o.Currency), product, o.ID)
		if n++; n == p.limit {
			break
		}
	}
	return tw.Flush()
}

func (p portal) subscriptions(ctx context.Context, c *polar.Client) error {
	tw := tabwriter.NewWriter(p.out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "STATUS\tPRODUCT\tPRICE\tPERIOD END\tID")
	n := 0
	for s, err := range c.Subscriptions.All(ctx, &polar.SubscriptionListOptions{ListOptions: polar.ListOptions{Limit: pageSize(p.limit)}}) {
		if err != nil {
			// The rows of the pages before the failing one are shown.
			return errors.Join(tw.Flush(), fmt.Errorf("listing subscriptions: %w", err))
		}
		end := s.CurrentPeriodEnd.Format("2006-01-02")
		if s.CancelAtPeriodEnd {
			end += " (ends)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s / %s\t%s\t%s\n", s.Status, s.Product.Name, money(s.Amount, s.Currency), s.RecurringInterval, end, s.ID)
		if n++; n == p.limit {
			break
		}
	}
	return tw.Flush()
}

func (p portal) validate(ctx context.Context, key, org string) error {
	v, err := p.base.LicenseKeys.Validate(ctx, &polar.LicenseKeyValidate{Key: key, OrganizationID: org})
	if errors.Is(err, polar.ErrResourceNotFound) {
		return errors.New("license key not valid: no such key for this organization, or it is revoked or expired")
	}
	if err != nil {
		return fmt.Errorf("validating the license key: %w", err)
	}
	limit := func(n *int64) string {
		if n == nil {
			return "unlimited"
		}
		return fmt.Sprint(*n)
	}
	expires := "never"
	if v.ExpiresAt != nil {
		expires = v.ExpiresAt.Format("2006-01-02")
	}
	fmt.Fprintf(p.out, "License key %s: %s\n", v.DisplayKey, v.Status)
	fmt.Fprintf(p.out, "  usage %d of %s, at most %s activations, %d validations, expires %s\n",
		v.Usage, limit(v.LimitUsage), limit(v.LimitActivations), v.Validations, expires)
	return nil
}

func money(cents int64, currency string) string {
	return fmt.Sprintf("%d.%02d %s", cents/100, cents%100, strings.ToUpper(currency))
}
