package polartest

import (
	"slices"
	"time"

	polar "github.com/polarportal/polar-go"
)

// Downloadables: the files the customer may download through their
// downloadables benefits. A member sees only the files granted to them; a
// customer session sees every file of the customer, its members' too.
// Files not uploaded yet are left out. Newest first, the last seeded
// counting as the newest.
//
// As Polar signs a fresh download link on every listing, each answer gives
// the file's download URL (the fixture's, or one under
// https://files.polartest.invalid/ when it has none) an expiry of one hour
// from the server's clock.
var downloadablesRoutes = routes{
	"customer_portal:downloadables:list": {portalRead, downloadablesList},
}

// downloadTTL is how long a download URL works (Polar's
// S3_FILES_PRESIGN_TTL).
const downloadTTL = time.Hour

func downloadablesList(c *call) error {
	var o polar.DownloadableListOptions
	c.bindQuery(&o, uuidParams(true, "benefit_id")...)
	if err := c.err(); err != nil {
		return err
	}
	page, benefitIDs := pageOf(o.ListOptions), o.BenefitID
	items := c.st.downloadables.where(func(d *DownloadableRecord) bool {
		if d.CustomerID != c.who.customerID() || (c.who.member != nil && d.MemberID != c.who.member.ID) {
			return false
		}
		if !d.File.IsUploaded {
			return false
		}
		return len(benefitIDs) == 0 || slices.Contains(benefitIDs, d.BenefitID)
	})
	slices.Reverse(items)
	p := paginate(items, page)
	out := &polar.Page[polar.Downloadable]{Items: make([]polar.Downloadable, len(p.Items)), Pagination: p.Pagination}
	for i, d := range p.Items {
		r := d.Downloadable
		dl := &r.File.Download
		if dl.URL == "" {
			dl.URL = "https://files.polartest.invalid/downloads/" + r.File.ID + "/" + r.File.Name
		}
		if dl.Headers == nil {
			dl.Headers = map[string]string{}
		}
		dl.ExpiresAt = c.now.Add(downloadTTL)
		out.Items[i] = r
	}
	return c.ok(out)
}
