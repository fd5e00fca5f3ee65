package polartest

import (
	"cmp"
	"net/http"
	"strings"
	"unicode/utf8"

	polar "github.com/polarportal/polar-go"
)

// Members: the members of a team customer. Only a member session of the
// team's owner or a billing manager may call them (teamAdmin): a
// customer session gets 401, a plain member or a member of a customer
// that is not a team 403 NotPermitted.
//
// The rules of a team, as Polar's server enforces them (its rule errors
// are 422 PolarRequestValidationError answers whose single item names the
// rule in msg):
//   - Add never makes an owner (422 at ["body", "role"]); adding an email
//     address that is already a member's (case-insensitively) answers 201
//     with that member, unchanged.
//   - Update changes the name (null or "" leaves it) and the role (null
//     leaves it). Nobody changes their own role (422 at ["path", "id"]).
//     Promoting a member to owner is an ownership transfer that only the
//     owner may make: the owner becomes a billing manager. A billing
//     manager can neither promote anyone to owner nor demote the owner.
//   - Remove deletes the member (204) and revokes the seats they hold;
//     their sessions stop working. Nobody removes themselves, and the
//     owner cannot be removed.
var membersRoutes = routes{
	"customer_portal:members:list_members":  {teamAdmin, membersList},
	"customer_portal:members:add_member":    {teamAdmin, membersAdd},
	"customer_portal:members:update_member": {teamAdmin, membersUpdate},
	"customer_portal:members:remove_member": {teamAdmin, membersRemove},
}

// memberRoles are the values of MemberRole, in the order Polar lists them.
var memberRoles = []string{string(polar.MemberRoleOwner), string(polar.MemberRoleBillingManager), string(polar.MemberRoleMember)}

// portalMember returns a member as the portal's member operations show it.
func portalMember(m *polar.Member) *polar.CustomerPortalMember {
	return &polar.CustomerPortalMember{
		CreatedAt: m.CreatedAt, ModifiedAt: m.ModifiedAt, ID: m.ID,
		Email: m.Email, Name: m.Name, Role: m.Role,
	}
}

// customerMembers returns the members of a customer, oldest first.
func (st *store) customerMembers(customerID string) []*polar.Member {
	return st.members.where(func(m *polar.Member) bool { return m.CustomerID == customerID })
}

// memberByEmail returns the member of a customer with that email
// address, compared case-insensitively, or nil.
func (st *store) memberByEmail(customerID, email string) *polar.Member {
	for _, m := range st.customerMembers(customerID) {
		if strings.EqualFold(m.Email, email) {
			return m
		}
	}
	return nil
}

// teamMember returns the member id of the caller's customer, or Polar's
// 404 "Member not found".
func (st *store) teamMember(who *principal, id string) (*polar.Member, error) {
	m, err := owned(st.members, id, who.customerID(), func(m *polar.Member) string { return m.CustomerID })
	if err != nil {
		return nil, domainError(http.StatusNotFound, "ResourceNotFound", "Member not found")
	}
	return m, nil
}

func membersList(c *call) error {
	var o polar.ListOptions
	c.bindQuery(&o)
	if err := c.err(); err != nil {
		return err
	}
	return c.ok(paginateMap(c.st.customerMembers(c.who.customerID()), pageOf(o), func(m *polar.Member) polar.CustomerPortalMember { return *portalMember(m) }))
}

