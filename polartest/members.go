package polartest

// Members: the members of a team customer. Only a member session of the team's owner or a billing manager may call them (teamAdmin).
//
// Not implemented yet: every operation answers 501 after the access check.
// To implement one, replace notImplemented by its handler (see orders.go).
var membersRoutes = routes{
	"customer_portal:members:list_members":  {teamAdmin, notImplemented},
	"customer_portal:members:add_member":    {teamAdmin, notImplemented},
	"customer_portal:members:update_member": {teamAdmin, notImplemented},
	"customer_portal:members:remove_member": {teamAdmin, notImplemented},
}
