package polar

import (
	"context"
	"errors"
	"iter"
	"net/http"
	"time"
)

// LicenseKeysService covers license keys: the customer's own keys (List,
// Get, Rotate), which need a customer or member session token, and the
// checks a licensed program makes (Validate, Activate, Deactivate), which
// need no token at all and are safe for public clients such as desktop
// apps. Those three are always sent without an Authorization header, even
// by a client that holds a token, and are paced at Polar's limit for them
// (ZoneLicenseKeys: 3 requests a second per caller; going over blocks the
// caller on the whole API for a minute).
//
// To stub it in a test, embed LicenseKeysService in a struct and implement only
// the methods the code under test calls (the others panic on the nil
// interface). A stub assigned to Client.LicenseKeys stays in place in the
// clients that WithToken derives.
type LicenseKeysService interface {
	// List returns one page of the customer's license keys.
	//
	// API: GET /v1/customer-portal/license-keys/
	List(ctx context.Context, opts *LicenseKeyListOptions) (*Page[LicenseKey], error)
	// All iterates over every license key of every page, 100 at a time
	// unless opts sets Limit.
	// ListOptions tells what a walk sees of a list that changes meanwhile.
	//
	// API: GET /v1/customer-portal/license-keys/
	All(ctx context.Context, opts *LicenseKeyListOptions) iter.Seq2[LicenseKey, error]
	// Get returns a license key by ID, with its activations. It fails with
	// an error matching ErrResourceNotFound when there is no such key.
	//
	// API: GET /v1/customer-portal/license-keys/{id}
	Get(ctx context.Context, id string) (*LicenseKeyWithActivations, error)
	// Rotate replaces a license key's key string with a new one, which the
	// result carries; the old string stops validating. It is never retried
	// automatically. Granted and disabled keys rotate; a revoked key fails
	// with an error matching ErrRotateNotPermitted. It also fails with
	// ErrUnauthorized, or ErrResourceNotFound for a key that is not the
	// caller's.
	//
	// API: POST /v1/customer-portal/license-keys/{id}/rotate
	Rotate(ctx context.Context, id string) (*RotatedLicenseKey, error)
	// Validate checks a license key, optionally against an activation,
	// conditions and a usage increment, and returns it. It needs no token.
	// An empty Key or OrganizationID fails with ErrInvalidArgument before
	// anything is sent.
	// A key that does not exist, has expired, was revoked, or does not
	// match the activation, conditions, benefit or customer fails with an
	// error matching ErrResourceNotFound; an increment past the key's usage
	// limit fails with a 400 matching ErrBadRequest (the API document
	// says 403 NotPermitted; the server answers 400).
	//
	// API: POST /v1/customer-portal/license-keys/validate
	Validate(ctx context.Context, body *LicenseKeyValidate) (*ValidatedLicenseKey, error)
	// Activate reserves one of a license key's activations for a device and
	// returns it; keep its ID to validate and deactivate with. It needs no
	// token. It fails with ErrInvalidArgument, before sending, when Key or
	// OrganizationID is empty, and with ErrResourceNotFound when the key
	// does not exist.
	//
	// A 403 matching ErrNotPermitted means the key cannot take another
	// activation: all its activations are taken (limit reached), it has
	// expired, it was revoked or disabled, or its benefit allows no
	// activations at all. Only APIError.Detail tells these apart, in
	// English text that is no documented contract (versions of Polar's
	// server word and order these checks differently), so this package
	// does not parse it. To tell the cases apart, Validate the key: it fails
	// with ErrResourceNotFound for an expired, revoked or disabled key, and
	// otherwise returns the key, whose LimitActivations is nil or 0 when it
	// allows no activations (else the limit is reached; a user frees an
	// activation with Deactivate).
	//
	// API: POST /v1/customer-portal/license-keys/activate
	Activate(ctx context.Context, body *LicenseKeyActivate) (*LicenseKeyActivationWithKey, error)
	// Deactivate frees an activation of a license key. It needs no token.
	// An empty Key, OrganizationID or ActivationID fails with
	// ErrInvalidArgument before anything is sent.
	// It fails with an error matching ErrResourceNotFound when the key or
	// the activation does not exist.
	//
	// API: POST /v1/customer-portal/license-keys/deactivate
	Deactivate(ctx context.Context, body *LicenseKeyDeactivate) error
}

type licenseKeysService service

var _ LicenseKeysService = (*licenseKeysService)(nil)

