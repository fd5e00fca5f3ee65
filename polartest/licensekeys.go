package polartest

import (
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"net/http"
	"slices"
	"strings"
	"unicode/utf8"

	polar "github.com/polarportal/polar-go"
)

// License keys: the customer's keys, and the token-free validate, activate and deactivate (rate-limit zone license_keys).
//
// A customer sees its keys, a member only the keys granted to them. Get
// lists a key's activations only when its benefit lets customers manage
// them (activations.enable_customer_admin of the benefit, read from a
// license_keys grant of the same benefit; without such a grant they are
// listed).
//
// What the fake does, as Polar does:
//   - rotate gives a granted or disabled key a new key string (the
//     benefit's prefix, a dash, an uppercase UUID) and display key
//     ("****-" and its last six characters), also on the grant that
//     holds the key; the old string no longer validates. A revoked key is
//     400 RotateNotPermitted.
//   - validate finds the key by organization and key string (404
//     otherwise), then refuses, with 404 ResourceNotFound and Polar's
//     detail, a key that is not granted, has expired (on the server's
//     clock), whose activation_id is not one of its activations, whose
//     activation was made with conditions that the request's do not
//     equal, or that does not match benefit_id or customer_id; an
//     increment_usage past limit_usage is 400 BadRequest ("License key
//     only has N more usages."); one that would take usage past
//     2^31-1 (Polar's column is a 32-bit integer) is 422 at
//     increment_usage. Success counts a validation
//     (validations, last_validated_at) and adds increment_usage to usage.
//     With Polar-Version 2027-01 the answer carries the subscription or
//     order of the grant that holds the key.
//   - activate refuses with 403 NotPermitted a key that is not granted,
//     has expired, has no activation limit, or has all its activations
//     taken; otherwise it adds an activation with the label, conditions
//     and meta.
//   - deactivate removes an activation (404 when the key or the
//     activation is unknown) and answers 204.
var licenseKeysRoutes = routes{
	"customer_portal:license_keys:list":       {portalRead, licenseKeysList},
	"customer_portal:license_keys:get":        {portalRead, licenseKeysGet},
	"customer_portal:license_keys:rotate":     {portalWrite, licenseKeysRotate},
	"customer_portal:license_keys:validate":   {public, licenseKeysValidate},
	"customer_portal:license_keys:activate":   {public, licenseKeysActivate},
	"customer_portal:license_keys:deactivate": {public, licenseKeysDeactivate},
}

// licenseKey returns a license key that the caller sees: one of their
// customer, or granted to them for a member.
func (st *store) licenseKey(who *principal, id string) (*polar.LicenseKeyWithActivations, error) {
	k, err := owned(st.licenseKeys, id, who.customerID(), func(k *polar.LicenseKeyWithActivations) string { return k.CustomerID })
	if err != nil {
		return nil, err
	}
	if !licenseKeyVisible(who, k) {
		return nil, notFound()
	}
	return k, nil
}

func licenseKeyVisible(who *principal, k *polar.LicenseKeyWithActivations) bool {
	if who.member != nil {
		return k.MemberID != nil && *k.MemberID == who.member.ID
	}
	return k.CustomerID == who.customerID()
}

// licenseKeyByKey returns the key of an organization with that key string.
func (st *store) licenseKeyByKey(orgID, key string) (*polar.LicenseKeyWithActivations, error) {
	for _, k := range st.licenseKeys.all() {
		if k.OrganizationID == orgID && k.Key == key {
			return k, nil
		}
	}
	return nil, notFound()
}

// licenseKeyGrant returns the license_keys grant that holds the key, if
// any.
func (st *store) licenseKeyGrant(k *polar.LicenseKeyWithActivations) *polar.CustomerBenefitGrantLicenseKeys {
	for _, g := range st.grants.all() {
		if lg, ok := g.(*polar.CustomerBenefitGrantLicenseKeys); ok && lg.Properties.LicenseKeyID != nil && *lg.Properties.LicenseKeyID == k.ID {
			return lg
		}
	}
	return nil
}

// licenseKeyBenefit returns the settings of the benefit that granted the
// key, read from a license_keys grant of that benefit; nil when the store
// has none.
func (st *store) licenseKeyBenefit(k *polar.LicenseKeyWithActivations) *polar.BenefitLicenseKeysSubscriberProperties {
	if g := st.licenseKeyGrant(k); g != nil {
		return &g.Benefit.Properties
	}
	for _, g := range st.grants.all() {
		if lg, ok := g.(*polar.CustomerBenefitGrantLicenseKeys); ok && lg.BenefitID == k.BenefitID {
			return &lg.Benefit.Properties
		}
	}
	return nil
}

