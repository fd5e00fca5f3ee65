package polar

import (
	"context"
	"iter"
	"net/http"
	"time"
)

// SubscriptionsService covers the subscriptions of the authenticated
// customer: listing and fetching them, changing their product, seats or
// units, pausing, resuming and canceling them. Reading needs a customer
// session token or a member session token; changes need a customer
// session token, or a member session token of the owner or a billing
// manager of a team.
//
// To stub it in a test, embed SubscriptionsService in a struct and implement only
// the methods the code under test calls (the others panic on the nil
// interface). A stub assigned to Client.Subscriptions stays in place in the
// clients that WithToken derives.
type SubscriptionsService interface {
	// List returns one page of the customer's subscriptions.
	//
	// API: GET /v1/customer-portal/subscriptions/
	List(ctx context.Context, opts *SubscriptionListOptions) (*Page[CustomerSubscription], error)
	// All iterates over every subscription of every page, 100 at a time
	// unless opts sets Limit.
	// ListOptions tells what a walk sees of a list that changes meanwhile.
	//
	// API: GET /v1/customer-portal/subscriptions/
	All(ctx context.Context, opts *SubscriptionListOptions) iter.Seq2[CustomerSubscription, error]
	// Get returns a subscription by ID. It fails with an error matching
	// ErrResourceNotFound when the customer has no such subscription.
	//
	// API: GET /v1/customer-portal/subscriptions/{id}
	Get(ctx context.Context, id string) (*CustomerSubscription, error)
	// Update changes a subscription in one of the ways body's shape says:
	// *CustomerSubscriptionUpdateProduct, *CustomerSubscriptionUpdateSeats,
	// *CustomerSubscriptionUpdateUnits, *CustomerSubscriptionCancel,
	// *CustomerSubscriptionPause, *CustomerSubscriptionResume or
	// *CustomerSubscriptionUpdateClear (values work as well as pointers).
	// Like every PATCH, it is retried only where the server cannot have
	// applied it (a request that was never sent, a rate limit, a 503 with
	// Retry-After). It fails with an error matching
	// ErrPaymentFailed (402) when a change that is charged at once could
	// not be paid, ErrPaymentActionRequired (402) when that charge needs
	// the customer to authenticate it, ErrAlreadyCanceledSubscription
	// (403) when the subscription is canceled or will be at the end of the
	// period, ErrPauseResumeNotAllowed, ErrUpdateSubscriptionPlanNotAllowed,
	// ErrUpdateSubscriptionSeatsNotAllowed or
	// ErrUpdateSubscriptionUnitsNotAllowed (403) when the organization does
	// not let customers make that change, ErrPaymentMethodRequired (409)
	// when there is no payment method to charge, ErrResourceNotFound
	// (404), or with a *ValidationError (422). A change of seats fails
	// with ErrNotASeatBasedSubscription, ErrBelowMinimumSeats,
	// ErrAboveMaximumSeats or ErrSeatsAlreadyAssigned (400), a change of
	// units with ErrNotAUnitBasedSubscription, ErrBelowMinimumUnits or
	// ErrAboveMaximumUnits (400); a pause with ErrCannotPauseSubscription,
	// taking a pause back with ErrNoScheduledPause, a resume with
	// ErrNotPausedSubscription (409); taking back the cancellation of a
	// subscription that has ended with ErrResourceUnavailable (410).
	//
	// API: PATCH /v1/customer-portal/subscriptions/{id}
	Update(ctx context.Context, id string, body CustomerSubscriptionUpdate) (*CustomerSubscription, error)
	// Cancel cancels a subscription at the end of its current period and
	// returns it: it stays active until then, with CancelAtPeriodEnd set
	// and EndsAt at the period's end. Update with a
	// *CustomerSubscriptionCancel does the same and records a reason and
	// a comment.
	//
	// Cancel is a DELETE, which the client retries after a transient
	// failure (a 502, 503 or 504, or a lost connection). When an earlier
	// attempt did cancel the subscription but its answer was lost, the
	// retry is answered 403 AlreadyCanceledSubscription: an error matching
	// ErrAlreadyCanceledSubscription whose *APIError has Attempt greater
	// than 1 means an earlier attempt of this call canceled the subscription,
	// and callers can treat it as done:
	//
	//	sub, err := client.Subscriptions.Cancel(ctx, id)
	//	var apiErr *polar.APIError
	//	if errors.Is(err, polar.ErrAlreadyCanceledSubscription) && errors.As(err, &apiErr) && apiErr.Attempt > 1 {
	//		err = nil // canceled by an earlier attempt; sub is nil, Get returns it
	//	}
	//
	// With Attempt 1 the subscription was already canceled, or set to be
	// canceled at the end of the period, before the call.
	// It also fails with ErrResourceNotFound (404), or with a
	// *ValidationError (422).
	//
	// API: DELETE /v1/customer-portal/subscriptions/{id}
	Cancel(ctx context.Context, id string) (*CustomerSubscription, error)
}

