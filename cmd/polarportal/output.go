package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"iter"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
)

// A printer writes results: as tables, or as JSON with --json.
type printer struct {
	out, stderr io.Writer
	json        bool
	loc         *time.Location // times are shown in
	progress    bool           // stderr is a terminal
}

// A column is one column of a list's table: the value at path in each
// item (alternatives separated by |, the first present wins), formatted by
// its key, or what fn makes of the item.
type column struct {
	head string
	path string
	fn   func(p *printer, item *node) string
}

// value prints the result of an operation that is not a list.
func (p *printer) value(c *command, v any) error {
	if p.json {
		if v == nil {
			return nil // no result, nothing to re-encode
		}
		return p.encode(v)
	}
	if c.show != nil {
		return c.show(p, v)
	}
	if v == nil {
		done := c.done
		if done == "" {
			done = "Done."
		}
		_, err := fmt.Fprintln(p.out, done)
		return err
	}
	n, err := toNode(v)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(p.out, 0, 4, 2, ' ', 0)
	p.describe(tw, "", n, "")
	return tw.Flush()
}

// encode writes v as indented JSON.
func (p *printer) encode(v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	_, err = p.out.Write(append(b, '\n'))
	return err
}

// list prints at most limit items of seq (all with limit 0): a table, or
// a JSON array. When seq fails, the items before the failure are printed
// first; when the output fails (a closed pipe), the walk stops.
func (p *printer) list(seq iter.Seq2[any, error], limit, pageSize int, cols []column) error {
	var tw *tabwriter.Writer
	if p.json {
		if _, err := io.WriteString(p.out, "["); err != nil {
			return err
		}
	} else {
		tw = tabwriter.NewWriter(p.out, 0, 4, 2, ' ', 0)
		heads := make([]string, len(cols))
		for i, c := range cols {
			heads[i] = c.head
		}
		fmt.Fprintln(tw, strings.Join(heads, "\t"))
	}
	n := 0
	var failed error
	for item, err := range seq {
		if err != nil {
			failed = err
			break
		}
		if p.json {
			b, err := json.MarshalIndent(item, "  ", "  ")
			if err != nil {
				failed = err
				break
			}
			sep := ",\n  "
			if n == 0 {
				sep = "\n  "
			}
			if _, err := io.WriteString(p.out, sep+string(b)); err != nil {
				return err
			}
		} else {
			nd, err := toNode(item)
			if err != nil {
				failed = err
				break
			}
			cells := make([]string, len(cols))
			for i, c := range cols {
				cells[i] = p.cell(c, nd)
			}
			fmt.Fprintln(tw, strings.Join(cells, "\t"))
		}
		n++
		if p.progress && limit == 0 && n%pageSize == 0 {
			fmt.Fprintf(p.stderr, "\rpolarportal: %d rows", n)
		}
		if n == limit {
			break
		}
	}
	if p.progress && limit == 0 && n >= pageSize {
		fmt.Fprint(p.stderr, "\r\033[K") // clear the progress line
	}
	var err error
	if p.json {
		end := "]\n"
		if n > 0 {
			end = "\n]\n"
		}
		_, err = io.WriteString(p.out, end)
	} else {
		err = tw.Flush()
	}
	if failed != nil {
		return failed // after the rows of the pages before it
	}
	return err
}

// cell is the text of column c for item.
func (p *printer) cell(c column, item *node) string {
	if c.fn != nil {
		return c.fn(p, item)
	}
	for alt := range strings.SplitSeq(c.path, "|") {
		parent, key := item.parentOf(alt)
		if v := parent.get(key); v != nil && v.kind != 'z' {
			return p.format(key, v, parent, "", "2006-01-02")
		}
	}
	return "-"
}

// describe writes each field of n, one a line, as path and value. An
// amount without a currency of its own takes cur, its parent's.
func (p *printer) describe(w io.Writer, prefix string, n *node, cur string) {
	if c := n.get("currency"); c != nil && c.kind == 's' {
		cur = c.str
	}
	for i, key := range n.keys {
		v := n.vals[i]
		name := prefix + key
		switch {
		case v.kind == 'o' && len(v.keys) > 0:
			p.describe(w, name+".", v, cur)
		case v.kind == 'a' && len(v.items) > 0 && (v.items[0].kind == 'o' || v.items[0].kind == 'a'):
			for j, it := range v.items {
				if it.kind == 'o' {
					p.describe(w, fmt.Sprintf("%s[%d].", name, j), it, cur)
				} else {
					fmt.Fprintf(w, "%s[%d]\t%s\n", name, j, p.format(key, it, n, cur, "2006-01-02 15:04:05 MST"))
				}
			}
		default:
			fmt.Fprintf(w, "%s\t%s\n", name, p.format(key, v, n, cur, "2006-01-02 15:04:05 MST"))
		}
	}
}

