package polar

import (
	"errors"
	"strings"
	"testing"
)

// TestLicenseKeyBodiesRefusedBeforeSending checks that validate, activate
// and deactivate refuse a body that can match no key without sending it:
// each such request would count against the caller's 3 a second.
func TestLicenseKeyBodiesRefusedBeforeSending(t *testing.T) {
	srv := newRecorder(t, jsonAnswer(404, `{"error":"ResourceNotFound","detail":"Not found"}`))
	c := newSingleShotClient(t, srv, "")
	lk := c.LicenseKeys
	tests := []struct {
		name  string
		call  func() error
		field string
	}{
		{"validate without key", func() error {
			_, err := lk.Validate(bg(), &LicenseKeyValidate{OrganizationID: "org"})
			return err
		}, "Key"},
		{"validate without organization", func() error {
			_, err := lk.Validate(bg(), &LicenseKeyValidate{Key: "K"})
			return err
		}, "OrganizationID"},
		{"activate without key", func() error {
			_, err := lk.Activate(bg(), &LicenseKeyActivate{OrganizationID: "org", Label: "pc"})
			return err
		}, "Key"},
		{"activate without organization", func() error {
			_, err := lk.Activate(bg(), &LicenseKeyActivate{Key: "K", Label: "pc"})
			return err
		}, "OrganizationID"},
		{"deactivate without key", func() error {
			return lk.Deactivate(bg(), &LicenseKeyDeactivate{OrganizationID: "org", ActivationID: "a"})
		}, "Key"},
		{"deactivate without organization", func() error {
			return lk.Deactivate(bg(), &LicenseKeyDeactivate{Key: "K", ActivationID: "a"})
		}, "OrganizationID"},
		{"deactivate without activation", func() error {
			return lk.Deactivate(bg(), &LicenseKeyDeactivate{Key: "K", OrganizationID: "org"})
		}, "ActivationID"},
	}
	for _, tt := range tests {
		err := tt.call()
		if !errors.Is(err, ErrInvalidArgument) || !strings.Contains(err.Error(), tt.field+" is empty") {
			t.Errorf("%s: err = %v, want ErrInvalidArgument naming %s", tt.name, err, tt.field)
		}
	}
	if n := srv.count(); n != 0 {
		t.Fatalf("%d requests sent, want none", n)
	}

	// A complete body goes out (an empty Label is a valid string).
	if _, err := lk.Activate(bg(), &LicenseKeyActivate{Key: "K", OrganizationID: "org"}); !errors.Is(err, ErrResourceNotFound) {
		t.Errorf("complete body: err = %v, want the server's 404", err)
	}
	if err := lk.Deactivate(bg(), &LicenseKeyDeactivate{Key: "K", OrganizationID: "org", ActivationID: "a"}); !errors.Is(err, ErrResourceNotFound) {
		t.Errorf("complete body: err = %v, want the server's 404", err)
	}
	if n := srv.count(); n != 2 {
		t.Errorf("%d requests sent, want 2", n)
	}
}
