package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	polar "github.com/polarportal/polar-go"
)

// flagName is the flag of a query parameter or JSON field: product_id is
// -product-id.
func flagName(key string) string { return strings.ReplaceAll(key, "_", "-") }

var listOptionsType = reflect.TypeFor[polar.ListOptions]()

// bindQuery adds a flag for each filter of the options struct that opts
// points to, named by its url tag. Page and limit are the global flags.
func bindQuery(fs *flag.FlagSet, opts any) {
	v := reflect.ValueOf(opts).Elem()
	if v.Type() == listOptionsType {
		return
	}
	for i := range v.NumField() {
		sf := v.Type().Field(i)
		name, _, _ := strings.Cut(sf.Tag.Get("url"), ",")
		if sf.Type == listOptionsType || name == "" || name == "-" {
			continue
		}
		f := v.Field(i)
		switch {
		case f.Kind() == reflect.String:
			fs.Func(flagName(name), "filter by "+name, func(s string) error {
				f.SetString(s)
				return nil
			})
		case f.Kind() == reflect.Slice && f.Type().Elem().Kind() == reflect.String:
			fs.Func(flagName(name), "filter by "+name+" (repeated or comma-separated)", func(s string) error {
				for part := range strings.SplitSeq(s, ",") {
					if part = strings.TrimSpace(part); part != "" {
						f.Set(reflect.Append(f, reflect.ValueOf(part).Convert(f.Type().Elem())))
					}
				}
				return nil
			})
		case f.Type() == reflect.TypeFor[*bool]():
			fs.BoolFunc(flagName(name), "filter by "+name+" (true or false)", func(s string) error {
				b, err := strconv.ParseBool(s)
				if err != nil {
					return err
				}
				f.Set(reflect.ValueOf(&b))
				return nil
			})
		default:
			panic(fmt.Sprintf("polarportal: no flag for the filter %s of %s", name, v.Type()))
		}
	}
}

// setListOptions sets the page size and first page of the options opts
// points to.
func setListOptions(opts any, limit, page int) {
	v := reflect.ValueOf(opts).Elem()
	if v.Type() != listOptionsType {
		v = v.FieldByIndex(listOptionsIndex(v.Type()))
	}
	lo := v.Addr().Interface().(*polar.ListOptions)
	lo.Limit, lo.Page = limit, page
}

func listOptionsIndex(t reflect.Type) []int {
	sf, ok := t.FieldByName("ListOptions")
	if !ok || sf.Type != listOptionsType {
		panic("polarportal: " + t.String() + " has no ListOptions")
	}
	return sf.Index
}

// A bodySpec is the request body of a command: one shape, or the shapes
// of a union.
type bodySpec struct {
	shapes []shape
}

// A shape is one struct type a body can take.
type shape struct {
	name string // for --as, in a union
	typ  reflect.Type
	// fields are the body's fields that flags set, by flag name.
	fields map[string]field
	// keys are the top-level JSON keys of the struct.
	keys map[string]bool
	// consts are the keys the type's MarshalJSON writes by itself (a
	// discriminator such as benefit_type), with their JSON values.
	consts map[string]json.RawMessage
}

// A field is a body field that a flag sets.
type field struct {
	index []int  // in the struct
	key   string // top-level JSON key
	path  string // dotted JSON path: properties.account_id
	typ   reflect.Type
}

// unionOf is the body spec of a union of shapes.
func unionOf(shapes ...shape) *bodySpec { return &bodySpec{shapes: shapes} }

// shapeOf describes the struct type T, named name in its union.
func shapeOf[T any](name string) shape { return shapeFor(reflect.TypeFor[T](), name) }

// shapeFor describes the struct type t, named name in its union.
func shapeFor(t reflect.Type, name string) shape {
	s := shape{name: name, typ: t, fields: map[string]field{}, keys: map[string]bool{}, consts: map[string]json.RawMessage{}}
	var walk func(t reflect.Type, index []int, top, prefix string)
	walk = func(t reflect.Type, index []int, top, prefix string) {
		for i := range t.NumField() {
			sf := t.Field(i)
			key, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
			if !sf.IsExported() || key == "-" || key == "" {
				continue
			}
			idx := append(slices.Clone(index), i)
			k := top
			if k == "" {
				k = key
				s.keys[key] = true
			}
			if nested(sf.Type) {
				walk(sf.Type, idx, k, prefix+key+".")
				continue
			}
			name := flagName(key)
			if _, dup := s.fields[name]; dup {
				panic("polarportal: two fields of " + t.String() + " make the flag " + name)
			}
			s.fields[name] = field{index: idx, key: k, path: prefix + key, typ: sf.Type}
		}
	}
	walk(t, nil, "", "")
	var all map[string]json.RawMessage
	if b, err := json.Marshal(reflect.New(t).Interface()); err == nil && json.Unmarshal(b, &all) == nil {
		for k, v := range all {
			if !s.keys[k] {
				s.consts[k] = v
			}
		}
	}
	return s
}

