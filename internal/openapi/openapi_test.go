package openapi

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// testDoc is a small document that uses every keyword the validator
// knows.
const testDoc = `{
  "openapi": "3.1.0",
  "paths": {
    "/v1/things/": {"get": {"operationId": "things:list", "parameters": [
      {"name": "limit", "in": "query", "schema": {"type": "integer"}},
      {"name": "X-Kind", "in": "header", "schema": {"$ref": "#/components/schemas/Kind"}}], "responses": {
      "200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Page"}}}},
      "422": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}}}},
    "/v1/things/{id}": {
      "get": {"operationId": "things:get", "responses": {
        "200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}},
        "404": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}}},
      "delete": {"operationId": "things:delete", "responses": {"204": {"description": "gone"}}}},
    "/v1/things/mine": {"get": {"operationId": "things:mine", "responses": {
      "202": {"content": {"application/json": {"schema": {}}}}}}}
  },
  "components": {"schemas": {
    "Page": {"type": "object", "required": ["items"], "properties": {
      "items": {"type": "array", "items": {"$ref": "#/components/schemas/Thing"}}}},
    "Problem": {"type": "object", "required": ["error", "detail"], "properties": {
      "error": {"const": "NotFound"}, "detail": {"type": "string"}}},
    "Kind": {"type": "string", "enum": ["a", "b"]},
    "Thing": {"type": "object", "required": ["id", "kind", "count", "when", "tax"],
      "additionalProperties": false,
      "properties": {
        "id": {"type": "string", "format": "uuid4"},
        "kind": {"$ref": "#/components/schemas/Kind"},
        "count": {"type": "integer", "minimum": 0, "maximum": 10},
        "ratio": {"type": ["number", "null"], "exclusiveMinimum": 0},
        "when": {"type": "string", "format": "date-time"},
        "email": {"anyOf": [{"type": "string", "format": "email"}, {"type": "null"}]},
        "name": {"type": "string", "minLength": 1, "maxLength": 5},
        "code": {"type": "string", "pattern": "^[A-Z]+$"},
        "odd": {"type": "string", "pattern": "^(?!x)"},
        "tax": {"anyOf": [{"type": "array", "prefixItems": [{"type": "string"}, {"$ref": "#/components/schemas/Kind"}], "minItems": 2, "maxItems": 2}, {"type": "null"}]},
        "meta": {"type": "object", "maxProperties": 2, "propertyNames": {"maxLength": 3},
          "additionalProperties": {"anyOf": [{"type": "string"}, {"type": "integer"}, {"type": "boolean"}]}},
        "price": {"oneOf": [{"$ref": "#/components/schemas/Fixed"}, {"$ref": "#/components/schemas/Free"}],
          "discriminator": {"propertyName": "amount_type", "mapping": {
            "fixed": "#/components/schemas/Fixed", "free": "#/components/schemas/Free"}}},
        "either": {"oneOf": [{"type": "integer"}, {"type": "string", "format": "uuid"}]},
        "both": {"allOf": [{"type": "string"}, {"minLength": 2}]},
        "link": {"type": "string", "format": "uri"}
      }},
    "Fixed": {"type": "object", "required": ["amount_type", "amount"], "properties": {
      "amount_type": {"const": "fixed"}, "amount": {"type": "integer"}}},
    "Free": {"type": "object", "required": ["amount_type"], "properties": {
      "amount_type": {"const": "free"}}}
  }}
}`

const goodThing = `{"id": "5d8f1e2a-7c4b-4a9e-8f3d-2b1c0a9e8d7f", "kind": "a", "count": 3, "ratio": 0.5,
  "when": "2026-08-01T12:00:00.123456Z", "email": "ada@example.com", "name": "Ada", "code": "ABC", "odd": "y",
  "tax": ["FR61954506077", "b"], "meta": {"k": "v", "n": 1}, "price": {"amount_type": "fixed", "amount": 100},
  "either": 7, "both": "xy", "link": "https://example.com/a"}`

