package polartest

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"maps"
	"math"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	polar "github.com/polarportal/polar-go"
)

// Requests are read into the SDK's own types: a body into its request
// type (decode), a query string into its options struct (bindQuery), so
// that the fake restates no request shape. What Polar checks beyond the
// shape (UUIDs, enums, bounds) the handlers check with checkUUID and
// checkEnum. Every problem is one validationDetail made by problem, with
// Polar's loc and type.

// problemMsgs are short texts for the types of problems; the texts are
// not a contract, loc and type are.
var problemMsgs = map[string]string{
	"missing":               "Field required",
	"extra_forbidden":       "Extra inputs are not permitted",
	"json_invalid":          "JSON decode error",
	"model_attributes_type": "Input should be an object",
	"dict_type":             "Input should be an object",
	"list_type":             "Input should be a list",
	"string_type":           "Input should be a string",
	"int_type":              "Input should be an integer",
	"int_parsing":           "Input should be an integer",
	"int_from_float":        "Input should be an integer",
	"bool_type":             "Input should be a boolean",
	"bool_parsing":          "Input should be a boolean",
	"datetime_parsing":      "Input should be a date-time",
	"uuid_parsing":          "Input should be a UUID",
	"uuid_type":             "Input should be a UUID",
	"uuid_version":          "UUID version 4 expected",
	"enum":                  "Input should be one of the allowed values",
	"greater_than":          "Input is too small",
	"greater_than_equal":    "Input is too small",
	"less_than_equal":       "Input is too large",
	"string_too_short":      "String is too short",
	"string_too_long":       "String is too long",
	"too_long":              "Too many items",
	"literal_error":         "Input is not the expected literal",
	"none_required":         "Input should be null",
}

// problem is the 422 detail of one problem: of type typ, with the input
// at loc.
func problem(typ string, input any, loc ...any) validationDetail {
	msg, ok := problemMsgs[typ]
	if !ok {
		msg = "Invalid value"
	}
	return validationDetail{Loc: loc, Msg: msg, Type: typ, Input: input}
}

// rawBody reads the request body once, for decode and for handlers that
// read it more than one way (the unions). An empty body is a problem at
// ["body"], one that is not JSON at ["body", offset].
func (c *call) rawBody() (json.RawMessage, error) {
	if c.raw != nil {
		return c.raw, nil
	}
	raw, err := io.ReadAll(io.LimitReader(c.r.Body, maxBody+1))
	if err != nil {
		return nil, err
	}
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return nil, validationError(problem("missing", nil, "body"))
	}
	if !json.Valid(raw) { // decodeAs builds the tree; this only scans
		pos := 0
		if se, ok := json.Unmarshal(raw, new(any)).(*json.SyntaxError); ok { //nolint:errorlint // json.Unmarshal returns it unwrapped
			pos = int(se.Offset)
		}
		return nil, validationError(problem("json_invalid", map[string]any{}, "body", pos))
	}
	c.raw = raw
	return raw, nil
}

// decode reads the request body into v, a pointer to one of the SDK's
// request types, as Polar's schema reads it: a field whose json tag has
// neither omitempty nor omitzero is required, a field the type does not
// have is refused, and each value must decode into its field's type,
// after pydantic's lax conversions (see lax). It returns the 422 listing
// every problem (with those recorded before), or nil.
func (c *call) decode(v any) error {
	raw, err := c.rawBody()
	if err != nil {
		return err
	}
	if ps := c.decodeAs(raw, v, []any{"body"}); len(ps) > 0 {
		c.errs = append(c.errs, ps...)
	}
	return c.err()
}

// decodeAs decodes raw into v, or returns the problems at loc that keep
// it from decoding. The fields named in also, such as a union's tag, are
// allowed besides v's.
func (c *call) decodeAs(raw json.RawMessage, v any, loc []any, also ...string) []validationDetail {
	tree := jsonTree(raw)
	if ps := shapeProblems(&tree, reflect.TypeOf(v), loc, also...); len(ps) > 0 {
		return ps
	}
	if m, ok := tree.(map[string]any); ok {
		for _, k := range also {
			delete(m, k)
		}
	}
	b, _ := json.Marshal(tree)
	if err := json.Unmarshal(b, v); err != nil { // not reached: shapeProblems checked every value
		return []validationDetail{problem("value_error", tree, loc...)}
	}
	return nil
}

// jsonTree decodes raw into a tree of maps, slices and json.Numbers.
func jsonTree(raw json.RawMessage) any {
	var v any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	_ = dec.Decode(&v)
	return v
}

