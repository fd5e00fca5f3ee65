package polartest

import (
	"encoding/json"
	"errors"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	polar "github.com/polarportal/polar-go"
	"github.com/polarportal/polar-go/internal/operations"
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
	op  operations.Operation
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

// parseUUID checks a UUID as pydantic does (hex digits, with or without
// dashes, an optional urn:uuid: prefix), of version 4 when v4. It returns
// the UUID in canonical form, or the type of the problem.
func parseUUID(v string, v4 bool) (id, problemType string) {
	s := strings.TrimPrefix(strings.ToLower(v), "urn:uuid:")
	hex := strings.ReplaceAll(s, "-", "")
	if len(hex) != 32 || strings.Trim(hex, "0123456789abcdef") != "" ||
		strings.Contains(s, "-") && (len(s) != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-') {
		return "", "uuid_parsing"
	}
	if v4 && hex[12] != '4' {
		return "", "uuid_version"
	}
	return hex[0:8] + "-" + hex[8:12] + "-" + hex[12:16] + "-" + hex[16:20] + "-" + hex[20:32], ""
}

// pageParams are the page and limit of a list request.
type pageParams struct{ page, limit int }

// positiveInt reads the parameter name of the query q, an integer above
// 0 (def when absent), as Polar reads page and limit: of any size, those
// past int being past the last page or over 100.
func (c *call) positiveInt(q url.Values, name string, def int) int {
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
		c.fail(problem("int_parsing", raw, "query", name))
		return def
	}
	if n <= 0 {
		c.fail(problem("greater_than", raw, "query", name))
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

// A sorter compares two items by one property, ascending.
type sorter[T any] map[string]func(a, b T) int

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

// validEmail checks an email address's syntax roughly as email-validator
// does (Polar's EmailStr), without its DNS check: something before and
// after one @, no spaces or specials before it, a dotted domain of
// letters, digits and dashes, not a special-use name.
func validEmail(email string) bool {
	local, domain, ok := strings.Cut(email, "@")
	if !ok || local == "" || domain == "" || strings.ContainsAny(local, " \t\"(),:;<>[\\]@") || strings.ContainsAny(domain, "@_ ") {
		return false
	}
	for _, part := range []string{local, domain} {
		if strings.HasPrefix(part, ".") || strings.HasSuffix(part, ".") || strings.Contains(part, "..") {
			return false
		}
	}
	for _, r := range domain {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '.' || r > 127) {
			return false
		}
	}
	tld := strings.ToLower(domain[strings.LastIndexByte(domain, '.')+1:])
	return strings.Contains(domain, ".") && !slices.Contains([]string{"arpa", "invalid", "local", "localhost", "onion", "test"}, tld)
}
