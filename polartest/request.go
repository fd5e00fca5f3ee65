package polartest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	polar "github.com/polarportal/polar-go"
)

// call is one request being served: what a handler reads and writes.
// Query and body helpers record validation problems in the call; a handler
// parses everything it needs, then returns c.err() if it is not nil, so
// that one 422 lists every problem, as Polar's does.
type call struct {
	s   *Server
	st  *store // locked for the handler's whole run
	w   http.ResponseWriter
	r   *http.Request
	op  polar.OperationInfo
	who *principal // nil on public operations called without a token
	now time.Time

	errs []validationDetail
	raw  json.RawMessage // the body, once rawBody read it
}

// reply writes v as a JSON answer with status; a nil v writes no body.
func (c *call) reply(status int, v any) error {
	writeJSON(c.w, status, v)
	return nil
}

// ok answers 200 with v.
func (c *call) ok(v any) error { return c.reply(http.StatusOK, v) }

// noContent answers 204 without a body.
func (c *call) noContent() error { return c.reply(http.StatusNoContent, nil) }

// err returns the 422 of the problems recorded so far, or nil.
func (c *call) err() error {
	if len(c.errs) == 0 {
		return nil
	}
	return validationError(c.errs...)
}

func (c *call) fail(d validationDetail) { c.errs = append(c.errs, d) }

// pathUUID returns the path parameter name, a UUID: a version-4 one, or
// any version when anyVersion is set (member IDs). Anything else is a
// problem at ["path", name], recorded and returned as the 422.
func (c *call) pathUUID(name string, anyVersion bool) (string, error) {
	id := c.r.PathValue(name)
	c.checkUUID(&id, !anyVersion, "path", name)
	return id, c.err()
}

// parseUUID checks a UUID as pydantic does, and returns it in canonical
// form, or the validation detail (without loc) of the problem.
func parseUUID(v string, v4 bool) (string, validationDetail, bool) {
	s := strings.TrimPrefix(strings.ToLower(v), "urn:uuid:")
	hex := strings.ReplaceAll(s, "-", "")
	bad := func(reason string) (string, validationDetail, bool) {
		return "", validationDetail{
			Msg: "Input should be a valid UUID, " + reason, Type: "uuid_parsing", Input: v,
			Ctx: map[string]any{"error": reason},
		}, false
	}
	for i, r := range s {
		if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'f' || r == '-') {
			return bad(fmt.Sprintf("invalid character: expected an optional prefix of `urn:uuid:` followed by [0-9a-fA-F-], found `%c` at %d", r, i+1))
		}
	}
	if len(hex) != 32 || (strings.Contains(s, "-") && (len(s) != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-')) {
		return bad(fmt.Sprintf("invalid length: expected length 32 for simple format, found %d", len(hex)))
	}
	id := hex[0:8] + "-" + hex[8:12] + "-" + hex[12:16] + "-" + hex[16:20] + "-" + hex[20:32]
	if v4 && hex[12] != '4' {
		return "", validationDetail{
			Msg: "UUID version 4 expected", Type: "uuid_version", Input: v,
			Ctx: map[string]any{"expected_version": 4},
		}, false
	}
	return id, validationDetail{}, true
}

// pageParams are the page and limit of a list request.
type pageParams struct{ page, limit int }

// pagination reads page (default 1) and limit (default 10, clamped to
// 100); values of 0 or less, or that are not integers, are recorded as
// problems.
func (c *call) pagination() pageParams {
	return pageParams{page: c.positiveInt("page", 1), limit: min(c.positiveInt("limit", 10), polar.MaxLimit)}
}

func (c *call) positiveInt(name string, def int) int {
	q := c.r.URL.Query()
	if !q.Has(name) {
		return def
	}
	raw := q.Get(name)
	n, err := strconv.Atoi(strings.TrimSpace(raw))
	if errors.Is(err, strconv.ErrRange) {
		// Polar reads integers of any size: past int, a page is past the
		// last and a limit over 100.
		n, err = math.MaxInt, nil
		if strings.HasPrefix(strings.TrimSpace(raw), "-") {
			n = math.MinInt
		}
	}
	if err != nil {
		c.fail(validationDetail{Loc: []any{"query", name}, Msg: "Input should be a valid integer, unable to parse string as an integer", Type: "int_parsing", Input: raw})
		return def
	}
	if n <= 0 {
		c.fail(validationDetail{Loc: []any{"query", name}, Msg: "Input should be greater than 0", Type: "greater_than", Input: raw, Ctx: map[string]any{"gt": 0}})
		return def
	}
	return n
}