var (
	timeType        = reflect.TypeFor[time.Time]()
	rawMessageType  = reflect.TypeFor[json.RawMessage]()
	unmarshalerType = reflect.TypeFor[json.Unmarshaler]()
	nullablePrefix  = reflect.TypeFor[polar.Nullable[bool]]().PkgPath() + ".Nullable["
)

// shapeProblems lists what keeps the JSON value *v from decoding into a
// value of type t, at loc: missing and unknown fields of objects, and
// values of the wrong type. null is accepted where t is a pointer or a
// Nullable. Values that pydantic converts in lax mode are converted in
// place (see lax). The fields named in also are allowed in an object
// besides t's.
func shapeProblems(v *any, t reflect.Type, loc []any, also ...string) []validationDetail {
	return nestedProblems(v, t, loc, false, also)
}

// nestedProblems is shapeProblems of a value nested in the body when
// nested: an object there that is not one is a dict_type problem (Polar's
// nested objects are dicts), at the top a model_attributes_type one.
func nestedProblems(v *any, t reflect.Type, loc []any, nested bool, also []string) []validationDetail {
	null := *v == nil
	for t.Kind() == reflect.Pointer {
		if null {
			return nil
		}
		t = t.Elem()
	}
	if strings.HasPrefix(t.PkgPath()+"."+t.Name(), nullablePrefix) {
		if null {
			return nil
		}
		return nestedProblems(v, t.Field(0).Type, loc, nested, also)
	}
	if t.Kind() != reflect.Struct || t == timeType || reflect.PointerTo(t).Implements(unmarshalerType) {
		orig := *v
		if t != rawMessageType {
			*v = lax(orig, t.Kind())
		}
		b, _ := json.Marshal(*v)
		if err := json.Unmarshal(b, reflect.New(t).Interface()); err != nil || null && t != rawMessageType && t.Kind() != reflect.Map && t.Kind() != reflect.Slice {
			return []validationDetail{problem(typeProblem(t, orig, err), orig, loc...)}
		}
		return nil
	}
	fields, ok := (*v).(map[string]any)
	if !ok {
		return []validationDetail{problem(map[bool]string{false: "model_attributes_type", true: "dict_type"}[nested], *v, loc...)}
	}
	var out []validationDetail
	known := map[string]bool{}
	for _, k := range also {
		known[k] = true
	}
	for _, f := range jsonFields(t) {
		known[f.name] = true
		at := append(slices.Clip(loc), f.name)
		if fv, ok := fields[f.name]; ok {
			if fv == nil && !f.required && f.typ.Kind() != reflect.Bool {
				continue // Polar's optional fields are nullable, but for booleans with a default
			}
			out = append(out, nestedProblems(&fv, f.typ, at, true, nil)...)
			fields[f.name] = fv
		} else if f.required {
			out = append(out, problem("missing", *v, at...))
		}
	}
	for _, k := range slices.Sorted(maps.Keys(fields)) {
		if !known[k] {
			out = append(out, problem("extra_forbidden", fields[k], append(slices.Clip(loc), k)...))
		}
	}
	return out
}

// lax converts v as pydantic's lax mode does for a field of kind k: an
// integer from a numeric string or an integral number, a boolean from
// 0, 1 and strings such as "yes" or "off". Anything else is left as is.
func lax(v any, k reflect.Kind) any {
	switch k {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		switch x := v.(type) {
		case string:
			if _, err := strconv.ParseInt(strings.TrimSpace(x), 10, 64); err == nil {
				return json.Number(strings.TrimSpace(x))
			}
		case json.Number:
			if f, err := x.Float64(); err == nil && f == math.Trunc(f) && math.Abs(f) < 1<<53 {
				return json.Number(strconv.FormatInt(int64(f), 10))
			}
		}
	case reflect.Bool:
		switch x := v.(type) {
		case string:
			if b, ok := laxBool(x); ok {
				return b
			}
		case json.Number:
			if x == "0" || x == "1" {
				return x == "1"
			}
		}
	}
	return v
}

// typeProblem names what is wrong with a value v that does not decode
// into t, as pydantic's types do.
func typeProblem(t reflect.Type, v any, err error) string {
	var te *json.UnmarshalTypeError
	switch {
	case t == timeType:
		return "datetime_parsing"
	case err != nil && !errors.As(err, &te) && t.Kind() != reflect.Map && t.Kind() != reflect.Slice:
		return "value_error"
	}
	_, isString := v.(string)
	switch t.Kind() {
	case reflect.String:
		return "string_type"
	case reflect.Bool:
		if isString {
			return "bool_parsing"
		}
		return "bool_type"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		_, isNumber := v.(json.Number)
		switch {
		case isString:
			return "int_parsing"
		case isNumber:
			return "int_from_float"
		}
		return "int_type"
	case reflect.Map:
		return "dict_type"
	case reflect.Slice, reflect.Array:
		return "list_type"
	}
	return "value_error"
}