// nested reports whether a field of type t is a struct whose own fields
// get flags (a grant update's properties).
func nested(t reflect.Type) bool {
	return t.Kind() == reflect.Struct && t != reflect.TypeFor[time.Time]() &&
		!reflect.PointerTo(t).Implements(reflect.TypeFor[json.Unmarshaler]())
}

// register adds a flag for every field of every shape to fs; the values
// set are kept in set, in order, and applied once the shape is known.
func (b *bodySpec) register(fs *flag.FlagSet, set *[][2]string) {
	seen := map[string]bool{}
	shapesOf := map[string][]string{} // the shapes of a union each flag belongs to
	for _, s := range b.shapes {
		for n := range s.fields {
			shapesOf[n] = append(shapesOf[n], s.name)
		}
	}
	for _, s := range b.shapes {
		names := slices.Sorted(func(yield func(string) bool) {
			for n := range s.fields {
				if !yield(n) {
					return
				}
			}
		})
		for _, name := range names {
			if seen[name] {
				continue
			}
			seen[name] = true
			f := s.fields[name]
			usage := "set the body's " + f.path + " (`" + describeType(f.typ) + "`)"
			if len(b.shapes) > 1 {
				usage += "; shape " + strings.Join(shapesOf[name], ", ")
			}
			fs.Func(name, usage, func(v string) error {
				*set = append(*set, [2]string{name, v})
				return nil
			})
		}
	}
	if len(b.shapes) > 1 {
		names := make([]string, len(b.shapes))
		for i, s := range b.shapes {
			names[i] = s.name
		}
		fs.Func("as", "the body's `shape`: "+strings.Join(names, ", "), func(v string) error {
			*set = append(*set, [2]string{"as", v})
			return nil
		})
	}
}

