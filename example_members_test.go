package polar_test

import (
	"context"
	"errors"
	"fmt"

	polar "github.com/polarportal/polar-go"
	"github.com/polarportal/polar-go/polartest"
)

// The members of a team customer are managed with a member session of
// its owner or billing manager; a plain member may not.
func ExampleMembersService_List() {
	srv := polartest.NewServer(polartest.WithDemo())
	defer srv.Close()
	base, err := polar.NewClient("", polar.WithBaseURL(srv.URL))
	if err != nil {
		panic(err)
	}
	ctx := context.Background()

	owner := base.WithToken(polartest.DemoMemberToken)
	page, err := owner.Members.List(ctx, nil)
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	for _, m := range page.Items {
		fmt.Println(m.Role, m.Email)
	}

	plain := base.WithToken(polartest.DemoPlainMemberToken)
	_, err = plain.Members.List(ctx, nil)
	fmt.Println(errors.Is(err, polar.ErrNotPermitted))
	// Output:
	// owner olivia@globex.example
	// billing_manager bill@globex.example
	// member mia@globex.example
	// true
}
