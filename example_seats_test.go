package polar_test

import (
	"context"
	"fmt"

	polar "github.com/polarportal/polar-go"
	"github.com/polarportal/polar-go/polartest"
)

// Seats.List answers every seat of a seat-based subscription at once,
// with how many are still free; Assign gives one to a new member by email.
func ExampleSeatsService_List() {
	srv := polartest.NewServer(polartest.WithDemo())
	defer srv.Close()
	client, err := polar.NewClient(polartest.DemoTeamCustomerToken, polar.WithBaseURL(srv.URL))
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	opts := &polar.SeatListOptions{SubscriptionID: polartest.DemoTeamSubscriptionID}

	seats, err := client.Seats.List(ctx, opts)
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	fmt.Println(seats.AvailableSeats, "of", seats.TotalSeats, "seats free")
	for _, s := range seats.Seats {
		email := "-"
		if s.Email != nil {
			email = *s.Email
		}
		fmt.Println(s.Status, email)
	}

	seat, err := client.Seats.Assign(ctx, &polar.CustomerSeatAssign{
		SubscriptionID: polartest.DemoTeamSubscriptionID,
		Email:          "dave@globex.example",
	})
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	fmt.Println(seat.Status, *seat.Email)
	// Output:
	// 2 of 5 seats free
	// claimed olivia@globex.example
	// claimed mia@globex.example
	// pending new.hire@globex.example
	// revoked -
	// pending dave@globex.example
}
