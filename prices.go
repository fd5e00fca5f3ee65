package polar

import (
	"bytes"
	"time"
)

// Price is any price a product carries. A product's prices mix current
// prices (ProductPrice) and deprecated recurring ones
// (LegacyRecurringProductPrice); every variant of both, and both Unknown
// variants, implement Price. Use a type switch:
//
//	switch p := price.(type) {
//	case *polar.ProductPriceFixed:
//		fmt.Println(p.PriceAmount, p.PriceCurrency)
//	case *polar.ProductPriceUnknown:
//		fmt.Println("price type not known to this SDK:", p.Type)
//	}
//
// Common reaches the fields every price has without a type switch.
type Price interface {
	// Common returns the fields every price has; nil for the Unknown
	// variants, whose Raw holds them.
	Common() *PriceCommon
	isPrice()
}

// ProductPrice is a current product price, discriminated by amount_type.
// Its variants are *ProductPriceFixed, *ProductPriceCustom,
// *ProductPriceSeatBased, *ProductPriceMeteredUnit, *ProductPriceUnitBased,
// *ProductPriceMeteredTiers, and *ProductPriceUnknown for an amount type
// this SDK does not know.
type ProductPrice interface {
	Price
	isProductPrice()
}

// LegacyRecurringProductPrice is a deprecated recurring price (legacy: true),
// discriminated by amount_type. Its variants are
// *LegacyRecurringProductPriceFixed, *LegacyRecurringProductPriceCustom and
// *LegacyRecurringProductPriceUnknown.
type LegacyRecurringProductPrice interface {
	Price
	isLegacyRecurringProductPrice()
}

// ProductPriceSource tells whether a price is predefined or made on the fly.
type ProductPriceSource string

// Values of ProductPriceSource.
const (
	ProductPriceSourceCatalog ProductPriceSource = "catalog"
	ProductPriceSourceAdHoc   ProductPriceSource = "ad_hoc"
)

// TaxBehaviorOption is how tax applies to a price.
type TaxBehaviorOption string

// Values of TaxBehaviorOption.
const (
	TaxBehaviorOptionLocation  TaxBehaviorOption = "location"
	TaxBehaviorOptionInclusive TaxBehaviorOption = "inclusive"
	TaxBehaviorOptionExclusive TaxBehaviorOption = "exclusive"
)

// ProductPriceUnknown is a ProductPrice whose amount_type this SDK does not
// know. It keeps the raw JSON, which it marshals back unchanged.
type ProductPriceUnknown struct{ UnknownVariant }

func (*ProductPriceUnknown) isPrice() {}

// Common returns nil: the price's fields are in Raw.
func (*ProductPriceUnknown) Common() *PriceCommon { return nil }
func (*ProductPriceUnknown) isProductPrice()      {}

// LegacyRecurringProductPriceUnknown is a LegacyRecurringProductPrice whose
// amount_type this SDK does not know. It keeps the raw JSON, which it
// marshals back unchanged.
type LegacyRecurringProductPriceUnknown struct{ UnknownVariant }

func (*LegacyRecurringProductPriceUnknown) isPrice() {}

// Common returns nil: the price's fields are in Raw.
func (*LegacyRecurringProductPriceUnknown) Common() *PriceCommon           { return nil }
func (*LegacyRecurringProductPriceUnknown) isLegacyRecurringProductPrice() {}

var productPrices = newUnion("ProductPrice", []string{"amount_type"}, "",
	func(u UnknownVariant) ProductPrice { return &ProductPriceUnknown{u} },
	is[ProductPrice, ProductPriceFixed]("fixed"),
	is[ProductPrice, ProductPriceCustom]("custom"),
	is[ProductPrice, ProductPriceSeatBased]("seat_based"),
	is[ProductPrice, ProductPriceMeteredUnit]("metered_unit"),
	is[ProductPrice, ProductPriceUnitBased]("unit_based"),
	is[ProductPrice, ProductPriceMeteredTiers]("metered_tiers"),
)

var legacyRecurringProductPrices = newUnion("LegacyRecurringProductPrice", []string{"amount_type"}, `"type":"recurring","legacy":true`,
	func(u UnknownVariant) LegacyRecurringProductPrice { return &LegacyRecurringProductPriceUnknown{u} },
	is[LegacyRecurringProductPrice, LegacyRecurringProductPriceFixed]("fixed"),
	is[LegacyRecurringProductPrice, LegacyRecurringProductPriceCustom]("custom"),
)

