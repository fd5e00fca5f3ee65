package main

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"text/tabwriter"

	polar "github.com/polarportal/polar-go"
)

// Client, invocation and context, as every runner takes them.
type (
	cl  = *polar.Client
	inv = *invocation
	ctx = context.Context
)

// commands holds one command per operation of the SDK's registry
// (TestEveryOperationHasACommand checks it), by service and verb.
var commands = []command{
	// Orders.
	{service: "orders", verb: "list", op: "customer_portal:orders:list", help: "list the orders",
		columns: orderColumns,
		list: func(x ctx, c cl, in inv) iter.Seq2[any, error] {
			return items(c.Orders.All(x, in.opts.(*polar.OrderListOptions)))
		}},
	{service: "orders", verb: "get", op: "customer_portal:orders:get", args: idArg, help: "show an order",
		call: func(x ctx, c cl, in inv) (any, error) { return result(c.Orders.Get(x, in.args[0])) }},
	{service: "orders", verb: "update", op: "customer_portal:orders:update", args: idArg, help: "change an order's billing name or address",
		call: func(x ctx, c cl, in inv) (any, error) {
			return result(c.Orders.Update(x, in.args[0], in.body.(*polar.CustomerOrderUpdate)))
		}},
	{service: "orders", verb: "generate-invoice", op: "customer_portal:orders:generate_invoice", args: idArg, help: "have an order's invoice made",
		done: "Invoice requested: see orders invoice ID.",
		call: func(x ctx, c cl, in inv) (any, error) { return nil, c.Orders.GenerateInvoice(x, in.args[0]) }},
	{service: "orders", verb: "invoice", op: "customer_portal:orders:invoice", args: idArg, help: "show the URL of an order's invoice",
		call: func(x ctx, c cl, in inv) (any, error) { return result(c.Orders.Invoice(x, in.args[0])) }},
	{service: "orders", verb: "receipt", op: "customer_portal:orders:receipt", args: idArg, help: "show the URL of an order's receipt",
		call: func(x ctx, c cl, in inv) (any, error) { return result(c.Orders.Receipt(x, in.args[0])) }},
	{service: "orders", verb: "payment-status", op: "customer_portal:orders:get_payment_status", args: idArg, help: "show the payment status of an order",
		call: func(x ctx, c cl, in inv) (any, error) { return result(c.Orders.PaymentStatus(x, in.args[0])) }},
	{service: "orders", verb: "confirm-payment", op: "customer_portal:orders:confirm_retry_payment", args: idArg, help: "retry the payment of an order",
		call: func(x ctx, c cl, in inv) (any, error) {
			return result(c.Orders.ConfirmRetryPayment(x, in.args[0], in.body.(*polar.CustomerOrderConfirmPayment)))
		}},

	// Subscriptions.
	{service: "subscriptions", verb: "list", op: "customer_portal:subscriptions:list", help: "list the subscriptions",
		columns: subscriptionColumns,
		list: func(x ctx, c cl, in inv) iter.Seq2[any, error] {
			return items(c.Subscriptions.All(x, in.opts.(*polar.SubscriptionListOptions)))
		}},
	{service: "subscriptions", verb: "get", op: "customer_portal:subscriptions:get", args: idArg, help: "show a subscription",
		call: func(x ctx, c cl, in inv) (any, error) { return result(c.Subscriptions.Get(x, in.args[0])) }},
	{service: "subscriptions", verb: "update", op: "customer_portal:subscriptions:update", args: idArg,
		help: "change a subscription's product, seats or units; cancel, pause or resume it",
		body: unionOf(
			shapeOf[polar.CustomerSubscriptionUpdateProduct]("product"),
			shapeOf[polar.CustomerSubscriptionUpdateSeats]("seats"),
			shapeOf[polar.CustomerSubscriptionUpdateUnits]("units"),
			shapeOf[polar.CustomerSubscriptionCancel]("cancel"),
			shapeOf[polar.CustomerSubscriptionPause]("pause"),
			shapeOf[polar.CustomerSubscriptionResume]("resume"),
			shapeOf[polar.CustomerSubscriptionUpdateClear]("clear-pending"),
		),
		call: func(x ctx, c cl, in inv) (any, error) {
			return result(c.Subscriptions.Update(x, in.args[0], in.body.(polar.CustomerSubscriptionUpdate)))
		}},
	{service: "subscriptions", verb: "cancel", op: "customer_portal:subscriptions:cancel", args: idArg, help: "cancel a subscription at the end of its period",
		call: func(x ctx, c cl, in inv) (any, error) { return result(c.Subscriptions.Cancel(x, in.args[0])) }},

	// License keys.
	{service: "license-keys", verb: "list", op: "customer_portal:license_keys:list", help: "list the license keys",
		columns: licenseKeyColumns, noun: "license keys",
		list: func(x ctx, c cl, in inv) iter.Seq2[any, error] {
			return items(c.LicenseKeys.All(x, in.opts.(*polar.LicenseKeyListOptions)))
		}},
	{service: "license-keys", verb: "get", op: "customer_portal:license_keys:get", args: idArg, help: "show a license key and its activations",
		call: func(x ctx, c cl, in inv) (any, error) { return result(c.LicenseKeys.Get(x, in.args[0])) }},
	{service: "license-keys", verb: "rotate", op: "customer_portal:license_keys:rotate", args: idArg, help: "replace a license key by a new one",
		call: func(x ctx, c cl, in inv) (any, error) { return result(c.LicenseKeys.Rotate(x, in.args[0])) }},
	{service: "license-keys", verb: "validate", op: "customer_portal:license_keys:validate", args: []arg{{"KEY", "key"}},
		help: "check a license key (no token sent)", show: showValidated,
		call: func(x ctx, c cl, in inv) (any, error) {
			v, err := c.LicenseKeys.Validate(x, in.body.(*polar.LicenseKeyValidate))
			if errors.Is(err, polar.ErrResourceNotFound) {
				return nil, fmt.Errorf("license key not valid: no such key for this organization, or it is revoked or expired: %w", err)
			}
			return result(v, err)
		}},
	{service: "license-keys", verb: "activate", op: "customer_portal:license_keys:activate", args: []arg{{"KEY", "key"}},
		help: "activate a license key on a device (no token sent)",
		call: func(x ctx, c cl, in inv) (any, error) {
			return result(c.LicenseKeys.Activate(x, in.body.(*polar.LicenseKeyActivate)))
		}},
	{service: "license-keys", verb: "deactivate", op: "customer_portal:license_keys:deactivate", args: []arg{{"KEY", "key"}, {"ACTIVATION_ID", "activation-id"}},
		help: "deactivate an activation of a license key (no token sent)", done: "Deactivated.",
		call: func(x ctx, c cl, in inv) (any, error) {
			return nil, c.LicenseKeys.Deactivate(x, in.body.(*polar.LicenseKeyDeactivate))
		}},

	// Benefit grants.
	{service: "benefit-grants", verb: "list", op: "customer_portal:benefit-grants:list", help: "list the benefit grants",
		columns: grantColumns, noun: "benefit grants",
		list: func(x ctx, c cl, in inv) iter.Seq2[any, error] {
			return items(c.BenefitGrants.All(x, in.opts.(*polar.BenefitGrantListOptions)))
		}},
	{service: "benefit-grants", verb: "get", op: "customer_portal:benefit-grants:get", args: idArg, help: "show a benefit grant",
		call: func(x ctx, c cl, in inv) (any, error) { return union(c.BenefitGrants.Get(x, in.args[0])) }},
	{service: "benefit-grants", verb: "update", op: "customer_portal:benefit-grants:update", args: idArg,
		help: "connect the account a grant is delivered to (-as its benefit type)",
		body: unionOf(
			shapeOf[polar.CustomerBenefitGrantDiscordUpdate]("discord"),
			shapeOf[polar.CustomerBenefitGrantGitHubRepositoryUpdate]("github_repository"),
			shapeOf[polar.CustomerBenefitGrantSlackSharedChannelUpdate]("slack_shared_channel"),
			shapeOf[polar.CustomerBenefitGrantCustomUpdate]("custom"),
			shapeOf[polar.CustomerBenefitGrantDownloadablesUpdate]("downloadables"),
			shapeOf[polar.CustomerBenefitGrantFeatureFlagUpdate]("feature_flag"),
			shapeOf[polar.CustomerBenefitGrantLicenseKeysUpdate]("license_keys"),
			shapeOf[polar.CustomerBenefitGrantMeterCreditUpdate]("meter_credit"),
		),
		call: func(x ctx, c cl, in inv) (any, error) {
			return union(c.BenefitGrants.Update(x, in.args[0], in.body.(polar.CustomerBenefitGrantUpdate)))
		}},

	// The customer.
	{service: "customers", verb: "get", op: "customer_portal:customers:get", help: "show the customer",
		call: func(x ctx, c cl, in inv) (any, error) { return result(c.Customers.Get(x)) }},
	{service: "customers", verb: "update", op: "customer_portal:customers:update", help: "change the customer's billing details",
		call: func(x ctx, c cl, in inv) (any, error) {
			return result(c.Customers.Update(x, in.body.(*polar.CustomerPortalCustomerUpdate)))
		}},
	{service: "customers", verb: "payment-methods", op: "customer_portal:customers:list_payment_methods", help: "list the saved payment methods",
		columns: paymentMethodColumns, noun: "payment methods",
		list: func(x ctx, c cl, in inv) iter.Seq2[any, error] {
			return items(c.Customers.AllPaymentMethods(x, in.opts.(*polar.PaymentMethodListOptions)))
		}},
	{service: "customers", verb: "add-payment-method", op: "customer_portal:customers:add_payment_method", help: "save a payment method",
		call: func(x ctx, c cl, in inv) (any, error) {
			return union(c.Customers.AddPaymentMethod(x, in.body.(*polar.CustomerPaymentMethodCreate)))
		}},
	{service: "customers", verb: "confirm-payment-method", op: "customer_portal:customers:confirm_payment_method", help: "confirm a payment method that needed an action",
		call: func(x ctx, c cl, in inv) (any, error) {
			return union(c.Customers.ConfirmPaymentMethod(x, in.body.(*polar.CustomerPaymentMethodConfirm)))
		}},
	{service: "customers", verb: "delete-payment-method", op: "customer_portal:customers:delete_payment_method", args: idArg, help: "delete a saved payment method",
		done: "Deleted.",
		call: func(x ctx, c cl, in inv) (any, error) { return nil, c.Customers.DeletePaymentMethod(x, in.args[0]) }},
	{service: "customers", verb: "request-email-update", op: "customer_portal:customers:request_email_update", help: "send a link to change the customer's email",
		done: "Verification email sent.",
		call: func(x ctx, c cl, in inv) (any, error) {
			return nil, c.Customers.RequestEmailUpdate(x, in.body.(*polar.CustomerEmailUpdateRequest))
		}},
	{service: "customers", verb: "check-email-update", op: "customer_portal:customers:check_email_update", args: []arg{{"TOKEN", ""}},
		help: "check an email update token (no token sent)", done: "The token is valid.",
		call: func(x ctx, c cl, in inv) (any, error) { return nil, c.Customers.CheckEmailUpdate(x, in.args[0]) }},
	{service: "customers", verb: "verify-email-update", op: "customer_portal:customers:verify_email_update", args: []arg{{"TOKEN", "token"}},
		help: "change the customer's email with its token (no token sent)",
		call: func(x ctx, c cl, in inv) (any, error) {
			return result(c.Customers.VerifyEmailUpdate(x, in.body.(*polar.CustomerEmailUpdateVerifyRequest)))
		}},

	// Members of a team.
	{service: "members", verb: "list", op: "customer_portal:members:list_members", help: "list the team's members",
		columns: memberColumns,
		list: func(x ctx, c cl, in inv) iter.Seq2[any, error] {
			return items(c.Members.All(x, in.opts.(*polar.MemberListOptions)))
		}},
	{service: "members", verb: "add", op: "customer_portal:members:add_member", help: "add a member to the team",
		call: func(x ctx, c cl, in inv) (any, error) {
			return result(c.Members.Add(x, in.body.(*polar.CustomerPortalMemberCreate)))
		}},
	{service: "members", verb: "update", op: "customer_portal:members:update_member", args: idArg, help: "change a member's name or role",
		call: func(x ctx, c cl, in inv) (any, error) {
			return result(c.Members.Update(x, in.args[0], in.body.(*polar.CustomerPortalMemberUpdate)))
		}},
	{service: "members", verb: "remove", op: "customer_portal:members:remove_member", args: idArg, help: "remove a member from the team",
		done: "Removed.",
		call: func(x ctx, c cl, in inv) (any, error) { return nil, c.Members.Remove(x, in.args[0]) }},

	// Seats of a seat-based subscription or order.
	{service: "seats", verb: "list", op: "customer_portal:seats:list_seats", help: "list the seats of a subscription or order",
		show: showSeats,
		call: func(x ctx, c cl, in inv) (any, error) {
			return result(c.Seats.List(x, in.opts.(*polar.SeatListOptions)))
		}},
	{service: "seats", verb: "assign", op: "customer_portal:seats:assign_seat", help: "assign a seat",
		call: func(x ctx, c cl, in inv) (any, error) {
			return result(c.Seats.Assign(x, in.body.(*polar.CustomerSeatAssign)))
		}},
	{service: "seats", verb: "revoke", op: "customer_portal:seats:revoke_seat", args: []arg{{"SEAT_ID", ""}}, help: "revoke a seat",
		call: func(x ctx, c cl, in inv) (any, error) { return result(c.Seats.Revoke(x, in.args[0])) }},
	{service: "seats", verb: "resend", op: "customer_portal:seats:resend_invitation", args: []arg{{"SEAT_ID", ""}}, help: "send a seat's invitation again",
		call: func(x ctx, c cl, in inv) (any, error) { return result(c.Seats.ResendInvitation(x, in.args[0])) }},
	{service: "seats", verb: "subscriptions", op: "customer_portal:seats:list_claimed_subscriptions", help: "list the subscriptions whose seats the member claimed",
		columns: subscriptionColumns, noun: "claimed subscriptions",
		list: func(x ctx, c cl, in inv) iter.Seq2[any, error] {
			return items(c.Seats.AllClaimedSubscriptions(x, in.opts.(*polar.ClaimedSubscriptionListOptions)))
		}},

	// Wallets.
	{service: "wallets", verb: "list", op: "customer_portal:wallets:list", help: "list the wallets",
		columns: walletColumns,
		list: func(x ctx, c cl, in inv) iter.Seq2[any, error] {
			return items(c.Wallets.All(x, in.opts.(*polar.WalletListOptions)))
		}},
	{service: "wallets", verb: "get", op: "customer_portal:wallets:get", args: idArg, help: "show a wallet",
		call: func(x ctx, c cl, in inv) (any, error) { return result(c.Wallets.Get(x, in.args[0])) }},

	// Meters.
	{service: "meters", verb: "list", op: "customer_portal:customer_meters:list", help: "list the customer's meters",
		columns: meterColumns,
		list: func(x ctx, c cl, in inv) iter.Seq2[any, error] {
			return items(c.Meters.All(x, in.opts.(*polar.MeterListOptions)))
		}},
	{service: "meters", verb: "get", op: "customer_portal:customer_meters:get", args: idArg, help: "show a meter",
		call: func(x ctx, c cl, in inv) (any, error) { return result(c.Meters.Get(x, in.args[0])) }},

	// Downloadables.
	{service: "downloadables", verb: "list", op: "customer_portal:downloadables:list", help: "list the files to download",
		columns: downloadableColumns,
		list: func(x ctx, c cl, in inv) iter.Seq2[any, error] {
			return items(c.Downloadables.All(x, in.opts.(*polar.DownloadableListOptions)))
		}},

	// Organizations.
	{service: "organizations", verb: "get", op: "customer_portal:organizations:get", args: []arg{{"SLUG", ""}}, help: "show an organization and its products",
		call: func(x ctx, c cl, in inv) (any, error) { return result(c.Organizations.Get(x, in.args[0])) }},

	// Sessions.
	{service: "sessions", verb: "create", op: sessionsCreateOp, help: "mint a customer session (with an organization token)",
		body: unionOf(
			shapeOf[polar.CustomerSessionCustomerIDCreate]("customer"),
			shapeOf[polar.CustomerSessionCustomerExternalIDCreate]("external-customer"),
		),
		call: func(x ctx, c cl, in inv) (any, error) {
			return result(c.Sessions.Create(x, in.body.(polar.CustomerSessionCreate)))
		}},
	{service: "sessions", verb: "introspect", op: "customer_portal:customer-session:introspect", help: "show the session of the token",
		call: func(x ctx, c cl, in inv) (any, error) { return result(c.Sessions.Introspect(x)) }},
	{service: "sessions", verb: "user", op: "customer_portal:customer-session:get_authenticated_user", help: "show who the token is",
		call: func(x ctx, c cl, in inv) (any, error) { return result(c.Sessions.AuthenticatedUser(x)) }},
}

