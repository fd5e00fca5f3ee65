package operations

import (
	"slices"
	"testing"
)

// The list is sorted by ID whatever the order of registration, All's
// slice is the caller's, and a repeated or empty ID panics.
func TestRegister(t *testing.T) {
	t.Cleanup(func() { all = nil })
	for _, id := range []string{"b:get", "c:list", "a:update"} {
		Register(Operation{ID: id, Method: "GET", Path: "/" + id})
	}
	got := All()
	var ids []string
	for _, op := range got {
		ids = append(ids, op.ID)
	}
	if want := []string{"a:update", "b:get", "c:list"}; !slices.Equal(ids, want) {
		t.Fatalf("All() = %v, want %v", ids, want)
	}
	got[0].ID = "changed"
	if All()[0].ID != "a:update" {
		t.Error("All returned the package's own slice")
	}
	for _, id := range []string{"b:get", ""} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("Register(%q) did not panic", id)
				}
			}()
			Register(Operation{ID: id})
		}()
	}
	if n := len(All()); n != 3 {
		t.Errorf("%d operations after refused registrations, want 3", n)
	}
}
