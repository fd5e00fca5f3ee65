package polar

import (
	"encoding/json"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"maps"
	"net/http"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/polarportal/polar-go/internal/openapi"
)

// errorBody is the shape of every domain error body, which
// newResponseError parses into an *APIError.
type errorBody struct {
	Error  string `json:"error"`
	Detail string `json:"detail"`
}

var apiErrorType = reflect.TypeFor[errorBody]()

// httpValidationError is the shape of a 422 validation body, which
// newResponseError parses into a *ValidationError.
type httpValidationError struct {
	Error  string             `json:"error"`
	Detail []ValidationDetail `json:"detail"`
}

// sharedSchemaTypes maps the object and union schemas that the operations
// of several services reach to their Go types; an opSpec's schemas holds
// the others. Enum schemas need no entry: their Go type carries the
// schema's name.
var sharedSchemaTypes = map[string]reflect.Type{
	// Pages and error bodies
	"HTTPValidationError": reflect.TypeFor[httpValidationError](),
	"NotPermitted":        apiErrorType,
	"Pagination":          reflect.TypeFor[Pagination](),
	"ResourceNotFound":    apiErrorType,
	"ValidationError":     reflect.TypeFor[ValidationDetail](),

	// Customers and addresses
	"Address":                    reflect.TypeFor[Address](),
	"AddressInput":               reflect.TypeFor[AddressInput](),
	"CustomerPortalCustomer":     reflect.TypeFor[CustomerPortalCustomer](),
	"CustomerPortalOAuthAccount": reflect.TypeFor[CustomerPortalOAuthAccount](),
	"MetadataOutputType":         reflect.TypeFor[map[string]any](),

	// Organizations, products and prices
	"BenefitPublic":                       reflect.TypeFor[BenefitPublic](),
	"CustomerOrganization":                reflect.TypeFor[CustomerOrganization](),
	"CustomerOrganizationFeatureSettings": reflect.TypeFor[CustomerOrganizationFeatureSettings](),
	"CustomerPortalCustomerSettings":      reflect.TypeFor[CustomerPortalCustomerSettings](),
	"CustomerPortalSubscriptionSettings":  reflect.TypeFor[CustomerPortalSubscriptionSettings](),
	"CustomerPortalUsageSettings":         reflect.TypeFor[CustomerPortalUsageSettings](),
	"LegacyRecurringProductPrice":         reflect.TypeFor[LegacyRecurringProductPrice](),
	"LegacyRecurringProductPriceCustom":   reflect.TypeFor[LegacyRecurringProductPriceCustom](),
	"LegacyRecurringProductPriceFixed":    reflect.TypeFor[LegacyRecurringProductPriceFixed](),
	"OrganizationCustomerPortalSettings":  reflect.TypeFor[OrganizationCustomerPortalSettings](),
	"ProductMediaFileRead":                reflect.TypeFor[ProductMediaFile](),
	"ProductPrice":                        reflect.TypeFor[ProductPrice](),
	"ProductPriceCustom":                  reflect.TypeFor[ProductPriceCustom](),
	"ProductPriceFixed":                   reflect.TypeFor[ProductPriceFixed](),
	"ProductPriceMeter":                   reflect.TypeFor[ProductPriceMeter](),
	"ProductPriceMeteredTiers":            reflect.TypeFor[ProductPriceMeteredTiers](),
	"ProductPriceMeteredUnit":             reflect.TypeFor[ProductPriceMeteredUnit](),
	"ProductPriceSeatBased":               reflect.TypeFor[ProductPriceSeatBased](),
	"ProductPriceSeatTier":                reflect.TypeFor[ProductPriceSeatTier](),
	"ProductPriceSeatTiers-Output":        reflect.TypeFor[ProductPriceSeatTiers](),
	"ProductPriceUnitBased":               reflect.TypeFor[ProductPriceUnitBased](),
	"Tier":                                reflect.TypeFor[Tier](),
	"Tiers":                               reflect.TypeFor[Tiers](),

	// Subscriptions, of the Subscriptions and Seats operations
	"CustomerSubscription":               reflect.TypeFor[CustomerSubscription](),
	"CustomerSubscriptionMeter":          reflect.TypeFor[CustomerSubscriptionMeter](),
	"CustomerSubscriptionMeterMeter":     reflect.TypeFor[Meter](),
	"CustomerSubscriptionProduct":        reflect.TypeFor[CustomerSubscriptionProduct](),
	"ListResource_CustomerSubscription_": reflect.TypeFor[Page[CustomerSubscription]](),
	"PendingSubscriptionUpdate":          reflect.TypeFor[PendingSubscriptionUpdate](),
}

