package main

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// arrow is one file-level dependency: from refers to at least one package-level identifier declared in to.
type arrow struct {
	from, to string
	// idents are the distinct identifiers of to that from refers to, sorted; refs counts every reference.
	idents []string
	refs   int
}

// graph is a package's files and the arrows between them, each (from, to) pair once.
type graph struct {
	files  []string // base names, sorted
	arrows []arrow  // sorted by from, then to
}

// readGraph parses the non-test .go files of dir and builds the file-level dependency graph.
//
// Names are resolved by syntax alone (go/parser's per-file scopes), without type checking: a reference is an
// identifier that no scope of its own file declares and that names a package-level func, type, var or const of
// another file. A method is reached through its receiver type: its declaration points at the type's file, and a
// call x.m() is not resolved (that needs x's type), so a caller's arrow goes to the file that declares the type
// it names. Selectors' right-hand sides, field names and composite-literal keys of struct literals are names of
// fields or methods, not references.
func readGraph(dir string) (graph, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return graph{}, err
	}
	fset := token.NewFileSet()
	parsed := map[string]*ast.File{}
	var files []string
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, filepath.Join(dir, name), nil, 0)
		if err != nil {
			return graph{}, err
		}
		parsed[name] = f
		files = append(files, name)
	}
	if len(files) == 0 {
		return graph{}, fmt.Errorf("no non-test .go files in %s", dir)
	}
	sort.Strings(files)

	declaredIn := map[string]string{} // package-level name -> file
	for _, name := range files {
		for _, id := range packageLevelNames(parsed[name]) {
			declaredIn[id] = name
		}
	}

	var arrows []arrow
	for _, from := range files {
		refs := map[string]map[string]int{} // to -> identifier -> references
		forEachReference(parsed[from], func(id *ast.Ident) {
			to, ok := declaredIn[id.Name]
			if !ok || to == from {
				return
			}
			if refs[to] == nil {
				refs[to] = map[string]int{}
			}
			refs[to][id.Name]++
		})
		for to, byIdent := range refs {
			a := arrow{from: from, to: to}
			for id, n := range byIdent {
				a.idents = append(a.idents, id)
				a.refs += n
			}
			sort.Strings(a.idents)
			arrows = append(arrows, a)
		}
	}
	sort.Slice(arrows, func(i, j int) bool {
		if arrows[i].from != arrows[j].from {
			return arrows[i].from < arrows[j].from
		}
		return arrows[i].to < arrows[j].to
	})
	return graph{files: files, arrows: arrows}, nil
}

// packageLevelNames are the funcs, types, vars and consts a file declares at package level (methods are not
// package-level names: they belong to their receiver type).
func packageLevelNames(f *ast.File) []string {
	var names []string
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			if d.Recv == nil && d.Name.Name != "init" && d.Name.Name != "_" {
				names = append(names, d.Name.Name)
			}
		case *ast.GenDecl:
			for _, s := range d.Specs {
				switch s := s.(type) {
				case *ast.TypeSpec:
					names = append(names, s.Name.Name)
				case *ast.ValueSpec:
					for _, n := range s.Names {
						if n.Name != "_" {
							names = append(names, n.Name)
						}
					}
				}
			}
		}
	}
	return names
}

// forEachReference calls use for every identifier in f that its own file leaves unresolved and that stands for a
// name (not a field, method, label or declaration).
func forEachReference(f *ast.File, use func(*ast.Ident)) {
	notRefs := map[*ast.Ident]bool{}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.SelectorExpr:
			notRefs[n.Sel] = true
		case *ast.Field:
			for _, id := range n.Names {
				notRefs[id] = true
			}
		case *ast.LabeledStmt:
			notRefs[n.Label] = true
		case *ast.BranchStmt:
			if n.Label != nil {
				notRefs[n.Label] = true
			}
		case *ast.FuncDecl:
			notRefs[n.Name] = true
		case *ast.CompositeLit:
			if !keysAreValues(n.Type) {
				for _, e := range n.Elts {
					if kv, ok := e.(*ast.KeyValueExpr); ok {
						if id, ok := kv.Key.(*ast.Ident); ok {
							notRefs[id] = true
						}
					}
				}
			}
		case *ast.ImportSpec:
			return false
		case *ast.Ident:
			// Obj is set when a scope of this file declares the name (a local, a parameter, or a package-level
			// name of this same file); a name declared in another file of the package is left unresolved.
			if n.Obj == nil && !notRefs[n] && n != f.Name {
				use(n)
			}
		}
		return true
	})
}

// keysAreValues says whether a composite literal's keys are expressions (map keys, array indexes) rather than
// struct field names. A named or elided type is taken for a struct: without type checking its keys are
// indistinguishable from field names, and in this code base such keys are field names.
func keysAreValues(t ast.Expr) bool {
	switch t.(type) {
	case *ast.MapType, *ast.ArrayType:
		return true
	}
	return false
}
