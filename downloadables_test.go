package polar

import (
	"context"
	"errors"
	"net/url"
	"reflect"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// wantDownloadablesPage is testdata/downloadables_page.json decoded: a
// file with every field set, one with every nullable field null and no
// download headers, and one whose download has no headers member.
func wantDownloadablesPage() *Page[Downloadable] {
	const org = "3f0c1a52-8b7d-4e21-9c4a-6d2e8f1b7a30"
	const s3 = "https://s3.us-east-2.amazonaws.com/polar-customer-files/"
	return &Page[Downloadable]{
		Items: []Downloadable{
			{
				ID:        "c97e9b08-6454-4fcf-9a58-d46d50eb2bee",
				BenefitID: "34e433d2-4cc1-487f-824b-e06966a4cd8e",
				File: FileDownload{
					FileCommon: FileCommon{
						ID:                   "23211971-d403-4cec-abe6-b79eb114509d",
						OrganizationID:       org,
						Name:                 "acme-pro-2.4.1.dmg",
						Path:                 org + "/23211971-d403-4cec-abe6-b79eb114509d/acme-pro-2.4.1.dmg",
						MIMEType:             "application/x-apple-diskimage",
						Size:                 5368709120,
						StorageVersion:       ptr("v3"),
						ChecksumEtag:         ptr(`"9bb58f26192e4ba00f01e2e7b136bbd8-640"`),
						ChecksumSHA256Base64: ptr("n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg="),
						ChecksumSHA256Hex:    ptr("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"),
						LastModifiedAt:       rfc3339p("2026-09-01T12:00:00.000001Z"),
						Version:              ptr("2.4.1"),
						IsUploaded:           true,
						SizeReadable:         "5.0 GB",
					},
					Download: S3DownloadURL{
						URL: s3 + org + "/acme-pro-2.4.1.dmg?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Expires=3600&X-Amz-Signature=3c1e0f",
						Headers: map[string]string{
							"x-amz-checksum-mode":                             "ENABLED",
							"x-amz-server-side-encryption-customer-algorithm": "AES256",
						},
						ExpiresAt: rfc3339("2026-10-01T13:00:00Z"),
					},
					Service: FileServiceTypeDownloadable,
				},
			},
			{
				ID:        "f5ee0f3d-1c23-447c-97fb-4b1b94a302ef",
				BenefitID: "34e433d2-4cc1-487f-824b-e06966a4cd8e",
				File: FileDownload{
					FileCommon: FileCommon{
						ID:             "d8254741-5884-4680-b2b7-a82c18336114",
						OrganizationID: org,
						Name:           "LICENSE.txt",
						Path:           org + "/d8254741-5884-4680-b2b7-a82c18336114/LICENSE.txt",
						MIMEType:       "text/plain",
						SizeReadable:   "0 Bytes",
					},
					Download: S3DownloadURL{
						URL:       s3 + org + "/LICENSE.txt?X-Amz-Signature=77ab",
						Headers:   map[string]string{},
						ExpiresAt: rfc3339("2026-10-01T13:00:00.5Z"),
					},
					Service: FileServiceTypeDownloadable,
				},
			},
			{
				ID:        "5b9e4713-2819-459d-9232-dae407b9a018",
				BenefitID: "8807ce5a-8a6e-4d6b-8bf2-e2c40ee23593",
				File: FileDownload{
					FileCommon: FileCommon{
						ID:             "7f65668b-3fa2-4e9f-9bc6-fbf71a646fb7",
						OrganizationID: org,
						Name:           "notes.pdf",
						Path:           org + "/7f65668b-3fa2-4e9f-9bc6-fbf71a646fb7/notes.pdf",
						MIMEType:       "application/pdf",
						Size:           48213,
						SizeReadable:   "47.1 KB",
					},
					Download: S3DownloadURL{
						URL:       s3 + "notes.pdf?X-Amz-Signature=19fe",
						ExpiresAt: rfc3339("2026-10-01T13:00:00Z"),
					},
					Service: FileServiceTypeDownloadable,
				},
			},
		},
		Pagination: Pagination{TotalCount: 3, MaxPage: 1},
	}
}

func TestDownloadablesList(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts *DownloadableListOptions
		want url.Values
	}{
		{"nil options", nil, url.Values{}},
		{"two benefits", &DownloadableListOptions{
			ListOptions: ListOptions{Page: 1, Limit: 30},
			BenefitID:   []string{"b1", "b2"},
		}, url.Values{"page": {"1"}, "limit": {"30"}, "benefit_id": {"b1", "b2"}}},
		{"one benefit", &DownloadableListOptions{BenefitID: []string{"b1"}}, url.Values{"benefit_id": {"b1"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := newRecorder(t, jsonAnswer(200, string(fixture("downloadables_page.json"))))
			c := newTestClient(t, srv, testToken)
			page, err := c.Downloadables.List(bg(), tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(wantDownloadablesPage(), page); diff != "" {
				t.Errorf("page (-want +got):\n%s", diff)
			}
			checkListRequest(t, srv.requests()[0], "/v1/customer-portal/downloadables/", tc.want)
		})
	}
}

func TestDownloadablesAll(t *testing.T) {
	srv := newRecorder(t, jsonAnswer(200, string(fixture("downloadables_page.json"))))
	c := newTestClient(t, srv, testToken)
	var names []string
	for d, err := range c.Downloadables.All(bg(), &DownloadableListOptions{BenefitID: []string{"b1"}}) {
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, d.File.Name)
	}
	if diff := cmp.Diff([]string{"acme-pro-2.4.1.dmg", "LICENSE.txt", "notes.pdf"}, names); diff != "" {
		t.Errorf("names (-want +got):\n%s", diff)
	}
	if got := srv.requests()[0].RequestURI; got != "/v1/customer-portal/downloadables/?benefit_id=b1&limit=100&page=1" {
		t.Errorf("RequestURI = %q", got)
	}
}

func TestDownloadablesErrors(t *testing.T) {
	srv := newRecorder(t, jsonAnswer(422, `{"error":"RequestValidationError","detail":[{"loc":["query","benefit_id"],"msg":"Input should be a valid UUID","type":"uuid_parsing","input":"b1"}]}`))
	c := newTestClient(t, srv, testToken)
	var ve *ValidationError
	if _, err := c.Downloadables.List(bg(), &DownloadableListOptions{BenefitID: []string{"b1"}}); !errors.As(err, &ve) || ve.Errors[0].Loc[1] != "benefit_id" {
		t.Errorf("422: %v", err)
	}
	srv = newRecorder(t, jsonAnswer(403, `{"error":"NotPermitted","detail":"Not permitted."}`))
	c = newTestClient(t, srv, testToken)
	if _, err := c.Downloadables.List(bg(), nil); !errors.Is(err, ErrNotPermitted) {
		t.Errorf("403: %v", err)
	}
}

func TestDownloadablesRoundTrip(t *testing.T) {
	roundTrip[Page[Downloadable]](t, "downloadables_page.json")
}

// TestDownloadableUnknownsSurvive: a file kind this SDK does not know and
// fields a newer server adds decode without error.
func TestDownloadableUnknownsSurvive(t *testing.T) {
	srv := newRecorder(t, jsonAnswer(200, `{"items":[{"id":"c97e9b08-6454-4fcf-9a58-d46d50eb2bee","benefit_id":"34e433d2-4cc1-487f-824b-e06966a4cd8e",
		"position":3,"file":{"id":"23211971-d403-4cec-abe6-b79eb114509d","name":"a.zip","size":1,"service":"backup_archive",
		"download":{"url":"https://example.com/a.zip","expires_at":"2026-10-01T13:00:00Z","method":"GET"},"antivirus":"clean"}}],
		"pagination":{"total_count":1,"max_page":1},"next_cursor":null}`))
	c := newTestClient(t, srv, testToken)
	p, err := c.Downloadables.List(bg(), nil)
	if err != nil || len(p.Items) != 1 || p.Items[0].File.Service != "backup_archive" || p.Items[0].File.Download.URL != "https://example.com/a.zip" {
		t.Fatalf("List = %+v, %v", p, err)
	}
}

var _ = addOps(
	opSpec{id: "customer_portal:downloadables:list", answer: `{"items":[{"id":"` + testUUID + `","benefit_id":"` + testUUID + `","file":{"name":"a.zip","download":{"url":"https://example.com/a.zip","expires_at":"2026-10-01T13:00:00Z"}}}],"pagination":{"total_count":1,"max_page":1}}`,
		call: func(ctx context.Context, c *Client, _ string) error {
			return onlyErr(c.Downloadables.List(ctx, &DownloadableListOptions{BenefitID: []string{testUUID}}))
		},
		rows: []contractRow{
			{call: func(ctx context.Context, c *Client) error { return onlyErr(c.Downloadables.List(ctx, nil)) }},
			{call: func(ctx context.Context, c *Client) error {
				return onlyErr(c.Downloadables.List(ctx, &DownloadableListOptions{
					ListOptions: ListOptions{Page: 1, Limit: 25},
					BenefitID:   []string{"34e433d2-4cc1-487f-824b-e06966a4cd8e", "8807ce5a-8a6e-4d6b-8bf2-e2c40ee23593"},
				}))
			}},
			{call: func(ctx context.Context, c *Client) error {
				return onlyErr(c.Downloadables.List(ctx, &DownloadableListOptions{BenefitID: []string{"34e433d2-4cc1-487f-824b-e06966a4cd8e"}}))
			}},
		},
		schemas: map[string]reflect.Type{
			"DownloadableRead":               reflect.TypeFor[Downloadable](),
			"FileDownload":                   reflect.TypeFor[FileDownload](),
			"ListResource_DownloadableRead_": reflect.TypeFor[Page[Downloadable]](),
			"S3DownloadURL":                  reflect.TypeFor[S3DownloadURL](),
		},
	},
)
