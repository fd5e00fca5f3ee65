package polar

import "time"

// TrialInterval is the unit of a trial period.
type TrialInterval string

// Values of TrialInterval.
const (
	TrialIntervalDay   TrialInterval = "day"
	TrialIntervalWeek  TrialInterval = "week"
	TrialIntervalMonth TrialInterval = "month"
	TrialIntervalYear  TrialInterval = "year"
)

// ProductVisibility tells where a product is shown.
type ProductVisibility string

// Values of ProductVisibility.
const (
	ProductVisibilityDraft   ProductVisibility = "draft"
	ProductVisibilityPrivate ProductVisibility = "private"
	ProductVisibilityPublic  ProductVisibility = "public"
)

// RecurringInterval is the unit of a billing or meter cycle.
type RecurringInterval string

// Values of RecurringInterval.
const (
	RecurringIntervalDay   RecurringInterval = "day"
	RecurringIntervalWeek  RecurringInterval = "week"
	RecurringIntervalMonth RecurringInterval = "month"
	RecurringIntervalYear  RecurringInterval = "year"
)

// ProductMediaFile is a file shown with a product.
type ProductMediaFile struct {
	FileCommon
	// The service the file belongs to (product_media).
	Service string `json:"service"`
	// Creation timestamp of the file.
	CreatedAt time.Time `json:"created_at"`
	// The public URL of the file.
	PublicURL string `json:"public_url"`
}

// CustomerProduct is a product as the customer portal shows it. Its
// prices mix current and legacy prices (see Price).
type CustomerProduct struct {
	// The ID of the object.
	ID string `json:"id"`
	// Creation timestamp of the object.
	CreatedAt time.Time `json:"created_at"`
	// Last modification timestamp of the object.
	ModifiedAt *time.Time `json:"modified_at"`
	// The interval unit for the trial period.
	TrialInterval *TrialInterval `json:"trial_interval"`
	// The number of interval units for the trial period.
	TrialIntervalCount *int64 `json:"trial_interval_count"`
	// The name of the product.
	Name string `json:"name"`
	// The description of the product.
	Description *string `json:"description"`
	// The visibility of the product.
	Visibility ProductVisibility `json:"visibility"`
	// The recurring interval of the product. If nil, the product is a one-time
	// purchase.
	RecurringInterval *RecurringInterval `json:"recurring_interval"`
	// Number of interval units of the subscription. If this is set to 1 the charge
	// will happen every interval (e.g. every month), if set to 2 it will be every
	// other month, and so on. nil for one-time products.
	RecurringIntervalCount *int64 `json:"recurring_interval_count"`
	// The meter cycle of the product, independent of the billing interval. If
	// nil, metered concerns follow the billing interval.
	MeterInterval *RecurringInterval `json:"meter_interval"`
	// Number of meter interval units. nil when no meter cycle is set.
	MeterIntervalCount *int64 `json:"meter_interval_count"`
	// Whether the product is a subscription.
	IsRecurring bool `json:"is_recurring"`
	// Whether the product is archived and no longer available.
	IsArchived bool `json:"is_archived"`
	// The ID of the organization owning the product.
	OrganizationID string `json:"organization_id"`
	// List of available prices for this product.
	Prices PriceList `json:"prices"`
	// List of benefits granted by the product.
	Benefits []BenefitPublic `json:"benefits"`
	// The medias associated to the product.
	Medias []ProductMediaFile `json:"medias"`
}
