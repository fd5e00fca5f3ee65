package polar

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"unicode/utf8"
)

// A union describes one discriminated union of the API once, as data:
// where its discriminator lives, which Go type each discriminator value
// decodes into, and the fallback for a value the SDK does not know yet.
// The same table gives each variant's MarshalJSON its discriminator, so a
// value is written in exactly one place.
//
// Decoding reads the discriminator with a light scan of the raw bytes (no
// intermediate map or probe struct), then unmarshals the bytes once into the
// chosen variant.
type union[T any] struct {
	name string
	// path leads to the discriminator through nested objects, such as
	// {"amount_type"} or {"benefit", "type"}.
	path []string
	// variants maps a discriminator value to a constructor of a pointer
	// variant, which the raw bytes are unmarshalled into.
	variants map[string]func() T
	// tags holds, per variant struct type, the members its MarshalJSON
	// writes in front of its fields: the discriminator and any constant
	// members common to the union (fixed).
	tags map[reflect.Type]string
	// kinds maps each variant struct type back to its discriminator value.
	kinds map[reflect.Type]string
	// unknown wraps the fallback for an unlisted or missing discriminator
	// value.
	unknown func(UnknownVariant) T
}

// A variant is one row of a union's table: a discriminator value and the
// struct type it decodes into.
type variant[T any] struct {
	tag string
	typ reflect.Type
	new func() T
}

// is declares that discriminator value tag decodes into a *V, which must
// implement T.
func is[T, V any](tag string) variant[T] {
	mk := func() T { return any(new(V)).(T) }
	mk() // a *V that does not implement T panics here, at init
	return variant[T]{tag: tag, typ: reflect.TypeFor[V](), new: mk}
}

// unionDecoders holds the decoder of every union by its interface type,
// for results and pages whose item type is a union.
var unionDecoders = map[reflect.Type]func([]byte) (any, error){}

// newUnion declares a union discriminated by the string at path. fixed is a
// JSON fragment of constant members every known variant carries, such as
// `"legacy":true`, or "".
func newUnion[T any](name string, path []string, fixed string, unknown func(UnknownVariant) T, variants ...variant[T]) *union[T] {
	u := &union[T]{
		name:     name,
		path:     path,
		variants: make(map[string]func() T, len(variants)),
		tags:     make(map[reflect.Type]string, len(variants)),
		kinds:    make(map[reflect.Type]string, len(variants)),
		unknown:  unknown,
	}
	for _, v := range variants {
		u.variants[v.tag] = v.new
		u.kinds[v.typ] = v.tag
		if len(path) == 1 { // a nested discriminator belongs to the nested struct
			tag, _ := json.Marshal(v.tag)
			u.tags[v.typ] = strconv.Quote(path[0]) + ":" + string(tag)
			if fixed != "" {
				u.tags[v.typ] += "," + fixed
			}
		}
	}
	unionDecoders[reflect.TypeFor[T]()] = func(b []byte) (any, error) { return u.decode(b) }
	return u
}

// kindOf returns the discriminator value of v's variant as the table
// lists it, or false when v is not a listed variant (nil, or the unknown
// fallback, which carries the value it was sent with).
func (u *union[T]) kindOf(v T) (string, bool) {
	t := reflect.TypeOf(v)
	if t == nil || t.Kind() != reflect.Pointer {
		return "", false
	}
	tag, ok := u.kinds[t.Elem()]
	return tag, ok
}

// unionDecoder returns the decoder of the union interface type t.
func unionDecoder(t reflect.Type) func([]byte) (any, error) {
	dec, ok := unionDecoders[t]
	if !ok {
		panic("polar: no union declared for " + t.String())
	}
	return dec
}

func (u *union[T]) decode(raw []byte) (T, error) {
	raw = bytes.TrimSpace(raw)
	var tag []byte
	if v, ok := lookup(raw, u.path...); ok {
		tag, _ = jsonString(v)
	}
	return u.decodeTagged(raw, tag)
}

// decodeField decodes the raw value of a struct field of the union's type
// into dst: null or absent leaves nil. It serves the UnmarshalJSON of
// structs that hold one union value, which encoding/json cannot fill.
func (u *union[T]) decodeField(raw json.RawMessage, dst *T) error {
	var zero T
	*dst = zero
	if raw = bytes.TrimSpace(raw); len(raw) == 0 || isNull(raw) {
		return nil
	}
	v, err := u.decode(raw)
	if err != nil {
		return err
	}
	*dst = v
	return nil
}