// A jsonField is a field of a struct as encoding/json sees it.
type jsonField struct {
	name     string
	typ      reflect.Type
	required bool
}

// jsonFields lists the fields of struct type t by their json names, those
// of embedded structs included.
func jsonFields(t reflect.Type) []jsonField {
	var out []jsonField
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" || (!f.IsExported() && !f.Anonymous) {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
			out = append(out, jsonFields(f.Type)...)
			continue
		}
		if name == "" {
			name = f.Name
		}
		optional := slices.ContainsFunc(strings.Split(opts, ","), func(o string) bool { return o == "omitempty" || o == "omitzero" })
		out = append(out, jsonField{name: name, typ: f.Type, required: !optional})
	}
	return out
}

func rawInput(raw json.RawMessage) any {
	var v any
	_ = json.Unmarshal(raw, &v)
	return v
}

// checkUUID checks that *id, read from loc, is a UUID (of version 4 when
// v4), recording the problem if not; a valid one is put in canonical
// form. An empty ID, a field left out, is left alone.
func (c *call) checkUUID(id *string, v4 bool, loc ...any) {
	if *id == "" {
		return
	}
	canon, typ := parseUUID(*id, v4)
	if typ != "" {
		c.fail(problem(typ, *id, loc...))
		return
	}
	*id = canon
}

// checkEnum checks that v, read from loc, is one of allowed.
func (c *call) checkEnum(v string, allowed []string, loc ...any) bool {
	if slices.Contains(allowed, v) {
		return true
	}
	c.fail(problem("enum", v, loc...))
	return false
}

// A queryRule checks the values of one query parameter: check returns
// the value to keep (a UUID in canonical form) or records a problem at
// loc and returns false.
type queryRule struct {
	name  string
	check func(c *call, v string, loc []any) (string, bool)
}

// uuidParams is the rule of query parameters that are UUIDs (of version
// 4 when v4).
func uuidParams(v4 bool, names ...string) []queryRule {
	var out []queryRule
	for _, n := range names {
		out = append(out, queryRule{n, func(c *call, v string, loc []any) (string, bool) {
			id, typ := parseUUID(v, v4)
			if typ != "" {
				c.fail(problem(typ, v, loc...))
			}
			return id, typ == ""
		}})
	}
	return out
}

// enumParam is the rule of a query parameter whose values are among
// allowed.
func enumParam(name string, allowed ...string) queryRule {
	return queryRule{name, func(c *call, v string, loc []any) (string, bool) { return v, c.checkEnum(v, allowed, loc...) }}
}

// sortParam is the rule of the sorting parameter: each value is a key of
// keys, with an optional leading "-" for descending.
func sortParam[T any](keys sorter[T]) queryRule {
	return queryRule{"sorting", func(c *call, v string, loc []any) (string, bool) {
		if _, ok := keys[strings.TrimPrefix(v, "-")]; ok {
			return v, true
		}
		c.fail(problem("enum", v, loc...))
		return v, false
	}}
}

// bindQuery fills opts, a pointer to one of the SDK's option structs,
// from the query string through the url tags the SDK writes it with, as
// FastAPI reads a query: a single value takes the parameter's last
// value, a slice every value; a field whose url tag lacks omitempty is
// required. page and limit are read as Polar reads them (1 and 10 when
// absent; see positiveInt). Each value is checked by the rule of its
// name, if any; problems are recorded at ["query", name(, index)].
func (c *call) bindQuery(opts any, rules ...queryRule) {
	c.bindValue(c.r.URL.Query(), reflect.ValueOf(opts).Elem(), rules)
}

// pageDefaults are the page and limit of a list request without them.
var pageDefaults = map[string]int{"page": 1, "limit": 10}

