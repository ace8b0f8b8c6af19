package pipeline

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
)

const (
	botToken  = "glpat-test"
	botUserID = 42
	projectID = "100"
	mrIID     = "7"
)

// note is a merge-request note as the GitLab API returns it.
type note struct {
	ID     int    `json:"id"`
	Body   string `json:"body"`
	System bool   `json:"system"`
	Author struct {
		ID int `json:"id"`
	} `json:"author"`
}

// issue is an issue as the GitLab API returns it.
type issue struct {
	IID   int    `json:"iid"`
	Title string `json:"title"`
}

// fakeGitLab answers the few API v4 calls the scripts make, on loopback, and
// records every write as "METHOD path key=value...".
type fakeGitLab struct {
	mu       sync.Mutex
	notes    []note  // the merge request's notes, oldest first
	issues   []issue // open issues labelled drift
	pageSize int
	writes   []string
	queries  []url.Values
}

func (f *fakeGitLab) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if r.Header.Get("PRIVATE-TOKEN") != botToken {
		http.Error(w, `{"message":"401 Unauthorized"}`, http.StatusUnauthorized)
		return
	}
	p := strings.TrimPrefix(r.URL.Path, "/api/v4")
	notesPath := "/projects/" + projectID + "/merge_requests/" + mrIID + "/notes"
	issuesPath := "/projects/" + projectID + "/issues"
	switch {
	case r.Method == http.MethodGet && p == "/user":
		fmt.Fprintf(w, `{"id":%d,"username":"project_100_bot"}`, botUserID)
	case r.Method == http.MethodGet && p == notesPath:
		page, _ := strconv.Atoi(r.URL.Query().Get("page"))
		if page < 1 {
			page = 1
		}
		lo, hi := (page-1)*f.pageSize, page*f.pageSize
		if lo > len(f.notes) {
			lo = len(f.notes)
		}
		if hi >= len(f.notes) {
			hi = len(f.notes)
		} else {
			w.Header().Set("X-Next-Page", strconv.Itoa(page+1))
		}
		_ = json.NewEncoder(w).Encode(append([]note{}, f.notes[lo:hi]...))
	case r.Method == http.MethodGet && p == issuesPath:
		f.queries = append(f.queries, r.URL.Query())
		_ = json.NewEncoder(w).Encode(append([]issue{}, f.issues...))
	case r.Method == http.MethodPost || r.Method == http.MethodPut:
		body, _ := io.ReadAll(r.Body)
		form, err := url.ParseQuery(string(body))
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		rec := r.Method + " " + p
		for _, k := range []string{"title", "labels", "description", "body"} {
			if v, ok := form[k]; ok {
				rec += " " + k + "=" + v[0]
			}
		}
		f.writes = append(f.writes, rec)
		w.WriteHeader(http.StatusCreated)
		fmt.Fprint(w, `{"id":1}`)
	default:
		http.Error(w, `{"message":"404 Not found"}`, http.StatusNotFound)
	}
}

func botNote(id int, body string) note {
	n := note{ID: id, Body: body}
	n.Author.ID = botUserID
	return n
}

func userNote(id int, body string) note {
	n := note{ID: id, Body: body}
	n.Author.ID = 7
	return n
}

func gitlabEnv(srv *httptest.Server) []string {
	return []string{"CI_API_V4_URL=" + srv.URL + "/api/v4", "CI_PROJECT_ID=" + projectID, "FLEETFORM_BOT_TOKEN=" + botToken}
}