// schemaTypes maps every schema of sharedSchemaTypes and of the opSpecs to
// its Go type.
var schemaTypes = maps.Clone(sharedSchemaTypes)

// addSchemaTypes adds the schema-to-type entries of one opSpec. A schema
// has one entry: with the operation that brings it, or in
// sharedSchemaTypes.
func addSchemaTypes(m map[string]reflect.Type) {
	for name, typ := range m {
		if _, dup := schemaTypes[name]; dup {
			panic("schema " + name + " mapped twice")
		}
		schemaTypes[name] = typ
	}
}

// intProperties are integer properties deliberately typed int rather than
// int64, keyed schema.property.
var intProperties = map[string]string{
	"Pagination.total_count": "Pagination{TotalCount, MaxPage int} is the public API: page numbers and counts are ints",
	"Pagination.max_page":    "Pagination{TotalCount, MaxPage int} is the public API: page numbers and counts are ints",
}

// extraJSONNames are JSON names a Go type carries beyond its schema's
// properties, keyed by schema.
var extraJSONNames = map[string][]string{
	// The 422 body carries "error": "RequestValidationError", which the
	// schema leaves out.
	"HTTPValidationError": {"error"},
	// API version 2027-01 adds these to the answer of license-key
	// validation; 2026-10 clients never receive them.
	"ValidatedLicenseKey": {"subscription_id", "subscription", "order_id", "order"},
}

// TestSpecCoverage walks the operation registry and checks each operation
// against the OpenAPI document: method, path, whether it is public, its
// query options, request body and result types, and, for every schema the
// registered operations reach, that it has a Go type, every property a JSON
// name with a matching Go type, every enum value a constant and every error
// body a sentinel.
func TestSpecCoverage(t *testing.T) {
	spec := loadSpec(t)
	pkg := parseGoPackage(t)
	checkOpSpecsCover(t)

	var roots, answers []any
	for _, id := range slices.Sorted(maps.Keys(registry)) {
		op := registry[id]
		so := spec.Operation(id)
		if so == nil {
			t.Errorf("registered operation %s is not in %s", id, openapi.SharedFile)
			continue
		}
		roots = append(roots, so.Object)
		answers = append(answers, so.Object["responses"])
		t.Run("operation "+id, func(t *testing.T) {
			for _, p := range checkOperation(op, so) {
				t.Error(p)
			}
			if s := opSpecs[id]; s != nil {
				for _, p := range unreachedSchemas(spec, so, s.schemas) {
					t.Error(p)
				}
			}
			checkQuery(t, spec, id, so, op.query)
		})
	}
	t.Logf("%d of the document's %d operations are registered", len(registry), len(spec.Operations()))

	answered := map[string]bool{} // schemas of answers, as opposed to request bodies only
	for _, name := range spec.Reachable(answers...) {
		answered[name] = true
	}
	reached := spec.Reachable(roots...)
	for _, name := range slices.Sorted(maps.Keys(sharedSchemaTypes)) {
		if !slices.Contains(reached, name) {
			t.Errorf("sharedSchemaTypes maps %s, which no registered operation reaches", name)
		}
	}
	for _, name := range reached {
		s := schemaOf(spec, name)
		t.Run(name, func(t *testing.T) {
			switch {
			case s["enum"] != nil:
				checkEnum(t, pkg, name, enumGoName(name), s["enum"])
			case s["oneOf"] != nil || s["anyOf"] != nil:
				checkUnion(t, pkg, name, s, answered[name])
			case s["properties"] == nil && s["additionalProperties"] != nil:
				checkMap(t, spec, pkg, name, s)
			case s["properties"] != nil || s["type"] == "object":
				checkObject(t, spec, pkg, name, s)
			default:
				t.Errorf("schema %s: neither object, enum nor union; teach this test about it", name)
			}
		})
	}
}

// unreachedSchemas reports the schemas an opSpec maps that its operation
// does not reach: an entry belongs with an operation that uses it.
func unreachedSchemas(doc *openapi.Document, so *openapi.Operation, types map[string]reflect.Type) (problems []string) {
	reached := doc.Reachable(so.Object)
	for _, name := range slices.Sorted(maps.Keys(types)) {
		if !slices.Contains(reached, name) {
			problems = append(problems, fmt.Sprintf("the opSpec maps schema %s, which %s does not reach", name, so.ID))
		}
	}
	return problems
}

