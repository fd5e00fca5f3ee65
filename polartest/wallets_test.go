package polartest_test

import (
	"net/http"
	"slices"
	"testing"

	polar "github.com/polarportal/polar-go"
	"github.com/polarportal/polar-go/polartest"
)

const (
	walletUSD    = "00000010-0000-4000-8000-000000000001" // Alice's, 25 USD
	walletEUR    = "00000010-0000-4000-8000-000000000002" // Alice's, empty
	walletGlobex = "00000010-0000-4000-8000-000000000003"
)

func walletIDs(items []polar.CustomerWallet) []string {
	ids := make([]string, len(items))
	for i, w := range items {
		ids[i] = w.ID
	}
	return ids
}

func TestWalletsList(t *testing.T) {
	srv := polartest.NewTestServer(t, polartest.WithDemo())
	c, tp := client(t, srv, polartest.DemoCustomerToken)
	page, err := c.Wallets.List(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	strict[polar.Page[polar.CustomerWallet]](t, tp.body())
	// Newest first.
	if got := walletIDs(page.Items); !slices.Equal(got, []string{walletEUR, walletUSD}) || page.Pagination != (polar.Pagination{TotalCount: 2, MaxPage: 1}) {
		t.Errorf("Alice's wallets: %v, %+v", got, page.Pagination)
	}
	if w := page.Items[1]; w.Balance != 2500 || w.Currency != "usd" || w.CustomerID != polartest.DemoCustomerID {
		t.Errorf("USD wallet: %+v", w)
	}
	for _, tc := range []struct {
		sorting []polar.CustomerWalletSortProperty
		want    []string
	}{
		{[]polar.CustomerWalletSortProperty{polar.CustomerWalletSortPropertyCreatedAt}, []string{walletUSD, walletEUR}},
		{[]polar.CustomerWalletSortProperty{polar.CustomerWalletSortPropertyBalance}, []string{walletEUR, walletUSD}},
		{[]polar.CustomerWalletSortProperty{polar.CustomerWalletSortPropertyBalanceDesc, polar.CustomerWalletSortPropertyCreatedAtDesc}, []string{walletUSD, walletEUR}},
	} {
		p, err := c.Wallets.List(ctx, &polar.WalletListOptions{Sorting: tc.sorting})
		if err != nil || !slices.Equal(walletIDs(p.Items), tc.want) {
			t.Errorf("sorting %v: %v, %v", tc.sorting, walletIDs(p.Items), err)
		}
	}
	p, err := c.Wallets.List(ctx, &polar.WalletListOptions{ListOptions: polar.ListOptions{Page: 2, Limit: 1}})
	if err != nil || !slices.Equal(walletIDs(p.Items), []string{walletUSD}) || p.Pagination.MaxPage != 2 {
		t.Errorf("page 2 of 1: %v, %+v, %v", walletIDs(p.Items), p.Pagination, err)
	}
	var all []string
	for w, err := range c.Wallets.All(ctx, nil) {
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, w.ID)
	}
	if len(all) != 2 {
		t.Errorf("All: %v", all)
	}

	_, err = c.Wallets.List(ctx, &polar.WalletListOptions{Sorting: []polar.CustomerWalletSortProperty{"currency"}})
	wantValidation(t, err, "query.sorting.0", "enum")
	status, _, b := raw(t, srv, http.MethodGet, "/v1/customer-portal/wallets/?limit=0", polartest.DemoCustomerToken, nil)
	if status != http.StatusUnprocessableEntity || !contains(b, `["query","limit"]`) {
		t.Errorf("limit=0: %d %s", status, b)
	}

	// Wallets are billing data: a team's owner and billing manager see the
	// team's, a plain member may not.
	for tok, want := range map[string]int{
		polartest.DemoTeamCustomerToken:   http.StatusOK,
		polartest.DemoMemberToken:         http.StatusOK,
		polartest.DemoBillingManagerToken: http.StatusOK,
		polartest.DemoPlainMemberToken:    http.StatusForbidden,
		polartest.DemoOtherCustomerToken:  http.StatusOK,
	} {
		o, _ := client(t, srv, tok)
		p, err := o.Wallets.List(ctx, nil)
		switch {
		case want == http.StatusForbidden:
			wantAPIError(t, err, want, "NotPermitted")
		case tok == polartest.DemoOtherCustomerToken:
			if err != nil || len(p.Items) != 0 {
				t.Errorf("Bob's wallets: %v, %v", p, err)
			}
		case err != nil || !slices.Equal(walletIDs(p.Items), []string{walletGlobex}):
			t.Errorf("%s: %v, %v", tok, p, err)
		}
	}
	ro, _ := client(t, srv, polartest.DemoReadOnlyToken)
	if _, err := ro.Wallets.List(ctx, nil); err != nil {
		t.Errorf("read-only session: %v", err)
	}
	anon, _ := client(t, srv, "")
	_, err = anon.Wallets.List(ctx, nil)
	wantAPIError(t, err, http.StatusUnauthorized, "Unauthorized")
}

func TestWalletsGet(t *testing.T) {
	// On a clock at DemoTime, the Demo dates are those of Demo().
	srv := polartest.NewTestServer(t, polartest.WithDemo(), polartest.WithClock(newClock().Now))
	c, tp := client(t, srv, polartest.DemoCustomerToken)
	w, err := c.Wallets.Get(ctx, walletUSD)
	if err != nil {
		t.Fatal(err)
	}
	strict[polar.CustomerWallet](t, tp.body())
	if w.ID != walletUSD || w.Balance != 2500 || w.Currency != "usd" || !w.CreatedAt.Equal(polartest.DemoTime.AddDate(0, 0, -100)) {
		t.Errorf("wallet: %+v", w)
	}
	_, err = c.Wallets.Get(ctx, walletGlobex)
	wantAPIError(t, err, http.StatusNotFound, "ResourceNotFound")
	_, err = c.Wallets.Get(ctx, polartest.UUID("no such wallet"))
	wantAPIError(t, err, http.StatusNotFound, "ResourceNotFound")
	_, err = c.Wallets.Get(ctx, "wallet-1")
	wantValidation(t, err, "path.id", "uuid_parsing")

	owner, _ := client(t, srv, polartest.DemoMemberToken)
	if w, err := owner.Wallets.Get(ctx, walletGlobex); err != nil || w.Balance != 10000 {
		t.Errorf("the team's owner reads its wallet: %+v, %v", w, err)
	}
	plain, _ := client(t, srv, polartest.DemoPlainMemberToken)
	_, err = plain.Wallets.Get(ctx, walletGlobex)
	wantAPIError(t, err, http.StatusForbidden, "NotPermitted")
	anon, _ := client(t, srv, "")
	_, err = anon.Wallets.Get(ctx, walletUSD)
	wantAPIError(t, err, http.StatusUnauthorized, "Unauthorized")
}
