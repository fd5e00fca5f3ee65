package polartest

import (
	"cmp"
	"strings"

	polar "github.com/polarportal/polar-go"
)

// Wallets: the customer's wallets, billing operations (a member needs the
// owner or billing-manager role). Newest first by default.
var walletsRoutes = routes{
	"customer_portal:wallets:list": {billingRead, walletsList},
	"customer_portal:wallets:get":  {billingRead, walletsGet},
}

var walletSorts = sorter[*polar.CustomerWallet]{
	"created_at": func(a, b *polar.CustomerWallet) int { return a.CreatedAt.Compare(b.CreatedAt) },
	"balance":    func(a, b *polar.CustomerWallet) int { return cmp.Compare(a.Balance, b.Balance) },
}

func walletsList(c *call) error {
	var o polar.WalletListOptions
	c.bindQuery(&o, sortParam(walletSorts))
	if err := c.err(); err != nil {
		return err
	}
	wallets := c.st.wallets.where(func(w *polar.CustomerWallet) bool { return w.CustomerID == c.who.customerID() })
	sortItems(wallets, sortOrder(o.Sorting, "-created_at"), walletSorts, func(a, b *polar.CustomerWallet) int { return strings.Compare(a.ID, b.ID) })
	return c.ok(paginateMap(wallets, pageOf(o.ListOptions), deref))
}

func walletsGet(c *call) error {
	id, err := c.pathUUID("id", false)
	if err != nil {
		return err
	}
	w, err := owned(c.st.wallets, id, c.who.customerID(), func(w *polar.CustomerWallet) string { return w.CustomerID })
	if err != nil {
		return err
	}
	return c.ok(w)
}
