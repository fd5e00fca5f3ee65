package polartest

import (
	"cmp"
	"encoding/json"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"sync"
	"time"

	polar "github.com/polarportal/polar-go"
)

// Benefit grants: the customer's granted benefits (a member sees only their own).
//
// As Polar's portal, the fake hides revoked grants altogether: they are
// not listed, and getting or updating one is 404 ResourceNotFound (the
// 403 NotPermitted the API document gives for a revoked grant is never
// reached). An update whose benefit_type is not the grant's benefit type
// is a 422 value_error at ["body", "benefit_type"].
//
// What an update does, the fake doing at once what Polar's worker does
// after it:
//   - discord and github_repository: account_id must be the ID of the
//     customer's connected account of that platform (oauth_accounts; 422
//     "OAuth account does not exist." otherwise). Connecting an account
//     grants the benefit to it (granted_account_id, granted_at, no error);
//     null disconnects it, and the grant is no longer granted, with the
//     error BenefitActionRequiredError asking the customer to connect an
//     account. (Polar looks at the member's connected accounts first for a
//     member's grant; the fake keeps none for members, so it looks at the
//     customer's.)
//   - slack_shared_channel: invited_email is set; a new address drops the
//     previous invitation (invite_id, invite_url).
//   - the other types change nothing.
var benefitGrantsRoutes = routes{
	"customer_portal:benefit-grants:list":   {portalRead, benefitGrantsList},
	"customer_portal:benefit-grants:get":    {portalRead, benefitGrantsGet},
	"customer_portal:benefit-grants:update": {portalWrite, benefitGrantsUpdate},
}

// grantUpdates are the SDK's types of a grant update, by benefit_type.
var grantUpdates = map[polar.BenefitType]func() any{
	polar.BenefitTypeDiscord:            func() any { return new(polar.CustomerBenefitGrantDiscordUpdate) },
	polar.BenefitTypeGitHubRepository:   func() any { return new(polar.CustomerBenefitGrantGitHubRepositoryUpdate) },
	polar.BenefitTypeDownloadables:      func() any { return new(polar.CustomerBenefitGrantDownloadablesUpdate) },
	polar.BenefitTypeLicenseKeys:        func() any { return new(polar.CustomerBenefitGrantLicenseKeysUpdate) },
	polar.BenefitTypeCustom:             func() any { return new(polar.CustomerBenefitGrantCustomUpdate) },
	polar.BenefitTypeMeterCredit:        func() any { return new(polar.CustomerBenefitGrantMeterCreditUpdate) },
	polar.BenefitTypeFeatureFlag:        func() any { return new(polar.CustomerBenefitGrantFeatureFlagUpdate) },
	polar.BenefitTypeSlackSharedChannel: func() any { return new(polar.CustomerBenefitGrantSlackSharedChannelUpdate) },
}

// benefitTypeNames are the values of BenefitType, for the type filter.
var benefitTypeNames = slices.Sorted(func(yield func(string) bool) {
	for t := range grantUpdates {
		if !yield(string(t)) {
			return
		}
	}
})

// grantBenefit returns the type and the common fields of a grant's
// benefit, as the SDK writes and holds them; "" and nil for an unknown
// variant.
func grantBenefit(g polar.CustomerBenefitGrant) (polar.BenefitType, *polar.BenefitSubscriberCommon) {
	v := reflect.ValueOf(g)
	if g == nil || g.Common() == nil || v.Kind() != reflect.Pointer {
		return "", nil
	}
	benefit := v.Elem().FieldByName("Benefit") // every variant's benefit embeds BenefitSubscriberCommon
	return benefitType(benefit.Type()), benefit.FieldByName("BenefitSubscriberCommon").Addr().Interface().(*polar.BenefitSubscriberCommon)
}

// benefitTypes caches benefitType: the type a benefit's MarshalJSON
// writes depends on its Go type only, so each is marshalled once rather
// than every grant on every list.
var benefitTypes sync.Map // reflect.Type → polar.BenefitType

// benefitType is the type the SDK writes for a benefit of Go type t.
func benefitType(t reflect.Type) polar.BenefitType {
	if typ, ok := benefitTypes.Load(t); ok {
		return typ.(polar.BenefitType)
	}
	var typed struct {
		Type polar.BenefitType `json:"type"`
	}
	b, _ := json.Marshal(reflect.Zero(t).Interface())
	_ = json.Unmarshal(b, &typed)
	benefitTypes.Store(t, typed.Type)
	return typed.Type
}