// checkOperation compares a registered operation with the document's.
func checkOperation(op *operation, so *openapi.Operation) (problems []string) {
	errorf := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	if op.method != so.Method {
		errorf("method %s, the document says %s", op.method, so.Method)
	}
	if op.path != so.Path {
		errorf("path %s, the document says %s", op.path, so.Path)
	}
	security, _ := so.Object["security"].([]any)
	if public := len(security) == 0; op.public != public {
		errorf("public = %v, the document's security is %v", op.public, so.Object["security"])
	}

	// The request body.
	var bodySchema map[string]any
	if rb, ok := so.Object["requestBody"].(map[string]any); ok {
		bodySchema = jsonSchemaOf(rb)
	}
	switch {
	case bodySchema == nil && op.body != nil:
		errorf("sends a %v body; the document has none", op.body)
	case bodySchema != nil && op.body == nil:
		errorf("sends no body; the document wants %v", bodySchema)
	case bodySchema != nil:
		problems = append(problems, checkSchemaType("request body", bodySchema, op.body)...)
	}

	// The result: the first 2xx answer with content.
	responses, _ := so.Object["responses"].(map[string]any)
	var resultSchema map[string]any
	for _, code := range slices.Sorted(maps.Keys(responses)) {
		if code[0] != '2' {
			continue
		}
		r, _ := responses[code].(map[string]any)
		if s := jsonSchemaOf(r); s != nil && resultSchema == nil {
			resultSchema = s
		}
		if code == "202" && resultSchema == nil && !op.notReadyOn202 && op.kind != resultNone {
			errorf("a 202 without content is documented: set notReadyOn202 or declare no result")
		}
	}
	switch {
	case resultSchema == nil && op.result != nil:
		errorf("decodes a %v; the document answers no content", op.result)
	case resultSchema != nil && op.result == nil:
		errorf("declares no result; the document answers %v", resultSchema)
	case resultSchema != nil:
		problems = append(problems, checkSchemaType("result", resultSchema, op.result)...)
	}
	return problems
}

// jsonSchemaOf returns the application/json schema of a request body or
// response object, or nil.
func jsonSchemaOf(v map[string]any) map[string]any {
	content, _ := v["content"].(map[string]any)
	mt, _ := content["application/json"].(map[string]any)
	s, _ := mt["schema"].(map[string]any)
	if len(s) == 0 {
		return nil
	}
	return s
}

// checkSchemaType checks that Go type gt (a pointer is followed) is the
// type of schema s: the type registered for its $ref, or for an anyOf of
// references an interface that each member's type implements.
func checkSchemaType(what string, s map[string]any, gt reflect.Type) (problems []string) {
	errorf := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	for gt.Kind() == reflect.Pointer {
		gt = gt.Elem()
	}
	if name, ok := refName(s["$ref"]); ok {
		want, known := schemaTypes[name]
		switch {
		case !known && gt.Name() != name:
			errorf("%s is %v; the document's %s has no Go type in schemaTypes", what, gt, name)
		case known && want != gt:
			errorf("%s is %v, want %v (schema %s)", what, gt, want, name)
		}
		return problems
	}
	members := unionMembers(s["anyOf"])
	if len(members) == 0 {
		members = unionMembers(s["oneOf"])
	}
	if len(members) == 0 || gt.Kind() != reflect.Interface {
		errorf("%s is %v; the document's schema is %v", what, gt, s)
		return problems
	}
	for _, m := range members {
		mt, ok := schemaTypes[m]
		if !ok {
			errorf("%s: no Go type for member schema %s", what, m)
			continue
		}
		if mt.Kind() == reflect.Struct {
			mt = reflect.PointerTo(mt)
		}
		if !mt.Implements(gt) {
			errorf("%s: %v (schema %s) does not implement %v", what, mt, m, gt)
		}
	}
	return problems
}

