package polartest_test

import (
	"encoding/base64"
	"encoding/hex"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	polar "github.com/polarportal/polar-go"
	"github.com/polarportal/polar-go/polartest"
)

const (
	dlBenefitID      = "00000014-0000-4000-8000-000000000003" // Desktop installers
	dlOtherBenefitID = "00000014-0000-4000-8000-000000000001"
)

func dlID(n int) string { return "00000013-0000-4000-8000-00000000000" + string(rune('0'+n)) }

func dlIDs(items []polar.Downloadable) []string {
	ids := make([]string, len(items))
	for i, d := range items {
		ids[i] = d.ID
	}
	return ids
}

func TestDownloadablesList(t *testing.T) {
	clk := newClock()
	srv := polartest.NewTestServer(t, polartest.WithDemo(), polartest.WithClock(clk.Now))
	c, tp := client(t, srv, polartest.DemoCustomerToken)
	page, err := c.Downloadables.List(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	strict[polar.Page[polar.Downloadable]](t, tp.body())
	if got := dlIDs(page.Items); !slices.Equal(got, []string{dlID(3), dlID(2), dlID(1)}) ||
		page.Pagination != (polar.Pagination{TotalCount: 3, MaxPage: 1}) {
		t.Fatalf("Alice's files: %v, %+v", got, page.Pagination)
	}
	for _, d := range page.Items {
		f := d.File
		if d.BenefitID != dlBenefitID || f.Size == 0 || f.SizeReadable == "" || f.MIMEType == "" || !f.IsUploaded ||
			f.Service != polar.FileServiceTypeDownloadable || f.ChecksumSHA256Hex == nil || f.ChecksumSHA256Base64 == nil || f.ChecksumEtag == nil {
			t.Errorf("file: %+v", d)
			continue
		}
		sum, err := hex.DecodeString(*f.ChecksumSHA256Hex)
		if err != nil || len(sum) != 32 || base64.StdEncoding.EncodeToString(sum) != *f.ChecksumSHA256Base64 {
			t.Errorf("%s: checksums %s and %s disagree", f.Name, *f.ChecksumSHA256Hex, *f.ChecksumSHA256Base64)
		}
		if !strings.HasPrefix(f.Download.URL, "https://") || !strings.HasSuffix(f.Download.URL, "/"+f.Name) ||
			!f.Download.ExpiresAt.Equal(polartest.DemoTime.Add(time.Hour)) || f.Download.Headers == nil {
			t.Errorf("%s: download %+v", f.Name, f.Download)
		}
	}
	if f := page.Items[0].File; f.Name != "acme.tar.gz" || f.Size != 39_100_000 {
		t.Errorf("newest file: %+v", f)
	}
	// Each listing signs the links anew, valid for an hour.
	clk.Advance(45 * time.Minute)
	again, _ := c.Downloadables.List(ctx, nil)
	if !again.Items[0].File.Download.ExpiresAt.Equal(polartest.DemoTime.Add(105 * time.Minute)) {
		t.Errorf("expiry of a later listing: %v", again.Items[0].File.Download.ExpiresAt)
	}

	for name, tc := range map[string]struct {
		opts polar.DownloadableListOptions
		want int
	}{
		"the benefit":            {polar.DownloadableListOptions{BenefitID: []string{dlBenefitID}}, 3},
		"another benefit":        {polar.DownloadableListOptions{BenefitID: []string{dlOtherBenefitID}}, 0},
		"either":                 {polar.DownloadableListOptions{BenefitID: []string{dlOtherBenefitID, dlBenefitID}}, 3},
		"a page of 2":            {polar.DownloadableListOptions{ListOptions: polar.ListOptions{Limit: 2}}, 2},
		"the second page of two": {polar.DownloadableListOptions{ListOptions: polar.ListOptions{Limit: 2, Page: 2}}, 1},
	} {
		p, err := c.Downloadables.List(ctx, &tc.opts)
		if err != nil || len(p.Items) != tc.want {
			t.Errorf("%s: %v, %v; want %d", name, dlIDs(p.Items), err, tc.want)
		}
	}
	var all []string
	for d, err := range c.Downloadables.All(ctx, &polar.DownloadableListOptions{ListOptions: polar.ListOptions{Limit: 1}}) {
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, d.ID)
	}
	if len(all) != 3 {
		t.Errorf("All: %v", all)
	}
	_, err = c.Downloadables.List(ctx, &polar.DownloadableListOptions{BenefitID: []string{"installers"}})
	wantValidation(t, err, "query.benefit_id.0", "uuid_parsing")
	_, err = c.Downloadables.List(ctx, &polar.DownloadableListOptions{BenefitID: []string{dlBenefitID, "0e8c1a3a-1b2c-1d5e-8f90-123456789abc"}})
	wantValidation(t, err, "query.benefit_id.1", "uuid_version")
	status, _, b := raw(t, srv, http.MethodGet, "/v1/customer-portal/downloadables/?limit=-1", polartest.DemoCustomerToken, nil)
	if status != http.StatusUnprocessableEntity || !contains(b, `["query","limit"]`) {
		t.Errorf("limit=-1: %d %s", status, b)
	}
	anon, _ := client(t, srv, "")
	_, err = anon.Downloadables.List(ctx, nil)
	wantAPIError(t, err, http.StatusUnauthorized, "Unauthorized")
}

