package polar

import (
	"context"
	"iter"
	"net/http"
	"time"
)

// WalletsService covers the wallets of the authenticated customer: their
// balance with an organization, which pays for usage. It needs a customer
// session token, or a member session token of the owner or a billing
// manager of a team.
//
// To stub it in a test, embed WalletsService in a struct and implement only
// the methods the code under test calls (the others panic on the nil
// interface). A stub assigned to Client.Wallets stays in place in the
// clients that WithToken derives.
type WalletsService interface {
	// List returns one page of the customer's wallets.
	//
	// API: GET /v1/customer-portal/wallets/
	List(ctx context.Context, opts *WalletListOptions) (*Page[CustomerWallet], error)
	// All iterates over every wallet of every page, 100 at a time unless
	// opts sets Limit.
	// ListOptions tells what a walk sees of a list that changes meanwhile.
	//
	// API: GET /v1/customer-portal/wallets/
	All(ctx context.Context, opts *WalletListOptions) iter.Seq2[CustomerWallet, error]
	// Get returns a wallet by ID. It fails with an error matching
	// ErrResourceNotFound when the customer has no such wallet.
	//
	// API: GET /v1/customer-portal/wallets/{id}
	Get(ctx context.Context, id string) (*CustomerWallet, error)
}

type walletsService service

var _ WalletsService = (*walletsService)(nil)

const walletsPath = "/v1/customer-portal/wallets/"

var (
	walletsList = declare[WalletListOptions, none, *Page[CustomerWallet]](operation{
		id: OpWalletsList, method: http.MethodGet, path: walletsPath})
	walletsGet = declare[none, none, *CustomerWallet](operation{
		id: OpWalletsGet, method: http.MethodGet, path: walletsPath + "{id}"})
)

func (s *walletsService) List(ctx context.Context, opts *WalletListOptions) (*Page[CustomerWallet], error) {
	return walletsList.query(ctx, s.client, opts)
}

func (s *walletsService) All(ctx context.Context, opts *WalletListOptions) iter.Seq2[CustomerWallet, error] {
	return listAll(ctx, s.client, opts, s.List)
}

func (s *walletsService) Get(ctx context.Context, id string) (*CustomerWallet, error) {
	return walletsGet.call(ctx, s.client, id)
}

// WalletListOptions sorts Wallets.List and Wallets.All.
type WalletListOptions struct {
	ListOptions
	// Sorting lists sort criteria applied in order; the server's default
	// is CustomerWalletSortPropertyCreatedAtDesc.
	Sorting []CustomerWalletSortProperty `url:"sorting,omitempty"`
}

// CustomerWalletSortProperty is a sort criterion of Wallets.List; the
// Desc variants sort in descending order.
type CustomerWalletSortProperty string

// Values of CustomerWalletSortProperty.
const (
	CustomerWalletSortPropertyCreatedAt     CustomerWalletSortProperty = "created_at"
	CustomerWalletSortPropertyCreatedAtDesc CustomerWalletSortProperty = "-created_at"
	CustomerWalletSortPropertyBalance       CustomerWalletSortProperty = "balance"
	CustomerWalletSortPropertyBalanceDesc   CustomerWalletSortProperty = "-balance"
)

// CustomerWallet is the customer's balance with an organization, which
// can be topped up and pays for usage.
type CustomerWallet struct {
	// The ID of the object.
	ID string `json:"id"`
	// Creation timestamp of the object.
	CreatedAt time.Time `json:"created_at"`
	// Last modification timestamp of the object.
	ModifiedAt *time.Time `json:"modified_at"`
	// The ID of the customer that owns the wallet.
	CustomerID string `json:"customer_id"`
	// The current balance of the wallet, in cents.
	Balance int64 `json:"balance"`
	// The currency of the wallet.
	Currency string `json:"currency"`
}
