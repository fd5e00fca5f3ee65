package polar_test

import (
	"context"
	"fmt"
	"time"

	polar "github.com/polarportal/polar-go"
	"github.com/polarportal/polar-go/polartest"
)

// A downloadable comes with a presigned URL that expires; fetch it again
// rather than storing it. The fake's clock is fixed here so that the
// expiry is the same on every run.
func ExampleDownloadablesService_All() {
	srv := polartest.NewServer(polartest.WithDemo(), polartest.WithClock(func() time.Time { return polartest.DemoTime }))
	defer srv.Close()
	client, err := polar.NewClient(polartest.DemoCustomerToken, polar.WithBaseURL(srv.URL))
	if err != nil {
		panic(err)
	}

	for d, err := range client.Downloadables.All(context.Background(), nil) {
		if err != nil {
			fmt.Println("error:", err)
			return
		}
		fmt.Println(d.File.Name, d.File.SizeReadable, "expires", d.File.Download.ExpiresAt.Format(time.DateTime))
	}
	// Output:
	// acme.tar.gz 39.1 MB expires 2026-08-01 13:00:00
	// acme.dmg 51.7 MB expires 2026-08-01 13:00:00
	// acme-setup.exe 48.2 MB expires 2026-08-01 13:00:00
}