// TestSpecWalkCatchesMistakes declares operations wrongly on purpose: the
// walk must report each mistake.
func TestSpecWalkCatchesMistakes(t *testing.T) {
	spec := loadSpec(t)
	so := spec.Operation("customer_portal:orders:update")
	good := *ordersUpdate.op
	if p := checkOperation(&good, so); len(p) != 0 {
		t.Fatalf("the real declaration has problems: %v", p)
	}
	mistakes := map[string]func(op *operation){
		"wrong path":      func(op *operation) { op.path = "/v1/customer-portal/orders/{id}/" },
		"wrong method":    func(op *operation) { op.method = http.MethodPut },
		"public":          func(op *operation) { op.public = true },
		"wrong body type": func(op *operation) { op.body = reflect.TypeFor[*CustomerOrderConfirmPayment]() },
		"no body":         func(op *operation) { op.body = nil },
		"wrong result":    func(op *operation) { op.result = reflect.TypeFor[*CustomerOrderInvoice]() },
		"no result":       func(op *operation) { op.result, op.kind = nil, resultNone },
	}
	for name, mistake := range mistakes {
		op := good
		mistake(&op)
		if p := checkOperation(&op, so); len(p) == 0 {
			t.Errorf("%s: not reported", name)
		}
	}

	// An opSpec's schemas must be ones its operation reaches.
	if p := unreachedSchemas(spec, so, opSpecs[so.ID].schemas); len(p) != 0 {
		t.Fatalf("the real opSpec has problems: %v", p)
	}
	misplaced := maps.Clone(opSpecs[so.ID].schemas)
	misplaced["CustomerOrderInvoice"] = reflect.TypeFor[CustomerOrderInvoice]()
	if p := unreachedSchemas(spec, so, misplaced); len(p) != 1 {
		t.Errorf("a schema the operation does not reach: reported %v", p)
	}
}

// loadSpec returns the shared OpenAPI document, or skips the test where
// the shared folder does not sit beside the module.
func loadSpec(t *testing.T) *openapi.Document {
	t.Helper()
	doc, err := sharedSpec()
	if errors.Is(err, fs.ErrNotExist) {
		t.Skipf("OpenAPI document %s not found: spec coverage is checked only where the shared folder sits beside the module (%v)", openapi.SharedFile, err)
	}
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// sharedSpec parses the shared document once per test binary.
var sharedSpec = sync.OnceValues(openapi.LoadShared)

// schemaOf returns the component schema called name as an object.
func schemaOf(doc *openapi.Document, name string) map[string]any {
	s, _ := doc.Schema(name).(map[string]any)
	return s
}

// refName returns the schema name of a "#/components/schemas/X" reference.
func refName(v any) (string, bool) {
	s, ok := v.(string)
	if !ok {
		return "", false
	}
	return strings.CutPrefix(s, "#/components/schemas/")
}

// A goPackage is what the test reads from the package's source: the
// string constants of each named type, the declared type names, and the
// package-level variables.
type goPackage struct {
	consts map[string]map[string]bool // type name -> values
	types  map[string]bool
	vars   map[string]bool
}

func parseGoPackage(t *testing.T) *goPackage {
	t.Helper()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	pkg := &goPackage{consts: map[string]map[string]bool{}, types: map[string]bool{}, vars: map[string]bool{}}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		for _, decl := range f.Decls {
			gd, ok := decl.(*ast.GenDecl)
			if !ok {
				continue
			}
			for _, spec := range gd.Specs {
				switch spec := spec.(type) {
				case *ast.TypeSpec:
					pkg.types[spec.Name.Name] = true
				case *ast.ValueSpec:
					if gd.Tok == token.VAR {
						for _, n := range spec.Names {
							pkg.vars[n.Name] = true
						}
						continue
					}
					typ, ok := spec.Type.(*ast.Ident)
					if !ok {
						continue
					}
					for _, v := range spec.Values {
						lit, ok := v.(*ast.BasicLit)
						if !ok || lit.Kind != token.STRING {
							continue
						}
						s, err := strconv.Unquote(lit.Value)
						if err != nil {
							t.Fatal(err)
						}
						if pkg.consts[typ.Name] == nil {
							pkg.consts[typ.Name] = map[string]bool{}
						}
						pkg.consts[typ.Name][s] = true
					}
				}
			}
		}
	}
	return pkg
}

// checkEnum checks that Go type goName has a constant for every value.
func checkEnum(t *testing.T, pkg *goPackage, where, goName string, values any) {
	t.Helper()
	if !pkg.types[goName] {
		t.Errorf("%s: no Go type %s for the enum", where, goName)
		return
	}
	vals, _ := values.([]any)
	var missing []string
	for _, v := range vals {
		s, ok := v.(string)
		if !ok {
			t.Errorf("%s: enum value %v is not a string", where, v)
			continue
		}
		if !pkg.consts[goName][s] {
			missing = append(missing, strconv.Quote(s))
		}
	}
	if len(missing) > 0 {
		t.Errorf("%s: type %s has no constant for %s", where, goName, strings.Join(missing, ", "))
	}
}

