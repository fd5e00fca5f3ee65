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

// ProductMediaFileRead is a file shown with a product.
type ProductMediaFileRead struct {
	// The ID of the object.
	ID string `json:"id"`
	// The ID of the organization owning the file.
	OrganizationID string `json:"organization_id"`
	// The file name.
	Name string `json:"name"`
	// The path of the file in storage.
	Path string `json:"path"`
	// The MIME type of the file.
	MIMEType string `json:"mime_type"`
	// The size of the file in bytes.
	Size int64 `json:"size"`
	// The version of the file in storage, if any.
	StorageVersion *string `json:"storage_version"`
	// The ETag of the file, if known.
	ChecksumEtag *string `json:"checksum_etag"`
	// The SHA-256 checksum of the file in base64, if known.
	ChecksumSHA256Base64 *string `json:"checksum_sha256_base64"`
	// The SHA-256 checksum of the file in hex, if known.
	ChecksumSHA256Hex *string `json:"checksum_sha256_hex"`
	// When the file was last modified, if known.
	LastModifiedAt *time.Time `json:"last_modified_at"`
	// The version of the file, if any.
	Version *string `json:"version"`
	// The service the file belongs to (product_media).
	Service string `json:"service"`
	// Whether the upload of the file completed.
	IsUploaded bool `json:"is_uploaded"`
	// Creation timestamp of the file.
	CreatedAt time.Time `json:"created_at"`
	// The size of the file for people, such as "1.2 MB".
	SizeReadable string `json:"size_readable"`
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
	Medias []ProductMediaFileRead `json:"medias"`
}
