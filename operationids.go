package polar

// The OpenAPI operationIds of the operations of this package, as
// OperationID returns them and Operations lists them. Each is named Op,
// then the Client field of its service, then the method that sends it:
// OpOrdersList is sent by Orders.List, and by Orders.All, which walks its
// pages. They name metrics and spans by operation rather than by path,
// and a test keeps them in step with the operations declared.
const (
	OpOrdersList                = "customer_portal:orders:list"
	OpOrdersGet                 = "customer_portal:orders:get"
	OpOrdersUpdate              = "customer_portal:orders:update"
	OpOrdersGenerateInvoice     = "customer_portal:orders:generate_invoice"
	OpOrdersInvoice             = "customer_portal:orders:invoice"
	OpOrdersReceipt             = "customer_portal:orders:receipt"
	OpOrdersPaymentStatus       = "customer_portal:orders:get_payment_status"
	OpOrdersConfirmRetryPayment = "customer_portal:orders:confirm_retry_payment"

	OpCustomersGet                  = "customer_portal:customers:get"
	OpCustomersUpdate               = "customer_portal:customers:update"
	OpCustomersListPaymentMethods   = "customer_portal:customers:list_payment_methods"
	OpCustomersAddPaymentMethod     = "customer_portal:customers:add_payment_method"
	OpCustomersConfirmPaymentMethod = "customer_portal:customers:confirm_payment_method"
	OpCustomersDeletePaymentMethod  = "customer_portal:customers:delete_payment_method"
	OpCustomersRequestEmailUpdate   = "customer_portal:customers:request_email_update"
	OpCustomersCheckEmailUpdate     = "customer_portal:customers:check_email_update"
	OpCustomersVerifyEmailUpdate    = "customer_portal:customers:verify_email_update"

	OpMembersList   = "customer_portal:members:list_members"
	OpMembersAdd    = "customer_portal:members:add_member"
	OpMembersUpdate = "customer_portal:members:update_member"
	OpMembersRemove = "customer_portal:members:remove_member"

	OpSeatsList                     = "customer_portal:seats:list_seats"
	OpSeatsAssign                   = "customer_portal:seats:assign_seat"
	OpSeatsRevoke                   = "customer_portal:seats:revoke_seat"
	OpSeatsResendInvitation         = "customer_portal:seats:resend_invitation"
	OpSeatsListClaimedSubscriptions = "customer_portal:seats:list_claimed_subscriptions"

	OpSubscriptionsList   = "customer_portal:subscriptions:list"
	OpSubscriptionsGet    = "customer_portal:subscriptions:get"
	OpSubscriptionsUpdate = "customer_portal:subscriptions:update"
	OpSubscriptionsCancel = "customer_portal:subscriptions:cancel"

	OpWalletsList = "customer_portal:wallets:list"
	OpWalletsGet  = "customer_portal:wallets:get"

	OpMetersList = "customer_portal:customer_meters:list"
	OpMetersGet  = "customer_portal:customer_meters:get"

	OpOrganizationsGet = "customer_portal:organizations:get"

	OpDownloadablesList = "customer_portal:downloadables:list"

	OpBenefitGrantsList   = "customer_portal:benefit-grants:list"
	OpBenefitGrantsGet    = "customer_portal:benefit-grants:get"
	OpBenefitGrantsUpdate = "customer_portal:benefit-grants:update"

	OpLicenseKeysList       = "customer_portal:license_keys:list"
	OpLicenseKeysGet        = "customer_portal:license_keys:get"
	OpLicenseKeysRotate     = "customer_portal:license_keys:rotate"
	OpLicenseKeysValidate   = "customer_portal:license_keys:validate"
	OpLicenseKeysActivate   = "customer_portal:license_keys:activate"
	OpLicenseKeysDeactivate = "customer_portal:license_keys:deactivate"

	OpSessionsCreate            = "customer-sessions:create"
	OpSessionsIntrospect        = "customer_portal:customer-session:introspect"
	OpSessionsAuthenticatedUser = "customer_portal:customer-session:get_authenticated_user"
)
