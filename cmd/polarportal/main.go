// Command polarportal runs every operation of Polar's Customer Portal API
// from the command line, for support and debugging: a customer's orders,
// subscriptions, benefit grants, license keys, seats, wallets and more.
//
//	polarportal [flags] SERVICE VERB [flags] [ARGS]
//	polarportal orders list --all
//	polarportal orders get ORDER_ID --json
//	polarportal subscriptions update SUB_ID --as cancel --cancel-at-period-end true
//	polarportal license-keys validate KEY --org ORG_ID
//	polarportal help
//
// Each operation of the SDK is one command, named by its service and verb
// (polarportal help lists them). Query filters are flags (a filter that
// takes many values repeats its flag or takes a comma-separated list).
// Request bodies come from flags named after their JSON fields, or from
// --body FILE (- for standard input) holding the JSON body, which is
// checked against the SDK's body type (an unknown field is refused) before
// anything is sent; flags override the file's fields. A body with several
// shapes (a subscription update, a grant update, a session) takes its
// shape from --as, or from the fields given when only one shape has them.
//
// Output is a table by default, or the decoded result re-encoded as
// Polar's JSON with --json (a list as a JSON array of its items). Lists
// show --limit rows (default 20), from page --page; --all walks every page,
// with a progress line on standard error when it is a terminal. Amounts
// are shown with their currency, times in local time (UTC with --utc).
//
// Without POLAR_TOKEN it runs on the fake server of package polartest
// with its Demo data (the organization acme and its customer Alice), on
// the loopback interface: no token, no network. With POLAR_TOKEN it talks
// to Polar: a customer or member session token (polar_cst_..., polar_mst_...)
// is used as it is; any other token is taken for an organization access
// token with the customer_sessions:write scope, which mints a session for
// the customer --customer (or POLAR_CUSTOMER_ID), or the customer of
// acme's own ID --external-customer (or POLAR_EXTERNAL_CUSTOMER_ID).
// Public operations (license-keys validate, activate, deactivate, the
// email update check and verification) send no token; the license key
// operations need the organization that issued the key (--org, or
// POLAR_ORGANIZATION_ID). sessions create uses the organization token
// itself.
//
// Global flags, accepted before the service or after the verb:
//
//	-customer ID           the customer whose portal to show
//	-external-customer ID  the same, by the organization's own customer ID
//	-member ID             with an organization token, a member session of the team member ID
//	-org ID                the organization that issued a license key
//	-json                  print the result as JSON
//	-limit N               show at most N rows of a list (default 20; 0 for all)
//	-all                   walk every page of a list
//	-page N                start a list at page N
//	-utc                   show times in UTC rather than local time
//	-sandbox               use Polar's sandbox
//	-base-url U            send requests to U instead (a proxy, a fake server)
//
// The exit status is 0 on success (also when standard output is closed
// early, as by head), 1 when a call fails (the error's status, name and
// detail on standard error), 2 for a usage error, and 130 when interrupted
// (Ctrl-C cancels the call in flight). When a later page of a list fails,
// the rows of the pages before it are printed first.
//
// Earlier invocations keep working: "polarportal orders" lists orders,
// "polarportal subscriptions" subscriptions, and "polarportal validate
// KEY" validates a license key.
package main

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	polar "github.com/polarportal/polar-go"
	"github.com/polarportal/polar-go/polartest"
)

func main() {
	// A write to a closed pipe then fails with EPIPE, which run turns into
	// a quiet exit, rather than killing the program with SIGPIPE.
	signal.Notify(make(chan os.Signal, 1), syscall.SIGPIPE)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	status := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	os.Exit(status)
}

// errUsage marks errors in the command line.
var errUsage = errors.New("usage")

// errShown is a usage error whose message was already written.
var errShown = fmt.Errorf("%w: shown", errUsage)

// demoOptions make the fake server of the Demo data.
var demoOptions = []polartest.Option{polartest.WithDemo()}

// local is the time zone times are shown in without --utc.
var local = time.Local