const licenseKeysPath = "/v1/customer-portal/license-keys/"

var (
	licenseKeysList = declare[LicenseKeyListOptions, none, *Page[LicenseKey]](operation{
		id: OpLicenseKeysList, method: http.MethodGet, path: licenseKeysPath})
	licenseKeysGet = declare[none, none, *LicenseKeyWithActivations](operation{
		id: OpLicenseKeysGet, method: http.MethodGet, path: licenseKeysPath + "{id}"})
	licenseKeysRotate = declare[none, none, *RotatedLicenseKey](operation{
		id: OpLicenseKeysRotate, method: http.MethodPost, path: licenseKeysPath + "{id}/rotate"})
	licenseKeysValidate = declare[none, *LicenseKeyValidate, *ValidatedLicenseKey](operation{
		id: OpLicenseKeysValidate, method: http.MethodPost, path: licenseKeysPath + "validate",
		public: true, zone: ZoneLicenseKeys})
	licenseKeysActivate = declare[none, *LicenseKeyActivate, *LicenseKeyActivationWithKey](operation{
		id: OpLicenseKeysActivate, method: http.MethodPost, path: licenseKeysPath + "activate",
		public: true, zone: ZoneLicenseKeys})
	licenseKeysDeactivate = declare[none, *LicenseKeyDeactivate, none](operation{
		id: OpLicenseKeysDeactivate, method: http.MethodPost, path: licenseKeysPath + "deactivate",
		public: true, zone: ZoneLicenseKeys})
)

func (s *licenseKeysService) List(ctx context.Context, opts *LicenseKeyListOptions) (*Page[LicenseKey], error) {
	return licenseKeysList.query(ctx, s.client, opts)
}

func (s *licenseKeysService) All(ctx context.Context, opts *LicenseKeyListOptions) iter.Seq2[LicenseKey, error] {
	return listAll(ctx, s.client, opts, s.List)
}

func (s *licenseKeysService) Get(ctx context.Context, id string) (*LicenseKeyWithActivations, error) {
	return licenseKeysGet.call(ctx, s.client, id)
}

func (s *licenseKeysService) Rotate(ctx context.Context, id string) (*RotatedLicenseKey, error) {
	return licenseKeysRotate.call(ctx, s.client, id)
}

func (s *licenseKeysService) Validate(ctx context.Context, body *LicenseKeyValidate) (*ValidatedLicenseKey, error) {
	return licenseKeysValidate.send(ctx, s.client, "", body)
}

func (s *licenseKeysService) Activate(ctx context.Context, body *LicenseKeyActivate) (*LicenseKeyActivationWithKey, error) {
	return licenseKeysActivate.send(ctx, s.client, "", body)
}

func (s *licenseKeysService) Deactivate(ctx context.Context, body *LicenseKeyDeactivate) error {
	_, err := licenseKeysDeactivate.send(ctx, s.client, "", body)
	return err
}

// LicenseKeyListOptions filters LicenseKeys.List and LicenseKeys.All.
type LicenseKeyListOptions struct {
	ListOptions
	// BenefitID keeps the keys granted by this benefit.
	BenefitID string `url:"benefit_id,omitempty"`
}

// LicenseKey is a license key.
type LicenseKey struct {
	// ID is the ID of the license key.
	ID string `json:"id"`
	// CreatedAt is the creation time of the key.
	CreatedAt time.Time `json:"created_at"`
	// ModifiedAt is the time of the last modification, if any.
	ModifiedAt *time.Time `json:"modified_at"`
	// OrganizationID is the ID of the organization that issued the key.
	OrganizationID string `json:"organization_id"`
	// CustomerID is the ID of the customer the key belongs to.
	CustomerID string `json:"customer_id"`
	// Customer is the customer the key belongs to.
	Customer LicenseKeyCustomer `json:"customer"`
	// BenefitID is the ID of the benefit that granted the key.
	BenefitID string `json:"benefit_id"`
	// Key is the license key itself.
	Key string `json:"key"`
	// DisplayKey is the key with all but its last characters masked.
	DisplayKey string `json:"display_key"`
	// Status tells whether the key is granted, revoked or disabled.
	Status LicenseKeyStatus `json:"status"`
	// LimitActivations is the number of activations the key allows; nil
	// without activations.
	LimitActivations *int64 `json:"limit_activations"`
	// Usage is the key's usage count, which validations can increment.
	Usage int64 `json:"usage"`
	// LimitUsage caps Usage; nil for no cap.
	LimitUsage *int64 `json:"limit_usage"`
	// Validations is the number of times the key was validated.
	Validations int64 `json:"validations"`
	// LastValidatedAt is the time of the last validation, if any.
	LastValidatedAt *time.Time `json:"last_validated_at"`
	// ExpiresAt is when the key expires; nil if it never does.
	ExpiresAt *time.Time `json:"expires_at"`
	// MemberID is the ID of the team member the key is granted to, if any.
	MemberID *string `json:"member_id"`
	// Member is the team member the key is granted to, if any.
	Member *LicenseKeyMember `json:"member"`
}