// licenseKeyRead returns the key as LicenseKey, with its customer as
// it is now.
func (st *store) licenseKeyRead(k *polar.LicenseKeyWithActivations) polar.LicenseKey {
	if cust, ok := st.customers.get(k.CustomerID); ok {
		k.Customer = polar.LicenseKeyCustomer{CustomerCommon: cust.common(), Email: cust.Email, Type: deref(cust.Type)}
	}
	return k.LicenseKey
}

func licenseKeysList(c *call) error {
	var o polar.LicenseKeyListOptions
	c.bindQuery(&o, uuidParams(true, "benefit_id")...)
	if err := c.err(); err != nil {
		return err
	}
	benefitID := o.BenefitID
	keys := c.st.licenseKeys.where(func(k *polar.LicenseKeyWithActivations) bool {
		return licenseKeyVisible(c.who, k) && (benefitID == "" || k.BenefitID == benefitID)
	})
	sortItems(keys, []string{"created_at"}, sorter[*polar.LicenseKeyWithActivations]{
		"created_at": func(a, b *polar.LicenseKeyWithActivations) int { return a.CreatedAt.Compare(b.CreatedAt) },
	}, func(a, b *polar.LicenseKeyWithActivations) int { return strings.Compare(a.ID, b.ID) })
	return c.ok(paginateMap(keys, pageOf(o.ListOptions), c.st.licenseKeyRead))
}

func (c *call) licenseKeyByPath() (*polar.LicenseKeyWithActivations, error) {
	id, err := c.pathUUID("id", false)
	if err != nil {
		return nil, err
	}
	return c.st.licenseKey(c.who, id)
}

func licenseKeysGet(c *call) error {
	k, err := c.licenseKeyByPath()
	if err != nil {
		return err
	}
	out := polar.LicenseKeyWithActivations{LicenseKey: c.st.licenseKeyRead(k), Activations: []polar.LicenseKeyActivation{}}
	if b := c.st.licenseKeyBenefit(k); b == nil || (b.Activations != nil && b.Activations.EnableCustomerAdmin) {
		out.Activations = append(out.Activations, k.Activations...)
	}
	return c.ok(&out)
}

func licenseKeysRotate(c *call) error {
	k, err := c.licenseKeyByPath()
	if err != nil {
		return err
	}
	if k.Status != polar.LicenseKeyStatusGranted && k.Status != polar.LicenseKeyStatusDisabled {
		return domainError(http.StatusBadRequest, "RotateNotPermitted",
			"License key cannot be rotated in its current status. Current status: "+string(k.Status)+". Allowed statuses: disabled, granted.")
	}
	key := strings.ToUpper(c.st.newID("license-key"))
	if b := c.st.licenseKeyBenefit(k); b != nil && b.Prefix != nil {
		key = strings.ToUpper(strings.TrimSpace(*b.Prefix)) + "-" + key
	}
	k.Key, k.DisplayKey, k.ModifiedAt = key, "****-"+key[len(key)-6:], touch(c.now)
	if g := c.st.licenseKeyGrant(k); g != nil {
		g.Properties.DisplayKey = new(k.DisplayKey)
	}
	out := polar.RotatedLicenseKey(c.st.licenseKeyRead(k))
	return c.ok(&out)
}

// validatedLicenseKey is ValidatedLicenseKey as Polar writes it: its
// activation null when there is none.
type validatedLicenseKey struct {
	*polar.ValidatedLicenseKey
	Activation *polar.LicenseKeyActivation `json:"activation"`
}

// validatedLicenseKey2027 is ValidatedLicenseKey as API version 2027-01
// writes it: with the grant's subscription and order, null when there are
// none.
type validatedLicenseKey2027 struct {
	validatedLicenseKey
	SubscriptionID *string                                `json:"subscription_id"`
	Subscription   *polar.ValidatedLicenseKeySubscription `json:"subscription"`
	OrderID        *string                                `json:"order_id"`
	Order          *polar.ValidatedLicenseKeyOrder        `json:"order"`
}