func testDocument(t *testing.T) *Document {
	t.Helper()
	d, err := Parse([]byte(testDoc))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestValidateGood(t *testing.T) {
	d := testDocument(t)
	thing := map[string]any{"$ref": "#/components/schemas/Thing"}
	for _, doc := range []string{
		goodThing,
		// Optional properties absent, nullable ones null.
		`{"id": "5d8f1e2a-7c4b-4a9e-8f3d-2b1c0a9e8d7f", "kind": "b", "count": 0, "when": "2026-08-01T12:00:00+02:00", "tax": null, "ratio": null, "email": null}`,
		// The other member of a discriminated union, and of a plain oneOf.
		strings.Replace(strings.Replace(goodThing, `{"amount_type": "fixed", "amount": 100}`, `{"amount_type": "free"}`, 1),
			`"either": 7`, `"either": "5d8f1e2a-7c4b-4a9e-8f3d-2b1c0a9e8d7f"`, 1),
		// An integer written with an exponent is still an integer.
		strings.Replace(goodThing, `"count": 3`, `"count": 1e1`, 1),
	} {
		if err := d.ValidateJSON(thing, []byte(doc)); err != nil {
			t.Errorf("%v\n%s", err, doc)
		}
	}
	if err := d.ValidateJSON(map[string]any{"$ref": "#/components/schemas/Page"}, []byte(`{"items": [`+goodThing+`]}`)); err != nil {
		t.Error(err)
	}
}

func TestValidateBad(t *testing.T) {
	d := testDocument(t)
	thing := map[string]any{"$ref": "#/components/schemas/Thing"}
	for _, c := range []struct{ old, new, want string }{
		{`"kind": "a"`, `"kind": "c"`, `$.kind: "c" is not one of ["a","b"]`},
		{`"count": 3`, `"count": 3.5`, `$.count: 3.5 is not of type integer`},
		{`"count": 3`, `"count": "3"`, `$.count: "3" is not of type integer`},
		{`"count": 3`, `"count": -1`, `$.count: -1 is less than 0`},
		{`"count": 3`, `"count": 11`, `$.count: 11 is more than 10`},
		{`"ratio": 0.5`, `"ratio": 0`, `$.ratio: 0 is not more than 0`},
		{`"ratio": 0.5`, `"ratio": "x"`, `is not of type number or null`},
		{`"when": "2026-08-01T12:00:00.123456Z"`, `"when": "2026-08-01 12:00"`, `$.when: "2026-08-01 12:00" is not a date-time`},
		{`"id": "5d8f1e2a-7c4b-4a9e-8f3d-2b1c0a9e8d7f"`, `"id": "42"`, `$.id: "42" is not a UUID`},
		{`"email": "ada@example.com"`, `"email": "ada"`, `$.email: "ada" is not an email address`},
		{`"name": "Ada"`, `"name": ""`, `$.name: "" is shorter than 1`},
		{`"name": "Ada"`, `"name": "Adaline"`, `$.name: "Adaline" is longer than 5`},
		{`"code": "ABC"`, `"code": "abc"`, `$.code: "abc" does not match the pattern`},
		{`"tax": ["FR61954506077", "b"]`, `"tax": ["FR61954506077"]`, `$.tax: 1 items, fewer than 2`},
		{`"tax": ["FR61954506077", "b"]`, `"tax": ["FR61954506077", "z"]`, `$.tax[1]: "z" is not one of`},
		{`"meta": {"k": "v", "n": 1}`, `"meta": {"k": [1]}`, `$.meta.k: an array matches no member of anyOf`},
		{`"meta": {"k": "v", "n": 1}`, `"meta": {"long": 1}`, `$.meta.long (name): "long" is longer than 3`},
		{`"meta": {"k": "v", "n": 1}`, `"meta": {"a": 1, "b": 2, "c": 3}`, `$.meta: 3 properties, more than 2`},
		{`"amount": 100`, `"amount": "100"`, `$.price.amount: "100" is not of type integer`},
		{`{"amount_type": "fixed", "amount": 100}`, `{"amount_type": "usage"}`, `$.price.amount_type: "usage" is none of the values the discriminator maps (fixed, free)`},
		{`{"amount_type": "fixed", "amount": 100}`, `{"amount_type": "fixed"}`, `$.price: required property "amount" is missing`},
		{`"either": 7`, `"either": "seven"`, `$.either: "seven" matches no member of oneOf`},
		{`"both": "xy"`, `"both": "x"`, `$.both: "x" is shorter than 2`},
		{`"link": "https://example.com/a"`, `"link": "/a"`, `$.link: "/a" is not an absolute URI`},
		{`"kind": "a",`, ``, `$: required property "kind" is missing`},
		{`"kind": "a",`, `"kind": "a", "extra": 1,`, `$.extra: property not allowed`},
		{`"email": "ada@example.com"`, `"email": 5`, `$.email: 5 is not of type string`},
	} {
		doc := strings.Replace(goodThing, c.old, c.new, 1)
		if doc == goodThing {
			t.Fatalf("%q is not in the good document", c.old)
		}
		err := d.ValidateJSON(thing, []byte(doc))
		var ve *ValidationError
		if !errors.As(err, &ve) {
			t.Errorf("%s -> %s: error %v, want a *ValidationError", c.old, c.new, err)
			continue
		}
		if !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s -> %s: %v\nwant %q", c.old, c.new, err, c.want)
		}
	}
	if err := d.ValidateJSON(thing, []byte(`{"id":`)); err == nil || !strings.Contains(err.Error(), "not JSON") {
		t.Errorf("truncated JSON: %v", err)
	}
	if err := d.ValidateJSON(map[string]any{"$ref": "#/components/schemas/Nope"}, []byte(`{}`)); err == nil || !strings.Contains(err.Error(), `missing schema "Nope"`) {
		t.Errorf("dangling $ref: %v", err)
	}
	// Problems are bounded.
	err := d.ValidateJSON(map[string]any{"$ref": "#/components/schemas/Page"}, []byte(`{"items": [`+strings.Repeat(`{},`, 30)+`{}]}`))
	var ve *ValidationError
	if !errors.As(err, &ve) || len(ve.Problems) != maxProblems+1 || !strings.HasPrefix(ve.Problems[maxProblems], "... and ") {
		t.Errorf("problems of 31 empty things: %v", err)
	}
}

