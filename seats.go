package polar

import (
	"context"
	"iter"
	"net/http"
	"time"
)

// SeatsService manages the seats of the customer's seat-based
// subscriptions and orders: listing them, assigning them to people,
// revoking them and resending invitations.
//
// It needs a customer session token, or a member session token of a
// team's owner or billing manager (other members get 403 on Assign,
// Revoke and ResendInvitation, matching ErrNotPermitted). Every method
// fails with an error matching ErrFeatureNotEnabled (403) when the
// organization has not enabled seat-based pricing, and with
// ErrResourceNotFound (404) when the subscription, order or seat does not
// exist. The API document gives these errors no body schema; the server
// names each, and the methods below say which sentinel matches it.
//
// To stub it in a test, embed SeatsService in a struct and implement only
// the methods the code under test calls (the others panic on the nil
// interface). A stub assigned to Client.Seats stays in place in the
// clients that WithToken derives.
type SeatsService interface {
	// List returns the seats of a subscription or an order (set one of
	// opts.SubscriptionID and opts.OrderID), with how many are available
	// and how many there are in all. It is not paginated.
	//
	// API: GET /v1/customer-portal/seats
	List(ctx context.Context, opts *SeatListOptions) (*SeatsList, error)
	// Assign gives a seat of a subscription, order or checkout to someone,
	// named by email address, customer ID, external customer ID, member ID
	// or external member ID. Unless body.ImmediateClaim is set, the person
	// gets an invitation to claim it. It fails with an error matching
	// ErrSeatNotAvailable (400) when no seat is left or the order is not
	// paid yet, ErrSeatAlreadyAssigned (400) when the person already has
	// one, ErrInvalidSeatAssignmentRequest (400) when the body does not
	// name the person exactly one way, ErrMemberEmailMismatch (400) when
	// the external member ID belongs to a member with another email
	// address, or ErrCustomerNotFound or ErrMemberNotFound (404) when no
	// customer or member has the ID given.
	//
	// API: POST /v1/customer-portal/seats
	Assign(ctx context.Context, body *CustomerSeatAssign) (*CustomerSeat, error)
	// Revoke takes a seat back and returns it as revoked; the seat becomes
	// available again.
	//
	// API: DELETE /v1/customer-portal/seats/{seat_id}
	Revoke(ctx context.Context, seatID string) (*CustomerSeat, error)
	// ResendInvitation sends the invitation of a pending seat again. It
	// fails with an error matching ErrSeatNotPending (400) when the seat
	// is claimed or revoked, or ErrInvalidInvitationToken (400) when its
	// invitation can no longer be sent.
	//
	// API: POST /v1/customer-portal/seats/{seat_id}/resend
	ResendInvitation(ctx context.Context, seatID string) (*CustomerSeat, error)
	// ListClaimedSubscriptions returns one page of the subscriptions whose
	// seats the signed-in customer or member has claimed: those of other
	// customers that give them access.
	//
	// API: GET /v1/customer-portal/seats/subscriptions
	ListClaimedSubscriptions(ctx context.Context, opts *ClaimedSubscriptionListOptions) (*Page[CustomerSubscription], error)
	// AllClaimedSubscriptions iterates over every subscription whose seat
	// the signed-in customer or member has claimed, 100 a page unless opts
	// sets Limit.
	// ListOptions tells what a walk sees of a list that changes meanwhile.
	//
	// API: GET /v1/customer-portal/seats/subscriptions (every page)
	AllClaimedSubscriptions(ctx context.Context, opts *ClaimedSubscriptionListOptions) iter.Seq2[CustomerSubscription, error]
}

type seatsService service

var _ SeatsService = (*seatsService)(nil)

const seatsPath = "/v1/customer-portal/seats"

var (
	seatsList = declare[SeatListOptions, none, *SeatsList](operation{
		id: OpSeatsList, method: http.MethodGet, path: seatsPath})
	seatsAssign = declare[none, *CustomerSeatAssign, *CustomerSeat](operation{
		id: OpSeatsAssign, method: http.MethodPost, path: seatsPath})
	seatsRevoke = declare[none, none, *CustomerSeat](operation{
		id: OpSeatsRevoke, method: http.MethodDelete, path: seatsPath + "/{seat_id}"})
	seatsResendInvitation = declare[none, none, *CustomerSeat](operation{
		id: OpSeatsResendInvitation, method: http.MethodPost, path: seatsPath + "/{seat_id}/resend"})
	seatsListClaimedSubscriptions = declare[ClaimedSubscriptionListOptions, none, *Page[CustomerSubscription]](operation{
		id: OpSeatsListClaimedSubscriptions, method: http.MethodGet, path: seatsPath + "/subscriptions"})
)

func (s *seatsService) List(ctx context.Context, opts *SeatListOptions) (*SeatsList, error) {
	return seatsList.query(ctx, s.client, opts)
}

func (s *seatsService) Assign(ctx context.Context, body *CustomerSeatAssign) (*CustomerSeat, error) {
	return seatsAssign.send(ctx, s.client, "", body)
}

func (s *seatsService) Revoke(ctx context.Context, seatID string) (*CustomerSeat, error) {
	return seatsRevoke.call(ctx, s.client, seatID)
}

func (s *seatsService) ResendInvitation(ctx context.Context, seatID string) (*CustomerSeat, error) {
	return seatsResendInvitation.call(ctx, s.client, seatID)
}