type subscriptionsService service

var _ SubscriptionsService = (*subscriptionsService)(nil)

const subscriptionsPath = "/v1/customer-portal/subscriptions/"

var (
	subscriptionsList = declare[SubscriptionListOptions, none, *Page[CustomerSubscription]](operation{
		id: OpSubscriptionsList, method: http.MethodGet, path: subscriptionsPath})
	subscriptionsGet = declare[none, none, *CustomerSubscription](operation{
		id: OpSubscriptionsGet, method: http.MethodGet, path: subscriptionsPath + "{id}"})
	subscriptionsUpdate = declare[none, CustomerSubscriptionUpdate, *CustomerSubscription](operation{
		id: OpSubscriptionsUpdate, method: http.MethodPatch, path: subscriptionsPath + "{id}"})
	subscriptionsCancel = declare[none, none, *CustomerSubscription](operation{
		id: OpSubscriptionsCancel, method: http.MethodDelete, path: subscriptionsPath + "{id}"})
)

func (s *subscriptionsService) List(ctx context.Context, opts *SubscriptionListOptions) (*Page[CustomerSubscription], error) {
	return subscriptionsList.query(ctx, s.client, opts)
}

func (s *subscriptionsService) All(ctx context.Context, opts *SubscriptionListOptions) iter.Seq2[CustomerSubscription, error] {
	return listAll(ctx, s.client, opts, s.List)
}

func (s *subscriptionsService) Get(ctx context.Context, id string) (*CustomerSubscription, error) {
	return subscriptionsGet.call(ctx, s.client, id)
}

func (s *subscriptionsService) Update(ctx context.Context, id string, body CustomerSubscriptionUpdate) (*CustomerSubscription, error) {
	return subscriptionsUpdate.send(ctx, s.client, id, body)
}

func (s *subscriptionsService) Cancel(ctx context.Context, id string) (*CustomerSubscription, error) {
	return subscriptionsCancel.call(ctx, s.client, id)
}

// SubscriptionListOptions filters and sorts Subscriptions.List and
// Subscriptions.All. Filters with several values match any of them.
type SubscriptionListOptions struct {
	ListOptions
	// ProductID filters by product ID.
	ProductID []string `url:"product_id,omitempty"`
	// Active filters by status: true keeps active and trialing
	// subscriptions, false canceled and unpaid ones, nil lists all.
	// past_due and paused subscriptions match neither true nor false, so
	// only nil lists them. This is what the polartest fake does, after
	// Polar's server (earlier server versions counted past_due with false).
	// new(true) gives the pointer.
	Active *bool `url:"active,omitempty"`
	// Query searches by product or organization name.
	Query string `url:"query,omitempty"`
	// Sorting lists sort criteria applied in order; the server's default
	// is CustomerSubscriptionSortPropertyStartedAtDesc.
	Sorting []CustomerSubscriptionSortProperty `url:"sorting,omitempty"`
}

// CustomerSubscriptionSortProperty is a sort criterion of
// Subscriptions.List; the Desc variants sort in descending order.
type CustomerSubscriptionSortProperty string

// Values of CustomerSubscriptionSortProperty.
const (
	CustomerSubscriptionSortPropertyStartedAt        CustomerSubscriptionSortProperty = "started_at"
	CustomerSubscriptionSortPropertyStartedAtDesc    CustomerSubscriptionSortProperty = "-started_at"
	CustomerSubscriptionSortPropertyAmount           CustomerSubscriptionSortProperty = "amount"
	CustomerSubscriptionSortPropertyAmountDesc       CustomerSubscriptionSortProperty = "-amount"
	CustomerSubscriptionSortPropertyStatus           CustomerSubscriptionSortProperty = "status"
	CustomerSubscriptionSortPropertyStatusDesc       CustomerSubscriptionSortProperty = "-status"
	CustomerSubscriptionSortPropertyOrganization     CustomerSubscriptionSortProperty = "organization"
	CustomerSubscriptionSortPropertyOrganizationDesc CustomerSubscriptionSortProperty = "-organization"
	CustomerSubscriptionSortPropertyProduct          CustomerSubscriptionSortProperty = "product"
	CustomerSubscriptionSortPropertyProductDesc      CustomerSubscriptionSortProperty = "-product"
)

