package polartest_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	polar "github.com/polarportal/polar-go"
	"github.com/polarportal/polar-go/internal/operations"
	"github.com/polarportal/polar-go/polartest"
)

// isolationCalls call each operation that names an object in its path on
// the object id, with a valid body where it takes one, so that nothing
// but the object's owner can fail the call.
var isolationCalls = map[string]func(c *polar.Client, id string) error{
	"customer_portal:orders:get": func(c *polar.Client, id string) error { _, err := c.Orders.Get(ctx, id); return err },
	"customer_portal:orders:update": func(c *polar.Client, id string) error {
		_, err := c.Orders.Update(ctx, id, &polar.CustomerOrderUpdate{BillingName: polar.Set("Mallory")})
		return err
	},
	"customer_portal:orders:generate_invoice": func(c *polar.Client, id string) error { return c.Orders.GenerateInvoice(ctx, id) },
	"customer_portal:orders:invoice":          func(c *polar.Client, id string) error { _, err := c.Orders.Invoice(ctx, id); return err },
	"customer_portal:orders:receipt":          func(c *polar.Client, id string) error { _, err := c.Orders.Receipt(ctx, id); return err },
	"customer_portal:orders:get_payment_status": func(c *polar.Client, id string) error {
		_, err := c.Orders.PaymentStatus(ctx, id)
		return err
	},
	"customer_portal:orders:confirm_retry_payment": func(c *polar.Client, id string) error {
		_, err := c.Orders.ConfirmRetryPayment(ctx, id, &polar.CustomerOrderConfirmPayment{ConfirmationTokenID: "ctoken_isolation"})
		return err
	},
	"customer_portal:subscriptions:get": func(c *polar.Client, id string) error { _, err := c.Subscriptions.Get(ctx, id); return err },
	"customer_portal:subscriptions:update": func(c *polar.Client, id string) error {
		_, err := c.Subscriptions.Update(ctx, id, &polar.CustomerSubscriptionUpdateClear{})
		return err
	},
	"customer_portal:subscriptions:cancel": func(c *polar.Client, id string) error { _, err := c.Subscriptions.Cancel(ctx, id); return err },
	"customer_portal:benefit-grants:get":   func(c *polar.Client, id string) error { _, err := c.BenefitGrants.Get(ctx, id); return err },
	"customer_portal:benefit-grants:update": func(c *polar.Client, id string) error {
		_, err := c.BenefitGrants.Update(ctx, id, &polar.CustomerBenefitGrantCustomUpdate{})
		return err
	},
	"customer_portal:customer_meters:get": func(c *polar.Client, id string) error { _, err := c.Meters.Get(ctx, id); return err },
	"customer_portal:wallets:get":         func(c *polar.Client, id string) error { _, err := c.Wallets.Get(ctx, id); return err },
	"customer_portal:license_keys:get":    func(c *polar.Client, id string) error { _, err := c.LicenseKeys.Get(ctx, id); return err },
	"customer_portal:license_keys:rotate": func(c *polar.Client, id string) error { _, err := c.LicenseKeys.Rotate(ctx, id); return err },
	"customer_portal:customers:delete_payment_method": func(c *polar.Client, id string) error {
		return c.Customers.DeletePaymentMethod(ctx, id)
	},
	"customer_portal:members:update_member": func(c *polar.Client, id string) error {
		_, err := c.Members.Update(ctx, id, &polar.CustomerPortalMemberUpdate{Role: polar.Set(polar.MemberRoleBillingManager)})
		return err
	},
	"customer_portal:members:remove_member": func(c *polar.Client, id string) error { return c.Members.Remove(ctx, id) },
	"customer_portal:seats:revoke_seat":     func(c *polar.Client, id string) error { _, err := c.Seats.Revoke(ctx, id); return err },
	"customer_portal:seats:resend_invitation": func(c *polar.Client, id string) error {
		_, err := c.Seats.ResendInvitation(ctx, id)
		return err
	},
}

// A second team of acme, Initech, with an owner who has a member session
// and a plain member, for the members operations.
const initechOwnerToken = "polar_mst_isolation_initech_owner"

func initech() (*polartest.Fixture, string) {
	team := polartest.NewTeam(polartest.DemoOrganizationID, "it@initech.example", "Initech")
	owner := polartest.NewMember(team.ID, "peter@initech.example", "Peter Gibbons", polar.MemberRoleOwner)
	plain := polartest.NewMember(team.ID, "milton@initech.example", "Milton Waddams", polar.MemberRoleMember)
	return &polartest.Fixture{
		Customers: []polartest.CustomerRecord{team},
		Members:   []polar.Member{owner, plain},
		Tokens:    []polartest.Token{{Token: initechOwnerToken, Kind: polartest.TokenKindMemberSession, CustomerID: team.ID, MemberID: owner.ID}},
	}, team.ID
}

