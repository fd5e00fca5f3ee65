package polartest

import "iter"

// Seq returns what an All method returns, for a stub of a service: a
// sequence that yields each of items with a nil error, in order, and then,
// when err is not nil, the zero value with err, as an All method does when
// a page fails after the pages before it. It stops when the loop breaks,
// and can be ranged over any number of times.
//
//	type stubSubscriptions struct{ polar.SubscriptionsService }
//
//	func (stubSubscriptions) All(context.Context, *polar.SubscriptionListOptions) iter.Seq2[polar.CustomerSubscription, error] {
//		return polartest.Seq([]polar.CustomerSubscription{sub}, nil)
//	}
func Seq[T any](items []T, err error) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		for _, v := range items {
			if !yield(v, nil) {
				return
			}
		}
		if err != nil {
			var zero T
			yield(zero, err)
		}
	}
}
