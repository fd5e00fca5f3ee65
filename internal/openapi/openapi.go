// Package openapi reads the OpenAPI document of the Customer Portal API
// (../shared/polar-openapi-2026-10-customer-portal.json beside the
// module) for tests: it finds the operation a request is for, tells which
// statuses the operation documents, validates answer bodies against the
// operation's response schemas, and gives the operation and schema objects
// as decoded, with the schemas they reach, for tests that compare the
// document with Go types.
//
// The validator covers the subset of JSON Schema the document uses: $ref,
// type (a name or a list of names, "null" included), properties,
// required, additionalProperties, items, prefixItems, minItems, maxItems,
// enum, const, anyOf, oneOf and allOf, discriminator mappings, string
// lengths, numeric bounds, patterns RE2 can compile, propertyNames and
// maxProperties, and the formats date-time, uuid, uuid4, email and uri,
// checked loosely. oneOf is checked as anyOf: one member that validates
// is enough. Keywords it does not know are ignored.
package openapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math/big"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// SharedFile is the name of the document in the shared folder beside the
// module.
const SharedFile = "polar-openapi-2026-10-customer-portal.json"

// Document is a parsed OpenAPI document.
type Document struct {
	schemas map[string]any // components.schemas
	ops     []*Operation

	mu       sync.Mutex
	patterns map[string]*regexp.Regexp // nil for patterns RE2 cannot compile
}

// Operation is one operation of a document.
type Operation struct {
	// ID is the operationId.
	ID string
	// Method is the HTTP method, in upper case.
	Method string
	// Path is the path template, such as /v1/customer-portal/orders/{id}.
	Path string
	// Object is the operation object as the document writes it (its
	// parameters, requestBody, responses, security...), decoded with
	// numbers as json.Number. It is shared: do not modify it.
	Object map[string]any

	doc      *Document
	re       *regexp.Regexp
	literals int               // literal segments of Path, to prefer /x/me over /x/{id}
	schemas  map[int]schemaRef // status to its JSON response schema, if any
}

type schemaRef struct {
	schema any
	ok     bool // the response has an application/json schema
}

// LoadShared loads SharedFile from the shared folder beside the module
// whose directory contains the working directory. Its error matches
// os.ErrNotExist when the file is not there, so that tests can skip.
func LoadShared() (*Document, error) {
	path, err := SharedPath()
	if err != nil {
		return nil, err
	}
	return Load(path)
}

// SharedPath returns the path of SharedFile in the shared folder beside
// the module whose directory contains the working directory, whether or
// not the file is there. Its error matches os.ErrNotExist when no module
// contains the working directory.
func SharedPath() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(dir, "..", "shared", SharedFile), nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("openapi: no go.mod above the working directory: %w", os.ErrNotExist)
		}
		dir = parent
	}
}

// Load reads and parses the document at path.
func Load(path string) (*Document, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	d, err := Parse(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return d, nil
}

// Parse parses a document.
func Parse(b []byte) (*Document, error) {
	var raw struct {
		Paths      map[string]map[string]json.RawMessage `json:"paths"`
		Components struct {
			Schemas map[string]any `json:"schemas"`
		} `json:"components"`
	}
	if err := unmarshal(b, &raw); err != nil {
		return nil, fmt.Errorf("openapi: %w", err)
	}
	d := &Document{schemas: raw.Components.Schemas, patterns: map[string]*regexp.Regexp{}}
	param := regexp.MustCompile(`\\\{[^}]*\}`)
	for path, item := range raw.Paths {
		for method, rawOp := range item {
			switch method {
			case "get", "put", "post", "delete", "options", "head", "patch", "trace":
			default:
				continue
			}
			var obj map[string]any
			if err := unmarshal(rawOp, &obj); err != nil {
				return nil, fmt.Errorf("openapi: %s %s: %w", method, path, err)
			}
			id, _ := obj["operationId"].(string)
			responses, _ := obj["responses"].(map[string]any)
			o := &Operation{
				ID: id, Method: strings.ToUpper(method), Path: path, Object: obj, doc: d,
				re:      regexp.MustCompile("^" + param.ReplaceAllString(regexp.QuoteMeta(path), `[^/]+`) + "$"),
				schemas: map[int]schemaRef{},
			}
			for _, seg := range strings.Split(path, "/") {
				if !strings.HasPrefix(seg, "{") {
					o.literals++
				}
			}
			for status, resp := range responses {
				code, err := strconv.Atoi(status)
				if err != nil {
					continue
				}
				r, _ := resp.(map[string]any)
				content, _ := r["content"].(map[string]any)
				media, _ := content["application/json"].(map[string]any)
				s, ok := media["schema"]
				o.schemas[code] = schemaRef{schema: s, ok: ok}
			}
			d.ops = append(d.ops, o)
		}
	}
	// The most literal template first, then by path, for a stable order.
	sort.Slice(d.ops, func(i, j int) bool {
		a, b := d.ops[i], d.ops[j]
		if a.literals != b.literals {
			return a.literals > b.literals
		}
		return a.Path+" "+a.Method < b.Path+" "+b.Method
	})
	return d, nil
}

// unmarshal decodes JSON keeping numbers as json.Number.
func unmarshal(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("data after the JSON value")
	}
	return nil
}

