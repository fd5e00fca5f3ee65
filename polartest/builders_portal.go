package polartest

import (
	"fmt"
	"time"

	polar "github.com/polarportal/polar-go"
)

// Builders of the customer's billing objects, in the manner of NewOrder:
// each returns an SDK value with every required field set and an ID
// derived from its arguments, to adjust before seeding. They also reach
// the fields of embedded models that a struct literal cannot name
// (a CustomerSubscription's ID and Status are CustomerOrderSubscription's).

// NewSubscription returns a subscription of the customer customerID to
// product, in status, whose current period starts at start and lasts the
// product's interval (a month for a product without one). The fields that
// go with the status are set as Polar sets them: a trial of 14 days from
// start for trialing; PastDueAt for past_due; CanceledAt, EndsAt and
// EndedAt for canceled; PausedAt for paused; and no StartedAt for
// incomplete and incomplete_expired (which the portal does not list).
// Amount is the product's first fixed price, if it has one. Seeding fills
// in Product and Prices.
func NewSubscription(customerID string, product polar.CustomerProduct, status polar.SubscriptionStatus, start time.Time) polar.CustomerSubscription {
	start = start.UTC()
	interval, count := polar.RecurringIntervalMonth, int64(1)
	if product.RecurringInterval != nil {
		interval = *product.RecurringInterval
	}
	if product.RecurringIntervalCount != nil && *product.RecurringIntervalCount > 0 {
		count = *product.RecurringIntervalCount
	}
	end := periodEnd(start, interval, count)
	amount := int64(0)
	if p := firstFixedPrice(product); p != nil {
		amount = p.PriceAmount
	}
	s := polar.CustomerSubscription{
		CustomerOrderSubscription: polar.CustomerOrderSubscription{
			ID:        UUID(fmt.Sprintf("subscription:%s:%s:%s", customerID, product.ID, start.Format(time.RFC3339Nano))),
			CreatedAt: start, StartedAt: new(start), Amount: amount, Currency: "usd",
			RecurringInterval: interval, RecurringIntervalCount: count, Status: status,
			CurrentPeriodStart: start, CurrentPeriodEnd: end, CustomerID: customerID, ProductID: product.ID,
		},
		Meters: []polar.CustomerSubscriptionMeter{},
	}
	stampStatus(&s, start)
	return s
}

// stampStatus sets the fields that go with s's status as Polar sets them,
// dated start (see NewSubscription).
func stampStatus(s *polar.CustomerSubscription, start time.Time) {
	switch s.Status {
	case polar.SubscriptionStatusTrialing:
		s.TrialStart, s.TrialEnd = new(start), new(start.AddDate(0, 0, 14))
	case polar.SubscriptionStatusPastDue:
		s.PastDueAt = new(start)
	case polar.SubscriptionStatusCanceled:
		s.CanceledAt, s.EndsAt, s.EndedAt = new(start), new(start), new(start)
	case polar.SubscriptionStatusPaused:
		s.PausedAt = new(start)
	case polar.SubscriptionStatusIncomplete, polar.SubscriptionStatusIncompleteExpired:
		s.StartedAt = nil
	}
}

