package polar

import (
	"context"
	"iter"
	"net/http"
	"strconv"
	"time"
)

// BenefitGrantsService covers the benefits granted to the authenticated
// customer: listing and fetching the grants, and connecting the account a
// grant is delivered to (a Discord or GitHub account, a Slack invitation
// address). It needs a customer session token or a member session token;
// members see only their own grants.
//
// To stub it in a test, embed BenefitGrantsService in a struct and implement only
// the methods the code under test calls (the others panic on the nil
// interface). A stub assigned to Client.BenefitGrants stays in place in the
// clients that WithToken derives.
type BenefitGrantsService interface {
	// List returns one page of the customer's benefit grants.
	//
	// API: GET /v1/customer-portal/benefit-grants/
	List(ctx context.Context, opts *BenefitGrantListOptions) (*Page[CustomerBenefitGrant], error)
	// All iterates over every benefit grant of every page, 100 at a time
	// unless opts sets Limit.
	// ListOptions tells what a walk sees of a list that changes meanwhile.
	//
	// API: GET /v1/customer-portal/benefit-grants/
	All(ctx context.Context, opts *BenefitGrantListOptions) iter.Seq2[CustomerBenefitGrant, error]
	// Get returns a benefit grant by ID. It fails with an error matching
	// ErrResourceNotFound when there is no such grant.
	//
	// API: GET /v1/customer-portal/benefit-grants/{id}
	Get(ctx context.Context, id string) (CustomerBenefitGrant, error)
	// Update changes a benefit grant, such as the Discord or GitHub account
	// it is delivered to; body is the shape for the grant's benefit type.
	// It fails with a *ValidationError when body is the shape of another
	// benefit type or names an account the customer has not connected,
	// and with an error matching ErrResourceNotFound when there is no such
	// grant (revoked grants are hidden from the portal). The document's
	// 403 NotPermitted matches ErrNotPermitted.
	//
	// API: PATCH /v1/customer-portal/benefit-grants/{id}
	Update(ctx context.Context, id string, body CustomerBenefitGrantUpdate) (CustomerBenefitGrant, error)
}

type benefitGrantsService service

var _ BenefitGrantsService = (*benefitGrantsService)(nil)

const benefitGrantsPath = "/v1/customer-portal/benefit-grants/"

var (
	benefitGrantsList = declare[BenefitGrantListOptions, none, *Page[CustomerBenefitGrant]](operation{
		id: OpBenefitGrantsList, method: http.MethodGet, path: benefitGrantsPath})
	benefitGrantsGet = declare[none, none, CustomerBenefitGrant](operation{
		id: OpBenefitGrantsGet, method: http.MethodGet, path: benefitGrantsPath + "{id}"})
	benefitGrantsUpdate = declare[none, CustomerBenefitGrantUpdate, CustomerBenefitGrant](operation{
		id: OpBenefitGrantsUpdate, method: http.MethodPatch, path: benefitGrantsPath + "{id}"})
)

func (s *benefitGrantsService) List(ctx context.Context, opts *BenefitGrantListOptions) (*Page[CustomerBenefitGrant], error) {
	return benefitGrantsList.query(ctx, s.client, opts)
}

func (s *benefitGrantsService) All(ctx context.Context, opts *BenefitGrantListOptions) iter.Seq2[CustomerBenefitGrant, error] {
	return listAll(ctx, s.client, opts, s.List)
}

func (s *benefitGrantsService) Get(ctx context.Context, id string) (CustomerBenefitGrant, error) {
	return benefitGrantsGet.call(ctx, s.client, id)
}

func (s *benefitGrantsService) Update(ctx context.Context, id string, body CustomerBenefitGrantUpdate) (CustomerBenefitGrant, error) {
	return benefitGrantsUpdate.send(ctx, s.client, id, body)
}

// BenefitGrantListOptions filters and sorts BenefitGrants.List and
// BenefitGrants.All. Filters with several values match any of them.
type BenefitGrantListOptions struct {
	ListOptions
	// Query searches the benefit descriptions.
	Query string `url:"query,omitempty"`
	// Type filters by benefit type.
	Type []BenefitType `url:"type,omitempty"`
	// BenefitID filters by benefit ID.
	BenefitID []string `url:"benefit_id,omitempty"`
	// CheckoutID filters by the ID of the checkout that granted the benefit.
	CheckoutID []string `url:"checkout_id,omitempty"`
	// OrderID filters by the ID of the order that granted the benefit.
	OrderID []string `url:"order_id,omitempty"`
	// SubscriptionID filters by the ID of the subscription that granted
	// the benefit.
	SubscriptionID []string `url:"subscription_id,omitempty"`
	// MemberID filters by the ID of the team member the benefit is granted
	// to.
	MemberID []string `url:"member_id,omitempty"`
	// Sorting lists sort criteria applied in order; the server's default
	// is product_benefit, then -granted_at.
	Sorting []CustomerBenefitGrantSortProperty `url:"sorting,omitempty"`
}

