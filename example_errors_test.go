package polar_test

import (
	"context"
	"errors"
	"fmt"

	polar "github.com/polarportal/polar-go"
	"github.com/polarportal/polar-go/polartest"
)

// errors.Is matches an error against a sentinel, errors.As gets the
// *APIError with the status and the error name, and a 422 is also a
// *ValidationError with each problem's location.
func ExampleValidationError() {
	srv := polartest.NewServer(polartest.WithDemo())
	defer srv.Close()
	client, err := polar.NewClient(polartest.DemoCustomerToken, polar.WithBaseURL(srv.URL))
	if err != nil {
		panic(err)
	}
	ctx := context.Background()

	_, err = client.Subscriptions.Get(ctx, "not-a-uuid")
	var verr *polar.ValidationError
	if errors.As(err, &verr) {
		for _, p := range verr.Errors {
			fmt.Println(verr.StatusCode, p.Loc, p.Type)
		}
	}

	_, err = client.Orders.Get(ctx, "")
	fmt.Println(errors.Is(err, polar.ErrInvalidArgument), "(nothing was sent)")

	_, err = client.WithToken(polartest.DemoExpiredToken).Orders.List(ctx, nil)
	var apiErr *polar.APIError
	if errors.As(err, &apiErr) {
		fmt.Println(apiErr.StatusCode, apiErr.Name, polar.IsTransient(err))
	}
	// Output:
	// 422 [path id] uuid_parsing
	// true (nothing was sent)
	// 401 invalid_token false
}