func TestOperations(t *testing.T) {
	d := testDocument(t)
	for _, c := range []struct{ method, path, want string }{
		{"GET", "/v1/things/", "things:list"},
		{"GET", "/v1/things/5d8f1e2a-7c4b-4a9e-8f3d-2b1c0a9e8d7f", "things:get"},
		{"GET", "/v1/things/mine", "things:mine"}, // the literal path wins
		{"delete", "/v1/things/x", "things:delete"},
		{"POST", "/v1/things/", ""},
		{"GET", "/v1/things", ""},
		{"GET", "/v1/things/a/b", ""},
	} {
		op := d.Find(c.method, c.path)
		switch {
		case op == nil && c.want != "":
			t.Errorf("%s %s: no operation, want %s", c.method, c.path, c.want)
		case op != nil && op.ID != c.want:
			t.Errorf("%s %s: %s, want %q", c.method, c.path, op.ID, c.want)
		}
	}
	get := d.Operation("things:get")
	if got := get.Statuses(); len(got) != 2 || got[0] != 200 || got[1] != 404 || !get.Documents(404) || get.Documents(500) {
		t.Errorf("statuses of things:get: %v", got)
	}
	if err := get.ValidateResponse(200, []byte(goodThing)); err != nil {
		t.Error(err)
	}
	if err := get.ValidateResponse(404, []byte(`{"error": "NotFound", "detail": "Not found"}`)); err != nil {
		t.Error(err)
	}
	if err := get.ValidateResponse(404, []byte(`{"error": "Gone", "detail": "Not found"}`)); err == nil {
		t.Error("a 404 with another error name passed")
	}
	if err := get.ValidateResponse(500, nil); err == nil || !strings.Contains(err.Error(), "documents no 500 answer") {
		t.Errorf("an undocumented status: %v", err)
	}
	if err := d.Operation("things:delete").ValidateResponse(204, nil); err != nil {
		t.Errorf("204 without a schema: %v", err)
	}
	if err := d.Operation("things:mine").ValidateResponse(202, []byte(`null`)); err != nil {
		t.Errorf("202 with an empty schema: %v", err)
	}
}