// CustomerBenefitGrantSortProperty is a sort criterion of
// BenefitGrants.List; the Desc variants sort in descending order.
type CustomerBenefitGrantSortProperty string

// Values of CustomerBenefitGrantSortProperty.
const (
	CustomerBenefitGrantSortPropertyGrantedAt          CustomerBenefitGrantSortProperty = "granted_at"
	CustomerBenefitGrantSortPropertyGrantedAtDesc      CustomerBenefitGrantSortProperty = "-granted_at"
	CustomerBenefitGrantSortPropertyType               CustomerBenefitGrantSortProperty = "type"
	CustomerBenefitGrantSortPropertyTypeDesc           CustomerBenefitGrantSortProperty = "-type"
	CustomerBenefitGrantSortPropertyOrganization       CustomerBenefitGrantSortProperty = "organization"
	CustomerBenefitGrantSortPropertyOrganizationDesc   CustomerBenefitGrantSortProperty = "-organization"
	CustomerBenefitGrantSortPropertyProductBenefit     CustomerBenefitGrantSortProperty = "product_benefit"
	CustomerBenefitGrantSortPropertyProductBenefitDesc CustomerBenefitGrantSortProperty = "-product_benefit"
)

// CustomerBenefitGrant is a benefit granted to the customer. The API marks
// no discriminator: the variant follows the type of the granted benefit
// (benefit.type). Its variants are *CustomerBenefitGrantCustom,
// *CustomerBenefitGrantDiscord, *CustomerBenefitGrantDownloadables,
// *CustomerBenefitGrantFeatureFlag, *CustomerBenefitGrantGitHubRepository,
// *CustomerBenefitGrantLicenseKeys, *CustomerBenefitGrantMeterCredit,
// *CustomerBenefitGrantSlackSharedChannel, and *CustomerBenefitGrantUnknown
// for a benefit type this SDK does not know. Use a type switch:
//
//	switch g := grant.(type) {
//	case *polar.CustomerBenefitGrantLicenseKeys:
//		fmt.Println(g.Properties.DisplayKey)
//	case *polar.CustomerBenefitGrantUnknown:
//		fmt.Println("benefit type not known to this SDK:", g.Type)
//	}
//
// Common reaches the fields every grant has without a type switch.
type CustomerBenefitGrant interface {
	// Common returns the fields every grant has; nil for
	// *CustomerBenefitGrantUnknown, whose Raw holds them.
	Common() *CustomerBenefitGrantCommon
	isCustomerBenefitGrant()
}

// The grant union is chosen by the nested benefit.type; each variant's
// benefit writes its own type back, so the table serves decoding alone.
var grantUnion = newUnion("CustomerBenefitGrant", []string{"benefit", "type"}, "",
	func(u UnknownVariant) CustomerBenefitGrant { return &CustomerBenefitGrantUnknown{u} },
	is[CustomerBenefitGrant, CustomerBenefitGrantCustom](string(BenefitTypeCustom)),
	is[CustomerBenefitGrant, CustomerBenefitGrantDiscord](string(BenefitTypeDiscord)),
	is[CustomerBenefitGrant, CustomerBenefitGrantDownloadables](string(BenefitTypeDownloadables)),
	is[CustomerBenefitGrant, CustomerBenefitGrantFeatureFlag](string(BenefitTypeFeatureFlag)),
	is[CustomerBenefitGrant, CustomerBenefitGrantGitHubRepository](string(BenefitTypeGitHubRepository)),
	is[CustomerBenefitGrant, CustomerBenefitGrantLicenseKeys](string(BenefitTypeLicenseKeys)),
	is[CustomerBenefitGrant, CustomerBenefitGrantMeterCredit](string(BenefitTypeMeterCredit)),
	is[CustomerBenefitGrant, CustomerBenefitGrantSlackSharedChannel](string(BenefitTypeSlackSharedChannel)),
)

// CustomerBenefitGrantUnknown is a CustomerBenefitGrant whose benefit type
// this SDK does not know. Type is the benefit's type; Raw keeps the whole
// grant, which it marshals back unchanged.
type CustomerBenefitGrantUnknown struct{ UnknownVariant }

func (*CustomerBenefitGrantUnknown) isCustomerBenefitGrant() {}

// Common returns nil: the grant's fields are in Raw.
func (*CustomerBenefitGrantUnknown) Common() *CustomerBenefitGrantCommon { return nil }