// checkUnion checks a oneOf or anyOf schema: its Go type is an interface,
// and each member's Go type implements it. A union the API answers with
// needs an Unknown variant; a request union, only ever sent, does not. The
// members are checked as schemas of their own.
func checkUnion(t *testing.T, pkg *goPackage, name string, s map[string]any, answered bool) {
	gt, ok := goTypeOf(t, name, reflect.Interface, "a union")
	if !ok {
		return
	}
	if answered && !pkg.types[gt.Name()+"Unknown"] {
		t.Errorf("union %s: no %sUnknown variant for values this SDK does not know", name, gt.Name())
	}
	members := unionMembers(s["oneOf"])
	if members == nil {
		members = unionMembers(s["anyOf"])
	}
	for _, m := range members {
		if m == "" {
			t.Errorf("union %s: an inline member; this test expects references", name)
			continue
		}
		checkImplements(t, name, m, gt)
	}
}

// checkMap checks an object schema that has only additionalProperties: its
// Go type is a map with string keys whose values match them.
func checkMap(t *testing.T, spec *openapi.Document, pkg *goPackage, name string, s map[string]any) {
	gt, ok := goTypeOf(t, name, reflect.Map, "a map")
	if !ok {
		return
	}
	ap, _ := s["additionalProperties"].(map[string]any)
	if gt.Key().Kind() != reflect.String {
		t.Errorf("schema %s: Go type %v has no string keys", name, gt)
	}
	_, ap = splitNullable(ap)
	for _, p := range checkType(spec, pkg, name+"{}", ap, gt.Elem()) {
		t.Error(p)
	}
}

// unionMembers returns the referenced schema names of a oneOf/anyOf list
// ("" for an inline member).
func unionMembers(v any) []string {
	list, _ := v.([]any)
	var names []string
	for _, m := range list {
		mm, _ := m.(map[string]any)
		name, _ := refName(mm["$ref"])
		names = append(names, name)
	}
	return names
}

func checkImplements(t *testing.T, where, member string, iface reflect.Type) {
	t.Helper()
	mt, ok := schemaTypes[member]
	if !ok {
		t.Errorf("%s: no Go type for member schema %s", where, member)
		return
	}
	if mt.Kind() == reflect.Struct {
		mt = reflect.PointerTo(mt)
	}
	if !mt.Implements(iface) {
		t.Errorf("%s: %v (schema %s) does not implement %v", where, mt, member, iface)
	}
}

// A goField is one JSON member of a Go struct.
type goField struct {
	goName string
	typ    reflect.Type
	omit   bool // omitempty or omitzero
}

// jsonFields returns the JSON members of struct type t as encoding/json
// sees them: embedded structs (and pointers to them) are followed, and a
// shallower field hides a deeper one of the same name.
func jsonFields(t reflect.Type) map[string]goField {
	out := map[string]goField{}
	depth := map[string]int{}
	var walk func(t reflect.Type, d int)
	walk = func(t reflect.Type, d int) {
		for t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		if t.Kind() != reflect.Struct {
			return
		}
		for i := range t.NumField() {
			f := t.Field(i)
			tag := f.Tag.Get("json")
			if tag == "-" {
				continue
			}
			name, opts, _ := strings.Cut(tag, ",")
			if f.Anonymous && name == "" {
				ft := f.Type
				for ft.Kind() == reflect.Pointer {
					ft = ft.Elem()
				}
				if ft.Kind() == reflect.Struct {
					walk(ft, d+1)
					continue
				}
			}
			if !f.IsExported() {
				continue
			}
			if name == "" {
				name = f.Name
			}
			if prev, ok := depth[name]; ok && prev <= d {
				continue
			}
			depth[name] = d
			omit := slices.Contains(strings.Split(opts, ","), "omitempty") || slices.Contains(strings.Split(opts, ","), "omitzero")
			out[name] = goField{goName: t.Name() + "." + f.Name, typ: f.Type, omit: omit}
		}
	}
	walk(t, 0)
	return out
}

// zeroMembers returns the members json.Marshal writes for the zero value
// of t: the constant discriminators a variant's MarshalJSON writes count
// as fields too.
func zeroMembers(t *testing.T, gt reflect.Type) map[string]json.RawMessage {
	t.Helper()
	b, err := json.Marshal(reflect.New(gt).Interface())
	if err != nil {
		t.Errorf("marshalling a zero %v: %v", gt, err)
		return nil
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		t.Errorf("a zero %v marshals to %s, not an object", gt, b)
	}
	return m
}