// Operations returns the document's operations.
func (d *Document) Operations() []*Operation { return slices.Clone(d.ops) }

// Operation returns the operation with that operationId, or nil.
func (d *Document) Operation(id string) *Operation {
	for _, o := range d.ops {
		if o.ID == id {
			return o
		}
	}
	return nil
}

// Find returns the operation that serves method on path (a request's
// path, without its query), or nil. Where several path templates match,
// the one with the most literal segments wins, as a router does
// (/customers/me before /customers/{id}).
func (d *Document) Find(method, path string) *Operation {
	method = strings.ToUpper(method)
	for _, o := range d.ops {
		if o.Method == method && o.re.MatchString(path) {
			return o
		}
	}
	return nil
}

// Statuses returns the statuses the operation documents, in order.
func (o *Operation) Statuses() []int {
	var out []int
	for code := range o.schemas {
		out = append(out, code)
	}
	slices.Sort(out)
	return out
}

// Documents reports whether the operation documents status.
func (o *Operation) Documents(status int) bool {
	_, ok := o.schemas[status]
	return ok
}

// ValidateResponse validates body, the answer to the operation with
// status, against the response schema the document gives for that status.
// An undocumented status is an error; a documented status without a JSON
// schema (such as 204) accepts any body.
func (o *Operation) ValidateResponse(status int, body []byte) error {
	ref, ok := o.schemas[status]
	if !ok {
		return fmt.Errorf("%s %s (%s) documents no %d answer (it documents %v)", o.Method, o.Path, o.ID, status, o.Statuses())
	}
	if !ref.ok {
		return nil
	}
	if err := o.doc.ValidateJSON(ref.schema, body); err != nil {
		return fmt.Errorf("%d answer of %s: %w", status, o.ID, err)
	}
	return nil
}

// Schema returns the component schema called name, or nil.
func (d *Document) Schema(name string) any { return d.schemas[name] }

// Parameters returns the operation's parameters that are in (query, path,
// header or cookie), in the document's order.
func (o *Operation) Parameters(in string) []map[string]any {
	list, _ := o.Object["parameters"].([]any)
	var out []map[string]any
	for _, p := range list {
		if p, _ := p.(map[string]any); p["in"] == in {
			out = append(out, p)
		}
	}
	return out
}

// Reachable returns, sorted, the names of the component schemas that
// roots (parts of the document, such as an Operation's Object) refer to,
// directly or through other schemas: in parameters, bodies, responses,
// properties, items, anyOf and oneOf members and additionalProperties
// alike.
func (d *Document) Reachable(roots ...any) []string {
	seen := map[string]bool{}
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, e := range v {
				if ref, ok := e.(string); ok && k == "$ref" {
					if name, ok := strings.CutPrefix(ref, "#/components/schemas/"); ok && !seen[name] {
						seen[name] = true
						walk(d.schemas[name])
					}
					continue
				}
				walk(e)
			}
		case []any:
			for _, e := range v {
				walk(e)
			}
		}
	}
	for _, r := range roots {
		walk(r)
	}
	return slices.Sorted(maps.Keys(seen))
}

// ValidateJSON validates the JSON document b against schema, a schema
// value of the document such as Schema("CustomerOrder") or
// map[string]any{"$ref": "#/components/schemas/CustomerOrder"}.
func (d *Document) ValidateJSON(schema any, b []byte) error {
	var v any
	if err := unmarshal(b, &v); err != nil {
		return fmt.Errorf("not JSON: %w", err)
	}
	return d.Validate(schema, v)
}

