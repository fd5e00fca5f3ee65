package polar

import "reflect"

// enumTypes maps the enum schemas whose Go type does not carry the
// schema's name to that type; every other enum's Go type is named as its
// schema.
var enumTypes = map[string]reflect.Type{
	"CustomerCustomerMeterSortProperty": reflect.TypeFor[CustomerMeterSortProperty](),
	"FileServiceTypes":                  reflect.TypeFor[FileServiceType](),
}

// enumGoName returns the name of the Go type of enum schema name.
func enumGoName(name string) string {
	if t, ok := enumTypes[name]; ok {
		return t.Name()
	}
	return name
}
