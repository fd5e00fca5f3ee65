package polar

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestDocComments keeps the package documentation readable on pkg.go.dev:
// every exported type and function has a doc comment, every exported
// struct field is documented (by its own comment, or by the struct's doc
// naming it), and comments use no Markdown code spans.
func TestDocComments(t *testing.T) {
	fset := token.NewFileSet()
	names, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	codeSpan := regexp.MustCompile("`[^`\n]+`")
	for _, name := range names {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.ParseComments)
		if err != nil {
			t.Fatal(err)
		}
		for _, cg := range f.Comments {
			for _, c := range cg.List {
				if m := codeSpan.FindString(c.Text); m != "" && !strings.Contains(c.Text, "`\"") && !strings.Contains(c.Text, "\"`") {
					t.Errorf("%s: Markdown code span %s in a comment", fset.Position(c.Pos()), m)
				}
			}
		}
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				if d.Name.IsExported() && d.Doc == nil && (d.Recv == nil || exportedRecv(d.Recv)) && !wellKnownMethod(d.Name.Name) {
					t.Errorf("%s: %s has no doc comment", fset.Position(d.Pos()), d.Name.Name)
				}
			case *ast.GenDecl:
				if d.Tok != token.TYPE {
					continue
				}
				for _, s := range d.Specs {
					ts := s.(*ast.TypeSpec)
					if !ts.Name.IsExported() {
						continue
					}
					doc := d.Doc
					if ts.Doc != nil {
						doc = ts.Doc
					}
					if doc == nil {
						t.Errorf("%s: type %s has no doc comment", fset.Position(ts.Pos()), ts.Name.Name)
						continue
					}
					if it, ok := ts.Type.(*ast.InterfaceType); ok && strings.HasSuffix(ts.Name.Name, "Service") {
						checkServiceDocs(t, fset, ts.Name.Name, it)
						continue
					}
					st, ok := ts.Type.(*ast.StructType)
					if !ok {
						continue
					}
					for _, fl := range st.Fields.List {
						for _, n := range fl.Names {
							if n.IsExported() && fl.Doc == nil && fl.Comment == nil && !mentions(doc.Text(), n.Name) {
								t.Errorf("%s: field %s.%s is not documented", fset.Position(n.Pos()), ts.Name.Name, n.Name)
							}
						}
					}
				}
			}
		}
	}
}

var apiLine = regexp.MustCompile(`(?m)^API: (GET|POST|PATCH|DELETE) (\S+)`)

// checkServiceDocs checks that each method of a service interface names,
// on a line "API: METHOD PATH", a registered operation, so that readers of
// pkg.go.dev find it in Polar's documentation.
func checkServiceDocs(t *testing.T, fset *token.FileSet, name string, it *ast.InterfaceType) {
	ops := map[string]bool{}
	for _, op := range registry {
		ops[op.method+" "+op.path] = true
	}
	for _, m := range it.Methods.List {
		if len(m.Names) == 0 {
			continue
		}
		where := fset.Position(m.Pos()).String() + ": " + name + "." + m.Names[0].Name
		if m.Doc == nil {
			t.Errorf("%s has no doc comment", where)
			continue
		}
		sm := apiLine.FindStringSubmatch(m.Doc.Text())
		switch {
		case sm == nil:
			t.Errorf("%s: the doc names no operation (a line \"API: METHOD PATH\")", where)
		case !ops[sm[1]+" "+sm[2]]:
			t.Errorf("%s: the doc names %s %s, which is no registered operation", where, sm[1], sm[2])
		}
	}
}

func exportedRecv(fl *ast.FieldList) bool {
	typ := fl.List[0].Type
	if star, ok := typ.(*ast.StarExpr); ok {
		typ = star.X
	}
	if idx, ok := typ.(*ast.IndexExpr); ok {
		typ = idx.X
	}
	if idx, ok := typ.(*ast.IndexListExpr); ok {
		typ = idx.X
	}
	id, ok := typ.(*ast.Ident)
	return ok && id.IsExported()
}

// wellKnownMethod names methods whose meaning the standard library
// documents (error, fmt and encoding/json interfaces).
func wellKnownMethod(name string) bool {
	switch name {
	case "Error", "Unwrap", "String", "GoString", "Format", "MarshalJSON", "UnmarshalJSON", "Is":
		return true
	}
	return false
}

func mentions(doc, name string) bool {
	return regexp.MustCompile(`\b` + regexp.QuoteMeta(name) + `\b`).MatchString(doc)
}