// CustomerSubscription is a subscription of the authenticated customer,
// with its product, prices, meters and pending update. Its other fields
// (status, billing period, trial, pause and cancellation) are those of
// CustomerOrderSubscription, which it embeds: they read as fields of
// CustomerSubscription (sub.Status, sub.CurrentPeriodEnd). Amounts are in
// the smallest unit of Currency (cents).
type CustomerSubscription struct {
	CustomerOrderSubscription
	// The product subscribed to.
	Product CustomerSubscriptionProduct `json:"product"`
	// List of enabled prices for the subscription: current and legacy
	// prices mixed (see Price).
	Prices PriceList `json:"prices"`
	// List of meters associated with the subscription.
	Meters []CustomerSubscriptionMeter `json:"meters"`
	// Pending subscription update that will be applied at the beginning of
	// the next period. If nil, there is no pending update.
	PendingUpdate *PendingSubscriptionUpdate `json:"pending_update"`
}

// CustomerSubscriptionProduct is the product of a subscription. It has
// the same fields as CustomerOrderProduct, so one converts into the
// other.
type CustomerSubscriptionProduct CustomerOrderProduct

// CustomerSubscriptionMeter is the usage of one meter by a subscription in
// the current billing period.
type CustomerSubscriptionMeter struct {
	// Creation timestamp of the object.
	CreatedAt time.Time `json:"created_at"`
	// Last modification timestamp of the object.
	ModifiedAt *time.Time `json:"modified_at"`
	// The ID of the object.
	ID string `json:"id"`
	// The number of consumed units so far in this billing period. It may
	// be fractional.
	ConsumedUnits float64 `json:"consumed_units"`
	// The number of credited units so far in this billing period.
	CreditedUnits int64 `json:"credited_units"`
	// The amount due in cents so far in this billing period.
	Amount int64 `json:"amount"`
	// The ID of the meter.
	MeterID string `json:"meter_id"`
	// The meter.
	Meter Meter `json:"meter"`
}

// PendingSubscriptionUpdate is an update to be applied to a subscription
// at the beginning of the next period. A nil field is not changed.
type PendingSubscriptionUpdate struct {
	// Creation timestamp of the object.
	CreatedAt time.Time `json:"created_at"`
	// Last modification timestamp of the object.
	ModifiedAt *time.Time `json:"modified_at"`
	// The ID of the object.
	ID string `json:"id"`
	// The date and time when the subscription update will be applied.
	AppliesAt time.Time `json:"applies_at"`
	// ID of the new product to apply to the subscription. If nil, the
	// product won't be changed.
	ProductID *string `json:"product_id"`
	// Number of seats to apply to the subscription. If nil, the number of
	// seats won't be changed.
	Seats *int64 `json:"seats"`
	// Number of units to apply to the subscription. If nil, the number of
	// units won't be changed.
	Units *int64 `json:"units"`
}

// SubscriptionStatus is the state of a subscription.
type SubscriptionStatus string

// Values of SubscriptionStatus.
const (
	SubscriptionStatusIncomplete        SubscriptionStatus = "incomplete"
	SubscriptionStatusIncompleteExpired SubscriptionStatus = "incomplete_expired"
	SubscriptionStatusTrialing          SubscriptionStatus = "trialing"
	SubscriptionStatusActive            SubscriptionStatus = "active"
	SubscriptionStatusPastDue           SubscriptionStatus = "past_due"
	SubscriptionStatusCanceled          SubscriptionStatus = "canceled"
	SubscriptionStatusUnpaid            SubscriptionStatus = "unpaid"
	SubscriptionStatusPaused            SubscriptionStatus = "paused"
)

// CustomerCancellationReason is the reason a customer gave for canceling.
type CustomerCancellationReason string

// Values of CustomerCancellationReason.
const (
	CustomerCancellationReasonCustomerService CustomerCancellationReason = "customer_service"
	CustomerCancellationReasonLowQuality      CustomerCancellationReason = "low_quality"
	CustomerCancellationReasonMissingFeatures CustomerCancellationReason = "missing_features"
	CustomerCancellationReasonSwitchedService CustomerCancellationReason = "switched_service"
	CustomerCancellationReasonTooComplex      CustomerCancellationReason = "too_complex"
	CustomerCancellationReasonTooExpensive    CustomerCancellationReason = "too_expensive"
	CustomerCancellationReasonUnused          CustomerCancellationReason = "unused"
	CustomerCancellationReasonOther           CustomerCancellationReason = "other"
)