// maxProblems bounds the problems one validation reports.
const maxProblems = 20

// Validate validates v, a value decoded from JSON with numbers as
// json.Number (or float64, or int), against schema. The error lists the
// problems found, each with the location of the value, such as
// $.items[3].status.
func (d *Document) Validate(schema any, v any) error {
	var p problems
	d.validate(schema, v, "$", &p, 0)
	if len(p) == 0 {
		return nil
	}
	if len(p) > maxProblems {
		p = append(p[:maxProblems], fmt.Sprintf("... and %d more", len(p)-maxProblems))
	}
	return &ValidationError{Problems: p}
}

// ValidationError lists the ways a value does not match its schema.
type ValidationError struct {
	Problems []string
}

func (e *ValidationError) Error() string {
	if len(e.Problems) == 1 {
		return "schema violation: " + e.Problems[0]
	}
	return "schema violations:\n\t" + strings.Join(e.Problems, "\n\t")
}

type problems []string

func (p *problems) add(at, format string, args ...any) {
	*p = append(*p, at+": "+fmt.Sprintf(format, args...))
}

// maxDepth stops a schema that refers to itself without end.
const maxDepth = 64

func (d *Document) validate(schema any, v any, at string, p *problems, depth int) {
	if depth > maxDepth {
		p.add(at, "schema nested deeper than %d", maxDepth)
		return
	}
	var s map[string]any
	switch sc := schema.(type) {
	case bool:
		if !sc {
			p.add(at, "no value is allowed here")
		}
		return
	case map[string]any:
		s = sc
	case nil:
		return
	default:
		p.add(at, "unreadable schema %T", schema)
		return
	}

	if ref, ok := s["$ref"].(string); ok {
		target, err := d.resolve(ref)
		if err != nil {
			p.add(at, "%v", err)
			return
		}
		d.validate(target, v, at, p, depth+1)
		return
	}

	if t, ok := s["type"]; ok && !hasType(t, v) {
		p.add(at, "%s is not of type %s", describe(v), typeNames(t))
		return
	}
	if e, ok := s["enum"].([]any); ok && !slices.ContainsFunc(e, func(c any) bool { return equal(c, v) }) {
		p.add(at, "%s is not one of %s", describe(v), compact(e))
	}
	if c, ok := s["const"]; ok && !equal(c, v) {
		p.add(at, "%s is not %s", describe(v), compact(c))
	}
	if all, ok := s["allOf"].([]any); ok {
		for _, m := range all {
			d.validate(m, v, at, p, depth+1)
		}
	}
	for _, kw := range []string{"anyOf", "oneOf"} {
		if members, ok := s[kw].([]any); ok {
			d.validateUnion(kw, s, members, v, at, p, depth)
		}
	}

	switch x := v.(type) {
	case string:
		d.validateString(s, x, at, p)
	case json.Number, float64, int, int64:
		validateNumber(s, toRat(x), at, p)
	case []any:
		d.validateArray(s, x, at, p, depth)
	case map[string]any:
		d.validateObject(s, x, at, p, depth)
	}
}

// validateUnion checks that v matches a member of an anyOf or oneOf: the
// one its discriminator names when the schema maps it, else any member.
// When v is null-free and one member only is not the null type, v is
// checked against that member, so that problems point inside it.
func (d *Document) validateUnion(kw string, s map[string]any, members []any, v any, at string, p *problems, depth int) {
	if disc, ok := s["discriminator"].(map[string]any); ok {
		if obj, ok := v.(map[string]any); ok {
			name, _ := disc["propertyName"].(string)
			mapping, _ := disc["mapping"].(map[string]any)
			if val, ok := obj[name].(string); ok && mapping != nil {
				ref, ok := mapping[val].(string)
				if !ok {
					p.add(at+"."+name, "%q is none of the values the discriminator maps (%s)", val, strings.Join(slices.Sorted(maps.Keys(mapping)), ", "))
					return
				}
				d.validate(map[string]any{"$ref": ref}, v, at, p, depth+1)
				return
			}
		}
	}
	var nonNull []any
	for _, m := range members {
		if !d.isNullSchema(m) {
			nonNull = append(nonNull, m)
		}
	}
	if v != nil && len(nonNull) == 1 {
		d.validate(nonNull[0], v, at, p, depth+1)
		return
	}
	var firsts []string
	for i, m := range members {
		var mp problems
		d.validate(m, v, at, &mp, depth+1)
		if len(mp) == 0 {
			return
		}
		firsts = append(firsts, fmt.Sprintf("[%d] %s", i, mp[0]))
	}
	p.add(at, "%s matches no member of %s: %s", describe(v), kw, strings.Join(firsts, "; "))
}

