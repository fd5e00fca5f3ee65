package polar_test

import (
	"context"
	"fmt"

	polar "github.com/polarportal/polar-go"
	"github.com/polarportal/polar-go/polartest"
)

// Introspect tells when the current session expires; AuthenticatedUser who
// it belongs to.
func ExampleSessionsService_Introspect() {
	srv := polartest.NewServer(polartest.WithDemo())
	defer srv.Close()
	client, err := polar.NewClient(polartest.DemoMemberToken, polar.WithBaseURL(srv.URL))
	if err != nil {
		panic(err)
	}
	ctx := context.Background()

	s, err := client.Sessions.Introspect(ctx)
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	fmt.Println("expires", s.ExpiresAt.Format("2006-01-02"))

	user, err := client.Sessions.AuthenticatedUser(ctx)
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	fmt.Println(user.Type, *user.Name, user.Email, *user.Role)
	// Output:
	// expires 2100-01-01
	// member Olivia Owner olivia@globex.example owner
}