var idArg = []arg{{"ID", ""}}

// union returns a union result as any.
func union[T any](v T, err error) (any, error) {
	if err != nil {
		return nil, err
	}
	return v, nil
}

// The tables of list items, by JSON path.
var (
	orderColumns = []column{
		{head: "CREATED", path: "created_at"}, {head: "STATUS", path: "status"}, {head: "TOTAL", path: "total_amount"},
		{head: "PRODUCT", path: "product.name|description"}, {head: "ID", path: "id"},
	}
	subscriptionColumns = []column{
		{head: "STATUS", path: "status"}, {head: "PRODUCT", path: "product.name"},
		{head: "PRICE", fn: func(p *printer, s *node) string {
			return p.cell(column{path: "amount"}, s) + " / " + s.at("recurring_interval").text()
		}},
		{head: "PERIOD END", fn: func(p *printer, s *node) string {
			end := p.cell(column{path: "current_period_end"}, s)
			if s.at("cancel_at_period_end").text() == "true" {
				end += " (ends)"
			}
			return end
		}},
		{head: "ID", path: "id"},
	}
	licenseKeyColumns = []column{
		{head: "KEY", path: "display_key"}, {head: "STATUS", path: "status"},
		{head: "USAGE", fn: func(p *printer, k *node) string {
			return k.at("usage").text() + " of " + orUnlimited(k.at("limit_usage").text())
		}},
		{head: "ACTIVATIONS", fn: func(p *printer, k *node) string { return "at most " + orUnlimited(k.at("limit_activations").text()) }},
		{head: "EXPIRES", path: "expires_at"}, {head: "ID", path: "id"},
	}
	grantColumns = []column{
		{head: "GRANTED", path: "granted_at|revoked_at"}, {head: "TYPE", path: "benefit.type"},
		{head: "BENEFIT", path: "benefit.description"},
		{head: "STATE", fn: func(p *printer, g *node) string {
			switch {
			case g.at("is_revoked").text() == "true":
				return "revoked"
			case g.at("is_granted").text() == "true":
				return "granted"
			}
			return "pending"
		}},
		{head: "ID", path: "id"},
	}
	paymentMethodColumns = []column{
		{head: "TYPE", path: "type"},
		{head: "DETAILS", fn: func(p *printer, m *node) string {
			md := m.at("method_metadata")
			brand := md.at("brand").text()
			if brand == "" {
				return "-"
			}
			s := brand + " •••• " + md.at("last4").text()
			if month := md.at("exp_month").text(); month != "" {
				s += fmt.Sprintf(" %s/%s", month, md.at("exp_year").text())
			}
			return s
		}},
		{head: "CREATED", path: "created_at"}, {head: "ID", path: "id"},
	}
	memberColumns = []column{
		{head: "ROLE", path: "role"}, {head: "EMAIL", path: "email"}, {head: "NAME", path: "name"},
		{head: "SINCE", path: "created_at"}, {head: "ID", path: "id"},
	}
	seatColumns = []column{
		{head: "STATUS", path: "status"}, {head: "EMAIL", path: "email|member.email|customer_email"},
		{head: "CLAIMED", path: "claimed_at"}, {head: "ID", path: "id"},
	}
	walletColumns = []column{
		{head: "BALANCE", path: "balance"}, {head: "CREATED", path: "created_at"}, {head: "ID", path: "id"},
	}
	meterColumns = []column{
		{head: "METER", path: "meter.name"}, {head: "CONSUMED", path: "consumed_units"},
		{head: "CREDITED", path: "credited_units"}, {head: "BALANCE", path: "balance"}, {head: "ID", path: "id"},
	}
	downloadableColumns = []column{
		{head: "FILE", path: "file.name"}, {head: "SIZE", path: "file.size_readable|file.size"},
		{head: "BENEFIT", path: "benefit_id"}, {head: "ID", path: "id"},
	}
)