// grantVisible reports whether who sees the grant in the portal: a grant
// of their customer (of the member themselves, for a member session) that
// is not revoked.
func grantVisible(who *principal, g polar.CustomerBenefitGrant) bool {
	gc := g.Common()
	if gc == nil || gc.CustomerID != who.customerID() || gc.RevokedAt != nil || gc.IsRevoked {
		return false
	}
	return who.member == nil || (gc.MemberID != nil && *gc.MemberID == who.member.ID)
}

// grant returns a benefit grant that the caller sees.
func (st *store) grant(who *principal, id string) (polar.CustomerBenefitGrant, error) {
	g, err := owned(st.grants, id, who.customerID(), func(g polar.CustomerBenefitGrant) string {
		if gc := g.Common(); gc != nil {
			return gc.CustomerID
		}
		return ""
	})
	if err != nil {
		return nil, err
	}
	if !grantVisible(who, g) {
		return nil, notFound()
	}
	return g, nil
}

// grantView brings the customer (and member) a grant carries up to date
// before it is answered: Polar reads them when it answers.
func (st *store) grantView(g polar.CustomerBenefitGrant) polar.CustomerBenefitGrant {
	gc := g.Common()
	if cust, ok := st.customers.get(gc.CustomerID); ok {
		gc.Customer = *cust.portal()
	}
	if gc.MemberID != nil {
		member := &polar.CustomerBenefitGrantMember{ID: *gc.MemberID, OAuthAccounts: map[string]polar.CustomerPortalOAuthAccount{}}
		switch g := g.(type) {
		case *polar.CustomerBenefitGrantDiscord:
			if g.Member == nil {
				g.Member = member
			}
		case *polar.CustomerBenefitGrantGitHubRepository:
			if g.Member == nil {
				g.Member = member
			}
		}
	}
	return g
}

// productBenefitOrder is the position of the grant's benefit among the
// benefits of the product of its subscription or order, nil when there is
// none (Polar's product_benefit sorting).
func (st *store) productBenefitOrder(g polar.CustomerBenefitGrant) *int {
	gc := g.Common()
	var productID string
	if gc.SubscriptionID != nil {
		if s, ok := st.subscriptions.get(*gc.SubscriptionID); ok {
			productID = s.ProductID
		}
	}
	if productID == "" && gc.OrderID != nil {
		if o, ok := st.orders.get(*gc.OrderID); ok && o.ProductID != nil {
			productID = *o.ProductID
		}
	}
	p, ok := st.products.get(productID)
	if !ok {
		return nil
	}
	i := slices.IndexFunc(p.Benefits, func(b polar.BenefitPublic) bool { return b.ID == gc.BenefitID })
	if i < 0 {
		return nil
	}
	return &i
}

// grantCheckoutIDs are the checkouts of the grant's subscription and order.
func (st *store) grantCheckoutIDs(gc *polar.CustomerBenefitGrantCommon) []string {
	var ids []string
	if gc.SubscriptionID != nil {
		if s, ok := st.subscriptions.get(*gc.SubscriptionID); ok && s.CheckoutID != nil {
			ids = append(ids, *s.CheckoutID)
		}
	}
	if gc.OrderID != nil {
		if o, ok := st.orders.get(*gc.OrderID); ok && o.CheckoutID != nil {
			ids = append(ids, *o.CheckoutID)
		}
	}
	return ids
}

// grantNullsLast compares two optional values as PostgreSQL sorts them: a
// missing value after every other in ascending order (and before them in
// descending order).
func grantNullsLast[T cmp.Ordered](a, b *T) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return 1
	case b == nil:
		return -1
	}
	return cmp.Compare(*a, *b)
}

// grantRow is a grant with what its sorting needs.
type grantRow struct {
	g            polar.CustomerBenefitGrant
	gc           *polar.CustomerBenefitGrantCommon
	typ          polar.BenefitType
	orgSlug      string
	productOrder *int
}

var grantSorts = sorter[grantRow]{
	"granted_at": func(a, b grantRow) int {
		var at, bt *int64
		if a.gc.GrantedAt != nil {
			at = new(a.gc.GrantedAt.UnixMicro())
		}
		if b.gc.GrantedAt != nil {
			bt = new(b.gc.GrantedAt.UnixMicro())
		}
		return grantNullsLast(at, bt)
	},
	"type":            func(a, b grantRow) int { return cmp.Compare(a.typ, b.typ) },
	"organization":    func(a, b grantRow) int { return cmp.Compare(a.orgSlug, b.orgSlug) },
	"product_benefit": func(a, b grantRow) int { return grantNullsLast(a.productOrder, b.productOrder) },
}