// PriceCommon holds the fields every price variant has, current and legacy
// alike; each variant embeds it.
type PriceCommon struct {
	// ID is the ID of the price.
	ID string `json:"id"`
	// CreatedAt is the creation timestamp of the price.
	CreatedAt time.Time `json:"created_at"`
	// ModifiedAt is the last modification timestamp, if any.
	ModifiedAt *time.Time `json:"modified_at"`
	// Source tells a predefined (catalog) price from one created on the fly
	// in a checkout session (ad_hoc).
	Source ProductPriceSource `json:"source"`
	// PriceCurrency is the currency the customer is charged in.
	PriceCurrency string `json:"price_currency"`
	// TaxBehavior is how tax applies; nil means the organization's default.
	TaxBehavior *TaxBehaviorOption `json:"tax_behavior"`
	// IsArchived tells whether the price is archived and no longer
	// available.
	IsArchived bool `json:"is_archived"`
	// ProductID is the ID of the product owning the price.
	ProductID string `json:"product_id"`
}

// Common returns b: every price variant has it through its embedded
// PriceCommon.
func (b *PriceCommon) Common() *PriceCommon { return b }

// decodePrice decodes one element of a mixed prices array. Both unions use
// amount_type fixed and custom, so legacy: true decides first; one scan
// reads both members.
func decodePrice(raw []byte) (Price, error) {
	raw = bytes.TrimSpace(raw)
	var found [2][]byte
	members(raw, priceKeys[:], found[:])
	tag, _ := jsonString(found[1])
	if string(found[0]) == "true" {
		return legacyRecurringProductPrices.decodeTagged(raw, tag)
	}
	return productPrices.decodeTagged(raw, tag)
}

var priceKeys = [2]string{"legacy", "amount_type"}

// PriceList is a product's prices: current and legacy ones mixed, each
// decoded through its union. It is a plain slice to range over and index.
type PriceList []Price

// UnmarshalJSON decodes each price into its variant. encoding/json hands
// over the array's bytes without validating them again.
func (l *PriceList) UnmarshalJSON(b []byte) error {
	return decodeFunc[Price](decodePrice).decodeSlice(b, (*[]Price)(l))
}

// LegacyRecurringProductPriceFixed is a recurring price for a product, i.e. a
// subscription.
//
// Deprecated: Polar sets the recurring interval on the product itself now;
// older products still carry these prices.
type LegacyRecurringProductPriceFixed struct {
	PriceCommon
	// The recurring interval of the price.
	RecurringInterval RecurringInterval `json:"recurring_interval"`
	// The price in cents.
	PriceAmount int64 `json:"price_amount"`
}

func (*LegacyRecurringProductPriceFixed) isPrice()                       {}
func (*LegacyRecurringProductPriceFixed) isLegacyRecurringProductPrice() {}

// MarshalJSON writes the price with its discriminator.
func (p LegacyRecurringProductPriceFixed) MarshalJSON() ([]byte, error) {
	type plain LegacyRecurringProductPriceFixed
	return marshalAs[LegacyRecurringProductPriceFixed](legacyRecurringProductPrices, plain(p))
}

// LegacyRecurringProductPriceCustom is a pay-what-you-want recurring price
// for a product, i.e. a subscription.
//
// Deprecated: Polar sets the recurring interval on the product itself now;
// older products still carry these prices.
type LegacyRecurringProductPriceCustom struct {
	PriceCommon
	// The recurring interval of the price.
	RecurringInterval RecurringInterval `json:"recurring_interval"`
	// The minimum amount the customer can pay. If 0, the price is 'free or pay
	// what you want'.
	MinimumAmount int64 `json:"minimum_amount"`
	// The maximum amount the customer can pay.
	MaximumAmount *int64 `json:"maximum_amount"`
	// The initial amount shown to the customer.
	PresetAmount *int64 `json:"preset_amount"`
}

func (*LegacyRecurringProductPriceCustom) isPrice()                       {}
func (*LegacyRecurringProductPriceCustom) isLegacyRecurringProductPrice() {}

