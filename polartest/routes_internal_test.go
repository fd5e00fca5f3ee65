package polartest

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"

	polar "github.com/polarportal/polar-go"
	"github.com/polarportal/polar-go/internal/operations"
)

// TestRouteTable checks that the route table has exactly one route per
// operation of operations.All(), and that each has a handler.
func TestRouteTable(t *testing.T) {
	all := allRoutes()
	var ids []string
	for _, op := range operations.All() {
		ids = append(ids, op.ID)
		rt, ok := all[op.ID]
		if !ok {
			t.Errorf("no route for %s (%s %s)", op.ID, op.Method, op.Path)
			continue
		}
		if rt.handle == nil {
			t.Errorf("route %s has no handler", op.ID)
		}
		if op.Public != (rt.access.kind == accessPublic) {
			t.Errorf("route %s: public in polar is %v, access kind %d", op.ID, op.Public, rt.access.kind)
		}
	}
	for id := range all {
		if !slices.Contains(ids, id) {
			t.Errorf("route %s is no operation of operations.All()", id)
		}
	}
	if len(ids) != 48 {
		t.Errorf("operations.All() has %d operations, want 48", len(ids))
	}
}

func TestParseUUID(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		v4, ok   bool
		typ      string
	}{
		{"0E8C1A3A-1B2C-4D5E-8F90-123456789ABC", "0e8c1a3a-1b2c-4d5e-8f90-123456789abc", true, true, ""},
		{"0e8c1a3a1b2c4d5e8f90123456789abc", "0e8c1a3a-1b2c-4d5e-8f90-123456789abc", true, true, ""},
		{"0e8c1a3a-1b2c-1d5e-8f90-123456789abc", "", true, false, "uuid_version"},
		{"0e8c1a3a-1b2c-1d5e-8f90-123456789abc", "0e8c1a3a-1b2c-1d5e-8f90-123456789abc", false, true, ""},
		{"not-a-uuid", "", true, false, "uuid_parsing"},
		{"0e8c1a3a-1b2c-4d5e-8f90-123456789ab", "", true, false, "uuid_parsing"},
		{"", "", true, false, "uuid_parsing"},
	} {
		got, typ := parseUUID(tc.in, tc.v4)
		if ok := typ == ""; ok != tc.ok || got != tc.want || typ != tc.typ {
			t.Errorf("parseUUID(%q, %v) = %q, %q; want %q, %q, %v", tc.in, tc.v4, got, typ, tc.want, tc.typ, tc.ok)
		}
	}
}

func TestUUIDIsVersion4(t *testing.T) {
	for _, name := range []string{"a", "b", "order:1"} {
		id := UUID(name)
		if _, typ := parseUUID(id, true); typ != "" || id != UUID(name) {
			t.Errorf("UUID(%q) = %s: not a stable version-4 UUID", name, id)
		}
	}
	if UUID("a") == UUID("b") {
		t.Error("UUID gives one ID to two names")
	}
	if _, typ := parseUUID(demoID(5, 250), true); typ != "" {
		t.Errorf("demo ID %s is not a version-4 UUID", demoID(5, 250))
	}
}

// The helpers below serve services still to be implemented; they are
// checked here on their own.

func TestTableDelete(t *testing.T) {
	tb := newTable[int]()
	tb.put("a", 1)
	tb.put("b", 2)
	tb.put("a", 3)
	tb.del("a")
	tb.del("missing")
	if got := tb.all(); !slices.Equal(got, []int{2}) {
		t.Errorf("rows after del: %v", got)
	}
}

func newCall(method, target, body string) (*call, *httptest.ResponseRecorder) {
	w := httptest.NewRecorder()
	return &call{w: w, r: httptest.NewRequest(method, target, strings.NewReader(body))}, w
}

func TestBindQueryBool(t *testing.T) {
	for q, want := range map[string]string{"": "<nil>", "?active=true": "true", "?active=0": "false", "?active=maybe": "<nil>"} {
		c, _ := newCall(http.MethodGet, "/x"+q, "")
		var o polar.SubscriptionListOptions
		c.bindQuery(&o)
		got := "<nil>"
		if o.Active != nil {
			got = strconv.FormatBool(*o.Active)
		}
		if got != want || (q == "?active=maybe") != (c.err() != nil) || o.Page != 1 || o.Limit != 10 {
			t.Errorf("%s: %s (err %v, page %d, limit %d), want %s", q, got, c.err(), o.Page, o.Limit, want)
		}
	}
}

func TestBodyNullAndNoContent(t *testing.T) {
	c, w := newCall(http.MethodPatch, "/x", `{"name": null, "role": "member"}`)
	var req polar.CustomerPortalMemberUpdate
	if err := c.decode(&req); err != nil {
		t.Fatal(err)
	}
	if !c.isNull("name") || c.isNull("role") || c.isNull("nope") || !req.Name.IsNull() {
		t.Error("isNull is wrong")
	}
	if r, ok := req.Role.Get(); !ok || r != polar.MemberRoleMember {
		t.Errorf("role %q, %v", r, ok)
	}
	if err := c.noContent(); err != nil || w.Code != http.StatusNoContent || w.Body.Len() != 0 {
		t.Errorf("noContent: %d %q", w.Code, w.Body)
	}
}

// TestDecode: a body is read into the SDK's request type as Polar's
// schema reads it: required fields, unknown fields refused, lax integers
// and booleans, null only where the field is optional or a pointer.
func TestDecode(t *testing.T) {
	c, _ := newCall(http.MethodPost, "/x", `{"key": null, "organization_id": "o", "increment_usage": "5", "nope": 1, "conditions": {"a": true}}`)
	var req polar.LicenseKeyValidate
	err := c.decode(&req)
	var got []string
	if e, ok := err.(*apiError); ok {
		for _, d := range e.body.(map[string]any)["detail"].([]validationDetail) {
			got = append(got, fmt.Sprint(d.Loc, " ", d.Type))
		}
	}
	if want := []string{"[body key] string_type", "[body nope] extra_forbidden"}; !slices.Equal(got, want) {
		t.Errorf("problems %q, want %q", got, want)
	}
	c, _ = newCall(http.MethodPost, "/x", `{"key": "k", "organization_id": "o", "increment_usage": "5", "activation_id": null}`)
	req = polar.LicenseKeyValidate{}
	if err := c.decode(&req); err != nil || req.Key != "k" || req.IncrementUsage != 5 || req.ActivationID != "" {
		t.Errorf("lax: %+v, %v", req, err)
	}
	c, _ = newCall(http.MethodPost, "/x", `{"organization_id": "o"}`)
	if err := c.decode(&polar.LicenseKeyValidate{}); err == nil || len(c.errs) != 1 || c.errs[0].Type != "missing" || fmt.Sprint(c.errs[0].Loc) != "[body key]" {
		t.Errorf("missing key: %v %+v", err, c.errs)
	}
}
