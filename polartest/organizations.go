package polartest

import polar "github.com/polarportal/polar-go"

// Organizations: the public portal page of an organization, by slug. It
// lists the organization's public products that are not archived.
var organizationsRoutes = routes{
	"customer_portal:organizations:get": {public, organizationsGet},
}

// orgBySlug returns the organization with that slug.
func (st *store) orgBySlug(slug string) (*polar.CustomerOrganization, bool) {
	for _, o := range st.orgs.all() {
		if o.Slug == slug {
			return o, true
		}
	}
	return nil, false
}

func organizationsGet(c *call) error {
	org, ok := c.st.orgBySlug(c.r.PathValue("slug"))
	if !ok {
		return notFound()
	}
	products := c.st.products.where(func(p *polar.CustomerProduct) bool {
		return p.OrganizationID == org.ID && p.Visibility == polar.ProductVisibilityPublic && !p.IsArchived
	})
	out := &polar.CustomerOrganizationData{Organization: *org, Products: make([]polar.CustomerProduct, len(products))}
	for i, p := range products {
		out.Products[i] = *p
	}
	return c.ok(out)
}