// MarshalJSON writes the price with its discriminator.
func (p LegacyRecurringProductPriceCustom) MarshalJSON() ([]byte, error) {
	type plain LegacyRecurringProductPriceCustom
	return marshalAs[LegacyRecurringProductPriceCustom](legacyRecurringProductPrices, plain(p))
}

// ProductPriceFixed is a fixed price for a product.
type ProductPriceFixed struct {
	PriceCommon
	// The price in cents.
	PriceAmount int64 `json:"price_amount"`
}

func (*ProductPriceFixed) isPrice()        {}
func (*ProductPriceFixed) isProductPrice() {}

// MarshalJSON writes the price with its discriminator.
func (p ProductPriceFixed) MarshalJSON() ([]byte, error) {
	type plain ProductPriceFixed
	return marshalAs[ProductPriceFixed](productPrices, plain(p))
}

// ProductPriceCustom is a pay-what-you-want price for a product.
type ProductPriceCustom struct {
	PriceCommon
	// The minimum amount the customer can pay. If 0, the price is 'free or pay
	// what you want'.
	MinimumAmount int64 `json:"minimum_amount"`
	// The maximum amount the customer can pay.
	MaximumAmount *int64 `json:"maximum_amount"`
	// The initial amount shown to the customer.
	PresetAmount *int64 `json:"preset_amount"`
}

func (*ProductPriceCustom) isPrice()        {}
func (*ProductPriceCustom) isProductPrice() {}

// MarshalJSON writes the price with its discriminator.
func (p ProductPriceCustom) MarshalJSON() ([]byte, error) {
	type plain ProductPriceCustom
	return marshalAs[ProductPriceCustom](productPrices, plain(p))
}

// ProductPriceSeatBased is a seat-based price for a product.
type ProductPriceSeatBased struct {
	PriceCommon
	// Tiered pricing based on seat quantity
	SeatTiers ProductPriceSeatTiers `json:"seat_tiers"`
}

func (*ProductPriceSeatBased) isPrice()        {}
func (*ProductPriceSeatBased) isProductPrice() {}

// MarshalJSON writes the price with its discriminator.
func (p ProductPriceSeatBased) MarshalJSON() ([]byte, error) {
	type plain ProductPriceSeatBased
	return marshalAs[ProductPriceSeatBased](productPrices, plain(p))
}

// ProductPriceMeteredUnit is a metered, usage-based, price for a product, with a
// fixed unit price.
type ProductPriceMeteredUnit struct {
	PriceCommon
	// The price per unit in cents.
	UnitAmount string `json:"unit_amount"`
	// The maximum amount in cents that can be charged, regardless of the number of
	// units consumed.
	CapAmount *int64 `json:"cap_amount"`
	// The ID of the meter associated to the price.
	MeterID string `json:"meter_id"`
	// The meter associated to the price.
	Meter ProductPriceMeter `json:"meter"`
}

func (*ProductPriceMeteredUnit) isPrice()        {}
func (*ProductPriceMeteredUnit) isProductPrice() {}

// MarshalJSON writes the price with its discriminator.
func (p ProductPriceMeteredUnit) MarshalJSON() ([]byte, error) {
	type plain ProductPriceMeteredUnit
	return marshalAs[ProductPriceMeteredUnit](productPrices, plain(p))
}

// ProductPriceUnitBased is a price per unit bought, in tiers.
type ProductPriceUnitBased struct {
	PriceCommon
	// Tiers are the pricing tiers by number of units.
	Tiers Tiers `json:"tiers"`
	// MinimumUnits is the smallest number of units that can be bought, if set.
	MinimumUnits *int64 `json:"minimum_units"`
	// UnitLabel names the unit by locale and plural form, such as
	// {"en": {"one": "seat", "other": "seats"}}.
	UnitLabel map[string]map[string]string `json:"unit_label"`
	// MaximumUnits is the largest number of units that can be bought, if set.
	MaximumUnits *int64 `json:"maximum_units"`
}

func (*ProductPriceUnitBased) isPrice()        {}
func (*ProductPriceUnitBased) isProductPrice() {}

// MarshalJSON writes the price with its discriminator.
func (p ProductPriceUnitBased) MarshalJSON() ([]byte, error) {
	type plain ProductPriceUnitBased
	return marshalAs[ProductPriceUnitBased](productPrices, plain(p))
}