// goTypeOf returns the registered Go type of schema name, which must be of
// the given kind.
func goTypeOf(t *testing.T, name string, kind reflect.Kind, what string) (reflect.Type, bool) {
	t.Helper()
	gt, ok := schemaTypes[name]
	if !ok {
		t.Errorf("no Go type for schema %s", name)
		return nil, false
	}
	if gt.Kind() != kind {
		t.Errorf("schema %s is %s; its Go type %v should be a %v", name, what, gt, kind)
		return nil, false
	}
	return gt, true
}

func checkObject(t *testing.T, spec *openapi.Document, pkg *goPackage, name string, s map[string]any) {
	gt, ok := goTypeOf(t, name, reflect.Struct, "an object")
	if !ok {
		return
	}
	if gt == apiErrorType {
		checkErrorSchema(t, pkg, name, s)
	}
	fields := jsonFields(gt)
	zero := zeroMembers(t, gt)
	required := map[string]bool{}
	if list, ok := s["required"].([]any); ok {
		for _, r := range list {
			required[r.(string)] = true
		}
	}
	props, _ := s["properties"].(map[string]any)
	for _, prop := range slices.Sorted(maps.Keys(props)) {
		ps, _ := props[prop].(map[string]any)
		path := name + "." + prop
		f, ok := fields[prop]
		if !ok {
			raw, written := zero[prop]
			switch {
			case !written:
				t.Errorf("%s: no JSON name %q on %v", path, prop, gt)
			case ps["const"] != nil:
				var got any
				if json.Unmarshal(raw, &got) != nil || got != ps["const"] {
					t.Errorf("%s: %v writes %s, want the constant %v", path, gt, raw, ps["const"])
				}
			}
			continue
		}
		for _, p := range checkProperty(spec, pkg, path, ps, f, required[prop]) {
			t.Error(p)
		}
	}
	if gt == apiErrorType {
		return // one Go type serves every error schema
	}
	for jsonName, f := range fields {
		if _, ok := props[jsonName]; !ok && !slices.Contains(extraJSONNames[name], jsonName) {
			t.Errorf("%s: field %s has JSON name %q, which the schema does not have", name, f.goName, jsonName)
		}
	}
}

// checkErrorSchema checks an error body: an "error" constant, with a
// sentinel for errors.Is.
func checkErrorSchema(t *testing.T, pkg *goPackage, name string, s map[string]any) {
	props, _ := s["properties"].(map[string]any)
	errProp, _ := props["error"].(map[string]any)
	errName, _ := errProp["const"].(string)
	if errName == "" {
		t.Errorf("schema %s maps to APIError but has no constant error member", name)
		return
	}
	if !pkg.vars["Err"+errName] {
		t.Errorf("error %s: no sentinel Err%s", name, errName)
	}
}

// splitNullable separates "X or null" into whether null is allowed and X.
// With several non-null alternatives the schema is returned as is.
func splitNullable(s map[string]any) (bool, map[string]any) {
	if types, ok := s["type"].([]any); ok { // OpenAPI 3.1 ["string", "null"]
		var rest []any
		for _, ty := range types {
			if ty != "null" {
				rest = append(rest, ty)
			}
		}
		if len(rest) == len(types) {
			return false, s
		}
		c := make(map[string]any, len(s))
		for k, v := range s {
			c[k] = v
		}
		if len(rest) == 1 {
			c["type"] = rest[0]
		} else {
			c["type"] = rest
		}
		return true, c
	}
	alts, ok := s["anyOf"].([]any)
	if !ok {
		return false, s
	}
	nullable := false
	var rest []any
	for _, a := range alts {
		if am, _ := a.(map[string]any); am["type"] == "null" {
			nullable = true
			continue
		}
		rest = append(rest, a)
	}
	if len(rest) == 1 {
		inner, _ := rest[0].(map[string]any)
		if n, in := splitNullable(inner); n { // "(X or null) or null"
			return true, in
		}
		return nullable, inner
	}
	c := make(map[string]any, len(s))
	for k, v := range s {
		c[k] = v
	}
	c["anyOf"] = rest
	return nullable, c
}

// isNullable reports whether a field of type t can hold JSON null.
func isNullable(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Pointer, reflect.Map, reflect.Slice, reflect.Interface:
		return true
	}
	_, ok := nullableElem(t)
	return ok
}

// nullableElem returns T for Nullable[T].
func nullableElem(t reflect.Type) (reflect.Type, bool) {
	if t.PkgPath() != apiErrorType.PkgPath() || !strings.HasPrefix(t.Name(), "Nullable[") {
		return nil, false
	}
	m, ok := t.MethodByName("Get")
	if !ok {
		return nil, false
	}
	return m.Type.Out(0), true
}