// CustomerSubscriptionUpdate is the body of Subscriptions.Update: one of
// seven changes, each its own type (as a pointer or a value):
//
//   - CustomerSubscriptionUpdateProduct switches to another product;
//   - CustomerSubscriptionUpdateSeats changes the number of seats;
//   - CustomerSubscriptionUpdateUnits changes the number of units;
//   - CustomerSubscriptionCancel cancels at the end of the period, or
//     takes such a cancellation back, with a reason and a comment;
//   - CustomerSubscriptionPause pauses at the end of the period, or takes
//     such a pause back;
//   - CustomerSubscriptionResume resumes a paused subscription at once;
//   - CustomerSubscriptionUpdateClear drops the pending update.
//
// For example:
//
//	sub, err := client.Subscriptions.Update(ctx, id, &polar.CustomerSubscriptionUpdateSeats{Seats: 12})
type CustomerSubscriptionUpdate interface {
	isCustomerSubscriptionUpdate()
}

func (CustomerSubscriptionUpdateProduct) isCustomerSubscriptionUpdate() {}
func (CustomerSubscriptionUpdateSeats) isCustomerSubscriptionUpdate()   {}
func (CustomerSubscriptionUpdateUnits) isCustomerSubscriptionUpdate()   {}
func (CustomerSubscriptionCancel) isCustomerSubscriptionUpdate()        {}
func (CustomerSubscriptionPause) isCustomerSubscriptionUpdate()         {}
func (CustomerSubscriptionResume) isCustomerSubscriptionUpdate()        {}
func (CustomerSubscriptionUpdateClear) isCustomerSubscriptionUpdate()   {}

// CustomerSubscriptionUpdateProduct switches a subscription to another
// product (Subscriptions.Update). How the change is billed follows the
// organization's ProrationBehavior.
type CustomerSubscriptionUpdateProduct struct {
	// ProductID is the ID of the product to switch to.
	ProductID string `json:"product_id"`
}

// CustomerSubscriptionUpdateSeats changes the number of seats of a
// seat-based subscription (Subscriptions.Update).
type CustomerSubscriptionUpdateSeats struct {
	// Seats is the new number of seats.
	Seats int64 `json:"seats"`
}

// CustomerSubscriptionUpdateUnits changes the number of units of a
// unit-based subscription (Subscriptions.Update).
type CustomerSubscriptionUpdateUnits struct {
	// Units is the new number of units.
	Units int64 `json:"units"`
}

// CustomerSubscriptionCancel cancels a subscription at the end of the
// current period, or takes such a cancellation back
// (Subscriptions.Update). Subscriptions.Cancel cancels at the period's end
// too, without a reason or comment.
// Each field can be left out (the zero value), set with Set, or cleared
// with Null:
//
//	&polar.CustomerSubscriptionCancel{
//		CancelAtPeriodEnd:   polar.Set(true),
//		CancellationReason:  polar.Set(polar.CustomerCancellationReasonTooExpensive),
//		CancellationComment: polar.Set("Budget freeze until Q1."),
//	}
type CustomerSubscriptionCancel struct {
	// CancelAtPeriodEnd set to true cancels an active subscription once the
	// current period ends; set to false, it takes back a cancellation
	// scheduled for the period end.
	CancelAtPeriodEnd Nullable[bool] `json:"cancel_at_period_end,omitzero"`
	// CancellationReason is the customer's reason for canceling.
	CancellationReason Nullable[CustomerCancellationReason] `json:"cancellation_reason,omitzero"`
	// CancellationComment is the customer's feedback: why they decided to
	// cancel.
	CancellationComment Nullable[string] `json:"cancellation_comment,omitzero"`
}

// CustomerSubscriptionPause pauses a subscription at the end of the
// current period, or takes such a pause back (Subscriptions.Update).
type CustomerSubscriptionPause struct {
	// PauseAtPeriodEnd set to true pauses an active subscription at the end
	// of the current period; false takes back a pause scheduled for the
	// period end. It is always sent.
	PauseAtPeriodEnd bool `json:"pause_at_period_end"`
	// ResumesAt is when the paused subscription resumes by itself; it must
	// be after the current period end. Left out or cleared with Null, the
	// subscription stays paused until it is resumed.
	ResumesAt Nullable[time.Time] `json:"resumes_at,omitzero"`
}

// CustomerSubscriptionResume resumes a paused subscription at once,
// starting a new billing period and charging the customer
// (Subscriptions.Update). It has no fields: it is sent as
// {"resume": true}.
type CustomerSubscriptionResume struct{}

// MarshalJSON writes {"resume":true}.
func (CustomerSubscriptionResume) MarshalJSON() ([]byte, error) {
	return []byte(`{"resume":true}`), nil
}

// CustomerSubscriptionUpdateClear drops the update pending on a
// subscription (see CustomerSubscription.PendingUpdate) before it applies
// (Subscriptions.Update). It has no fields: it is sent as
// {"pending_update": null}.
type CustomerSubscriptionUpdateClear struct{}

// MarshalJSON writes {"pending_update":null}.
func (CustomerSubscriptionUpdateClear) MarshalJSON() ([]byte, error) {
	return []byte(`{"pending_update":null}`), nil
}