// LicenseKeyStatus is the state of a license key.
type LicenseKeyStatus string

// Values of LicenseKeyStatus.
const (
	LicenseKeyStatusGranted  LicenseKeyStatus = "granted"
	LicenseKeyStatusRevoked  LicenseKeyStatus = "revoked"
	LicenseKeyStatusDisabled LicenseKeyStatus = "disabled"
)

// LicenseKeyCustomer is the customer a license key belongs to.
type LicenseKeyCustomer struct {
	CustomerCommon
	// Email is the customer's email address, if it has one (a team may
	// not).
	Email *string `json:"email"`
	// Type tells an individual customer from a team.
	Type CustomerType `json:"type"`
}

// LicenseKeyMember is the team member a license key is granted to.
type LicenseKeyMember struct {
	// ID is the ID of the member.
	ID string `json:"id"`
	// Email is the member's email address.
	Email string `json:"email"`
	// ExternalID is the member's ID in the organization's own system, if
	// set.
	ExternalID *string `json:"external_id"`
}

// LicenseKeyWithActivations is a license key with its activations.
type LicenseKeyWithActivations struct {
	LicenseKey
	// Activations are the key's current activations.
	Activations []LicenseKeyActivation `json:"activations"`
}

// RotatedLicenseKey is a license key just given a new key string, which
// Key holds. It has the fields of LicenseKey, and converts to it.
type RotatedLicenseKey LicenseKey

// ValidatedLicenseKey is a license key that passed validation, with the
// activation it was validated against.
//
// API version 2027-01 adds the subscription or order that granted the key
// (SubscriptionID and Subscription, OrderID and Order); a client made with
// WithAPIVersion("2027-01") receives them, others leave them nil.
type ValidatedLicenseKey struct {
	LicenseKey
	// Activation is the activation the key was validated against, if any.
	Activation *LicenseKeyActivation `json:"activation,omitempty"`
	// SubscriptionID is the ID of the subscription that granted the key,
	// if any (API version 2027-01 and later).
	SubscriptionID *string `json:"subscription_id,omitempty"`
	// Subscription is the subscription that granted the key, if any (API
	// version 2027-01 and later).
	Subscription *ValidatedLicenseKeySubscription `json:"subscription,omitempty"`
	// OrderID is the ID of the order that granted the key, if any (API
	// version 2027-01 and later).
	OrderID *string `json:"order_id,omitempty"`
	// Order is the order that granted the key, if any (API version 2027-01
	// and later).
	Order *ValidatedLicenseKeyOrder `json:"order,omitempty"`
}

// ValidatedLicenseKeySubscription is the subscription that granted a
// validated license key, as API version 2027-01 describes it.
type ValidatedLicenseKeySubscription struct {
	// ID is the ID of the subscription.
	ID string `json:"id"`
	// Status is the status of the subscription.
	Status SubscriptionStatus `json:"status"`
	// CurrentPeriodStart is the start of the current billing period.
	CurrentPeriodStart time.Time `json:"current_period_start"`
	// CurrentPeriodEnd is the end of the current billing period.
	CurrentPeriodEnd time.Time `json:"current_period_end"`
	// CancelAtPeriodEnd reports whether the subscription ends with the
	// current period.
	CancelAtPeriodEnd bool `json:"cancel_at_period_end"`
	// EndsAt is when the subscription ends, if it is scheduled to.
	EndsAt *time.Time `json:"ends_at"`
}

// ValidatedLicenseKeyOrder is the order that granted a validated license
// key, as API version 2027-01 describes it.
type ValidatedLicenseKeyOrder struct {
	// ID is the ID of the order.
	ID string `json:"id"`
	// CreatedAt is the creation time of the order.
	CreatedAt time.Time `json:"created_at"`
	// Status is the status of the order.
	Status OrderStatus `json:"status"`
	// Paid reports whether the order is paid.
	Paid bool `json:"paid"`
}