// ProductPriceMeteredTiers is a metered, usage-based price in tiers.
type ProductPriceMeteredTiers struct {
	PriceCommon
	// CapAmount is the most that can be charged in cents, whatever the usage,
	// if set.
	CapAmount *int64 `json:"cap_amount"`
	// MeterID is the ID of the meter the price charges for.
	MeterID string `json:"meter_id"`
	// Meter is the meter the price charges for.
	Meter ProductPriceMeter `json:"meter"`
	// Tiers are the pricing tiers by metered usage.
	Tiers Tiers `json:"tiers"`
}

func (*ProductPriceMeteredTiers) isPrice()        {}
func (*ProductPriceMeteredTiers) isProductPrice() {}

// MarshalJSON writes the price with its discriminator.
func (p ProductPriceMeteredTiers) MarshalJSON() ([]byte, error) {
	type plain ProductPriceMeteredTiers
	return marshalAs[ProductPriceMeteredTiers](productPrices, plain(p))
}

// ProductPriceSeatTiers is the list of pricing tiers of a seat-based price.
// MinimumSeats is the first tier's MinSeats and MaximumSeats the last
// tier's MaxSeats (nil for unlimited).
type ProductPriceSeatTiers struct {
	// How tiers are applied. 'volume' prices all seats at the matching tier's
	// rate. 'graduated' prices each tier's range independently.
	SeatTierType *SeatTierType `json:"seat_tier_type,omitempty"`
	// List of pricing tiers
	Tiers []ProductPriceSeatTier `json:"tiers"`
	// Minimum number of seats required for purchase, derived from first tier.
	MinimumSeats int64 `json:"minimum_seats"`
	// Maximum number of seats allowed for purchase, derived from last tier. nil
	// for unlimited.
	MaximumSeats *int64 `json:"maximum_seats"`
}

// SeatTierType is how seat tiers apply: volume prices all seats at the
// matching tier, graduated prices each tier range on its own.
type SeatTierType string

// Values of SeatTierType.
const (
	SeatTierTypeVolume    SeatTierType = "volume"
	SeatTierTypeGraduated SeatTierType = "graduated"
)

// ProductPriceSeatTier is a pricing tier of a seat-based price.
type ProductPriceSeatTier struct {
	// Minimum number of seats (inclusive)
	MinSeats int64 `json:"min_seats"`
	// Maximum number of seats (inclusive). nil for unlimited.
	MaxSeats *int64 `json:"max_seats,omitempty"`
	// Price per seat in cents for this tier
	PricePerSeat int64 `json:"price_per_seat"`
}

// ProductPriceMeter is the meter of a metered price.
type ProductPriceMeter struct {
	// The ID of the object.
	ID string `json:"id"`
	// The name of the meter.
	Name string `json:"name"`
	// The unit of the meter.
	Unit MeterUnit `json:"unit"`
	// The label for the custom unit.
	CustomLabel *string `json:"custom_label"`
	// The multiplier to convert from base unit to display scale.
	CustomMultiplier *int64 `json:"custom_multiplier"`
}

// MeterUnit is the unit of a meter.
type MeterUnit string

// Values of MeterUnit.
const (
	MeterUnitScalar MeterUnit = "scalar"
	MeterUnitToken  MeterUnit = "token"
	MeterUnitCustom MeterUnit = "custom"
)

// Tiers are the pricing tiers of a unit-based or metered-tiers price.
type Tiers struct {
	// Type is how the tiers apply.
	Type  TierType `json:"type"`
	Tiers []Tier   `json:"tiers"`
}

// TierType is how tiers apply: volume or graduated.
type TierType string

// Values of TierType.
const (
	TierTypeVolume    TierType = "volume"
	TierTypeGraduated TierType = "graduated"
)

// Tier is one pricing tier: its upper bound (nil for the last) and its
// unit amount, a decimal string in cents.
type Tier struct {
	// Bound is the tier's upper bound in units; nil for the last tier.
	Bound *int64 `json:"bound,omitempty"`
	// UnitAmount is the price of one unit in this tier, in cents, as a decimal
	// string (such as "0.5").
	UnitAmount string `json:"unit_amount"`
}