// NewBenefitGrant returns a grant to the customer customerID, granted at
// granted, of a benefit of type t of the organization org described by
// description (the benefit's ID is derived from the organization and the
// description, so grants of one benefit to several customers share it).
// It is the variant of t, with plausible properties: a Discord role in a
// guild, access to a repository, a license key benefit allowing 3
// activations, 100 meter credits, and so on. Set SubscriptionID or OrderID
// through Common to tie it to what granted it; clear IsGranted and
// GrantedAt for a grant not delivered yet, or set IsRevoked and RevokedAt
// for a revoked one (which the portal hides). It returns nil for a type
// this package does not know, which seeding refuses.
func NewBenefitGrant(org polar.CustomerOrganization, customerID string, t polar.BenefitType, description string, granted time.Time) polar.CustomerBenefitGrant {
	granted = granted.UTC()
	benefitID := UUID("benefit:" + org.ID + ":" + description)
	benefit := polar.BenefitSubscriberCommon{
		ID: benefitID, CreatedAt: granted, Description: description, Selectable: true, Deletable: true,
		OrganizationID: org.ID, Organization: org.BenefitSubscriberOrganization,
	}
	common := polar.CustomerBenefitGrantCommon{
		ID:        UUID("benefit-grant:" + customerID + ":" + benefitID + ":" + granted.Format(time.RFC3339Nano)),
		CreatedAt: granted, GrantedAt: new(granted), IsGranted: true, CustomerID: customerID, BenefitID: benefitID,
	}
	switch t {
	case polar.BenefitTypeCustom:
		return &polar.CustomerBenefitGrantCustom{CustomerBenefitGrantCommon: common,
			Benefit: polar.BenefitCustomSubscriber{BenefitSubscriberCommon: benefit}}
	case polar.BenefitTypeDiscord:
		guild := "9" + benefitID[:8]
		return &polar.CustomerBenefitGrantDiscord{CustomerBenefitGrantCommon: common,
			Benefit:    polar.BenefitDiscordSubscriber{BenefitSubscriberCommon: benefit, Properties: polar.BenefitDiscordSubscriberProperties{GuildID: guild}},
			Properties: polar.BenefitGrantDiscordProperties{GuildID: new(guild), RoleID: new("8" + benefitID[:8])}}
	case polar.BenefitTypeDownloadables:
		return &polar.CustomerBenefitGrantDownloadables{CustomerBenefitGrantCommon: common,
			Benefit: polar.BenefitDownloadablesSubscriber{BenefitSubscriberCommon: benefit, Properties: polar.BenefitDownloadablesSubscriberProperties{ActiveFiles: []string{}}}}
	case polar.BenefitTypeFeatureFlag:
		return &polar.CustomerBenefitGrantFeatureFlag{CustomerBenefitGrantCommon: common,
			Benefit: polar.BenefitFeatureFlagSubscriber{BenefitSubscriberCommon: benefit}}
	case polar.BenefitTypeGitHubRepository:
		return &polar.CustomerBenefitGrantGitHubRepository{CustomerBenefitGrantCommon: common,
			Benefit: polar.BenefitGitHubRepositorySubscriber{BenefitSubscriberCommon: benefit,
				Properties: polar.BenefitGitHubRepositorySubscriberProperties{RepositoryOwner: org.Slug, RepositoryName: "private"}},
			Properties: polar.BenefitGrantGitHubRepositoryProperties{RepositoryOwner: new(org.Slug), RepositoryName: new("private"), Permission: new(polar.GitHubRepositoryPermissionPull)}}
	case polar.BenefitTypeLicenseKeys:
		return &polar.CustomerBenefitGrantLicenseKeys{CustomerBenefitGrantCommon: common,
			Benefit: polar.BenefitLicenseKeysSubscriber{BenefitSubscriberCommon: benefit,
				Properties: polar.BenefitLicenseKeysSubscriberProperties{Activations: &polar.BenefitLicenseKeyActivationProperties{Limit: 3, EnableCustomerAdmin: true}}}}
	case polar.BenefitTypeMeterCredit:
		return &polar.CustomerBenefitGrantMeterCredit{CustomerBenefitGrantCommon: common,
			Benefit: polar.BenefitMeterCreditSubscriber{BenefitSubscriberCommon: benefit,
				Properties: polar.BenefitMeterCreditSubscriberProperties{Units: 100, MeterID: UUID("meter:" + org.ID + ":" + description)}}}
	case polar.BenefitTypeSlackSharedChannel:
		return &polar.CustomerBenefitGrantSlackSharedChannel{CustomerBenefitGrantCommon: common,
			Benefit: polar.BenefitSlackSharedChannelSubscriber{BenefitSubscriberCommon: benefit}}
	}
	return nil
}