// LicenseKeyActivation is an activation of a license key: one device or
// installation it is in use on.
type LicenseKeyActivation struct {
	// ID is the ID of the activation.
	ID string `json:"id"`
	// LicenseKeyID is the ID of the license key.
	LicenseKeyID string `json:"license_key_id"`
	// Label names the activation, such as a device name.
	Label string `json:"label"`
	// Meta holds the data stored with the activation: strings, numbers
	// (float64 once decoded) and booleans.
	Meta map[string]any `json:"meta"`
	// CreatedAt is the creation time of the activation.
	CreatedAt time.Time `json:"created_at"`
	// ModifiedAt is the time of the last modification, if any.
	ModifiedAt *time.Time `json:"modified_at"`
}

// LicenseKeyActivationWithKey is a new activation with its license key.
type LicenseKeyActivationWithKey struct {
	LicenseKeyActivation
	// LicenseKey is the activated license key.
	LicenseKey LicenseKey `json:"license_key"`
}

// LicenseKeyValidate is the body of LicenseKeys.Validate. Key and
// OrganizationID are required; the other fields add checks.
type LicenseKeyValidate struct {
	// Key is the license key to validate.
	Key string `json:"key"`
	// OrganizationID is the ID of the organization that issued the key.
	OrganizationID string `json:"organization_id"`
	// ActivationID requires the key to have this activation.
	ActivationID string `json:"activation_id,omitempty"`
	// BenefitID requires the key to be granted by this benefit.
	BenefitID string `json:"benefit_id,omitempty"`
	// CustomerID requires the key to belong to this customer.
	CustomerID string `json:"customer_id,omitempty"`
	// IncrementUsage adds to the key's usage count (not negative); the
	// validation fails if that would pass the key's usage limit.
	IncrementUsage int64 `json:"increment_usage,omitempty"`
	// Conditions must match the conditions the activation was created
	// with: at most 50 keys of at most 40 characters, each a string (at
	// most 500 characters), an integer, a float or a boolean.
	Conditions map[string]any `json:"conditions,omitempty"`
}

// LicenseKeyActivate is the body of LicenseKeys.Activate. Key,
// OrganizationID and Label are required.
type LicenseKeyActivate struct {
	// Key is the license key to activate.
	Key string `json:"key"`
	// OrganizationID is the ID of the organization that issued the key.
	OrganizationID string `json:"organization_id"`
	// Label names the activation, such as a device name.
	Label string `json:"label"`
	// Conditions are checked by every later validation of the activation
	// (see LicenseKeyValidate.Conditions): at most 50 keys of at most 40
	// characters, each a string (at most 500 characters), an integer, a
	// float or a boolean.
	Conditions map[string]any `json:"conditions,omitempty"`
	// Meta is data stored with the activation, with the same limits as
	// Conditions.
	Meta map[string]any `json:"meta,omitempty"`
}

// LicenseKeyDeactivate is the body of LicenseKeys.Deactivate. Every field
// is required.
type LicenseKeyDeactivate struct {
	// Key is the license key.
	Key string `json:"key"`
	// OrganizationID is the ID of the organization that issued the key.
	OrganizationID string `json:"organization_id"`
	// ActivationID is the ID of the activation to free.
	ActivationID string `json:"activation_id"`
}

// errEmptyKey and errEmptyOrganization are the refusals of the license-key
// checks' bodies: an empty key or organization can match no key, and the
// server would answer 404 or 422 after a request that counts against the
// caller's 3 a second.
var (
	errEmptyKey          = errors.New("field Key is empty")
	errEmptyOrganization = errors.New("field OrganizationID is empty")
)

func (b *LicenseKeyValidate) validate() error { return checkKeyBody(b.Key, b.OrganizationID) }

func (b *LicenseKeyActivate) validate() error { return checkKeyBody(b.Key, b.OrganizationID) }

func (b *LicenseKeyDeactivate) validate() error {
	if err := checkKeyBody(b.Key, b.OrganizationID); err != nil {
		return err
	}
	if b.ActivationID == "" {
		return errors.New("field ActivationID is empty")
	}
	return nil
}

func checkKeyBody(key, org string) error {
	switch {
	case key == "":
		return errEmptyKey
	case org == "":
		return errEmptyOrganization
	}
	return nil
}