func TestStickyCommentGitLab(t *testing.T) {
	needTools(t, "bash", "curl", "jq")
	const marker = "<!-- fleetplan-diff -->"
	body := marker + "\n## Offline plan diff\n\nprod: 2 changed & 1 new\n"
	notes := "/projects/" + projectID + "/merge_requests/" + mrIID + "/notes"
	cases := []struct {
		name   string
		notes  []note
		env    []string
		body   string
		want   []string
		code   int
		stderr string
	}{
		{
			name:  "first push creates the note",
			notes: []note{userNote(1, "LGTM")},
			body:  body,
			want:  []string{"POST " + notes + " body=" + body},
		},
		{
			name:  "a later push edits the bot's note in place, found on page two",
			notes: []note{userNote(1, "a"), userNote(2, "b"), botNote(3, "unrelated bot note"), botNote(4, marker+"\nold"), userNote(5, "c")},
			body:  body,
			want:  []string{"PUT " + notes + "/4 body=" + body},
		},
		{
			name:  "a human's note that quotes the marker is left alone",
			notes: []note{userNote(9, marker+"\nquoted by a reviewer")},
			body:  body,
			want:  []string{"POST " + notes + " body=" + body},
		},
		{
			name:  "a system note with the marker is left alone",
			notes: []note{func() note { n := botNote(9, marker); n.System = true; return n }()},
			body:  body,
			want:  []string{"POST " + notes + " body=" + body},
		},
		{
			name:  "the merge request project wins over the pipeline's project",
			notes: []note{botNote(4, marker)},
			env:   []string{"CI_PROJECT_ID=999", "CI_MERGE_REQUEST_PROJECT_ID=" + projectID},
			body:  body,
			want:  []string{"PUT " + notes + "/4 body=" + body},
		},
		{
			name:  "another marker keeps a second sticky note (previews)",
			notes: []note{botNote(4, marker), botNote(6, "<!-- pulumi-preview-dev -->\nold")},
			env:   []string{"STICKY_MARKER=<!-- pulumi-preview-dev -->"},
			body:  "<!-- pulumi-preview-dev -->\nnew",
			want:  []string{"PUT " + notes + "/6 body=<!-- pulumi-preview-dev -->\nnew"},
		},
		{
			name:   "a body without the marker is refused before any call",
			body:   "no marker\n",
			code:   2,
			stderr: "does not start with " + marker,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fake := &fakeGitLab{notes: tc.notes, pageSize: 2}
			srv := httptest.NewServer(fake)
			defer srv.Close()
			dir := t.TempDir()
			bodyFile := writeFile(t, dir, "comment.md", tc.body)
			env := append(gitlabEnv(srv), tc.env...)
			res := runScript(t, dir, env, script(t, "sticky-comment.sh"), mrIID, bodyFile)
			if res.code != tc.code {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", res.code, tc.code, res.stdout, res.stderr)
			}
			if !strings.Contains(res.stderr, tc.stderr) {
				t.Errorf("stderr %q lacks %q", res.stderr, tc.stderr)
			}
			if strings.Join(fake.writes, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("writes:\n%s\nwant:\n%s", strings.Join(fake.writes, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
}

func TestStickyCommentGitLabBadToken(t *testing.T) {
	needTools(t, "bash", "curl", "jq")
	fake := &fakeGitLab{pageSize: 2}
	srv := httptest.NewServer(fake)
	defer srv.Close()
	dir := t.TempDir()
	bodyFile := writeFile(t, dir, "comment.md", "<!-- fleetplan-diff -->\nx")
	env := append(gitlabEnv(srv), "FLEETFORM_BOT_TOKEN=wrong")
	res := runScript(t, dir, env, script(t, "sticky-comment.sh"), mrIID, bodyFile)
	if res.code == 0 || len(fake.writes) != 0 {
		t.Errorf("exit %d with writes %v; want a failure and no write", res.code, fake.writes)
	}
}

func TestDriftIssueGitLab(t *testing.T) {
	needTools(t, "bash", "curl", "jq")
	const title = "Drift detected in stack prod"
	issues := "/projects/" + projectID + "/issues"
	cases := []struct {
		name   string
		open   []issue
		want   string // the write, without its text
		code   int
		stderr string
	}{
		{name: "no open issue opens one labelled drift", want: "POST " + issues + " title=" + title + " labels=drift description="},
		{name: "the open issue gets a comment", open: []issue{{IID: 12, Title: title}}, want: "POST " + issues + "/12/notes body="},
		{name: "an issue with a longer title is another stack's", open: []issue{{IID: 13, Title: title + "-eu"}}, want: "POST " + issues + " title=" + title + " labels=drift description="},
		{name: "a stack name that is no stack name is refused", code: 2, stderr: "bad stack"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fake := &fakeGitLab{issues: tc.open, pageSize: 100}
			srv := httptest.NewServer(fake)
			defer srv.Close()
			stack := "prod"
			if tc.code == 2 {
				stack = "prod; rm -rf /"
			}
			res := runScript(t, t.TempDir(), gitlabEnv(srv), script(t, "drift-issue.sh"), stack, "https://gitlab.example.com/jobs/5")
			if res.code != tc.code {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", res.code, tc.code, res.stdout, res.stderr)
			}
			if !strings.Contains(res.stderr, tc.stderr) {
				t.Errorf("stderr %q lacks %q", res.stderr, tc.stderr)
			}
			if tc.code != 0 {
				if len(fake.writes) != 0 {
					t.Errorf("writes %v after a refusal", fake.writes)
				}
				return
			}
			if len(fake.writes) != 1 || !strings.HasPrefix(fake.writes[0], tc.want) {
				t.Fatalf("writes %q, want one starting %q", fake.writes, tc.want)
			}
			for _, want := range []string{"`prod`", "--expect-no-changes", "https://gitlab.example.com/jobs/5"} {
				if !strings.Contains(fake.writes[0], want) {
					t.Errorf("text %q lacks %q", fake.writes[0], want)
				}
			}
			q := fake.queries[0]
			if q.Get("state") != "opened" || q.Get("labels") != "drift" || q.Get("search") != title || q.Get("in") != "title" {
				t.Errorf("search query %v, want open drift issues titled %q", q, title)
			}
		})
	}
}

// The front end follows CI_API_V4_URL: without it the scripts take the GitHub
// path (gh), here a fake gh that records its arguments.
func TestStickyCommentGitHub(t *testing.T) {
	needTools(t, "bash")
	bin := t.TempDir()
	log := filepath.Join(bin, "gh.log")
	writeFile(t, bin, "gh", "#!/usr/bin/env bash\necho \"$*\" >> "+log+"\ncase \"$*\" in *--jq*) echo 55 ;; esac\n")
	dir := t.TempDir()
	bodyFile := writeFile(t, dir, "comment.md", "<!-- fleetplan-diff -->\nx")
	env := []string{"PATH=" + bin + ":/usr/bin:/bin", "GITHUB_REPOSITORY=org/repo", "GH_TOKEN=t"}
	res := runScript(t, dir, env, script(t, "sticky-comment.sh"), "3", bodyFile)
	if res.code != 0 {
		t.Fatalf("exit %d: %s", res.code, res.stderr)
	}
	got := readFile(t, log)
	want := "api --method PATCH repos/org/repo/issues/comments/55 -F body=@" + bodyFile
	if !strings.Contains(got, want) {
		t.Errorf("gh calls:\n%s\nwant one: %s", got, want)
	}
}