func licenseKeysValidate(c *call) error {
	var req polar.LicenseKeyValidate
	if err := c.decode(&req); err != nil {
		return err
	}
	c.checkUUID(&req.OrganizationID, true, "body", "organization_id")
	c.checkUUID(&req.ActivationID, true, "body", "activation_id")
	c.checkUUID(&req.BenefitID, true, "body", "benefit_id")
	c.checkUUID(&req.CustomerID, true, "body", "customer_id")
	increment := req.IncrementUsage
	if increment < 0 {
		c.fail(problem("greater_than_equal", increment, "body", "increment_usage"))
	}
	conditions := c.activationMetadata("conditions")
	if err := c.err(); err != nil {
		return err
	}
	k, err := c.st.licenseKeyByKey(req.OrganizationID, req.Key)
	if err != nil {
		return err
	}
	if k.Status != polar.LicenseKeyStatusGranted {
		return domainError(http.StatusNotFound, "ResourceNotFound", "License key is no longer active.")
	}
	if k.ExpiresAt != nil && !c.now.Before(*k.ExpiresAt) {
		return domainError(http.StatusNotFound, "ResourceNotFound", "License key has expired.")
	}
	out := &polar.ValidatedLicenseKey{}
	if req.ActivationID != "" {
		i := slices.IndexFunc(k.Activations, func(a polar.LicenseKeyActivation) bool { return a.ID == req.ActivationID })
		if i < 0 {
			return notFound()
		}
		if want := c.st.conditions[req.ActivationID]; len(want) > 0 && !sameConditions(want, conditions) {
			return domainError(http.StatusNotFound, "ResourceNotFound", "License key does not match required conditions")
		}
		out.Activation = new(k.Activations[i])
	}
	if req.BenefitID != "" && req.BenefitID != k.BenefitID {
		return domainError(http.StatusNotFound, "ResourceNotFound", "License key does not match given benefit.")
	}
	if req.CustomerID != "" && req.CustomerID != k.CustomerID {
		return domainError(http.StatusNotFound, "ResourceNotFound", "License key does not match given user.")
	}
	if increment > 0 && k.LimitUsage != nil && *k.LimitUsage != 0 {
		if remaining := *k.LimitUsage - k.Usage; increment > remaining {
			return domainError(http.StatusBadRequest, "BadRequest", fmt.Sprintf("License key only has %d more usages.", remaining))
		}
	}
	if increment > 0 && increment > maxUsage-k.Usage {
		return validationError(problem("less_than_equal", increment, "body", "increment_usage"))
	}
	k.Validations++
	k.LastValidatedAt = touch(c.now)
	k.Usage += increment
	k.ModifiedAt = touch(c.now)
	out.LicenseKey = c.st.licenseKeyRead(k)
	version := c.r.Header.Get("Polar-Version")
	if version == "" {
		version = ServerDefaultAPIVersion
	}
	base := validatedLicenseKey{ValidatedLicenseKey: out, Activation: out.Activation}
	if version < "2027-01" {
		return c.ok(&base)
	}
	v := validatedLicenseKey2027{validatedLicenseKey: base}
	if g := c.st.licenseKeyGrant(k); g != nil {
		if id := g.SubscriptionID; id != nil {
			v.SubscriptionID = id
			if s, ok := c.st.subscriptions.get(*id); ok {
				v.Subscription = &polar.ValidatedLicenseKeySubscription{
					ID: s.ID, Status: s.Status, CurrentPeriodStart: s.CurrentPeriodStart, CurrentPeriodEnd: s.CurrentPeriodEnd,
					CancelAtPeriodEnd: s.CancelAtPeriodEnd, EndsAt: s.EndsAt,
				}
			}
		}
		if id := g.OrderID; id != nil {
			v.OrderID = id
			if o, ok := c.st.orders.get(*id); ok {
				v.Order = &polar.ValidatedLicenseKeyOrder{ID: o.ID, CreatedAt: o.CreatedAt, Status: o.Status, Paid: o.Paid}
			}
		}
	}
	return c.ok(&v)
}