// An operation's object, its parameters and the schemas it reaches, for
// tests that compare the document with Go types.
func TestOperationObjects(t *testing.T) {
	d := testDocument(t)
	list := d.Operation("things:list")
	if list.Object["operationId"] != "things:list" || list.Object["responses"] == nil {
		t.Errorf("object of things:list: %v", list.Object)
	}
	if q := list.Parameters("query"); len(q) != 1 || q[0]["name"] != "limit" {
		t.Errorf("query parameters of things:list: %v", q)
	}
	if h := list.Parameters("header"); len(h) != 1 || h[0]["name"] != "X-Kind" {
		t.Errorf("header parameters of things:list: %v", h)
	}
	if p := d.Operation("things:get").Parameters("query"); p != nil {
		t.Errorf("query parameters of things:get: %v", p)
	}
	for _, c := range []struct {
		id   string
		want string
	}{
		// Through the responses: Page, Thing and the schemas Thing
		// refers to, and Problem.
		{"things:list", "Fixed Free Kind Page Problem Thing"},
		{"things:mine", ""},
		{"things:delete", ""},
	} {
		if got := strings.Join(d.Reachable(d.Operation(c.id).Object), " "); got != c.want {
			t.Errorf("schemas reached by %s: %q, want %q", c.id, got, c.want)
		}
	}
	if got := strings.Join(d.Reachable(d.Schema("Fixed"), map[string]any{"$ref": "#/components/schemas/Kind"}), " "); got != "Kind" {
		t.Errorf("schemas reached by Fixed and a reference to Kind: %q", got)
	}
}

// The shared document, where it is: its operations are found by their
// paths, and the module's wire fixtures validate, except those written as
// a newer server answers.
func TestSharedDocument(t *testing.T) {
	d, err := LoadShared()
	if errors.Is(err, os.ErrNotExist) {
		t.Skipf("%s not found beside the module: %v", SharedFile, err)
	}
	if err != nil {
		t.Fatal(err)
	}
	if n := len(d.Operations()); n != 48 {
		t.Errorf("%d operations, want 48", n)
	}
	for _, c := range []struct{ method, path, want string }{
		{"GET", "/v1/customer-portal/customers/me", "customer_portal:customers:get"},
		{"POST", "/v1/customer-portal/license-keys/validate", "customer_portal:license_keys:validate"},
		{"POST", "/v1/customer-portal/license-keys/5d8f1e2a-7c4b-4a9e-8f3d-2b1c0a9e8d7f/rotate", "customer_portal:license_keys:rotate"},
		{"GET", "/v1/customer-portal/seats/subscriptions", "customer_portal:seats:list_claimed_subscriptions"},
		{"DELETE", "/v1/customer-portal/seats/5d8f1e2a-7c4b-4a9e-8f3d-2b1c0a9e8d7f", "customer_portal:seats:revoke_seat"},
		{"POST", "/v1/customer-portal/customers/me/payment-methods/confirm", "customer_portal:customers:confirm_payment_method"},
		{"POST", "/v1/customer-sessions/", "customer-sessions:create"},
	} {
		if op := d.Find(c.method, c.path); op == nil || op.ID != c.want {
			t.Errorf("%s %s: %+v, want %s", c.method, c.path, op, c.want)
		}
	}

	for _, c := range []struct {
		file, schema, bad string // bad: a problem the validator must report, "" if none
	}{
		{"order.json", "CustomerOrder", ""},
		{"orders_page1.json", "ListResource_CustomerOrder_", ""},
		{"subscription.json", "CustomerSubscription", ""},
		{"customer.json", "CustomerPortalCustomer", ""},
		{"order_future.json", "CustomerOrder", `$.status: "on_hold" is not one of`},
		{"order_future.json", "CustomerOrder", `"usage_blocks"`},
	} {
		b, err := os.ReadFile(filepath.Join("..", "..", "testdata", c.file))
		if err != nil {
			t.Fatal(err)
		}
		err = d.ValidateJSON(map[string]any{"$ref": "#/components/schemas/" + c.schema}, b)
		switch {
		case c.bad == "" && err != nil:
			t.Errorf("%s as %s: %v", c.file, c.schema, err)
		case c.bad != "" && (err == nil || !strings.Contains(err.Error(), c.bad)):
			t.Errorf("%s as %s: %v, want a problem with %s", c.file, c.schema, err, c.bad)
		}
	}
}
