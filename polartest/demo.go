package polartest

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"time"

	polar "github.com/polarportal/polar-go"
)

// The Demo data set: an organization "acme" (member model enabled) with
// products of every kind; Alice, an individual customer with 250 orders,
// a subscription in every status, benefit grants of every type, license
// keys near their limits, meters, a wallet, payment methods (among them
// Stripe's declining and 3-D Secure test cards) and downloadables (the
// grants, keys and downloadables held by her owner member); Bob,
// another customer of acme, to check isolation; the team Globex with an
// owner, a billing manager and a plain member, a seat-based subscription
// and its seats; and Carol, a customer of another organization, umbrella.
// Acme lets customers pause their subscriptions and change their units;
// Alice also has a unit-based Storage Pack subscription, and a change to
// Pro Yearly pending on her Pro Monthly subscription.
//
// The data set is written at a time, DemoTime for Demo, the server's
// clock when it starts for WithDemo (see DemoAt): the dates the constants
// give are relative to it.
//
// Demo IDs have the form KKKKKKKK-0000-4000-8000-NNNNNNNNNNNN: the kind of
// object (1 organization, 2 product, 3 customer, 4 member, 5 order, 6
// subscription, 7 benefit grant, 8 license key, 9 customer meter, 10
// wallet, 11 payment method, 12 seat, 13 downloadable, 14 benefit, 15
// price, 16 activation, 17 meter, 18 file, 19 pending subscription update)
// and its number.
const (
	DemoOrganizationID        = "00000001-0000-4000-8000-000000000001"
	DemoOrganizationSlug      = "acme"
	DemoOtherOrganizationID   = "00000001-0000-4000-8000-000000000002"
	DemoOtherOrganizationSlug = "umbrella"

	// DemoCustomerID is Alice, an individual customer of acme.
	DemoCustomerID = "00000003-0000-4000-8000-000000000001"
	// DemoOtherCustomerID is Bob, another individual customer of acme.
	DemoOtherCustomerID = "00000003-0000-4000-8000-000000000002"
	// DemoTeamID is Globex, a team customer of acme.
	DemoTeamID = "00000003-0000-4000-8000-000000000003"
	// DemoOtherOrganizationCustomerID is Carol, a customer of umbrella.
	DemoOtherOrganizationCustomerID = "00000003-0000-4000-8000-000000000004"
	// DemoCustomerExternalID is Alice's ID in acme's own system.
	DemoCustomerExternalID = "alice-ext-1"

	// Members of Globex: its owner, a billing manager, a plain member.
	DemoOwnerMemberID          = "00000004-0000-4000-8000-000000000001"
	DemoBillingManagerMemberID = "00000004-0000-4000-8000-000000000002"
	DemoPlainMemberID          = "00000004-0000-4000-8000-000000000003"
	// DemoCustomerMemberID is Alice's owner member. acme uses the member
	// model, so, as in Polar, her benefit grants, license keys and
	// downloadables are granted to it, and Sessions.Create answers her a
	// member session of it. Bob has no owner member until then.
	DemoCustomerMemberID = "00000004-0000-4000-8000-000000000004"

	// DemoOrderCount is how many orders Alice has; order n (1 the newest)
	// was made n days before DemoTime (see DemoAt).
	DemoOrderCount = 250
	// DemoOrderID is Alice's newest order: paid, with billing details and
	// a receipt number, its invoice not generated yet.
	DemoOrderID = "00000005-0000-4000-8000-000000000001"
	// DemoPendingOrderID is a renewal of Alice's past_due Pro Monthly
	// subscription whose payment failed (in dunning: pending, with a
	// next_payment_attempt_at), eligible for ConfirmRetryPayment. Her
	// orders 00000005-...-0000000000NN for NN ending in 26 or 76 (76, 126,
	// ...) are such renewals too.
	DemoPendingOrderID = "00000005-0000-4000-8000-000000000026"
	// DemoOneTimePendingOrderID is a one-time order of Alice (an E-book)
	// whose payment is still being processed: pending, not eligible for
	// ConfirmRetryPayment. Her orders ending in 12 or 62 (12, 62, 112,
	// ...) are such orders too.
	DemoOneTimePendingOrderID = "00000005-0000-4000-8000-000000000002"
	// DemoUnbilledOrderID is a paid order of Alice without billing name
	// and address: generating its invoice fails.
	DemoUnbilledOrderID = "00000005-0000-4000-8000-000000000003"
	// DemoOtherCustomerOrderID is an order of Bob.
	DemoOtherCustomerOrderID = "00000005-0000-4000-8000-000000001001"
	// DemoTeamOrderID is an order of Globex.
	DemoTeamOrderID = "00000005-0000-4000-8000-000000002001"

	// DemoSubscriptionID is Alice's active Pro Monthly subscription; her
	// subscriptions 00000006-...-00000000000N for N from 1 to 8 are
	// active, trialing, past_due, canceled, unpaid, paused, incomplete and
	// incomplete_expired.
	DemoSubscriptionID = "00000006-0000-4000-8000-000000000001"
	// DemoTeamSubscriptionID is Globex's seat-based subscription (5 seats).
	DemoTeamSubscriptionID = "00000006-0000-4000-8000-000000000009"
	// DemoUnitSubscriptionID is Alice's unit-based Storage Pack
	// subscription (120 units, from 10 to 1000).
	DemoUnitSubscriptionID = "00000006-0000-4000-8000-000000000012"

	// DemoLicenseKeyID is Alice's license key at its activation limit (3
	// of 3); DemoLicenseKey is the key itself.
	DemoLicenseKeyID = "00000008-0000-4000-8000-000000000001"
	DemoLicenseKey   = "ACME-DEMO-0001-AAAA"
	// DemoUsageLicenseKey is a key of Alice one use short of its usage
	// limit (99 of 100).
	DemoUsageLicenseKey = "ACME-DEMO-0002-BBBB"

	// Alice's payment methods: a Visa ending in 4242 (her default), a
	// card ending in 0002 that is declined, and one ending in 3155 that
	// requires 3-D Secure. She also has a SEPA debit and a Korean card
	// (kr_card), her newest.
	DemoPaymentMethodID         = "00000011-0000-4000-8000-000000000001"
	DemoDeclinedPaymentMethodID = "00000011-0000-4000-8000-000000000002"
	DemoActionPaymentMethodID   = "00000011-0000-4000-8000-000000000003"
)

