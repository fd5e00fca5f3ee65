package polar

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"unicode/utf8"
)

// A union describes one discriminated union of the API once, as data: where
// its discriminator lives, which Go type each discriminator value decodes
// into, and what becomes of a value the SDK does not know yet.
//
// Decoding reads the discriminator with a light scan of the raw bytes (no
// intermediate map or probe struct), then unmarshals the bytes once into the
// chosen variant.
type union[T any] struct {
	name string
	// tag finds the discriminator in a raw JSON object: the contents of a
	// JSON string, unescaped.
	tag func(raw []byte) ([]byte, bool)
	// variants maps a discriminator value to a constructor of a pointer
	// variant, which the raw bytes are unmarshalled into.
	variants map[string]func() T
	// unknown builds the fallback variant for an unlisted or missing
	// discriminator value; raw is a private copy of the value.
	unknown func(tag string, raw json.RawMessage) T
}

// tagAt returns a tag function reading the string found by following path
// through nested objects, for example {"benefit", "type"}.
func tagAt(path ...string) func([]byte) ([]byte, bool) {
	return func(raw []byte) ([]byte, bool) {
		v, ok := lookup(raw, path...)
		if !ok {
			return nil, false
		}
		return jsonString(v)
	}
}

func (u *union[T]) decode(raw []byte) (T, error) {
	raw = bytes.TrimSpace(raw)
	tag, _ := u.tag(raw)
	return u.decodeTagged(raw, tag)
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
	return u.unknown(string(tag), append(json.RawMessage(nil), raw...)), nil
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
// writes the discriminator members in front: tags is a JSON fragment such as
// `"amount_type":"fixed"`.
func marshalTagged(tags string, v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
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

// marshalRaw returns the raw JSON kept by an Unknown variant.
func marshalRaw(raw json.RawMessage) ([]byte, error) {
	if len(raw) == 0 {
		return []byte("null"), nil
	}
	return raw, nil
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
