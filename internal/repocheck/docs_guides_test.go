package repocheck

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// frontMatterSubcategory is the subcategory line of a page's YAML front matter, which the registry groups the
// navigation by.
var frontMatterSubcategory = regexp.MustCompile(`(?m)^subcategory:\s*"([^"]*)"\s*$`)

// TestEveryGuideIsListedAndFiled checks the generated docs a reader navigates: docs/index.md links every guide in
// docs/guides, and every guide names a subcategory (an empty one files it apart from the other guides).
func TestEveryGuideIsListedAndFiled(t *testing.T) {
	root := repoRoot(t)
	index, err := os.ReadFile(filepath.Join(root, "docs", "index.md"))
	if err != nil {
		t.Fatal(err)
	}
	guides, err := filepath.Glob(filepath.Join(root, "docs", "guides", "*.md"))
	if err != nil || len(guides) == 0 {
		t.Fatalf("no guides found in docs/guides (%v)", err)
	}
	for _, g := range guides {
		name := filepath.Base(g)
		if !strings.Contains(string(index), "(guides/"+name+")") {
			t.Errorf("docs/index.md does not link guides/%s (templates/index.md.tmpl lists the guides)", name)
		}
		page, err := os.ReadFile(g)
		if err != nil {
			t.Fatal(err)
		}
		m := frontMatterSubcategory.FindSubmatch(page)
		if m == nil || len(m[1]) == 0 {
			t.Errorf("docs/guides/%s has no subcategory in its front matter (templates/guides/%s.tmpl)", name, name)
		}
	}
}

// repoRoot is the module root: tests run in their package's directory, two levels below it.
func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("%s is not the module root: %v", root, err)
	}
	return root
}
