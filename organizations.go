package polar

import (
	"context"
	"net/http"
	"time"
)

// OrganizationsService covers the public page of an organization in the
// customer portal: its name, portal settings and products. It needs no
// token, and sends none: it works with a client made by NewClient("").
//
// To stub it in a test, embed OrganizationsService in a struct and implement only
// the methods the code under test calls (the others panic on the nil
// interface). A stub assigned to Client.Organizations stays in place in the
// clients that WithToken derives.
type OrganizationsService interface {
	// Get returns the organization with the given slug (its short name in
	// portal and checkout URLs), with its customer portal settings and the
	// products it offers. It fails with an error matching
	// ErrResourceNotFound when no organization has that slug.
	//
	// API: GET /v1/customer-portal/organizations/{slug}
	Get(ctx context.Context, slug string) (*CustomerOrganizationData, error)
}

type organizationsService service

var _ OrganizationsService = (*organizationsService)(nil)

var organizationsGet = declare[none, none, *CustomerOrganizationData](operation{
	id: OpOrganizationsGet, method: http.MethodGet,
	path: "/v1/customer-portal/organizations/{slug}", public: true})

func (s *organizationsService) Get(ctx context.Context, slug string) (*CustomerOrganizationData, error) {
	return organizationsGet.call(ctx, s.client, slug)
}

// CustomerOrganizationData is an organization with what its customer
// portal shows: the organization and its settings, and its products.
type CustomerOrganizationData struct {
	// Organization is the organization and its portal settings.
	Organization CustomerOrganization `json:"organization"`
	// Products are the products the organization offers.
	Products []CustomerProduct `json:"products"`
}

// CustomerOrganization is the organization selling a product, as its
// customers see it: the organization with its portal settings.
type CustomerOrganization struct {
	BenefitSubscriberOrganization
	// Settings related to the customer portal
	CustomerPortalSettings OrganizationCustomerPortalSettings `json:"customer_portal_settings"`
	// Feature flags for the customer portal.
	OrganizationFeatures *CustomerOrganizationFeatureSettings `json:"organization_features,omitempty"`
}

// SubscriptionProrationBehavior is how subscription changes are billed.
type SubscriptionProrationBehavior string

// Values of SubscriptionProrationBehavior.
const (
	SubscriptionProrationBehaviorInvoice    SubscriptionProrationBehavior = "invoice"
	SubscriptionProrationBehaviorProrate    SubscriptionProrationBehavior = "prorate"
	SubscriptionProrationBehaviorNextPeriod SubscriptionProrationBehavior = "next_period"
	SubscriptionProrationBehaviorReset      SubscriptionProrationBehavior = "reset"
)

// OrganizationCustomerPortalSettings are an organization's customer portal
// settings: what the portal shows of usage, and which changes customers may
// make to their subscriptions and to their own details (nil when the
// server sends no customer settings).
type OrganizationCustomerPortalSettings struct {
	// Usage says whether the portal shows usage.
	Usage CustomerPortalUsageSettings `json:"usage"`
	// Subscription says which subscription changes customers may make.
	Subscription CustomerPortalSubscriptionSettings `json:"subscription"`
	// Customer says which customer details customers may change, if set.
	Customer *CustomerPortalCustomerSettings `json:"customer,omitempty"`
}

// CustomerPortalUsageSettings says whether the portal shows the
// customer's usage of metered products.
type CustomerPortalUsageSettings struct {
	// Show is true when usage is shown.
	Show bool `json:"show"`
}

// CustomerPortalSubscriptionSettings says which subscription changes
// customers may make in the portal: the number of seats, the plan
// (product), pausing, and the number of units. Pause and UpdateUnits are
// nil when the server leaves them out.
type CustomerPortalSubscriptionSettings struct {
	// UpdateSeats tells whether customers may change their number of seats.
	UpdateSeats bool `json:"update_seats"`
	// UpdatePlan tells whether customers may change product.
	UpdatePlan bool `json:"update_plan"`
	// Pause tells whether customers may pause their subscription, if set.
	Pause *bool `json:"pause,omitempty"`
	// UpdateUnits tells whether customers may change their number of units,
	// if set.
	UpdateUnits *bool `json:"update_units,omitempty"`
}

// CustomerPortalCustomerSettings says which customer details customers may
// change in the portal.
type CustomerPortalCustomerSettings struct {
	// AllowEmailChange tells whether customers may change their email
	// address (Customers.RequestEmailUpdate); nil when left out.
	AllowEmailChange *bool `json:"allow_email_change,omitempty"`
}

// CustomerOrganizationFeatureSettings are the feature flags exposed to the
// customer portal.
type CustomerOrganizationFeatureSettings struct {
	// Whether the member model is enabled for this organization.
	MemberModelEnabled *bool `json:"member_model_enabled,omitempty"`
	// Whether localization is enabled for this organization.
	CheckoutLocalizationEnabled *bool `json:"checkout_localization_enabled,omitempty"`
}

// BenefitSubscriberOrganization is an organization as its customers see
// it: the owner of a granted benefit, and the seller of a product (see
// CustomerOrganization).
type BenefitSubscriberOrganization struct {
	// CreatedAt is the creation time of the organization.
	CreatedAt time.Time `json:"created_at"`
	// ModifiedAt is the time of the last modification, if any.
	ModifiedAt *time.Time `json:"modified_at"`
	// ID is the ID of the organization.
	ID string `json:"id"`
	// Name is shown in checkout, customer portal, emails and so on.
	Name string `json:"name"`
	// Slug is the organization's unique slug, used in checkout, customer
	// portal and credit card statements.
	Slug string `json:"slug"`
	// AvatarURL is the organization's avatar, if any.
	AvatarURL *string `json:"avatar_url"`
	// ProrationBehavior is applied when customers change their
	// subscriptions from the portal.
	ProrationBehavior SubscriptionProrationBehavior `json:"proration_behavior"`
	// AllowCustomerUpdates reports whether customers may change their
	// subscriptions from the portal.
	AllowCustomerUpdates bool `json:"allow_customer_updates"`
}