// run runs the command with args, reading the environment through getenv,
// and returns its exit status.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	out := &errWriter{w: stdout}
	err := execute(ctx, args, getenv, out, stderr)
	if out.err != nil && errors.Is(out.err, syscall.EPIPE) {
		return 0 // the reader is gone: nothing left to say
	}
	if err == nil && out.err != nil {
		err = fmt.Errorf("writing the output: %w", out.err)
	}
	switch {
	case err == nil || errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errShown):
		return 2
	case errors.Is(err, errUsage):
		fmt.Fprintln(stderr, "polarportal:", strings.TrimPrefix(err.Error(), "usage: "))
		return 2
	case errors.Is(err, context.Canceled) && ctx.Err() != nil:
		fmt.Fprintln(stderr, "polarportal: interrupted")
		return 130
	default:
		fmt.Fprintln(stderr, "polarportal:", err)
		return 1
	}
}

// errWriter remembers the first write error and fails every write after
// it, so that a closed pipe stops the output.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(p)
	e.err = err
	return n, err
}

// globals are the flags every command takes.
type globals struct {
	customer, externalCustomer, member, org string
	json, all, utc, sandbox                 bool
	limit, page                             int
	baseURL                                 string
}

// register adds the global flags to fs, with their current values as
// defaults; those of lists only if list.
func (g *globals) register(fs *flag.FlagSet, list bool) {
	fs.StringVar(&g.customer, "customer", g.customer, "the customer whose portal to show (or POLAR_CUSTOMER_ID), with an organization token")
	fs.StringVar(&g.externalCustomer, "external-customer", g.externalCustomer, "the customer by the organization's own `ID` (or POLAR_EXTERNAL_CUSTOMER_ID)")
	fs.StringVar(&g.member, "member", g.member, "with an organization token, mint a member session of the team member `ID` (or POLAR_MEMBER_ID)")
	fs.StringVar(&g.org, "org", g.org, "the organization that issued a license key (or POLAR_ORGANIZATION_ID)")
	fs.BoolVar(&g.json, "json", g.json, "print the result as JSON")
	if list {
		fs.IntVar(&g.limit, "limit", g.limit, "show at most `N` rows of a list; 0 for all")
		fs.BoolVar(&g.all, "all", g.all, "walk every page of a list")
		fs.IntVar(&g.page, "page", g.page, "start a list at page `N`")
	}
	fs.BoolVar(&g.utc, "utc", g.utc, "show times in UTC rather than local time")
	fs.BoolVar(&g.sandbox, "sandbox", g.sandbox, "use Polar's sandbox")
	fs.StringVar(&g.baseURL, "base-url", g.baseURL, "send requests to `URL` instead of Polar's")
}

// execute is run, returning what failed.
func execute(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	g := &globals{
		customer:         getenv("POLAR_CUSTOMER_ID"),
		externalCustomer: getenv("POLAR_EXTERNAL_CUSTOMER_ID"),
		member:           getenv("POLAR_MEMBER_ID"),
		org:              getenv("POLAR_ORGANIZATION_ID"),
		limit:            20,
	}
	fs := flag.NewFlagSet("polarportal", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { printUsage(stderr, fs) }
	g.register(fs, true)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errShown
	}
	rest := fs.Args()
	if g.limit < 0 || g.page < 0 {
		fmt.Fprintln(stderr, "polarportal: -limit and -page must not be negative")
		fs.Usage()
		return errShown
	}
	if len(rest) > 0 && rest[0] == "help" {
		printUsage(stdout, fs)
		return nil
	}
	if len(rest) == 0 {
		fs.Usage()
		return errShown
	}
	cmd, rest, err := lookup(rest)
	if err != nil {
		fmt.Fprintf(stderr, "polarportal: %v\nusage: polarportal [flags] SERVICE VERB [flags] [ARGS]; polarportal help lists the commands\n", err)
		return errShown
	}
	in, err := cmd.parse(g, rest, stderr)
	if err != nil {
		return err
	}
	if g.limit < 0 || g.page < 0 {
		return fmt.Errorf("%w: -limit and -page must not be negative", errUsage)
	}
	if g.all {
		g.limit = 0
	}

	token := getenv("POLAR_TOKEN")
	var opts []polar.Option
	switch {
	case g.baseURL != "":
		opts = append(opts, polar.WithBaseURL(g.baseURL))
	case token == "":
		srv := polartest.NewServer(demoOptions...)
		defer srv.Close()
		opts = append(opts, polar.WithBaseURL(srv.URL))
		token = polartest.DemoOrganizationToken
		if g.customer == "" && g.externalCustomer == "" {
			g.customer = polartest.DemoCustomerID
		}
		if g.org == "" {
			g.org = polartest.DemoOrganizationID
		}
		fmt.Fprintln(stderr, "polarportal: no POLAR_TOKEN: showing polartest's Demo data")
	}
	if g.sandbox {
		opts = append(opts, polar.WithEnvironment(polar.Sandbox))
	}
	base, err := polar.NewClient("", append(opts, polar.WithUserAgent("polarportal"))...)
	if err != nil {
		return fmt.Errorf("%w: %w", errUsage, err)
	}
	if err := in.finish(cmd, g); err != nil {
		return err
	}

	var c *polar.Client
	switch cmd.auth() {
	case authNone:
		c = base
	case authOrganization:
		if token == "" {
			return fmt.Errorf("%w: %s %s needs an organization access token in POLAR_TOKEN", errUsage, cmd.service, cmd.verb)
		}
		c = base.WithToken(token)
	default:
		if c, err = sessionClient(ctx, base, token, g.customer, g.externalCustomer, g.member); err != nil {
			return err
		}
	}
	p := &printer{out: stdout, stderr: stderr, json: g.json, loc: local, progress: isTerminal(stderr)}
	if g.utc {
		p.loc = time.UTC
	}
	return cmd.execute(ctx, c, in, g, p)
}