// paginate returns the page of items that p selects: an empty one past
// the last page, however large p.page is.
func paginate[T any](items []T, p pageParams) *polar.Page[T] {
	total := len(items)
	start := total
	if p.page-1 < (total+p.limit-1)/p.limit { // (page-1)*limit would overflow past the last page
		start = (p.page - 1) * p.limit
	}
	end := min(start+p.limit, total)
	out := make([]T, end-start)
	copy(out, items[start:end])
	return &polar.Page[T]{Items: out, Pagination: polar.Pagination{TotalCount: total, MaxPage: (total + p.limit - 1) / p.limit}}
}

// paginateMap is paginate, each item of the page mapped by f.
func paginateMap[T, U any](items []T, p pageParams, f func(T) U) *polar.Page[U] {
	pg := paginate(items, p)
	out := &polar.Page[U]{Items: make([]U, len(pg.Items)), Pagination: pg.Pagination}
	for i, it := range pg.Items {
		out.Items[i] = f(it)
	}
	return out
}

// query returns the query parameter name, "" when absent.
func (c *call) query(name string) string { return c.r.URL.Query().Get(name) }

// uuids reads a multi-valued filter of UUIDs (the key repeated), of
// version 4 when v4 is set, as some of Polar's ID filters are typed;
// invalid values are recorded as problems at ["query", name, index].
func (c *call) uuids(name string, v4 bool) []string {
	var out []string
	for i, v := range c.r.URL.Query()[name] {
		id, d, ok := parseUUID(v, v4)
		if !ok {
			d.Loc = []any{"query", name, i}
			c.fail(d)
			continue
		}
		out = append(out, id)
	}
	return out
}

// enums reads a multi-valued filter whose values must be among allowed.
func (c *call) enums(name string, allowed ...string) []string {
	var out []string
	for i, v := range c.r.URL.Query()[name] {
		if !slices.Contains(allowed, v) {
			c.fail(enumDetail([]any{"query", name, i}, v, allowed))
			continue
		}
		out = append(out, v)
	}
	return out
}

// boolParam reads a true/false filter: nil when absent.
func (c *call) boolParam(name string) *bool {
	q := c.r.URL.Query()
	if !q.Has(name) {
		return nil
	}
	switch strings.ToLower(q.Get(name)) {
	case "true", "1", "yes", "on", "t", "y":
		return new(true)
	case "false", "0", "no", "off", "f", "n":
		return new(false)
	}
	c.fail(validationDetail{Loc: []any{"query", name}, Msg: "Input should be a valid boolean, unable to interpret input", Type: "bool_parsing", Input: q.Get(name)})
	return nil
}

func enumDetail(loc []any, input string, allowed []string) validationDetail {
	quoted := make([]string, len(allowed))
	for i, a := range allowed {
		quoted[i] = "'" + a + "'"
	}
	expected := strings.Join(quoted, ", ")
	if n := len(quoted); n > 1 {
		expected = strings.Join(quoted[:n-1], ", ") + " or " + quoted[n-1]
	}
	return validationDetail{Loc: loc, Msg: "Input should be " + expected, Type: "enum", Input: input, Ctx: map[string]any{"expected": expected}}
}

// A sorter compares two items by one property, ascending.
type sorter[T any] map[string]func(a, b T) int

// sorting reads the sorting parameter (several values, each a property of
// keys with an optional leading "-" for descending), def when absent.
// Unknown properties are recorded as problems.
func sorting[T any](c *call, keys sorter[T], def ...string) []string {
	vals, ok := c.r.URL.Query()["sorting"]
	if !ok {
		return def
	}
	var allowed []string
	for _, k := range slices.Sorted(func(yield func(string) bool) {
		for k := range keys {
			if !yield(k) {
				return
			}
		}
	}) {
		allowed = append(allowed, k, "-"+k)
	}
	var out []string
	for i, v := range vals {
		if _, ok := keys[strings.TrimPrefix(v, "-")]; !ok {
			c.fail(enumDetail([]any{"query", "sorting", i}, v, allowed))
			continue
		}
		out = append(out, v)
	}
	return out
}