// decodeTagged decodes raw (trimmed) whose discriminator the caller has
// already found.
func (u *union[T]) decodeTagged(raw, tag []byte) (T, error) {
	var zero T
	if len(raw) == 0 || raw[0] != '{' {
		return zero, fmt.Errorf("polar: decoding %s: want a JSON object, got %.20q", u.name, raw)
	}
	if mk, ok := u.variants[string(tag)]; ok { // no allocation for the lookup
		v := mk()
		if err := json.Unmarshal(raw, v); err != nil {
			return zero, fmt.Errorf("polar: decoding %s %q: %w", u.name, tag, err)
		}
		return v, nil
	}
	// A known variant was validated by json.Unmarshal; raw bytes kept as
	// they came are checked here, once, so that an Unknown variant always
	// holds JSON that encodes again.
	if !json.Valid(raw) {
		return zero, fmt.Errorf("polar: decoding %s: invalid JSON", u.name)
	}
	return u.unknown(UnknownVariant{Type: string(tag), Raw: append(json.RawMessage(nil), raw...)}), nil
}

// marshalAs writes a variant of type V, whose fields plain holds without
// V's MarshalJSON method, with V's discriminator from u's table in front.
func marshalAs[V, T any](u *union[T], plain any) ([]byte, error) {
	return marshalTagged(u.tags[reflect.TypeFor[V]()], plain)
}

// UnknownVariant is the shape shared by the Unknown variant of every union:
// a value whose discriminator this SDK does not know yet. It keeps the raw
// JSON, which it marshals back unchanged.
type UnknownVariant struct {
	// Type is the discriminator value the server sent ("" when missing).
	Type string
	// Raw is the whole object as received.
	Raw json.RawMessage
}

// MarshalJSON returns the raw JSON as received.
func (u UnknownVariant) MarshalJSON() ([]byte, error) {
	if len(u.Raw) == 0 {
		return []byte("null"), nil
	}
	return u.Raw, nil
}

// unionPage is implemented by every *Page; its method is used for pages
// whose item type is a union interface.
type unionPage interface{ decodeUnionPage([]byte) error }

// isUnionPage reports whether the Page struct type t holds union items.
func isUnionPage(t reflect.Type) bool {
	f, ok := t.FieldByName("Items")
	return ok && f.Type.Kind() == reflect.Slice && f.Type.Elem().Kind() == reflect.Interface
}

var pageKeys = []string{"items", "pagination"}

// decodeUnionPage decodes a page whose items are a union: each item goes
// through the union's decoder.
func (p *Page[T]) decodeUnionPage(b []byte) error {
	if !json.Valid(b) { // the scanner below trusts its input
		return errors.New("invalid JSON")
	}
	var found [2][]byte
	members(bytes.TrimSpace(b), pageKeys, found[:])
	if found[1] != nil {
		if err := json.Unmarshal(found[1], &p.Pagination); err != nil {
			return err
		}
	}
	dec := unionDecoder(reflect.TypeFor[T]())
	items := decodeFunc[T](func(raw []byte) (T, error) {
		v, err := dec(raw)
		if err != nil {
			var zero T
			return zero, err
		}
		return v.(T), nil
	})
	return items.decodeSlice(found[0], &p.Items)
}

// A decodeFunc turns one raw JSON value into a union's interface type: the
// decode method of a union, or a dispatcher between unions.
type decodeFunc[T any] func(raw []byte) (T, error)

// decodeSlice decodes a JSON array of union values; null gives a nil slice.
func (d decodeFunc[T]) decodeSlice(raw []byte, dst *[]T) error {
	raw = bytes.TrimSpace(raw)
	if isNull(raw) {
		*dst = nil
		return nil
	}
	if len(raw) == 0 || raw[0] != '[' {
		return fmt.Errorf("polar: decoding a union array: want a JSON array, got %.20q", raw)
	}
	// One pass finds the elements, so that the result is allocated once.
	var stack [16][2]int
	spans := stack[:0]
	for i := skipSpace(raw, 1); i < len(raw) && raw[i] != ']'; {
		end := skipValue(raw, i)
		if end < 0 {
			return errors.New("polar: decoding a union array: malformed JSON")
		}
		spans = append(spans, [2]int{i, end})
		i = skipSpace(raw, end)
		if i < len(raw) && raw[i] == ',' {
			i = skipSpace(raw, i+1)
		}
	}
	out := make([]T, len(spans))
	for k, sp := range spans {
		v, err := d(raw[sp[0]:sp[1]])
		if err != nil {
			return err
		}
		out[k] = v
	}
	*dst = out
	return nil
}

