package polar

import (
	"context"
	"iter"
	"net/http"
	"time"
)

// MembersService manages the members of a team customer: listing them,
// adding, changing the role of and removing members.
//
// It needs a member session token of the team's owner or of a billing
// manager. A customer session token gets 401 on every method; a member
// with the member role, or a customer that is not a team, gets 403
// (ErrNotPermitted). The server's rules on teams come back as errors too:
// a team has exactly one owner (no member can be added as, or changed
// into, a second owner, and the owner cannot be removed), and a member can
// neither change their own role nor remove themselves. Polar answers these
// with a 422 *ValidationError (error name PolarRequestValidationError) whose
// Errors say which rule was broken.
//
// Elsewhere, a member session sees less than a customer session: a member
// sees only their own benefit grants and downloadables, and only the owner
// and billing managers may use the billing operations (orders, payment
// methods, Customers.Update, Customers.RequestEmailUpdate, wallets, seat
// changes, and subscription updates and cancellation), which answer 403
// to other members.
//
// To stub it in a test, embed MembersService in a struct and implement only
// the methods the code under test calls (the others panic on the nil
// interface). A stub assigned to Client.Members stays in place in the
// clients that WithToken derives.
type MembersService interface {
	// List returns one page of the team's members.
	//
	// API: GET /v1/customer-portal/members
	List(ctx context.Context, opts *MemberListOptions) (*Page[CustomerPortalMember], error)
	// All iterates over every member of every page, 100 at a time unless
	// opts sets Limit.
	// ListOptions tells what a walk sees of a list that changes meanwhile.
	//
	// API: GET /v1/customer-portal/members
	All(ctx context.Context, opts *MemberListOptions) iter.Seq2[CustomerPortalMember, error]
	// Add adds a member to the team, with the member role unless body
	// says otherwise; the owner role cannot be given. If a member with
	// that email address exists already, it is returned unchanged. A
	// request for a second owner fails with a *ValidationError matching
	// ErrPolarRequestValidationError (422).
	//
	// API: POST /v1/customer-portal/members
	Add(ctx context.Context, body *CustomerPortalMemberCreate) (*CustomerPortalMember, error)
	// Update changes a member's name or role and returns the member as
	// updated. Changing one's own role, or a change that would leave the
	// team without exactly one owner, fails with a *ValidationError
	// matching ErrPolarRequestValidationError (422); a member that does
	// not exist with ErrResourceNotFound (404).
	//
	// API: PATCH /v1/customer-portal/members/{id}
	Update(ctx context.Context, id string, body *CustomerPortalMemberUpdate) (*CustomerPortalMember, error)
	// Remove removes a member from the team. Removing oneself or the
	// only owner fails with a *ValidationError matching
	// ErrPolarRequestValidationError (422); a member that does not exist
	// with ErrResourceNotFound (404).
	//
	// API: DELETE /v1/customer-portal/members/{id}
	Remove(ctx context.Context, id string) error
}

type membersService service

var _ MembersService = (*membersService)(nil)

const membersPath = "/v1/customer-portal/members"

var (
	membersList = declare[MemberListOptions, none, *Page[CustomerPortalMember]](operation{
		id: OpMembersList, method: http.MethodGet, path: membersPath})
	membersAdd = declare[none, *CustomerPortalMemberCreate, *CustomerPortalMember](operation{
		id: OpMembersAdd, method: http.MethodPost, path: membersPath})
	membersUpdate = declare[none, *CustomerPortalMemberUpdate, *CustomerPortalMember](operation{
		id: OpMembersUpdate, method: http.MethodPatch, path: membersPath + "/{id}"})
	membersRemove = declare[none, none, none](operation{
		id: OpMembersRemove, method: http.MethodDelete, path: membersPath + "/{id}"})
)

func (s *membersService) List(ctx context.Context, opts *MemberListOptions) (*Page[CustomerPortalMember], error) {
	return membersList.query(ctx, s.client, opts)
}

func (s *membersService) All(ctx context.Context, opts *MemberListOptions) iter.Seq2[CustomerPortalMember, error] {
	return listAll(ctx, s.client, opts, s.List)
}

// MemberListOptions selects a page of Members.List and Members.All. Polar
// takes no filter on members today; the type lets one be added later
// without changing the methods.
type MemberListOptions struct {
	ListOptions
}

func (s *membersService) Add(ctx context.Context, body *CustomerPortalMemberCreate) (*CustomerPortalMember, error) {
	return membersAdd.send(ctx, s.client, "", body)
}

func (s *membersService) Update(ctx context.Context, id string, body *CustomerPortalMemberUpdate) (*CustomerPortalMember, error) {
	return membersUpdate.send(ctx, s.client, id, body)
}

func (s *membersService) Remove(ctx context.Context, id string) error {
	_, err := membersRemove.call(ctx, s.client, id)
	return err
}

// CustomerPortalMember is a member of the customer's team as the customer
// portal shows it.
type CustomerPortalMember struct {
	// Creation timestamp of the object.
	CreatedAt time.Time `json:"created_at"`
	// Last modification timestamp of the object.
	ModifiedAt *time.Time `json:"modified_at"`
	// The ID of the object.
	ID string `json:"id"`
	// Email is the member's email address.
	Email string `json:"email"`
	// Name is the member's name.
	Name *string `json:"name"`
	// Role is the member's role within the team.
	Role MemberRole `json:"role"`
}

// MemberRole is the role of a member within a team customer.
type MemberRole string

// Values of MemberRole.
const (
	// MemberRoleOwner is the one member who owns the team.
	MemberRoleOwner MemberRole = "owner"
	// MemberRoleBillingManager may manage billing and members.
	MemberRoleBillingManager MemberRole = "billing_manager"
	// MemberRoleMember uses the team's purchases.
	MemberRoleMember MemberRole = "member"
)

// CustomerPortalMemberCreate is the body of Members.Add.
type CustomerPortalMemberCreate struct {
	// Email is the new member's email address.
	Email string `json:"email"`
	// Name is the new member's name, if any.
	Name string `json:"name,omitempty"`
	// Role is the new member's role: MemberRoleMember when nil, which is
	// the server's default. MemberRoleOwner is refused.
	Role *MemberRole `json:"role,omitempty"`
}

// CustomerPortalMemberUpdate is the body of Members.Update. Each field can
// be left out (the zero value), set with Set, or sent as null with Null;
// the server leaves the role as it is when it gets none or null.
type CustomerPortalMemberUpdate struct {
	// Name is the member's new name, at most 256 characters.
	Name Nullable[string] `json:"name,omitzero"`
	// Role is the member's new role.
	Role Nullable[MemberRole] `json:"role,omitzero"`
}

// Member is a member of a customer, as a seat names its occupant.
type Member struct {
	// ID is the ID of the member.
	ID string `json:"id"`
	// Creation timestamp of the object.
	CreatedAt time.Time `json:"created_at"`
	// Last modification timestamp of the object.
	ModifiedAt *time.Time `json:"modified_at"`
	// CustomerID is the ID of the customer the member belongs to.
	CustomerID string `json:"customer_id"`
	// Email is the member's email address.
	Email string `json:"email"`
	// Name is the member's name.
	Name *string `json:"name"`
	// ExternalID is the member's ID in the organization's own system,
	// unique within the customer.
	ExternalID *string `json:"external_id"`
	// Role is the member's role within the customer.
	Role MemberRole `json:"role"`
}
