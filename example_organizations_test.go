package polar_test

import (
	"context"
	"fmt"

	polar "github.com/polarportal/polar-go"
	"github.com/polarportal/polar-go/polartest"
)

// An organization's portal page is public: a client without a token
// fetches it by the organization's slug.
func ExampleOrganizationsService_Get() {
	srv := polartest.NewServer(polartest.WithDemo())
	defer srv.Close()
	client, err := polar.NewClient("", polar.WithBaseURL(srv.URL))
	if err != nil {
		panic(err)
	}

	data, err := client.Organizations.Get(context.Background(), polartest.DemoOrganizationSlug)
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	fmt.Println(data.Organization.Name)
	for _, p := range data.Products {
		fmt.Println(" ", p.Name)
	}
	// Output:
	// Acme Software
	//   Pro Monthly
	//   Pro Yearly
	//   Team Seats
	//   Desktop App
	//   E-book
	//   API Usage
}