// checkProperty checks one property's Go field against the conventions:
// required values are never omitted, required nullable ones marshal as
// null, and the Go type matches the schema.
func checkProperty(spec *openapi.Document, pkg *goPackage, path string, ps map[string]any, f goField, required bool) []string {
	var problems []string
	nullable, inner := splitNullable(ps)
	gt := f.typ
	switch {
	case required && !nullable:
		if f.omit {
			problems = append(problems, fmt.Sprintf("%s: required, but %s has omitempty, so a zero value would vanish", path, f.goName))
		}
		if gt.Kind() == reflect.Pointer {
			problems = append(problems, fmt.Sprintf("%s: required and not nullable, but %s is a pointer (%v)", path, f.goName, gt))
		}
	case required && nullable:
		if !isNullable(gt) {
			problems = append(problems, fmt.Sprintf("%s: required and nullable, but %s (%v) cannot hold null", path, f.goName, gt))
		}
		if f.omit {
			problems = append(problems, fmt.Sprintf("%s: required and nullable, so %s should marshal null: drop omitempty", path, f.goName))
		}
	case nullable && !isNullable(gt) && !f.omit:
		problems = append(problems, fmt.Sprintf("%s: nullable, but %s (%v) would send a zero value instead of leaving it out", path, f.goName, gt))
	}
	if gt.Kind() == reflect.Pointer {
		gt = gt.Elem()
	} else if elem, ok := nullableElem(gt); ok {
		gt = elem
	}
	return append(problems, checkType(spec, pkg, path, inner, gt)...)
}

var (
	timeType    = reflect.TypeFor[time.Time]()
	int64Type   = reflect.TypeFor[int64]()
	float64Type = reflect.TypeFor[float64]()
)

// checkType checks Go type gt against schema s (null already split off).
func checkType(spec *openapi.Document, pkg *goPackage, path string, s map[string]any, gt reflect.Type) []string {
	bad := func(format string, args ...any) []string {
		return []string{path + ": " + fmt.Sprintf(format, args...)}
	}
	if gt.Kind() == reflect.Pointer {
		return bad("Go type %v is a pointer inside a pointer, slice or map", gt)
	}
	if name, ok := refName(s["$ref"]); ok {
		target := schemaOf(spec, name)
		if target["enum"] != nil {
			if gt.Name() != enumGoName(name) || gt.PkgPath() != apiErrorType.PkgPath() || gt.Kind() != reflect.String {
				return bad("enum %s: Go type is %v, want %s", name, gt, enumGoName(name))
			}
			return nil
		}
		want, ok := schemaTypes[name]
		if !ok {
			return bad("no Go type for schema %s", name)
		}
		if gt != want {
			return bad("schema %s: Go type is %v, want %v", name, gt, want)
		}
		return nil
	}
	for _, key := range []string{"oneOf", "anyOf"} {
		if s[key] == nil {
			continue
		}
		if gt.Kind() != reflect.Interface {
			return bad("%s of several schemas: Go type %v should be an interface", key, gt)
		}
		var problems []string
		for _, m := range unionMembers(s[key]) {
			if m == "" {
				continue // a scalar alternative, such as string or integer
			}
			if mt, ok := schemaTypes[m]; !ok {
				problems = append(problems, path+": no Go type for schema "+m)
			} else if mt.Kind() == reflect.Struct && !reflect.PointerTo(mt).Implements(gt) || mt.Kind() != reflect.Struct && !mt.Implements(gt) {
				problems = append(problems, fmt.Sprintf("%s: %v (schema %s) does not implement %v", path, mt, m, gt))
			}
		}
		return problems
	}
	switch s["type"] {
	case "array":
		if items, ok := s["prefixItems"].([]any); ok {
			return checkTuple(spec, pkg, path, items, gt)
		}
		if gt.Kind() != reflect.Slice {
			return bad("array: Go type %v is not a slice", gt)
		}
		items, _ := s["items"].(map[string]any)
		_, items = splitNullable(items)
		return checkType(spec, pkg, path+"[]", items, gt.Elem())
	case "object":
		ap, ok := s["additionalProperties"].(map[string]any)
		if !ok || len(ap) == 0 {
			if k := gt.Kind(); k != reflect.Map && k != reflect.Interface && k != reflect.Struct && k != reflect.Slice {
				return bad("object: Go type %v", gt)
			}
			return nil
		}
		if gt.Kind() != reflect.Map || gt.Key().Kind() != reflect.String {
			return bad("object with additionalProperties: Go type %v is not a map with string keys", gt)
		}
		_, ap = splitNullable(ap)
		return checkType(spec, pkg, path+"{}", ap, gt.Elem())
	case "integer":
		if gt == int64Type {
			return nil
		}
		if gt.Kind() == reflect.Int && intProperties[path] != "" {
			return nil
		}
		return bad("integer: Go type is %v, want int64", gt)
	case "number":
		if gt != float64Type {
			return bad("number: Go type is %v, want float64", gt)
		}
	case "boolean":
		if gt.Kind() != reflect.Bool {
			return bad("boolean: Go type is %v", gt)
		}
	case "string":
		if s["format"] == "date-time" {
			if gt != timeType {
				return bad("date-time: Go type is %v, want time.Time", gt)
			}
			return nil
		}
		if gt.Kind() != reflect.String {
			return bad("string: Go type is %v", gt)
		}
		if s["enum"] != nil {
			if gt.Name() == "string" || gt.PkgPath() != apiErrorType.PkgPath() {
				return bad("inline enum: Go type is %v, want a named string type with constants", gt)
			}
			var problems []string
			for _, v := range s["enum"].([]any) {
				if str, _ := v.(string); !pkg.consts[gt.Name()][str] {
					problems = append(problems, strconv.Quote(str))
				}
			}
			if len(problems) > 0 {
				return bad("inline enum: type %s has no constant for %s", gt.Name(), strings.Join(problems, ", "))
			}
		}
	}
	return nil
}