// TestCustomerIsolation calls every operation that takes an object ID in
// its path with one customer's token on another customer's object, of the
// same organization or of another: the answer is 404 ResourceNotFound, as
// for an object that does not exist. Customers are Alice and Bob
// (individuals), the team Globex (as its owner's member session), Carol
// (of umbrella) and Initech (a second team, as its owner's member
// session).
func TestCustomerIsolation(t *testing.T) {
	extra, initechID := initech()
	objects := objectsByCustomer(t, polartest.Demo(), extra)
	type caller struct {
		name, token, customer string
		member                bool // a member session: may call the members operations
		victims               []string
	}
	callers := []caller{
		{"Alice", polartest.DemoCustomerToken, polartest.DemoCustomerID, false,
			[]string{polartest.DemoOtherCustomerID, polartest.DemoTeamID, polartest.DemoOtherOrganizationCustomerID, initechID}},
		{"Bob", polartest.DemoOtherCustomerToken, polartest.DemoOtherCustomerID, false,
			[]string{polartest.DemoCustomerID, polartest.DemoTeamID}},
		{"Globex's owner", polartest.DemoMemberToken, polartest.DemoTeamID, true,
			[]string{polartest.DemoCustomerID, initechID}},
		{"Initech's owner", initechOwnerToken, initechID, true,
			[]string{polartest.DemoTeamID, polartest.DemoCustomerID}},
	}
	names := map[string]string{
		polartest.DemoCustomerID: "Alice", polartest.DemoOtherCustomerID: "Bob", polartest.DemoTeamID: "Globex",
		polartest.DemoOtherOrganizationCustomerID: "Carol", initechID: "Initech",
	}

	checked := map[string]int{}
	for _, op := range operations.All() {
		kind := objectKind(op.Path)
		if kind == "" || kind == "organizations" { // an organization's page is public, by slug
			continue
		}
		call, ok := isolationCalls[op.ID]
		if !ok {
			t.Errorf("%s (%s %s) takes an object ID but has no isolation case", op.ID, op.Method, op.Path)
			continue
		}
		t.Run(op.ID, func(t *testing.T) {
			srv := polartest.NewTestServer(t, polartest.WithDemo(), polartest.WithFixture(extra))
			for _, who := range callers {
				if strings.HasPrefix(op.ID, "customer_portal:members:") && !who.member {
					continue // a customer session is refused (401) before any object is looked at
				}
				c, _ := client(t, srv, who.token)
				for _, victim := range who.victims {
					id, ok := objects[victim][kind]
					if !ok {
						continue
					}
					err := call(c, id)
					t.Logf("%s on %s's %s %s: %v", who.name, names[victim], kind, id, err)
					if err == nil {
						t.Errorf("%s reached %s's %s %s", who.name, names[victim], kind, id)
						continue
					}
					wantAPIError(t, err, http.StatusNotFound, "ResourceNotFound")
					checked[op.ID]++
				}
			}
			if checked[op.ID] == 0 {
				t.Errorf("no other customer's %s in the data set to try", kind)
			}
		})
	}
	t.Logf("isolation checked on %d operations", len(checked))
}

// objectKind returns the collection an operation's path names an object
// of (orders, seats, ...), or "" when the path has no parameter.
func objectKind(path string) string {
	segs := strings.Split(path, "/")
	for i, s := range segs {
		if strings.HasPrefix(s, "{") && i > 0 {
			return segs[i-1]
		}
	}
	return ""
}

// objectsByCustomer returns, for each customer of the fixtures, the ID of
// one of their objects of each kind (by the collection of its path).
func objectsByCustomer(t *testing.T, fs ...*polartest.Fixture) map[string]map[string]string {
	t.Helper()
	out := map[string]map[string]string{}
	add := func(kind string, v any) {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		var o struct {
			ID         string  `json:"id"`
			CustomerID *string `json:"customer_id"`
		}
		if err := json.Unmarshal(b, &o); err != nil {
			t.Fatal(err)
		}
		if o.CustomerID == nil || o.ID == "" {
			return
		}
		if out[*o.CustomerID] == nil {
			out[*o.CustomerID] = map[string]string{}
		}
		if _, ok := out[*o.CustomerID][kind]; !ok {
			out[*o.CustomerID][kind] = o.ID
		}
	}
	each := func(kind string, vs any) {
		b, _ := json.Marshal(vs)
		var raw []json.RawMessage
		_ = json.Unmarshal(b, &raw)
		for _, r := range raw {
			add(kind, r)
		}
	}
	for _, f := range fs {
		each("orders", f.Orders)
		each("subscriptions", f.Subscriptions)
		each("benefit-grants", f.BenefitGrants)
		each("meters", f.Meters)
		each("wallets", f.Wallets)
		each("license-keys", f.LicenseKeys)
		each("payment-methods", f.PaymentMethods)
		each("seats", f.Seats)
		// Members: a team's members other than its owner, whom no one may
		// change.
		each("members", slices.DeleteFunc(slices.Clone(f.Members), func(m polar.Member) bool { return m.Role == polar.MemberRoleOwner }))
	}
	return out
}