// NewLicenseKey returns a granted license key of customer, the string key,
// granted by the benefit benefitID (a license key benefit's, see
// NewBenefitGrant), with one activation for each label, in order. It
// allows 3 activations, or as many as there are labels if more; set
// LimitActivations, LimitUsage, ExpiresAt or Status to change that.
func NewLicenseKey(customer CustomerRecord, benefitID, key string, labels ...string) polar.LicenseKeyWithActivations {
	id := UUID("license-key:" + customer.OrganizationID + ":" + key)
	created := time.Date(2025, 4, 1, 0, 0, 0, 0, time.UTC)
	display := key
	if len(key) > 4 {
		display = "****-" + key[len(key)-4:]
	}
	k := polar.LicenseKeyWithActivations{
		LicenseKey: polar.LicenseKey{
			ID: id, CreatedAt: created, OrganizationID: customer.OrganizationID, CustomerID: customer.ID,
			Customer:  polar.LicenseKeyCustomer{CustomerCommon: customer.common(), Email: customer.Email, Type: deref(customer.Type)},
			BenefitID: benefitID, Key: key, DisplayKey: display, Status: polar.LicenseKeyStatusGranted,
			LimitActivations: new(int64(max(3, len(labels)))),
		},
		Activations: []polar.LicenseKeyActivation{},
	}
	for i, label := range labels {
		k.Activations = append(k.Activations, polar.LicenseKeyActivation{
			ID: UUID(fmt.Sprintf("activation:%s:%d", id, i)), LicenseKeyID: id, Label: label,
			Meta: map[string]any{}, CreatedAt: created.Add(time.Duration(i+1) * time.Hour),
		})
	}
	return k
}

// NewMeter returns the customer customerID's usage of the meter called
// name: consumed units used of credited, the balance their difference.
func NewMeter(customerID, name string, consumed float64, credited int64) polar.CustomerMeter {
	created := time.Date(2025, 4, 1, 0, 0, 0, 0, time.UTC)
	meterID := UUID("meter:" + name)
	return polar.CustomerMeter{
		ID: UUID("customer-meter:" + customerID + ":" + meterID), CreatedAt: created,
		CustomerID: customerID, MeterID: meterID,
		ConsumedUnits: consumed, CreditedUnits: credited, Balance: float64(credited) - consumed,
		Meter: polar.Meter{CreatedAt: created, ID: meterID, Name: name},
	}
}

// NewWallet returns the customer customerID's wallet in currency (such as
// "usd"), holding balance in its smallest unit (cents).
func NewWallet(customerID, currency string, balance int64) polar.CustomerWallet {
	return polar.CustomerWallet{
		ID: UUID("wallet:" + customerID + ":" + currency), CreatedAt: time.Date(2025, 4, 1, 0, 0, 0, 0, time.UTC),
		CustomerID: customerID, Balance: balance, Currency: currency,
	}
}

// NewCard returns a saved card of the customer customerID, held by
// Stripe, of brand (such as "visa") ending in last4, expiring in December
// 2030. Paying an order with it (Orders.ConfirmRetryPayment) fails for a
// card ending in 0002 and needs 3-D Secure for one ending in 3155, as with
// Stripe's test cards.
func NewCard(customerID, brand, last4 string) *polar.PaymentMethodCard {
	return &polar.PaymentMethodCard{
		PaymentMethodCommon: polar.PaymentMethodCommon{
			ID: UUID("payment-method:" + customerID + ":card:" + brand + ":" + last4), CreatedAt: time.Date(2025, 4, 1, 0, 0, 0, 0, time.UTC),
			Processor: polar.PaymentProcessorStripe, CustomerID: customerID,
		},
		MethodMetadata: polar.PaymentMethodCardMetadata{Brand: brand, Last4: last4, ExpMonth: 12, ExpYear: 2030},
	}
}

// NewPaymentMethod returns a saved payment method of the customer
// customerID of a type without details of its own (such as "sepa_debit"
// or "paypal"; see polar.PaymentMethodGeneric), held by Stripe.
func NewPaymentMethod(customerID, typ string) *polar.PaymentMethodGeneric {
	return &polar.PaymentMethodGeneric{
		PaymentMethodCommon: polar.PaymentMethodCommon{
			ID: UUID("payment-method:" + customerID + ":" + typ), CreatedAt: time.Date(2025, 4, 1, 0, 0, 0, 0, time.UTC),
			Processor: polar.PaymentProcessorStripe, CustomerID: customerID,
		},
		Type: typ,
	}
}