func membersAdd(c *call) error {
	var req polar.CustomerPortalMemberCreate
	if err := c.decode(&req); err != nil {
		return err
	}
	email := c.checkEmail(req.Email, "body", "email")
	role := cmp.Or(req.Role, new(polar.MemberRoleMember))
	if c.isNull("role") { // the role has a default, but is not nullable
		c.fail(problem("enum", nil, "body", "role"))
	}
	c.checkEnum(string(*role), memberRoles, "body", "role")
	if err := c.err(); err != nil {
		return err
	}
	var name *string
	if req.Name != "" {
		name = &req.Name
	}
	if *role == polar.MemberRoleOwner {
		return invalid("Cannot add a member as owner. There must be exactly one owner.", *role, "body", "role")
	}
	customerID := c.who.customerID()
	if m := c.st.memberByEmail(customerID, email); m != nil {
		return c.reply(http.StatusCreated, portalMember(m))
	}
	m := &polar.Member{
		ID: c.st.newID("member"), CreatedAt: c.now, CustomerID: customerID,
		Email: email, Name: name, Role: *role,
	}
	c.st.members.put(m.ID, m)
	return c.reply(http.StatusCreated, portalMember(m))
}

// maxMemberName is the longest name a member update accepts.
const maxMemberName = 256

func membersUpdate(c *call) error {
	id, err := c.pathUUID("id", true)
	if err != nil {
		return err
	}
	var req polar.CustomerPortalMemberUpdate
	if err := c.decode(&req); err != nil {
		return err
	}
	var name *string
	if n, ok := req.Name.Get(); ok && n != "" { // Polar reads "" as no name given
		name = &n
		if utf8.RuneCountInString(n) > maxMemberName {
			c.fail(problem("string_too_long", n, "body", "name"))
		}
	}
	var role *polar.MemberRole
	if r, ok := req.Role.Get(); ok {
		role = &r
		c.checkEnum(string(r), memberRoles, "body", "role")
	}
	if err := c.err(); err != nil {
		return err
	}
	m, err := c.st.teamMember(c.who, id)
	if err != nil {
		return err
	}
	actor := c.who.member
	if role != nil && *role != m.Role && m.ID == actor.ID {
		return invalid("You cannot modify your own role.", id, "path", "id")
	}
	changed := false
	if role != nil && *role != m.Role {
		var owner *polar.Member
		owners := 0
		for _, o := range c.st.customerMembers(m.CustomerID) {
			if o.Role == polar.MemberRoleOwner {
				owner, owners = o, owners+1
			}
		}
		switch {
		case *role == polar.MemberRoleOwner && owners >= 1:
			if actor.Role != polar.MemberRoleOwner {
				return invalid("Only the owner can transfer ownership.", *role, "body", "role")
			}
			// An ownership transfer: the owner steps down to billing manager.
			owner.Role, owner.ModifiedAt = polar.MemberRoleBillingManager, touch(c.now)
		case m.Role == polar.MemberRoleOwner && owners <= 1:
			return invalid("Cannot change role. Customer must have exactly one owner.", *role, "body", "role")
		}
		m.Role, changed = *role, true
	}
	if name != nil && (m.Name == nil || *m.Name != *name) {
		m.Name, changed = name, true
	}
	if changed {
		m.ModifiedAt = touch(c.now)
	}
	return c.ok(portalMember(m))
}

func membersRemove(c *call) error {
	id, err := c.pathUUID("id", true)
	if err != nil {
		return err
	}
	m, err := c.st.teamMember(c.who, id)
	if err != nil {
		return err
	}
	if m.ID == c.who.member.ID {
		return invalid("You cannot remove yourself from the team.", id, "path", "id")
	}
	if m.Role == polar.MemberRoleOwner {
		owners := 0
		for _, o := range c.st.customerMembers(m.CustomerID) {
			if o.Role == polar.MemberRoleOwner {
				owners++
			}
		}
		if owners <= 1 {
			return invalid("Cannot delete the only owner. Transfer ownership first.", m.ID, "body")
		}
	}
	// Polar revokes the seats a removed member holds (in a background
	// job); the fake does it at once.
	for _, s := range c.st.seats.all() {
		if s.MemberID != nil && *s.MemberID == m.ID && s.Status != polar.SeatStatusRevoked {
			revokeSeat(s, c.now)
		}
	}
	c.st.members.del(m.ID)
	return c.noContent()
}