// Demo tokens: they never expire, except DemoExpiredToken.
const (
	// DemoCustomerToken is a customer session of Alice.
	DemoCustomerToken = "polar_cst_demo_alice"
	// DemoOtherCustomerToken is a customer session of Bob.
	DemoOtherCustomerToken = "polar_cst_demo_bob"
	// DemoReadOnlyToken is a session of Alice with customer_portal:read
	// only.
	DemoReadOnlyToken = "polar_cst_demo_alice_read_only"
	// DemoExpiredToken is a session of Alice that expired in 2000.
	DemoExpiredToken = "polar_cst_demo_alice_expired"
	// DemoTeamCustomerToken is a customer session of the team Globex.
	DemoTeamCustomerToken = "polar_cst_demo_globex"
	// DemoMemberToken is a member session of Globex's owner.
	DemoMemberToken = "polar_mst_demo_globex_owner"
	// DemoBillingManagerToken is a member session of Globex's billing
	// manager.
	DemoBillingManagerToken = "polar_mst_demo_globex_billing"
	// DemoPlainMemberToken is a member session of a plain member (role
	// member) of Globex.
	DemoPlainMemberToken = "polar_mst_demo_globex_member"
	// DemoOrganizationToken is an organization access token of acme with
	// customer_sessions:write.
	DemoOrganizationToken = "polar_oat_demo_acme"
	// DemoOtherOrganizationToken is an organization access token of
	// umbrella.
	DemoOtherOrganizationToken = "polar_oat_demo_umbrella"
)

// DemoTime is the time Demo writes its data set at: its objects were made
// before it, and what the Demo constants say expires does so after it
// (see DemoAt).
var DemoTime = time.Date(2026, 8, 1, 12, 0, 0, 0, time.UTC)

func demoID(kind, n int) string { return fmt.Sprintf("%08d-0000-4000-8000-%012d", kind, n) }

// Demo returns the Demo data set written at DemoTime, a fresh copy on
// each call, the same every time. It is DemoAt(DemoTime).
func Demo() *Fixture { return DemoAt(DemoTime) }