// sessionClient returns a client of the customer's session: token itself
// when it is a session token, else one minted with token as an
// organization token for the customer (by Polar's ID or the
// organization's own), or for the member of the customer's team, through
// the session source, so the client counts under the customer or member.
func sessionClient(ctx context.Context, base *polar.Client, token, customer, external, member string) (*polar.Client, error) {
	if strings.HasPrefix(token, "polar_cst_") || strings.HasPrefix(token, "polar_mst_") {
		return base.WithToken(token), nil
	}
	if token == "" {
		return nil, fmt.Errorf("%w: set POLAR_TOKEN to a session token, or to an organization token and -customer", errUsage)
	}
	if customer != "" && external != "" {
		return nil, fmt.Errorf("%w: name the customer once: -customer or -external-customer", errUsage)
	}
	if customer == "" && external == "" {
		return nil, fmt.Errorf("%w: with an organization token, name the customer: -customer or POLAR_CUSTOMER_ID (or -external-customer)", errUsage)
	}
	admin := base.WithToken(token)
	var c *polar.Client
	var err error
	if external != "" && member != "" {
		// The session source names members by Polar ID only.
		var s *polar.CustomerSession
		s, err = admin.Sessions.Create(ctx, &polar.CustomerSessionCustomerExternalIDCreate{ExternalCustomerID: external, MemberID: member})
		if err == nil {
			c = base.ForSession(s)
		}
	} else {
		var sessions *polar.Sessions
		if sessions, err = polar.NewSessions(admin); err != nil {
			return nil, err
		}
		switch {
		case external != "":
			c, err = sessions.ForExternalCustomer(ctx, external)
		case member != "":
			c, err = sessions.ForMember(ctx, customer, member)
		default:
			c, err = sessions.ForCustomer(ctx, customer)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("creating a session for customer %s: %w", cmp.Or(customer, external), err)
	}
	return c, nil
}

// isTerminal reports whether w is a terminal, where a progress line
// belongs.
var isTerminal = func(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

const usageHead = `usage: polarportal [flags] SERVICE VERB [flags] [ARGS]

Without POLAR_TOKEN, runs on polartest's Demo data (no network).
POLAR_TOKEN: a customer or member session token, or an organization
access token (with -customer or POLAR_CUSTOMER_ID).
"polarportal SERVICE VERB -h" describes a command and its flags.

Commands:
`

// printUsage writes the usage: the commands of the table, then the global
// flags.
func printUsage(w io.Writer, fs *flag.FlagSet) {
	fmt.Fprint(w, usageHead)
	for _, c := range commands {
		fmt.Fprintf(w, "  %-42s %s\n", c.synopsis(), c.help)
	}
	fmt.Fprint(w, "\nFlags:\n")
	fs.SetOutput(w)
	fs.PrintDefaults()
}