// CustomerBenefitGrantCommon holds the fields every benefit grant has,
// whatever its benefit type. Each variant of CustomerBenefitGrant embeds it.
type CustomerBenefitGrantCommon struct {
	// CreatedAt is the creation time of the grant.
	CreatedAt time.Time `json:"created_at"`
	// ModifiedAt is the time of the last modification, if any.
	ModifiedAt *time.Time `json:"modified_at"`
	// ID is the ID of the grant.
	ID string `json:"id"`
	// GrantedAt is when the benefit was granted, nil if it is not (yet).
	GrantedAt *time.Time `json:"granted_at"`
	// RevokedAt is when the benefit was revoked, nil if it was not.
	RevokedAt *time.Time `json:"revoked_at"`
	// CustomerID is the ID of the customer the benefit is granted to.
	CustomerID string `json:"customer_id"`
	// MemberID is the ID of the team member the benefit is granted to, if
	// any.
	MemberID *string `json:"member_id,omitempty"`
	// BenefitID is the ID of the granted benefit.
	BenefitID string `json:"benefit_id"`
	// SubscriptionID is the ID of the subscription that granted the
	// benefit, if any.
	SubscriptionID *string `json:"subscription_id"`
	// OrderID is the ID of the order that granted the benefit, if any.
	OrderID *string `json:"order_id"`
	// IsGranted reports whether the benefit is currently granted.
	IsGranted bool `json:"is_granted"`
	// IsRevoked reports whether the benefit was revoked.
	IsRevoked bool `json:"is_revoked"`
	// Error describes the last failure to grant or revoke the benefit, if
	// any.
	Error *BenefitGrantError `json:"error,omitempty"`
	// Customer is the customer the benefit is granted to.
	Customer CustomerPortalCustomer `json:"customer"`
}

// Common returns c: every grant variant has it through its embedded
// CustomerBenefitGrantCommon.
func (c *CustomerBenefitGrantCommon) Common() *CustomerBenefitGrantCommon { return c }

// BenefitGrantError is the last failure to grant or revoke a benefit.
type BenefitGrantError struct {
	// Message describes the failure.
	Message string `json:"message"`
	// Type is the kind of failure.
	Type string `json:"type"`
	// Timestamp is when it happened, as the server writes it.
	Timestamp string `json:"timestamp"`
}

// CustomerBenefitGrantMember is the team member a benefit is granted to,
// with the accounts they connected.
type CustomerBenefitGrantMember struct {
	// ID is the ID of the member.
	ID string `json:"id"`
	// OAuthAccounts holds the member's connected accounts by platform
	// (such as "discord" or "github").
	OAuthAccounts map[string]CustomerPortalOAuthAccount `json:"oauth_accounts"`
}

// CustomerBenefitGrantCustom is the grant of a custom benefit.
type CustomerBenefitGrantCustom struct {
	CustomerBenefitGrantCommon
	// Benefit is the granted benefit.
	Benefit BenefitCustomSubscriber `json:"benefit"`
	// Properties are the grant's properties (none for this type).
	Properties BenefitGrantCustomProperties `json:"properties"`
}

// CustomerBenefitGrantDiscord is the grant of a Discord role.
type CustomerBenefitGrantDiscord struct {
	CustomerBenefitGrantCommon
	// Benefit is the granted benefit.
	Benefit BenefitDiscordSubscriber `json:"benefit"`
	// Properties say which Discord account holds the role.
	Properties BenefitGrantDiscordProperties `json:"properties"`
	// Member is the team member the role is granted to, if any.
	Member *CustomerBenefitGrantMember `json:"member,omitempty"`
}

// CustomerBenefitGrantDownloadables is the grant of downloadable files.
type CustomerBenefitGrantDownloadables struct {
	CustomerBenefitGrantCommon
	// Benefit is the granted benefit.
	Benefit BenefitDownloadablesSubscriber `json:"benefit"`
	// Properties list the granted files.
	Properties BenefitGrantDownloadablesProperties `json:"properties"`
}

// CustomerBenefitGrantFeatureFlag is the grant of a feature flag.
type CustomerBenefitGrantFeatureFlag struct {
	CustomerBenefitGrantCommon
	// Benefit is the granted benefit.
	Benefit BenefitFeatureFlagSubscriber `json:"benefit"`
	// Properties are the grant's properties (none for this type).
	Properties BenefitGrantFeatureFlagProperties `json:"properties"`
}

// CustomerBenefitGrantGitHubRepository is the grant of access to a private
// GitHub repository.
type CustomerBenefitGrantGitHubRepository struct {
	CustomerBenefitGrantCommon
	// Benefit is the granted benefit.
	Benefit BenefitGitHubRepositorySubscriber `json:"benefit"`
	// Properties say which GitHub account was invited, with which
	// permission.
	Properties BenefitGrantGitHubRepositoryProperties `json:"properties"`
	// Member is the team member the access is granted to, if any.
	Member *CustomerBenefitGrantMember `json:"member,omitempty"`
}