// marshalTagged marshals v (a struct without its discriminator fields) and
// writes the members tags (a JSON fragment such as `"amount_type":"fixed"`)
// in front.
func marshalTagged(tags string, v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil || tags == "" {
		return b, err
	}
	if len(b) < 2 || b[0] != '{' {
		return nil, errors.New("polar: variant did not marshal to an object")
	}
	out := make([]byte, 0, len(b)+len(tags)+2)
	out = append(out, '{')
	out = append(out, tags...)
	if len(b) > 2 {
		out = append(out, ',')
	}
	return append(out, b[1:]...), nil
}

// The scanner below walks JSON that encoding/json has already validated
// (UnmarshalJSON only ever sees valid input), so it stays small: it finds
// where values start and end, never what they mean.

func isNull(b []byte) bool { return string(bytes.TrimSpace(b)) == "null" }

func skipSpace(b []byte, i int) int {
	for i < len(b) {
		switch b[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

// skipValue returns the index just past the JSON value starting at b[i], or
// -1 when the input ends early.
func skipValue(b []byte, i int) int {
	if i >= len(b) {
		return -1
	}
	switch b[i] {
	case '"':
		return skipString(b, i)
	case '{', '[':
		depth := 0
		for i < len(b) {
			switch b[i] {
			case '"':
				i = skipString(b, i)
				if i < 0 {
					return -1
				}
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1
				}
			}
			i++
		}
		return -1
	default: // number, true, false, null
		for i < len(b) {
			switch b[i] {
			case ',', '}', ']', ' ', '\t', '\n', '\r':
				return i
			}
			i++
		}
		return i
	}
}

// skipString returns the index just past the string starting at b[i].
func skipString(b []byte, i int) int {
	for i++; i < len(b); {
		j := bytes.IndexByte(b[i:], '"')
		if j < 0 {
			return -1
		}
		i += j
		// The quote ends the string unless an odd run of backslashes
		// escapes it.
		n := 0
		for k := i - 1; k >= 0 && b[k] == '\\'; k-- {
			n++
		}
		i++
		if n%2 == 0 {
			return i
		}
	}
	return -1
}

// lookup returns the raw value found by following path through nested
// objects of obj.
func lookup(obj []byte, path ...string) ([]byte, bool) {
	cur := bytes.TrimSpace(obj)
	for _, key := range path {
		v, ok := member(cur, key)
		if !ok {
			return nil, false
		}
		cur = v
	}
	return cur, true
}

// member returns the raw value of key in the JSON object obj. Like
// encoding/json, it takes the last of repeated members.
func member(obj []byte, key string) ([]byte, bool) {
	var out [1][]byte
	members(obj, []string{key}, out[:])
	return out[0], out[0] != nil
}

// members finds several keys of the JSON object obj in one pass: out[i]
// receives the raw value of keys[i] (the last one if repeated), or nil.
func members(obj []byte, keys []string, out [][]byte) {
	clear(out)
	if len(obj) == 0 || obj[0] != '{' {
		return
	}
	for i := skipSpace(obj, 1); i < len(obj) && obj[i] == '"'; {
		kend := skipString(obj, i)
		if kend < 0 {
			return
		}
		k := obj[i+1 : kend-1]
		i = skipSpace(obj, kend)
		if i >= len(obj) || obj[i] != ':' {
			return
		}
		i = skipSpace(obj, i+1)
		vend := skipValue(obj, i)
		if vend < 0 {
			return
		}
		for n, key := range keys {
			if keyEquals(k, key) {
				out[n] = obj[i:vend]
			}
		}
		i = skipSpace(obj, vend)
		if i < len(obj) && obj[i] == ',' {
			i = skipSpace(obj, i+1)
		}
	}
}

// keyEquals compares a raw object key with key, unescaping only when the raw
// key has escapes (which the API never sends).
func keyEquals(raw []byte, key string) bool {
	if bytes.IndexByte(raw, '\\') < 0 {
		return string(raw) == key
	}
	var s string
	err := json.Unmarshal(append(append([]byte{'"'}, raw...), '"'), &s)
	return err == nil && s == key
}

// jsonString returns the contents of a raw JSON string value, unescaped.
func jsonString(v []byte) ([]byte, bool) {
	if len(v) < 2 || v[0] != '"' {
		return nil, false
	}
	if bytes.IndexByte(v, '\\') < 0 && utf8.Valid(v) {
		return v[1 : len(v)-1], true
	}
	var s string
	if err := json.Unmarshal(v, &s); err != nil {
		return nil, false
	}
	return []byte(s), true
}