// describeType names a field's type for the help: a JSON kind, or the
// Go type of an enumeration, and null for a field that can be cleared.
func describeType(t reflect.Type) string {
	inner, nullable := nullableInner(t)
	if nullable {
		t = inner
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	var s string
	switch {
	case t == reflect.TypeFor[time.Time]():
		s = "RFC3339 time"
	case t.Kind() == reflect.String && t.PkgPath() != "":
		s = t.Name()
	case t.Kind() == reflect.String:
		s = "text"
	case t.Kind() == reflect.Bool:
		s = "true|false"
	case t.Kind() >= reflect.Int && t.Kind() <= reflect.Float64:
		s = "number"
	default:
		s = "JSON"
	}
	if nullable {
		s += "|null"
	}
	return s
}

// nullableInner returns T for polar.Nullable[T].
func nullableInner(t reflect.Type) (reflect.Type, bool) {
	if t.PkgPath() != reflect.TypeFor[polar.ListOptions]().PkgPath() || !strings.HasPrefix(t.Name(), "Nullable[") {
		return nil, false
	}
	m, ok := t.MethodByName("Get")
	if !ok {
		return nil, false
	}
	return m.Type.Out(0), true
}

// stdin is where --body - reads from.
var stdin io.Reader = os.Stdin

// build makes the body from the file (or standard input for "-") and the
// flags set, which override the file's fields. The result is a pointer to
// the chosen shape's struct.
func (b *bodySpec) build(file string, set [][2]string, defaults map[string]string) (any, error) {
	var doc map[string]json.RawMessage
	if file != "" {
		var data []byte
		var err error
		if file == "-" {
			data, err = io.ReadAll(stdin)
		} else {
			data, err = os.ReadFile(file)
		}
		if err != nil {
			return nil, fmt.Errorf("%w: -body: %w", errUsage, err)
		}
		dec := json.NewDecoder(bytes.NewReader(data))
		if err := dec.Decode(&doc); err != nil || doc == nil {
			return nil, fmt.Errorf("%w: -body %s: want a JSON object: %w", errUsage, file, err)
		}
		if _, err := dec.Token(); err != io.EOF {
			return nil, fmt.Errorf("%w: -body %s: data after the JSON object", errUsage, file)
		}
	}
	as := ""
	var flags [][2]string
	for _, kv := range set {
		if kv[0] == "as" {
			as = kv[1]
		} else {
			flags = append(flags, kv)
		}
	}
	s, err := b.choose(as, doc, flags)
	if err != nil {
		return nil, err
	}
	// The keys the type writes by itself must match, and are not decoded.
	for k, want := range s.consts {
		if got, ok := doc[k]; ok {
			if !jsonEqual(got, want) {
				return nil, fmt.Errorf("%w: -body: %s is %s, the shape %s sends %s", errUsage, k, got, s.name, want)
			}
			delete(doc, k)
		}
	}
	v := reflect.New(s.typ)
	if doc != nil {
		rest, _ := json.Marshal(doc)
		dec := json.NewDecoder(bytes.NewReader(rest))
		dec.DisallowUnknownFields()
		if err := dec.Decode(v.Interface()); err != nil {
			return nil, fmt.Errorf("%w: -body %s: %w (the body of %s)", errUsage, file, err, s.typ)
		}
	}
	for name, val := range defaults {
		f, ok := s.fields[name]
		if !ok {
			continue
		}
		if fv := v.Elem().FieldByIndex(f.index); fv.Kind() == reflect.String && fv.String() == "" {
			fv.SetString(val)
		}
	}
	for _, kv := range flags {
		f, ok := s.fields[kv[0]]
		if !ok {
			return nil, fmt.Errorf("%w: -%s is not a field of the shape %s", errUsage, kv[0], s.name)
		}
		if err := setField(v.Elem().FieldByIndex(f.index), kv[1]); err != nil {
			return nil, fmt.Errorf("%w: -%s %q: %w", errUsage, kv[0], kv[1], err)
		}
	}
	return v.Interface(), nil
}

// choose picks the shape: the one --as names, the only one, or the only
// one holding every field given.
func (b *bodySpec) choose(as string, doc map[string]json.RawMessage, flags [][2]string) (shape, error) {
	names := make([]string, len(b.shapes))
	for i, s := range b.shapes {
		names[i] = s.name
	}
	if as != "" {
		for _, s := range b.shapes {
			if s.name == as {
				return s, nil
			}
		}
		return shape{}, fmt.Errorf("%w: -as %s: the shapes are %s", errUsage, as, strings.Join(names, ", "))
	}
	if len(b.shapes) == 1 {
		return b.shapes[0], nil
	}
	var fits []shape
	for _, s := range b.shapes {
		ok := len(doc)+len(flags) > 0
		for k, raw := range doc {
			if want, isConst := s.consts[k]; isConst {
				ok = ok && jsonEqual(raw, want)
			} else {
				ok = ok && s.keys[k]
			}
		}
		for _, kv := range flags {
			_, has := s.fields[kv[0]]
			ok = ok && has
		}
		if ok {
			fits = append(fits, s)
		}
	}
	if len(fits) == 1 {
		return fits[0], nil
	}
	return shape{}, fmt.Errorf("%w: name the body's shape with -as: %s", errUsage, strings.Join(names, ", "))
}

func jsonEqual(a, b json.RawMessage) bool {
	var x, y bytes.Buffer
	return json.Compact(&x, a) == nil && json.Compact(&y, b) == nil && bytes.Equal(x.Bytes(), y.Bytes())
}

// setField sets a body field from a flag's text: a string as it is, a
// number or a boolean parsed, null clearing a nullable field, anything
// else (an object, a list) as JSON. The text becomes a JSON value decoded
// into the field, so that the field's own decoding applies.
func setField(f reflect.Value, text string) error {
	t := f.Type()
	inner, isNullable := nullableInner(t)
	if isNullable {
		t = inner
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	var frag []byte
	switch {
	case isNullable && text == "null":
		frag = []byte("null")
	case t.Kind() == reflect.String || t == reflect.TypeFor[time.Time]():
		frag, _ = json.Marshal(text)
	case t.Kind() == reflect.Bool:
		b, err := strconv.ParseBool(text)
		if err != nil {
			return errors.New("want true or false")
		}
		frag = []byte(strconv.FormatBool(b))
	default:
		frag = []byte(text)
	}
	ptr := reflect.New(f.Type())
	dec := json.NewDecoder(bytes.NewReader(frag))
	dec.DisallowUnknownFields()
	if err := dec.Decode(ptr.Interface()); err != nil {
		return err
	}
	f.Set(ptr.Elem())
	return nil
}

// fieldString returns the string field of body (a pointer to one of the
// spec's shapes) that the flag name sets, if the shape has it.
func fieldString(body any, name string, spec *bodySpec) (string, bool) {
	v := reflect.ValueOf(body).Elem()
	for _, s := range spec.shapes {
		if s.typ != v.Type() {
			continue
		}
		f, ok := s.fields[name]
		if !ok || f.typ.Kind() != reflect.String {
			return "", false
		}
		return v.FieldByIndex(f.index).String(), true
	}
	return "", false
}