// CustomerBenefitGrantLicenseKeys is the grant of a license key.
type CustomerBenefitGrantLicenseKeys struct {
	CustomerBenefitGrantCommon
	// Benefit is the granted benefit, with its expiration and activation
	// settings.
	Benefit BenefitLicenseKeysSubscriber `json:"benefit"`
	// Properties identify the granted license key.
	Properties BenefitGrantLicenseKeysProperties `json:"properties"`
}

// CustomerBenefitGrantMeterCredit is the grant of meter credits.
type CustomerBenefitGrantMeterCredit struct {
	CustomerBenefitGrantCommon
	// Benefit is the granted benefit.
	Benefit BenefitMeterCreditSubscriber `json:"benefit"`
	// Properties tell when credits were last added.
	Properties BenefitGrantMeterCreditProperties `json:"properties"`
}

// CustomerBenefitGrantSlackSharedChannel is the grant of a shared Slack
// channel.
type CustomerBenefitGrantSlackSharedChannel struct {
	CustomerBenefitGrantCommon
	// Benefit is the granted benefit.
	Benefit BenefitSlackSharedChannelSubscriber `json:"benefit"`
	// Properties describe the channel and the invitation.
	Properties BenefitGrantSlackSharedChannelProperties `json:"properties"`
}

func (*CustomerBenefitGrantCustom) isCustomerBenefitGrant()             {}
func (*CustomerBenefitGrantDiscord) isCustomerBenefitGrant()            {}
func (*CustomerBenefitGrantDownloadables) isCustomerBenefitGrant()      {}
func (*CustomerBenefitGrantFeatureFlag) isCustomerBenefitGrant()        {}
func (*CustomerBenefitGrantGitHubRepository) isCustomerBenefitGrant()   {}
func (*CustomerBenefitGrantLicenseKeys) isCustomerBenefitGrant()        {}
func (*CustomerBenefitGrantMeterCredit) isCustomerBenefitGrant()        {}
func (*CustomerBenefitGrantSlackSharedChannel) isCustomerBenefitGrant() {}

// BenefitGrantCustomProperties are the properties of a custom benefit's
// grant: none.
type BenefitGrantCustomProperties struct{}

// BenefitGrantDiscordProperties say which Discord account holds the granted
// role.
type BenefitGrantDiscordProperties struct {
	// AccountID is the ID of the connected Discord account.
	AccountID *string `json:"account_id,omitempty"`
	// GuildID is the ID of the Discord server.
	GuildID *string `json:"guild_id,omitempty"`
	// RoleID is the ID of the granted role.
	RoleID *string `json:"role_id,omitempty"`
	// GrantedAccountID is the ID of the Discord account the role was
	// granted to.
	GrantedAccountID *string `json:"granted_account_id,omitempty"`
}

// BenefitGrantDownloadablesProperties list the files of a downloadables
// grant.
type BenefitGrantDownloadablesProperties struct {
	// Files are the IDs of the granted files.
	Files []string `json:"files,omitzero"`
}

// BenefitGrantFeatureFlagProperties are the properties of a feature flag's
// grant: none.
type BenefitGrantFeatureFlagProperties struct{}

// BenefitGrantGitHubRepositoryProperties say which GitHub account was
// invited to the repository, with which permission.
type BenefitGrantGitHubRepositoryProperties struct {
	// AccountID is the ID of the connected GitHub account.
	AccountID *string `json:"account_id,omitempty"`
	// RepositoryOwner is the owner of the repository.
	RepositoryOwner *string `json:"repository_owner,omitempty"`
	// RepositoryName is the name of the repository.
	RepositoryName *string `json:"repository_name,omitempty"`
	// Permission is the permission granted on the repository.
	Permission *GitHubRepositoryPermission `json:"permission,omitempty"`
	// GrantedAccountID is the ID of the GitHub account that was invited.
	GrantedAccountID *string `json:"granted_account_id,omitempty"`
}

// GitHubRepositoryPermission is a permission on a GitHub repository.
type GitHubRepositoryPermission string

// Values of GitHubRepositoryPermission.
const (
	GitHubRepositoryPermissionPull     GitHubRepositoryPermission = "pull"
	GitHubRepositoryPermissionTriage   GitHubRepositoryPermission = "triage"
	GitHubRepositoryPermissionPush     GitHubRepositoryPermission = "push"
	GitHubRepositoryPermissionMaintain GitHubRepositoryPermission = "maintain"
	GitHubRepositoryPermissionAdmin    GitHubRepositoryPermission = "admin"
)

