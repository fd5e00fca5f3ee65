package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"go/token"
	"io"
	"iter"
	"reflect"
	"strings"

	polar "github.com/polarportal/polar-go"
	"github.com/polarportal/polar-go/internal/operations"
)

// A command runs one operation of the SDK: polarportal SERVICE VERB.
type command struct {
	service, verb string
	// op is the operation's ID in the SDK's registry.
	op   string
	args []arg
	help string
	// query makes the options struct whose fields are filter flags; nil
	// for an operation without query. It comes from the SDK's registry.
	query func() any
	// body is the request body, nil for an operation without one. A
	// struct body comes from the SDK's registry; a row names only the
	// shapes of a union.
	body *bodySpec
	// list walks a paginated list; call runs any other operation.
	list func(ctx context.Context, c *polar.Client, in *invocation) iter.Seq2[any, error]
	call func(ctx context.Context, c *polar.Client, in *invocation) (any, error)
	// columns are the table of a list's items.
	columns []column
	// noun names a list's items in errors: "listing orders".
	noun string
	// show prints a result as text in place of the description of its
	// fields.
	show func(p *printer, v any) error
	// done is printed for an operation without result.
	done string
}

// An arg is a positional argument.
type arg struct {
	name string // as the usage shows it: ID, KEY
	// field is the body field it sets, by flag name; "" passes it to the
	// call in invocation.args.
	field string
}

// An invocation is a command's parsed arguments.
type invocation struct {
	args     []string // the positional arguments without a field
	opts     any      // *options struct, or nil
	body     any      // *body struct, or nil
	bodyFile string
	set      [][2]string // body flags and fielded arguments, in order
}

// auth is what a command sends as its token.
type auth int

const (
	authSession      auth = iota // a customer or member session
	authNone                     // a public operation: no token
	authOrganization             // the organization token itself
)

// auth returns what the command's operation sends as its token, from the
// SDK's registry.
func (c *command) auth() auth {
	if c.op == sessionsCreateOp {
		return authOrganization
	}
	for _, op := range operations.All() {
		if op.ID == c.op && op.Public {
			return authNone
		}
	}
	return authSession
}

// sessionsCreateOp is the one operation sent with the organization's
// token.
const sessionsCreateOp = "customer-sessions:create"

func (c *command) synopsis() string {
	s := c.service + " " + c.verb
	for _, a := range c.args {
		s += " " + a.name
	}
	return s
}

// aliases keep the command lines of earlier versions working.
var aliases = map[string][]string{
	"validate": {"license-keys", "validate"},
}

// lookup finds the command that args start with: a service and a verb
// (list when the service has one and no verb is given).
func lookup(args []string) (*command, []string, error) {
	if a, ok := aliases[args[0]]; ok {
		args = append(a[:len(a):len(a)], args[1:]...)
	}
	service := args[0]
	verbs := []string{}
	for i := range commands {
		if commands[i].service == service {
			verbs = append(verbs, commands[i].verb)
		}
	}
	if len(verbs) == 0 {
		return nil, nil, fmt.Errorf("unknown command %q", service)
	}
	verb, rest := "list", args[1:]
	if len(args) > 1 && !strings.HasPrefix(args[1], "-") {
		verb = args[1]
		rest = args[2:]
	}
	for i := range commands {
		if commands[i].service == service && commands[i].verb == verb {
			return &commands[i], rest, nil
		}
	}
	return nil, nil, fmt.Errorf("%s has no verb %q; its verbs are %s", service, verb, strings.Join(verbs, ", "))
}