// sortItems sorts items by the criteria, in order, then by tie (which
// should compare IDs, so that every order is total).
func sortItems[T any](items []T, criteria []string, keys sorter[T], tie func(a, b T) int) {
	slices.SortStableFunc(items, func(a, b T) int {
		for _, crit := range criteria {
			desc := strings.HasPrefix(crit, "-")
			cmp := keys[strings.TrimPrefix(crit, "-")](a, b)
			if desc {
				cmp = -cmp
			}
			if cmp != 0 {
				return cmp
			}
		}
		return tie(a, b)
	})
}

// body is a JSON object request body, read field by field. Problems are
// recorded in the call, at ["body", field, ...].
type body struct {
	c      *call
	fields map[string]json.RawMessage
}

// body reads the request body as a JSON object. A body that is not JSON,
// or not an object, is an error at once.
func (c *call) body() (*body, error) {
	raw, err := io.ReadAll(io.LimitReader(c.r.Body, maxBody+1))
	if err != nil {
		return nil, err
	}
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return nil, validationError(missing(nil, "body"))
	}
	var anyv any
	if err := json.Unmarshal(raw, &anyv); err != nil {
		pos := 0
		if se, ok := err.(*json.SyntaxError); ok {
			pos = int(se.Offset)
		}
		return nil, validationError(validationDetail{
			Loc: []any{"body", pos}, Msg: "JSON decode error", Type: "json_invalid", Input: map[string]any{},
			Ctx: map[string]any{"error": err.Error()},
		})
	}
	b := &body{c: c}
	if json.Unmarshal(raw, &b.fields) != nil {
		return nil, validationError(validationDetail{
			Loc: []any{"body"}, Msg: "Input should be a valid dictionary or object to extract fields from",
			Type: "model_attributes_type", Input: anyv,
		})
	}
	return b, nil
}

// has reports whether the body has the field (null included).
func (b *body) has(name string) bool { _, ok := b.fields[name]; return ok }

// isNull reports whether the field is present and null.
func (b *body) isNull(name string) bool {
	raw, ok := b.fields[name]
	return ok && string(raw) == "null"
}

func (b *body) input(name string) any {
	var v any
	_ = json.Unmarshal(b.fields[name], &v)
	return v
}

func (b *body) typeError(name, kind, msg string) {
	b.c.fail(validationDetail{Loc: []any{"body", name}, Msg: msg, Type: kind, Input: b.input(name)})
}

// str reads a required string field.
func (b *body) str(name string) (string, bool) {
	if !b.has(name) {
		b.c.fail(missing(b.fields, "body", name))
		return "", false
	}
	v, ok := b.optStr(name)
	if ok && v == nil {
		b.typeError(name, "string_type", "Input should be a valid string")
		return "", false
	}
	if v == nil {
		return "", false
	}
	return *v, true
}

// optStr reads an optional, nullable string field: set is false when the
// field is absent or invalid, v is nil for null.
func (b *body) optStr(name string) (v *string, set bool) {
	raw, ok := b.fields[name]
	if !ok {
		return nil, false
	}
	if string(raw) == "null" {
		return nil, true
	}
	var s string
	if json.Unmarshal(raw, &s) != nil {
		b.typeError(name, "string_type", "Input should be a valid string")
		return nil, false
	}
	return &s, true
}

// optUUID reads an optional, nullable UUID field (version 4 when v4).
func (b *body) optUUID(name string, v4 bool) (v *string, set bool) {
	s, set := b.optStr(name)
	if s == nil {
		return nil, set
	}
	id, d, ok := parseUUID(*s, v4)
	if !ok {
		d.Loc = []any{"body", name}
		b.c.fail(d)
		return nil, false
	}
	return &id, true
}