func orUnlimited(n string) string {
	if n == "" {
		return "unlimited"
	}
	return n
}

// showSeats prints the seats of a subscription or order and how many are
// left.
func showSeats(p *printer, v any) error {
	s := v.(*polar.SeatsList)
	if _, err := fmt.Fprintf(p.out, "%d of %d seats available\n", s.AvailableSeats, s.TotalSeats); err != nil {
		return err
	}
	seats := func(yield func(any, error) bool) {
		for _, seat := range s.Seats {
			if !yield(seat, nil) {
				return
			}
		}
	}
	return p.list(seats, 0, polar.MaxLimit, seatColumns)
}

// showValidated prints a validated license key in a sentence.
func showValidated(p *printer, v any) error {
	k := v.(*polar.ValidatedLicenseKey)
	limit := func(n *int64) string {
		if n == nil {
			return "unlimited"
		}
		return fmt.Sprint(*n)
	}
	expires := "never"
	if k.ExpiresAt != nil {
		expires = k.ExpiresAt.In(p.loc).Format("2006-01-02")
	}
	tw := tabwriter.NewWriter(p.out, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "License key %s: %s\n", k.DisplayKey, k.Status)
	fmt.Fprintf(tw, "  usage %d of %s, at most %s activations, %d validations, expires %s\n",
		k.Usage, limit(k.LimitUsage), limit(k.LimitActivations), k.Validations, expires)
	return tw.Flush()
}
