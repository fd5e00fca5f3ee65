package polar

import (
	"bytes"
	"encoding/json"
)

// Nullable is a request field that can be left out, set to a value, or
// cleared with JSON null. Its zero value is "left out": the field is not
// sent and the server keeps what it has.
//
//	polar.CustomerOrderUpdate{
//		BillingName:    polar.Set("ACME Inc."),          // set
//		BillingAddress: polar.Null[polar.AddressInput](), // clear
//	}                                                     // other fields: unchanged
//
// Struct fields of this type carry the omitzero option so that a left-out
// field does not appear in the body at all.
type Nullable[T any] struct {
	value T
	state nullableState
}

type nullableState uint8

const (
	nullableUnset nullableState = iota
	nullableNull
	nullableValue
)

// Set returns a Nullable holding v.
func Set[T any](v T) Nullable[T] { return Nullable[T]{value: v, state: nullableValue} }

// Null returns a Nullable that clears the field (sends JSON null).
func Null[T any]() Nullable[T] { return Nullable[T]{state: nullableNull} }

// IsZero reports whether the field is left out; encoding/json's omitzero
// option uses it.
func (n Nullable[T]) IsZero() bool { return n.state == nullableUnset }

// IsNull reports whether the field clears the value.
func (n Nullable[T]) IsNull() bool { return n.state == nullableNull }

// Get returns the value and whether one is set.
func (n Nullable[T]) Get() (T, bool) { return n.value, n.state == nullableValue }

// MarshalJSON writes the value, or null when the field is cleared or unset.
func (n Nullable[T]) MarshalJSON() ([]byte, error) {
	if n.state != nullableValue {
		return []byte("null"), nil
	}
	return json.Marshal(n.value)
}

// UnmarshalJSON reads null as a cleared field and anything else as a value.
func (n *Nullable[T]) UnmarshalJSON(b []byte) error {
	if string(bytes.TrimSpace(b)) == "null" {
		*n = Null[T]()
		return nil
	}
	var v T
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*n = Set(v)
	return nil
}