// parse reads the command's flags and arguments, which may be mixed.
func (c *command) parse(g *globals, args []string, stderr io.Writer) (*invocation, error) {
	in := &invocation{}
	fs := flag.NewFlagSet("polarportal "+c.service+" "+c.verb, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: polarportal %s [flags]\n\n%s (%s).\n\nFlags:\n", c.synopsis(), c.help, c.op)
		fs.PrintDefaults()
	}
	g.register(fs, c.list != nil)
	if c.query != nil {
		in.opts = c.query()
		bindQuery(fs, in.opts)
	}
	if c.body != nil {
		fs.StringVar(&in.bodyFile, "body", "", "read the request body from `FILE` (- for standard input): JSON")
		c.body.register(fs, &in.set)
	}
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, errShown
		}
		if args = fs.Args(); len(args) == 0 {
			break
		}
		pos, args = append(pos, args[0]), args[1:]
	}
	if len(pos) != len(c.args) {
		want := fmt.Sprintf("%d arguments", len(c.args))
		if len(c.args) == 1 {
			want = "1 argument"
		}
		fmt.Fprintf(stderr, "polarportal: %s takes %s, got %d\n", c.synopsis(), want, len(pos))
		fs.Usage()
		return nil, errShown
	}
	var fielded [][2]string
	for i, a := range c.args {
		if a.field == "" {
			in.args = append(in.args, pos[i])
		} else {
			fielded = append(fielded, [2]string{a.field, pos[i]})
		}
	}
	in.set = append(fielded, in.set...)
	return in, nil
}

// finish builds the request body, once the defaults (the organization of
// the Demo data) are known.
func (in *invocation) finish(c *command, g *globals) error {
	if c.body == nil {
		return nil
	}
	body, err := c.body.build(in.bodyFile, in.set, map[string]string{"organization-id": g.org})
	if err != nil {
		return err
	}
	in.body = body
	if f, ok := fieldString(body, "organization-id", c.body); ok && f == "" {
		return fmt.Errorf("%w: %s %s needs the organization that issued the key: -org or POLAR_ORGANIZATION_ID", errUsage, c.service, c.verb)
	}
	return nil
}

// execute runs the command with client cl and prints the result.
func (c *command) execute(ctx context.Context, cl *polar.Client, in *invocation, g *globals, p *printer) error {
	if c.list != nil {
		size := pageSize(g.limit)
		setListOptions(in.opts, size, g.page)
		// Leaving the loop early cancels pages still in flight.
		ctx, cancel := context.WithCancel(ctx)
		defer cancel()
		if err := p.list(c.list(ctx, cl, in), g.limit, size, c.columns); err != nil {
			noun := c.noun
			if noun == "" {
				noun = strings.ReplaceAll(c.service, "-", " ")
			}
			return fmt.Errorf("listing %s: %w", noun, err)
		}
		return nil
	}
	v, err := c.call(ctx, cl, in)
	if err != nil {
		return fmt.Errorf("%s %s: %w", c.service, c.verb, err)
	}
	return p.value(c, v)
}

// pageSize is the page size for showing limit rows: the fewest requests.
func pageSize(limit int) int {
	if limit == 0 || limit > polar.MaxLimit {
		return polar.MaxLimit
	}
	return limit
}

// items turns a typed walk into one of any, for the printer.
func items[T any](seq iter.Seq2[T, error]) iter.Seq2[any, error] {
	return func(yield func(any, error) bool) {
		for v, err := range seq {
			if !yield(v, err) {
				return
			}
		}
	}
}

// init gives each command the query options and struct body of its
// operation, as the SDK's registry records them, so that no row names a
// type the registry already knows.
func init() {
	byID := map[string]operations.Operation{}
	for _, op := range operations.All() {
		byID[op.ID] = op
	}
	for i := range commands {
		c := &commands[i]
		op := byID[c.op]
		// An unexported options type (a token sent as a query) is filled
		// from the positional arguments, not from flags.
		if t := op.Query; c.query == nil && t != nil && token.IsExported(t.Name()) {
			c.query = func() any { return reflect.New(t).Interface() }
		}
		if t := op.Body; c.body == nil && t != nil && t.Kind() == reflect.Pointer {
			c.body = &bodySpec{shapes: []shape{shapeFor(t.Elem(), "")}}
		}
	}
}

// result drops a typed nil pointer, so that an operation without result
// prints as one.
func result[T any](v *T, err error) (any, error) {
	if err != nil {
		return nil, err
	}
	return v, nil
}
