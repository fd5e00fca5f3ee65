package polartest

import (
	"strings"

	polar "github.com/polarportal/polar-go"
)

// Customers: the signed-in customer (a member session reads its
// customer), their payment methods and email changes. Get and Update are
// implemented; Update changes billing_name, billing_address, tax_id and
// default_payment_method_id, each left as is when absent and cleared by
// null. A tax ID's format is recognized from the billing country (see
// taxIDFormat); one that does not fit is a 422.
var customersRoutes = routes{
	"customer_portal:customers:get":                    {portalRead, customersGet},
	"customer_portal:customers:update":                 {billingWrite, customersUpdate},
	"customer_portal:customers:list_payment_methods":   {portalRead, notImplemented},
	"customer_portal:customers:add_payment_method":     {billingWrite, notImplemented},
	"customer_portal:customers:confirm_payment_method": {billingWrite, notImplemented},
	"customer_portal:customers:delete_payment_method":  {billingWrite, notImplemented},
	"customer_portal:customers:request_email_update":   {billingWrite, notImplemented},
	"customer_portal:customers:check_email_update":     {public, notImplemented},
	"customer_portal:customers:verify_email_update":    {public, notImplemented},
}

func customersGet(c *call) error {
	return c.ok(c.who.customer.portal())
}

func customersUpdate(c *call) error {
	b, err := c.body()
	if err != nil {
		return err
	}
	cust := c.who.customer
	name, setName := b.optStr("billing_name")
	addr, setAddr := b.optAddress("billing_address")
	taxID, setTaxID := b.optStr("tax_id")
	pmID, setPM := b.optUUID("default_payment_method_id", true)
	if err := c.err(); err != nil {
		return err
	}
	if setPM && pmID != nil {
		if _, err := owned(c.st.paymentMethods, *pmID, cust.ID, func(pm polar.CustomerPaymentMethod) string {
			return deref(paymentMethodBase(pm)).CustomerID
		}); err != nil {
			return invalid("Payment method does not exist.", *pmID, "body", "default_payment_method_id")
		}
	}
	country := polar.CountryAlpha2("")
	if cust.BillingAddress != nil {
		country = cust.BillingAddress.Country
	}
	if setAddr {
		country = ""
		if addr != nil {
			country = addr.Country
		}
	}
	var tax *polar.TaxID
	if setTaxID && taxID != nil {
		format, ok := taxIDFormat(*taxID, country)
		if !ok {
			return invalid("Invalid tax ID for the billing country.", *taxID, "body", "tax_id")
		}
		tax = &polar.TaxID{ID: strings.ToUpper(strings.ReplaceAll(*taxID, " ", "")), Format: format}
	} else if !setTaxID && addr != nil && cust.TaxID != nil {
		// A tax ID stays only while it fits the billing country.
		if _, ok := taxIDFormat(cust.TaxID.ID, country); !ok {
			return invalid("The tax ID does not match the new billing country.", cust.TaxID.ID, "body", "billing_address", "country")
		}
	}
	if setName {
		cust.BillingName = name
	}
	if setAddr {
		cust.BillingAddress = (*polar.Address)(addr)
	}
	if setTaxID {
		cust.TaxID = tax
	}
	if setPM {
		cust.DefaultPaymentMethodID = pmID
	}
	cust.ModifiedAt = touch(c.now)
	return c.ok(cust.portal())
}

// euVAT lists the countries of EU VAT IDs, with the prefix of their IDs.
var euVAT = map[polar.CountryAlpha2]string{
	"AT": "AT", "BE": "BE", "BG": "BG", "CY": "CY", "CZ": "CZ", "DE": "DE", "DK": "DK", "EE": "EE",
	"ES": "ES", "FI": "FI", "FR": "FR", "GR": "EL", "HR": "HR", "HU": "HU", "IE": "IE", "IT": "IT",
	"LT": "LT", "LU": "LU", "LV": "LV", "MT": "MT", "NL": "NL", "PL": "PL", "PT": "PT", "RO": "RO",
	"SE": "SE", "SI": "SI", "SK": "SK",
}

// otherTaxIDs are the formats of a few other countries.
var otherTaxIDs = map[polar.CountryAlpha2]polar.TaxIDFormat{
	"GB": polar.TaxIDFormatGBVAT, "US": polar.TaxIDFormatUSEIN, "CA": polar.TaxIDFormatCABN,
	"AU": polar.TaxIDFormatAUABN, "CH": polar.TaxIDFormatCHVAT, "NO": polar.TaxIDFormatNOVAT,
	"IN": polar.TaxIDFormatINGST, "JP": polar.TaxIDFormatJPCN,
}

// taxIDFormat recognizes the format of a tax ID from the billing country,
// more leniently than Polar: an EU VAT ID must start with its country's
// prefix, a GB VAT ID with GB and a Swiss one with CHE; the IDs of the
// other countries the fake knows must start with a digit; IDs of other
// countries, or without a country, are refused. Each needs at least 5
// characters after its prefix.
func taxIDFormat(id string, country polar.CountryAlpha2) (polar.TaxIDFormat, bool) {
	id = strings.ToUpper(strings.ReplaceAll(id, " ", ""))
	prefixed := func(prefix string) bool { return strings.HasPrefix(id, prefix) && len(id) >= len(prefix)+5 }
	if prefix, ok := euVAT[country]; ok {
		return polar.TaxIDFormatEUVAT, prefixed(prefix)
	}
	f, ok := otherTaxIDs[country]
	switch {
	case !ok:
		return "", false
	case country == "GB":
		return f, prefixed("GB")
	case country == "CH":
		return f, prefixed("CHE")
	}
	return f, len(id) >= 5 && id[0] >= '0' && id[0] <= '9'
}