// checkTuple checks Go type gt against a fixed-length array whose items
// have schemas of their own (prefixItems, such as a tax ID's [id,
// format]): gt is a struct with one exported field per item, in order,
// that marshals itself as the array.
func checkTuple(spec *openapi.Document, pkg *goPackage, path string, items []any, gt reflect.Type) []string {
	if gt.Kind() != reflect.Struct || !gt.Implements(reflect.TypeFor[json.Marshaler]()) ||
		!reflect.PointerTo(gt).Implements(reflect.TypeFor[json.Unmarshaler]()) {
		return []string{fmt.Sprintf("%s: a tuple of %d items: Go type %v should be a struct that marshals itself as an array", path, len(items), gt)}
	}
	var fields []reflect.StructField
	for i := range gt.NumField() {
		if f := gt.Field(i); f.IsExported() {
			fields = append(fields, f)
		}
	}
	if len(fields) != len(items) {
		return []string{fmt.Sprintf("%s: a tuple of %d items, but %v has %d exported fields", path, len(items), gt, len(fields))}
	}
	var problems []string
	for i, item := range items {
		is, _ := item.(map[string]any)
		_, is = splitNullable(is)
		problems = append(problems, checkType(spec, pkg, fmt.Sprintf("%s[%d]", path, i), is, fields[i].Type)...)
	}
	return problems
}

// checkQuery checks that every query parameter of an operation is a field
// of its options type, with the enum type the document names.
func checkQuery(t *testing.T, spec *openapi.Document, id string, op *openapi.Operation, opts reflect.Type) {
	query := op.Parameters("query")
	if len(query) == 0 {
		if opts != nil {
			t.Errorf("%s has no query parameters, but implementedOperations names %v", id, opts)
		}
		return
	}
	if opts == nil {
		var names []string
		for _, q := range query {
			names = append(names, fmt.Sprint(q["name"]))
		}
		t.Errorf("%s takes query parameters %v: name its options type in implementedOperations", id, names)
		return
	}
	fields := urlFields(opts)
	for _, q := range query {
		name, _ := q["name"].(string)
		ft, ok := fields[name]
		if !ok {
			t.Errorf("%s: query parameter %q is not a field of %v", id, name, opts)
			continue
		}
		// An enum parameter, alone or in a list, takes the enum's type.
		schema, _ := q["schema"].(map[string]any)
		for _, enum := range spec.Reachable(schema) {
			if schemaOf(spec, enum)["enum"] == nil {
				continue
			}
			for ft.Kind() == reflect.Slice || ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Name() != enumGoName(enum) {
				t.Errorf("%s: query parameter %q is %v, want the enum %s", id, name, ft, enumGoName(enum))
			}
		}
	}
}

// urlFields returns the go-querystring names of struct t's fields,
// following embedded structs.
func urlFields(t reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("url"), ",")
		if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
			for k, v := range urlFields(f.Type) {
				if _, ok := out[k]; !ok {
					out[k] = v
				}
			}
			continue
		}
		if name != "" && name != "-" {
			out[name] = f.Type
		}
	}
	return out
}
