package polar

import (
	"context"
	"iter"
	"net/http"
	"time"
)

// DownloadablesService covers the files the authenticated customer may
// download through their downloadables benefits, each with a short-lived
// download URL. It needs a customer session token or a member session
// token (members see only their own).
//
// To stub it in a test, embed DownloadablesService in a struct and implement only
// the methods the code under test calls (the others panic on the nil
// interface). A stub assigned to Client.Downloadables stays in place in the
// clients that WithToken derives.
type DownloadablesService interface {
	// List returns one page of the customer's downloadable files.
	//
	// API: GET /v1/customer-portal/downloadables/
	List(ctx context.Context, opts *DownloadableListOptions) (*Page[Downloadable], error)
	// All iterates over every downloadable file of every page, 100 at a
	// time unless opts sets Limit. Download URLs expire (see
	// S3DownloadURL.ExpiresAt): fetch the files soon after listing them.
	// ListOptions tells what a walk sees of a list that changes meanwhile.
	//
	// API: GET /v1/customer-portal/downloadables/
	All(ctx context.Context, opts *DownloadableListOptions) iter.Seq2[Downloadable, error]
}

type downloadablesService service

var _ DownloadablesService = (*downloadablesService)(nil)

var downloadablesList = declare[DownloadableListOptions, none, *Page[Downloadable]](operation{
	id: OpDownloadablesList, method: http.MethodGet, path: "/v1/customer-portal/downloadables/"})

func (s *downloadablesService) List(ctx context.Context, opts *DownloadableListOptions) (*Page[Downloadable], error) {
	return downloadablesList.query(ctx, s.client, opts)
}

func (s *downloadablesService) All(ctx context.Context, opts *DownloadableListOptions) iter.Seq2[Downloadable, error] {
	return listAll(ctx, s.client, opts, s.List)
}

// DownloadableListOptions filters Downloadables.List and
// Downloadables.All.
type DownloadableListOptions struct {
	ListOptions
	// BenefitID filters by benefit ID; several values match any of them.
	BenefitID []string `url:"benefit_id,omitempty"`
}

// Downloadable is a file the customer may download, granted by a
// downloadables benefit.
type Downloadable struct {
	// ID is the ID of the downloadable.
	ID string `json:"id"`
	// BenefitID is the ID of the benefit that grants the file.
	BenefitID string `json:"benefit_id"`
	// File is the file, with its download URL.
	File FileDownload `json:"file"`
}

// FileDownload is a downloadable file: its name, type and size, its
// checksums when known, and a presigned URL to download it from.
type FileDownload struct {
	FileCommon
	// Download is where to download the file from, until it expires.
	Download S3DownloadURL `json:"download"`
	// Service is the kind of file.
	Service FileServiceType `json:"service"`
}

// S3DownloadURL is a presigned URL to download a file from, with the
// headers to send along and the time it expires.
type S3DownloadURL struct {
	// URL is the presigned download URL.
	URL string `json:"url"`
	// Headers are HTTP headers to send with the download request; nil or
	// empty when none are needed.
	Headers map[string]string `json:"headers"`
	// ExpiresAt is when URL stops working.
	ExpiresAt time.Time `json:"expires_at"`
}

// FileServiceType is the kind of a stored file.
type FileServiceType string

// Values of FileServiceType.
const (
	FileServiceTypeDownloadable          FileServiceType = "downloadable"
	FileServiceTypeProductMedia          FileServiceType = "product_media"
	FileServiceTypeOrganizationAvatar    FileServiceType = "organization_avatar"
	FileServiceTypeSupportCaseAttachment FileServiceType = "support_case_attachment"
)