// BenefitGrantLicenseKeysProperties identify the license key of a grant.
type BenefitGrantLicenseKeysProperties struct {
	// UserProvidedKey is the key the customer provided, if any.
	UserProvidedKey *string `json:"user_provided_key,omitempty"`
	// LicenseKeyID is the ID of the license key, for LicenseKeys.Get.
	LicenseKeyID *string `json:"license_key_id,omitempty"`
	// DisplayKey is the key with all but its last characters masked.
	DisplayKey *string `json:"display_key,omitempty"`
}

// BenefitGrantMeterCreditProperties tell when a meter was last credited.
type BenefitGrantMeterCreditProperties struct {
	// LastCreditedMeterID is the ID of the meter last credited.
	LastCreditedMeterID *string `json:"last_credited_meter_id,omitempty"`
	// LastCreditedUnits is the number of units last credited.
	LastCreditedUnits *int64 `json:"last_credited_units,omitempty"`
	// LastCreditedAt is when the meter was last credited, as the server
	// writes it.
	LastCreditedAt *string `json:"last_credited_at,omitempty"`
}

// BenefitGrantSlackSharedChannelProperties describe the shared Slack channel
// of a grant and its invitation.
type BenefitGrantSlackSharedChannelProperties struct {
	// InvitedEmail is the address the invitation was sent to.
	InvitedEmail *string `json:"invited_email,omitempty"`
	// ChannelID is the ID of the shared channel.
	ChannelID *string `json:"channel_id,omitempty"`
	// ChannelName is the name of the shared channel.
	ChannelName *string `json:"channel_name,omitempty"`
	// InviteID is the ID of the invitation.
	InviteID *string `json:"invite_id,omitempty"`
	// InviteURL is the link that accepts the invitation.
	InviteURL *string `json:"invite_url,omitempty"`
	// ConnectedTeamID is the ID of the Slack workspace that joined the
	// channel.
	ConnectedTeamID *string `json:"connected_team_id,omitempty"`
}

// BenefitSubscriberCommon holds the fields every granted benefit has,
// whatever its type. Each Benefit...Subscriber type embeds it.
type BenefitSubscriberCommon struct {
	// ID is the ID of the benefit.
	ID string `json:"id"`
	// CreatedAt is the creation time of the benefit.
	CreatedAt time.Time `json:"created_at"`
	// ModifiedAt is the time of the last modification, if any.
	ModifiedAt *time.Time `json:"modified_at"`
	// Description describes the benefit.
	Description string `json:"description"`
	// Selectable reports whether the benefit can be chosen when creating a
	// product.
	Selectable bool `json:"selectable"`
	// Deletable reports whether the benefit can be deleted.
	Deletable bool `json:"deletable"`
	// IsDeleted reports whether the benefit was deleted.
	IsDeleted bool `json:"is_deleted"`
	// OrganizationID is the ID of the organization owning the benefit.
	OrganizationID string `json:"organization_id"`
	// Organization is the organization owning the benefit.
	Organization BenefitSubscriberOrganization `json:"organization"`
}

// marshalBenefit writes a granted benefit with its type: the grant union is
// discriminated by benefit.type, so each benefit writes its own.
func marshalBenefit(t BenefitType, plain any) ([]byte, error) {
	return marshalTagged(`"type":`+strconv.Quote(string(t)), plain)
}

// BenefitCustomSubscriber is a custom benefit as its subscribers see it.
type BenefitCustomSubscriber struct {
	BenefitSubscriberCommon
	// Properties hold the benefit's note.
	Properties BenefitCustomSubscriberProperties `json:"properties"`
}

// BenefitCustomSubscriberProperties are what subscribers see of a custom
// benefit.
type BenefitCustomSubscriberProperties struct {
	// Note is a private note for the customers the benefit is granted to,
	// if any.
	Note *string `json:"note"`
}

// BenefitDiscordSubscriber is a Discord benefit as its subscribers see it.
type BenefitDiscordSubscriber struct {
	BenefitSubscriberCommon
	// Properties name the Discord server.
	Properties BenefitDiscordSubscriberProperties `json:"properties"`
}

// BenefitDiscordSubscriberProperties are what subscribers see of a Discord
// benefit.
type BenefitDiscordSubscriberProperties struct {
	// GuildID is the ID of the Discord server.
	GuildID string `json:"guild_id"`
}

// BenefitDownloadablesSubscriber is a downloadables benefit as its
// subscribers see it.
type BenefitDownloadablesSubscriber struct {
	BenefitSubscriberCommon
	// Properties list the files.
	Properties BenefitDownloadablesSubscriberProperties `json:"properties"`
}

