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