// bindValue binds q into the struct v (and the structs it embeds): the
// query is parsed once, by bindQuery.
func (c *call) bindValue(q url.Values, v reflect.Value, rules []queryRule) {
	for i := range v.NumField() {
		f, fv := v.Type().Field(i), v.Field(i)
		if f.Anonymous && f.Type.Kind() == reflect.Struct {
			c.bindValue(q, fv, rules)
			continue
		}
		name, opts, _ := strings.Cut(f.Tag.Get("url"), ",")
		if name == "" || name == "-" {
			continue
		}
		if fv.Kind() == reflect.Int {
			fv.SetInt(int64(c.positiveInt(q, name, pageDefaults[name])))
			continue
		}
		vals := q[name]
		if len(vals) == 0 {
			if !strings.Contains(opts, "omitempty") {
				c.fail(problem("missing", nil, "query", name))
			}
			continue
		}
		check := func(v string, loc []any) (string, bool) { return v, true }
		if i := slices.IndexFunc(rules, func(r queryRule) bool { return r.name == name }); i >= 0 {
			check = func(v string, loc []any) (string, bool) { return rules[i].check(c, v, loc) }
		}
		switch fv.Kind() {
		case reflect.String:
			if s, ok := check(vals[len(vals)-1], []any{"query", name}); ok {
				fv.SetString(s)
			}
		case reflect.Slice:
			for i, s := range vals {
				if s, ok := check(s, []any{"query", name, i}); ok {
					fv.Set(reflect.Append(fv, reflect.ValueOf(s).Convert(fv.Type().Elem())))
				}
			}
		case reflect.Pointer: // *bool
			if b, ok := laxBool(vals[len(vals)-1]); ok {
				fv.Set(reflect.ValueOf(&b))
			} else {
				c.fail(problem("bool_parsing", vals[len(vals)-1], "query", name))
			}
		}
	}
}

// laxBool reads a boolean query value as pydantic does.
func laxBool(s string) (bool, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "true", "1", "yes", "on", "t", "y":
		return true, true
	case "false", "0", "no", "off", "f", "n":
		return false, true
	}
	return false, false
}

// pageOf returns the page that o selects, its limit clamped to 100.
func pageOf(o polar.ListOptions) pageParams {
	return pageParams{page: o.Page, limit: min(o.Limit, polar.MaxLimit)}
}

// sortOrder returns the sorting criteria of a bound Sorting field, def
// when there are none.
func sortOrder[S ~string](sorting []S, def ...string) []string {
	if len(sorting) == 0 {
		return def
	}
	out := make([]string, len(sorting))
	for i, s := range sorting {
		out[i] = string(s)
	}
	return out
}

// checkEmail checks an email address (Polar's EmailStr), recording the
// problem if it is not one, and returns it trimmed, its domain in lower
// case as Polar stores it.
func (c *call) checkEmail(email string, loc ...any) string {
	email = strings.TrimSpace(email)
	if !validEmail(email) {
		c.fail(problem("value_error", email, loc...))
		return email
	}
	at := strings.LastIndexByte(email, '@')
	return email[:at+1] + strings.ToLower(email[at+1:])
}

// isNull reports whether the body read has the field name, set to null.
func (c *call) isNull(name string) bool {
	m, _ := jsonTree(c.raw).(map[string]any)
	v, ok := m[name]
	return ok && v == nil
}

// nullable returns what a Nullable field of a request says: set is
// false when it was left out, v is nil for null.
func nullable[T any](n polar.Nullable[T]) (v *T, set bool) {
	if x, ok := n.Get(); ok {
		return &x, true
	}
	return nil, n.IsNull()
}

// address returns a billing address of a request, as nullable does,
// checking its country: an ISO 3166-1 alpha-2 code.
func (c *call) address(n polar.Nullable[polar.AddressInput]) (*polar.AddressInput, bool) {
	a, set := nullable(n)
	if a != nil && (len(a.Country) != 2 || strings.ToUpper(string(a.Country)) != string(a.Country)) {
		c.fail(problem("enum", a.Country, "body", "billing_address", "country"))
		return nil, false
	}
	return a, set
}

// A unionShape is one shape of a request union without a discriminator:
// its name (the loc of its problems), its SDK type, and what Polar checks
// beyond the type (nil for nothing).
type unionShape struct {
	name  string
	new   func() any
	check func(c *call, v any, loc []any) []validationDetail
}

// decodeUnion reads the body as the first of shapes it fits, and returns
// the SDK's value of that shape; when it fits none, it returns the 422 of
// every shape's problems at ["body", shape, ...], as pydantic reports a
// union.
func (c *call) decodeUnion(shapes []unionShape) (any, error) {
	raw, err := c.rawBody()
	if err != nil {
		return nil, err
	}
	if _, ok := jsonTree(raw).(map[string]any); !ok {
		return nil, validationError(problem("model_attributes_type", rawInput(raw), "body"))
	}
	var all []validationDetail
	for _, shape := range shapes {
		loc := []any{"body", shape.name}
		v := shape.new()
		problems := c.decodeAs(raw, v, loc)
		if len(problems) == 0 && shape.check != nil {
			problems = shape.check(c, v, loc)
		}
		if len(problems) == 0 {
			return v, c.err()
		}
		all = append(all, problems...)
	}
	c.errs = append(c.errs, all...)
	return nil, c.err()
}