// BenefitDownloadablesSubscriberProperties are what subscribers see of a
// downloadables benefit.
type BenefitDownloadablesSubscriberProperties struct {
	// ActiveFiles are the IDs of the files that can be downloaded.
	ActiveFiles []string `json:"active_files"`
}

// BenefitFeatureFlagSubscriber is a feature flag benefit as its subscribers
// see it.
type BenefitFeatureFlagSubscriber struct {
	BenefitSubscriberCommon
	// Properties are the benefit's properties (none for this type).
	Properties BenefitFeatureFlagSubscriberProperties `json:"properties"`
}

// BenefitFeatureFlagSubscriberProperties are what subscribers see of a
// feature flag benefit: nothing.
type BenefitFeatureFlagSubscriberProperties struct{}

// BenefitGitHubRepositorySubscriber is a GitHub repository benefit as its
// subscribers see it.
type BenefitGitHubRepositorySubscriber struct {
	BenefitSubscriberCommon
	// Properties name the repository.
	Properties BenefitGitHubRepositorySubscriberProperties `json:"properties"`
}

// BenefitGitHubRepositorySubscriberProperties are what subscribers see of a
// GitHub repository benefit.
type BenefitGitHubRepositorySubscriberProperties struct {
	// RepositoryOwner is the owner of the repository, such as
	// "polarsource".
	RepositoryOwner string `json:"repository_owner"`
	// RepositoryName is the name of the repository.
	RepositoryName string `json:"repository_name"`
}

// BenefitLicenseKeysSubscriber is a license key benefit as its subscribers
// see it.
type BenefitLicenseKeysSubscriber struct {
	BenefitSubscriberCommon
	// Properties are the settings of the benefit's license keys.
	Properties BenefitLicenseKeysSubscriberProperties `json:"properties"`
}

// BenefitLicenseKeysSubscriberProperties are the settings of the license
// keys a benefit grants.
type BenefitLicenseKeysSubscriberProperties struct {
	// Prefix starts every key, if set.
	Prefix *string `json:"prefix"`
	// Expires says how long keys stay valid; nil if they never expire.
	Expires *BenefitLicenseKeyExpirationProperties `json:"expires"`
	// Activations limits the devices a key can be activated on; nil
	// without activations.
	Activations *BenefitLicenseKeyActivationProperties `json:"activations"`
	// LimitUsage caps a key's usage count; nil for no cap.
	LimitUsage *int64 `json:"limit_usage"`
}

// BenefitLicenseKeyExpirationProperties say how long a license key stays
// valid: TTL units of Timeframe.
type BenefitLicenseKeyExpirationProperties struct {
	// TTL is the number of Timeframe units.
	TTL int64 `json:"ttl"`
	// Timeframe is the unit of TTL.
	Timeframe Timeframe `json:"timeframe"`
}

// Timeframe is the unit of a license key's validity.
type Timeframe string

// Values of Timeframe.
const (
	TimeframeYear  Timeframe = "year"
	TimeframeMonth Timeframe = "month"
	TimeframeDay   Timeframe = "day"
)

// BenefitLicenseKeyActivationProperties limit the activations of a license
// key.
type BenefitLicenseKeyActivationProperties struct {
	// Limit is the number of activations a key allows.
	Limit int64 `json:"limit"`
	// EnableCustomerAdmin reports whether customers may deactivate their
	// activations from the portal.
	EnableCustomerAdmin bool `json:"enable_customer_admin"`
}

// BenefitMeterCreditSubscriber is a meter credit benefit as its subscribers
// see it.
type BenefitMeterCreditSubscriber struct {
	BenefitSubscriberCommon
	// Properties say how many units are credited to which meter.
	Properties BenefitMeterCreditSubscriberProperties `json:"properties"`
}

// BenefitMeterCreditSubscriberProperties are what subscribers see of a
// meter credit benefit.
type BenefitMeterCreditSubscriberProperties struct {
	// Units is the number of units credited each period.
	Units int64 `json:"units"`
	// Rollover reports whether unused units carry over to the next period.
	Rollover bool `json:"rollover"`
	// MeterID is the ID of the credited meter.
	MeterID string `json:"meter_id"`
}

// BenefitSlackSharedChannelSubscriber is a shared Slack channel benefit as
// its subscribers see it.
type BenefitSlackSharedChannelSubscriber struct {
	BenefitSubscriberCommon
	// Properties are the benefit's properties (none for this type).
	Properties BenefitSlackSharedChannelSubscriberProperties `json:"properties"`
}

// BenefitSlackSharedChannelSubscriberProperties are what subscribers see of
// a shared Slack channel benefit: nothing.
type BenefitSlackSharedChannelSubscriberProperties struct{}

// MarshalJSON writes the benefit with its type.
func (b BenefitCustomSubscriber) MarshalJSON() ([]byte, error) {
	type plain BenefitCustomSubscriber
	return marshalBenefit(BenefitTypeCustom, plain(b))
}

