package polar

import (
	"context"
	"errors"
	"net/url"
	"reflect"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const walletID = "3959186d-6bb2-4424-9af8-72f586c8b22b"

var wantWallet = CustomerWallet{
	ID:         walletID,
	CreatedAt:  rfc3339("2026-02-01T12:00:00.123456Z"),
	ModifiedAt: rfc3339p("2026-09-30T17:45:12Z"),
	CustomerID: "5d8f1e2a-7c4b-4a9e-8f3d-2b1c0a9e8d7f",
	Balance:    5000,
	Currency:   "usd",
}

func TestWalletsList(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts *WalletListOptions
		want url.Values
	}{
		{"nil options", nil, url.Values{}},
		{"page and sorting", &WalletListOptions{
			ListOptions: ListOptions{Page: 3, Limit: 5},
			Sorting:     []CustomerWalletSortProperty{CustomerWalletSortPropertyBalanceDesc, CustomerWalletSortPropertyCreatedAt},
		}, url.Values{"page": {"3"}, "limit": {"5"}, "sorting": {"-balance", "created_at"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := newRecorder(t, jsonAnswer(200, string(fixture("wallets_page.json"))))
			c := newTestClient(t, srv, testToken)
			page, err := c.Wallets.List(bg(), tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			want := &Page[CustomerWallet]{
				Items: []CustomerWallet{wantWallet, {
					ID:         "728d4722-2842-4e3e-99f7-3759d0d1afbb",
					CreatedAt:  rfc3339("2026-03-15T08:00:00Z"),
					CustomerID: "5d8f1e2a-7c4b-4a9e-8f3d-2b1c0a9e8d7f",
					Balance:    -250,
					Currency:   "eur",
				}},
				Pagination: Pagination{TotalCount: 2, MaxPage: 1},
			}
			if diff := cmp.Diff(want, page); diff != "" {
				t.Errorf("page (-want +got):\n%s", diff)
			}
			checkListRequest(t, srv.requests()[0], "/v1/customer-portal/wallets/", tc.want)
		})
	}
}

func TestWalletsAll(t *testing.T) {
	srv := newRecorder(t, jsonAnswer(200, string(fixture("wallets_page.json"))))
	c := newTestClient(t, srv, testToken)
	var balances []int64
	for w, err := range c.Wallets.All(bg(), &WalletListOptions{Sorting: []CustomerWalletSortProperty{CustomerWalletSortPropertyBalance}}) {
		if err != nil {
			t.Fatal(err)
		}
		balances = append(balances, w.Balance)
	}
	if diff := cmp.Diff([]int64{5000, -250}, balances); diff != "" {
		t.Errorf("balances (-want +got):\n%s", diff)
	}
	if got := srv.requests()[0].RequestURI; got != "/v1/customer-portal/wallets/?limit=100&page=1&sorting=balance" {
		t.Errorf("RequestURI = %q", got)
	}
}

func TestWalletsGet(t *testing.T) {
	srv := newRecorder(t, jsonAnswer(200, string(fixture("wallet.json"))))
	c := newTestClient(t, srv, testToken)
	w, err := c.Wallets.Get(bg(), walletID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(&wantWallet, w); diff != "" {
		t.Errorf("wallet (-want +got):\n%s", diff)
	}
	r := srv.requests()[0]
	if r.Method != "GET" || r.RequestURI != "/v1/customer-portal/wallets/"+walletID || len(r.Body) != 0 {
		t.Fatalf("request %s %s %q", r.Method, r.RequestURI, r.Body)
	}
	checkCommonHeaders(t, r, true)
}

func TestWalletsErrors(t *testing.T) {
	srv := newRecorder(t, jsonAnswer(404, `{"error":"ResourceNotFound","detail":"Wallet not found."}`))
	c := newTestClient(t, srv, testToken)
	if _, err := c.Wallets.Get(bg(), walletID); !errors.Is(err, ErrResourceNotFound) {
		t.Errorf("get: %v", err)
	}
	srv = newRecorder(t, jsonAnswer(422, `{"error":"RequestValidationError","detail":[{"loc":["query","sorting",0],"msg":"Input should be 'created_at', '-created_at', 'balance' or '-balance'","type":"enum"}]}`))
	c = newTestClient(t, srv, testToken)
	var ve *ValidationError
	_, err := c.Wallets.List(bg(), &WalletListOptions{Sorting: []CustomerWalletSortProperty{"currency"}})
	if !errors.As(err, &ve) || len(ve.Errors) != 1 || ve.Errors[0].Loc[2] != 0 {
		t.Errorf("list: %v", err)
	}
	if _, err := c.Wallets.Get(bg(), walletID); !errors.As(err, &ve) {
		t.Errorf("get: %v", err)
	}
}

func TestWalletRoundTrip(t *testing.T) {
	roundTrip[CustomerWallet](t, "wallet.json")
	roundTrip[Page[CustomerWallet]](t, "wallets_page.json")
}

// TestWalletUnknownsSurvive: fields a newer server adds are ignored.
func TestWalletUnknownsSurvive(t *testing.T) {
	srv := newRecorder(t, jsonAnswer(200, `{"id":"`+walletID+`","created_at":"2026-02-01T12:00:00Z","modified_at":null,
		"customer_id":"5d8f1e2a-7c4b-4a9e-8f3d-2b1c0a9e8d7f","balance":5000,"currency":"usd",
		"type":"prepaid","organization_id":"b40e37eb-4c0c-42cb-b220-07fde945b162","limits":{"max":100000}}`))
	c := newTestClient(t, srv, testToken)
	w, err := c.Wallets.Get(bg(), walletID)
	if err != nil || w.Balance != 5000 || w.ModifiedAt != nil {
		t.Fatalf("Get = %+v, %v", w, err)
	}
}

const testWalletJSON = `{"id":"` + walletID + `","created_at":"2026-02-01T12:00:00Z","modified_at":null,"customer_id":"` + testUUID + `","balance":0,"currency":"usd"}`

var _ = addOps(
	opSpec{id: "customer_portal:wallets:list", answer: `{"items":[` + testWalletJSON + `],"pagination":{"total_count":1,"max_page":1}}`,
		call: func(ctx context.Context, c *Client, _ string) error {
			return onlyErr(c.Wallets.List(ctx, &WalletListOptions{Sorting: []CustomerWalletSortProperty{CustomerWalletSortPropertyCreatedAtDesc}}))
		},
		rows: []contractRow{
			{call: func(ctx context.Context, c *Client) error { return onlyErr(c.Wallets.List(ctx, nil)) }},
			{call: func(ctx context.Context, c *Client) error {
				return onlyErr(c.Wallets.List(ctx, &WalletListOptions{
					ListOptions: ListOptions{Page: 1, Limit: 50},
					Sorting:     []CustomerWalletSortProperty{CustomerWalletSortPropertyBalanceDesc, CustomerWalletSortPropertyCreatedAt},
				}))
			}},
		},
		schemas: map[string]reflect.Type{
			"CustomerWallet":               reflect.TypeFor[CustomerWallet](),
			"ListResource_CustomerWallet_": reflect.TypeFor[Page[CustomerWallet]](),
		},
	},
	opSpec{id: "customer_portal:wallets:get", answer: testWalletJSON,
		call: func(ctx context.Context, c *Client, id string) error { return onlyErr(c.Wallets.Get(ctx, id)) },
		rows: []contractRow{{arg: "f6a1c3e2-4b5d-4e8f-9a0b-1c2d3e4f5a6b"}},
	},
)