func benefitGrantsList(c *call) error {
	var o polar.BenefitGrantListOptions
	c.bindQuery(&o, append(uuidParams(false, "benefit_id", "checkout_id", "order_id", "subscription_id", "member_id"),
		enumParam("type", benefitTypeNames...), sortParam(grantSorts))...)
	if err := c.err(); err != nil {
		return err
	}
	q, types := strings.ToLower(o.Query), sortOrder(o.Type)
	benefitIDs, checkoutIDs, orderIDs, subscriptionIDs, memberIDs := o.BenefitID, o.CheckoutID, o.OrderID, o.SubscriptionID, o.MemberID
	in := func(ids []string, id *string) bool { return id != nil && slices.Contains(ids, *id) }
	var rows []grantRow
	for _, g := range c.st.grants.all() {
		if !grantVisible(c.who, g) {
			continue
		}
		gc := g.Common()
		typ, benefit := grantBenefit(g)
		switch {
		case q != "" && !strings.Contains(strings.ToLower(benefit.Description), q),
			len(types) > 0 && !slices.Contains(types, string(typ)),
			len(benefitIDs) > 0 && !slices.Contains(benefitIDs, gc.BenefitID),
			len(checkoutIDs) > 0 && !slices.ContainsFunc(c.st.grantCheckoutIDs(gc), func(id string) bool { return slices.Contains(checkoutIDs, id) }),
			len(orderIDs) > 0 && !in(orderIDs, gc.OrderID),
			len(subscriptionIDs) > 0 && !in(subscriptionIDs, gc.SubscriptionID),
			len(memberIDs) > 0 && !in(memberIDs, gc.MemberID):
			continue
		}
		rows = append(rows, grantRow{g: g, gc: gc, typ: typ, orgSlug: benefit.Organization.Slug, productOrder: c.st.productBenefitOrder(g)})
	}
	sortItems(rows, sortOrder(o.Sorting, "product_benefit", "-granted_at"), grantSorts, func(a, b grantRow) int { return strings.Compare(a.gc.ID, b.gc.ID) })
	return c.ok(paginateMap(rows, pageOf(o.ListOptions), func(r grantRow) polar.CustomerBenefitGrant { return c.st.grantView(r.g) }))
}

// grantByPath returns the grant of the {id} path parameter.
func (c *call) grantByPath() (polar.CustomerBenefitGrant, error) {
	id, err := c.pathUUID("id", false)
	if err != nil {
		return nil, err
	}
	return c.st.grant(c.who, id)
}

func benefitGrantsGet(c *call) error {
	g, err := c.grantByPath()
	if err != nil {
		return err
	}
	return c.ok(c.st.grantView(g))
}

// grantUpdate is a read grant update body.
type grantUpdate struct {
	typ       polar.BenefitType
	accountID *string // discord, github_repository
	email     string  // slack_shared_channel
}

// grantUpdateBody reads a CustomerBenefitGrantUpdate, a union on
// benefit_type, into the SDK's type of its variant: problems inside a
// variant are at ["body", tag, ...], as pydantic reports a tagged union.
func (c *call) grantUpdateBody() (*grantUpdate, error) {
	raw, err := c.rawBody()
	if err != nil {
		return nil, err
	}
	body, ok := jsonTree(raw).(map[string]any)
	if !ok {
		return nil, validationError(problem("model_attributes_type", rawInput(raw), "body"))
	}
	tag, hasTag := body["benefit_type"]
	if !hasTag {
		return nil, validationError(problem("union_tag_not_found", body, "body"))
	}
	s, _ := tag.(string)
	mk, ok := grantUpdates[polar.BenefitType(s)]
	if !ok {
		return nil, validationError(problem("union_tag_invalid", body, "body"))
	}
	v := mk()
	if ps := c.decodeAs(raw, v, []any{"body", s}, "benefit_type"); len(ps) > 0 {
		return nil, validationError(ps...)
	}
	u := &grantUpdate{typ: polar.BenefitType(s)}
	switch v := v.(type) {
	case *polar.CustomerBenefitGrantDiscordUpdate:
		u.accountID = v.Properties.AccountID
	case *polar.CustomerBenefitGrantGitHubRepositoryUpdate:
		u.accountID = v.Properties.AccountID
	case *polar.CustomerBenefitGrantSlackSharedChannelUpdate:
		u.email = c.checkEmail(v.Properties.InvitedEmail, "body", s, "properties", "invited_email")
	}
	return u, c.err()
}