// format shows the scalar v, found under key in parent: a time in the
// printer's zone (by layout), an amount with its currency (cur when
// parent has none).
func (p *printer) format(key string, v *node, parent *node, cur, layout string) string {
	switch v.kind {
	case 'z':
		return "-"
	case 's':
		if strings.HasSuffix(key, "_at") || strings.HasSuffix(key, "_end") || strings.HasSuffix(key, "_start") {
			if t, err := time.Parse(time.RFC3339Nano, v.str); err == nil {
				return t.In(p.loc).Format(layout)
			}
		}
		return v.str
	case 'n':
		if cur := currencyOf(key, parent, cur); cur != "" {
			if cents, err := strconv.ParseInt(v.str, 10, 64); err == nil {
				return money(cents, cur)
			}
		}
		return v.str
	case 'a':
		parts := make([]string, len(v.items))
		for i, it := range v.items {
			parts[i] = p.format(key, it, parent, cur, layout)
		}
		if len(parts) == 0 {
			return "-"
		}
		return strings.Join(parts, ", ")
	case 'o':
		return "{}"
	}
	return v.str
}

// currencyOf is the currency of the amount under key in parent: an
// amount's key ends in amount (or is a wallet's balance), and its currency
// is the object's currency, or X_currency for X_amount, or else the
// inherited one.
func currencyOf(key string, parent *node, inherited string) string {
	if !strings.HasSuffix(key, "amount") && key != "balance" {
		return ""
	}
	if prefix, ok := strings.CutSuffix(key, "_amount"); ok {
		if c := parent.get(prefix + "_currency"); c != nil && c.kind == 's' {
			return c.str
		}
	}
	if c := parent.get("currency"); c != nil && c.kind == 's' {
		return c.str
	}
	if key == "balance" {
		return "" // a meter's balance counts units
	}
	return inherited
}

// zeroDecimal lists the currencies without a minor unit: their amounts
// are whole units.
var zeroDecimal = map[string]bool{
	"bif": true, "clp": true, "djf": true, "gnf": true, "jpy": true, "kmf": true, "krw": true, "mga": true,
	"pyg": true, "rwf": true, "ugx": true, "vnd": true, "vuv": true, "xaf": true, "xof": true, "xpf": true,
}

// money formats an amount in the smallest unit of currency.
func money(amount int64, currency string) string {
	cur := strings.ToUpper(currency)
	if zeroDecimal[strings.ToLower(currency)] {
		return fmt.Sprintf("%d %s", amount, cur)
	}
	sign := ""
	u := uint64(amount)
	if amount < 0 {
		sign, u = "-", uint64(-amount)
	}
	return fmt.Sprintf("%s%d.%02d %s", sign, u/100, u%100, cur)
}

// A node is a JSON value that keeps its object's keys in order, so that
// tables and descriptions show fields in Polar's order.
type node struct {
	kind  byte // 'o' object, 'a' array, 's' string, 'n' number, 'b' bool, 'z' null
	keys  []string
	vals  []*node
	items []*node
	str   string
}

// toNode re-encodes v (a decoded result) and reads it back as a node.
func toNode(v any) (*node, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	return readNode(dec)
}

func readNode(dec *json.Decoder) (*node, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		n := &node{kind: 'a'}
		if t == '{' {
			n.kind = 'o'
		}
		for dec.More() {
			if n.kind == 'o' {
				k, err := dec.Token()
				if err != nil {
					return nil, err
				}
				n.keys = append(n.keys, k.(string))
			}
			v, err := readNode(dec)
			if err != nil {
				return nil, err
			}
			if n.kind == 'o' {
				n.vals = append(n.vals, v)
			} else {
				n.items = append(n.items, v)
			}
		}
		_, err := dec.Token() // the closing delimiter
		return n, err
	case string:
		return &node{kind: 's', str: t}, nil
	case json.Number:
		return &node{kind: 'n', str: t.String()}, nil
	case bool:
		return &node{kind: 'b', str: strconv.FormatBool(t)}, nil
	default:
		return &node{kind: 'z'}, nil
	}
}

// get returns the member key of an object, or nil.
func (n *node) get(key string) *node {
	if n == nil || n.kind != 'o' {
		return nil
	}
	for i, k := range n.keys {
		if k == key {
			return n.vals[i]
		}
	}
	return nil
}

// parentOf returns the object holding a dotted path, and the path's last
// key.
func (n *node) parentOf(path string) (*node, string) {
	keys := strings.Split(path, ".")
	for _, k := range keys[:len(keys)-1] {
		n = n.get(k)
	}
	return n, keys[len(keys)-1]
}

// at returns the value at a dotted path, or nil.
func (n *node) at(path string) *node {
	parent, key := n.parentOf(path)
	return parent.get(key)
}

// text returns a scalar's text, "" for anything else.
func (n *node) text() string {
	if n == nil || n.kind == 'o' || n.kind == 'a' || n.kind == 'z' {
		return ""
	}
	return n.str
}