// DemoAt returns the Demo data set written at now instead of DemoTime:
// its dates are relative to now, so that what the Demo constants say
// holds at now (the license key that expires a day after DemoTime under
// Demo expires a day after now; the current periods of the active
// subscriptions contain now). WithDemo seeds the data set written at the
// server's clock when it starts.
func DemoAt(now time.Time) *Fixture {
	f := &Fixture{}
	now = now.UTC().Truncate(time.Microsecond) // as the server's timestamps
	at := func(days float64) time.Time { return now.Add(-time.Duration(days * float64(24*time.Hour))) }

	acme := NewOrganization(DemoOrganizationSlug, "Acme Software")
	acme.ID = DemoOrganizationID
	acme.OrganizationFeatures.MemberModelEnabled = new(true)
	acme.CustomerPortalSettings.Subscription.Pause = new(true)
	acme.CustomerPortalSettings.Subscription.UpdateUnits = new(true)
	umbrella := NewOrganization(DemoOtherOrganizationSlug, "Umbrella Corp")
	umbrella.ID = DemoOtherOrganizationID
	umbrella.CustomerPortalSettings.Customer.AllowEmailChange = new(false)
	f.Organizations = append(f.Organizations, acme, umbrella)

	// Meters (definitions) and benefits.
	apiMeter := polar.Meter{CreatedAt: at(400), ID: demoID(17, 1), Name: "API calls"}
	storageMeter := polar.Meter{CreatedAt: at(400), ID: demoID(17, 2), Name: "Storage (GB)"}
	orgView := acme.BenefitSubscriberOrganization
	benefit := func(n int, desc string) polar.BenefitSubscriberCommon {
		return polar.BenefitSubscriberCommon{
			ID: demoID(14, n), CreatedAt: at(390), Description: desc, Selectable: true, Deletable: true,
			OrganizationID: acme.ID, Organization: orgView,
		}
	}
	benefitTypes := []polar.BenefitType{
		polar.BenefitTypeCustom, polar.BenefitTypeDiscord, polar.BenefitTypeDownloadables, polar.BenefitTypeFeatureFlag,
		polar.BenefitTypeGitHubRepository, polar.BenefitTypeLicenseKeys, polar.BenefitTypeMeterCredit, polar.BenefitTypeSlackSharedChannel,
	}
	benefitNames := []string{"Priority support", "Discord role", "Desktop installers", "Beta features", "Source access", "License key", "Monthly API credits", "Shared Slack channel"}
	publicBenefit := func(i int) polar.BenefitPublic {
		return polar.BenefitPublic{ID: demoID(14, i+1), CreatedAt: at(390), Type: benefitTypes[i], Description: benefitNames[i],
			Selectable: true, Deletable: true, OrganizationID: acme.ID}
	}

	// Products.
	product := func(n int, name string, amount int64, interval polar.RecurringInterval) polar.CustomerProduct {
		p := NewProduct(acme.ID, name, amount, interval)
		p.ID = demoID(2, n)
		p.CreatedAt = at(380)
		price := p.Prices[0].(*polar.ProductPriceFixed)
		price.ID, price.ProductID, price.CreatedAt = demoID(15, n), p.ID, p.CreatedAt
		return p
	}
	proMonthly := product(1, "Pro Monthly", 1500, polar.RecurringIntervalMonth)
	proMonthly.Benefits = []polar.BenefitPublic{publicBenefit(0), publicBenefit(1), publicBenefit(3)}
	proYearly := product(2, "Pro Yearly", 15000, polar.RecurringIntervalYear)
	teamSeats := product(3, "Team Seats", 1000, polar.RecurringIntervalMonth)
	teamSeats.Prices = polar.PriceList{&polar.ProductPriceSeatBased{
		PriceCommon: polar.PriceCommon{ID: demoID(15, 3), CreatedAt: teamSeats.CreatedAt, Source: polar.ProductPriceSourceCatalog, PriceCurrency: "usd", ProductID: teamSeats.ID},
		SeatTiers: polar.ProductPriceSeatTiers{SeatTierType: new(polar.SeatTierTypeVolume), MinimumSeats: 2, MaximumSeats: new(int64(50)), Tiers: []polar.ProductPriceSeatTier{
			{MinSeats: 2, MaxSeats: new(int64(10)), PricePerSeat: 1000}, {MinSeats: 11, MaxSeats: new(int64(50)), PricePerSeat: 800},
		}},
	}}
	desktop := product(4, "Desktop App", 4900, "")
	desktop.Benefits = []polar.BenefitPublic{publicBenefit(2), publicBenefit(5)}
	ebook := product(5, "E-book", 1900, "")
	apiUsage := product(6, "API Usage", 0, polar.RecurringIntervalMonth)
	apiUsage.Prices = polar.PriceList{&polar.ProductPriceMeteredUnit{
		PriceCommon: polar.PriceCommon{ID: demoID(15, 6), CreatedAt: apiUsage.CreatedAt, Source: polar.ProductPriceSourceCatalog, PriceCurrency: "usd", ProductID: apiUsage.ID},
		UnitAmount:  "0.5", CapAmount: new(int64(10000)), MeterID: apiMeter.ID,
		Meter: polar.ProductPriceMeter{ID: apiMeter.ID, Name: apiMeter.Name, Unit: polar.MeterUnitScalar},
	}}
	apiUsage.Benefits = []polar.BenefitPublic{publicBenefit(6)}
	legacy := product(7, "Legacy Plan", 900, polar.RecurringIntervalMonth)
	legacy.IsArchived = true
	//lint:ignore SA1019 older products still carry legacy prices, and so does the demo
	legacy.Prices = polar.PriceList{&polar.LegacyRecurringProductPriceFixed{
		PriceCommon:       polar.PriceCommon{ID: demoID(15, 7), CreatedAt: legacy.CreatedAt, Source: polar.ProductPriceSourceCatalog, PriceCurrency: "usd", ProductID: legacy.ID, IsArchived: true},
		RecurringInterval: polar.RecurringIntervalMonth, PriceAmount: 900,
	}}
	private := product(8, "Private Beta", 0, "")
	private.Visibility = polar.ProductVisibilityPrivate
	umbrellaProduct := NewProduct(umbrella.ID, "Umbrella Basic", 500, polar.RecurringIntervalMonth)
	umbrellaProduct.ID = demoID(2, 9)
	f.Products = append(f.Products, proMonthly, proYearly, teamSeats, desktop, ebook, apiUsage, legacy, private, umbrellaProduct)
	storage := product(10, "Storage Pack", 0, polar.RecurringIntervalMonth)
	storage.Visibility = polar.ProductVisibilityPrivate // offered to some customers only
	storage.Prices = polar.PriceList{&polar.ProductPriceUnitBased{
		PriceCommon:  polar.PriceCommon{ID: demoID(15, 10), CreatedAt: storage.CreatedAt, Source: polar.ProductPriceSourceCatalog, PriceCurrency: "usd", ProductID: storage.ID},
		Tiers:        polar.Tiers{Type: polar.TierTypeGraduated, Tiers: []polar.Tier{{Bound: new(int64(100)), UnitAmount: "50"}, {UnitAmount: "25"}}},
		MinimumUnits: new(int64(10)), MaximumUnits: new(int64(1000)), UnitLabel: map[string]map[string]string{"en": {"one": "GB", "other": "GB"}},
	}}
	f.Products = append(f.Products, storage)

	// Customers and members.
	customer := func(n int, c CustomerRecord) CustomerRecord {
		c.ID = demoID(3, n)
		c.CreatedAt = at(370 - float64(n))
		return c
	}
	alice := customer(1, NewCustomer(acme.ID, "alice@example.com", "Alice Martin"))
	alice.ExternalID = new(DemoCustomerExternalID)
	alice.BillingName = new("Alice Martin")
	alice.BillingAddress = &polar.Address{Line1: new("12 rue de la Paix"), PostalCode: new("75002"), City: new("Paris"), Country: "FR"}
	alice.TaxID = &polar.TaxID{ID: "FR61954506077", Format: polar.TaxIDFormatEUVAT}
	alice.DefaultPaymentMethodID = new(DemoPaymentMethodID)
	alice.OAuthAccounts = map[string]polar.CustomerPortalOAuthAccount{"github": {AccountID: "1001", AccountUsername: new("alice-gh")}}
	alice.OAuthAccounts["discord"] = polar.CustomerPortalOAuthAccount{AccountID: "disc-alice", AccountUsername: new("alice.martin")}
	alice.Metadata = map[string]any{"plan": "pro"}
	bob := customer(2, NewCustomer(acme.ID, "bob@example.com", "Bob Stone"))
	globex := customer(3, NewTeam(acme.ID, "billing@globex.example", "Globex"))
	globex.BillingName = new("Globex Corporation")
	globex.BillingAddress = &polar.Address{Line1: new("1 Infinite Loop"), City: new("Cupertino"), State: new("US-CA"), PostalCode: new("95014"), Country: "US"}
	carol := customer(4, NewCustomer(umbrella.ID, "carol@example.com", "Carol Reed"))
	f.Customers = append(f.Customers, alice, bob, globex, carol)

	member := func(id, email, name string, role polar.MemberRole) polar.Member {
		m := NewMember(globex.ID, email, name, role)
		m.ID, m.CreatedAt = id, at(360)
		return m
	}
	owner := member(DemoOwnerMemberID, "olivia@globex.example", "Olivia Owner", polar.MemberRoleOwner)
	owner.ExternalID = new("globex-olivia")
	billingManager := member(DemoBillingManagerMemberID, "bill@globex.example", "Bill Manager", polar.MemberRoleBillingManager)
	plain := member(DemoPlainMemberID, "mia@globex.example", "Mia Member", polar.MemberRoleMember)
	f.Members = append(f.Members, owner, billingManager, plain)
	// As Polar makes an owner member: from the customer, when created.
	aliceOwner := NewMember(alice.ID, *alice.Email, *alice.Name, polar.MemberRoleOwner)
	aliceOwner.ID, aliceOwner.CreatedAt, aliceOwner.ExternalID = DemoCustomerMemberID, alice.CreatedAt, alice.ExternalID
	f.Members = append(f.Members, aliceOwner)
	// ownedBy is the member a customer's grants go to: Alice's owner.
	ownedBy := func(cust CustomerRecord) *string {
		if cust.ID == alice.ID {
			return new(aliceOwner.ID)
		}
		return nil
	}

	f.Tokens = []Token{
		{Token: DemoCustomerToken, Kind: TokenKindCustomerSession, CustomerID: alice.ID, ReturnURL: new("https://acme.example/account")},
		{Token: DemoOtherCustomerToken, Kind: TokenKindCustomerSession, CustomerID: bob.ID},
		{Token: DemoReadOnlyToken, Kind: TokenKindCustomerSession, CustomerID: alice.ID, Scopes: []string{ScopeCustomerPortalRead}},
		{Token: DemoExpiredToken, Kind: TokenKindCustomerSession, CustomerID: alice.ID, ExpiresAt: time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)},
		{Token: DemoTeamCustomerToken, Kind: TokenKindCustomerSession, CustomerID: globex.ID},
		{Token: DemoMemberToken, Kind: TokenKindMemberSession, CustomerID: globex.ID, MemberID: owner.ID},
		{Token: DemoBillingManagerToken, Kind: TokenKindMemberSession, CustomerID: globex.ID, MemberID: billingManager.ID},
		{Token: DemoPlainMemberToken, Kind: TokenKindMemberSession, CustomerID: globex.ID, MemberID: plain.ID},
		{Token: DemoOrganizationToken, Kind: TokenKindOrganization, OrganizationID: acme.ID},
		{Token: DemoOtherOrganizationToken, Kind: TokenKindOrganization, OrganizationID: umbrella.ID},
	}

	// Subscriptions: Alice has one in every status.
	statuses := []polar.SubscriptionStatus{
		polar.SubscriptionStatusActive, polar.SubscriptionStatusTrialing, polar.SubscriptionStatusPastDue,
		polar.SubscriptionStatusCanceled, polar.SubscriptionStatusUnpaid, polar.SubscriptionStatusPaused,
		polar.SubscriptionStatusIncomplete, polar.SubscriptionStatusIncompleteExpired,
	}
	subProducts := []polar.CustomerProduct{proMonthly, proYearly, proMonthly, proYearly, apiUsage, proMonthly, proYearly, proMonthly}
	subscription := func(n int, cust CustomerRecord, p polar.CustomerProduct, status polar.SubscriptionStatus) polar.CustomerSubscription {
		start := at(float64(20 + n))
		interval := polar.RecurringIntervalMonth
		if p.RecurringInterval != nil {
			interval = *p.RecurringInterval
		}
		end := periodEnd(start, interval, 1)
		amount := int64(0)
		if fp := firstFixedPrice(p); fp != nil {
			amount = fp.PriceAmount
		}
		s := polar.CustomerSubscription{CustomerOrderSubscription: polar.CustomerOrderSubscription{
			CreatedAt: at(float64(200 + n)), ID: demoID(6, n), Amount: amount, Currency: "usd",
			RecurringInterval: interval, RecurringIntervalCount: 1, Status: status,
			CurrentPeriodStart: start, CurrentPeriodEnd: end,
			StartedAt: new(at(float64(200 + n))), CustomerID: cust.ID, ProductID: p.ID,
		}, Meters: []polar.CustomerSubscriptionMeter{}}
		stampStatus(&s, start)
		if status == polar.SubscriptionStatusCanceled {
			s.CustomerCancellationReason = new(polar.CustomerCancellationReason("too_expensive"))
		}
		if p.ID == apiUsage.ID {
			s.Meters = []polar.CustomerSubscriptionMeter{{
				CreatedAt: start, ID: UUID(s.ID + ":meter"), ConsumedUnits: 1234.5, CreditedUnits: 1000, Amount: 117,
				MeterID: apiMeter.ID, Meter: apiMeter,
			}}
		}
		return s
	}
	for i, st := range statuses {
		f.Subscriptions = append(f.Subscriptions, subscription(i+1, alice, subProducts[i], st))
	}
	f.Subscriptions[0].PendingUpdate = &polar.PendingSubscriptionUpdate{
		ID: demoID(19, 1), CreatedAt: at(3), AppliesAt: f.Subscriptions[0].CurrentPeriodEnd, ProductID: new(proYearly.ID),
	}
	teamSub := subscription(9, globex, teamSeats, polar.SubscriptionStatusActive)
	teamSub.Seats = new(int64(5))
	teamSub.Amount = 5000
	f.Subscriptions = append(f.Subscriptions, teamSub, subscription(10, bob, proMonthly, polar.SubscriptionStatusActive),
		subscription(11, carol, umbrellaProduct, polar.SubscriptionStatusActive))
	storageSub := subscription(12, alice, storage, polar.SubscriptionStatusActive)
	storageSub.Units, storageSub.Amount = new(int64(120)), 100*50+20*25
	storageSub.CurrentPeriodStart, storageSub.CurrentPeriodEnd = at(5), at(5).AddDate(0, 1, 0)
	f.Subscriptions = append(f.Subscriptions, storageSub)

	// Orders: Alice's 250, a few of Bob, Globex and Carol.
	rotation := []polar.CustomerProduct{proMonthly, ebook, desktop, proYearly, apiUsage}
	order := func(id string, cust CustomerRecord, p polar.CustomerProduct, created time.Time) polar.CustomerOrder {
		o := NewOrder(cust.ID, p, created)
		o.ID = id
		o.Items[0].ID = UUID("order-item:" + id)
		o.Description = p.Name
		o.InvoiceNumber = new(fmt.Sprintf("ACME-%s-%04s", cust.ID[len(cust.ID)-4:], id[len(id)-4:]))
		o.ReceiptNumber = new("R-" + id[len(id)-6:])
		switch p.ID {
		case proMonthly.ID:
			if cust.ID == alice.ID {
				o.SubscriptionID = new(DemoSubscriptionID)
			}
		case proYearly.ID:
			o.SubscriptionID = new(demoID(6, 4))
		}
		if o.SubscriptionID == nil && p.IsRecurring {
			o.BillingReason = polar.OrderBillingReasonPurchase
		}
		return o
	}
	for n := 1; n <= DemoOrderCount; n++ {
		p := rotation[(n-1)%len(rotation)]
		o := order(demoID(5, n), alice, p, at(float64(n)))
		if n%3 != 0 { // two orders in three carry billing details
			o.BillingName, o.BillingAddress = alice.BillingName, alice.BillingAddress
		}
		switch {
		case n%50 == 26: // renewals of the past_due subscription, in dunning
			o.Status, o.Paid, o.DueAmount, o.ReceiptNumber = polar.OrderStatusPending, false, o.TotalAmount, nil
			o.SubscriptionID, o.BillingReason = new(demoID(6, 3)), polar.OrderBillingReasonSubscriptionCycle
			o.NextPaymentAttemptAt = new(now.Add(72 * time.Hour))
		case n == 2 || n%50 == 12: // one-time purchases whose payment is processing
			o.Status, o.Paid, o.DueAmount, o.ReceiptNumber = polar.OrderStatusPending, false, o.TotalAmount, nil
		case n == 3:
			o.BillingName, o.BillingAddress = nil, nil
		case n == 249:
			o.Status, o.Paid, o.ReceiptNumber = polar.OrderStatusVoid, false, nil
		case n == 250: // before the refunds, whose rule 250 also fits
			o.Status, o.Paid, o.ReceiptNumber, o.InvoiceNumber = polar.OrderStatusDraft, false, nil, nil
		case n%25 == 0:
			o.Status, o.RefundedAmount, o.RefundedTaxAmount, o.RefundableAmount, o.RefundableTaxAmount = polar.OrderStatusRefunded, o.NetAmount, o.TaxAmount, 0, 0
		case n%40 == 0:
			o.Status, o.RefundedAmount = polar.OrderStatusPartiallyRefunded, o.NetAmount/2
			o.RefundableAmount -= o.RefundedAmount
		}
		if n%7 == 0 && o.Status == polar.OrderStatusPaid {
			o.IsInvoiceGenerated = true
		}
		if n == 1 {
			o.IsInvoiceGenerated = false
		}
		f.Orders = append(f.Orders, o)
	}
	for i := 1; i <= 3; i++ {
		f.Orders = append(f.Orders, order(demoID(5, 1000+i), bob, rotation[i], at(float64(i*10))))
	}
	teamOrder := order(DemoTeamOrderID, globex, teamSeats, at(5))
	teamOrder.SubscriptionID, teamOrder.Seats = new(DemoTeamSubscriptionID), new(int64(5))
	// 5 seats at 10 USD, priced per seat.
	teamOrder.SubtotalAmount, teamOrder.NetAmount, teamOrder.TaxAmount, teamOrder.TotalAmount = 5000, 5000, 1000, 6000
	teamOrder.RefundableAmount, teamOrder.RefundableTaxAmount = 5000, 1000
	teamOrder.Items[0].Amount, teamOrder.Items[0].TaxAmount, teamOrder.Items[0].ProductPriceID = 5000, 1000, new(demoID(15, 3))
	teamOrder.BillingName, teamOrder.BillingAddress = globex.BillingName, globex.BillingAddress
	f.Orders = append(f.Orders, teamOrder, order(demoID(5, 3001), carol, umbrellaProduct, at(3)))

	// Benefit grants of every type to Alice, and a license key to Mia.
	grant := func(n int, cust CustomerRecord, b int) polar.CustomerBenefitGrantCommon {
		return polar.CustomerBenefitGrantCommon{
			CreatedAt: at(100), ID: demoID(7, n), GrantedAt: new(at(100)), CustomerID: cust.ID,
			BenefitID: demoID(14, b), SubscriptionID: new(DemoSubscriptionID), IsGranted: true, Customer: *cust.portal(),
			MemberID: ownedBy(cust),
		}
	}
	fileIDs := []string{demoID(18, 1), demoID(18, 2), demoID(18, 3)}
	lkProps := polar.BenefitLicenseKeysSubscriberProperties{
		Prefix:      new("ACME"),
		Activations: &polar.BenefitLicenseKeyActivationProperties{Limit: 3, EnableCustomerAdmin: true},
		LimitUsage:  new(int64(100)),
	}
	f.BenefitGrants = []polar.CustomerBenefitGrant{
		&polar.CustomerBenefitGrantCustom{CustomerBenefitGrantCommon: grant(1, alice, 1),
			Benefit: polar.BenefitCustomSubscriber{BenefitSubscriberCommon: benefit(1, benefitNames[0]), Properties: polar.BenefitCustomSubscriberProperties{Note: new("Write to support@acme.example")}}},
		&polar.CustomerBenefitGrantDiscord{CustomerBenefitGrantCommon: grant(2, alice, 2),
			Benefit:    polar.BenefitDiscordSubscriber{BenefitSubscriberCommon: benefit(2, benefitNames[1]), Properties: polar.BenefitDiscordSubscriberProperties{GuildID: "900000000000000001"}},
			Properties: polar.BenefitGrantDiscordProperties{AccountID: new("disc-alice"), GuildID: new("900000000000000001"), RoleID: new("900000000000000002"), GrantedAccountID: new("disc-alice")}},
		&polar.CustomerBenefitGrantDownloadables{CustomerBenefitGrantCommon: grant(3, alice, 3),
			Benefit:    polar.BenefitDownloadablesSubscriber{BenefitSubscriberCommon: benefit(3, benefitNames[2]), Properties: polar.BenefitDownloadablesSubscriberProperties{ActiveFiles: fileIDs}},
			Properties: polar.BenefitGrantDownloadablesProperties{Files: fileIDs}},
		&polar.CustomerBenefitGrantFeatureFlag{CustomerBenefitGrantCommon: grant(4, alice, 4),
			Benefit: polar.BenefitFeatureFlagSubscriber{BenefitSubscriberCommon: benefit(4, benefitNames[3])}},
		&polar.CustomerBenefitGrantGitHubRepository{CustomerBenefitGrantCommon: grant(5, alice, 5),
			Benefit:    polar.BenefitGitHubRepositorySubscriber{BenefitSubscriberCommon: benefit(5, benefitNames[4]), Properties: polar.BenefitGitHubRepositorySubscriberProperties{RepositoryOwner: "acme", RepositoryName: "engine"}},
			Properties: polar.BenefitGrantGitHubRepositoryProperties{AccountID: new("1001"), RepositoryOwner: new("acme"), RepositoryName: new("engine"), Permission: new(polar.GitHubRepositoryPermissionPull), GrantedAccountID: new("1001")}},
		&polar.CustomerBenefitGrantLicenseKeys{CustomerBenefitGrantCommon: grant(6, alice, 6),
			Benefit:    polar.BenefitLicenseKeysSubscriber{BenefitSubscriberCommon: benefit(6, benefitNames[5]), Properties: lkProps},
			Properties: polar.BenefitGrantLicenseKeysProperties{LicenseKeyID: new(DemoLicenseKeyID), DisplayKey: new("****-AAAA")}},
		&polar.CustomerBenefitGrantMeterCredit{CustomerBenefitGrantCommon: grant(7, alice, 7),
			Benefit:    polar.BenefitMeterCreditSubscriber{BenefitSubscriberCommon: benefit(7, benefitNames[6]), Properties: polar.BenefitMeterCreditSubscriberProperties{Units: 1000, Rollover: true, MeterID: apiMeter.ID}},
			Properties: polar.BenefitGrantMeterCreditProperties{LastCreditedMeterID: new(apiMeter.ID), LastCreditedUnits: new(int64(1000)), LastCreditedAt: new(at(1).Format(time.RFC3339))}},
		&polar.CustomerBenefitGrantSlackSharedChannel{CustomerBenefitGrantCommon: grant(8, alice, 8),
			Benefit:    polar.BenefitSlackSharedChannelSubscriber{BenefitSubscriberCommon: benefit(8, benefitNames[7])},
			Properties: polar.BenefitGrantSlackSharedChannelProperties{InvitedEmail: new("alice@example.com"), ChannelID: new("C0123"), ChannelName: new("acme-alice")}},
	}
	miaGrant := grant(9, globex, 6)
	miaGrant.MemberID, miaGrant.SubscriptionID = new(plain.ID), new(DemoTeamSubscriptionID)
	f.BenefitGrants = append(f.BenefitGrants, &polar.CustomerBenefitGrantLicenseKeys{CustomerBenefitGrantCommon: miaGrant,
		Benefit:    polar.BenefitLicenseKeysSubscriber{BenefitSubscriberCommon: benefit(6, benefitNames[5]), Properties: lkProps},
		Properties: polar.BenefitGrantLicenseKeysProperties{LicenseKeyID: new(demoID(8, 5)), DisplayKey: new("****-EEEE")}})

	// License keys: at the activation limit, one use short of the usage
	// limit, expiring tomorrow, revoked; and Mia's.
	licenseKey := func(n int, cust CustomerRecord, key string) polar.LicenseKeyWithActivations {
		k := polar.LicenseKeyWithActivations{LicenseKey: polar.LicenseKey{
			ID: demoID(8, n), CreatedAt: at(100), OrganizationID: acme.ID, CustomerID: cust.ID,
			Customer:  polar.LicenseKeyCustomer{CustomerCommon: cust.common(), Email: cust.Email, Type: deref(cust.Type)},
			BenefitID: demoID(14, 6), Key: key, DisplayKey: "****-" + key[len(key)-4:], Status: polar.LicenseKeyStatusGranted,
			LimitActivations: new(int64(3)), LimitUsage: new(int64(100)),
		}, Activations: []polar.LicenseKeyActivation{}}
		if m := ownedBy(cust); m != nil {
			k.MemberID, k.Member = m, &polar.LicenseKeyMember{ID: aliceOwner.ID, Email: aliceOwner.Email}
		}
		return k
	}
	atLimit := licenseKey(1, alice, DemoLicenseKey)
	for i := 1; i <= 3; i++ {
		atLimit.Activations = append(atLimit.Activations, polar.LicenseKeyActivation{
			ID: demoID(16, i), LicenseKeyID: atLimit.ID, Label: fmt.Sprintf("Laptop %d", i),
			Meta: map[string]any{"os": "linux"}, CreatedAt: at(float64(50 - i)),
		})
	}
	atLimit.Validations, atLimit.LastValidatedAt = 42, new(at(1))
	nearUsage := licenseKey(2, alice, DemoUsageLicenseKey)
	nearUsage.Usage = 99
	expiring := licenseKey(3, alice, "ACME-DEMO-0003-CCCC")
	expiring.ExpiresAt = new(now.Add(24 * time.Hour))
	revoked := licenseKey(4, alice, "ACME-DEMO-0004-DDDD")
	revoked.Status = polar.LicenseKeyStatusRevoked
	mias := licenseKey(5, globex, "ACME-DEMO-0005-EEEE")
	mias.MemberID = new(plain.ID)
	mias.Member = &polar.LicenseKeyMember{ID: plain.ID, Email: plain.Email}
	f.LicenseKeys = append(f.LicenseKeys, atLimit, nearUsage, expiring, revoked, mias)

	// Meters, wallets.
	f.Meters = []polar.CustomerMeter{
		{ID: demoID(9, 1), CreatedAt: at(100), ModifiedAt: new(at(1)), CustomerID: alice.ID, MeterID: apiMeter.ID, ConsumedUnits: 1234.5, CreditedUnits: 1000, Balance: -234.5, Meter: apiMeter},
		{ID: demoID(9, 2), CreatedAt: at(90), ModifiedAt: new(at(2)), CustomerID: alice.ID, MeterID: storageMeter.ID, ConsumedUnits: 12.25, CreditedUnits: 50, Balance: 37.75, Meter: storageMeter},
		{ID: demoID(9, 3), CreatedAt: at(80), CustomerID: globex.ID, MeterID: apiMeter.ID, ConsumedUnits: 10, CreditedUnits: 0, Balance: -10, Meter: apiMeter},
	}
	f.Wallets = []polar.CustomerWallet{
		{ID: demoID(10, 1), CreatedAt: at(100), CustomerID: alice.ID, Balance: 2500, Currency: "usd"},
		{ID: demoID(10, 2), CreatedAt: at(90), CustomerID: alice.ID, Balance: 0, Currency: "eur"},
		{ID: demoID(10, 3), CreatedAt: at(80), CustomerID: globex.ID, Balance: 10000, Currency: "usd"},
	}

	// Payment methods.
	card := func(id string, cust CustomerRecord, brand, last4 string) *polar.PaymentMethodCard {
		return &polar.PaymentMethodCard{
			PaymentMethodCommon: polar.PaymentMethodCommon{ID: id, CreatedAt: at(60), Processor: polar.PaymentProcessorStripe, CustomerID: cust.ID},
			MethodMetadata:      polar.PaymentMethodCardMetadata{Brand: brand, Last4: last4, ExpMonth: 12, ExpYear: int64(now.Year() + 4)},
		}
	}
	f.PaymentMethods = []polar.CustomerPaymentMethod{
		card(DemoPaymentMethodID, alice, "visa", "4242"),
		card(DemoDeclinedPaymentMethodID, alice, "visa", "0002"),
		card(DemoActionPaymentMethodID, alice, "visa", "3155"),
		&polar.PaymentMethodGeneric{PaymentMethodCommon: polar.PaymentMethodCommon{ID: demoID(11, 4), CreatedAt: at(50), Processor: polar.PaymentProcessorStripe, CustomerID: alice.ID}, Type: "sepa_debit"},
		card(demoID(11, 5), globex, "mastercard", "4444"),
		card(demoID(11, 6), bob, "amex", "8431"),
		&polar.PaymentMethodKrCard{PaymentMethodCommon: polar.PaymentMethodCommon{ID: demoID(11, 7), CreatedAt: at(40), Processor: polar.PaymentProcessorStripe, CustomerID: alice.ID},
			MethodMetadata: polar.PaymentMethodKrCardMetadata{Brand: new("shinhan"), Last4: new("0012")}},
	}

	// Globex's seats: two claimed, one pending, one revoked, of five.
	seat := func(n int, m *polar.Member, status polar.SeatStatus) polar.CustomerSeat {
		s := polar.CustomerSeat{
			CreatedAt: at(30), ID: demoID(12, n), SubscriptionID: new(DemoTeamSubscriptionID), Status: status,
			CustomerID: new(globex.ID), SeatMetadata: map[string]any{},
		}
		if m != nil {
			s.MemberID, s.Member, s.Email, s.CustomerEmail = &m.ID, m, &m.Email, globex.Email
		}
		switch status {
		case polar.SeatStatusClaimed:
			s.ClaimedAt = new(at(29))
		case polar.SeatStatusPending:
			s.Email = new("new.hire@globex.example")
			s.InvitationTokenExpiresAt = new(now.Add(7 * 24 * time.Hour))
		case polar.SeatStatusRevoked:
			s.RevokedAt = new(at(10))
			// A revoked seat has no holder any more.
			s.CustomerID, s.MemberID, s.Member, s.Email, s.CustomerEmail = nil, nil, nil, nil, nil
		}
		return s
	}
	f.Seats = []polar.CustomerSeat{
		seat(1, &owner, polar.SeatStatusClaimed),
		seat(2, &plain, polar.SeatStatusClaimed),
		seat(3, nil, polar.SeatStatusPending),
		seat(4, &billingManager, polar.SeatStatusRevoked),
	}

	// Downloadables: Alice's three files, Mia's one.
	download := func(n int, cust CustomerRecord, memberID, name string, size int64) DownloadableRecord {
		id := demoID(18, n)
		sum := sha256.Sum256([]byte(id + "/" + name))
		return DownloadableRecord{CustomerID: cust.ID, MemberID: memberID, Downloadable: polar.Downloadable{
			ID: demoID(13, n), BenefitID: demoID(14, 3),
			File: polar.FileDownload{
				FileCommon: polar.FileCommon{
					ID: id, OrganizationID: acme.ID, Name: name, Path: acme.ID + "/" + id + "/" + name,
					MIMEType: "application/octet-stream", Size: size, ChecksumSHA256Hex: new(hex.EncodeToString(sum[:])),
					ChecksumSHA256Base64: new(base64.StdEncoding.EncodeToString(sum[:])), ChecksumEtag: new(`"` + hex.EncodeToString(sum[:16]) + `"`), LastModifiedAt: new(at(40)),
					IsUploaded: true, SizeReadable: fmt.Sprintf("%.1f MB", float64(size)/1e6), Version: new("1.0." + fmt.Sprint(n)),
				},
				Download: polar.S3DownloadURL{URL: "https://files.polartest.invalid/downloads/" + id + "/" + name, Headers: map[string]string{}, ExpiresAt: now.Add(time.Hour)},
				Service:  polar.FileServiceTypeDownloadable,
			},
		}}
	}
	f.Downloadables = []DownloadableRecord{
		download(1, alice, aliceOwner.ID, "acme-setup.exe", 48_200_000),
		download(2, alice, aliceOwner.ID, "acme.dmg", 51_700_000),
		download(3, alice, aliceOwner.ID, "acme.tar.gz", 39_100_000),
		download(4, globex, plain.ID, "acme-team.zip", 12_000_000),
	}
	return f
}