// grantErrorTimestamp writes the time of a grant's error as Polar does
// (Python's isoformat of a UTC time): microseconds only when there are
// some.
func grantErrorTimestamp(t time.Time) string {
	t = t.UTC()
	if t.Nanosecond()/1000 == 0 {
		return t.Format("2006-01-02T15:04:05+00:00")
	}
	return t.Format("2006-01-02T15:04:05.000000+00:00")
}

func benefitGrantsUpdate(c *call) error {
	g, err := c.grantByPath()
	if err != nil {
		return err
	}
	u, err := c.grantUpdateBody()
	if err != nil {
		return err
	}
	gc := g.Common()
	if gc.RevokedAt != nil || gc.IsRevoked { // not reached: revoked grants are hidden
		return domainError(http.StatusForbidden, "NotPermitted", "Cannot update a revoked benefit grant.")
	}
	if typ, _ := grantBenefit(g); u.typ != typ {
		return invalid("Benefit type must match the existing granted benefit type.", string(u.typ), "body", "benefit_type")
	}
	switch g := g.(type) {
	case *polar.CustomerBenefitGrantDiscord:
		if _, err := c.oauthAccount(gc, "discord", u.accountID); err != nil {
			return err
		}
		g.Properties.AccountID = u.accountID
		if u.accountID == nil {
			markActionRequired(gc, c.now, "Discord")
			break
		}
		g.Properties.GuildID = new(g.Benefit.Properties.GuildID)
		g.Properties.GrantedAccountID = new(*u.accountID)
		markGranted(gc, c.now)
	case *polar.CustomerBenefitGrantGitHubRepository:
		acc, err := c.oauthAccount(gc, "github", u.accountID)
		if err != nil {
			return err
		}
		g.Properties.AccountID = u.accountID
		if u.accountID == nil || acc.AccountUsername == nil {
			markActionRequired(gc, c.now, "GitHub")
			break
		}
		g.Properties.RepositoryOwner = new(g.Benefit.Properties.RepositoryOwner)
		g.Properties.RepositoryName = new(g.Benefit.Properties.RepositoryName)
		if g.Properties.Permission == nil {
			g.Properties.Permission = new(polar.GitHubRepositoryPermissionPull)
		}
		g.Properties.GrantedAccountID = new(*u.accountID)
		markGranted(gc, c.now)
	case *polar.CustomerBenefitGrantSlackSharedChannel:
		if deref(g.Properties.InvitedEmail) != u.email {
			g.Properties.InviteID, g.Properties.InviteURL = nil, nil
		}
		g.Properties.InvitedEmail = new(u.email)
		gc.Error = nil
		gc.ModifiedAt = touch(c.now)
	}
	return c.ok(c.st.grantView(g))
}

// oauthAccount returns the customer's connected account of platform
// whose ID is accountID; a 422 when there is none. A nil accountID
// (disconnecting) needs none.
func (c *call) oauthAccount(gc *polar.CustomerBenefitGrantCommon, platform string, accountID *string) (polar.CustomerPortalOAuthAccount, error) {
	if accountID == nil {
		return polar.CustomerPortalOAuthAccount{}, nil
	}
	if cust, ok := c.st.customers.get(gc.CustomerID); ok {
		if acc, ok := cust.OAuthAccounts[platform]; ok && acc.AccountID == *accountID {
			return acc, nil
		}
	}
	return polar.CustomerPortalOAuthAccount{}, invalid("OAuth account does not exist.", *accountID, "body", "properties", "account_id")
}

// markGranted marks a grant granted at now.
func markGranted(gc *polar.CustomerBenefitGrantCommon, now time.Time) {
	gc.GrantedAt, gc.IsGranted, gc.Error, gc.ModifiedAt = touch(now), true, nil, touch(now)
}

// markActionRequired marks a grant that cannot be delivered until the
// customer connects an account of platform.
func markActionRequired(gc *polar.CustomerBenefitGrantCommon, now time.Time, platform string) {
	gc.GrantedAt, gc.IsGranted, gc.ModifiedAt = nil, false, touch(now)
	gc.Error = &polar.BenefitGrantError{
		Message:   "The customer needs to connect their " + platform + " account",
		Type:      "BenefitActionRequiredError",
		Timestamp: grantErrorTimestamp(now),
	}
}
