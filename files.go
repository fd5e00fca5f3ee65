package polar

import "time"

// FileCommon holds the fields every file of the API has: a product's media
// and a downloadable file embed it.
type FileCommon struct {
	// ID is the ID of the file.
	ID string `json:"id"`
	// OrganizationID is the ID of the organization the file belongs to.
	OrganizationID string `json:"organization_id"`
	// Name is the file name.
	Name string `json:"name"`
	// Path is the file's path in storage.
	Path string `json:"path"`
	// MIMEType is the file's media type, such as application/zip.
	MIMEType string `json:"mime_type"`
	// Size is the file's size in bytes.
	Size int64 `json:"size"`
	// StorageVersion is the version of the stored object, if any.
	StorageVersion *string `json:"storage_version"`
	// ChecksumEtag is the ETag of the stored object, if known.
	ChecksumEtag *string `json:"checksum_etag"`
	// ChecksumSHA256Base64 is the SHA-256 of the file in base64, if known.
	ChecksumSHA256Base64 *string `json:"checksum_sha256_base64"`
	// ChecksumSHA256Hex is the SHA-256 of the file in hexadecimal, if
	// known.
	ChecksumSHA256Hex *string `json:"checksum_sha256_hex"`
	// LastModifiedAt is when the file was last changed, if known.
	LastModifiedAt *time.Time `json:"last_modified_at"`
	// Version is the file's version label, if any.
	Version *string `json:"version"`
	// IsUploaded reports whether the upload of the file has completed.
	IsUploaded bool `json:"is_uploaded"`
	// SizeReadable is Size for people, such as "1.2 MB".
	SizeReadable string `json:"size_readable"`
}