// MarshalJSON writes the benefit with its type.
func (b BenefitDiscordSubscriber) MarshalJSON() ([]byte, error) {
	type plain BenefitDiscordSubscriber
	return marshalBenefit(BenefitTypeDiscord, plain(b))
}

// MarshalJSON writes the benefit with its type.
func (b BenefitDownloadablesSubscriber) MarshalJSON() ([]byte, error) {
	type plain BenefitDownloadablesSubscriber
	return marshalBenefit(BenefitTypeDownloadables, plain(b))
}

// MarshalJSON writes the benefit with its type.
func (b BenefitFeatureFlagSubscriber) MarshalJSON() ([]byte, error) {
	type plain BenefitFeatureFlagSubscriber
	return marshalBenefit(BenefitTypeFeatureFlag, plain(b))
}

// MarshalJSON writes the benefit with its type.
func (b BenefitGitHubRepositorySubscriber) MarshalJSON() ([]byte, error) {
	type plain BenefitGitHubRepositorySubscriber
	return marshalBenefit(BenefitTypeGitHubRepository, plain(b))
}

// MarshalJSON writes the benefit with its type.
func (b BenefitLicenseKeysSubscriber) MarshalJSON() ([]byte, error) {
	type plain BenefitLicenseKeysSubscriber
	return marshalBenefit(BenefitTypeLicenseKeys, plain(b))
}

// MarshalJSON writes the benefit with its type.
func (b BenefitMeterCreditSubscriber) MarshalJSON() ([]byte, error) {
	type plain BenefitMeterCreditSubscriber
	return marshalBenefit(BenefitTypeMeterCredit, plain(b))
}

// MarshalJSON writes the benefit with its type.
func (b BenefitSlackSharedChannelSubscriber) MarshalJSON() ([]byte, error) {
	type plain BenefitSlackSharedChannelSubscriber
	return marshalBenefit(BenefitTypeSlackSharedChannel, plain(b))
}

// CustomerBenefitGrantUpdate is the body of BenefitGrants.Update: one shape
// per benefit type, each of which sends its own benefit_type. Use the shape
// of the grant's benefit type: *CustomerBenefitGrantDiscordUpdate,
// *CustomerBenefitGrantGitHubRepositoryUpdate,
// *CustomerBenefitGrantSlackSharedChannelUpdate (which carry properties), or
// *CustomerBenefitGrantCustomUpdate, *CustomerBenefitGrantDownloadablesUpdate,
// *CustomerBenefitGrantFeatureFlagUpdate,
// *CustomerBenefitGrantLicenseKeysUpdate,
// *CustomerBenefitGrantMeterCreditUpdate (which carry nothing else).
type CustomerBenefitGrantUpdate interface {
	isCustomerBenefitGrantUpdate()
}

// marshalGrantUpdate writes an update shape with its benefit_type.
func marshalGrantUpdate(t BenefitType, plain any) ([]byte, error) {
	return marshalTagged(`"benefit_type":`+strconv.Quote(string(t)), plain)
}

// CustomerBenefitGrantDiscordUpdate connects the Discord account a Discord
// grant is delivered to.
type CustomerBenefitGrantDiscordUpdate struct {
	// Properties name the Discord account.
	Properties CustomerBenefitGrantDiscordPropertiesUpdate `json:"properties"`
}

// CustomerBenefitGrantDiscordPropertiesUpdate names the Discord account of
// a grant.
type CustomerBenefitGrantDiscordPropertiesUpdate struct {
	// AccountID is the ID of the customer's connected Discord account; nil
	// sends null, which disconnects it.
	AccountID *string `json:"account_id"`
}

// CustomerBenefitGrantGitHubRepositoryUpdate connects the GitHub account a
// repository grant is delivered to.
type CustomerBenefitGrantGitHubRepositoryUpdate struct {
	// Properties name the GitHub account.
	Properties CustomerBenefitGrantGitHubRepositoryPropertiesUpdate `json:"properties"`
}

// CustomerBenefitGrantGitHubRepositoryPropertiesUpdate names the GitHub
// account of a grant.
type CustomerBenefitGrantGitHubRepositoryPropertiesUpdate struct {
	// AccountID is the ID of the customer's connected GitHub account; nil
	// sends null, which disconnects it.
	AccountID *string `json:"account_id"`
}

// CustomerBenefitGrantSlackSharedChannelUpdate sets the address a shared
// Slack channel invitation is sent to.
type CustomerBenefitGrantSlackSharedChannelUpdate struct {
	// Properties hold the address.
	Properties CustomerBenefitGrantSlackSharedChannelPropertiesUpdate `json:"properties"`
}

