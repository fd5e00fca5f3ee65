package polar

import "fmt"

// Environment selects Polar's production or sandbox servers, and with them
// the server-side rate limits the client stays within.
type Environment int

const (
	// Production is https://api.polar.sh, the default.
	Production Environment = iota
	// Sandbox is https://sandbox-api.polar.sh, for testing with test cards.
	Sandbox
)

// BaseURL returns the environment's API base URL.
func (e Environment) BaseURL() string {
	if e == Sandbox {
		return "https://sandbox-api.polar.sh"
	}
	return "https://api.polar.sh"
}

// String returns "production" or "sandbox".
func (e Environment) String() string {
	switch e {
	case Production:
		return "production"
	case Sandbox:
		return "sandbox"
	}
	return fmt.Sprintf("Environment(%d)", int(e))
}