// uuid reads a required UUID field.
func (b *body) uuid(name string, v4 bool) (string, bool) {
	if !b.has(name) {
		b.c.fail(missing(b.fields, "body", name))
		return "", false
	}
	v, set := b.optUUID(name, v4)
	if set && v == nil {
		b.typeError(name, "uuid_type", "UUID input should be a string, bytes or UUID object")
		return "", false
	}
	if v == nil {
		return "", false
	}
	return *v, true
}

// optAddress reads an optional, nullable AddressInput field.
func (b *body) optAddress(name string) (v *polar.AddressInput, set bool) {
	raw, ok := b.fields[name]
	if !ok {
		return nil, false
	}
	if string(raw) == "null" {
		return nil, true
	}
	var fields map[string]json.RawMessage
	if json.Unmarshal(raw, &fields) != nil {
		b.c.fail(validationDetail{Loc: []any{"body", name}, Msg: "Input should be a valid dictionary or object to extract fields from", Type: "model_attributes_type", Input: b.input(name)})
		return nil, false
	}
	failed := false
	var a polar.AddressInput
	for _, f := range []struct {
		key string
		dst **string
	}{{"line1", &a.Line1}, {"line2", &a.Line2}, {"postal_code", &a.PostalCode}, {"city", &a.City}, {"state", &a.State}} {
		fr, ok := fields[f.key]
		if !ok || string(fr) == "null" {
			continue
		}
		var s string
		if json.Unmarshal(fr, &s) != nil {
			var in any
			_ = json.Unmarshal(fr, &in)
			b.c.fail(validationDetail{Loc: []any{"body", name, f.key}, Msg: "Input should be a valid string", Type: "string_type", Input: in})
			failed = true
			continue
		}
		*f.dst = &s
	}
	cr, ok := fields["country"]
	var country string
	switch {
	case !ok:
		var in any
		_ = json.Unmarshal(raw, &in)
		b.c.fail(missing(in, "body", name, "country"))
		failed = true
	case json.Unmarshal(cr, &country) != nil || len(country) != 2 || strings.ToUpper(country) != country:
		var in any
		_ = json.Unmarshal(cr, &in)
		b.c.fail(validationDetail{Loc: []any{"body", name, "country"}, Msg: "Input should be a valid ISO 3166-1 alpha-2 country code", Type: "enum", Input: in})
		failed = true
	}
	if failed {
		return nil, false
	}
	a.Country = polar.CountryAlpha2(country)
	return &a, true
}

// emailProblem checks an email address's syntax as email-validator does
// (Polar's EmailStr), without its DNS check: "" when it is valid, and
// otherwise the reason.
func emailProblem(email string) string {
	at := strings.LastIndexByte(email, '@')
	switch {
	case at < 0:
		return "An email address must have an @-sign."
	case at == 0:
		return "There must be something before the @-sign."
	case at == len(email)-1:
		return "There must be something after the @-sign."
	}
	local, domain := email[:at], email[at+1:]
	for _, r := range local {
		if r <= ' ' || r == '@' || r == '"' || r == '(' || r == ')' || r == ',' || r == ':' || r == ';' || r == '<' || r == '>' || r == '[' || r == '\\' || r == ']' {
			return "The email address contains invalid characters before the @-sign: '" + string(r) + "'."
		}
	}
	if strings.HasPrefix(local, ".") || strings.HasSuffix(local, ".") || strings.Contains(local, "..") {
		return "The email address contains a period in an invalid position."
	}
	for _, r := range domain {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '.' || r > 127) {
			return "The part after the @-sign contains invalid characters: '" + string(r) + "'."
		}
	}
	if !strings.Contains(domain, ".") {
		return "The part after the @-sign is not valid. It should have a period."
	}
	if strings.HasPrefix(domain, ".") || strings.HasSuffix(domain, ".") || strings.Contains(domain, "..") {
		return "An email address cannot have a period immediately after the @-sign."
	}
	tld := strings.ToLower(domain[strings.LastIndexByte(domain, '.')+1:])
	switch tld {
	case "arpa", "invalid", "local", "localhost", "onion", "test":
		return "The part after the @-sign is a special-use or reserved name that cannot be used with email."
	}
	return ""
}