// CustomerBenefitGrantSlackSharedChannelPropertiesUpdate holds the address
// a Slack invitation is sent to.
type CustomerBenefitGrantSlackSharedChannelPropertiesUpdate struct {
	// InvitedEmail is the email address to invite.
	InvitedEmail string `json:"invited_email"`
}

// CustomerBenefitGrantCustomUpdate updates a custom benefit's grant. It has
// nothing to set besides its benefit type.
type CustomerBenefitGrantCustomUpdate struct{}

// CustomerBenefitGrantDownloadablesUpdate updates a downloadables grant. It
// has nothing to set besides its benefit type.
type CustomerBenefitGrantDownloadablesUpdate struct{}

// CustomerBenefitGrantFeatureFlagUpdate updates a feature flag's grant. It
// has nothing to set besides its benefit type.
type CustomerBenefitGrantFeatureFlagUpdate struct{}

// CustomerBenefitGrantLicenseKeysUpdate updates a license key grant. It has
// nothing to set besides its benefit type.
type CustomerBenefitGrantLicenseKeysUpdate struct{}

// CustomerBenefitGrantMeterCreditUpdate updates a meter credit grant. It has
// nothing to set besides its benefit type.
type CustomerBenefitGrantMeterCreditUpdate struct{}

func (CustomerBenefitGrantDiscordUpdate) isCustomerBenefitGrantUpdate()            {}
func (CustomerBenefitGrantGitHubRepositoryUpdate) isCustomerBenefitGrantUpdate()   {}
func (CustomerBenefitGrantSlackSharedChannelUpdate) isCustomerBenefitGrantUpdate() {}
func (CustomerBenefitGrantCustomUpdate) isCustomerBenefitGrantUpdate()             {}
func (CustomerBenefitGrantDownloadablesUpdate) isCustomerBenefitGrantUpdate()      {}
func (CustomerBenefitGrantFeatureFlagUpdate) isCustomerBenefitGrantUpdate()        {}
func (CustomerBenefitGrantLicenseKeysUpdate) isCustomerBenefitGrantUpdate()        {}
func (CustomerBenefitGrantMeterCreditUpdate) isCustomerBenefitGrantUpdate()        {}

// MarshalJSON writes the update with its benefit_type.
func (u CustomerBenefitGrantDiscordUpdate) MarshalJSON() ([]byte, error) {
	type plain CustomerBenefitGrantDiscordUpdate
	return marshalGrantUpdate(BenefitTypeDiscord, plain(u))
}

// MarshalJSON writes the update with its benefit_type.
func (u CustomerBenefitGrantGitHubRepositoryUpdate) MarshalJSON() ([]byte, error) {
	type plain CustomerBenefitGrantGitHubRepositoryUpdate
	return marshalGrantUpdate(BenefitTypeGitHubRepository, plain(u))
}

// MarshalJSON writes the update with its benefit_type.
func (u CustomerBenefitGrantSlackSharedChannelUpdate) MarshalJSON() ([]byte, error) {
	type plain CustomerBenefitGrantSlackSharedChannelUpdate
	return marshalGrantUpdate(BenefitTypeSlackSharedChannel, plain(u))
}

// MarshalJSON writes the update with its benefit_type.
func (u CustomerBenefitGrantCustomUpdate) MarshalJSON() ([]byte, error) {
	type plain CustomerBenefitGrantCustomUpdate
	return marshalGrantUpdate(BenefitTypeCustom, plain(u))
}

// MarshalJSON writes the update with its benefit_type.
func (u CustomerBenefitGrantDownloadablesUpdate) MarshalJSON() ([]byte, error) {
	type plain CustomerBenefitGrantDownloadablesUpdate
	return marshalGrantUpdate(BenefitTypeDownloadables, plain(u))
}

// MarshalJSON writes the update with its benefit_type.
func (u CustomerBenefitGrantFeatureFlagUpdate) MarshalJSON() ([]byte, error) {
	type plain CustomerBenefitGrantFeatureFlagUpdate
	return marshalGrantUpdate(BenefitTypeFeatureFlag, plain(u))
}

// MarshalJSON writes the update with its benefit_type.
func (u CustomerBenefitGrantLicenseKeysUpdate) MarshalJSON() ([]byte, error) {
	type plain CustomerBenefitGrantLicenseKeysUpdate
	return marshalGrantUpdate(BenefitTypeLicenseKeys, plain(u))
}

// MarshalJSON writes the update with its benefit_type.
func (u CustomerBenefitGrantMeterCreditUpdate) MarshalJSON() ([]byte, error) {
	type plain CustomerBenefitGrantMeterCreditUpdate
	return marshalGrantUpdate(BenefitTypeMeterCredit, plain(u))
}
