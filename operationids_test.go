package polar

import (
	"go/ast"
	"go/parser"
	"go/token"
	"maps"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode"
)

// TestOperationIDConstants checks the Op constants against the registry:
// every registered operation has exactly one constant and every constant
// names a registered operation, and each constant is named after its
// endpoint's declaration (OpOrdersList for ordersList = declare(...)),
// which names a service of Client and a method of that service.
func TestOperationIDConstants(t *testing.T) {
	consts, endpoints := readOpDeclarations(t)
	if len(consts) == 0 || len(endpoints) == 0 {
		t.Fatalf("found %d Op constants and %d declarations", len(consts), len(endpoints))
	}

	byValue := map[string][]string{}
	for name, id := range consts {
		byValue[id] = append(byValue[id], name)
	}
	for _, id := range slices.Sorted(maps.Keys(registry)) {
		if n := byValue[id]; len(n) != 1 {
			t.Errorf("operation %s has constants %v, want one", id, n)
		}
	}
	for _, name := range slices.Sorted(maps.Keys(consts)) {
		if registry[consts[name]] == nil {
			t.Errorf("%s = %q names no registered operation", name, consts[name])
		}
	}
	if len(endpoints) != len(registry) {
		t.Errorf("%d declarations read, %d operations registered", len(endpoints), len(registry))
	}

	client := reflect.TypeFor[Client]()
	for _, v := range slices.Sorted(maps.Keys(endpoints)) {
		id := endpoints[v]
		want := "Op" + string(unicode.ToUpper(rune(v[0]))) + v[1:]
		if got, ok := consts[want]; !ok || got != id {
			t.Errorf("%s declares %s: want constant %s = %q, have %q", v, id, want, id, got)
			continue
		}
		field, method, ok := splitOpName(client, strings.TrimPrefix(want, "Op"))
		if !ok {
			t.Errorf("%s: no Client field starts its name", want)
			continue
		}
		if _, ok := field.Type.MethodByName(method); !ok {
			t.Errorf("%s: %s has no method %s", want, field.Type, method)
		}
	}
}

// splitOpName splits name into the longest Client field of a service
// type that begins it and the rest.
func splitOpName(client reflect.Type, name string) (reflect.StructField, string, bool) {
	var best reflect.StructField
	for i := range client.NumField() {
		f := client.Field(i)
		if f.IsExported() && strings.HasSuffix(f.Type.Name(), "Service") &&
			strings.HasPrefix(name, f.Name) && len(f.Name) > len(best.Name) {
			best = f
		}
	}
	return best, strings.TrimPrefix(name, best.Name), best.Name != "" && len(name) > len(best.Name)
}

// readOpDeclarations reads the package's source: the Op constants by name
// and every endpoint declaration, "v = declare[...](operation{id: ...})",
// by variable, with its id (a literal or an Op constant) as a string.
func readOpDeclarations(t *testing.T) (consts, endpoints map[string]string) {
	t.Helper()
	consts, endpoints = map[string]string{}, map[string]string{}
	names, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	var files []*ast.File
	for _, name := range names {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	for _, f := range files {
		for _, d := range f.Decls {
			gd, ok := d.(*ast.GenDecl)
			if !ok || gd.Tok != token.CONST {
				continue
			}
			for _, s := range gd.Specs {
				vs := s.(*ast.ValueSpec)
				for i, n := range vs.Names {
					if !strings.HasPrefix(n.Name, "Op") || i >= len(vs.Values) {
						continue
					}
					if lit, ok := vs.Values[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
						v, _ := strconv.Unquote(lit.Value)
						consts[n.Name] = v
					}
				}
			}
		}
	}
	for _, f := range files {
		ast.Inspect(f, func(n ast.Node) bool {
			vs, ok := n.(*ast.ValueSpec)
			if !ok {
				return true
			}
			for i, name := range vs.Names {
				if i >= len(vs.Values) {
					continue
				}
				if id, ok := declaredID(vs.Values[i], consts); ok {
					endpoints[name.Name] = id
				}
			}
			return false
		})
	}
	return consts, endpoints
}

// declaredID returns the id of a declare call: a string literal, or an Op
// constant.
func declaredID(e ast.Expr, consts map[string]string) (string, bool) {
	call, ok := e.(*ast.CallExpr)
	if !ok || len(call.Args) != 1 {
		return "", false
	}
	fn := call.Fun
	if ix, ok := fn.(*ast.IndexListExpr); ok {
		fn = ix.X
	}
	if id, ok := fn.(*ast.Ident); !ok || id.Name != "declare" {
		return "", false
	}
	lit, ok := call.Args[0].(*ast.CompositeLit)
	if !ok {
		return "", false
	}
	for _, el := range lit.Elts {
		kv, ok := el.(*ast.KeyValueExpr)
		if k, _ := kv.Key.(*ast.Ident); !ok || k == nil || k.Name != "id" {
			continue
		}
		switch v := kv.Value.(type) {
		case *ast.BasicLit:
			s, err := strconv.Unquote(v.Value)
			return s, err == nil
		case *ast.Ident:
			s, ok := consts[v.Name]
			return s, ok
		}
	}
	return "", false
}