// isNullSchema reports whether m is {"type": "null"}.
func (d *Document) isNullSchema(m any) bool {
	s, ok := m.(map[string]any)
	return ok && s["type"] == "null"
}

func (d *Document) resolve(ref string) (any, error) {
	name, ok := strings.CutPrefix(ref, "#/components/schemas/")
	if !ok {
		return nil, fmt.Errorf("unsupported $ref %q", ref)
	}
	s, ok := d.schemas[name]
	if !ok {
		return nil, fmt.Errorf("$ref to a missing schema %q", name)
	}
	return s, nil
}

var (
	uuidRe = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
	// emailRe is loose: something, @, a domain with a dot, no spaces.
	emailRe = regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[^@\s]+$`)
)

func (d *Document) validateString(s map[string]any, x string, at string, p *problems) {
	n := utf8.RuneCountInString(x)
	if m, ok := intKeyword(s, "minLength"); ok && int64(n) < m {
		p.add(at, "%q is shorter than %d characters", x, m)
	}
	if m, ok := intKeyword(s, "maxLength"); ok && int64(n) > m {
		p.add(at, "%q is longer than %d characters", excerpt(x), m)
	}
	if pat, ok := s["pattern"].(string); ok {
		if re := d.pattern(pat); re != nil && !re.MatchString(x) {
			p.add(at, "%q does not match the pattern %s", excerpt(x), pat)
		}
	}
	format, _ := s["format"].(string)
	switch format {
	case "date-time":
		if _, err := time.Parse(time.RFC3339Nano, x); err != nil {
			p.add(at, "%q is not a date-time (RFC 3339)", excerpt(x))
		}
	case "uuid", "uuid4":
		if !uuidRe.MatchString(x) {
			p.add(at, "%q is not a UUID", excerpt(x))
		}
	case "email":
		if !emailRe.MatchString(x) {
			p.add(at, "%q is not an email address", excerpt(x))
		}
	case "uri":
		if u, err := url.Parse(x); err != nil || u.Scheme == "" {
			p.add(at, "%q is not an absolute URI", excerpt(x))
		}
	}
}

// pattern compiles an ECMA-262 pattern with RE2, once; nil when RE2
// cannot (lookaheads), in which case the pattern is not checked.
func (d *Document) pattern(pat string) *regexp.Regexp {
	d.mu.Lock()
	defer d.mu.Unlock()
	re, ok := d.patterns[pat]
	if !ok {
		re, _ = regexp.Compile(pat)
		d.patterns[pat] = re
	}
	return re
}

func validateNumber(s map[string]any, x *big.Rat, at string, p *problems) {
	if x == nil {
		p.add(at, "unreadable number")
		return
	}
	bound := func(kw string, bad func(c int) bool, what string) {
		if b := toRat(s[kw]); b != nil && bad(x.Cmp(b)) {
			p.add(at, "%s is %s %s", x.RatString(), what, b.RatString())
		}
	}
	bound("minimum", func(c int) bool { return c < 0 }, "less than")
	bound("maximum", func(c int) bool { return c > 0 }, "more than")
	bound("exclusiveMinimum", func(c int) bool { return c <= 0 }, "not more than")
	bound("exclusiveMaximum", func(c int) bool { return c >= 0 }, "not less than")
}

func (d *Document) validateArray(s map[string]any, x []any, at string, p *problems, depth int) {
	if m, ok := intKeyword(s, "minItems"); ok && int64(len(x)) < m {
		p.add(at, "%d items, fewer than %d", len(x), m)
	}
	if m, ok := intKeyword(s, "maxItems"); ok && int64(len(x)) > m {
		p.add(at, "%d items, more than %d", len(x), m)
	}
	prefix, _ := s["prefixItems"].([]any)
	for i, item := range x {
		where := at + "[" + strconv.Itoa(i) + "]"
		switch {
		case i < len(prefix):
			d.validate(prefix[i], item, where, p, depth+1)
		case s["items"] != nil:
			d.validate(s["items"], item, where, p, depth+1)
		}
	}
}

func (d *Document) validateObject(s map[string]any, x map[string]any, at string, p *problems, depth int) {
	props, _ := s["properties"].(map[string]any)
	if req, ok := s["required"].([]any); ok {
		for _, r := range req {
			name, _ := r.(string)
			if _, ok := x[name]; !ok {
				p.add(at, "required property %q is missing", name)
			}
		}
	}
	if m, ok := intKeyword(s, "maxProperties"); ok && int64(len(x)) > m {
		p.add(at, "%d properties, more than %d", len(x), m)
	}
	for _, name := range slices.Sorted(maps.Keys(x)) {
		val := x[name]
		where := at + "." + name
		if names, ok := s["propertyNames"]; ok {
			d.validate(names, name, where+" (name)", p, depth+1)
		}
		if ps, ok := props[name]; ok {
			d.validate(ps, val, where, p, depth+1)
			continue
		}
		switch ap := s["additionalProperties"].(type) {
		case bool:
			if !ap {
				p.add(where, "property not allowed (additionalProperties is false)")
			}
		case map[string]any:
			d.validate(ap, val, where, p, depth+1)
		}
	}
}

// hasType reports whether v is of the type t names (a name or a list of
// names).
func hasType(t any, v any) bool {
	switch t := t.(type) {
	case string:
		return isType(t, v)
	case []any:
		for _, n := range t {
			if name, ok := n.(string); ok && isType(name, v) {
				return true
			}
		}
		return false
	}
	return true
}

func isType(name string, v any) bool {
	switch name {
	case "null":
		return v == nil
	case "boolean":
		_, ok := v.(bool)
		return ok
	case "string":
		_, ok := v.(string)
		return ok
	case "object":
		_, ok := v.(map[string]any)
		return ok
	case "array":
		_, ok := v.([]any)
		return ok
	case "number":
		return toRat(v) != nil
	case "integer":
		r := toRat(v)
		return r != nil && r.IsInt()
	}
	return true // a type this validator does not know
}

// toRat returns a number of the JSON value v, nil if v is not a number.
func toRat(v any) *big.Rat {
	switch x := v.(type) {
	case json.Number:
		r, ok := new(big.Rat).SetString(string(x))
		if !ok {
			return nil
		}
		return r
	case float64:
		return new(big.Rat).SetFloat64(x)
	case int:
		return new(big.Rat).SetInt64(int64(x))
	case int64:
		return new(big.Rat).SetInt64(x)
	}
	return nil
}

func intKeyword(s map[string]any, kw string) (int64, bool) {
	r := toRat(s[kw])
	if r == nil || !r.IsInt() {
		return 0, false
	}
	return r.Num().Int64(), true
}

// equal compares two JSON values, numbers by value.
func equal(a, b any) bool {
	if ra, rb := toRat(a), toRat(b); ra != nil || rb != nil {
		return ra != nil && rb != nil && ra.Cmp(rb) == 0
	}
	return reflect.DeepEqual(normalize(a), normalize(b))
}

// normalize turns the numbers of a JSON value into canonical strings so
// that DeepEqual compares them by value.
func normalize(v any) any {
	switch x := v.(type) {
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = normalize(e)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = normalize(e)
		}
		return out
	}
	if r := toRat(v); r != nil {
		return "number:" + r.RatString()
	}
	return v
}

func typeNames(t any) string {
	if l, ok := t.([]any); ok {
		names := make([]string, len(l))
		for i, n := range l {
			names[i] = fmt.Sprint(n)
		}
		return strings.Join(names, " or ")
	}
	return fmt.Sprint(t)
}

// describe names a value for a message: its JSON, shortened.
func describe(v any) string {
	switch v.(type) {
	case map[string]any:
		return "an object"
	case []any:
		return "an array"
	}
	return compact(v)
}

func compact(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return excerpt(string(b))
}

func excerpt(s string) string {
	if r := []rune(s); len(r) > 80 {
		return string(r[:77]) + "..."
	}
	return s
}
