package polar

import "time"

// BenefitPublic is a benefit a product grants, as customers see it.
type BenefitPublic struct {
	// The ID of the benefit.
	ID string `json:"id"`
	// Creation timestamp of the object.
	CreatedAt time.Time `json:"created_at"`
	// Last modification timestamp of the object.
	ModifiedAt *time.Time `json:"modified_at"`
	// The type of the benefit.
	Type BenefitType `json:"type"`
	// The description of the benefit.
	Description string `json:"description"`
	// Whether the benefit is selectable when creating a product.
	Selectable bool `json:"selectable"`
	// Whether the benefit is deletable.
	Deletable bool `json:"deletable"`
	// Whether the benefit is deleted.
	IsDeleted bool `json:"is_deleted"`
	// The ID of the organization owning the benefit.
	OrganizationID string `json:"organization_id"`
}

// BenefitType is the kind of a benefit.
type BenefitType string

// Values of BenefitType.
const (
	BenefitTypeCustom             BenefitType = "custom"
	BenefitTypeDiscord            BenefitType = "discord"
	BenefitTypeGitHubRepository   BenefitType = "github_repository"
	BenefitTypeDownloadables      BenefitType = "downloadables"
	BenefitTypeLicenseKeys        BenefitType = "license_keys"
	BenefitTypeMeterCredit        BenefitType = "meter_credit"
	BenefitTypeFeatureFlag        BenefitType = "feature_flag"
	BenefitTypeSlackSharedChannel BenefitType = "slack_shared_channel"
)