func (s *seatsService) ListClaimedSubscriptions(ctx context.Context, opts *ClaimedSubscriptionListOptions) (*Page[CustomerSubscription], error) {
	return seatsListClaimedSubscriptions.query(ctx, s.client, opts)
}

func (s *seatsService) AllClaimedSubscriptions(ctx context.Context, opts *ClaimedSubscriptionListOptions) iter.Seq2[CustomerSubscription, error] {
	return listAll(ctx, s.client, opts, s.ListClaimedSubscriptions)
}

// ClaimedSubscriptionListOptions selects a page of
// Seats.ListClaimedSubscriptions and Seats.AllClaimedSubscriptions. Polar
// takes no filter on them today; the type lets one be added later without
// changing the methods.
type ClaimedSubscriptionListOptions struct {
	ListOptions
}

// SeatListOptions selects the seats of Seats.List. The list is not
// paginated, so it has no ListOptions.
type SeatListOptions struct {
	// SubscriptionID selects the seats of a subscription.
	SubscriptionID string `url:"subscription_id,omitempty"`
	// OrderID selects the seats of a one-time order.
	OrderID string `url:"order_id,omitempty"`
}

// SeatsList is the answer of Seats.List: every seat of one subscription or
// order at once, with counts. It is not a Page; the API does not paginate
// seats.
type SeatsList struct {
	// Seats lists the seats.
	Seats []CustomerSeat `json:"seats"`
	// AvailableSeats is how many seats are not assigned.
	AvailableSeats int64 `json:"available_seats"`
	// TotalSeats is how many seats the subscription or order has.
	TotalSeats int64 `json:"total_seats"`
}

// CustomerSeat is a seat of a seat-based subscription or order.
type CustomerSeat struct {
	// Creation timestamp of the object.
	CreatedAt time.Time `json:"created_at"`
	// Last modification timestamp of the object.
	ModifiedAt *time.Time `json:"modified_at"`
	// ID is the seat's ID.
	ID string `json:"id"`
	// SubscriptionID is the ID of the subscription of a recurring seat.
	SubscriptionID *string `json:"subscription_id"`
	// OrderID is the ID of the order of a one-time purchase seat.
	OrderID *string `json:"order_id"`
	// Status tells a pending seat from a claimed or revoked one.
	Status SeatStatus `json:"status"`
	// CustomerID is the ID of the billing customer (the purchaser) when the
	// organization uses the member model, and otherwise the ID of the
	// customer who holds the seat.
	CustomerID *string `json:"customer_id"`
	// MemberID is the ID of the member who holds the seat.
	MemberID *string `json:"member_id"`
	// Member is the member who holds the seat.
	Member *Member `json:"member"`
	// Email is the email address of the seat's member, set when the
	// organization uses the member model.
	Email *string `json:"email"`
	// CustomerEmail is the email address of the customer the seat is
	// assigned to.
	CustomerEmail *string `json:"customer_email"`
	// InvitationTokenExpiresAt is when the invitation to claim the seat
	// expires.
	InvitationTokenExpiresAt *time.Time `json:"invitation_token_expires_at"`
	// ClaimedAt is when the seat was claimed.
	ClaimedAt *time.Time `json:"claimed_at"`
	// RevokedAt is when the seat was revoked.
	RevokedAt *time.Time `json:"revoked_at"`
	// SeatMetadata holds the metadata given when the seat was assigned.
	SeatMetadata map[string]any `json:"seat_metadata"`
}

// SeatStatus is the state of a seat.
type SeatStatus string

// Values of SeatStatus.
const (
	// SeatStatusPending is a seat assigned but not claimed yet.
	SeatStatusPending SeatStatus = "pending"
	// SeatStatusClaimed is a seat its holder claimed.
	SeatStatusClaimed SeatStatus = "claimed"
	// SeatStatusRevoked is a seat taken back.
	SeatStatusRevoked SeatStatus = "revoked"
)

// CustomerSeatAssign is the body of Seats.Assign. Set one of
// SubscriptionID, OrderID and CheckoutID for where the seat comes from,
// and one of Email, CustomerID, ExternalCustomerID, MemberID and
// ExternalMemberID (ExternalMemberID may go with Email) for who gets it.
type CustomerSeatAssign struct {
	// SubscriptionID is the subscription whose seat is assigned.
	SubscriptionID string `json:"subscription_id,omitempty"`
	// OrderID is the one-time order whose seat is assigned.
	OrderID string `json:"order_id,omitempty"`
	// CheckoutID is a checkout, standing for the subscription or order it
	// produced.
	CheckoutID string `json:"checkout_id,omitempty"`
	// Email is the email address of the person who gets the seat.
	Email string `json:"email,omitempty"`
	// ExternalCustomerID is the ID, in the organization's own system, of
	// the customer who gets the seat.
	ExternalCustomerID string `json:"external_customer_id,omitempty"`
	// CustomerID is the ID of the customer who gets the seat.
	CustomerID string `json:"customer_id,omitempty"`
	// ExternalMemberID is the ID, in the organization's own system, of the
	// member who gets the seat: alone, it names an existing member; with
	// Email, it creates or checks the member.
	ExternalMemberID string `json:"external_member_id,omitempty"`
	// MemberID is the ID of the member who gets the seat.
	MemberID string `json:"member_id,omitempty"`
	// Metadata is stored with the seat (at most 10 keys, 1 KB in all).
	Metadata map[string]any `json:"metadata,omitempty"`
	// ImmediateClaim claims the seat at once, without an invitation email.
	ImmediateClaim bool `json:"immediate_claim,omitempty"`
}