func licenseKeysActivate(c *call) error {
	var req polar.LicenseKeyActivate
	if err := c.decode(&req); err != nil {
		return err
	}
	c.checkUUID(&req.OrganizationID, true, "body", "organization_id")
	conditions := c.activationMetadata("conditions")
	meta := c.activationMetadata("meta")
	if err := c.err(); err != nil {
		return err
	}
	k, err := c.st.licenseKeyByKey(req.OrganizationID, req.Key)
	if err != nil {
		return err
	}
	switch {
	case k.Status != polar.LicenseKeyStatusGranted:
		return domainError(http.StatusForbidden, "NotPermitted", "License key is no longer active. This license key can not be activated.")
	case k.ExpiresAt != nil && !c.now.Before(*k.ExpiresAt):
		return domainError(http.StatusForbidden, "NotPermitted", "License key has expired.")
	case k.LimitActivations == nil || *k.LimitActivations == 0:
		return domainError(http.StatusForbidden, "NotPermitted", "This license key does not support activations. Use the /validate endpoint instead to check license validity.")
	case int64(len(k.Activations)) >= *k.LimitActivations:
		return domainError(http.StatusForbidden, "NotPermitted", "License key activation limit already reached")
	}
	if meta == nil {
		meta = map[string]any{}
	}
	a := polar.LicenseKeyActivation{ID: c.st.newID("activation"), LicenseKeyID: k.ID, Label: req.Label, Meta: meta, CreatedAt: c.now}
	k.Activations = append(slices.Clip(k.Activations), a)
	if len(conditions) > 0 {
		c.st.conditions[a.ID] = conditions
	}
	return c.ok(&polar.LicenseKeyActivationWithKey{LicenseKeyActivation: a, LicenseKey: c.st.licenseKeyRead(k)})
}

func licenseKeysDeactivate(c *call) error {
	var req polar.LicenseKeyDeactivate
	if err := c.decode(&req); err != nil {
		return err
	}
	c.checkUUID(&req.OrganizationID, true, "body", "organization_id")
	c.checkUUID(&req.ActivationID, true, "body", "activation_id")
	if err := c.err(); err != nil {
		return err
	}
	activationID := req.ActivationID
	k, err := c.st.licenseKeyByKey(req.OrganizationID, req.Key)
	if err != nil {
		return err
	}
	i := slices.IndexFunc(k.Activations, func(a polar.LicenseKeyActivation) bool { return a.ID == activationID })
	if i < 0 {
		return notFound()
	}
	k.Activations = slices.Concat(k.Activations[:i], k.Activations[i+1:])
	delete(c.st.conditions, activationID)
	return c.noContent()
}

// maxUsage is the largest usage of a key: Polar stores it as a 32-bit
// integer. An increment past it, which Polar's database refuses (a server
// error), is a 422 at increment_usage here, the key left as it was.
const maxUsage = math.MaxInt32

// Limits of the conditions and meta of activations, as of Polar's metadata.
const (
	activationMetadataKeys     = 50
	activationMetadataKeyLen   = 40
	activationMetadataValueLen = 500
)

// activationMetadata checks the body's object name, as the conditions
// and meta of license key activations: at most 50 keys of 1 to 40
// characters whose values are strings of 1 to 500 characters, numbers or
// booleans. It returns nil when the field is absent; numbers are
// json.Numbers.
func (c *call) activationMetadata(name string) map[string]any {
	body, _ := jsonTree(c.raw).(map[string]any)
	m, _ := body[name].(map[string]any)
	if m == nil {
		return nil
	}
	failed := false
	fail := func(typ string, input any, loc ...any) {
		c.fail(problem(typ, input, append([]any{"body", name}, loc...)...))
		failed = true
	}
	for _, k := range slices.Sorted(maps.Keys(m)) {
		if n := utf8.RuneCountInString(k); n < 1 || n > activationMetadataKeyLen {
			fail(map[bool]string{true: "string_too_short", false: "string_too_long"}[n < 1], k, k, "[key]")
		}
		switch v := m[k].(type) {
		case json.Number, bool:
		case string:
			if n := utf8.RuneCountInString(v); n < 1 {
				fail("string_too_short", v, k)
			} else if n > activationMetadataValueLen {
				fail("string_too_long", v, k)
			}
		default:
			fail("string_type", v, k)
		}
	}
	if len(m) > activationMetadataKeys {
		fail("too_long", m)
	}
	if failed {
		return nil
	}
	return m
}

// sameConditions reports whether two conditions are equal as Python
// compares dicts: numbers by value (1 equals 1.0), and true equals 1.
func sameConditions(a, b map[string]any) bool {
	if len(a) != len(b) {
		return false
	}
	for k, av := range a {
		bv, ok := b[k]
		if !ok {
			return false
		}
		an, aNum := conditionNumber(av)
		bn, bNum := conditionNumber(bv)
		switch {
		case aNum && bNum:
			if an != bn {
				return false
			}
		case aNum != bNum:
			return false
		case av != bv:
			return false
		}
	}
	return true
}

func conditionNumber(v any) (float64, bool) {
	switch v := v.(type) {
	case json.Number:
		f, err := v.Float64()
		return f, err == nil
	case bool:
		if v {
			return 1, true
		}
		return 0, true
	}
	return 0, false
}
