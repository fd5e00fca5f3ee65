package polartest

import (
	"fmt"
	"strings"
	"time"

	polar "github.com/polarportal/polar-go"
)

// Builders of fixture values: each returns an SDK value with every
// required field set to something plausible and an ID derived from its
// arguments (see UUID), for a test to adjust before seeding.

// NewOrganization returns an organization with default portal settings
// (customers may update their subscriptions and change their email).
func NewOrganization(slug, name string) polar.CustomerOrganization {
	return polar.CustomerOrganization{
		BenefitSubscriberOrganization: polar.BenefitSubscriberOrganization{
			CreatedAt:            time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC),
			ID:                   UUID("organization:" + slug),
			Name:                 name,
			Slug:                 slug,
			ProrationBehavior:    polar.SubscriptionProrationBehaviorProrate,
			AllowCustomerUpdates: true,
		},
		CustomerPortalSettings: polar.OrganizationCustomerPortalSettings{
			Usage:        polar.CustomerPortalUsageSettings{Show: true},
			Subscription: polar.CustomerPortalSubscriptionSettings{UpdateSeats: true, UpdatePlan: true},
			Customer:     &polar.CustomerPortalCustomerSettings{AllowEmailChange: new(true)},
		},
		OrganizationFeatures: &polar.CustomerOrganizationFeatureSettings{MemberModelEnabled: new(false)},
	}
}

// NewProduct returns a public product of the organization orgID with one
// fixed price of amount cents in USD, recurring every interval, or a
// one-time purchase when interval is "".
func NewProduct(orgID, name string, amount int64, interval polar.RecurringInterval) polar.CustomerProduct {
	id := UUID("product:" + orgID + ":" + name)
	created := time.Date(2025, 2, 1, 0, 0, 0, 0, time.UTC)
	p := polar.CustomerProduct{
		ID:             id,
		CreatedAt:      created,
		Name:           name,
		Description:    new("The " + name + " plan."),
		Visibility:     polar.ProductVisibilityPublic,
		OrganizationID: orgID,
		Prices: polar.PriceList{&polar.ProductPriceFixed{
			PriceCommon: polar.PriceCommon{
				ID: UUID("price:" + id), CreatedAt: created, Source: polar.ProductPriceSourceCatalog,
				PriceCurrency: "usd", ProductID: id,
			},
			PriceAmount: amount,
		}},
		Benefits: []polar.BenefitPublic{},
		Medias:   []polar.ProductMediaFile{},
	}
	if interval != "" {
		p.RecurringInterval = &interval
		p.RecurringIntervalCount = new(int64(1))
		p.IsRecurring = true
	}
	return p
}

// NewCustomer returns an individual customer of the organization orgID.
func NewCustomer(orgID, email, name string) CustomerRecord {
	return CustomerRecord{
		CustomerPortalCustomer: polar.CustomerPortalCustomer{
			CreatedAt:     time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC),
			ID:            UUID("customer:" + orgID + ":" + email),
			Email:         &email,
			EmailVerified: true,
			Name:          &name,
			OAuthAccounts: map[string]polar.CustomerPortalOAuthAccount{},
			Type:          new(polar.CustomerTypeIndividual),
			Locale:        new("en"),
		},
		OrganizationID: orgID,
		Metadata:       map[string]any{},
	}
}

// NewTeam returns a team customer of the organization orgID.
func NewTeam(orgID, email, name string) CustomerRecord {
	c := NewCustomer(orgID, email, name)
	c.Type = new(polar.CustomerTypeTeam)
	return c
}

// NewMember returns a member of the customer customerID.
func NewMember(customerID, email, name string, role polar.MemberRole) polar.Member {
	return polar.Member{
		ID:         UUID("member:" + customerID + ":" + email),
		CreatedAt:  time.Date(2025, 3, 2, 0, 0, 0, 0, time.UTC),
		CustomerID: customerID,
		Email:      email,
		Name:       &name,
		Role:       role,
	}
}

// firstFixedPrice is product's first price if it is a fixed one, else nil:
// what the builders charge.
func firstFixedPrice(product polar.CustomerProduct) *polar.ProductPriceFixed {
	if len(product.Prices) == 0 {
		return nil
	}
	p, _ := product.Prices[0].(*polar.ProductPriceFixed)
	return p
}

// NewOrder returns a paid order of the customer customerID for product at
// its first price, made at created (its ID is derived from the three). A
// recurring product's order is a subscription cycle without a
// subscription: set SubscriptionID to link one. Seeding fills in Product.
func NewOrder(customerID string, product polar.CustomerProduct, created time.Time) polar.CustomerOrder {
	id := UUID(fmt.Sprintf("order:%s:%s:%s", customerID, product.ID, created.Format(time.RFC3339Nano)))
	amount := int64(0)
	var priceID *string
	if p := firstFixedPrice(product); p != nil {
		amount, priceID = p.PriceAmount, &p.ID
	}
	tax := amount / 5
	reason := polar.OrderBillingReasonPurchase
	if product.IsRecurring {
		reason = polar.OrderBillingReasonSubscriptionCycle
	}
	created = created.UTC()
	return polar.CustomerOrder{
		ID: id, CreatedAt: created, Status: polar.OrderStatusPaid, Paid: true,
		SubtotalAmount: amount, NetAmount: amount, TaxAmount: tax, TotalAmount: amount + tax,
		Currency: "usd", BillingReason: reason, CustomerID: customerID, ProductID: &product.ID,
		Items: []polar.OrderItem{{
			CreatedAt: created, ID: UUID("order-item:" + id), Label: product.Name,
			Amount: amount, TaxAmount: tax, ProductPriceID: priceID,
		}},
		Description:         product.Name,
		InvoiceNumber:       new(fmt.Sprintf("POLAR-%s-%04d", strings.ToUpper(id[:4]), created.YearDay())),
		RefundableAmount:    amount,
		RefundableTaxAmount: tax,
	}
}