// A member sees only the files granted to them; the team's customer
// session sees its members' files too; others see none of them.
func TestDownloadablesMembers(t *testing.T) {
	srv := polartest.NewTestServer(t, polartest.WithDemo())
	for tok, want := range map[string][]string{
		polartest.DemoPlainMemberToken:    {dlID(4)},
		polartest.DemoMemberToken:         {},
		polartest.DemoBillingManagerToken: {},
		polartest.DemoTeamCustomerToken:   {dlID(4)},
		polartest.DemoOtherCustomerToken:  {},
		polartest.DemoReadOnlyToken:       {dlID(3), dlID(2), dlID(1)},
	} {
		c, tp := client(t, srv, tok)
		p, err := c.Downloadables.List(ctx, nil)
		if err != nil {
			t.Errorf("%s: %v", tok, err)
			continue
		}
		strict[polar.Page[polar.Downloadable]](t, tp.body())
		if got := dlIDs(p.Items); !slices.Equal(got, want) {
			t.Errorf("%s: %v, want %v", tok, got, want)
		}
	}
}

// Files not uploaded yet are left out; a file without a download URL
// gets one.
func TestDownloadablesSeeded(t *testing.T) {
	srv := polartest.NewTestServer(t, polartest.WithDemo())
	file := func(n int, name string, uploaded bool) polartest.DownloadableRecord {
		id := polartest.UUID("file:" + name)
		return polartest.DownloadableRecord{CustomerID: polartest.DemoOtherCustomerID, Downloadable: polar.Downloadable{
			ID: polartest.UUID("downloadable:" + name), BenefitID: dlBenefitID,
			File: polar.FileDownload{FileCommon: polar.FileCommon{ID: id, OrganizationID: polartest.DemoOrganizationID, Name: name,
				Path: name, MIMEType: "application/pdf", Size: int64(n), IsUploaded: uploaded, SizeReadable: "1 KB"},
				Service: polar.FileServiceTypeDownloadable},
		}}
	}
	if err := srv.Seed(&polartest.Fixture{Downloadables: []polartest.DownloadableRecord{file(1000, "guide.pdf", true), file(2000, "draft.pdf", false)}}); err != nil {
		t.Fatal(err)
	}
	c, tp := client(t, srv, polartest.DemoOtherCustomerToken)
	p, err := c.Downloadables.List(ctx, nil)
	if err != nil || len(p.Items) != 1 || p.Items[0].File.Name != "guide.pdf" {
		t.Fatalf("Bob's files: %+v, %v", p, err)
	}
	strict[polar.Page[polar.Downloadable]](t, tp.body())
	if d := p.Items[0].File.Download; !strings.HasSuffix(d.URL, "/guide.pdf") || d.Headers == nil || d.ExpiresAt.IsZero() {
		t.Errorf("download: %+v", d)
	}
}
